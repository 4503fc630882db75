"""Chapter B3: the output-size formulas, the tracer and the chapter's tables, checked against PyTorch."""

from __future__ import annotations

import re
import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from conftest import DOCS
from snippets.b3_shape_tracer import (
    VARIANTS,
    conv_output_size,
    describe,
    facts,
    figure_reconstruction,
    format_shape,
    networks,
    pool_output_size,
    reconstruction,
    shape_table,
    trace,
)

PAGE = DOCS / "chapters" / "b3-cnn-shapes.md"


def test_the_exam_answer_for_the_reconstruction():
    rows = trace(reconstruction())
    assert [r.shape for r in rows] == [
        (2, 3, 28, 28),
        (2, 5, 26, 26),
        (2, 5, 26, 26),
        (2, 5, 13, 13),
        (2, 845),
        (2, 10),
    ]
    assert [r.layer for r in rows[1:]] == ["Conv2d(3, 5, 3)", "ReLU()", "MaxPool2d(2)", "Flatten()", "Linear(845, 10)"]
    assert [r.params for r in rows] == [0, 5 * 3 * 3 * 3 + 5, 0, 0, 0, 845 * 10 + 10]
    f = facts()
    assert (
        f["answer_chain"] == "b × 3 × 28 × 28 → b × 5 × 26 × 26 → b × 5 × 26 × 26 → b × 5 × 13 × 13 → b × 845 → b × 10"
    )
    assert f["total_params"] == sum(p.numel() for p in reconstruction().parameters())


def test_the_batch_dimension_is_kept_for_any_batch_size():
    for batch in (1, 3, 64):
        rows = trace(reconstruction(), batch=batch)
        assert all(r.shape[0] == batch for r in rows)
        assert rows[-1].shape == (batch, 10)


@settings(max_examples=120, deadline=None)
@given(h=st.integers(1, 40), k=st.integers(1, 7), s=st.integers(1, 4), p=st.integers(0, 4), d=st.integers(1, 3))
def test_conv_formula_matches_torch(h, k, s, p, d):
    try:  # the functional form: the same shape rules as nn.Conv2d, without initialising weights
        expected = F.conv2d(torch.zeros(1, 1, h, h), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d).shape[-1]
    except RuntimeError:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv_output_size(h, k, s, p, d)
        return
    assert conv_output_size(h, k, s, p, d) == expected


@settings(max_examples=120, deadline=None)
@given(
    h=st.integers(1, 40),
    k=st.integers(1, 6),
    s=st.one_of(st.none(), st.integers(1, 4)),
    p=st.integers(0, 3),
    d=st.integers(1, 3),
    ceil=st.booleans(),
    kind=st.sampled_from(["max", "avg"]),
)
def test_pool_formula_matches_torch(h, k, s, p, d, ceil, kind):
    if kind == "avg":
        d = 1
        layer = nn.AvgPool2d(k, stride=s, padding=p, ceil_mode=ceil)
    else:
        layer = nn.MaxPool2d(k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
    try:
        expected = layer(torch.zeros(1, 1, h, h)).shape[-1]
    except RuntimeError:
        with pytest.raises(ValueError):
            pool_output_size(h, k, s, p, d, ceil)
        return
    assert pool_output_size(h, k, s, p, d, ceil) == expected


def test_ceil_mode_drops_a_window_that_would_start_in_the_right_padding():
    naive = -(-(5 + 2 - 2) // 2) + 1
    real = nn.MaxPool2d(2, padding=1, ceil_mode=True)(torch.zeros(1, 1, 5, 5)).shape[-1]
    assert (naive, real) == (4, 3) == (facts()["ceil_example_naive"], facts()["ceil_example"])
    assert pool_output_size(5, 2, padding=1, ceil_mode=True) == real


def test_pytorch_defaults_the_page_states():
    conv, pool, avg = nn.Conv2d(3, 5, 3), nn.MaxPool2d(2), nn.AvgPool2d(3)
    assert (conv.stride, conv.padding, conv.dilation) == ((1, 1), (0, 0), (1, 1))
    assert (pool.stride, pool.padding, pool.dilation, pool.ceil_mode) == (2, 0, 1, False)
    assert (avg.stride, avg.padding, avg.ceil_mode) == (3, 0, False)
    assert (nn.Flatten().start_dim, nn.Flatten().end_dim) == (1, -1)
    with pytest.raises(ValueError, match="strided"):
        nn.Conv2d(3, 5, 3, stride=2, padding="same")
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        nn.MaxPool2d(3, padding=2)(torch.zeros(1, 1, 9, 9))


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (dict(size=0, kernel_size=3), ValueError, "size must be at least 1"),
        (dict(size=28, kernel_size=0), ValueError, "kernel_size must be at least 1"),
        (dict(size=28, kernel_size=3, stride=0), ValueError, "stride must be at least 1"),
        (dict(size=28, kernel_size=3, padding=-1), ValueError, "padding must be at least 0"),
        (dict(size=28.0, kernel_size=3), TypeError, "size must be an int"),
        (dict(size=28, kernel_size="3"), TypeError, "kernel_size must be an int"),
        (dict(size=28, kernel_size=True), TypeError, "kernel_size must be an int"),
    ],
)
def test_formulas_reject_bad_arguments_clearly(bad, error, match):
    with pytest.raises(error, match=match):
        conv_output_size(**bad)
    with pytest.raises(error, match=match):
        pool_output_size(**bad)


