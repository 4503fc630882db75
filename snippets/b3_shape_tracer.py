"""B3 — the tensor shapes a CNN produces, layer by layer, for an input b × 3 × 28 × 28.

The exam's diagram is lost; this module holds the output-size formulas, a tracer
that runs any ``nn.Sequential`` on a dummy input and reports every layer's output
shape and parameter count, and the networks the chapter traces: the labelled
reconstruction (``reconstruction()``) and common variants (``VARIANTS``).
Shown in chapter B3, tested by tests/test_b3_shape_tracer.py.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from snippets.plotting import PALETTE, new_figure
from snippets.validation import positive_int

#: The exam's input, without the batch dimension: C × H × W.
INPUT_SHAPE = (3, 28, 28)

#: The batch size of the dummy input. Any value works; tables print it as "b".
DUMMY_BATCH = 2


# --8<-- [start:formula]
def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output height (or width) of ``nn.Conv2d``: ⌊(H + 2p − d·(k − 1) − 1) / s⌋ + 1.

    With the defaults (d = 1) this is the exam's ⌊(H + 2p − k) / s⌋ + 1.
    PyTorch refuses a kernel that is larger than the padded input.

    >>> conv_output_size(28, 3)                       # the exam's Conv2d(3, 5, 3)
    26
    >>> conv_output_size(28, 3, stride=2)             # ⌊25 / 2⌋ + 1
    13
    >>> conv_output_size(28, 3, padding=1)            # "same" size for k = 3
    28
    >>> conv_output_size(28, 3, dilation=2)           # the kernel spans 5 pixels
    24
    >>> conv_output_size(2, 3)
    Traceback (most recent call last):
    ...
    ValueError: kernel (spanning 3 pixels) is larger than the padded input (2 + 2·0 = 2)
    """
    size = positive_int("size", size, 1)
    k, s = positive_int("kernel_size", kernel_size, 1), positive_int("stride", stride, 1)
    p, d = positive_int("padding", padding, 0), positive_int("dilation", dilation, 1)
    span = d * (k - 1) + 1
    if size + 2 * p < span:
        raise ValueError(
            f"kernel (spanning {span} pixels) is larger than the padded input ({size} + 2·{p} = {size + 2 * p})"
        )
    return (size + 2 * p - span) // s + 1


