"""Chapter B3's shape calculator: its JavaScript against real PyTorch (in node), and the page in Chromium.

The arithmetic (docs/assets/javascripts/shape-calculator.js) is run in node on
every configuration of ``snippets.b3_shape_calculator`` and must agree with
what ``torch.nn`` does: the same shape and parameter count after every layer,
and an error at exactly the layer where PyTorch raises. The browser tests type
into the page's calculator and read the shapes back.

node is required (it is one of the book's two prerequisites); without it these
tests are skipped with the reason, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import json
import warnings

import pytest
import torch
from node_tools import require_node, run_node
from torch import nn

from browser_tools import click_nav, goto, reuse_tab, watch
from conftest import DOCS
from snippets.b3_shape_calculator import (
    FIELDS,
    as_typed,
    build_layer,
    count_vectors,
    facts,
    layer_grid,
    random_stacks,
    spec_of,
    torch_outcome,
)
from snippets.b3_shape_tracer import _leaves, format_shape, networks, trace
from snippets.results import load

CALC_JS = DOCS / "assets" / "javascripts" / "shape-calculator.js"

# Reads {"configs": [...]} on stdin; writes the calculator's results, presets and layer types.
RUNNER = """
const calc = require(process.argv[1]);
let data = "";
process.stdin.on("data", (chunk) => { data += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(data);
  const results = request.configs.map((c) => calc.compute(c));
  process.stdout.write(JSON.stringify({ results, presets: calc.PRESETS, types: calc.LAYER_TYPES }));
});
"""


@pytest.fixture(scope="session")
def js():
    """A function that runs configurations through the calculator's JavaScript in node."""
    require_node()

    def run(configs: list[dict]) -> dict:
        return run_node(RUNNER, [str(CALC_JS)], {"configs": configs})

    return run


def disagreement(config: dict, expected: list[dict], got: dict) -> str | None:
    """Why the calculator's answer differs from PyTorch's, or None when they agree."""
    if not got["input"]["ok"]:
        return f"input rejected: {got['input']}"
    rows = got["rows"]
    if len(rows) != len(config["layers"]):
        return f"{len(rows)} rows for {len(config['layers'])} layers"
    for i, want in enumerate(expected):
        row = rows[i]
        if "error" in want:
            if row["ok"] or row.get("skipped") or not row.get("error"):
                return f"layer {i + 1}: PyTorch raised ({want['error']}) but the calculator gives {row}"
            if not all(r.get("skipped") for r in rows[i + 1 :]):
                return f"layers after the error at {i + 1} were computed"
            return None
        if not row["ok"]:
            return f"layer {i + 1}: PyTorch gives {want} but the calculator says {row}"
        if row["shape"] != want["shape"] or row["params"] != want["params"]:
            return f"layer {i + 1}: PyTorch {want['shape']} ({want['params']}), calculator {row['shape']} ({row['params']})"
    if got["output"] != expected[-1]["shape"] or got["total"] != sum(r["params"] for r in expected):
        return f"output {got['output']} / total {got['total']}"
    return None


@pytest.fixture(scope="module")
def vectors() -> dict[str, tuple[list[dict], list[list[dict]]]]:
    """The test vectors and PyTorch's outcome on each, computed once for this file."""
    grid, stacks = layer_grid(), random_stacks()
    return {"grid": (grid, [torch_outcome(c) for c in grid]), "stacks": (stacks, [torch_outcome(c) for c in stacks])}


def check_against_torch(js, configs: list[dict], expected: list[list[dict]]) -> list[str]:
    results = js([as_typed(c) for c in configs])["results"]
    problems = []
    for config, want, got in zip(configs, expected, results):
        why = disagreement(config, want, got)
        if why:
            problems.append(f"{json.dumps(config)}: {why}")
    return problems


def test_single_layers_agree_with_torch(js, vectors):
    problems = check_against_torch(js, *vectors["grid"])
    assert not problems, f"{len(problems)} disagreements, e.g.\n" + "\n".join(problems[:10])


def test_random_networks_agree_with_torch(js, vectors):
    problems = check_against_torch(js, *vectors["stacks"])
    assert not problems, f"{len(problems)} disagreements, e.g.\n" + "\n".join(problems[:10])


