"""D — translation equivariance: exact, partial, broken.

A function f is *equivariant* to shifts T when f(T x) = T f(x): shift the input and
the output shifts the same way. It is *invariant* when f(T x) = f(x): the output
does not move at all. A convolution is equivariant, not invariant.

How exact the equivariance is depends on details the slogan hides:

- with circular padding a convolution commutes with ``torch.roll`` exactly, to the bit;
- with zero padding it holds only in the interior: a window that touches the border
  (or the wrap-around seam of the roll) sees different values;
- with stride s it holds only for shifts that are multiples of s; a one-pixel shift
  gives a feature map that is no shift of the original (aliasing).

Shown in chapter D, tested by tests/test_d_equivariance.py.
"""

from __future__ import annotations

import torch
from torch import nn

from snippets.plotting import new_figure
from snippets.validation import image_batch

#: Size of the test image and the shift used by the chapter.
SIZE, SHIFT = 32, (5, 9)


def make_conv(padding_mode: str = "circular", stride: int = 1, seed: int = 0, channels: int = 4) -> nn.Conv2d:
    """A seeded 3×3 ``Conv2d(1, channels)`` with padding 1 and the given padding mode and stride.

    >>> make_conv().padding_mode, make_conv("zeros").padding_mode
    ('circular', 'zeros')
    """
    if padding_mode not in ("circular", "zeros"):
        raise ValueError(f"padding_mode must be 'circular' or 'zeros', got {padding_mode!r}")
    torch.manual_seed(seed)
    return nn.Conv2d(1, channels, 3, stride=stride, padding=1, padding_mode=padding_mode)