def pool_output_size(
    size: int, kernel_size: int, stride: int | None = None, padding: int = 0, dilation: int = 1, ceil_mode: bool = False
) -> int:
    """Output height (or width) of ``nn.MaxPool2d`` / ``nn.AvgPool2d``.

    The stride defaults to the kernel size; padding may be at most ⌊k / 2⌋. In
    floor mode the formula is the convolution's. In ceil mode the division rounds
    up, but PyTorch drops a last window that would start in the right padding.

    >>> pool_output_size(26, 2)                       # MaxPool2d(2): stride 2
    13
    >>> pool_output_size(11, 2), pool_output_size(11, 2, ceil_mode=True)
    (5, 6)
    >>> pool_output_size(5, 2, padding=1, ceil_mode=True)   # ⌈4 / 2⌉ + 1 = 4, last window dropped
    3
    >>> pool_output_size(5, 3, padding=2)
    Traceback (most recent call last):
    ...
    ValueError: padding 2 is more than half the kernel size 3 (PyTorch allows at most 1)
    """
    size = positive_int("size", size, 1)
    k = positive_int("kernel_size", kernel_size, 1)
    s = k if stride is None else positive_int("stride", stride, 1)
    p, d = positive_int("padding", padding, 0), positive_int("dilation", dilation, 1)
    if p > k // 2:
        raise ValueError(f"padding {p} is more than half the kernel size {k} (PyTorch allows at most {k // 2})")
    span = d * (k - 1) + 1
    out = (size + 2 * p - span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1  # the last window would start in the right padding
    if out < 1:
        raise ValueError(f"output size would be {out}: the window (spanning {span}) does not fit in {size} + 2·{p}")
    return out


# --8<-- [end:formula]


# --8<-- [start:tracer]
@dataclass(frozen=True)
class Row:
    """One line of a shape table: a layer, the shape it outputs and its parameters."""

    name: str  # position in the Sequential: "1", "2", … ("4.1" inside a nested block)
    layer: str  # the layer as it would be written in PyTorch, e.g. "Conv2d(3, 5, 3)"
    shape: tuple[int, ...]  # output shape, dummy batch first
    params: int  # trainable numbers the layer owns
    how: str = ""  # how the output size follows from the input size
    params_how: str = ""  # how the parameter count is made up


def trace(model: nn.Sequential, input_shape: tuple[int, ...] = INPUT_SHAPE, batch: int = DUMMY_BATCH) -> list[Row]:
    """Run ``model`` layer by layer on zeros of shape ``(batch, *input_shape)``.

    Returns one ``Row`` for the input and one per layer (nested ``nn.Sequential``
    blocks are opened). A layer that fails raises ``ValueError`` naming the layer,
    its position and the shape it was given.

    >>> for row in trace(nn.Sequential(nn.Conv2d(3, 5, 3), nn.ReLU())):
    ...     print(row.name, row.layer, row.shape, row.params)
    input input (2, 3, 28, 28) 0
    1 Conv2d(3, 5, 3) (2, 5, 26, 26) 140
    2 ReLU() (2, 5, 26, 26) 0
    >>> trace(nn.Sequential(nn.Conv2d(1, 5, 3)))
    Traceback (most recent call last):
    ...
    ValueError: layer 1, Conv2d(1, 5, 3), cannot take an input of shape b × 3 × 28 × 28: ...
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model must be an nn.Sequential, got {type(model).__name__}")
    if (
        not isinstance(input_shape, tuple)
        or not input_shape
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in input_shape)
    ):
        raise ValueError(
            f"input_shape must be a non-empty tuple of positive ints such as (3, 28, 28), got {input_shape!r}"
        )
    positive_int("batch", batch, 1)
    x = torch.zeros(batch, *input_shape)
    rows = [Row("input", "input", tuple(x.shape), 0)]
    with torch.no_grad():
        for name, layer in _leaves(model):
            try:
                y = layer(x)
            except (RuntimeError, ValueError) as exc:
                raise ValueError(
                    f"layer {name}, {describe(layer)}, cannot take an input of shape {format_shape(x.shape)}: {exc}"
                ) from None
            rows.append(
                Row(
                    name,
                    describe(layer),
                    tuple(y.shape),
                    sum(p.numel() for p in layer.parameters()),
                    explain(layer, tuple(x.shape), tuple(y.shape)),
                    explain_params(layer),
                )
            )
            x = y
    return rows


# --8<-- [end:tracer]


def _leaves(model: nn.Sequential, prefix: str = ""):
    for i, child in enumerate(model, start=1):
        name = f"{prefix}{i}"
        if isinstance(child, nn.Sequential):
            yield from _leaves(child, prefix=f"{name}.")
        else:
            yield name, child


def _pair(v) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


def _one(v):
    """A square (v, v) setting as v; anything else as it is."""
    if isinstance(v, (tuple, list)) and len(set(v)) == 1:
        return v[0]
    return v


def describe(layer: nn.Module) -> str:
    """``layer`` as one would write it in PyTorch, with its non-default arguments only.

    >>> describe(nn.Conv2d(3, 5, 3)), describe(nn.Conv2d(3, 5, 3, stride=2, padding=1))
    ('Conv2d(3, 5, 3)', 'Conv2d(3, 5, 3, stride=2, padding=1)')
    >>> describe(nn.MaxPool2d(2)), describe(nn.MaxPool2d(2, ceil_mode=True)), describe(nn.Linear(845, 10))
    ('MaxPool2d(2)', 'MaxPool2d(2, ceil_mode=True)', 'Linear(845, 10)')
    """
    kind = type(layer).__name__
    if isinstance(layer, nn.Conv2d):
        args = [str(layer.in_channels), str(layer.out_channels), str(_one(layer.kernel_size))]
        defaults = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1}
        for key, default in defaults.items():
            value = _one(getattr(layer, key))
            if value != default:
                args.append(f"{key}={value!r}")
        if layer.bias is None:
            args.append("bias=False")
        return f"{kind}({', '.join(args)})"
    if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
        k = _one(layer.kernel_size)
        args = [str(k)]
        if _one(layer.stride) != k:
            args.append(f"stride={_one(layer.stride)}")
        if _one(layer.padding) != 0:
            args.append(f"padding={_one(layer.padding)}")
        if _one(getattr(layer, "dilation", 1)) != 1:
            args.append(f"dilation={_one(layer.dilation)}")
        if layer.ceil_mode:
            args.append("ceil_mode=True")
        return f"{kind}({', '.join(args)})"
    if isinstance(layer, nn.Linear):
        return f"Linear({layer.in_features}, {layer.out_features}{'' if layer.bias is not None else ', bias=False'})"
    if isinstance(layer, nn.Flatten) and (layer.start_dim, layer.end_dim) == (1, -1):
        return "Flatten()"
    return f"{kind}({layer.extra_repr()})"


def _size_formula(h: int, k: int, s: int, p: int, d: int, ceil: bool) -> str:
    kernel = f"{k}" if d == 1 else f"{d}·({k} − 1) − 1"
    lo, hi = ("⌈", "⌉") if ceil else ("⌊", "⌋")
    return f"{lo}({h} + 2·{p} − {kernel}) / {s}{hi} + 1"


def explain(layer: nn.Module, in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> str:
    """How ``layer`` turns ``in_shape`` into ``out_shape``, in one line of arithmetic.

    >>> explain(nn.Conv2d(3, 5, 3), (2, 3, 28, 28), (2, 5, 26, 26))
    '⌊(28 + 2·0 − 3) / 1⌋ + 1 = 26'
    >>> explain(nn.Flatten(), (2, 5, 13, 13), (2, 845))
    '5·13·13 = 845'
    """
    if isinstance(layer, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)) and len(in_shape) == 4:
        conv = isinstance(layer, nn.Conv2d)
        ceil = bool(getattr(layer, "ceil_mode", False))
        parts = []
        for axis, (h, k, s, d) in enumerate(
            zip(in_shape[2:], _pair(layer.kernel_size), _pair(layer.stride), _pair(getattr(layer, "dilation", 1)))
        ):
            if conv and isinstance(layer.padding, str):
                p = "same" if layer.padding == "same" else 0
            else:
                p = _pair(layer.padding)[axis]
            if p == "same":
                text = f"padding='same' keeps {h}"
            else:
                text = f"{_size_formula(h, k, s, p, d, ceil)} = {out_shape[2 + axis]}"
                if ceil and (-(-(h + 2 * p - d * (k - 1) - 1) // s) + 1) != out_shape[2 + axis]:
                    text += " (last window would start in the padding: dropped)"
            parts.append(text)
        return parts[0] if parts[0] == parts[1] else f"H: {parts[0]}; W: {parts[1]}"
    if isinstance(layer, nn.Flatten):
        if len(in_shape) <= 2:
            return "already flat"
        return f"{'·'.join(str(n) for n in in_shape[1:])} = {math.prod(in_shape[1:])}"
    if isinstance(layer, nn.Linear):
        return f"last dimension {in_shape[-1]} → {out_shape[-1]}"
    if tuple(in_shape) == tuple(out_shape):
        return "element-wise: shape unchanged"
    return ""


def explain_params(layer: nn.Module) -> str:
    """How a layer's parameter count is made up (weights + biases).

    >>> explain_params(nn.Conv2d(3, 5, 3)), explain_params(nn.Linear(845, 10)), explain_params(nn.ReLU())
    ('5·3·3·3 + 5', '10·845 + 10', '')
    """
    if isinstance(layer, nn.Conv2d) and layer.groups == 1:
        kh, kw = layer.kernel_size
        w = f"{layer.out_channels}·{layer.in_channels}·{kh}·{kw}"
        return w + (f" + {layer.out_channels}" if layer.bias is not None else "")
    if isinstance(layer, nn.Linear):
        w = f"{layer.out_features}·{layer.in_features}"
        return w + (f" + {layer.out_features}" if layer.bias is not None else "")
    return ""


def format_shape(shape: tuple[int, ...] | torch.Size, batch: str = "b") -> str:
    """A shape with its batch dimension written as ``b``.

    >>> format_shape((2, 5, 26, 26))
    'b × 5 × 26 × 26'
    """
    return " × ".join([batch, *(str(n) for n in tuple(shape)[1:])])


# --8<-- [start:table]
def shape_table(rows: list[Row]) -> str:
    """A traced network as a Markdown table (the chapter's tables are made by this).

    >>> print(shape_table(trace(nn.Sequential(nn.Conv2d(3, 5, 3)))))
    | # | layer | output shape | computed as | parameters |
    |---|---|---|---|---|
    |  | input | b × 3 × 28 × 28 |  |  |
    | 1 | `Conv2d(3, 5, 3)` | b × 5 × 26 × 26 | ⌊(28 + 2·0 − 3) / 1⌋ + 1 = 26 | 140 = 5·3·3·3 + 5 |
    |  | **total** |  |  | **140** |
    """
    lines = ["| # | layer | output shape | computed as | parameters |", "|---|---|---|---|---|"]
    for row in rows:
        if row.name == "input":
            lines.append(f"|  | input | {format_shape(row.shape)} |  |  |")
            continue
        params = f"{row.params:,}" + (f" = {row.params_how}" if row.params_how else "") if row.params else "0"
        lines.append(f"| {row.name} | `{row.layer}` | {format_shape(row.shape)} | {row.how} | {params} |")
    lines.append(f"|  | **total** |  |  | **{sum(r.params for r in rows):,}** |")
    return "\n".join(lines)


# --8<-- [end:table]


# --8<-- [start:reconstruction]
def reconstruction() -> nn.Sequential:
    """The network this book reconstructs for B3 (the exam's diagram is lost).

    Only its first layer, Conv2d(3, 5, 3), is in the surviving text; the rest is
    the smallest classic stack around it: ReLU, 2 × 2 max pooling, a classifier.
    """
    return nn.Sequential(
        nn.Conv2d(3, 5, 3),  # the exam's layer: 3 → 5 channels, 3 × 3 kernel
        nn.ReLU(),
        nn.MaxPool2d(2),  # stride defaults to the kernel size: halves H and W
        nn.Flatten(),  # b × C × H × W → b × (C·H·W)
        nn.Linear(5 * 13 * 13, 10),  # in_features must equal C·H·W
    )


# --8<-- [end:reconstruction]


# --8<-- [start:variants]
def _head(features: int) -> list[nn.Module]:
    return [nn.Flatten(), nn.Linear(features, 10)]


#: Common variants of the reconstruction: (what changes, the network).
VARIANTS: dict[str, tuple[str, Callable[[], nn.Sequential]]] = {
    "padding1": (
        'Padding 1 keeps 28 × 28 ("same" for a 3 × 3 kernel)',
        lambda: nn.Sequential(nn.Conv2d(3, 5, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), *_head(5 * 14 * 14)),
    ),
    "stride2": (
        "Stride 2: the floor acts twice",
        lambda: nn.Sequential(nn.Conv2d(3, 5, 3, stride=2), nn.ReLU(), nn.MaxPool2d(2), *_head(5 * 6 * 6)),
    ),
    "two_blocks": (
        "A second conv block: the odd 11 is floored to 5",
        lambda: nn.Sequential(
            nn.Conv2d(3, 5, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(5, 10, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            *_head(10 * 5 * 5),
        ),
    ),
    "ceil_mode": (
        "The same with ceil_mode=True: 11 rounds up to 6",
        lambda: nn.Sequential(
            nn.Conv2d(3, 5, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(5, 10, 3),
            nn.ReLU(),
            nn.MaxPool2d(2, ceil_mode=True),
            *_head(10 * 6 * 6),
        ),
    ),
    "lenet5": (
        "LeNet-5's sizes, simplified (padding=2 makes 28 × 28 act as 32 × 32)",
        lambda: nn.Sequential(
            nn.Conv2d(3, 6, 5, padding=2),
            nn.ReLU(),
            nn.AvgPool2d(2),
            nn.Conv2d(6, 16, 5),
            nn.ReLU(),
            nn.AvgPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, 10),
        ),
    ),
}

#: The captions of VARIANTS in the Hebrew edition (facts ``caption_<name>_he``); a
#: test checks that each says the same numbers as its English caption.
CAPTIONS_HE: dict[str, str] = {
    "padding1": 'ריפוד 1 שומר על 28 × 28 ("same" עבור kernel של 3 × 3)',
    "stride2": "צעד 2: העיגול כלפי מטה פועל פעמיים",
    "two_blocks": "בלוק קונבולוציה שני: ה־11 האי־זוגי מעוגל כלפי מטה ל־5",
    "ceil_mode": "אותו דבר עם ceil_mode=True: ה־11 מעוגל כלפי מעלה ל־6",
    "lenet5": "הגדלים של LeNet-5, בפישוט (padding=2 גורם ל־28 × 28 להתנהג כמו 32 × 32)",
}
# --8<-- [end:variants]


def networks() -> dict[str, nn.Sequential]:
    """Every network the chapter traces, by name: the reconstruction first, then the variants.

    >>> list(networks())
    ['reconstruction', 'padding1', 'stride2', 'two_blocks', 'ceil_mode', 'lenet5']
    """
    return {"reconstruction": reconstruction(), **{name: build() for name, (_, build) in VARIANTS.items()}}


def figure_reconstruction(lang: str = "en"):
    """The reconstructed network drawn as the diagram the exam lost: one box per tensor.

    Box heights follow the spatial size H; a flat vector is a bar whose length
    follows the square root of its size. Each box is labelled with its traced shape.
    Returns the matplotlib figure (``python -m snippets.figures b3`` saves it).
    """
    from matplotlib.patches import FancyArrowPatch, Rectangle

    from snippets.plotting import Labels

    t = Labels(lang)
    rows = trace(reconstruction())
    fig, ax = new_figure(7.2, 3.0)
    ax.set_axis_off()
    x, gap, width = 0.0, 0.55, 0.8
    colours = {
        "input": PALETTE[6],
        "Conv2d": PALETTE[0],
        "ReLU": PALETTE[2],
        "MaxPool2d": PALETTE[1],
        "Flatten": PALETTE[3],
        "Linear": PALETTE[4],
    }
    scale = 2.0 / 28
    for i, row in enumerate(rows):
        kind = "input" if row.name == "input" else row.layer.split("(")[0]
        image = len(row.shape) == 4
        height = row.shape[2] * scale if image else math.sqrt(row.shape[-1]) * scale
        w = width if image else width / 3
        ax.add_patch(
            Rectangle(
                (x + (width - w) / 2, -height / 2),
                w,
                height,
                facecolor=colours[kind],
                alpha=0.25,
                edgecolor=colours[kind],
                linewidth=1.5,
            )
        )
        label = t("input", "קלט") if kind == "input" else row.layer
        font = "monospace" if label.isascii() else "sans-serif"  # DejaVu Sans Mono has no Hebrew letters
        ax.text(x + width / 2, 1.28, label, ha="center", va="bottom", fontsize=7.5, family=font)
        ax.text(x + width / 2, -1.25, format_shape(row.shape).replace(" × ", "×"), ha="center", va="top", fontsize=8)
        if i:
            ax.add_patch(
                FancyArrowPatch(
                    (x - gap + 0.05, 0), (x - 0.05, 0), arrowstyle="-|>", mutation_scale=10, color="#333333"
                )
            )
        x += width + gap
    ax.set_xlim(-0.1, x - gap + 0.1)
    ax.set_ylim(-1.6, 1.6)
    ax.set_title(
        t(
            "B3 · a reconstruction, not the exam's diagram (box height ∝ H, bar length ∝ √features)",
            "B3 · שחזור, לא התרשים של המבחן (גובה התיבה ∝ H, אורך המוט ∝ √features)",
        ),
        fontsize=9.5,
    )
    return fig


def _shapes(rows: list[Row]) -> list[str]:
    return [format_shape(r.shape) for r in rows]


def facts() -> dict[str, object]:
    """The numbers and tables chapter B3 prints, traced through real PyTorch layers.

    The wrong answers of the chapter's table are computed the wrong way on purpose.
    """
    return dict(_facts())


@functools.lru_cache(maxsize=1)
def _facts() -> dict[str, object]:
    rows = trace(reconstruction())
    by_name = {r.layer.split("(")[0]: r for r in rows[1:]}
    conv, pool, flat, linear = by_name["Conv2d"], by_name["MaxPool2d"], by_name["Flatten"], by_name["Linear"]
    h_conv, h_pool = conv.shape[2], pool.shape[2]
    c = conv.shape[1]
    same = trace(VARIANTS["padding1"][1]())
    stride2 = trace(VARIANTS["stride2"][1]())
    two = trace(VARIANTS["two_blocks"][1]())
    ceil = trace(VARIANTS["ceil_mode"][1]())
    net = reconstruction()
    out = {
        "pool_stride": net[2].stride,  # MaxPool2d(2): stride = kernel
        "conv_shrink": net[0].kernel_size[0] - 1,  # a 3 × 3 kernel without padding
        "variant_stride": VARIANTS["stride2"][1]()[0].stride[0],  # the stride=2 variant's convolution
        "input_shape": format_shape(rows[0].shape),
        "conv_shape": format_shape(conv.shape),
        "pool_shape": format_shape(pool.shape),
        "flat_shape": format_shape(flat.shape),
        "out_shape": format_shape(linear.shape),
        "channels_last": " × ".join(["b", str(h_conv), str(h_conv), str(c)]),
        "no_batch": " × ".join(str(n) for n in conv.shape[1:]),
        "conv_hw": h_conv,
        "pool_hw": h_pool,
        "conv_channels": c,
        "flat": flat.shape[1],
        "conv_params": conv.params,
        "linear_params": linear.params,
        "total_params": sum(r.params for r in rows),
        "missing_channels": h_pool * h_pool,
        "missing_height": c * h_pool,
        "same_hw": same[1].shape[2],
        "same_pool_hw": same[3].shape[2],
        "same_flat": same[4].shape[1],
        "stride2_conv_hw": stride2[1].shape[2],
        "stride2_pool_hw": stride2[3].shape[2],
        "stride2_no_floor": f"{(28 - 3) / 2 + 1:g}",
        "stride2_flat": stride2[4].shape[1],
        "two_blocks_conv2_hw": two[4].shape[2],
        "two_blocks_pool2_hw": two[6].shape[2],
        "two_blocks_flat": two[7].shape[1],
        "ceil_pool2_hw": ceil[6].shape[2],
        "ceil_flat": ceil[7].shape[1],
        "answer_chain": " → ".join(_shapes(rows)),
        "forgot_plus_one": 28 - 3,
        "pool_stride1_hw": pool_output_size(h_conv, 2, stride=1),
        "ceil_example_naive": -(-(5 + 2 * 1 - 2) // 2) + 1,
        "ceil_example": pool_output_size(5, 2, padding=1, ceil_mode=True),
        "table_reconstruction": shape_table(rows),
    }
    for name, (_, build) in VARIANTS.items():
        out[f"table_{name}"] = shape_table(trace(build()))
        out[f"caption_{name}"] = VARIANTS[name][0]
        out[f"caption_{name}_he"] = CAPTIONS_HE[name]
    return out