def test_the_counts_on_the_page_are_the_committed_ones(vectors):
    assert load("b3_shape_calculator", "vectors")["data"] == count_vectors(vectors["grid"][1], vectors["stacks"][1])
    f = facts()
    assert f["n_grid_rejected"] > 500 and f["n_grid_accepted"] > 500  # both paths are exercised
    assert 0 < f["n_stacks_rejected"] < f["n_stacks"] / 2  # the random networks are mostly valid


def test_the_grid_covers_every_rule(vectors):
    grid, outcomes = vectors["grid"]
    errors = " ".join(o[-1].get("error", "") for o in outcomes)
    for rule in (
        "Kernel size can't be greater than actual input size",
        "pad should be at most half",
        "Output size is too small",
        "not supported for strided convolutions",
        "stride should not be zero",
        "negative padding",
        "dilation should be greater than zero",
        "non-positive stride",
        "negative dimension",
    ):
        assert rule in errors, rule
    kinds = {c["layers"][0]["type"] for c, o in zip(grid, outcomes) if "error" not in o[-1]}
    assert kinds == {"Conv2d", "MaxPool2d", "AvgPool2d"}


def test_the_calculator_offers_the_layers_the_tests_build(js):
    types = js([])["types"]
    assert {name: tuple(f["name"] for f in fields) for name, fields in types.items()} == FIELDS


def test_presets_are_the_chapters_networks(js):
    """The calculator's starting networks are the ones traced in PyTorch, row for row."""
    out = js([])
    presets = out["presets"]
    assert list(presets) == list(networks())
    results = js([presets[name] for name in presets])["results"]
    for (name, model), result in zip(networks().items(), results):
        layers = [spec_of(layer) for _, layer in _leaves(model)]
        assert presets[name]["layers"] == as_typed({"input": {}, "layers": layers})["layers"], name
        assert presets[name]["input"] == {"channels": "3", "height": "28", "width": "28"}
        rows = trace(model)[1:]
        assert [r["shape"] for r in result["rows"]] == [["b", *row.shape[1:]] for row in rows], name
        assert [r["params"] for r in result["rows"]] == [row.params for row in rows], name
        assert [r["how"] for r in result["rows"]] == [row.how for row in rows], name
        assert [r["paramsHow"] for r in result["rows"]] == [row.params_how for row in rows], name


def conv(**fields) -> dict:
    layer = {
        "type": "Conv2d",
        "in_channels": "3",
        "out_channels": "5",
        "kernel_size": "3",
        "stride": "1",
        "padding": "0",
        "dilation": "1",
        "bias": True,
    }
    return {**layer, **fields}


EXAM = {"channels": "3", "height": "28", "width": "28"}
RECONSTRUCTION = [
    conv(),
    {"type": "ReLU"},
    {"type": "MaxPool2d", "kernel_size": "2", "stride": "", "padding": "0", "dilation": "1", "ceil_mode": False},
    {"type": "Flatten"},
    {"type": "Linear", "in_features": "845", "out_features": "10", "bias": True},
]


def replace(index: int, **fields) -> list[dict]:
    layers = [dict(layer) for layer in RECONSTRUCTION]
    layers[index].update(fields)
    return layers


FIELD_ERRORS = [
    # (layers, failing layer (1-based), field, words the message must contain)
    (replace(0, kernel_size=""), 1, "kernel_size", "kernel_size is empty"),
    (replace(0, kernel_size="2.5"), 1, "kernel_size", "whole number"),
    (replace(0, kernel_size="abc"), 1, "kernel_size", "whole number"),
    (replace(0, kernel_size="1e1"), 1, "kernel_size", "whole number"),
    (replace(0, stride="0"), 1, "stride", "stride must be at least 1"),
    (replace(0, padding="-1"), 1, "padding", "padding must be at least 0"),
    (replace(0, padding="half"), 1, "padding", "same"),
    (replace(0, padding="same", stride="2"), 1, "padding", "needs stride 1"),
    (replace(0, out_channels="1000001"), 1, "out_channels", "at most"),
    (replace(0, in_channels="4"), 1, "in_channels", "in_channels is 4 but the input has 3 channels"),
    (replace(0, kernel_size="29"), 1, "kernel_size", "padded input"),
    (replace(2, padding="2"), 3, "padding", "more than half of kernel_size 2"),
    (replace(2, stride="x"), 3, "stride", "whole number"),
    (replace(4, in_features="800"), 5, "in_features", "in_features is 800 but the input\u2019s last dimension is 845"),
    (replace(4, in_features="169"), 5, "in_features", "845"),
    (replace(4, out_features="0"), 5, "out_features", "out_features must be at least 1"),
    (RECONSTRUCTION[:4] + [conv(in_channels="845")], 5, None, "needs a 4-D input"),
    (RECONSTRUCTION[:4] + [dict(RECONSTRUCTION[2])], 5, None, "needs a 4-D input"),
    (
        RECONSTRUCTION[:3] + [{"type": "Linear", "in_features": "845", "out_features": "10", "bias": True}],
        4,
        "in_features",
        "add a Flatten",
    ),
    ([{"type": "Dropout"}], 1, "type", "unknown layer type"),
]


