"""Chapter D, compute and memory: our counts equal PyTorch's; convs hold the compute, fc layers the parameters."""

from __future__ import annotations

import pytest
from torch import nn

from snippets.d_compute_profile import facts, lenet_style, profile, split, torch_flops, vgg16


def test_lenet_counts_match_pytorch():
    rows = profile(lenet_style(), (1, 1, 28, 28))
    assert sum(r.params for r in rows) == sum(p.numel() for p in lenet_style().parameters())
    assert torch_flops(lenet_style(), (1, 1, 28, 28)) == 2 * sum(r.macs for r in rows)


def test_vgg16_counts_match_pytorch_on_the_meta_device():
    net = vgg16()
    rows = profile(net, (1, 3, 224, 224))
    assert sum(r.params for r in rows) == sum(p.numel() for p in net.parameters()) == 138_357_544
    assert torch_flops(net, (1, 3, 224, 224)) == 2 * sum(r.macs for r in rows)
    assert next(net.parameters()).device.type == "meta"  # no real memory was used


def test_the_split_convs_compute_fc_layers_store():
    for rows in (profile(lenet_style(), (1, 1, 28, 28)), profile(vgg16(), (1, 3, 224, 224))):
        s = split(rows)
        assert s["conv_macs"] > 80 and s["conv_params"] < 15
        assert s["fc_params"] > 85 and s["fc_macs"] < 20
        assert s["conv_activations"] > 75


def test_facts():
    f = facts()
    assert f["vgg_torch_gflops"] == pytest.approx(2 * f["vgg_gmacs"])
    assert f["vgg_fc1_params"] == 512 * 7 * 7 * 4096 + 4096
    assert f["vgg_first_conv_mmacs"] > 0.8 * f["vgg_fc1_mmacs"]  # 1,792 weights cost about as much as 102 million


def test_profile_rejects_bad_input():
    with pytest.raises(TypeError, match="nn.Sequential"):
        profile(nn.Conv2d(1, 1, 3), (1, 1, 8, 8))
    with pytest.raises(ValueError, match="one example"):
        profile(lenet_style(), (2, 1, 28, 28))