def test_tracer_rejects_bad_input_clearly():
    with pytest.raises(TypeError, match="nn.Sequential"):
        trace(nn.Conv2d(3, 5, 3))
    for bad in [(3, 0, 28), [3, 28, 28], (3, 28.0, 28), (), (3, True, 28)]:
        with pytest.raises(ValueError, match="input_shape must be"):
            trace(reconstruction(), bad)
    with pytest.raises(ValueError, match="batch must be at least 1"):
        trace(reconstruction(), batch=0)


def test_tracer_names_the_failing_layer_and_its_input():
    wrong = nn.Sequential(nn.Conv2d(3, 5, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(13 * 13, 10))
    with pytest.raises(ValueError, match=r"layer 5, Linear\(169, 10\), cannot take an input of shape b × 845"):
        trace(wrong)
    with pytest.raises(ValueError, match=r"layer 1, Conv2d\(1, 5, 3\).*b × 3 × 28 × 28"):
        trace(nn.Sequential(nn.Conv2d(1, 5, 3)))


def test_tracer_opens_nested_blocks():
    block = nn.Sequential(nn.Conv2d(5, 8, 3, padding=1), nn.ReLU())
    rows = trace(nn.Sequential(nn.Conv2d(3, 5, 3), block, nn.Flatten()))
    assert [r.name for r in rows] == ["input", "1", "2.1", "2.2", "3"]
    assert rows[2].shape == (2, 8, 26, 26)


def test_tracer_matches_a_forward_pass_of_the_whole_network():
    for name, model in networks().items():
        with torch.no_grad():
            out = model(torch.zeros(4, 3, 28, 28))
        rows = trace(model, batch=4)
        assert rows[-1].shape == tuple(out.shape) == (4, 10), name
        assert sum(r.params for r in rows) == sum(p.numel() for p in model.parameters()), name


def test_every_linear_matches_the_flatten_before_it():
    checked = 0
    for name, model in networks().items():
        rows = trace(model)
        for before, row in zip(rows, rows[1:]):
            if row.layer.startswith("Linear") and before.layer == "Flatten()":
                c_h_w = before.shape[1]
                assert row.layer.startswith(f"Linear({c_h_w},"), (name, row.layer, c_h_w)
                checked += 1
    assert checked >= len(networks()), "every network of the page has a Flatten then a Linear to check"


def test_variant_shapes_the_page_names():
    f = facts()
    assert (f["same_hw"], f["same_pool_hw"], f["same_flat"]) == (28, 14, 980)
    assert (f["stride2_conv_hw"], f["stride2_pool_hw"], f["stride2_flat"]) == (13, 6, 180)
    assert (f["two_blocks_conv2_hw"], f["two_blocks_pool2_hw"], f["two_blocks_flat"]) == (11, 5, 250)
    assert (f["ceil_pool2_hw"], f["ceil_flat"]) == (6, 360)
    assert trace(VARIANTS["lenet5"][1]())[7].shape == (2, 400)  # LeNet-5's S4: 16 @ 5 × 5


def test_wrong_answers_are_really_wrong():
    f = facts()
    assert f["stride2_no_floor"] == "13.5"  # not a whole number: the floor is missing
    assert f["channels_last"] == "b × 26 × 26 × 5" and f["no_batch"] == "5 × 26 × 26"
    for features in (f["missing_channels"], f["missing_height"]):
        model = nn.Sequential(nn.Conv2d(3, 5, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(features, 10))
        with pytest.raises(ValueError, match="layer 5"):
            trace(model)
    assert f["pool_stride1_hw"] == nn.MaxPool2d(2, stride=1)(torch.zeros(1, 1, 26, 26)).shape[-1] == 25
    assert f["forgot_plus_one"] != f["conv_hw"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same = nn.Conv2d(3, 5, 3, padding="same")(torch.zeros(1, 3, 28, 28)).shape[-1]
    assert same == f["same_hw"] != f["conv_hw"]


def test_describe_writes_layers_as_pytorch_code():
    assert describe(nn.Conv2d(3, 5, 3, dilation=2, bias=False)) == "Conv2d(3, 5, 3, dilation=2, bias=False)"
    assert describe(nn.Conv2d(3, 5, 3, padding="same")) == "Conv2d(3, 5, 3, padding='same')"
    assert describe(nn.AvgPool2d(3, stride=1, padding=1)) == "AvgPool2d(3, stride=1, padding=1)"
    assert describe(nn.Tanh()) == "Tanh()"
    assert format_shape((7, 10)) == "b × 10"


def test_the_page_shows_the_traced_tables():
    """The tables are facts rendered at build time; the page must use every one of them."""
    text = PAGE.read_text(encoding="utf-8")
    for name in ["reconstruction", *VARIANTS]:
        assert f"{{{{ b3_shape_tracer.table_{name} }}}}" in text, name
    assert facts()["table_reconstruction"] == shape_table(trace(reconstruction()))
    table = facts()["table_reconstruction"].splitlines()
    assert table[3] == "| 1 | `Conv2d(3, 5, 3)` | b × 5 × 26 × 26 | ⌊(28 + 2·0 − 3) / 1⌋ + 1 = 26 | 140 = 5·3·3·3 + 5 |"
    assert table[-1] == "|  | **total** |  |  | **8,600** |"


def test_the_page_labels_the_reconstruction_as_an_assumption():
    text = PAGE.read_text(encoding="utf-8")
    assert "The diagram is lost" in text
    assert "a reconstruction, not the exam's diagram" in text.lower() or "not the exam's diagram" in text
    answer = re.search(r'!!! exam "([^"]*)"\n((?:    .*\n)+)', text)
    assert answer and "reconstruct" in answer[1]
    assert len(answer[2].strip().splitlines()) <= 5


def test_figure_draws():
    fig = figure_reconstruction()
    ax = fig.axes[0]
    assert len(ax.patches) >= 2 * len(trace(reconstruction())) - 1
    labels = {t.get_text() for t in ax.texts}
    assert {"b×3×28×28", "b×5×26×26", "b×5×13×13", "b×845", "b×10"} <= labels


def test_non_square_arguments_and_lazy_linear():
    """Going further: per-axis arguments follow the formula per axis; LazyLinear counts its own in_features."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lazy modules announce themselves
        model = nn.Sequential(nn.Conv2d(3, 5, (3, 5), stride=(1, 2)), nn.Flatten(), nn.LazyLinear(10))
        rows = trace(model)
    assert rows[1].shape == (2, 5, 26, 12)
    assert rows[1].how == "H: ⌊(28 + 2·0 − 3) / 1⌋ + 1 = 26; W: ⌊(28 + 2·0 − 5) / 2⌋ + 1 = 12"
    assert describe(model[0]) == "Conv2d(3, 5, (3, 5), stride=(1, 2))"
    assert model[2].in_features == 5 * 26 * 12 and rows[-1].shape == (2, 10)


def test_hebrew_captions_say_the_same_numbers():
    """The Hebrew edition's captions (facts caption_<name>_he) state the same numbers as the English ones."""
    import re

    from snippets.b3_shape_tracer import CAPTIONS_HE, VARIANTS

    assert set(CAPTIONS_HE) == set(VARIANTS)
    for name, (english, _) in VARIANTS.items():
        assert sorted(re.findall(r"\d+", english)) == sorted(re.findall(r"\d+", CAPTIONS_HE[name])), name
