"""B2 — is deeper always better? A deep plain network trains worse than a shallow one;
the same depth with residual connections trains well.

All networks here have width 32 and differ only in depth, in the skip connection
``x + f(x)`` and in normalisation. Trained on the digits task with the same
budget; the experiment measures the *training* loss (an optimisation problem, not
overfitting) and the gradient reaching every layer at initialisation. Shown in
chapter B2, tested by tests/test_b2_depth_residual.py.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from snippets.b2_diagnose_and_fix import load_task
from snippets.plotting import PALETTE, new_figure
from snippets.training import fit, set_seed, torch_threads
from snippets.validation import positive_int

#: Hidden blocks of the deep networks (plus an input and an output layer: 32 linear layers in all).
DEEP = 30

#: The networks of the experiment: (hidden blocks, residual, normalisation, He initialisation).
NETWORKS = {
    "shallow (1 block)": (1, False, False, False),
    f"plain, {DEEP} blocks": (DEEP, False, False, False),
    f"plain, {DEEP} blocks, He init": (DEEP, False, False, True),
    f"residual, {DEEP} blocks": (DEEP, True, False, False),
    f"residual + LayerNorm, {DEEP} blocks": (DEEP, True, True, False),
}

#: Training budget of every network.
STEPS, BATCH, LR, EVAL_EVERY, WIDTH = 300, 64, 1e-3, 25, 32


# --8<-- [start:block]
class Block(nn.Module):
    """One hidden block, (B, width) → (B, width): h = ReLU(norm(W x + b)); returns x + h if residual, else h.

    >>> Block(4, residual=True)(torch.zeros(2, 4)).shape
    torch.Size([2, 4])
    """

    def __init__(self, width: int, residual: bool = False, norm: bool = False):
        super().__init__()
        self.linear = nn.Linear(width, width)
        self.norm = nn.LayerNorm(width) if norm else nn.Identity()
        self.residual = residual

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.norm(self.linear(x)))
        return x + h if self.residual else h


def deep_net(
    blocks: int,
    residual: bool = False,
    norm: bool = False,
    he_init: bool = False,
    width: int = WIDTH,
    in_features: int = 64,
    classes: int = 10,
) -> nn.Sequential:
    """Input layer, ``blocks`` hidden blocks, output layer: (B, in_features) → (B, classes).

    ``he_init`` replaces PyTorch's default initialisation of every linear layer by
    He (Kaiming) normal initialisation for ReLU, with zero biases.

    >>> net = deep_net(30); sum(isinstance(m, nn.Linear) for m in net.modules())
    32
    """
    positive_int("blocks", blocks, least=0)
    net = nn.Sequential(
        nn.Linear(in_features, width),
        nn.ReLU(),
        *[Block(width, residual, norm) for _ in range(blocks)],
        nn.Linear(width, classes),
    )
    if he_init:
        for m in net.modules():
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
    return net


# --8<-- [end:block]


# --8<-- [start:gradients]
def gradient_norms(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    """The norm of the cross-entropy's gradient for each linear layer's weight, input layer first.

    x: (N, features), y: (N,). One backward pass; the model is not changed.

    >>> _ = torch.manual_seed(0); d = load_task()
    >>> g = gradient_norms(deep_net(30), d["x_train"][:256], d["y_train"][:256])
    >>> len(g), g[0] < 1e-9 < 1e-4 < g[-1]     # vanished at the bottom, alive at the top
    (32, True)
    """
    model.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    norms = [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, nn.Linear)]
    model.zero_grad()
    return norms


# --8<-- [end:gradients]


def multiply_adds(model: nn.Module) -> int:
    """Multiply-adds of the linear layers for one example: the compute that depth adds.

    >>> multiply_adds(deep_net(1)), multiply_adds(deep_net(30))
    (3392, 33088)
    """
    return sum(m.in_features * m.out_features for m in model.modules() if isinstance(m, nn.Linear))


def train_network(
    blocks: int, residual: bool, norm: bool, he_init: bool, seed: int = 0, steps: int = STEPS, task: dict | None = None
) -> dict[str, object]:
    """Train one network with Adam; record the training loss on the whole training set over time."""
    task = task or load_task()
    x, y = task["x_train"], task["y_train"]
    set_seed(seed)
    model = deep_net(blocks, residual, norm, he_init)
    grads = gradient_norms(model, x[:256], y[:256])
    with torch.no_grad():
        init_loss = nn.functional.cross_entropy(model(x), y).item()
    with torch_threads(1):
        history = fit(
            model,
            (x, y),
            nn.functional.cross_entropy,
            steps=steps,
            batch_size=BATCH,
            seed=seed,
            optimizer=torch.optim.Adam(model.parameters(), lr=LR),
            evaluate=(x, y),
            eval_every=EVAL_EVERY,
        )
    model.eval()
    with torch.no_grad():
        val = model(task["x_val"])
    return {
        "step": [0] + history.step,
        "train_loss": [init_loss] + history.eval_loss,
        "train_accuracy": history.eval_accuracy[-1],
        "val_accuracy": (val.argmax(dim=1) == task["y_val"]).float().mean().item(),
        "grad_norms": grads,
        "n_params": sum(p.numel() for p in model.parameters()),
        "multiply_adds": multiply_adds(model),
    }


def experiment_depth() -> dict[str, object]:
    """The five networks of ``NETWORKS``, the same budget each."""
    task = load_task()
    return {
        "steps": STEPS,
        "batch": BATCH,
        "lr": LR,
        "width": WIDTH,
        "deep": DEEP,
        "runs": {name: train_network(*spec, task=task) for name, spec in NETWORKS.items()},
    }


def _depth() -> dict:
    from snippets.results import load

    return load("b2_depth_residual", "depth")["data"]


STYLES = dict(
    zip(NETWORKS, [(PALETTE[6], "-"), (PALETTE[1], "-"), (PALETTE[4], ":"), (PALETTE[0], "--"), (PALETTE[2], "-.")])
)


def _network_label(t, name: str) -> str:
    """The legend label of network ``name`` of ``NETWORKS`` in the figure's language."""
    hebrew = {
        "shallow (1 block)": "רדודה (בלוק אחד)",
        f"plain, {DEEP} blocks": f"רגילה, {DEEP} בלוקים",
        f"plain, {DEEP} blocks, He init": f"רגילה, {DEEP} בלוקים, אתחול He",
        f"residual, {DEEP} blocks": f"residual, {DEEP} בלוקים",
        f"residual + LayerNorm, {DEEP} blocks": f"residual + LayerNorm, {DEEP} בלוקים",
    }
    return t(name, hebrew[name])


