"""B3 — what the page's shape calculator must answer, asked of PyTorch itself.

The calculator on chapter B3's page is plain JavaScript
(``docs/assets/javascripts/shape-calculator.js``). This module writes its test
vectors with real ``torch.nn`` layers: a grid of single-layer configurations and
random stacks, each run on a dummy batch, recording every output shape and
parameter count, or that PyTorch raised. tests/test_b3_shape_calculator.py feeds
the same configurations to the JavaScript (in node) and compares.

A configuration uses the calculator's own field names::

    {"input": {"channels": 3, "height": 28, "width": 28},
     "layers": [{"type": "Conv2d", "in_channels": 3, "out_channels": 5, "kernel_size": 3, ...}]}
"""

from __future__ import annotations

import itertools
import random
import warnings

import torch
from torch import nn

from snippets.b3_shape_tracer import DUMMY_BATCH
from snippets.training import torch_threads

#: Every layer type the calculator offers, with its fields (the JavaScript's LAYER_TYPES).
FIELDS = {
    "Conv2d": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "bias"),
    "MaxPool2d": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "AvgPool2d": ("kernel_size", "stride", "padding", "ceil_mode"),
    "ReLU": (),
    "Flatten": (),
    "Linear": ("in_features", "out_features", "bias"),
}


# --8<-- [start:build]
def build_layer(spec: dict) -> nn.Module:
    """The ``torch.nn`` layer a calculator layer stands for.

    A pooling ``stride`` of ``None`` means PyTorch's default (the kernel size).

    >>> build_layer({"type": "Conv2d", "in_channels": 3, "out_channels": 5, "kernel_size": 3,
    ...              "stride": 1, "padding": 0, "dilation": 1, "bias": True})
    Conv2d(3, 5, kernel_size=(3, 3), stride=(1, 1))
    >>> build_layer({"type": "MaxPool2d", "kernel_size": 2, "stride": None, "padding": 0,
    ...              "dilation": 1, "ceil_mode": False})
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    >>> build_layer({"type": "Dropout"})
    Traceback (most recent call last):
    ...
    ValueError: unknown layer type 'Dropout'; the calculator has Conv2d, MaxPool2d, AvgPool2d, ReLU, Flatten, Linear
    """
    kind = spec.get("type")
    if kind not in FIELDS:
        raise ValueError(f"unknown layer type {kind!r}; the calculator has {', '.join(FIELDS)}")
    args = {name: spec[name] for name in FIELDS[kind]}
    if kind == "Linear":
        return nn.Linear(args["in_features"], args["out_features"], bias=args["bias"])
    return getattr(nn, kind)(**args)


def torch_outcome(config: dict, batch: int = DUMMY_BATCH) -> list[dict]:
    """Run a configuration through real PyTorch layers, one layer at a time.

    Each layer gives ``{"shape": [...], "params": n}``, with the batch written
    ``"b"``, or ``{"error": "..."}`` when PyTorch raises (building the layer or
    running it); the layers after an error are not run.

    >>> config = {"input": {"channels": 3, "height": 28, "width": 28},
    ...           "layers": [{"type": "MaxPool2d", "kernel_size": 2, "stride": None, "padding": 0,
    ...                       "dilation": 1, "ceil_mode": False}, {"type": "Linear", "in_features": 5,
    ...                       "out_features": 2, "bias": True}, {"type": "ReLU"}]}
    >>> torch_outcome(config)  # doctest: +NORMALIZE_WHITESPACE
    [{'shape': ['b', 3, 14, 14], 'params': 0},
     {'error': 'RuntimeError: mat1 and mat2 shapes cannot be multiplied (84x14 and 5x2)'}]
    """
    size = config["input"]
    x = torch.zeros(batch, size["channels"], size["height"], size["width"])
    out = []
    with torch_threads(1), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. "Initializing zero-element tensors is a no-op"
        for spec in config["layers"]:
            try:
                layer = build_layer(spec)
                x = layer(x)
            except (RuntimeError, ValueError, TypeError, IndexError) as exc:
                out.append({"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"})
                break
            assert x.shape[0] == batch, "no layer here may touch the batch dimension"
            out.append({"shape": ["b", *x.shape[1:]], "params": sum(p.numel() for p in layer.parameters())})
    return out


# --8<-- [end:build]


# --8<-- [start:grid]
#: Heights tried; each is paired with a different width, so H and W are never mixed up.
SIZES = (1, 2, 3, 4, 5, 7, 28)


def _image(h: int, channels: int = 2) -> dict:
    w = SIZES[(SIZES.index(h) + 1) % len(SIZES)]
    return {"channels": channels, "height": h, "width": w}


