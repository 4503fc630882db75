"""Chapter B1: every claim the page makes about KL(p‖q) and KL(q‖p), checked."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
import torch
import torch.nn.functional as F
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from snippets.b1_kl_divergence import (
    STARTS,
    bernoulli,
    both_directions,
    cross_entropy,
    entropy,
    experiment_gaussian_fits,
    facts,
    figure_bernoulli_directions,
    figure_gaussian_fits,
    fit_gaussian,
    grid,
    kl_divergence,
    kl_gaussians,
    kl_on_grid,
    log_mixture,
    log_normal,
    mixture_moments,
    torch_kl_div,
)
from snippets.results import load


@st.composite
def distributions(draw, k=None, allow_zeros=True):
    """A probability vector of k outcomes (2 to 8 when not given), zeros allowed."""
    k = k or draw(st.integers(2, 8))
    low = 0.0 if allow_zeros else 1e-3
    w = draw(st.lists(st.floats(low, 1.0, allow_nan=False), min_size=k, max_size=k))
    assume(sum(w) > 1e-3)
    a = np.array(w, dtype=np.float64)
    return (a / a.sum()).tolist()


@st.composite
def pairs(draw, allow_zeros=True):
    k = draw(st.integers(2, 8))
    return draw(distributions(k, allow_zeros)), draw(distributions(k, allow_zeros))


# --- the exam's example -----------------------------------------------------------------


def test_bernoulli_example_differs_by_direction():
    pq, qp = both_directions(bernoulli(0.5), bernoulli(0.9))
    assert pq == pytest.approx(0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1))
    assert qp == pytest.approx(0.9 * math.log(0.9 / 0.5) + 0.1 * math.log(0.1 / 0.5))
    assert pq - qp > 0.1
    f = facts()
    assert (f["bern_pq"], f["bern_qp"]) == (pq, qp)


def test_one_direction_can_be_infinite_while_the_other_is_finite():
    pq, qp = both_directions([0.5, 0.5], [1.0, 0.0])
    assert pq == math.inf
    assert qp == pytest.approx(math.log(2))
    assert facts()["inf_pq"] == r"\infty"


def test_kl_breaks_the_triangle_inequality():
    """Not a metric twice over: not symmetric, and no triangle inequality."""
    f = facts()
    direct = kl_divergence(bernoulli(0.5), bernoulli(0.9))
    via = kl_divergence(bernoulli(0.5), bernoulli(0.7)) + kl_divergence(bernoulli(0.7), bernoulli(0.9))
    assert (f["tri_direct"], f["tri_via"]) == (direct, via)
    assert direct > 2 * via


def test_symmetric_looking_examples_are_a_trap():
    mirror = both_directions([0.2, 0.8], [0.8, 0.2])
    assert mirror[0] == pytest.approx(mirror[1])
    assert kl_gaussians(-1, 1, 1, 1) == kl_gaussians(1, 1, -1, 1)
    assert kl_gaussians(0, 1, 0, 2) != pytest.approx(kl_gaussians(0, 2, 0, 1))


@settings(max_examples=50, deadline=None)
@given(p=distributions(allow_zeros=False))
def test_a_mirror_image_pair_is_always_symmetric(p):
    q = p[::-1]
    a, b = both_directions(p, q)
    assert a == pytest.approx(b, rel=1e-9, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(m1=st.floats(-5, 5), m2=st.floats(-5, 5), s=st.floats(0.1, 5))
def test_equal_variance_gaussians_are_always_symmetric(m1, m2, s):
    assert kl_gaussians(m1, s, m2, s) == pytest.approx(kl_gaussians(m2, s, m1, s), rel=1e-12, abs=1e-12)


# --- properties of the book's KL function --------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(pq=pairs())
def test_kl_is_non_negative(pq):
    p, q = pq
    assert kl_divergence(p, q) >= -1e-12


@settings(max_examples=100, deadline=None)
@given(p=distributions())
def test_kl_of_a_distribution_with_itself_is_zero(p):
    assert kl_divergence(p, p) == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(pq=pairs())
@example(pq=([0.5, 0.5], [0.9, 0.1]))  # p != q: the strict check below runs at least once
def test_kl_is_zero_only_when_p_equals_q(pq):
    """Pinsker's inequality, KL(p‖q) ≥ ½‖p − q‖₁², makes "zero only at p = q" quantitative."""
    p, q = pq
    l1 = float(np.abs(np.subtract(p, q)).sum())
    kl = kl_divergence(p, q)
    assert kl >= 0.5 * l1**2 - 1e-12
    if l1 > 1e-6:
        assert kl > 0


