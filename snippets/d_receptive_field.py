"""D — local connectivity and the receptive field that grows with depth.

A unit of a convolutional layer reads only a k × k window of the layer below
(local connectivity, "sparse interactions"). Stacking layers composes the windows,
so the region of the *input* that can change one unit — its receptive field —
grows with depth: by (k − 1) times the product of the strides below at each layer.

Here the receptive field is computed by the standard recurrence and checked
against autograd: the gradient of one output unit with respect to the input is
non-zero exactly on that region. Shown in chapter D, tested by
tests/test_d_receptive_field.py.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from snippets.plotting import new_figure
from snippets.validation import positive_int


def example_stack(pool: type[nn.Module] = nn.AvgPool2d) -> nn.Sequential:
    """Conv3 → Conv3 → Pool2 → Conv3 → Conv3, one channel, no padding, no non-linearity.

    Linear on purpose: with ReLUs a dead unit could zero a gradient by accident
    and hide part of the receptive field.

    >>> [type(m).__name__ for m in example_stack()]
    ['Conv2d', 'Conv2d', 'AvgPool2d', 'Conv2d', 'Conv2d']
    """
    return nn.Sequential(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3), pool(2), nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3))


def _pair(v) -> int:
    if isinstance(v, tuple):
        if len(set(v)) != 1:
            raise ValueError(f"only square kernels, strides and dilations are supported, got {v}")
        return int(v[0])
    return int(v)


def layer_geometry(layer: nn.Module) -> tuple[int, int, int]:
    """``(kernel, stride, dilation)`` of one layer; element-wise layers are ``(1, 1, 1)``.

    >>> layer_geometry(nn.Conv2d(3, 8, 5, stride=2))
    (5, 2, 1)
    >>> layer_geometry(nn.MaxPool2d(2))
    (2, 2, 1)
    >>> layer_geometry(nn.ReLU())
    (1, 1, 1)
    """
    if isinstance(layer, nn.Conv2d):
        return _pair(layer.kernel_size), _pair(layer.stride), _pair(layer.dilation)
    if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
        stride = layer.stride if layer.stride is not None else layer.kernel_size
        dilation = getattr(layer, "dilation", 1)
        return _pair(layer.kernel_size), _pair(stride), _pair(dilation)
    if isinstance(layer, (nn.ReLU, nn.Identity, nn.Tanh, nn.Sigmoid, nn.BatchNorm2d, nn.Dropout)):
        return 1, 1, 1
    raise TypeError(
        f"layer_geometry: expected Conv2d, MaxPool2d, AvgPool2d or an element-wise layer, got {type(layer).__name__}"
    )


# --8<-- [start:recurrence]
def receptive_fields(layers) -> list[int]:
    """Receptive field (side, in input pixels) of a unit after each layer.

    The standard recurrence, with r₀ = 1 pixel and j₀ = 1 (the input grid):
    a layer with kernel k, dilation d and stride s reads k_eff = d(k − 1) + 1
    units of the layer below, which are j apart in the input, so

        r_l = r_{l−1} + (k_eff − 1) · j_{l−1},    j_l = j_{l−1} · s.

    >>> receptive_fields(example_stack())
    [3, 5, 6, 10, 14]
    >>> receptive_fields([nn.Conv2d(1, 1, 3)] * 4)     # 3×3 convolutions: 2L + 1
    [3, 5, 7, 9]
    >>> receptive_fields([nn.Conv2d(1, 1, 7)])         # one 7×7 sees what three 3×3 see
    [7]
    """
    r, jump, out = 1, 1, []
    for layer in layers:
        k, s, d = layer_geometry(layer)
        r += d * (k - 1) * jump
        jump *= s
        out.append(r)
    return out


# --8<-- [end:recurrence]


# --8<-- [start:gradient]
def gradient_support(net: nn.Module, size: int = 32, seed: int = 0) -> torch.Tensor:
    """Where the input can change one output unit: the mask of non-zero ∂y/∂x.

    y is the centre unit of the first output channel of ``net`` applied to one
    random (1, C, size, size) input. Returns a (size, size) bool mask.

    >>> mask = gradient_support(nn.Conv2d(1, 1, 3), size=9)
    >>> mask.sum().item(), support_box(mask)
    (9, (3, 3))
    """
    positive_int("size", size)
    torch.manual_seed(seed)
    first = next((m for m in net.modules() if isinstance(m, nn.Conv2d)), None)
    channels = first.in_channels if first is not None else 1
    x = torch.randn(1, channels, size, size, dtype=torch.float64, requires_grad=True)
    y = net.double()(x)
    centre = y[0, 0, y.shape[-2] // 2, y.shape[-1] // 2]
    (grad,) = torch.autograd.grad(centre, x)
    return grad[0].abs().sum(0) > 0


def support_box(mask: torch.Tensor) -> tuple[int, int]:
    """Height and width of the smallest box around the ``True`` entries of a 2-D mask.

    >>> support_box(torch.tensor([[0, 1, 0], [0, 1, 1]]).bool())
    (2, 2)
    """
    rows = mask.any(1).nonzero()
    cols = mask.any(0).nonzero()
    if len(rows) == 0:
        return 0, 0
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


# --8<-- [end:gradient]


# --8<-- [start:effective]
def uniform_stack_gradient(depth: int) -> torch.Tensor:
    """|∂y/∂x| for the centre unit of ``depth`` 3×3 convolutions whose weights are all 1/9.

    Returns a (2·depth + 1)² map that sums to 1: the input's share in the unit.
    Each layer averages a 3×3 window, so the map is the depth-fold convolution
    of a 3×3 box — by the central limit theorem a bell, not a flat square.

    >>> g = uniform_stack_gradient(2)
    >>> tuple(g.shape), round(g.sum().item(), 6), round(g[2, 2].item() / g[0, 0].item())
    ((5, 5), 1.0, 9)
    """
    positive_int("depth", depth)
    net = nn.Sequential(*[nn.Conv2d(1, 1, 3, bias=False) for _ in range(depth)]).double()
    with torch.no_grad():
        for conv in net:
            conv.weight.fill_(1 / 9)
    size = 2 * depth + 1
    x = torch.zeros(1, 1, size, size, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(net(x)[0, 0, 0, 0], x)
    return grad[0, 0]


def spread(weights: torch.Tensor) -> float:
    """Standard deviation (in pixels) of one axis of a 2-D weight map read as a distribution.

    For the uniform stack it is sqrt(2·depth/3): each layer adds an offset of −1, 0
    or +1 with equal chance, whose variance is 2/3.

    >>> round(spread(uniform_stack_gradient(6)), 6) == round(math.sqrt(2 * 6 / 3), 6)
    True
    """
    p = weights.sum(1) / weights.sum()
    pos = torch.arange(len(p), dtype=p.dtype) - (len(p) - 1) / 2
    return math.sqrt(float((p * pos**2).sum() - (p * pos).sum() ** 2))


def mass_in_central_half(weights: torch.Tensor) -> float:
    """Share of a square weight map that lies in its central half (side ≈ half the field).

    >>> round(mass_in_central_half(torch.ones(9, 9)), 3)    # a flat field: area share
    0.309
    """
    n = weights.shape[0]
    half = (n - 1) // 4
    c = (n - 1) // 2
    inner = weights[c - half : c + half + 1, c - half : c + half + 1]
    return float(inner.sum() / weights.sum())


# --8<-- [end:effective]


FIGURE_DEPTHS = (1, 2, 4, 8)


def show_image(ax, image: torch.Tensor, title: str, cmap: str = "Blues") -> None:
    """Draw a 2-D tensor on ``ax`` as pixels, framed, without ticks (the chapter's image panels).

    >>> fig, ax = new_figure()
    >>> show_image(ax, torch.eye(3), "identity")
    >>> ax.get_title(), len(ax.images)
    ('identity', 1)
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    ax.imshow(image.numpy(), cmap=cmap, interpolation="nearest")
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#999999")


def figure_growth(lang: str = "en"):
    """|∂y/∂x| for one unit after 1, 2, 4 and 8 layers of 3×3 convolutions (weights 1/9).

    Each panel shows the same 17 × 17 input window; the outline is the receptive
    field from the recurrence, the shading the gradient.
    """
    from matplotlib.patches import Rectangle

    from snippets.plotting import Labels

    t = Labels(lang)
    fig, axes = new_figure(7.2, 2.5, ncols=len(FIGURE_DEPTHS))
    side = 2 * max(FIGURE_DEPTHS) + 1
    for ax, depth in zip(axes, FIGURE_DEPTHS, strict=True):
        g = uniform_stack_gradient(depth)
        canvas = torch.zeros(side, side, dtype=g.dtype)
        off = (side - g.shape[0]) // 2
        canvas[off : off + g.shape[0], off : off + g.shape[1]] = g
        r = receptive_fields([nn.Conv2d(1, 1, 3)] * depth)[-1]
        title = t(
            f"{depth} layer{'s' if depth > 1 else ''}: RF {r}×{r}\nstd {spread(g):.2f} px",
            f"{'שכבה אחת' if depth == 1 else f'{depth} שכבות'}: RF {r}×{r}\nstd {spread(g):.2f} px",
        )
        show_image(ax, canvas, title)
        ax.add_patch(Rectangle((off - 0.5, off - 0.5), r, r, fill=False, edgecolor="#D55E00", linewidth=1.5))
    fig.suptitle(
        t(
            "Gradient of one unit w.r.t. the input (orange: receptive field from the recurrence)",
            "הגרדיאנט של יחידה אחת לפי הקלט (בכתום: שדה הקליטה לפי נוסחת הנסיגה)",
        ),
        fontsize=9,
    )
    return fig


def facts() -> dict[str, object]:
    """The numbers chapter D prints about receptive fields, computed here."""
    stack = example_stack()
    rfs = receptive_fields(stack)
    box = support_box(gradient_support(stack))
    max_stack = example_stack(nn.MaxPool2d)
    max_mask = gradient_support(max_stack)
    depth = max(FIGURE_DEPTHS)
    deep = uniform_stack_gradient(depth)
    return {
        "deep_layers": depth,
        "figure_depths": ", ".join(str(d) for d in FIGURE_DEPTHS[:-1]) + f" and {FIGURE_DEPTHS[-1]}",
        "figure_depths_he": ", ".join(str(d) for d in FIGURE_DEPTHS[:-1]) + f" ו־{FIGURE_DEPTHS[-1]}",
        "stack_rfs": ", ".join(str(r) for r in rfs),
        "stack_rf": rfs[-1],
        "rf_step_before_pool": rfs[1] - rfs[0],  # what a 3 × 3 layer adds before the pooling ...
        "rf_step_after_pool": rfs[-1] - rfs[-2],  # ... and after it
        "grad_box": f"{box[0]} × {box[1]}",
        "grad_count": int(gradient_support(stack).sum()),
        "rf_area": rfs[-1] ** 2,
        "max_grad_count": int(max_mask.sum()),
        "max_rf": receptive_fields(max_stack)[-1],
        "depth8_rf": receptive_fields([nn.Conv2d(1, 1, 3)] * depth)[-1],
        "depth8_std": spread(deep),
        "depth8_central": 100 * mass_in_central_half(deep),
        "depth8_central_area": 100 * mass_in_central_half(torch.ones_like(deep)),
    }
