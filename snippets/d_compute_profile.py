"""D — compute and memory: parameters are not FLOPs.

A convolutional layer has few parameters (one small kernel per channel pair) but
applies them at every output position, so its cost in multiply–accumulates (MACs)
is its parameter count times the number of output positions. A fully connected
layer uses each weight exactly once per example. So in a CNN the convolutions hold
few of the parameters and do most of the arithmetic, and the fully connected layers
the opposite; the early, high-resolution layers also hold most of the activations
that training must store.

This module counts all three per layer, checks the arithmetic against PyTorch's
own FLOP counter, and does it for a LeNet-style network and for VGG-16 (built on
the ``meta`` device: shapes only, no memory, no weights).
Shown in chapter D, tested by tests/test_d_compute_profile.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


# --8<-- [start:nets]
def lenet_style() -> nn.Sequential:
    """A LeNet-5-style network for (B, 1, 28, 28) digits: two conv+pool stages, three linear layers.

    >>> lenet_style()(torch.zeros(1, 1, 28, 28)).shape
    torch.Size([1, 10])
    """
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )


#: VGG-16 (configuration "D" of Simonyan & Zisserman): channels of the 3×3 convolutions, "M" = 2×2 max pooling.
VGG16_CONFIG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


def vgg16(device: str = "meta") -> nn.Sequential:
    """VGG-16 for (B, 3, 224, 224) inputs and 1000 classes; on ``meta`` it holds shapes, not numbers.

    >>> sum(p.numel() for p in vgg16().parameters())
    138357544
    """
    layers: list[nn.Module] = []
    c = 3
    with torch.device(device):
        for v in VGG16_CONFIG:
            if v == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
                c = v
        layers += [
            nn.Flatten(),
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(),
            nn.Linear(4096, 4096),
            nn.ReLU(),
            nn.Linear(4096, 1000),
        ]
        return nn.Sequential(*layers)


# --8<-- [end:nets]


# --8<-- [start:profile]
@dataclass
class LayerCost:
    """One layer of a profile: what it is, its parameters, its MACs and its output size (per example)."""

    name: str
    kind: str  # "conv", "fc", "pool" or "other" (element-wise layers and views)
    params: int
    macs: int
    activations: int


def profile(model: nn.Sequential, input_shape: tuple[int, ...]) -> list[LayerCost]:
    """Per-layer parameters, multiply–accumulates and output elements for one example.

    MACs of a convolution: one per kernel weight per output position,
    (C_in/groups · k_h · k_w) · C_out · H_out · W_out. Of a linear layer: in · out.
    Biases are added, not multiplied, and are not counted as MACs. Activations
    are the output elements of the conv, fc and pooling layers; element-wise layers
    (often in place) and views such as ``Flatten`` add none.

    >>> rows = profile(lenet_style(), (1, 1, 28, 28))
    >>> [(r.name, r.params, r.macs) for r in rows if r.kind in ("conv", "fc")]
    [('0', 156, 117600), ('3', 2416, 240000), ('7', 48120, 48000), ('9', 10164, 10080), ('11', 850, 840)]
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"profile expects an nn.Sequential, got {type(model).__name__}")
    if len(input_shape) != 4 or input_shape[0] != 1:
        raise ValueError(f"input_shape must be (1, C, H, W) for one example, got {input_shape}")
    device = next(model.parameters()).device
    x = torch.zeros(input_shape, device=device)
    rows = []
    with torch.no_grad():
        for name, layer in model.named_children():
            x = layer(x)
            params = sum(p.numel() for p in layer.parameters())
            if isinstance(layer, nn.Conv2d):
                per_output = layer.in_channels // layer.groups * layer.kernel_size[0] * layer.kernel_size[1]
                rows.append(LayerCost(name, "conv", params, per_output * x.numel(), x.numel()))
            elif isinstance(layer, nn.Linear):
                rows.append(LayerCost(name, "fc", params, layer.in_features * layer.out_features, x.numel()))
            elif isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
                rows.append(LayerCost(name, "pool", params, 0, x.numel()))
            else:
                rows.append(LayerCost(name, "other", params, 0, 0))
    return rows


def torch_flops(model: nn.Module, input_shape: tuple[int, ...]) -> int:
    """Total FLOPs of one forward pass as PyTorch's ``FlopCounterMode`` counts them (2 per MAC).

    >>> torch_flops(lenet_style(), (1, 1, 28, 28)) == 2 * sum(r.macs for r in profile(lenet_style(), (1, 1, 28, 28)))
    True
    """
    device = next(model.parameters()).device
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(torch.zeros(input_shape, device=device))
    return counter.get_total_flops()


def split(rows: list[LayerCost]) -> dict[str, float]:
    """Shares (in %) of parameters, MACs and activations held by the conv and the fc layers.

    >>> s = split(profile(lenet_style(), (1, 1, 28, 28)))
    >>> round(s["conv_params"], 1), round(s["conv_macs"], 1)
    (4.2, 85.9)
    """
    total = {k: sum(getattr(r, k) for r in rows) for k in ("params", "macs", "activations")}
    out = {}
    for kind in ("conv", "fc"):
        for k in total:
            out[f"{kind}_{k}"] = 100 * sum(getattr(r, k) for r in rows if r.kind == kind) / total[k]
    return out


# --8<-- [end:profile]


def facts() -> dict[str, object]:
    """The numbers chapter D prints about cost, computed here (VGG-16 on the meta device)."""
    lenet_rows = profile(lenet_style(), (1, 1, 28, 28))
    vgg = vgg16()
    vgg_rows = profile(vgg, (1, 3, 224, 224))
    lenet_split, vgg_split = split(lenet_rows), split(vgg_rows)
    fc1 = next(r for r in vgg_rows if r.kind == "fc")
    first_conv = next(r for r in vgg_rows if r.kind == "conv")
    conv_rows = [r for r in vgg_rows if r.kind == "conv"]
    activations = sum(r.activations for r in vgg_rows) + 3 * 224 * 224  # and the input image itself
    out: dict[str, object] = {
        "lenet_params": sum(r.params for r in lenet_rows),
        "lenet_macs": sum(r.macs for r in lenet_rows),
        "lenet_torch_flops": torch_flops(lenet_style(), (1, 1, 28, 28)),
        "vgg_params": sum(r.params for r in vgg_rows),
        "vgg_gmacs": sum(r.macs for r in vgg_rows) / 1e9,
        "vgg_torch_gflops": torch_flops(vgg, (1, 3, 224, 224)) / 1e9,
        "vgg_fc1_params": fc1.params,
        "vgg_fc1_share": 100 * fc1.params / sum(r.params for r in vgg_rows),
        "vgg_conv_layers": len(conv_rows),
        "vgg_first_conv_params": first_conv.params,
        "vgg_first_conv_mmacs": first_conv.macs / 1e6,
        "vgg_fc1_mmacs": fc1.macs / 1e6,
        "vgg_activations_m": activations / 1e6,
        "vgg_activation_mb": activations * 4 / 2**20,
        "vgg_first_two_act_share": 100 * sum(r.activations for r in conv_rows[:2]) / activations,
        "vgg_fc_act": sum(r.activations for r in vgg_rows if r.kind == "fc"),
    }
    out.update({f"lenet_{k}": v for k, v in lenet_split.items()})
    out.update({f"vgg_{k}": v for k, v in vgg_split.items()})
    return out
