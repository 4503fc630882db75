"""C — the exam's module: one step of h_{t+1} = A h_t + tanh(W h_t + U x_{t+1} + b).

The exam asks for a PyTorch ``nn.Module`` whose ``__init__`` takes ``input_size``
and ``hidden_size`` and whose ``forward`` takes the current input and the previous
hidden state and returns the next one. ``LipschitzRNNCell`` is that module; the
rest of this file is what the chapter shows about it: why the initialisation of
A matters, and the common wrong answers, each written out so a test can show
what goes wrong. Shown in chapter C, tested by tests/test_c_lipschitz_cell.py.
"""

from __future__ import annotations

# --8<-- [start:cell]
import math

import torch
import torch.nn.functional as F
from torch import nn


class LipschitzRNNCell(nn.Module):
    """One step of h_{t+1} = A h_t + tanh(W h_t + U x_{t+1} + b), for a batch of rows.

    x: (B, input_size), h_prev: (B, hidden_size) or None (zeros) -> h_next: (B, hidden_size).
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        k = 1.0 / math.sqrt(hidden_size)  # nn.RNNCell's range: U(-k, k)
        self.A = nn.Parameter(torch.eye(hidden_size))  # A = I: the step starts as h + tanh(...)
        self.W = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-k, k))
        self.U = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-k, k))
        self.b = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k))

    def forward(self, x: torch.Tensor, h_prev: torch.Tensor | None = None) -> torch.Tensor:
        if h_prev is None:  # first step: start from zeros
            h_prev = x.new_zeros(*x.shape[:-1], self.hidden_size)
        # Rows are samples, so M h is written h Mᵀ = F.linear(h, M); A stays outside the tanh.
        return F.linear(h_prev, self.A) + torch.tanh(F.linear(h_prev, self.W) + F.linear(x, self.U, self.b))

    # --8<-- [end:cell]

    # The sequence module (snippets/c_lipschitz_sequence.py) drives the same cell
    # with the input projection U x + b computed for all time steps at once.
    def input_projection(self, x: torch.Tensor) -> torch.Tensor:
        """U x + b for inputs of any leading shape (..., input_size) -> (..., hidden_size)."""
        return F.linear(x, self.U, self.b)

    def recurrence(self):
        """The step h, p -> A h + tanh(W h + p), with p = U x + b already computed."""
        A, W = self.A, self.W
        return lambda h, p: F.linear(h, A) + torch.tanh(F.linear(h, W) + p)

    def scan_form(self):
        """(A, W, c) with h' = A h + c·tanh(W h + p): here c = 1 (the sequence module's fast path)."""
        return self.A, self.W, 1.0


# --8<-- [start:checked]
class CheckedLipschitzRNNCell(LipschitzRNNCell):
    """The exam's cell with its input checked: a wrong type or shape raises an error that names the expected one.

    forward(x, h_prev): x (B, input_size) or (input_size,); h_prev of the matching shape (B, hidden_size)
    or (hidden_size,), or None for zeros on x's device and dtype. Returns the next state, batched like x.

    >>> _ = torch.manual_seed(0)
    >>> cell = CheckedLipschitzRNNCell(input_size=3, hidden_size=5)
    >>> [(name, tuple(p.shape)) for name, p in cell.named_parameters()]
    [('A', (5, 5)), ('W', (5, 5)), ('U', (5, 3)), ('b', (5,))]
    >>> h = cell(torch.randn(2, 3))           # h_prev=None: start from zeros
    >>> cell(torch.randn(2, 3), h).shape
    torch.Size([2, 5])
    >>> cell(torch.randn(3)).shape            # one unbatched input
    torch.Size([5])
    >>> cell(torch.randn(2, 4))
    Traceback (most recent call last):
    ...
    ValueError: x must have shape (B, input_size) = (B, 3) or (3,), got (2, 4)
    """

    def __init__(self, input_size: int, hidden_size: int):
        from snippets.validation import positive_int  # the book's one check of a size

        super().__init__(positive_int("input_size", input_size), positive_int("hidden_size", hidden_size))

    def forward(self, x: torch.Tensor, h_prev: torch.Tensor | None = None) -> torch.Tensor:
        x, h, unbatched = self._check(x, h_prev)
        h_next = super().forward(x, h)
        return h_next.squeeze(0) if unbatched else h_next

    def _check(self, x, h_prev) -> tuple[torch.Tensor, torch.Tensor, bool]:
        """(x as (B, input_size), h_prev as (B, hidden_size), whether x was unbatched), or an error."""
        if not isinstance(x, torch.Tensor) or not x.is_floating_point():
            raise TypeError(
                f"x must be a floating-point tensor, got {type(x).__name__}"
                + (f" of dtype {x.dtype}" if isinstance(x, torch.Tensor) else "")
            )
        i, n = self.input_size, self.hidden_size
        if x.dim() not in (1, 2) or x.shape[-1] != i:
            raise ValueError(f"x must have shape (B, input_size) = (B, {i}) or ({i},), got {tuple(x.shape)}")
        unbatched = x.dim() == 1
        if unbatched:
            x = x.unsqueeze(0)
        if h_prev is None:
            return x, torch.zeros(x.shape[0], n, device=x.device, dtype=x.dtype), unbatched
        if not isinstance(h_prev, torch.Tensor):
            raise TypeError(f"h_prev must be a tensor or None, got {type(h_prev).__name__}")
        expected = (n,) if unbatched else (x.shape[0], n)
        if tuple(h_prev.shape) != expected:
            raise ValueError(
                f"h_prev must have shape {expected} (hidden_size = {n}) to match x of shape "
                f"{tuple(x.shape[1:]) if unbatched else tuple(x.shape)}, got {tuple(h_prev.shape)}"
            )
        return x, h_prev.reshape(x.shape[0], n), unbatched


# --8<-- [end:checked]


# --8<-- [start:by_hand]
def step_by_hand(cell: LipschitzRNNCell, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """The equation for one sample, with column vectors, exactly as the exam writes it.

    x: (input_size,), h: (hidden_size,) -> (hidden_size,).

    >>> _ = torch.manual_seed(0)
    >>> cell = LipschitzRNNCell(3, 4)
    >>> x, h = torch.randn(3), torch.randn(4)
    >>> torch.allclose(step_by_hand(cell, x, h), cell(x, h))
    True
    """
    A, W, U, b = (p.detach() for p in (cell.A, cell.W, cell.U, cell.b))
    return A @ h + torch.tanh(W @ h + U @ x + b)


# --8<-- [end:by_hand]


# --8<-- [start:explode]
def state_norms(A: torch.Tensor, steps: int, seed: int = 0) -> list[float]:
    """‖h_t‖ for t = 1..steps of the exam cell with the given A and zero input (float32).

    The other parameters are the cell's defaults. A non-finite state is reported as inf.

    >>> norms = state_norms(torch.randn(64, 64, generator=torch.Generator().manual_seed(0)), 60)
    >>> first_overflow(norms) is not None
    True
    """
    torch.manual_seed(seed)
    n = A.shape[0]
    cell = LipschitzRNNCell(1, n)
    with torch.no_grad():
        cell.A.copy_(A)
        h, x, out = torch.zeros(1, n), torch.zeros(1, 1), []
        for _ in range(steps):
            h = cell(x, h)
            finite = bool(torch.isfinite(h).all())
            out.append(h.double().norm().item() if finite else math.inf)
    return out


def first_overflow(norms: list[float]) -> int | None:
    """The first step (1-based) whose state is no longer finite, or None.

    >>> first_overflow([1.0, 2.0, float("inf")])
    3
    """
    return next((t for t, v in enumerate(norms, 1) if not math.isfinite(v)), None)


# --8<-- [end:explode]


# --8<-- [start:wrong]
class AInsideTanh(CheckedLipschitzRNNCell):
    """Wrong: tanh(A h + W h + U x + b). A and W only ever appear as A + W."""

    def forward(self, x, h_prev=None):
        x, h, _ = self._check(x, h_prev)
        return torch.tanh(F.linear(h, self.A) + F.linear(h, self.W) + F.linear(x, self.U, self.b))


class PlainTensors(nn.Module):
    """Wrong: plain tensors are not registered, so parameters() misses them."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.A = torch.eye(hidden_size)
        self.W = torch.randn(hidden_size, hidden_size) / math.sqrt(hidden_size)
        self.U = torch.randn(hidden_size, input_size) / math.sqrt(hidden_size)
        self.b = torch.zeros(hidden_size)

    def forward(self, x, h):
        return h @ self.A.T + torch.tanh(h @ self.W.T + x @ self.U.T + self.b)


