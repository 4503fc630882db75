"""B2 — "debug this": four common training bugs, each next to its fix.

Every pair trains the same network (``mlp((32,))`` on the digits task) with the
same shared loop, ``snippets.training.fit``, for the same number of steps; the
only difference is the bug. The fixed run reaches a validation loss below
``THRESHOLD``; the buggy one does not. Shown in chapter B2, tested by
tests/test_b2_training_bugs.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from snippets.b2_diagnose_and_fix import load_task, mlp
from snippets.training import fit, set_seed, torch_threads

#: The validation loss a working run must reach (log 10 ≈ 2.30 is chance level).
THRESHOLD = 0.3

#: The shared budget of every run: plain SGD, this learning rate, mini-batches, steps; the hidden width.
LR, BATCH, STEPS, HIDDEN = 0.1, 64, 300, 32


# --8<-- [start:no_zero_grad]
def never_zeroed() -> Callable[[nn.Module], None]:
    """A ``before_step`` hook that makes ``fit`` behave as if ``optimizer.zero_grad()`` were missing.

    Without ``zero_grad`` each ``backward()`` *adds* to ``.grad``, so the step uses
    the sum of every gradient so far. The hook rebuilds that sum.

    >>> net = nn.Linear(1, 1, bias=False); hook = never_zeroed()
    >>> for _ in range(3):
    ...     net.weight.grad = torch.ones(1, 1); hook(net)
    >>> net.weight.grad.item()   # 1 + 1 + 1: the third step uses three gradients
    3.0
    """
    total: dict[nn.Parameter, torch.Tensor] = {}

    def hook(model: nn.Module) -> None:
        for p in model.parameters():
            if p.grad is not None:
                if p in total:
                    p.grad += total[p]
                total[p] = p.grad.detach().clone()

    return hook


# --8<-- [end:no_zero_grad]


# --8<-- [start:pairs]
def run(bug: str | None = None, seed: int = 0, steps: int = STEPS) -> dict[str, float]:
    """Train ``mlp((32,))`` with SGD, optionally with one bug; return the final validation loss
    and the number of dead hidden units.

    bug: None (the fixed run), "no zero_grad", "learning rate x100",
    "unnormalised inputs" or "labels shuffled". A run whose loss becomes
    non-finite stops early and reports ``None`` for its losses.

    >>> r = run(None); r["val_loss"] < THRESHOLD
    True
    >>> r = run("labels shuffled"); r["val_loss"] > 2.0
    True
    """
    if bug not in BUGS:
        raise ValueError(f"bug must be one of {sorted(BUGS, key=str)}, got {bug!r}")
    task = load_task(normalise=bug != "unnormalised inputs")
    x, y = task["x_train"], task["y_train"]
    if bug == "labels shuffled":  # the labels were shuffled on their own, apart from the images
        y = y[torch.randperm(len(y), generator=torch.Generator().manual_seed(seed + 1))]
    lr = LR * 100 if bug == "learning rate x100" else LR
    set_seed(seed)
    model = mlp((HIDDEN,))
    with torch_threads(1):
        history = fit(
            model,
            (x, y),
            nn.functional.cross_entropy,
            steps=steps,
            batch_size=BATCH,
            seed=seed,
            optimizer=torch.optim.SGD(model.parameters(), lr=lr),
            evaluate=(task["x_val"], task["y_val"]),
            eval_every=steps,
            before_step=never_zeroed() if bug == "no zero_grad" else None,
        )
    finite = lambda v: v if math.isfinite(v) else None  # noqa: E731
    return {
        "val_loss": finite(history.eval_loss[-1]),
        "diverged": history.diverged,
        "steps": history.step[-1],
        "dead_units": dead_units(model, x),
    }


def dead_units(model: nn.Sequential, x: torch.Tensor) -> int:
    """Hidden units of the first layer that output 0 for every input in x: "dead" ReLUs, which no longer learn.

    >>> net = mlp((4,)); _ = nn.init.constant_(net[0].bias, -1e6)
    >>> dead_units(net, torch.randn(10, 64))
    4
    """
    with torch.no_grad():
        return int((torch.relu(model[0](x)).amax(dim=0) == 0).sum())


BUGS = (None, "no zero_grad", "learning rate x100", "unnormalised inputs", "labels shuffled")
# --8<-- [end:pairs]


def experiment_bugs() -> dict[str, object]:
    """Each bug and the fixed run, with the shared budget."""
    return {
        "threshold": THRESHOLD,
        "lr": LR,
        "batch": BATCH,
        "steps": STEPS,
        "runs": {str(bug): run(bug) for bug in BUGS},
    }


def facts() -> dict[str, object]:
    """The numbers chapter B2 prints about the bugs (committed results)."""
    import re

    from snippets.results import load

    d = load("b2_training_bugs", "bugs")["data"]
    # the factor the high-rate run used, as its name in the committed record says (tests check the code agrees)
    factor = next(int(m.group(1)) for k in d["runs"] if (m := re.fullmatch(r"learning rate x(\d+)", k)))
    out: dict[str, object] = {
        "threshold": d["threshold"],
        "lr": d["lr"],
        "lr_x100": d["lr"] * factor,
        "lr_factor": factor,
        "hidden": HIDDEN,
        "steps": d["steps"],
        "batch": d["batch"],
    }
    names = {
        "None": "fixed",
        "no zero_grad": "no_zero_grad",
        "learning rate x100": "high_lr",
        "unnormalised inputs": "raw_inputs",
        "labels shuffled": "shuffled",
    }
    for bug, key in names.items():
        r = d["runs"][bug]
        out[f"{key}_val_loss"] = "diverged" if r["val_loss"] is None else f"{r['val_loss']:.2f}"
        out[f"{key}_steps"] = r["steps"]
        out[f"{key}_dead_units"] = r["dead_units"]
    return out
