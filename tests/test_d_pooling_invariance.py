"""Chapter D, pooling: max pooling keeps part of its output under a one-pixel shift; global pooling keeps all of it and loses position."""

from __future__ import annotations

import pytest
import torch

from snippets.d_equivariance import shift
from snippets.d_pooling_invariance import (
    FlattenNet,
    GapNet,
    best_left_right_accuracy,
    facts,
    invariance_error,
    left_right_pair,
    surviving_fraction,
    surviving_fraction_theory,
)

NOISE = torch.randn(256, 1, 48, 48, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("pool", [2, 3, 4])
def test_survival_under_a_one_pixel_shift_matches_the_counting_argument(pool):
    assert surviving_fraction(NOISE, pool, (0, 1)) == pytest.approx(surviving_fraction_theory(pool), abs=0.01)
    assert surviving_fraction(NOISE, pool, (1, 1)) == pytest.approx(surviving_fraction_theory(pool, True), abs=0.01)


def test_larger_windows_are_more_invariant_but_never_fully():
    shares = [surviving_fraction(NOISE, p, (0, 1)) for p in (2, 3, 4, 6)]
    assert shares == sorted(shares) and shares[-1] < 1


def test_a_shift_by_the_stride_moves_the_pooled_map_exactly():
    pooled = torch.nn.functional.max_pool2d(NOISE, 2)
    moved = torch.nn.functional.max_pool2d(shift(NOISE, (0, 2)), 2)
    assert torch.equal(moved, shift(pooled, (0, 1)))


def test_global_average_pooling_after_circular_convolutions_is_invariant():
    x = torch.randn(4, 1, 20, 20, generator=torch.Generator().manual_seed(1))
    for by in [(1, 0), (0, 7), (13, 19)]:
        assert invariance_error(GapNet(), x, by) < 1e-5
    assert invariance_error(FlattenNet(20), x, (0, 7)) > 1e-3


def test_the_price_is_position():
    pair = left_right_pair()
    with torch.no_grad():
        out = GapNet()(pair)
    torch.testing.assert_close(out[0], out[1])
    assert best_left_right_accuracy(GapNet()) == 0.5
    assert best_left_right_accuracy(FlattenNet(16)) == 1.0


def test_any_input_size_with_global_pooling_one_size_without():
    for h, w in [(8, 8), (28, 28), (31, 45)]:
        assert GapNet()(torch.randn(1, 1, h, w)).shape == (1, 2)
    with pytest.raises(ValueError, match="built for 16 × 16"):
        FlattenNet(16)(torch.randn(1, 1, 28, 28))


def test_facts_agree():
    f = facts()
    assert f["survive_2"] == pytest.approx(f["survive_2_theory"], abs=1.0)
    assert f["survive_stride_shift"] == 0.0
    assert f["gap_error"] < 1e-5 < f["flatten_error"]
    assert (f["gap_left_right"], f["flatten_left_right"]) == (50.0, 100.0)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="pool must be"):
        surviving_fraction(NOISE, 5)
    with pytest.raises(ValueError, match=r"\(B, C, H, W\)"):
        surviving_fraction(torch.zeros(48, 48))
