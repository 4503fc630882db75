"""Chapter D, weight sharing: the counts on the page are PyTorch's, and a convolution is a tied, sparse dense layer."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from snippets.d_weight_sharing import (
    LocallyConnected2d,
    conv_as_matrix,
    conv_output_side,
    distinct_weights,
    facts,
    parameter_counts,
)


def test_the_exam_sized_layer():
    counts = parameter_counts(3, 5, 3, 28)
    assert counts["conv"] == sum(p.numel() for p in nn.Conv2d(3, 5, 3).parameters()) == 140
    assert counts["dense"] == sum(p.numel() for p in nn.Linear(3 * 28 * 28, 5 * 26 * 26).parameters())
    assert counts["local"] == sum(p.numel() for p in LocallyConnected2d(3, 5, 3, 28).parameters())
    assert nn.Conv2d(3, 5, 3)(torch.zeros(1, 3, 28, 28)).shape == (1, 5, 26, 26)
    f = facts()
    assert f["torch_conv"] == f["conv"] and f["torch_dense"] == f["dense"]
    assert f["dense"] > 50_000 * f["conv"]


@settings(max_examples=25, deadline=None)
@given(c_in=st.integers(1, 4), c_out=st.integers(1, 4), k=st.integers(1, 5), size=st.integers(5, 12))
def test_counts_match_torch_for_any_layer(c_in, c_out, k, size):
    counts = parameter_counts(c_in, c_out, k, size)
    n = conv_output_side(size, k)
    assert nn.Conv2d(c_in, c_out, k)(torch.zeros(1, c_in, size, size)).shape[-1] == n
    assert counts["conv"] == sum(p.numel() for p in nn.Conv2d(c_in, c_out, k).parameters())
    assert counts["local"] == sum(p.numel() for p in LocallyConnected2d(c_in, c_out, k, size).parameters())
    assert counts["dense"] == (c_in * size * size + 1) * c_out * n * n


def test_conv_is_a_sparse_tied_matrix():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 5, 3)
    M = conv_as_matrix(conv, 28)
    x = torch.randn(4, 3, 28, 28)
    bias = conv.bias.repeat_interleave(26 * 26)
    torch.testing.assert_close(x.flatten(1) @ M.T + bias, conv(x).flatten(1), atol=1e-5, rtol=1e-5)
    assert int((M != 0).sum()) == 5 * 26 * 26 * 27  # each output reads 27 inputs
    assert distinct_weights(M) == conv.weight.numel() == 135  # and they are the same 135 numbers


def test_locally_connected_with_tied_kernels_is_the_convolution():
    torch.manual_seed(1)
    conv = nn.Conv2d(3, 5, 3)
    x = torch.randn(2, 3, 28, 28)
    torch.testing.assert_close(LocallyConnected2d.from_conv(conv, 28)(x), conv(x), atol=1e-5, rtol=1e-5)


def test_locally_connected_without_ties_is_not_translation_equivariant():
    torch.manual_seed(2)
    layer = LocallyConnected2d(1, 1, 3, 12)
    x = torch.zeros(1, 1, 12, 12)
    x[..., 4, 4] = 1
    moved = torch.roll(x, (0, 3), (-2, -1))
    with torch.no_grad():
        a, b = torch.roll(layer(x), (0, 3), (-2, -1)), layer(moved)
    assert not torch.allclose(a, b)


@pytest.mark.parametrize(
    "bad, error",
    [
        (dict(size=2, kernel=3), ValueError),
        (dict(size=28, kernel=0), ValueError),
        (dict(size=28.0, kernel=3), TypeError),
        (dict(size=True, kernel=3), TypeError),
    ],
)
def test_bad_sizes_get_a_clear_error(bad, error):
    with pytest.raises(error):
        conv_output_side(**bad)


def test_locally_connected_rejects_wrong_input():
    with pytest.raises(ValueError, match=r"expected input \(B, 3, 28, 28\)"):
        LocallyConnected2d(3, 5, 3, 28)(torch.zeros(1, 3, 27, 27))