def _conv(k, s, p, d, bias=True) -> dict:
    return {
        "type": "Conv2d",
        "in_channels": 2,
        "out_channels": 3,
        "kernel_size": k,
        "stride": s,
        "padding": p,
        "dilation": d,
        "bias": bias,
    }


def _pool(kind, k, s, p, d, ceil) -> dict:
    layer = {"type": kind, "kernel_size": k, "stride": s, "padding": p, "ceil_mode": ceil}
    if kind == "MaxPool2d":
        layer["dilation"] = d
    return layer


def layer_grid() -> list[dict]:
    """Single-layer configurations: every combination of small arguments, then bad values.

    Kernels larger than the (padded) input, pooling padding above half the
    kernel, strided ``padding="same"``, a zero or negative argument: PyTorch
    raises on these, and the calculator must show an error for each.

    >>> grid = layer_grid()
    >>> len(grid), sorted({c["layers"][0]["type"] for c in grid})
    (2874, ['AvgPool2d', 'Conv2d', 'MaxPool2d'])
    """
    grid = []
    for h, k, s, p, d in itertools.product(SIZES, (1, 2, 3, 5), (1, 2, 3), (0, 1, 2, "same", "valid"), (1, 2)):
        grid.append({"input": _image(h), "layers": [_conv(k, s, p, d, bias=(k + s) % 2 == 0)]})
    for kind in ("MaxPool2d", "AvgPool2d"):
        dilations = (1, 2) if kind == "MaxPool2d" else (1,)
        for h, k, s, p, d, ceil in itertools.product(
            SIZES, (1, 2, 3, 4), (None, 1, 2, 3), (0, 1, 2), dilations, (False, True)
        ):
            grid.append({"input": _image(h), "layers": [_pool(kind, k, s, p, d, ceil)]})
    bad = [
        _conv(0, 1, 0, 1),
        _conv(-1, 1, 0, 1),
        _conv(3, 0, 0, 1),
        _conv(3, -2, 0, 1),
        _conv(3, 1, -1, 1),
        _conv(3, 1, 0, 0),
        _conv(3, 1, 0, -1),
    ]
    for kind in ("MaxPool2d", "AvgPool2d"):
        bad += [
            _pool(kind, 0, None, 0, 1, False),
            _pool(kind, -2, None, 0, 1, False),
            _pool(kind, 2, 0, 0, 1, False),
            _pool(kind, 2, -1, 0, 1, True),
            _pool(kind, 2, None, -1, 1, False),
        ]
    bad.append(_pool("MaxPool2d", 2, None, 0, 0, False))
    grid += [{"input": _image(7), "layers": [layer]} for layer in bad]
    return grid


def random_stacks(n: int = 200, seed: int = 0, keep_error: float = 0.15) -> list[dict]:
    """Random networks of 2 to 7 layers, drawn so that most are valid in PyTorch.

    Each layer's arguments are drawn at random and tried on the tensor so far;
    a draw PyTorch rejects is kept with probability ``keep_error`` (the stack
    then ends there), otherwise drawn again. Now and then a Conv2d's
    ``in_channels`` or a Linear's ``in_features`` is off by one.

    >>> stacks = random_stacks(4)
    >>> [[layer["type"] for layer in s["layers"]] for s in stacks][0]
    ['Conv2d', 'Conv2d', 'ReLU', 'Linear', 'Flatten']
    """
    rng = random.Random(seed)
    stacks = []
    with torch_threads(1), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(n):
            size = {"channels": rng.randint(1, 4), "height": rng.randint(4, 32), "width": rng.randint(4, 32)}
            x = torch.zeros(DUMMY_BATCH, size["channels"], size["height"], size["width"])
            layers = []
            for _ in range(rng.randint(2, 7)):
                for attempt in range(20):
                    layer = _draw(rng, tuple(x.shape))
                    try:
                        y = build_layer(layer)(x)
                    except (RuntimeError, ValueError, TypeError, IndexError):
                        if rng.random() < keep_error or attempt == 19:
                            y = None
                            break
                        continue
                    break
                layers.append(layer)
                if y is None:
                    break
                x = y
            stacks.append({"input": size, "layers": layers})
    return stacks