class ParametersInForward(nn.Module):
    """Wrong: new random weights at every call; nothing persists, nothing learns."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size

    def forward(self, x, h):
        n, i = self.hidden_size, self.input_size
        self.A = nn.Parameter(torch.eye(n))
        self.W = nn.Parameter(torch.randn(n, n) / math.sqrt(n))
        self.U = nn.Parameter(torch.randn(n, i) / math.sqrt(n))
        self.b = nn.Parameter(torch.zeros(n))
        return h @ self.A.T + torch.tanh(h @ self.W.T + x @ self.U.T + self.b)


class ColumnVectorOnly(LipschitzRNNCell):
    """Wrong: ``W @ h`` is right for one column vector h, not for a batch of rows (B, hidden)."""

    def forward(self, x, h):
        return self.A @ h + torch.tanh(self.W @ h + self.U @ x + self.b)


class BiasOnA(CheckedLipschitzRNNCell):
    """Wrong: A as nn.Linear(hidden, hidden) keeps its default bias c: h' = A h + c + tanh(...)."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__(input_size, hidden_size)
        self.A_layer = nn.Linear(hidden_size, hidden_size)  # bias=True by default
        with torch.no_grad():
            self.A_layer.weight.copy_(torch.eye(hidden_size))
        del self.A

    def forward(self, x, h_prev=None):
        x, h, _ = self._check(x, h_prev)
        return self.A_layer(h) + torch.tanh(F.linear(h, self.W) + F.linear(x, self.U, self.b))


