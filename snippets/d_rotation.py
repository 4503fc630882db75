"""D — no built-in rotation or scale equivariance.

Weight sharing ties a kernel to every *position*, not to every orientation or size.
Rotating the input by 90° — an exact operation on the pixel grid, no interpolation —
does not rotate the feature map: it gives the feature map of a rotated *kernel*.
A detector of horizontal edges is blind to the same edge turned vertical, and a
kernel tuned to a thin bar responds differently to the bar drawn twice as large.

Shown in chapter D, tested by tests/test_d_rotation.py.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from snippets.d_equivariance import make_conv, sample_image
from snippets.validation import image_batch


# --8<-- [start:rotate]
def rot90(x: torch.Tensor) -> torch.Tensor:
    """Rotate (…, N, N) images by 90° counter-clockwise (exact on the grid)."""
    return torch.rot90(x, 1, dims=(-2, -1))


def rotation_error(conv: nn.Conv2d, x: torch.Tensor) -> float:
    """‖conv(rot x) − rot(conv x)‖ / ‖conv x‖: zero iff the layer commutes with a 90° turn on x.

    >>> rotation_error(make_conv("circular"), sample_image()) > 0.3
    True
    """
    image_batch(x, square=True)
    with torch.no_grad():
        y = conv(x)
        return float((conv(rot90(x)) - rot90(y)).norm() / y.norm())


def with_rotated_kernels(conv: nn.Conv2d) -> nn.Conv2d:
    """A copy of ``conv`` whose kernels are turned by 90°: conv(rot x) = rot(rotated_conv(x)).

    >>> conv, x = make_conv("circular"), sample_image()
    >>> torch.allclose(conv(rot90(x)), rot90(with_rotated_kernels(conv)(x)), atol=1e-6)
    True
    """
    turned = nn.Conv2d(
        conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, padding_mode=conv.padding_mode
    )
    with torch.no_grad():
        turned.weight.copy_(torch.rot90(conv.weight, -1, dims=(-2, -1)))
        turned.bias.copy_(conv.bias)
    return turned


# --8<-- [end:rotate]


# --8<-- [start:detector]
#: A horizontal-edge detector (a Sobel kernel): bright above, dark below.
HORIZONTAL_EDGE = torch.tensor([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]])


def edge_image(size: int = 16) -> torch.Tensor:
    """(1, 1, size, size): bright top half, dark bottom half — one horizontal edge."""
    x = torch.zeros(1, 1, size, size)
    x[..., : size // 2, :] = 1.0
    return x


def detector_response(x: torch.Tensor, kernel: torch.Tensor = HORIZONTAL_EDGE) -> float:
    """Largest response of the edge detector anywhere in x (valid positions, no padding).

    >>> detector_response(edge_image()), detector_response(rot90(edge_image()))
    (4.0, 0.0)
    """
    image_batch(x, square=True)
    return float(F.conv2d(x, kernel[None, None]).abs().max())


# --8<-- [end:detector]


# --8<-- [start:scale]
def bar_image(size: int = 24, width: int = 1) -> torch.Tensor:
    """(1, 1, size, size) with one horizontal bright bar ``width`` pixels thick in the middle."""
    x = torch.zeros(1, 1, size, size)
    x[..., size // 2 : size // 2 + width, 2:-2] = 1.0
    return x


#: A detector of thin (one-pixel) horizontal bars: bright centre row, dark rows around it.
THIN_BAR = torch.tensor([[-1.0, -1.0, -1.0], [2.0, 2.0, 2.0], [-1.0, -1.0, -1.0]])


def bar_response(width: int) -> float:
    """Largest response of the thin-bar detector to a bar ``width`` pixels thick.

    >>> bar_response(1), bar_response(2)    # the same bar, drawn twice as large: half the response
    (6.0, 3.0)
    """
    return float(F.conv2d(bar_image(width=width), THIN_BAR[None, None]).max())


def scale_error(conv: nn.Conv2d, x: torch.Tensor, factor: int = 2) -> float:
    """‖conv(up x) − up(conv x)‖ / ‖up(conv x)‖ for nearest-neighbour upscaling by ``factor``.

    >>> scale_error(make_conv("circular"), sample_image()) > 0.3
    True
    """
    image_batch(x, square=True)
    up = nn.Upsample(scale_factor=factor, mode="nearest")
    with torch.no_grad():
        target = up(conv(x))
        return float((conv(up(x)) - target).norm() / target.norm())


# --8<-- [end:scale]


def facts() -> dict[str, object]:
    """The numbers chapter D prints about rotations and scale, computed here."""
    conv, x = make_conv("circular"), sample_image()
    with torch.no_grad():
        exact = float((conv(rot90(x)) - rot90(with_rotated_kernels(conv)(x))).abs().max())
    return {
        "rotation_error": rotation_error(conv, x),
        "rotated_kernel_error": exact,
        "edge_response": detector_response(edge_image()),
        "edge_rotated_response": detector_response(rot90(edge_image())),
        "bar_1": bar_response(1),
        "bar_2": bar_response(2),
        "scale_error": scale_error(conv, x),
    }
