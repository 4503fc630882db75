"""Chapter C, the exam's module: it computes the exam's equation, trains, and fails loudly on bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from torch import nn

from snippets.c_lipschitz_cell import (
    AInsideTanh,
    BiasOnA,
    CheckedLipschitzRNNCell,
    ColumnVectorOnly,
    LipschitzRNNCell,
    ParametersInForward,
    PlainTensors,
    facts,
    first_overflow,
    state_norms,
    step_by_hand,
)

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def randomised(cell: LipschitzRNNCell, seed: int = 0) -> LipschitzRNNCell:
    """Every parameter random (A too), so no term of the equation can hide behind an identity."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    return cell


@pytest.mark.parametrize("batch", [1, 3, 7])
def test_output_equals_the_equation_by_hand(batch):
    torch.manual_seed(batch)
    cell = randomised(LipschitzRNNCell(4, 6))
    x, h = torch.randn(batch, 4), torch.randn(batch, 6)
    out = cell(x, h)
    assert out.shape == (batch, 6)
    for i in range(batch):
        A, W, U, b = (p.detach() for p in (cell.A, cell.W, cell.U, cell.b))
        expected = A @ h[i] + torch.tanh(W @ h[i] + U @ x[i] + b)
        torch.testing.assert_close(out[i], expected)
        torch.testing.assert_close(out[i], step_by_hand(cell, x[i], h[i]))


def test_parameters_are_registered_with_the_stated_initialisation():
    cell = LipschitzRNNCell(5, 8)
    shapes = {name: tuple(p.shape) for name, p in cell.named_parameters()}
    assert shapes == {"A": (8, 8), "W": (8, 8), "U": (8, 5), "b": (8,)}
    assert torch.equal(cell.A.detach(), torch.eye(8))
    k = 8**-0.5
    for p in (cell.W, cell.U, cell.b):
        assert p.abs().max() <= k
    assert sum(p.numel() for p in LipschitzRNNCell(64, 64).parameters()) == facts()["cell_params"]


def test_all_four_parameters_get_gradients_through_a_multi_step_unroll():
    torch.manual_seed(0)
    cell = randomised(LipschitzRNNCell(3, 5))
    h = None
    for x in torch.randn(6, 4, 3):  # 6 steps, batch 4
        h = cell(x, h)
    h.square().sum().backward()
    for name, p in cell.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_float64_and_gradcheck():
    torch.manual_seed(0)
    cell = randomised(LipschitzRNNCell(3, 4)).double()
    x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    h = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    assert cell(x, h).dtype == torch.float64
    assert torch.autograd.gradcheck(cell, (x, h))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_device_agnostic_and_h_prev_none_is_zeros(device, dtype):
    torch.manual_seed(0)
    cell = LipschitzRNNCell(3, 4).to(device=device, dtype=dtype)
    x = torch.randn(2, 3, device=device, dtype=dtype)
    out = cell(x)
    assert out.device.type == device and out.dtype == dtype
    torch.testing.assert_close(out, cell(x, torch.zeros(2, 4, device=device, dtype=dtype)))


@pytest.mark.parametrize("kind", [LipschitzRNNCell, CheckedLipschitzRNNCell])
def test_unbatched_input_matches_a_batch_of_one(kind):
    torch.manual_seed(0)
    cell = randomised(kind(3, 4))
    x, h = torch.randn(3), torch.randn(4)
    assert cell(x, h).shape == (4,)
    torch.testing.assert_close(cell(x, h), cell(x[None], h[None])[0])
    assert cell(x).shape == (4,)


def printed_section(name: str) -> str:
    """The text of one ``--8<--`` section of the module, exactly as the page prints it."""
    text = (Path(__file__).parents[1] / "snippets" / "c_lipschitz_cell.py").read_text(encoding="utf-8")
    match = re.search(rf"# --8<-- \[start:{name}\]\n(.*?)# --8<-- \[end:{name}\]", text, re.S)
    assert match, f"section {name!r} not found"
    return match.group(1)


def test_the_printed_answer_is_complete_and_runs_on_its_own():
    """The answer box's listing, executed alone (its own imports, nothing else), is the module's cell."""
    source = printed_section("cell")
    assert "_check" not in source and "super().__init__()" in source
    namespace: dict = {}
    exec(compile(source, "answer-box", "exec"), namespace)  # no import from the rest of the file
    Answer = namespace["LipschitzRNNCell"]
    torch.manual_seed(3)
    printed = Answer(4, 6)
    torch.manual_seed(3)
    module = CheckedLipschitzRNNCell(4, 6)
    assert [n for n, _ in printed.named_parameters()] == ["A", "W", "U", "b"]
    for (_, p), (_, q) in zip(printed.named_parameters(), module.named_parameters(), strict=True):
        torch.testing.assert_close(p, q)  # the same initialisation, draw for draw
    randomised(printed, seed=1)
    randomised(module, seed=1)
    x, h = torch.randn(5, 4), torch.randn(5, 6)
    torch.testing.assert_close(printed(x, h), module(x, h))
    torch.testing.assert_close(printed(x), module(x))  # h_prev=None: zeros
    A, W, U, b = (p.detach() for p in (printed.A, printed.W, printed.U, printed.b))
    torch.testing.assert_close(printed(x, h)[2], A @ h[2] + torch.tanh(W @ h[2] + U @ x[2] + b))


def test_the_checked_cell_is_the_answer_plus_its_checks():
    source = printed_section("checked")
    assert "class CheckedLipschitzRNNCell(LipschitzRNNCell)" in source and "super().forward" in source