@pytest.mark.parametrize("layers, index, field, words", FIELD_ERRORS)
def test_bad_configurations_get_a_message_at_the_offending_layer(js, layers, index, field, words):
    result = js([{"input": EXAM, "layers": layers}])["results"][0]
    rows = result["rows"]
    assert all(r["ok"] for r in rows[: index - 1]), rows
    bad = rows[index - 1]
    assert not bad["ok"] and not bad.get("skipped"), bad
    assert words in bad["error"], bad["error"]
    assert bad["field"] == field
    assert all(r.get("skipped") for r in rows[index:])
    assert result["output"] is None and result["total"] is None
    assert "NaN" not in json.dumps(result) and "undefined" not in json.dumps(result)


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("channels", "", "input: channels is empty"),
        ("height", "0", "input: height must be at least 1"),
        ("width", "7.5", "input: width must be a whole number"),
    ],
)
def test_a_bad_input_shape_stops_every_layer(js, field, value, words):
    result = js([{"input": {**EXAM, field: value}, "layers": RECONSTRUCTION}])["results"][0]
    assert not result["input"]["ok"] and words in result["input"]["error"]
    assert result["input"]["field"] == field
    assert all(r.get("skipped") for r in result["rows"])


def test_spaces_around_a_number_and_quoted_padding_words_are_accepted(js):
    layers = replace(0, kernel_size=" 3 ", padding="'same'")
    row = js([{"input": EXAM, "layers": layers}])["results"][0]["rows"][0]
    assert row["ok"] and row["shape"] == ["b", 5, 28, 28]


def test_where_the_calculator_is_stricter_than_pytorch(js):
    """Zero features: PyTorch makes an empty tensor, the calculator says why it will not."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Initializing zero-element tensors is a no-op"
        assert nn.Linear(845, 0)(torch.zeros(2, 845)).shape == (2, 0)
    result = js([{"input": EXAM, "layers": replace(4, out_features="0")}])["results"][0]
    assert "out_features must be at least 1" in result["rows"][4]["error"]


def test_huge_sizes_stay_exact_or_are_refused(js):
    big = {"channels": "100000", "height": "100000", "width": "100000"}
    result = js(
        [
            {
                "input": big,
                "layers": [
                    {"type": "Flatten"},
                    {"type": "Linear", "in_features": "1", "out_features": "100000", "bias": True},
                ],
            }
        ]
    )["results"][0]
    assert result["rows"][0]["shape"] == ["b", 10**15]
    assert "in_features" in result["rows"][1]["error"]


def test_build_layer_matches_the_calculators_field_names():
    assert {"ReLU", "Flatten"} <= set(FIELDS)
    for name, _fields in FIELDS.items():
        if name in ("ReLU", "Flatten"):
            assert isinstance(build_layer({"type": name}), getattr(nn, name))
    assert spec_of(nn.AvgPool2d(3, stride=1)) == {
        "type": "AvgPool2d",
        "kernel_size": 3,
        "stride": 1,
        "padding": 0,
        "ceil_mode": False,
    }
    with pytest.raises(ValueError, match="square"):
        spec_of(nn.Conv2d(3, 5, (3, 5)))
    with pytest.raises(ValueError, match="no Tanh"):
        spec_of(nn.Tanh())


# ---------------------------------------------------------------------------------------------
# The page, in Chromium.

PAGE = "chapters/b3-cnn-shapes/"
CALC = ".shape-calculator[data-ready]"


@pytest.fixture()
def page(tab, server):
    """The worker's shared tab, reset; the test fails on any console error or page error in it."""
    reuse_tab(tab)
    visit = watch(tab, server)
    yield tab
    visit.stop()
    errors = visit.console_errors + visit.page_errors
    assert not errors, errors