def sample_image(size: int = SIZE, seed: int = 1) -> torch.Tensor:
    """A (1, 1, size, size) image: smooth random texture plus a bright square, so features have structure.

    >>> sample_image().shape
    torch.Size([1, 1, 32, 32])
    """
    g = torch.Generator().manual_seed(seed)
    x = torch.nn.functional.avg_pool2d(torch.randn(1, 1, size + 4, size + 4, generator=g), 5, stride=1)
    x[..., size // 4 : size // 4 + 6, size // 3 : size // 3 + 6] += 2.0
    return x


# --8<-- [start:shift]
def shift(x: torch.Tensor, by: tuple[int, int]) -> torch.Tensor:
    """Translate an image batch (B, C, H, W) by ``by = (rows, cols)``, wrapping around."""
    return torch.roll(x, shifts=by, dims=(-2, -1))


def equivariance_error(f, x: torch.Tensor, by: tuple[int, int]) -> torch.Tensor:
    """|f(shift(x)) − shift(f(x))| per output position (max over batch and channels): (H, W).

    Zero everywhere means f commutes with the shift.

    >>> x = sample_image()
    >>> equivariance_error(make_conv("circular"), x, (5, 9)).max().item()
    0.0
    >>> equivariance_error(make_conv("zeros"), x, (5, 9)).max().item() > 0.01
    True
    """
    image_batch(x)
    with torch.no_grad():
        return (f(shift(x, by)) - shift(f(x), by)).abs().amax(dim=(0, 1))


def invariance_change(f, x: torch.Tensor, by: tuple[int, int]) -> float:
    """‖f(shift(x)) − f(x)‖ / ‖f(x)‖: how far f is from *invariant* (0 would be invariant).

    >>> invariance_change(make_conv("circular"), sample_image(), (5, 9)) > 0.5
    True
    """
    image_batch(x)
    with torch.no_grad():
        y = f(x)
        return float((f(shift(x, by)) - y).norm() / y.norm())


# --8<-- [end:shift]


# --8<-- [start:border]
def predicted_break(size: int, by: tuple[int, int], reach: int = 1) -> torch.Tensor:
    """Where zero padding *can* break the equivariance of a layer that reads ``reach`` pixels around each position.

    After ``torch.roll`` the image has a seam (the old last row next to the old
    first row) and still has a border (padded with zeros). A position whose window
    touches either one may disagree. Returns a (size, size) bool mask.

    >>> predicted_break(8, (0, 3)).int()[0].tolist()   # one row: border at 0 and 7, seam between 2 and 3
    [1, 1, 1, 1, 1, 1, 1, 1]
    >>> predicted_break(8, (0, 3)).int()[1].tolist()
    [1, 0, 1, 1, 0, 0, 0, 1]
    """

    def one_axis(s: int) -> torch.Tensor:
        i = torch.arange(size)
        near_border = (i < reach) | (i >= size - reach)
        seam = s % size  # the old first row now sits at index `seam`, the old last row just before it
        if seam == 0:
            return near_border
        near_seam = (i >= seam - reach) & (i <= seam - 1 + reach)
        return near_border | near_seam

    rows, cols = one_axis(by[0]), one_axis(by[1])
    return rows[:, None] | cols[None, :]


# --8<-- [end:border]


# --8<-- [start:stride]
def best_output_shift(f, x: torch.Tensor, by: tuple[int, int]) -> tuple[tuple[int, int], float]:
    """The output shift that best explains f(shift(x)), and its relative error.

    Tries every shift (a, b) of the output f(x) and returns the one closest to
    f(shift(x, by)) with ‖f(shift x) − shift(f x)‖ / ‖f x‖. A stride-2 layer matches
    an even input shift exactly (half as far) and no shift matches an odd one.

    >>> f = make_conv("circular", stride=2)
    >>> best_output_shift(f, sample_image(), (0, 2))
    ((0, 1), 0.0)
    >>> best_output_shift(f, sample_image(), (0, 1))[1] > 0.1
    True
    """
    image_batch(x)
    with torch.no_grad():
        y, target = f(x), f(shift(x, by))
        h, w = y.shape[-2:]
        errors = {(a, b): float((target - shift(y, (a, b))).norm() / y.norm()) for a in range(h) for b in range(w)}
    best = min(errors, key=errors.get)
    return best, errors[best]


# --8<-- [end:stride]


# --8<-- [start:deep]
def circular_cnn(depth: int = 3, channels: int = 8, seed: int = 0) -> nn.Sequential:
    """``depth`` circular 3×3 convolutions with ReLU, stride 1: equivariant as a whole.

    Element-wise non-linearities commute with shifts, and a composition of
    shift-commuting maps commutes with shifts.

    >>> equivariance_error(circular_cnn(), sample_image(), (3, -7)).max().item()
    0.0
    """
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    c = 1
    for _ in range(depth):
        layers += [nn.Conv2d(c, channels, 3, padding=1, padding_mode="circular"), nn.ReLU()]
        c = channels
    return nn.Sequential(*layers)


# --8<-- [end:deep]


def figure_shift(lang: str = "en"):
    """An image, its feature map, the shifted image's feature map, and where zero padding breaks the rule."""
    from snippets.plotting import Labels, ltr

    t = Labels(lang)
    x = sample_image()
    conv = make_conv("circular", channels=1)
    zero = make_conv("zeros", channels=1)
    with torch.no_grad():
        y, ys = conv(x)[0, 0], conv(shift(x, SHIFT))[0, 0]
    err = equivariance_error(zero, x, SHIFT)
    fig, axes = new_figure(7.6, 2.5, ncols=4)
    panels = [
        (x[0, 0], t("input x", "הקלט x"), "gray"),
        (y, t("feature map f(x)", "מפת המאפיינים f(x)"), "RdBu_r"),
        (
            ys,
            t(
                f"f(x shifted by {SHIFT})\n= f(x) shifted (circular)",
                f"f(Tx), T הזזה ב־{ltr(str(SHIFT))}\n= T f(x) (ריפוד מעגלי)",
            ),
            "RdBu_r",
        ),
        (
            err,
            t(
                "zero padding: |f(Tx) − T f(x)|\nnon-zero at border and seam",
                "ריפוד באפסים: |f(Tx) − T f(x)|\nשונה מאפס בשוליים ובתפר",
            ),
            "Oranges",
        ),
    ]
    for ax, (img, title, cmap) in zip(axes, panels, strict=True):
        if cmap == "RdBu_r":
            lim = float(y.abs().max())
            ax.imshow(img.numpy(), cmap=cmap, vmin=-lim, vmax=lim, interpolation="nearest")
        else:
            ax.imshow(img.numpy(), cmap=cmap, interpolation="nearest")
        ax.set_title(title, fontsize=8)
        ax.set_axis_off()
    return fig


def facts() -> dict[str, object]:
    """The numbers chapter D prints about equivariance, computed here."""
    x = sample_image()
    circ, zero = make_conv("circular"), make_conv("zeros")
    err_zero = equivariance_error(zero, x, SHIFT)
    broken = err_zero > 1e-6
    predicted = predicted_break(SIZE, SHIFT)
    stride = 2
    strided = make_conv("circular", stride=stride)
    (_, _), stride_odd = best_output_shift(strided, x, (0, 1))
    even_shift, stride_even = best_output_shift(strided, x, (0, stride))
    return {
        "size": SIZE,
        "shift": SHIFT,
        "circ_error": f"{equivariance_error(circ, x, SHIFT).max().item():.1f}",
        "deep_error": f"{equivariance_error(circular_cnn(), x, SHIFT).max().item():.1f}",
        "zero_max_error": err_zero.max().item(),
        "zero_broken": int(broken.sum()),
        "zero_positions": broken.numel(),
        "zero_predicted": int(predicted.sum()),
        "zero_outside_prediction": int((broken & ~predicted).sum()),
        "zero_interior": int((~predicted).sum()),
        "invariance_change": invariance_change(circ, x, SHIFT),
        "stride_odd_error": stride_odd,
        "stride_even_error": f"{stride_even:.1f}",
        "stride_even_shift": even_shift,
        "stride": stride,  # the strided layer's stride, and the input shift by one stride
    }
