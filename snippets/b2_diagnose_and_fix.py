"""B2 — a simple network gives bad results: diagnose first, then fix under- or overfitting.

The recipe, on scikit-learn's 8×8 handwritten digits (1,797 images, 10 classes):

1. check the data and the labels;
2. check the loss at initialisation: about log C for C balanced classes;
3. overfit a tiny batch: a correct pipeline drives its loss to about 0;
4. compare training and validation error:
   high training error → underfitting (a bigger model, longer training, better features);
   low training error but much higher validation error → overfitting (more data,
   augmentation, weight decay, dropout, early stopping, a smaller model).

``experiment_recipe`` walks steps 3–4 with a too-simple, a well-sized and an
oversized network. Shown in chapter B2, tested by tests/test_b2_diagnose_and_fix.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from snippets.plotting import PALETTE, new_figure
from snippets.training import fit, set_seed, torch_threads
from snippets.validation import positive_int

#: Images kept for training (the rest, 597, are the validation set), after one fixed shuffle.
TRAIN_POOL = 1200

#: The configurations of the experiment: hidden widths, training examples, weight decay.
CONFIGS = {
    "too simple": {"widths": (2,), "n_train": TRAIN_POOL, "weight_decay": 0.0},
    "well sized": {"widths": (32,), "n_train": TRAIN_POOL, "weight_decay": 0.0},
    "oversized, little data": {"widths": (256, 256), "n_train": 100, "weight_decay": 0.0},
    "oversized, little data, weight decay": {"widths": (256, 256), "n_train": 100, "weight_decay": 1e-3},
    "oversized, all data": {"widths": (256, 256), "n_train": TRAIN_POOL, "weight_decay": 0.0},
}

#: Training budget shared by every run of the experiment.
STEPS, BATCH, LR, EVAL_EVERY = 400, 64, 3e-3, 25

#: Training-set sizes of the "more data" sweep, for the oversized network.
SIZES = (100, 200, 400, 800, TRAIN_POOL)

#: Weight decays of the "regularisation dial" sweep, for the oversized network on 100 examples.
DECAYS = (0.0, 1e-3, 1e-2, 1e-1)


# --8<-- [start:data]
def load_task(normalise: bool = True, seed: int = 0) -> dict[str, torch.Tensor]:
    """The digits task: x_train (1200, 64), y_train (1200,), x_val (597, 64), y_val (597,).

    Pixels are 0..16. ``normalise`` subtracts each pixel's training mean, then divides
    by the standard deviation of all centred training pixels (one number, so the
    always-blank border pixels do not blow up); only training statistics are used,
    so nothing leaks from validation.

    >>> d = load_task()
    >>> tuple(d["x_train"].shape), tuple(d["x_val"].shape), d["y_train"].unique().numel()
    ((1200, 64), (597, 64), 10)
    >>> round(d["x_train"].mean().item(), 6) + 0.0, round(d["x_train"].std().item(), 3)
    (0.0, 1.0)
    """
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x, y = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    train, val = order[:TRAIN_POOL], order[TRAIN_POOL:]
    if normalise:
        mean = x[train].mean(dim=0)
        x = (x - mean) / (x[train] - mean).std()
    return {"x_train": x[train], "y_train": y[train], "x_val": x[val], "y_val": y[val]}


# --8<-- [end:data]


# --8<-- [start:model]
def mlp(widths: Sequence[int], in_features: int = 64, classes: int = 10) -> nn.Sequential:
    """A ReLU multilayer perceptron: in_features → widths[0] → … → classes (logits).

    >>> mlp((2,))
    Sequential(
      (0): Linear(in_features=64, out_features=2, bias=True)
      (1): ReLU()
      (2): Linear(in_features=2, out_features=10, bias=True)
    )
    """
    for w in widths:
        positive_int("each of widths", w)
    layers: list[nn.Module] = []
    d = in_features
    for w in widths:
        layers += [nn.Linear(d, w), nn.ReLU()]
        d = w
    layers.append(nn.Linear(d, classes))
    return nn.Sequential(*layers)


# --8<-- [end:model]


# --8<-- [start:checks]
def loss_at_init(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Cross-entropy of an untrained model. With C balanced classes and small logits it is ≈ log C.

    x: (N, features), y: (N,) class indices.

    >>> d = load_task(); _ = torch.manual_seed(0)
    >>> round(loss_at_init(mlp((32,)), d["x_train"], d["y_train"]), 2), round(math.log(10), 2)
    (2.35, 2.3)
    """
    with torch.no_grad():
        return nn.functional.cross_entropy(model(x), y).item()