@settings(max_examples=100, deadline=None)
@given(pq=pairs(allow_zeros=False))
def test_kl_is_cross_entropy_minus_entropy(pq):
    p, q = pq
    assert kl_divergence(p, q) == pytest.approx(cross_entropy(p, q) - entropy(p), abs=1e-10)


@settings(max_examples=100, deadline=None)
@given(pq=pairs())
@example(pq=([0.2, 0.3, 0.5], [0.4, 0.4, 0.2]))  # no tiny q(x): the comparison with torch runs at least once
def test_kl_agrees_with_scipy_and_torch_distributions(pq):
    p, q = pq
    ours = kl_divergence(p, q)
    assert ours == pytest.approx(scipy.stats.entropy(p, q), rel=1e-9, abs=1e-12)
    # torch clamps probabilities to its float eps, so compare only where no q(x) under p is that small
    if min((b for a, b in zip(p, q) if a > 0), default=1.0) > 1e-12:
        cat = torch.distributions.Categorical
        theirs = torch.distributions.kl_divergence(
            cat(probs=torch.tensor(p, dtype=torch.float64)), cat(probs=torch.tensor(q, dtype=torch.float64))
        ).item()
        assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12)


def test_kl_accepts_lists_arrays_and_tensors_alike():
    p, q = [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]
    want = kl_divergence(p, q)
    assert kl_divergence(np.array(p), np.array(q)) == want
    assert kl_divergence(torch.tensor(p, dtype=torch.float64), torch.tensor(q, dtype=torch.float64)) == want
    assert kl_divergence(torch.tensor(p), torch.tensor(q)) == pytest.approx(
        want, rel=1e-6
    )  # float32 sums within tolerance