def layer(page, index: int):
    return page.locator(f"{CALC} .sc-layer[data-index='{index}']")


def field(page, index: int, name: str):
    return layer(page, index).locator(f"[data-field='{name}']")


def table_shapes(page) -> list[str]:
    return page.locator(f"{CALC} tbody tr td:nth-child(3)").all_inner_texts()


def summary(page) -> str:
    return page.locator(f"{CALC} .sc-summary").inner_text()


@pytest.mark.browser
def test_page_calculator_starts_with_the_reconstruction(server, page):
    goto(page, server + PAGE)
    page.wait_for_selector(f"{CALC} tbody tr")
    assert page.locator(".shape-calculator").count() == 1
    expected = [format_shape(r.shape) for r in trace(networks()["reconstruction"])]
    assert table_shapes(page) == expected
    total = sum(r.params for r in trace(networks()["reconstruction"]))
    assert summary(page) == f"Output b × 10 · {total:,} parameters in total."
    assert layer(page, 0).locator(".sc-out").inner_text() == "→ b × 5 × 26 × 26 · 140 parameters"


@pytest.mark.browser
def test_page_calculator_follows_what_is_typed(server, page):
    goto(page, server + PAGE)
    page.wait_for_selector(f"{CALC} tbody tr")
    field(page, 0, "padding").fill("1")
    assert layer(page, 0).locator(".sc-out").inner_text().startswith("→ b × 5 × 28 × 28")
    # The Linear no longer matches the flattened 5·14·14 = 980: the message is at layer 5.
    message = layer(page, 4).locator(".sc-out.sc-error")
    assert "in_features is 845 but the input’s last dimension is 980" in message.inner_text()
    assert field(page, 4, "in_features").get_attribute("aria-invalid") == "true"
    assert summary(page).startswith("Error at layer 5 (Linear)")
    field(page, 4, "in_features").fill("980")
    assert table_shapes(page) == [
        "b × 3 × 28 × 28",
        "b × 5 × 28 × 28",
        "b × 5 × 28 × 28",
        "b × 5 × 14 × 14",
        "b × 980",
        "b × 10",
    ]
    # Change the first layer's type; move a layer; load another of the chapter's networks.
    layer(page, 0).locator("select").select_option("AvgPool2d")
    assert table_shapes(page)[1] == "b × 3 × 14 × 14"
    page.get_by_role("button", name="Move layer 2 up").click()
    assert [layer(page, i).locator("legend").inner_text() for i in (0, 1)] == ["Layer 1: ReLU", "Layer 2: AvgPool2d"]
    page.select_option(f"{CALC} .sc-toolbar select", "two_blocks")
    page.click(f"{CALC} .sc-toolbar button")
    assert table_shapes(page) == [format_shape(r.shape) for r in trace(networks()["two_blocks"])]


@pytest.mark.browser
def test_page_calculator_shows_an_invalid_layer_where_it_is(server, page):
    goto(page, server + PAGE)
    page.wait_for_selector(f"{CALC} tbody tr")
    field(page, 2, "padding").fill("2")  # MaxPool2d(2, padding=2): PyTorch allows at most 1
    assert "padding 2 is more than half of kernel_size 2" in layer(page, 2).locator(".sc-out.sc-error").inner_text()
    for later in (3, 4):
        assert layer(page, later).locator(".sc-out").inner_text() == "not computed: fix the error above first"
    rows = page.locator(f"{CALC} tbody tr")
    assert "sc-error" in rows.nth(3).get_attribute("class")
    assert table_shapes(page)[4:] == ["—", "—"]
    assert summary(page).startswith("Error at layer 3 (MaxPool2d)")
    field(page, 2, "padding").fill("0")
    field(page, 0, "kernel_size").fill("2.5")
    assert "whole number" in layer(page, 0).locator(".sc-out").inner_text()
    text = page.locator(CALC).inner_text()
    assert "NaN" not in text and "undefined" not in text


