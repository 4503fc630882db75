"""D — hierarchy and the inductive bias, measured on one small task.

The task ("two bars"): a 12 × 12 noisy image holds two horizontal bars, 3 rows
apart (class 0) or 5 rows apart (class 1), anywhere in the image (wrapping around).
The class is a *relation between two parts*, so it tests hierarchy: a unit must see
both bars at once. Each 3 × 3 window sees at most one bar, so one convolutional layer
with global pooling only counts bar pieces — identical for both classes. Two layers
(receptive field 5 × 5) can see both bars at gap 3.

The same task with the pixels shuffled by one fixed permutation tests the
inductive bias. A convolution assumes that neighbouring pixels belong together;
after the shuffle they do not, and the CNN's prior is wrong. A fully connected
network (MLP) has no notion of "neighbour": for it, a permutation of its inputs is
a permutation of its first layer's columns, so it learns exactly as well.

``experiment_two_bars()`` trains each model on both versions with the book's
``fit`` loop. Shown in chapter D, tested by tests/test_d_inductive_bias.py.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from snippets.d_receptive_field import receptive_fields, show_image
from snippets.plotting import PALETTE, new_figure
from snippets.training import fit, set_seed, torch_threads
from snippets.validation import positive_int

SIZE, GAPS, LENGTH, NOISE = 12, (3, 5), 4, 0.3


# --8<-- [start:data]
def two_bars(n: int, seed: int, size: int = SIZE, noise: float = NOISE) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` images (n, 1, size, size) and labels (n,): two bars GAPS[label] rows apart, anywhere.

    >>> x, y = two_bars(2, seed=0, noise=0.0)
    >>> x.shape, x[0].sum().item(), sorted(set(y.tolist())) <= [0, 1]
    (torch.Size([2, 1, 12, 12]), 8.0, True)
    """
    positive_int("n", n)
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(2, (n,), generator=g)
    x = torch.zeros(n, 1, size, size)
    for i in range(n):
        r, c = (int(v) for v in torch.randint(size, (2,), generator=g))
        for row in (r, r + GAPS[int(y[i])]):
            for col in range(c, c + LENGTH):
                x[i, 0, row % size, col % size] = 1.0
    return x + noise * torch.randn(x.shape, generator=g), y


def permute_pixels(x: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
    """Shuffle the pixels of every image (B, C, H, W) by the same permutation of H·W positions.

    >>> permute_pixels(torch.arange(4.).reshape(1, 1, 2, 2), torch.tensor([3, 2, 1, 0])).flatten().tolist()
    [3.0, 2.0, 1.0, 0.0]
    """
    b, c, h, w = x.shape
    if perm.shape != (h * w,):
        raise ValueError(f"perm must be a permutation of {h * w} positions, got shape {tuple(perm.shape)}")
    return x.reshape(b, c, h * w)[..., perm].reshape(b, c, h, w)


# --8<-- [end:data]


# --8<-- [start:models]
def cnn(layers: int, channels: int = 16) -> nn.Sequential:
    """``layers`` circular 3×3 convolutions with ReLU, global average pooling, a linear read-out.

    >>> sum(p.numel() for p in cnn(2).parameters())
    2514
    """
    mods: list[nn.Module] = []
    c = 1
    for _ in range(layers):
        mods += [nn.Conv2d(c, channels, 3, padding=1, padding_mode="circular"), nn.ReLU()]
        c = channels
    return nn.Sequential(*mods, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 2))


def mlp(size: int = SIZE, hidden: int = 64) -> nn.Sequential:
    """Flatten, one hidden layer of ``hidden`` ReLU units, a linear read-out.

    >>> sum(p.numel() for p in mlp().parameters())
    9410
    """
    return nn.Sequential(nn.Flatten(), nn.Linear(size * size, hidden), nn.ReLU(), nn.Linear(hidden, 2))


def for_permuted_pixels(model: nn.Sequential, perm: torch.Tensor) -> nn.Sequential:
    """The MLP that computes on permuted images what ``model`` computes on the originals.

    Its first layer's columns are permuted the same way: nothing is lost.

    >>> _ = torch.manual_seed(0)
    >>> net, x, perm = mlp(), torch.randn(3, 1, 12, 12), torch.randperm(144)
    >>> torch.allclose(for_permuted_pixels(net, perm)(permute_pixels(x, perm)), net(x), atol=1e-6)
    True
    """
    import copy

    twin = copy.deepcopy(model)
    with torch.no_grad():
        twin[1].weight.copy_(model[1].weight[:, perm])
    return twin


# --8<-- [end:models]


