"""Chapter D, rotation and scale: a convolution is not equivariant to either."""

from __future__ import annotations

import pytest
import torch

from snippets.d_equivariance import make_conv, sample_image
from snippets.d_rotation import (
    HORIZONTAL_EDGE,
    bar_response,
    detector_response,
    edge_image,
    facts,
    rot90,
    rotation_error,
    scale_error,
    with_rotated_kernels,
)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_random_convolution_does_not_commute_with_a_quarter_turn(seed):
    assert rotation_error(make_conv("circular", seed=seed), sample_image(seed=seed)) > 0.2


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rotating_the_input_equals_rotating_the_kernel(seed):
    conv, x = make_conv("circular", seed=seed), sample_image(seed=seed)
    with torch.no_grad():
        torch.testing.assert_close(conv(rot90(x)), rot90(with_rotated_kernels(conv)(x)), atol=1e-5, rtol=1e-5)


def test_only_a_symmetric_kernel_commutes_with_rotation():
    conv = make_conv("circular", channels=1)
    with torch.no_grad():
        w = conv.weight
        conv.weight.copy_(
            (w + torch.rot90(w, 1, (-2, -1)) + torch.rot90(w, 2, (-2, -1)) + torch.rot90(w, 3, (-2, -1))) / 4
        )
    assert rotation_error(conv, sample_image()) < 1e-5


def test_the_edge_detector_is_blind_to_the_turned_edge():
    assert detector_response(edge_image()) == 4.0
    assert detector_response(rot90(edge_image())) == 0.0
    assert detector_response(rot90(edge_image()), torch.rot90(HORIZONTAL_EDGE, 1)) == 4.0


def test_scale_changes_the_response():
    assert bar_response(1) == 2 * bar_response(2)
    assert scale_error(make_conv("circular"), sample_image()) > 0.2


def test_facts_and_bad_input():
    f = facts()
    assert f["rotation_error"] > 0.2 and f["rotated_kernel_error"] < 1e-5
    with pytest.raises(ValueError, match="square image"):
        rotation_error(make_conv(), torch.zeros(1, 1, 8, 9))