def _draw(rng: random.Random, shape: tuple[int, ...]) -> dict:
    image = len(shape) == 4
    kinds = (
        ["Conv2d", "Conv2d", "MaxPool2d", "AvgPool2d", "ReLU", "Flatten", "Linear"]
        if image
        else ["ReLU", "Linear", "Linear", "Flatten", "Conv2d", "MaxPool2d"]
    )
    kind = rng.choice(kinds)
    off = int(rng.random() < 0.08)
    if kind == "Conv2d":
        return {
            "type": kind,
            "in_channels": (shape[1] if image else 3) + off,
            "out_channels": rng.randint(1, 6),
            "kernel_size": rng.randint(1, 5),
            "stride": rng.randint(1, 3),
            "padding": rng.choice([0, 1, 2, "same", "valid"]),
            "dilation": rng.randint(1, 2),
            "bias": rng.random() < 0.8,
        }
    if kind in ("MaxPool2d", "AvgPool2d"):
        k = rng.randint(1, 4)
        return _pool(
            kind, k, rng.choice([None, 1, 2, 3]), rng.randint(0, k // 2), rng.randint(1, 2), rng.random() < 0.3
        )
    if kind == "Linear":
        return {
            "type": kind,
            "in_features": shape[-1] + off,
            "out_features": rng.randint(1, 12),
            "bias": rng.random() < 0.8,
        }
    return {"type": kind}


# --8<-- [end:grid]


def as_typed(config: dict) -> dict:
    """The configuration as a reader types it into the page: every field a string.

    ``None`` (a pooling stride left at its default) becomes an empty field;
    booleans (checkboxes) stay booleans.

    >>> as_typed({"input": {"channels": 3, "height": 28, "width": 28},
    ...           "layers": [{"type": "MaxPool2d", "kernel_size": 2, "stride": None, "ceil_mode": True}]})
    {'input': {'channels': '3', 'height': '28', 'width': '28'}, 'layers': [{'type': 'MaxPool2d', 'kernel_size': '2', 'stride': '', 'ceil_mode': True}]}
    """

    def field(v):
        if isinstance(v, bool):
            return v
        return "" if v is None else str(v)

    return {
        "input": {k: field(v) for k, v in config["input"].items()},
        "layers": [{k: (v if k == "type" else field(v)) for k, v in layer.items()} for layer in config["layers"]],
    }


def spec_of(layer: nn.Module) -> dict:
    """A ``torch.nn`` layer as a calculator layer (square kernels, as the calculator has them).

    >>> spec_of(nn.MaxPool2d(2, ceil_mode=True))
    {'type': 'MaxPool2d', 'kernel_size': 2, 'stride': None, 'padding': 0, 'dilation': 1, 'ceil_mode': True}
    """
    kind = type(layer).__name__
    if kind not in FIELDS:
        raise ValueError(f"the calculator has no {kind}")
    spec = {"type": kind}
    for name in FIELDS[kind]:
        value = getattr(layer, name)
        if name == "bias":
            value = value is not None
        elif isinstance(value, tuple):
            if len(set(value)) != 1:
                raise ValueError(f"{kind}.{name} = {value}: the calculator takes square sizes only")
            value = value[0]
        spec[name] = value
    if kind in ("MaxPool2d", "AvgPool2d") and spec["stride"] == spec["kernel_size"]:
        spec["stride"] = None  # PyTorch's default, which the calculator shows as an empty field
    return spec


def experiment_vectors() -> dict:
    """Count the test vectors and how many of them PyTorch rejects (``python -m snippets.results b3``).

    The page prints these counts; tests/test_b3_shape_calculator.py recomputes them
    while it checks the calculator against every vector.
    """
    return count_vectors([torch_outcome(c) for c in layer_grid()], [torch_outcome(c) for c in random_stacks()])


def count_vectors(grid: list[list[dict]], stacks: list[list[dict]]) -> dict:
    """The counts the page prints, from PyTorch's outcomes on the grid and on the random stacks.

    >>> count_vectors([[{"error": "x"}], [{"shape": ["b", 1], "params": 0}]], [[{"shape": ["b", 2], "params": 3}]])
    {'n_grid': 2, 'n_grid_rejected': 1, 'n_stacks': 1, 'n_stacks_rejected': 0, 'n_stack_layers': 1}
    """
    return {
        "n_grid": len(grid),
        "n_grid_rejected": sum("error" in o[-1] for o in grid),
        "n_stacks": len(stacks),
        "n_stacks_rejected": sum("error" in o[-1] for o in stacks),
        "n_stack_layers": sum(len(o) for o in stacks),
    }


def facts() -> dict[str, object]:
    """The counts chapter B3 prints about the calculator's check, from the committed results file."""
    from snippets.results import load

    data = load("b3_shape_calculator", "vectors")["data"]
    return {
        **data,
        "n_grid_accepted": data["n_grid"] - data["n_grid_rejected"],
        "n_vectors": data["n_grid"] + data["n_stacks"],
    }
