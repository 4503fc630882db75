"""Chapter D, translation equivariance: exact with circular padding, interior-only with zeros, broken by stride."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.d_equivariance import (
    SHIFT,
    SIZE,
    best_output_shift,
    circular_cnn,
    equivariance_error,
    facts,
    figure_shift,
    invariance_change,
    make_conv,
    predicted_break,
    sample_image,
    shift,
)


@settings(max_examples=20, deadline=None)
@given(dy=st.integers(-40, 40), dx=st.integers(-40, 40), seed=st.integers(0, 5))
def test_circular_convolution_commutes_with_roll_exactly(dy, dx, seed):
    x = torch.randn(2, 1, 16, 16, generator=torch.Generator().manual_seed(seed))
    assert equivariance_error(make_conv("circular", seed=seed), x, (dy, dx)).max().item() == 0.0


def test_a_deep_stride_one_circular_cnn_is_still_exactly_equivariant():
    x = sample_image()
    assert equivariance_error(circular_cnn(depth=4), x, (7, -3)).max().item() == 0.0


@settings(max_examples=15, deadline=None)
@given(dy=st.integers(1, 31), dx=st.integers(1, 31))
def test_zero_padding_breaks_only_where_a_window_touches_the_border_or_the_seam(dy, dx):
    err = equivariance_error(make_conv("zeros"), sample_image(), (dy, dx))
    broken = err > 1e-6
    predicted = predicted_break(SIZE, (dy, dx))
    assert not (broken & ~predicted).any(), "a break outside the predicted band"
    assert err[~predicted].max().item() < 1e-6  # the interior is exact (up to float rounding)
    assert broken.any()


def test_zero_padding_is_exact_for_an_object_that_stays_inside():
    """Equivariance holds in the interior: a pattern far from the border moves with its feature map."""
    x = torch.zeros(1, 1, 32, 32)
    x[..., 10:14, 10:16] = 1.0
    f = make_conv("zeros")
    with torch.no_grad():
        torch.testing.assert_close(f(shift(x, (4, 6))), shift(f(x), (4, 6)), atol=1e-6, rtol=0)


def test_stride_two_is_equivariant_only_to_even_shifts():
    f, x = make_conv("circular", stride=2), sample_image()
    assert best_output_shift(f, x, (0, 2)) == ((0, 1), 0.0)
    assert best_output_shift(f, x, (4, 6)) == ((2, 3), 0.0)
    for odd in [(0, 1), (1, 0), (3, 5)]:
        assert best_output_shift(f, x, odd)[1] > 0.1


def test_convolution_is_not_invariant():
    assert invariance_change(make_conv("circular"), sample_image(), SHIFT) > 0.5


def test_facts_say_what_the_page_says():
    f = facts()
    assert f["circ_error"] == "0.0" and f["deep_error"] == "0.0"
    assert f["zero_outside_prediction"] == 0
    assert 0 < f["zero_broken"] <= f["zero_predicted"] < f["zero_positions"]
    assert f["stride_even_error"] == "0.0" and f["stride_odd_error"] > 0.1


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match=r"\(B, C, H, W\)"):
        equivariance_error(make_conv(), torch.zeros(32, 32), (1, 1))
    with pytest.raises(ValueError, match="padding_mode"):
        make_conv("reflect")


def test_figure_draws_four_panels():
    assert len(figure_shift().axes) == 4