def overfit_tiny_batch(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, n: int = 16, steps: int = 200, lr: float = 1e-2
) -> float:
    """Train on the first ``n`` examples only and return the final training loss.

    A correct model, loss and optimiser memorise a handful of examples: the loss
    goes to about 0. If it does not, there is a bug (or the model is far too small).

    >>> d = load_task(); _ = torch.manual_seed(0)
    >>> overfit_tiny_batch(mlp((32,)), d["x_train"], d["y_train"]) < 0.01
    True
    """
    with torch_threads(1):
        history = fit(
            model,
            (x[:n], y[:n]),
            nn.functional.cross_entropy,
            steps=steps,
            optimizer=torch.optim.Adam(model.parameters(), lr=lr),
            eval_every=steps,
        )
    return history.eval_loss[-1]


def fit_verdict(train_error: float, val_error: float, acceptable: float = 0.05, gap: float = 0.05) -> str:
    """Read the two errors (fractions misclassified): which problem to fix first.

    Training error above what is acceptable → underfitting; else a validation error
    more than ``gap`` above the training error → overfitting; else a good fit.

    >>> fit_verdict(0.40, 0.42), fit_verdict(0.0, 0.15), fit_verdict(0.0, 0.03)
    ('underfitting', 'overfitting', 'good fit')
    """
    for name, e in (("train_error", train_error), ("val_error", val_error)):
        if not 0.0 <= e <= 1.0:
            raise ValueError(f"{name} must be a fraction in [0, 1], got {e!r}")
    if train_error > acceptable:
        return "underfitting"
    if val_error - train_error > gap:
        return "overfitting"
    return "good fit"


# --8<-- [end:checks]


