"""Chapter C, the sequence module: same numbers as the cell step by step, correct gradients, and the benchmark."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from snippets.c_lipschitz_cell import LipschitzRNNCell
from snippets.c_lipschitz_paper import LipschitzCell
from snippets.c_lipschitz_sequence import (
    CONFIGS,
    LastStateClassifier,
    RecurrentSequence,
    ScanSequence,
    affine_tanh_scan,
    benchmark,
    facts,
    fused_forward_loop,
    unroll_indexing,
)
from snippets.results import load

f64 = torch.float64


def cells():
    torch.manual_seed(0)
    return {
        "exam": LipschitzRNNCell(3, 5).double(),
        "euler": LipschitzCell(3, 5, init_std=8.0).double(),
        "midpoint": LipschitzCell(3, 5, init_std=8.0, scheme="midpoint").double(),
    }


@pytest.mark.parametrize("kind", ["exam", "euler", "midpoint"])
def test_sequence_equals_the_cell_applied_step_by_step(kind):
    cell = cells()[kind]
    x, h0 = torch.randn(4, 9, 3, dtype=f64), torch.randn(4, 5, dtype=f64)
    h, expected = h0, []
    for t in range(9):
        h = cell(x[:, t], h)
        expected.append(h)
    expected = torch.stack(expected, 1)
    torch.testing.assert_close(RecurrentSequence(cell)(x, h0), expected)
    torch.testing.assert_close(torch.stack(RecurrentSequence(cell).unroll(x, h0), 1), expected)
    torch.testing.assert_close(unroll_indexing(RecurrentSequence(cell), x), RecurrentSequence(cell)(x))
    if kind == "midpoint":
        with pytest.raises(ValueError, match="not of the form"):
            ScanSequence(cell)(x)
    else:
        torch.testing.assert_close(ScanSequence(cell)(x, h0), expected)


def test_input_projection_is_one_product_outside_the_loop():
    """U is used by exactly one matrix product per forward, whatever T is."""
    cell = LipschitzRNNCell(3, 5)
    calls = []
    original = cell.input_projection
    cell.input_projection = lambda x: calls.append(tuple(x.shape)) or original(x)
    RecurrentSequence(cell)(torch.randn(2, 50, 3))
    ScanSequence(cell)(torch.randn(2, 50, 3))
    assert calls == [(2, 50, 3), (2, 50, 3)]


@pytest.mark.parametrize("kind", ["exam", "euler"])
def test_fused_scan_gradients_match_autograd_through_the_loop(kind):
    cell = cells()[kind]
    x = torch.randn(3, 12, 3, dtype=f64)
    grads = []
    for sequence in (ScanSequence, RecurrentSequence):
        cell.zero_grad()
        sequence(cell)(x).square().sum().backward()
        grads.append([p.grad.clone() for p in cell.parameters()])
    for a, b in zip(*grads, strict=True):
        torch.testing.assert_close(a, b)


def test_scan_passes_gradcheck_including_h0():
    torch.manual_seed(1)
    args = [torch.randn(s, dtype=f64, requires_grad=True) for s in ((5, 2, 3), (3, 3), (3, 3), (2, 3))]
    assert torch.autograd.gradcheck(lambda *a: affine_tanh_scan(*a, c=0.3), args)
    A, W, c = cells()["euler"].scan_form()
    p, h = torch.randn(6, 2, 5, dtype=f64), torch.randn(2, 5, dtype=f64)
    torch.testing.assert_close(fused_forward_loop(p, A, W, h, c), affine_tanh_scan(p, A, W, h, c))


def test_sequence_checks_its_input():
    seq = RecurrentSequence(LipschitzRNNCell(3, 5))
    with pytest.raises(ValueError, match=r"x must have shape \(B, T, input_size\) = \(B, T, 3\), got \(2, 3\)"):
        seq(torch.randn(2, 3))
    with pytest.raises(ValueError, match=r"h0 must have shape \(B, hidden_size\) = \(2, 5\)"):
        seq(torch.randn(2, 4, 3), torch.randn(5))


def test_classifier_reads_the_last_state_of_either_layer():
    torch.manual_seed(0)
    rnn = nn.RNN(3, 4, batch_first=True)
    model = LastStateClassifier(rnn, 4, 2)
    x = torch.randn(5, 6, 3)
    torch.testing.assert_close(model(x), model.readout(rnn(x)[1][0]))


def test_benchmark_runs_and_reports_ratios():
    r = benchmark(seq_len=16, batch=4, hidden=8, rounds=1, indexing=True)
    assert set(r) == {"rnn", "loop", "scan", "indexing"}
    assert r["rnn"]["fwd_ratio"] == 1.0 and r["rnn"]["fwd_bwd_ratio"] == 1.0


def test_committed_benchmark_structure_and_facts():
    data = load("c_lipschitz_sequence", "benchmark")["data"]
    assert [(c["seq_len"], c["batch"], c["hidden"]) for c in data["configs"]] == CONFIGS
    for c in data["configs"]:
        for name in ("rnn", "loop", "scan"):
            assert c[name]["fwd_ms"] > 0 and c[name]["fwd_bwd_ms"] > 0
    # The O(T²) backward of p[:, t] is slower than unbind's: the lesson the page draws from it.
    first = data["configs"][0]
    assert first["indexing"]["fwd_bwd_ms"] > first["loop"]["fwd_bwd_ms"]
    f = facts()
    assert f["cfg0_scan_fwd_bwd_ratio"] == f"{first['scan']['fwd_bwd_ratio']:.2f}"
    # The page's conclusions: the hand-written backward is no better than autograd through the loop,
    # and torch.compile, once compiled, is faster than the Python loop.
    assert all(abs(c["scan"]["fwd_bwd_ratio"] - c["loop"]["fwd_bwd_ratio"]) < 0.3 for c in data["configs"])
    comp = load("c_lipschitz_sequence", "compilers")["data"]
    assert set(comp["fwd_ratio"]) == {"rnn", "loop", "torchscript", "compile"}
    assert comp["fwd_ratio"]["compile"] < comp["fwd_ratio"]["loop"]
    assert comp["first_call_s"]["compile"] > 10 * comp["fwd_ms"]["loop"] / 1000
