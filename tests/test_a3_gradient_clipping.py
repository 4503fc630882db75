"""Chapter A3: every claim the page makes about gradient clipping, checked with PyTorch's own clipping functions."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from torch import nn

from snippets.a3_gradient_clipping import (
    angle_degrees,
    clip_both_ways,
    clip_nonfinite_gradient,
    clipped_fixed_point,
    clipped_mean_gradient,
    facts,
    figure_spikes,
    figure_training,
    figure_two_d,
    global_vs_per_tensor,
    per_sample_gradients,
    skewed_sample,
    train_with_clipping,
)
from snippets.results import load

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, width=32)


def test_the_two_d_example():
    r = clip_both_ways(torch.tensor([4.0, 1.0]), 1.0)
    assert r["angle_by_norm"] == 0.0
    assert r["norm_by_norm"] == pytest.approx(1.0, abs=1e-6)
    assert r["by_value"].tolist() == [1.0, 1.0]
    assert r["norm_by_value"] == pytest.approx(math.sqrt(2))  # longer than the threshold
    assert r["angle_by_value"] == pytest.approx(45 - math.degrees(math.atan(1 / 4)), abs=1e-6)


@settings(max_examples=80, deadline=None)
@given(g=st.lists(finite, min_size=2, max_size=6), c=st.floats(min_value=0.01, max_value=10))
@example(g=[4.0, 0.5, -2.0], c=1.0)  # one clamped and one unclamped entry: the last check always runs at least once
@example(g=[0.0, 0.0], c=1.0)  # the zero gradient: nothing to clip, both ways give it back
def test_clipping_by_norm_keeps_the_direction_and_by_value_bounds_each_entry(g, c):
    g = torch.tensor(g)
    r = clip_both_ways(g, c)
    if g.norm() == 0:  # no direction to keep: both ways return the zero vector
        assert torch.equal(r["by_norm"], g) and torch.equal(r["by_value"], g)
        return
    assert r["angle_by_norm"] < 1e-3
    assert r["norm_by_norm"] <= c * (1 + 1e-5) or torch.equal(r["by_norm"], g)
    assert r["by_value"].abs().max() <= c
    big = g.abs() > c
    if big.any() and (g.abs() < c).any() and (g.abs() > 1e-3).all():
        assert r["angle_by_value"] > 0  # a clamped and an unclamped entry: turned


def test_clip_grad_norm_is_the_textbook_formula():
    torch.manual_seed(0)
    g = torch.randn(10) * 50
    p = nn.Parameter(torch.zeros(10))
    p.grad = g.clone()
    total = nn.utils.clip_grad_norm_([p], max_norm=2.0)
    assert total.item() == pytest.approx(g.norm().item())  # it returns the norm before clipping
    torch.testing.assert_close(p.grad, g * 2.0 / (g.norm() + 1e-6))


def test_global_versus_per_tensor_clipping():
    r = global_vs_per_tensor([torch.tensor([3.0, 4.0]), torch.tensor([0.3, 0.4])], 1.0)
    scale = 1.0 / math.sqrt(25 + 0.25)
    assert r["global_norms"] == pytest.approx([5 * scale, 0.5 * scale], rel=1e-5)
    assert r["global_angle"] < 1e-3
    assert r["per_tensor_norms"] == pytest.approx([1.0, 0.5], rel=1e-5)
    original = torch.tensor([3.0, 4.0, 0.3, 0.4])
    assert r["per_tensor_angle"] == pytest.approx(angle_degrees(original, torch.tensor([0.6, 0.8, 0.3, 0.4])), abs=1e-4)
    # the small tensor's share of the step: 1/10 before and after global clipping, 1/2 after per-tensor
    assert r["global_norms"][1] / r["global_norms"][0] == pytest.approx(0.1, rel=1e-5)
    assert r["per_tensor_norms"][1] / r["per_tensor_norms"][0] == pytest.approx(0.5, rel=1e-5)


def test_per_sample_gradients_are_autograds():
    y = skewed_sample(50)
    w = torch.tensor(0.3, dtype=torch.float64)
    torch.testing.assert_close(per_sample_gradients(w, y), w - y)


def test_mean_of_clipped_per_sample_gradients_is_biased():
    y = skewed_sample()
    mean = y.mean().item()
    assert per_sample_gradients(torch.tensor(mean, dtype=y.dtype), y).mean().item() == pytest.approx(0.0, abs=1e-12)
    assert clipped_mean_gradient(mean, y, 1.0) > 0.1  # not 0: clipping moves the fixed point
    w_star = clipped_fixed_point(y, 1.0)
    assert y.median().item() < w_star < mean
    assert clipped_mean_gradient(w_star, y, 1.0) == pytest.approx(0.0, abs=1e-8)
    assert clipped_mean_gradient(mean, y, 1e9) == pytest.approx(0.0, abs=1e-12)  # a threshold never hit: no bias


def test_clipped_gradient_descent_settles_at_the_fixed_point_not_the_mean():
    y = skewed_sample()
    w = torch.tensor(y.mean().item(), dtype=torch.float64)
    for _ in range(300):
        g = per_sample_gradients(w, y)
        w = w - 0.5 * (g * torch.clamp(1.0 / g.abs(), max=1.0)).mean()
    assert w.item() == pytest.approx(clipped_fixed_point(y, 1.0), abs=1e-6)
    assert abs(w.item() - y.mean().item()) > 0.1


@pytest.mark.parametrize(
    "bad, error",
    [
        (lambda: clip_both_ways([4.0, 1.0], 1.0), TypeError),
        (lambda: clip_both_ways(torch.tensor([4, 1]), 1.0), TypeError),
        (lambda: clip_both_ways(torch.ones(2, 2), 1.0), TypeError),
        (lambda: clip_both_ways(torch.tensor([4.0, 1.0]), 0.0), ValueError),
        (lambda: clip_both_ways(torch.tensor([4.0, 1.0]), float("nan")), ValueError),
        (lambda: global_vs_per_tensor([], 1.0), ValueError),
        (lambda: clipped_mean_gradient(0.0, torch.ones(3, dtype=torch.float64), -1.0), ValueError),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(bad, error):
    with pytest.raises(error, match=r"must"):
        bad()


def test_experiment_matches_the_committed_results():
    """Re-run the first 60 steps of three runs, compare with the committed file, check its conclusions."""
    data = load("a3_gradient_clipping", "exploding_rnn")["data"]
    for key, c in (("None", None), ("1.0", 1.0), ("0.01", 0.01)):
        quick = train_with_clipping(c, steps=60)
        saved = data["runs"][key]
        assert quick["diverged"] == saved["diverged"]
        assert quick["step"] == saved["step"][: len(quick["step"])]
        # rel 1e-3: float32 training, 60 steps; kernels of other CPUs round differently, far less than this
        n = len(quick["pre_clip_norms"]) if not quick["diverged"] else 1
        assert quick["pre_clip_norms"][:n] == pytest.approx(saved["pre_clip_norms"][:n], rel=1e-3)
        if quick["diverged"]:  # the unclipped run: it stops at the same step, with no finite loss (saved as None)
            assert quick["step"] == saved["step"] and saved["eval_loss"] == [None]
            assert not math.isfinite(quick["eval_loss"][-1])
        else:
            assert quick["eval_loss"] == pytest.approx(saved["eval_loss"][: len(quick["eval_loss"])], rel=1e-3)
    runs = data["runs"]
    assert runs["None"]["diverged"] and runs["None"]["step"][-1] <= 5  # blows up at once
    assert not any(runs[k]["diverged"] for k in ("1.0", "0.01", "0.001"))
    zero = data["zero_predictor_loss"]
    assert runs["1.0"]["eval_loss"][-1] < 0.25 * zero  # clipping at 1 learns
    assert runs["0.01"]["eval_loss"][-1] > 3 * runs["1.0"]["eval_loss"][-1]  # too small: slow
    assert runs["0.001"]["eval_loss"][-1] > runs["0.01"]["eval_loss"][-1]  # smaller still: slower
    assert runs["0.01"]["eval_loss"][-1] < zero < runs["0.01"]["eval_loss"][len(runs["0.01"]["eval_loss"]) // 2]
    assert runs["0.001"]["eval_loss"][-1] > zero  # as the figure's alt text says
    # too small a threshold is a smaller learning rate: lr 0.01 with c = 0.01 is lr 1e-4 with c = 1
    twin = data["lr_1e-4_clip_1"]
    assert twin["clipped_share"] == runs["0.01"]["clipped_share"] == 1.0
    assert twin["eval_loss"] == pytest.approx(runs["0.01"]["eval_loss"], abs=1e-5)


def test_facts():
    f = facts()
    assert f["angle_by_norm"] == "0.0°" and f["angle_by_value"] == "31.0°"
    assert f["per_tensor_angle"] == "20.9°"
    assert f["none_loss"] == "NaN"
    assert float(f["clipped_fixed_point"]) < float(f["sample_mean"])


def test_figures_draw():
    assert len(figure_training().axes) == 2
    assert len(figure_two_d().axes) == 1
    assert len(figure_spikes().axes) == 2


def test_clipping_does_not_rescue_an_infinite_gradient():
    r = clip_nonfinite_gradient()
    assert r["total_norm"] == math.inf
    assert r["first"][0] == 0.0 and math.isnan(r["first"][1]) and r["first"][2] == 0.0
    assert r["second"] == [0.0, 0.0]
    assert r["error_if_nonfinite_raises"]


def test_the_settings_the_page_states():
    """The page names the thresholds, the learning rates and the 2-D examples by hand: they must be the code's."""
    data = load("a3_gradient_clipping", "exploding_rnn")["data"]
    assert set(data["runs"]) == {"None", "1.0", "0.01", "0.001"}
    assert data["lr"] == 0.01 and data["length"] == 50 and data["batch_size"] == 64
    assert [data["runs"][k]["lr"] for k in data["runs"]] == [0.01] * 4
    assert data["lr_1e-4_clip_1"]["lr"] == pytest.approx(1e-4) and data["lr_1e-4_clip_1"]["max_norm"] == 1.0
    assert data["no_clip_small_lr"]["lr"] == pytest.approx(0.01 / 30) and data["no_clip_small_lr"]["max_norm"] is None
    assert float(facts()["small_lr"]) == pytest.approx(0.01 / 30, rel=0.01)
    # the max gradient norm of the unclipped small-lr run happens at the start, as the alt text says
    norms = data["no_clip_small_lr"]["pre_clip_norms"]
    assert norms.index(max(norms)) < 10


def test_thresholds_and_learning_rate_ratio_on_the_page_come_from_the_committed_run():
    from snippets.a3_gradient_clipping import facts
    from snippets.results import load

    data = load("a3_gradient_clipping", "exploding_rnn")["data"]
    f = facts()
    thresholds = sorted(float(k) for k in data["runs"] if k != "None")
    assert sorted(float(f[k]) for k in ("c1_value", "c001_value", "c0001_value")) == thresholds
    assert float(f["small_lr_ratio"]) == pytest.approx(data["lr"] / data["no_clip_small_lr"]["lr"], rel=0.02)
