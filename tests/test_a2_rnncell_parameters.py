"""Chapter A2: every claim the page makes about nn.RNNCell(64, 256), checked against PyTorch."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from snippets.a2_rnncell_parameters import (
    GATES,
    bias_gradients,
    facts,
    figure_init_histogram,
    gru_merge_changes_output,
    init_bound,
    parameter_table,
    recurrent_cell_param_count,
    rnncell_step_by_hand,
    with_merged_biases,
)

CELLS = {"RNNCell": nn.RNNCell, "GRUCell": nn.GRUCell, "LSTMCell": nn.LSTMCell}


def test_the_exam_answer():
    assert parameter_table(nn.RNNCell(64, 256)) == [
        ("weight_ih", (256, 64), 256 * 64),
        ("weight_hh", (256, 256), 256 * 256),
        ("bias_ih", (256,), 256),
        ("bias_hh", (256,), 256),
    ]
    f = facts()
    assert f["total"] == 82_432 == sum(p.numel() for p in nn.RNNCell(64, 256).parameters())
    assert f["n_tensors"] == 4


def test_facts_agree_with_torch():
    f = facts()
    assert f["one_bias_total"] == f["total"] - 256
    assert f["weights_only"] == f["no_bias_total"] == 256 * 64 + 256 * 256
    assert f["gru_total"] == sum(p.numel() for p in nn.GRUCell(64, 256).parameters())
    assert f["lstm_total"] == sum(p.numel() for p in nn.LSTMCell(64, 256).parameters())
    assert f["lstm_weight_ih_shape"] == (4 * 256, 64)
    assert f["gru_weight_ih_shape"] == (3 * 256, 64)
    assert float(f["init_bound"]) == 1 / 16


@settings(max_examples=40, deadline=None)
@given(i=st.integers(1, 40), h=st.integers(1, 40), bias=st.booleans(), cell=st.sampled_from(sorted(CELLS)))
def test_formula_matches_torch_for_any_cell(i, h, bias, cell):
    real = sum(p.numel() for p in CELLS[cell](i, h, bias=bias).parameters())
    assert recurrent_cell_param_count(i, h, gates=GATES[cell], bias=bias) == real


@pytest.mark.parametrize(
    "bad, error",
    [
        (dict(input_size=0, hidden_size=4), ValueError),
        (dict(input_size=3, hidden_size=-1), ValueError),
        (dict(input_size=3.0, hidden_size=4), TypeError),
        (dict(input_size="64", hidden_size=4), TypeError),
        (dict(input_size=True, hidden_size=4), TypeError),
        (dict(input_size=3, hidden_size=4, gates=0), ValueError),
    ],
)
def test_formula_rejects_bad_sizes_with_a_clear_message(bad, error):
    with pytest.raises(error, match=r"must be"):
        recurrent_cell_param_count(**bad)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_step_by_hand_is_the_module(dtype):
    torch.manual_seed(1)
    cell = nn.RNNCell(64, 256).to(dtype)
    x, h = torch.randn(7, 64, dtype=dtype), torch.randn(7, 256, dtype=dtype)
    torch.testing.assert_close(rnncell_step_by_hand(cell, x, h), cell(x, h))


def test_transposed_shapes_have_the_same_count_but_do_not_compute():
    """The wrong answer 'weight_ih is (64, 256)': same number of values, wrong computation."""
    right = nn.RNNCell(64, 256).weight_ih
    wrong = torch.empty(64, 256)
    assert wrong.numel() == right.numel()
    x = torch.randn(2, 64)
    assert (x @ right.T).shape == (2, 256)
    with pytest.raises(RuntimeError):
        x @ wrong.T


def test_the_two_biases_are_redundant():
    torch.manual_seed(2)
    cell = nn.RNNCell(64, 256)
    x, h = torch.randn(5, 64), torch.randn(5, 256)
    torch.testing.assert_close(with_merged_biases(cell)(x, h), cell(x, h))
    g_ih, g_hh = bias_gradients(cell, x, h)
    assert torch.equal(g_ih, g_hh)


def test_gru_biases_are_not_redundant():
    assert gru_merge_changes_output() > 1e-2


def test_initialisation_is_uniform_within_the_bound():
    torch.manual_seed(3)
    cell = nn.RNNCell(64, 256)
    b = init_bound(256)
    assert b == 0.0625
    values = torch.cat([p.detach().flatten() for p in cell.parameters()])
    assert values.abs().max() <= b
    # U(-b, b) has standard deviation b / sqrt(3).
    assert values.std().item() == pytest.approx(b / math.sqrt(3), rel=0.02)


def test_figure_draws():
    fig = figure_init_histogram()
    assert len(fig.axes) == 1 and len(fig.axes[0].patches) >= 3


@pytest.mark.parametrize(
    ("cell", "gates", "summed"),
    [(nn.RNNCell, 1, 1), (nn.GRUCell, 3, 2), (nn.LSTMCell, 4, 4)],
)
def test_redundant_bias_numbers_follow_torch_layout(cell, gates, summed):
    """Every gate block of RNNCell and LSTMCell folds; in a GRU only r and z do (b_hn is multiplied by r)."""
    from snippets.a2_rnncell_parameters import GATE_NAMES, foldable_bias_blocks, redundant_bias_numbers

    module = cell(64, 256)
    before = module.bias_hh.detach().clone()
    assert module.bias_ih.shape == module.bias_hh.shape == (gates * 256,)  # torch stacks g blocks of h rows
    assert len(GATE_NAMES[cell.__name__]) == gates
    expected = list(GATE_NAMES[cell.__name__][:summed])
    assert foldable_bias_blocks(module) == expected
    assert redundant_bias_numbers(module) == summed * 256
    # and the cell given is left as it was (the check works on a copy)
    assert torch.equal(module.bias_hh, before)


def test_redundant_bias_facts():
    f = facts()
    assert (f["rnn_redundant"], f["gru_redundant"], f["lstm_redundant"]) == (256, 2 * 256, 4 * 256)
    assert f["gru_foldable"] == "r, z" and f["gru_foldable_count"] == 2


def test_a_gru_with_folded_candidate_bias_is_detected():
    """The check is not vacuous: folding b_hn changes a GRU's output beyond the tolerance."""
    from snippets.a2_rnncell_parameters import foldable_bias_blocks

    assert "n" not in foldable_bias_blocks(nn.GRUCell(3, 4), seed=1)
    assert foldable_bias_blocks(nn.GRUCell(3, 4), atol=1e9) == ["r", "z", "n"]