# --8<-- [start:experiment]
def train_and_test(make, permuted: bool, *, steps: int, n_train: int, seed: int) -> dict[str, float]:
    """Train one fresh model (``make()``) on the two-bars task, return train and test accuracy."""
    x, y = two_bars(n_train, seed=seed + 1)
    x_test, y_test = two_bars(1000, seed=seed + 2)
    perm = torch.randperm(SIZE * SIZE, generator=torch.Generator().manual_seed(seed + 3))
    set_seed(seed)
    model = make()
    if permuted:
        x, x_test = permute_pixels(x, perm), permute_pixels(x_test, perm)
        if isinstance(model[1], nn.Linear):  # the MLP: same initial function, columns permuted
            model = for_permuted_pixels(model, perm)
    with torch_threads(1):
        history = fit(
            model,
            (x, y),
            F.cross_entropy,
            steps=steps,
            batch_size=64,
            seed=seed,
            optimizer=torch.optim.Adam(model.parameters(), lr=3e-3),
            evaluate=(x_test, y_test),
            eval_every=steps,
        )
        with torch.no_grad():
            train_acc = (model(x).argmax(1) == y).float().mean().item()
    return {"train": train_acc, "test": history.eval_accuracy[-1]}


MODELS = {"cnn_1_layer": lambda: cnn(1), "cnn_2_layers": lambda: cnn(2), "mlp": mlp}


def experiment_two_bars(steps: int = 400, n_train: int = 512, seed: int = 0, models=tuple(MODELS)) -> dict:
    """Test accuracy of each model on the two-bars task, on pixels as given and permuted."""
    runs = {}
    for name in models:
        make = MODELS[name]
        runs[name] = {
            "params": sum(p.numel() for p in make().parameters()),
            "pixels": train_and_test(make, False, steps=steps, n_train=n_train, seed=seed),
            "permuted": train_and_test(make, True, steps=steps, n_train=n_train, seed=seed),
        }
        if name.startswith("cnn"):
            runs[name]["receptive_field"] = receptive_fields([m for m in make() if isinstance(m, nn.Conv2d)])[-1]
    return {"steps": steps, "n_train": n_train, "n_test": 1000, "seed": seed, "torch_threads": 1, "runs": runs}


# --8<-- [end:experiment]


def _results() -> dict:
    from snippets.results import load

    return load("d_inductive_bias", "two_bars")["data"]


def figure_two_bars(lang: str = "en"):
    """Two example images (gap 3 and gap 5, no noise) and the committed test accuracies."""
    from snippets.plotting import Labels

    t = Labels(lang)
    data = _results()
    fig, axes = new_figure(7.6, 2.6, ncols=3)
    fig.get_layout_engine().set(wspace=0.05)
    examples, labels = two_bars(40, seed=5, noise=0.0)
    for ax, label in zip(axes[:2], (0, 1), strict=True):
        img = examples[int((labels == label).nonzero()[0])][0]
        title = t(f"class {label}: bars {GAPS[label]} rows apart", f"מחלקה {label}: פסים במרחק {GAPS[label]} שורות")
        show_image(ax, img, title, cmap="Greys")
    ax = axes[2]
    names = list(data["runs"])
    pretty = {
        "cnn_1_layer": t("CNN\n1 layer", "CNN\nשכבה אחת"),
        "cnn_2_layers": t("CNN\n2 layers", "CNN\n2 שכבות"),
        "mlp": "MLP",
    }
    width = 0.38
    for k, (kind, colour) in enumerate([("pixels", PALETTE[0]), ("permuted", PALETTE[1])]):
        vals = [100 * data["runs"][n][kind]["test"] for n in names]
        ax.bar(
            [i + (k - 0.5) * width for i in range(len(names))],
            vals,
            width,
            color=colour,
            label=t("pixels as given", "הפיקסלים כמו שהם")
            if kind == "pixels"
            else t("pixels permuted", "פיקסלים בסדר מעורבב"),
        )
    ax.axhline(50, color="#555555", linestyle="--", linewidth=1)
    ax.set_xticks(range(len(names)), [pretty.get(n, n) for n in names], fontsize=8)
    ax.set_ylabel(t("test accuracy (%)", "דיוק על קבוצת המבחן (%)"))
    ax.set_ylim(0, 100)
    ax.set_title(t("one seed; dashed: chance", "seed אחד; מקווקו: ניחוש אקראי"), fontsize=9)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncols=2, frameon=False, **t.legend)
    return fig


def facts() -> dict[str, object]:
    """The numbers chapter D prints about the two-bars experiment, read from its results file."""
    data = _results()
    runs = data["runs"]
    import inspect

    out: dict[str, object] = {
        "cnn_2_layers_depth": sum(isinstance(m, nn.Conv2d) for m in MODELS["cnn_2_layers"]().modules()),
        "mlp_hidden": inspect.signature(mlp).parameters["hidden"].default,
        "steps": data["steps"],
        "n_train": data["n_train"],
        "n_test": data["n_test"],
        "size": SIZE,
        "gap_0": GAPS[0],
        "gap_1": GAPS[1],
        "noise": NOISE,
    }
    for name, run in runs.items():
        out[f"{name}_params"] = run["params"]
        out[f"{name}_pixels"] = 100 * run["pixels"]["test"]
        out[f"{name}_permuted"] = 100 * run["permuted"]["test"]
        out[f"{name}_train"] = 100 * run["pixels"]["train"]
        if "receptive_field" in run:
            out[f"{name}_rf"] = run["receptive_field"]
    return out