@pytest.mark.parametrize(
    "x, h, match",
    [
        (torch.randn(2, 4), None, r"x must have shape \(B, input_size\) = \(B, 3\) or \(3,\), got \(2, 4\)"),
        (torch.randn(2, 5, 3), None, r"x must have shape .* got \(2, 5, 3\)"),
        (torch.randn(2, 3), torch.randn(2, 5), r"h_prev must have shape \(2, 4\) \(hidden_size = 4\)"),
        (torch.randn(2, 3), torch.randn(3, 4), r"h_prev must have shape \(2, 4\)"),
        (torch.randn(3), torch.randn(1, 4), r"h_prev must have shape \(4,\)"),
    ],
)
def test_wrong_shapes_get_a_clear_error(x, h, match):
    with pytest.raises(ValueError, match=match):
        CheckedLipschitzRNNCell(3, 4)(x, h)


def test_wrong_types_get_a_clear_error():
    cell = CheckedLipschitzRNNCell(3, 4)
    with pytest.raises(TypeError, match="floating-point tensor"):
        cell(torch.ones(2, 3, dtype=torch.long))
    with pytest.raises(TypeError, match="floating-point tensor"):
        cell([[0.0, 1.0, 2.0]])
    with pytest.raises(TypeError, match="h_prev must be a tensor"):
        cell(torch.randn(2, 3), [0.0] * 4)
    with pytest.raises(ValueError, match="hidden_size must be at least 1"):
        CheckedLipschitzRNNCell(3, 0)


def test_with_A_zero_the_cell_is_an_rnncell():
    """A = 0 leaves tanh(W h + U x + b): nn.RNNCell with one bias. A is what the exam adds."""
    torch.manual_seed(0)
    cell = randomised(LipschitzRNNCell(3, 4))
    ref = nn.RNNCell(3, 4)
    with torch.no_grad():
        cell.A.zero_()
        ref.weight_hh.copy_(cell.W)
        ref.weight_ih.copy_(cell.U)
        ref.bias_ih.copy_(cell.b)
        ref.bias_hh.zero_()
    x, h = torch.randn(5, 3), torch.randn(5, 4)
    torch.testing.assert_close(cell(x, h), ref(x, h))


def test_unscaled_randn_A_explodes_within_a_few_dozen_steps():
    f = facts()
    step = f["randn_overflow_step"]
    assert step is not None and 20 <= step <= 60
    for seed in range(3):
        A = torch.randn(64, 64, generator=torch.Generator().manual_seed(seed))
        assert first_overflow(state_norms(A, 60)) is not None
    # The identity does not overflow: the state grows, but only linearly.
    norms = state_norms(torch.eye(64), 60)
    assert first_overflow(norms) is None
    assert norms[-1] < 60 * 64**0.5


# ---- the common wrong answers, each shown to be wrong -------------------------------------


def test_a_inside_the_tanh_is_another_model():
    torch.manual_seed(0)
    wrong = randomised(AInsideTanh(3, 4))
    right = LipschitzRNNCell(3, 4)
    right.load_state_dict(wrong.state_dict())
    x, h = torch.randn(5, 3), torch.randn(5, 4) * 3
    out = wrong(x, h)
    assert out.abs().max() < 1  # bounded by tanh: A h cannot carry the state
    assert not torch.allclose(out, right(x, h))
    merged = LipschitzRNNCell(3, 4)  # A and W only ever appear as A + W
    merged.load_state_dict(wrong.state_dict())
    with torch.no_grad():
        merged.W.add_(merged.A)
        merged.A.zero_()
    torch.testing.assert_close(out, merged(x, h))


def test_plain_tensors_are_silently_untrained():
    torch.manual_seed(0)
    wrong = PlainTensors(3, 4)
    assert list(wrong.parameters()) == []
    with pytest.raises(ValueError, match="empty parameter list"):
        torch.optim.SGD(wrong.parameters(), lr=0.1)
    assert wrong.double().W.dtype == torch.float32  # .to()/.double() do not reach them either


def test_parameters_created_in_forward_change_at_every_call():
    torch.manual_seed(0)
    wrong = ParametersInForward(3, 4)
    assert list(wrong.parameters()) == []  # an optimiser built now sees nothing
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    assert not torch.allclose(wrong(x, h), wrong(x, h))  # same input, different output


def test_w_at_h_only_works_for_one_column_vector():
    torch.manual_seed(0)
    wrong = randomised(ColumnVectorOnly(4, 4))
    right = LipschitzRNNCell(4, 4)
    right.load_state_dict(wrong.state_dict())
    x, h = torch.randn(4), torch.randn(4)
    torch.testing.assert_close(wrong(x, h), right(x, h))  # one sample: fine
    with pytest.raises(RuntimeError):
        wrong(torch.randn(3, 4), torch.randn(3, 4))  # batch of 3 rows: shape error
    xb, hb = torch.randn(4, 4), torch.randn(4, 4)  # batch size == hidden size: no error, wrong numbers
    assert not torch.allclose(wrong(xb, hb), right(xb, hb))


def test_a_bias_on_A_adds_parameters_and_a_drift():
    torch.manual_seed(0)
    wrong = BiasOnA(3, 4)
    assert sum(p.numel() for p in wrong.parameters()) == sum(p.numel() for p in LipschitzRNNCell(3, 4).parameters()) + 4
    with torch.no_grad():
        for p in (wrong.W, wrong.U, wrong.b):
            p.zero_()
        c = wrong.A_layer.bias.clone()
        h = torch.zeros(1, 4)
        for _ in range(10):
            h = wrong(torch.zeros(1, 3), h)
    torch.testing.assert_close(h[0], 10 * c)  # h_t = t·c: a drift the equation does not have


def test_facts():
    f = facts()
    assert f["demo_hidden"] == 64 and f["init_bound"] == "0.125"
    assert float(f["randn_radius"]) > 7  # spectral radius of randn(64, 64) is about sqrt(64) = 8