def figure_depth_training(lang: str = "en"):
    """Training loss against steps for the five networks (committed results)."""
    from snippets.plotting import Labels

    t = Labels(lang)
    runs = _depth()["runs"]
    fig, ax = new_figure(6.4, 3.6)
    for name in NETWORKS:
        colour, ls = STYLES[name]
        r = runs[name]
        ax.plot(r["step"], r["train_loss"], color=colour, linestyle=ls, linewidth=2, label=_network_label(t, name))
    ax.axhline(math.log(10), color="#777777", linewidth=1, linestyle=":")
    ax.annotate(
        t("log 10: chance", "log 10: ניחוש אקראי"),
        (STEPS, math.log(10)),
        xytext=(0, 3),
        textcoords="offset points",
        ha="right",
        fontsize=8,
    )
    ax.set_yscale("log")
    ax.set_ylim(3e-3, 300)
    ax.set_xlabel(t("step", "צעד"))
    ax.set_ylabel(t("training cross-entropy", "cross-entropy על קבוצת האימון"))
    ax.set_title(
        t(
            "Same width, same budget: depth alone hurts, skip connections fix it",
            "אותו רוחב, אותו תקציב: העומק לבדו פוגע, חיבורי שארית מתקנים",
        ),
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False, **t.legend)
    return fig


def figure_gradient_norms(lang: str = "en"):
    """Gradient norm of each layer's weight at initialisation, for the deep networks (committed results)."""
    from snippets.plotting import Labels

    t = Labels(lang)
    runs = _depth()["runs"]
    fig, ax = new_figure(6.4, 3.4)
    for name in NETWORKS:
        if name.startswith("shallow"):
            continue
        colour, ls = STYLES[name]
        g = runs[name]["grad_norms"]
        ax.plot(
            range(1, len(g) + 1),
            g,
            color=colour,
            linestyle=ls,
            linewidth=2,
            marker="o",
            markersize=3,
            label=_network_label(t, name),
        )
    ax.set_yscale("log")
    ax.set_xlabel(t("linear layer (1 = input layer)", "שכבה לינארית (1 = שכבת הקלט)"))
    ax.set_ylabel(t("gradient norm at initialisation", "נורמת הגרדיאנט באתחול"))
    ax.set_title(
        t("How much gradient reaches each layer before training", "כמה גרדיאנט מגיע לכל שכבה לפני האימון"), fontsize=10
    )
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False, **t.legend)
    return fig


def facts() -> dict[str, object]:
    """The numbers chapter B2 prints about depth (committed results)."""
    d = _depth()
    keys = ["shallow", "plain", "plain_he", "res", "res_ln"]
    out: dict[str, object] = {
        "steps": d["steps"],
        "lr": f"{d['lr']:g}",
        "width": d["width"],
        "deep": d["deep"],
        "deep_layers": d["deep"] + 2,
    }
    for key, name in zip(keys, NETWORKS):
        r = d["runs"][name]
        out[f"{key}_loss"] = r["train_loss"][-1]
        out[f"{key}_init_loss"] = r["train_loss"][0]
        out[f"{key}_train_acc"] = r["train_accuracy"]
        out[f"{key}_val_acc"] = r["val_accuracy"]
        out[f"{key}_grad_first"] = f"{r['grad_norms'][0]:.1e}"
        out[f"{key}_grad_last"] = f"{r['grad_norms'][-1]:.1e}"
        out[f"{key}_params"] = r["n_params"]
        out[f"{key}_madds"] = r["multiply_adds"]
    return out
