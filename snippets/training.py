"""The one training loop the chapters share, small enough to read in one go.

Chapters that train a model (A1, A3, B2, C, …) call ``fit`` instead of writing
their own loop, so a fix or a change here reaches every experiment, and a reader
learns one loop. It trains on tensors held in memory (the book's tasks are
small), records what the figures need, and prints progress for long runs.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from snippets.validation import positive_int


def set_seed(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch; return a torch generator seeded the same way.

    >>> g = set_seed(0); a = torch.rand(2, generator=g)
    >>> g = set_seed(0); torch.equal(a, torch.rand(2, generator=g))
    True
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


@contextmanager
def torch_threads(n: int = 1) -> Iterator[None]:
    """Run the block with ``n`` torch threads, then restore the previous number.

    The book's models are small: on a busy machine one thread is many times
    faster than two threads that wait for each other, and gives the same numbers.

    >>> before = torch.get_num_threads()
    >>> torch.set_num_threads(3)  # a count other than 1 to come back to (the tests run on one thread)
    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads()
    3
    >>> torch.set_num_threads(before)
    """
    positive_int("n", n)
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@dataclass
class History:
    """What one run recorded, one entry per evaluation (``step`` says when)."""

    step: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    eval_loss: list[float] = field(default_factory=list)
    eval_accuracy: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    diverged: bool = False

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items()}


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Fraction of rows whose largest logit is the target class.

    >>> accuracy(torch.tensor([[2.0, 1.0], [0.0, 3.0]]), torch.tensor([0, 0]))
    0.5
    """
    return (logits.argmax(dim=-1) == targets).float().mean().item()


def _check_data(x: torch.Tensor, y: torch.Tensor, name: str) -> None:
    if not (isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor)):
        raise TypeError(f"{name}: expected two tensors (inputs, targets)")
    if x.shape[0] != y.shape[0] or x.shape[0] == 0:
        raise ValueError(
            f"{name}: inputs and targets need the same, non-zero first dimension; got {tuple(x.shape)} and {tuple(y.shape)}"
        )


# --8<-- [start:fit]
def fit(
    model: nn.Module,
    train: tuple[torch.Tensor, torch.Tensor],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    *,
    steps: int,
    optimizer: torch.optim.Optimizer,
    batch_size: int | None = None,
    seed: int = 0,
    evaluate: tuple[torch.Tensor, torch.Tensor] | None = None,
    eval_every: int = 10,
    before_step: Callable[[nn.Module], None] | None = None,
    progress: str | None = None,
) -> History:
    """Train ``model`` for ``steps`` optimiser steps on mini-batches of ``train``.

    train, evaluate: (inputs (N, ...), targets (N, ...)). ``batch_size=None`` uses
    the whole set each step. ``before_step(model)`` runs after ``backward`` and
    before ``optimizer.step()`` (e.g. gradient clipping). Every ``eval_every``
    steps the history records the mean training loss since the last record, the
    loss and accuracy on ``evaluate`` (or on ``train``) and the gradient norm.
    A non-finite loss stops the run with ``history.diverged = True``.

    >>> _ = torch.manual_seed(0)
    >>> x = torch.randn(64, 2); y = (x[:, 0] > 0).long()
    >>> net = nn.Linear(2, 2)
    >>> h = fit(net, (x, y), nn.functional.cross_entropy, steps=50,
    ...         optimizer=torch.optim.SGD(net.parameters(), lr=0.5), eval_every=25)
    >>> h.step, h.eval_accuracy[-1] > 0.9
    ([25, 50], True)
    """
    _check_data(*train, "train")
    if evaluate is not None:
        _check_data(*evaluate, "evaluate")
    if steps < 1 or eval_every < 1:
        raise ValueError(f"steps and eval_every must be at least 1, got {steps} and {eval_every}")
    x, y = train
    n = x.shape[0]
    generator = torch.Generator().manual_seed(seed)
    history, running, start = History(), [], time.perf_counter()
    for step in range(1, steps + 1):
        model.train()
        idx = torch.randint(n, (batch_size,), generator=generator) if batch_size else slice(None)
        loss = loss_fn(model(x[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        if before_step is not None:
            before_step(model)
        grads = [p.grad for p in model.parameters() if p.grad is not None]
        grad_norm = torch.linalg.vector_norm(torch.stack([g.norm() for g in grads])).item() if grads else 0.0
        optimizer.step()
        running.append(loss.item())
        if not math.isfinite(running[-1]):
            history.diverged = True
        if step % eval_every == 0 or step == steps or history.diverged:
            model.eval()
            ex, ey = evaluate if evaluate is not None else train
            with torch.no_grad():
                out = model(ex)
                history.eval_loss.append(loss_fn(out, ey).item())
                history.eval_accuracy.append(accuracy(out, ey) if out.dim() == 2 and ey.dim() == 1 else float("nan"))
            history.step.append(step)
            history.train_loss.append(sum(running) / len(running))
            history.grad_norm.append(grad_norm)
            running = []
            if progress:
                print(
                    f"\r{progress}: step {step}/{steps}, loss {history.train_loss[-1]:.4g}"
                    f" ({time.perf_counter() - start:.0f} s)",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
        if history.diverged:
            break
    if progress:
        print(file=sys.stderr)
    return history


# --8<-- [end:fit]