@pytest.mark.parametrize(
    "p, q, error, message",
    [
        ([0.5, 0.5], [1.2, -0.2], ValueError, "q has a negative probability"),
        ([-0.1, 1.1], [0.5, 0.5], ValueError, "p has a negative probability"),
        ([0.5, 0.6], [0.5, 0.5], ValueError, "p must sum to 1"),
        ([0.5, 0.5], [0.3, 0.3], ValueError, "q must sum to 1"),
        ([0.5, 0.5], [0.2, 0.3, 0.5], ValueError, "same shape"),
        ([[0.5, 0.5]], [[0.5, 0.5]], ValueError, "1-D"),
        ([], [], ValueError, "non-empty"),
        ([float("nan"), 1.0], [0.5, 0.5], ValueError, "NaN"),
        ([0.5, 0.5], [float("inf"), 0.0], ValueError, "NaN or infinite"),
        ("ab", [0.5, 0.5], TypeError, "p must be"),
        ([0.5, "0.5"], [0.5, 0.5], TypeError, "real numbers"),
        ([True, False], [0.5, 0.5], TypeError, "real numbers"),
        (0.5, 0.5, TypeError, "p must be"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(p, q, error, message):
    with pytest.raises(error, match=message):
        kl_divergence(p, q)


def test_bad_input_never_yields_nan():
    for p, q in ([[0.0, 1.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]):
        assert not math.isnan(kl_divergence(p, q))
    assert kl_divergence([0.0, 1.0], [0.0, 1.0]) == 0.0  # 0 log 0 counts as 0


# --- PyTorch's F.kl_div ----------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(pq=pairs(allow_zeros=False))
def test_f_kl_div_with_input_log_q_and_target_p_is_kl_p_q(pq):
    p, q = (torch.tensor(v, dtype=torch.float64) for v in pq)
    assert torch_kl_div(p, q) == pytest.approx(kl_divergence(pq[0], pq[1]), rel=1e-9, abs=1e-12)
    swapped = F.kl_div(p.log(), q, reduction="sum").item()
    assert swapped == pytest.approx(kl_divergence(pq[1], pq[0]), rel=1e-9, abs=1e-12)
    assert F.kl_div(q.log(), p.log(), reduction="sum", log_target=True).item() == pytest.approx(torch_kl_div(p, q))


def test_f_kl_div_with_probabilities_as_input_is_silently_wrong():
    """The trap the page warns about: no error, a wrong (here even negative) number."""
    p, q = torch.tensor([0.5, 0.5]), torch.tensor([0.9, 0.1])
    wrong = F.kl_div(q, p, reduction="sum").item()
    assert wrong != pytest.approx(torch_kl_div(p, q), abs=0.1)
    assert wrong < 0


def test_f_kl_div_reductions_on_a_batch():
    torch.manual_seed(0)
    p = torch.softmax(torch.randn(4, 5, dtype=torch.float64), dim=1)
    q = torch.softmax(torch.randn(4, 5, dtype=torch.float64), dim=1)
    per_row = [kl_divergence(p[i], q[i]) for i in range(4)]
    assert F.kl_div(q.log(), p, reduction="batchmean").item() == pytest.approx(sum(per_row) / 4)
    with pytest.warns(UserWarning, match="batchmean"):  # PyTorch itself warns that "mean" is not the KL
        assert F.kl_div(q.log(), p, reduction="mean").item() == pytest.approx(sum(per_row) / 20)


def test_torch_kl_div_facts():
    f = facts()
    assert f["torch_kl_div"] == pytest.approx(f["bern_pq"], rel=1e-6)
    assert f["torch_kl_div_swapped"] == pytest.approx(f["bern_qp"], rel=1e-6)


# --- continuous: closed form, grid integration, and the experiment ------------------------------


@pytest.mark.parametrize("a, b", [((0, 1), (0, 2)), ((0, 1.2), (0, 1)), ((-1, 0.5), (1.5, 1.3))])
def test_gaussian_kl_closed_form_grid_and_torch_agree(a, b):
    x = grid()
    dx = (x[1] - x[0]).item()
    closed = kl_gaussians(*a, *b)
    on_grid = kl_on_grid(log_normal(x, *a), log_normal(x, *b), dx).item()
    N = torch.distributions.Normal
    theirs = torch.distributions.kl_divergence(N(float(a[0]), float(a[1])), N(float(b[0]), float(b[1]))).item()
    assert on_grid == pytest.approx(closed, abs=1e-6)
    assert theirs == pytest.approx(closed, rel=1e-5)


def test_mixture_density_integrates_to_one():
    x = grid()
    assert (log_mixture(x).exp().sum() * (x[1] - x[0])).item() == pytest.approx(1.0, abs=1e-9)


def test_fit_rejects_an_unknown_direction():
    with pytest.raises(ValueError, match="direction must be"):
        fit_gaussian("forward")
    with pytest.raises(ValueError, match="same shape"):
        kl_on_grid(torch.zeros(3), torch.zeros(4), 0.1)


def test_experiment_reproduces_the_committed_fits():
    committed = load("b1_kl_divergence", "gaussian_fits")["data"]
    fresh = experiment_gaussian_fits(steps=committed["steps"])
    for key in STARTS:
        for field in ("mu", "sigma", "kl_pq", "kl_qp"):
            # rel/abs 1e-6: float64 optimisation to convergence; the page prints 2-3 decimals
            assert fresh[key][field] == pytest.approx(committed[key][field], rel=1e-6, abs=1e-6), (key, field)


def test_the_experiment_shows_mass_covering_and_mode_seeking():
    d = load("b1_kl_divergence", "gaussian_fits")["data"]
    mean, std = mixture_moments()
    fwd, right, left, centre = d["forward"], d["reverse_right"], d["reverse_left"], d["reverse_centre"]
    # KL(p‖q) over Gaussians is minimised by moment matching: the mixture's mean and std.
    assert fwd["mu"] == pytest.approx(mean, abs=1e-4) and fwd["sigma"] == pytest.approx(std, abs=1e-4)
    # KL(q‖p) sits on one mode, with about that mode's width, and pays about log 2 for the other half.
    assert right["mu"] == pytest.approx(2.0, abs=0.05) and left["mu"] == pytest.approx(-2.0, abs=0.05)
    assert right["sigma"] == pytest.approx(0.6, abs=0.05)
    assert right["kl_qp"] == pytest.approx(math.log(2), abs=0.01)
    # Each fit wins in the direction it minimised.
    assert fwd["kl_pq"] < right["kl_pq"] and right["kl_qp"] < fwd["kl_qp"]
    assert right["kl_pq"] > 10 * fwd["kl_pq"]
    # The third start lands in a worse local minimum of KL(q‖p): wide, between the modes.
    assert abs(centre["mu"]) < 1e-3 and centre["sigma"] > 1.5 and centre["kl_qp"] > right["kl_qp"] + 0.3


def test_figures_draw():
    fig = figure_gaussian_fits()
    assert len(fig.axes[0].lines) == 4
    fig = figure_bernoulli_directions()
    assert len(fig.axes[0].lines) >= 3
