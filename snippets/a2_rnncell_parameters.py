"""A2 — which parameters does ``nn.RNNCell(64, 256)`` create?

An ``RNNCell`` computes one step of an Elman RNN:

    h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)

with x of shape (B, input_size) and h, h' of shape (B, hidden_size). So it owns
four tensors: W_ih (hidden, input), W_hh (hidden, hidden), b_ih (hidden,) and
b_hh (hidden,). Shown in chapter A2, tested by tests/test_a2_rnncell_parameters.py.
"""

from __future__ import annotations

import copy
import math

import torch
from torch import nn

from snippets.plotting import PALETTE, new_figure
from snippets.validation import positive_int

#: The exam's sizes.
INPUT_SIZE, HIDDEN_SIZE = 64, 256

#: How many gate blocks each cell stacks into its weight matrices.
GATES = {"RNNCell": 1, "GRUCell": 3, "LSTMCell": 4}


# --8<-- [start:list]
def parameter_table(module: nn.Module) -> list[tuple[str, tuple[int, ...], int]]:
    """Each registered parameter as ``(name, shape, number of values)``.

    >>> for row in parameter_table(nn.RNNCell(64, 256)):
    ...     print(row)
    ('weight_ih', (256, 64), 16384)
    ('weight_hh', (256, 256), 65536)
    ('bias_ih', (256,), 256)
    ('bias_hh', (256,), 256)
    """
    return [(name, tuple(p.shape), p.numel()) for name, p in module.named_parameters()]


# --8<-- [end:list]


# --8<-- [start:formula]
def recurrent_cell_param_count(input_size: int, hidden_size: int, gates: int = 1, bias: bool = True) -> int:
    """Parameters of a recurrent cell with ``gates`` stacked blocks.

    Each block has an input matrix (h × i), a recurrent matrix (h × h) and, with
    ``bias``, two bias vectors (h each): ``gates · (h·i + h·h + 2h)``.
    gates = 1 for RNNCell, 3 for GRUCell, 4 for LSTMCell.

    >>> recurrent_cell_param_count(64, 256)             # RNNCell
    82432
    >>> recurrent_cell_param_count(64, 256, gates=4)    # LSTMCell
    329728
    >>> recurrent_cell_param_count(64, 0)
    Traceback (most recent call last):
    ...
    ValueError: hidden_size must be at least 1, got 0
    """
    i = positive_int("input_size", input_size)
    h = positive_int("hidden_size", hidden_size)
    g = positive_int("gates", gates)
    return g * (h * i + h * h + (2 * h if bias else 0))


# --8<-- [end:formula]