def errors(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(loss, error rate) of ``model`` on (x, y), in eval mode.

    >>> d = load_task(); _ = torch.manual_seed(0)
    >>> loss, err = errors(mlp((2,)), d["x_val"], d["y_val"]); 0.5 < err <= 1.0
    True
    """
    model.eval()
    with torch.no_grad():
        out = model(x)
        return nn.functional.cross_entropy(out, y).item(), (out.argmax(dim=1) != y).float().mean().item()


# --8<-- [start:run]
def train_config(
    widths: Sequence[int],
    n_train: int,
    weight_decay: float = 0.0,
    seed: int = 0,
    steps: int = STEPS,
    task: dict | None = None,
) -> dict[str, object]:
    """Train ``mlp(widths)`` on the first ``n_train`` training images; measure both errors.

    Adam (L2 penalty ``weight_decay``), mini-batches of 64, the validation set
    evaluated every 25 steps. Returns the curves and the final losses and errors.

    >>> r = train_config((32,), 1200, steps=50)
    >>> sorted(r)
    ['n_params', 'step', 'train_error', 'train_loss', 'train_loss_curve', 'val_error', 'val_loss', 'val_loss_curve']
    """
    task = task or load_task()
    x, y = task["x_train"][:n_train], task["y_train"][:n_train]
    set_seed(seed)
    model = mlp(widths)
    with torch_threads(1):
        history = fit(
            model,
            (x, y),
            nn.functional.cross_entropy,
            steps=steps,
            batch_size=BATCH,
            seed=seed,
            optimizer=torch.optim.Adam(model.parameters(), lr=LR, weight_decay=weight_decay),
            evaluate=(task["x_val"], task["y_val"]),
            eval_every=EVAL_EVERY,
        )
    train_loss, train_error = errors(model, x, y)
    val_loss, val_error = errors(model, task["x_val"], task["y_val"])
    return {
        "step": history.step,
        "train_loss_curve": history.train_loss,
        "val_loss_curve": history.eval_loss,
        "train_loss": train_loss,
        "train_error": train_error,
        "val_loss": val_loss,
        "val_error": val_error,
        "n_params": sum(p.numel() for p in model.parameters()),
    }


# --8<-- [end:run]


def experiment_recipe(seeds: Sequence[int] = (0, 1, 2)) -> dict[str, object]:
    """The checks, every configuration of ``CONFIGS`` with three seeds, and two sweeps of the
    oversized network: more training data (``SIZES``) and stronger weight decay (``DECAYS``)."""
    task = load_task()
    init_losses = {}
    for name, normalise in (("normalised", True), ("raw pixels", False)):
        t = load_task(normalise=normalise)
        set_seed(0)
        init_losses[name] = loss_at_init(mlp((32,)), t["x_train"], t["y_train"])
    set_seed(0)
    tiny_batch = overfit_tiny_batch(mlp((32,)), task["x_train"], task["y_train"])
    done: dict[tuple, list[dict]] = {}

    def runs_of(widths, n_train, weight_decay):
        key = (tuple(widths), n_train, weight_decay)
        if key not in done:
            done[key] = [train_config(widths, n_train, weight_decay, seed=s, task=task) for s in seeds]
        return done[key]

    runs = {name: runs_of(**cfg) for name, cfg in CONFIGS.items()}
    sizes = {str(n): runs_of((256, 256), n, 0.0) for n in SIZES}
    decays = {f"{wd:g}": runs_of((256, 256), 100, wd) for wd in DECAYS}
    for rs in done.values():  # keep the curves of the first seed only
        for r in rs[1:]:
            for k in ("step", "train_loss_curve", "val_loss_curve"):
                r.pop(k, None)
    return {
        "seeds": list(seeds),
        "steps": STEPS,
        "batch": BATCH,
        "lr": LR,
        "configs": {k: {**v, "widths": list(v["widths"])} for k, v in CONFIGS.items()},
        "init_loss": init_losses,
        "log_classes": math.log(10),
        "tiny_batch_loss": tiny_batch,
        "runs": runs,
        "sizes": sizes,
        "decays": decays,
    }


def _recipe() -> dict:
    from snippets.results import load

    return load("b2_diagnose_and_fix", "recipe")["data"]


def mean_over_seeds(runs: list[dict], key: str) -> float:
    """The mean of ``key`` over the seeds' runs.

    >>> mean_over_seeds([{"val_error": 0.1}, {"val_error": 0.2}], "val_error")
    0.15000000000000002
    """
    return sum(r[key] for r in runs) / len(runs)


def figure_learning_curves(lang: str = "en"):
    """Training and validation loss against steps for each configuration (seed 0), and the
    oversized network's errors against the training-set size (committed results)."""
    from snippets.plotting import Labels, ltr

    t = Labels(lang)
    hebrew = {
        "too simple": "פשוטה מדי",
        "well sized": "בגודל מתאים",
        "oversized, little data": "גדולה מדי, מעט נתונים",
        "oversized, little data, weight decay": "גדולה מדי, מעט נתונים, weight decay",
        "oversized, all data": "גדולה מדי, כל הנתונים",
    }
    d = _recipe()
    fig, _ = new_figure(9.0, 5.8)
    fig.clear()
    axes = fig.subplots(2, 3)
    for ax, name in zip(axes.flat, CONFIGS, strict=False):  # 6 panels, 5 configurations
        r = d["runs"][name][0]
        ax.plot(r["step"], r["train_loss_curve"], color=PALETTE[0], linewidth=2, label=t("training", "אימון"))
        ax.plot(
            r["step"],
            r["val_loss_curve"],
            color=PALETTE[1],
            linewidth=2,
            linestyle="--",
            label=t("validation", "ולידציה"),
        )
        ax.set_yscale("log")
        ax.set_ylim(1e-5, 10)
        cfg = d["configs"][name]
        ax.set_title(
            t(
                f"{name}\nhidden {tuple(cfg['widths'])}, {cfg['n_train']} images",
                f"{hebrew[name]}\nשכבות חבויות {ltr(str(tuple(cfg['widths'])))}, {cfg['n_train']} תמונות",
            ),
            fontsize=9,
        )
        ax.text(
            0.97,
            0.95,
            t(
                f"train err {r['train_error']:.1%}\nval err {r['val_error']:.1%}",
                f"שגיאת אימון {r['train_error']:.1%}\nשגיאת ולידציה {r['val_error']:.1%}",
            ),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8,
        )
        ax.set_xlabel(t("step", "צעד"))
    for ax in axes[:, 0]:
        ax.set_ylabel(t("cross-entropy", "אנטרופיה צולבת"))
    axes.flat[0].legend(fontsize=8, loc="lower left", **t.legend)
    sizes = d["sizes"]
    ns = sorted(int(n) for n in sizes)
    ax = axes.flat[-1]
    ax.plot(
        ns,
        [mean_over_seeds(sizes[str(n)], "train_error") for n in ns],
        "o-",
        color=PALETTE[0],
        label=t("training", "אימון"),
    )
    ax.plot(
        ns,
        [mean_over_seeds(sizes[str(n)], "val_error") for n in ns],
        "s--",
        color=PALETTE[1],
        label=t("validation", "ולידציה"),
    )
    ax.set_xscale("log")
    ax.set_xticks(ns, [str(n) for n in ns], fontsize=8)
    ax.minorticks_off()
    ax.set_ylim(0, 0.3)
    ax.set_title(
        t(
            "oversized, more and more data\n(error, mean of 3 seeds)",
            "גדולה מדי, עוד ועוד נתונים\n(שגיאה, ממוצע של 3 seeds)",
        ),
        fontsize=9,
    )
    ax.set_xlabel(t("training images", "תמונות אימון"))
    ax.set_ylabel(t("error", "שגיאה"))
    ax.legend(fontsize=8, **t.legend)
    return fig


def figure_regularisation_dial(lang: str = "en"):
    """Weight decay on the oversized network with 100 examples: errors and validation loss (committed results)."""
    from snippets.plotting import Labels

    t = Labels(lang)
    d = _recipe()
    decays = d["decays"]
    labels = list(decays)
    xs = range(len(labels))
    fig, (ax1, ax2) = new_figure(7.5, 3.0, ncols=2)
    training, validation = t("training", "אימון"), t("validation", "ולידציה")
    ax1.plot(xs, [mean_over_seeds(decays[k], "train_error") for k in labels], "o-", color=PALETTE[0], label=training)
    ax1.plot(xs, [mean_over_seeds(decays[k], "val_error") for k in labels], "s--", color=PALETTE[1], label=validation)
    ax1.set_ylabel(t("error (mean of 3 seeds)", "שגיאה (ממוצע של 3 seeds)"))
    ax1.set_ylim(0, 0.35)
    ax1.legend(fontsize=8, **t.legend)
    ax2.plot(xs, [mean_over_seeds(decays[k], "train_loss") for k in labels], "o-", color=PALETTE[0], label=training)
    ax2.plot(xs, [mean_over_seeds(decays[k], "val_loss") for k in labels], "s--", color=PALETTE[1], label=validation)
    ax2.set_ylabel(t("cross-entropy (mean of 3 seeds)", "cross-entropy (ממוצע של 3 seeds)"))
    ax2.set_ylim(0, 1.2)
    for ax in (ax1, ax2):
        ax.set_xticks(list(xs), labels)
        ax.set_xlabel(t("weight decay (L2 penalty)", "weight decay (קנס L2)"))
    fig.suptitle(
        t(
            "Regularisation is a dial: oversized network, 100 training images",
            "רגולריזציה היא כפתור כוונון: רשת גדולה מדי, 100 תמונות אימון",
        ),
        fontsize=10,
    )
    return fig


def facts() -> dict[str, object]:
    """The numbers chapter B2 prints about the recipe (committed results)."""
    d = _recipe()
    task = load_task()
    out: dict[str, object] = {
        "n_images": len(task["x_train"]) + len(task["x_val"]),
        "n_train_pool": len(task["x_train"]),
        "n_val": len(task["x_val"]),
        "steps": d["steps"],
        "batch": d["batch"],
        "lr": f"{d['lr']:g}",
        "n_seeds": len(d["seeds"]),
        "log_classes": d["log_classes"],
        "init_loss_normalised": d["init_loss"]["normalised"],
        "init_loss_raw": d["init_loss"]["raw pixels"],
        "tiny_batch_loss": d["tiny_batch_loss"],
        "small_n": CONFIGS["oversized, little data"]["n_train"],
        "weight_decay": f"{CONFIGS['oversized, little data, weight decay']['weight_decay']:g}",
    }
    keys = {
        "too simple": "simple",
        "well sized": "well",
        "oversized, little data": "over",
        "oversized, little data, weight decay": "reg",
        "oversized, all data": "more",
    }
    for name, short in keys.items():
        runs = d["runs"][name]
        out[f"{short}_params"] = runs[0]["n_params"]
        for k in ("train_error", "val_error", "train_loss", "val_loss"):
            out[f"{short}_{k}"] = mean_over_seeds(runs, k)
        out[f"{short}_verdict"] = fit_verdict(out[f"{short}_train_error"], out[f"{short}_val_error"])
        curve = runs[0]["val_loss_curve"]
        out[f"{short}_val_loss_min"] = min(curve)
        out[f"{short}_val_loss_min_step"] = runs[0]["step"][curve.index(min(curve))]
    for n, runs in d["sizes"].items():
        out[f"size_{n}_val_error"] = mean_over_seeds(runs, "val_error")
    import inspect

    out["tiny_n"] = inspect.signature(overfit_tiny_batch).parameters["n"].default
    for name, short in (("too simple", "simple"), ("well sized", "well"), ("oversized, all data", "over")):
        out[f"{short}_widths"] = CONFIGS[name]["widths"]
    out["well_hidden"] = CONFIGS["well sized"]["widths"][0]
    decays = [f"{wd:g}" for wd in DECAYS]
    out["decays"] = ", ".join(decays[:-1]) + f" and {decays[-1]}"
    out["decays_he"] = ", ".join(decays[:-1]) + f" ו־{decays[-1]}"
    out["decay_max"] = decays[-1]
    sweep = sorted((int(n), mean_over_seeds(runs, "val_error")) for n, runs in d["sizes"].items())
    out["data_sweep"] = ", ".join(
        f"{err:.1%} with {n}" + (" images" if i == 0 else "") for i, (n, err) in enumerate(sweep)
    )
    out["data_sweep_he"] = ", ".join(
        f"{err:.1%} עם {n}" + (" תמונות" if i == 0 else "") for i, (n, err) in enumerate(sweep)
    )
    for wd, runs in d["decays"].items():
        key = wd.replace(".", "_").replace("-", "m")
        for k in ("train_error", "val_error", "train_loss", "val_loss"):
            out[f"decay_{key}_{k}"] = mean_over_seeds(runs, k)
    return out