# --8<-- [end:wrong]


def figure_state_growth(n: int = 64, steps: int = 60, lang: str = "en"):
    """‖h_t‖ of the exam cell with zero input for three choices of A (log scale)."""
    from snippets.plotting import PALETTE, Labels, new_figure

    t = Labels(lang)
    fig, ax = new_figure(6.2, 3.2)
    choices = [
        (f"A = randn({n}, {n})", torch.randn(n, n, generator=torch.Generator().manual_seed(0)), PALETTE[1]),
        (t("A = I (this module's default)", "A = I (ברירת המחדל של המודול)"), torch.eye(n), PALETTE[2]),
        (t("A = 0 (a plain RNN cell)", "A = 0 (תא RNN רגיל)"), torch.zeros(n, n), PALETTE[0]),
    ]
    for label, A, colour in choices:
        norms = state_norms(A, steps)
        stop = first_overflow(norms)
        shown = norms[: stop - 1] if stop else norms
        ax.semilogy(range(1, len(shown) + 1), shown, color=colour, linewidth=1.8, label=label)
        if stop:
            ax.plot([len(shown)], [shown[-1]], "x", color=colour, markersize=9)
            ax.annotate(
                t(f"inf at step {stop} (float32)", f"inf בצעד {stop} (float32)"),
                (len(shown), shown[-1]),
                textcoords="offset points",
                xytext=(-120, -4),
                fontsize=8,
                color=colour,
            )
    ax.set_xlabel(t("step t (zero input)", "צעד t (קלט אפס)"))
    ax.set_ylabel("‖h_t‖")
    ax.set_title(
        t(
            f"State norm of the exam cell, hidden {n}: unscaled randn A overflows",
            f"נורמת המצב של תא המבחן, גודל חבוי {n}: A מ־randn בלי נרמול גולש",
        ),
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="center right", frameon=False, **t.legend)
    return fig


def _mantissa_exponent(value: float) -> tuple[float, int]:
    exponent = math.floor(math.log10(value))
    return value / 10**exponent, exponent


def facts() -> dict[str, object]:
    """The numbers chapter C prints about the exam's module."""
    n, steps = 64, 60
    randn_norms = state_norms(torch.randn(n, n, generator=torch.Generator().manual_seed(0)), steps)
    eye_norms = state_norms(torch.eye(n), steps)
    cell = LipschitzRNNCell(n, n)
    radius = torch.linalg.eigvals(torch.randn(n, n, generator=torch.Generator().manual_seed(0))).abs().max().item()
    return {
        "demo_hidden": n,
        "demo_steps": steps,
        "randn_overflow_step": first_overflow(randn_norms),
        "randn_norm_step10_tex": "{:.2f} \\times 10^{{{}}}".format(*_mantissa_exponent(randn_norms[9])),
        "randn_radius": f"{radius:.1f}",
        "randn_growth": f"{radius:.0f}",
        "eye_norm_final": f"{eye_norms[-1]:.0f}",
        "cell_params": sum(p.numel() for p in cell.parameters()),
        "init_bound": f"{1 / math.sqrt(n):g}",
    }