# --8<-- [start:by_hand]
def rnncell_step_by_hand(cell: nn.RNNCell, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """One step of a tanh ``RNNCell`` written out with its four tensors.

    x: (B, input_size), h: (B, hidden_size) -> (B, hidden_size).

    >>> _ = torch.manual_seed(0)
    >>> cell = nn.RNNCell(3, 2)
    >>> x, h = torch.randn(5, 3), torch.randn(5, 2)
    >>> torch.allclose(rnncell_step_by_hand(cell, x, h), cell(x, h))
    True
    """
    return torch.tanh(x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh)


# --8<-- [end:by_hand]


# --8<-- [start:redundant]
def with_merged_biases(cell: nn.RNNCell) -> nn.RNNCell:
    """A copy of ``cell`` whose input bias holds b_ih + b_hh and whose recurrent bias is 0.

    Only the sum of the two biases enters the equation, so the copy computes
    exactly the same function: one of the two vectors is redundant.

    >>> _ = torch.manual_seed(0)
    >>> cell = nn.RNNCell(3, 2)
    >>> x, h = torch.randn(4, 3), torch.randn(4, 2)
    >>> torch.allclose(with_merged_biases(cell)(x, h), cell(x, h), atol=1e-7)
    True
    """
    merged = copy.deepcopy(cell)
    with torch.no_grad():
        merged.bias_ih.add_(merged.bias_hh)
        merged.bias_hh.zero_()
    return merged


def bias_gradients(cell: nn.RNNCell, x: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The gradients of ``sum(cell(x, h))`` with respect to b_ih and b_hh.

    They are always equal: both biases receive the same update.

    >>> _ = torch.manual_seed(0)
    >>> g_ih, g_hh = bias_gradients(nn.RNNCell(3, 2), torch.randn(4, 3), torch.randn(4, 2))
    >>> torch.equal(g_ih, g_hh)
    True
    """
    cell.zero_grad()
    cell(x, h).sum().backward()
    return cell.bias_ih.grad.clone(), cell.bias_hh.grad.clone()


# --8<-- [end:redundant]


# --8<-- [start:gru]
def gru_merge_changes_output(seed: int = 0) -> float:
    """Largest change in a GRUCell's output when its n-gate biases are merged.

    In a GRU the candidate is tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)): b_hn is
    multiplied by the reset gate r, so it cannot be folded into b_in. The result
    is far from zero, unlike the RNNCell's.

    >>> gru_merge_changes_output() > 1e-3
    True
    """
    torch.manual_seed(seed)
    gru = nn.GRUCell(3, 4)
    x, h = torch.randn(8, 3), torch.randn(8, 4)
    merged = copy.deepcopy(gru)
    n = slice(2 * 4, 3 * 4)  # the third block of rows is the candidate (n) gate
    with torch.no_grad():
        merged.bias_ih[n] += merged.bias_hh[n]
        merged.bias_hh[n] = 0
    return (merged(x, h) - gru(x, h)).abs().max().item()


# --8<-- [end:gru]


# --8<-- [start:foldable]
#: PyTorch's order of the gate blocks stacked in ``bias_ih`` and ``bias_hh``.
GATE_NAMES = {"RNNCell": ("tanh",), "GRUCell": ("r", "z", "n"), "LSTMCell": ("i", "f", "g", "o")}


def foldable_bias_blocks(cell: nn.RNNCellBase, seed: int = 0, atol: float = 1e-5) -> list[str]:
    """The gate blocks whose ``bias_hh`` rows fold into ``bias_ih`` without changing the cell's output.

    For each block of ``hidden_size`` rows, a copy with random biases gets
    ``bias_ih[rows] += bias_hh[rows]; bias_hh[rows] = 0`` and is run on random
    x (8, input_size) and state (8, hidden_size); the block is foldable when every
    output stays within ``atol``. Returns the blocks' names (see ``GATE_NAMES``).

    >>> foldable_bias_blocks(nn.GRUCell(3, 4))    # b_hn is multiplied by r
    ['r', 'z']
    >>> foldable_bias_blocks(nn.LSTMCell(3, 4))
    ['i', 'f', 'g', 'o']
    """
    names = GATE_NAMES[type(cell).__name__]
    hidden = cell.hidden_size
    gen = torch.Generator().manual_seed(seed)
    base = copy.deepcopy(cell)
    with torch.no_grad():
        base.bias_ih.copy_(torch.randn(base.bias_ih.shape, generator=gen))
        base.bias_hh.copy_(torch.randn(base.bias_hh.shape, generator=gen))
    x = torch.randn(8, cell.input_size, generator=gen)
    h = torch.randn(8, hidden, generator=gen)
    state = (h, torch.randn(8, hidden, generator=gen)) if isinstance(cell, nn.LSTMCell) else h

    def outputs(module: nn.Module) -> torch.Tensor:
        out = module(x, state)
        return torch.cat(out, dim=1) if isinstance(out, tuple) else out

    with torch.no_grad():
        reference = outputs(base)
        foldable = []
        for k, name in enumerate(names):
            merged = copy.deepcopy(base)
            rows = slice(k * hidden, (k + 1) * hidden)
            merged.bias_ih[rows] += merged.bias_hh[rows]
            merged.bias_hh[rows] = 0
            if (outputs(merged) - reference).abs().max().item() <= atol:
                foldable.append(name)
    return foldable


def redundant_bias_numbers(cell: nn.RNNCellBase) -> int:
    """How many bias numbers the cell could drop without losing a function: ``hidden_size`` per foldable block.

    >>> [redundant_bias_numbers(c(64, 256)) for c in (nn.RNNCell, nn.GRUCell, nn.LSTMCell)]
    [256, 512, 1024]
    """
    return len(foldable_bias_blocks(cell)) * cell.hidden_size


# --8<-- [end:foldable]


# --8<-- [start:init]
def init_bound(hidden_size: int) -> float:
    """PyTorch initialises every RNNCell weight and bias from U(-b, b), b = 1/sqrt(hidden_size).

    >>> init_bound(256)
    0.0625
    """
    return 1.0 / math.sqrt(positive_int("hidden_size", hidden_size))


# --8<-- [end:init]


def figure_init_histogram(seed: int = 0, lang: str = "en"):
    """Histogram of the initial values of all four tensors of ``RNNCell(64, 256)``.

    Returns the matplotlib figure (``python -m snippets.figures`` saves it).
    """
    from snippets.plotting import Labels

    t = Labels(lang)
    torch.manual_seed(seed)
    cell = nn.RNNCell(INPUT_SIZE, HIDDEN_SIZE)
    bound = init_bound(HIDDEN_SIZE)
    fig, ax = new_figure(6.0, 3.0)
    groups = {
        f"weight_ih {tuple(cell.weight_ih.shape)}": cell.weight_ih,
        f"weight_hh {tuple(cell.weight_hh.shape)}": cell.weight_hh,
        t("bias_ih and bias_hh (2 × 256)", "bias_ih ו־bias_hh (2 × 256)"): torch.cat([cell.bias_ih, cell.bias_hh]),
    }
    for colour, (label, values) in zip(PALETTE, groups.items(), strict=False):
        ax.hist(
            values.detach().flatten().numpy(),
            bins=16,
            range=(-bound, bound),
            density=True,
            histtype="step",
            linewidth=1.8,
            color=colour,
            label=label,
        )
    ax.axhline(
        1 / (2 * bound),
        color="#555555",
        linestyle="--",
        linewidth=1,
        label=t("density of U(-b, b)", "הצפיפות של U(-b, b)"),
    )
    ax.set_xlabel(
        t(f"initial value;  b = 1/sqrt({HIDDEN_SIZE}) = {bound}", f"ערך התחלתי;  b = 1/sqrt({HIDDEN_SIZE}) = {bound}")
    )
    ax.set_ylabel(t("density", "צפיפות"))
    ax.set_title(
        t(
            f"nn.RNNCell({INPUT_SIZE}, {HIDDEN_SIZE}) at initialisation (seed {seed})",
            f"nn.RNNCell({INPUT_SIZE}, {HIDDEN_SIZE}) באתחול (seed {seed})",
        ),
        fontsize=10,
    )
    fig.legend(fontsize=8, loc="outside lower center", ncols=2, frameon=False, **t.legend)
    ax.set_ylim(0, 1.6 / (2 * bound))
    return fig


def facts() -> dict[str, object]:
    """The numbers chapter A2 prints, computed from a real ``nn.RNNCell(64, 256)``."""
    rows = {name: (shape, n) for name, shape, n in parameter_table(nn.RNNCell(INPUT_SIZE, HIDDEN_SIZE))}
    total = sum(n for _, n in rows.values())
    gru = sum(p.numel() for p in nn.GRUCell(INPUT_SIZE, HIDDEN_SIZE).parameters())
    lstm = sum(p.numel() for p in nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE).parameters())
    gru_foldable = foldable_bias_blocks(nn.GRUCell(INPUT_SIZE, HIDDEN_SIZE))
    return {
        "input_size": INPUT_SIZE,
        "hidden_size": HIDDEN_SIZE,
        "n_tensors": len(rows),
        **{f"{name}_shape": shape for name, (shape, _) in rows.items()},
        "weight_ih_transposed": tuple(reversed(rows["weight_ih"][0])),
        **{f"{name}_count": n for name, (_, n) in rows.items()},
        "total": total,
        "weights_only": rows["weight_ih"][1] + rows["weight_hh"][1],
        "one_bias_total": total - rows["bias_hh"][1],
        "no_bias_total": sum(p.numel() for p in nn.RNNCell(INPUT_SIZE, HIDDEN_SIZE, bias=False).parameters()),
        "gru_total": gru,
        "lstm_total": lstm,
        "gru_weight_ih_shape": tuple(nn.GRUCell(INPUT_SIZE, HIDDEN_SIZE).weight_ih.shape),
        "lstm_weight_ih_shape": tuple(nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE).weight_ih.shape),
        "init_bound": f"{init_bound(HIDDEN_SIZE):g}",
        "gru_merge_change": f"{gru_merge_changes_output():.2f}",
        "rnn_redundant": redundant_bias_numbers(nn.RNNCell(INPUT_SIZE, HIDDEN_SIZE)),
        "gru_redundant": redundant_bias_numbers(nn.GRUCell(INPUT_SIZE, HIDDEN_SIZE)),
        "lstm_redundant": redundant_bias_numbers(nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE)),
        "gru_foldable": ", ".join(gru_foldable),
        "gru_foldable_count": len(gru_foldable),
    }