@pytest.mark.browser
def test_page_calculator_works_from_a_file_url(site, page):
    """Opened from disk, where instant navigation is off, the calculator still starts."""
    page.goto((site / "chapters" / "b3-cnn-shapes" / "index.html").as_uri(), wait_until="load")
    page.wait_for_selector(f"{CALC} tbody tr")
    field(page, 0, "stride").fill("2")
    assert table_shapes(page)[1] == "b × 5 × 13 × 13"


@pytest.mark.browser
def test_page_calculator_works_after_instant_navigation(site, server, page):
    # The test build's site_url is the test server's address (tests/conftest.py),
    # so Material's real instant navigation takes over these clicks.
    # The address changes before the next page is in: click_nav waits for the page itself (a wait for
    # the URL alone once read the old calculator's table, still on screen).
    goto(page, server)
    page.evaluate("() => { window.__before_click = true; }")
    click_nav(page, PAGE)
    page.wait_for_selector(f"{CALC} tbody tr")
    assert page.evaluate("() => window.__before_click === true"), "the page was reloaded, not swapped in"
    field(page, 0, "kernel_size").fill("5")
    assert table_shapes(page)[1] == "b × 5 × 24 × 24"
    # Away and back again, both by instant navigation: a fresh calculator, set up once.
    click_nav(page, "chapters/a2-rnncell-parameters/")
    assert page.locator(CALC).count() == 0
    click_nav(page, PAGE)
    page.wait_for_selector(f"{CALC} tbody tr")
    assert page.evaluate("() => window.__before_click === true"), "the page was reloaded, not swapped in"
    assert page.locator(f"{CALC} form").count() == 1
    assert table_shapes(page)[1] == "b × 5 × 26 × 26"


@pytest.mark.browser
def test_page_calculator_is_labelled_and_keyboard_usable(server, page):
    goto(page, server + PAGE)
    page.wait_for_selector(f"{CALC} tbody tr")
    unlabelled = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel + ' input, ' + sel + ' select')]
             .filter(e => !document.querySelector('label[for="' + e.id + '"]')).map(e => e.outerHTML)""",
        CALC,
    )
    assert not unlabelled
    assert page.locator(f"{CALC} [aria-live='polite'] .sc-summary").count() == 1
    before = page.locator(f"{CALC} .sc-layer").count()
    page.focus(f"{CALC} .sc-add select")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Add layer"
    page.keyboard.press("Enter")
    assert page.locator(f"{CALC} .sc-layer").count() == before + 1
    # Focus moved into the new layer. A Conv2d after Linear gets a flat input: the message says so.
    assert page.evaluate("() => document.activeElement.closest('.sc-layer').dataset.index") == str(before)
    assert "needs a 4-D input" in layer(page, before).locator(".sc-out").inner_text()
    remove = layer(page, before).get_by_role("button", name=f"Remove layer {before + 1}")
    remove.focus()
    page.keyboard.press("Enter")
    assert page.locator(f"{CALC} .sc-layer").count() == before


CONTRAST_JS = """(sel) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                                     .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0.5) return c.slice(0, 3); } return [255, 255, 255]; };
  const ratio = (e) => { const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
  const root = document.querySelector(sel);
  const pick = (q) => [...root.querySelectorAll(q)];
  return {
    scheme: document.body.getAttribute('data-md-color-scheme'),
    labels: Math.min(...pick('label').map(ratio)),
    inputs: Math.min(...pick('input[type=text], select').map(ratio)),
    errors: Math.min(...pick('.sc-error').map(ratio)),
    cells: Math.min(...pick('td, th').map(ratio)),
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme, material", [("light", "default"), ("dark", "slate")])
def test_page_calculator_is_readable_in_light_and_dark_mode(server, tab, scheme, material):
    page = tab
    reuse_tab(page, scheme)
    goto(page, server + PAGE)
    page.wait_for_selector(f"{CALC} tbody tr")
    field(page, 2, "padding").fill("2")  # show an error, to measure its colour too
    found = page.evaluate(CONTRAST_JS, CALC)
    assert found["scheme"] == material
    for part in ("labels", "inputs", "errors", "cells"):
        assert found[part] >= 4.5, (scheme, part, found)
