"""Chapter B3's practice variants (docs/assets/javascripts/practice-b3.js) against real PyTorch.

The generator is run in node on 1,200 seeds (one process). Each variant's stack is
built again from its ``params`` with ``torch.nn`` layers and a zero tensor of the
input's shape is run through it, layer by layer: every expected shape must be
PyTorch's, "error" must be expected exactly from the layer where PyTorch raises,
and every expected parameter count must be the module's. Then the contract of a
variant (PRACTICE.md): same seed, same variant; a bad seed is a RangeError; both
languages everywhere; a share of invalid variants that is neither none nor all.
"""

from __future__ import annotations

import json
import re
import warnings

import pytest
import torch
from node_tools import run_as_browser_scripts, run_practice
from torch import nn

from conftest import DOCS
from practice_tools import both_languages
from snippets.training import torch_threads

SEEDS = list(range(1200))
BAD_SEEDS = [-1, 1.5, "abc", "", 2**32, None]


@pytest.fixture(scope="module")
def generated() -> dict:
    """The node output: every seed's variant, determinism, and what the bad seeds throw."""
    return run_practice("b3", SEEDS, BAD_SEEDS)


def build(spec: dict) -> nn.Module:
    """The torch.nn layer a variant's layer stands for (a pooling stride of None: the default)."""
    kind = spec["type"]
    if kind == "Conv2d":
        return nn.Conv2d(
            spec["in_channels"],
            spec["out_channels"],
            spec["kernel_size"],
            stride=spec["stride"],
            padding=spec["padding"],
            dilation=spec["dilation"],
            groups=spec["groups"],
            bias=spec["bias"],
        )
    if kind == "MaxPool2d":
        return nn.MaxPool2d(
            spec["kernel_size"], spec["stride"], spec["padding"], spec["dilation"], ceil_mode=spec["ceil_mode"]
        )
    if kind == "AvgPool2d":
        return nn.AvgPool2d(spec["kernel_size"], spec["stride"], spec["padding"], ceil_mode=spec["ceil_mode"])
    if kind == "Flatten":
        return nn.Flatten()
    if kind == "Linear":
        return nn.Linear(spec["in_features"], spec["out_features"], bias=spec["bias"])
    raise ValueError(f"a variant has an unknown layer {kind!r}")


def torch_answers(params: dict) -> tuple[list, list[int], list[str]]:
    """Per layer: PyTorch's output shape, or "error" from the layer that raises on; parameter counts; messages."""
    layers = [build(spec) for spec in params["layers"]]  # building never fails: the arguments are valid
    counts = [sum(p.numel() for p in layer.parameters()) for layer in layers]
    x = torch.zeros(*params["input"])
    shapes, errors = [], []
    for layer in layers:
        if errors:
            shapes.append("error")
            continue
        try:
            x = layer(x)
            shapes.append(list(x.shape))
        except RuntimeError as exc:
            errors.append(str(exc).splitlines()[0])
            shapes.append("error")
    return shapes, counts, errors


def expected(variant: dict) -> dict[str, object]:
    """The variant's answers by question id: a shape list, "error" or an int."""
    out = {}
    for q in variant["questions"]:
        a = q["answer"]
        out[q["id"]] = "error" if a["type"] == "error" else a["value"]
    return out


def test_every_variant_agrees_with_pytorch(generated):
    problems = []
    with torch_threads(1), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for v in generated["variants"]:
            params, want = v["params"], expected(v)
            shapes, counts, errors = torch_answers(params)
            got_shapes = [want[f"out-{i + 1}"] for i in range(len(params["layers"]))]
            got_counts = {int(k.split("-")[1]): n for k, n in want.items() if re.fullmatch(r"params-\d+", k)}
            weighted = {i + 1: n for i, n in enumerate(counts) if params["layers"][i]["type"] in ("Conv2d", "Linear")}
            first = next((i + 1 for i, s in enumerate(shapes) if s == "error"), None)
            why = []
            if got_shapes != shapes:
                why.append(f"shapes {got_shapes} vs PyTorch {shapes} ({errors})")
            if got_counts != weighted or want["params-total"] != sum(counts):
                why.append(f"parameters {got_counts}, total {want['params-total']} vs PyTorch {counts}")
            if params["first_error"] != first:
                why.append(f"first_error {params['first_error']} vs PyTorch {first}")
            if why:
                problems.append(f"seed {v['seed']}: " + "; ".join(why))
    assert not problems, f"{len(problems)} disagreements, e.g.\n" + "\n".join(problems[:10])


def test_invalid_variants_fail_where_the_generator_says_and_for_its_reason(generated):
    outcomes = {"valid": 0, "kernel": 0, "linear": 0}
    with torch_threads(1), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for v in generated["variants"]:
            params = v["params"]
            outcomes[params["outcome"]] += 1
            _, _, errors = torch_answers(params)
            if params["outcome"] == "valid":
                assert not errors and params["first_error"] is None, v["seed"]
                continue
            (message,) = errors
            failing = params["layers"][params["first_error"] - 1]["type"]
            if params["outcome"] == "kernel":
                assert failing in ("Conv2d", "MaxPool2d", "AvgPool2d"), v["seed"]
                assert "Kernel size can't be greater" in message or "Output size is too small" in message, message
            else:
                assert failing == "Linear" and "cannot be multiplied" in message, (v["seed"], message)
    share = (outcomes["kernel"] + outcomes["linear"]) / len(SEEDS)
    assert 0.15 <= share <= 0.25, outcomes  # the issue: some variants invalid, most valid
    assert outcomes["kernel"] > outcomes["linear"] > 0, outcomes


def test_same_seed_same_variant_and_bad_seeds_are_refused(generated):
    assert generated["kind"] == "b3"
    assert generated["same"], "a second generate(seed) in the same process gave another variant"
    again = run_practice("b3", SEEDS[:50], [])["variants"]
    assert json.dumps(again) == json.dumps(generated["variants"][:50]), "another node process gave other variants"
    assert [v["seed"] for v in generated["variants"]] == SEEDS
    for seed, outcome in zip(BAD_SEEDS, generated["bad"], strict=True):
        assert outcome.startswith("RangeError: seed must be an integer"), (seed, outcome)
    assert len({json.dumps(v["params"]) for v in generated["variants"]}) > 0.95 * len(SEEDS)


def test_sizes_are_modest_and_counts_exact(generated):
    for v in generated["variants"]:
        b, c, h, w = v["params"]["input"]
        assert 1 <= b <= 8 and 1 <= c <= 64 and 1 <= h <= 64 and 1 <= w <= 64, v["params"]["input"]
        for layer in v["params"]["layers"]:
            assert layer.get("out_channels", 1) <= 64
        for q in v["questions"]:
            value = q["answer"].get("value")
            for n in value if isinstance(value, list) else [value] if value is not None else []:
                assert isinstance(n, int) and 0 < n < 2**53, (v["seed"], q["id"], value)


def test_every_text_has_both_languages_and_the_questions_keep_the_contract(generated):
    for v in generated["variants"]:
        seed = v["seed"]
        both_languages(v["prompt"], f"{seed} prompt")
        assert v["solution"], seed
        for i, step in enumerate(v["solution"]):
            both_languages(step, f"{seed} solution {i}")
            assert "dropped" not in step["he"] and "already flat" not in step["he"], step["he"]
        ids = [q["id"] for q in v["questions"]]
        assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids), ids
        for q in v["questions"]:
            both_languages(q["label"], f"{seed} {q['id']} label", plain=True)
            # what the box accepts depends on the question only, never on the answer
            assert q["accepts"] == ("shape-or-error" if q["id"].startswith("out-") else "int"), q
            assert q["answer"]["type"] in (("shape", "error") if q["accepts"] == "shape-or-error" else ("int",))
            for hint in q.get("hints", []):
                both_languages(hint["text"], f"{seed} {q['id']} hint", plain=True)
                assert hint["value"] != q["answer"].get("value"), (seed, q["id"], hint)
        assert ids[-1] == "params-total"
        assert sum(q["id"].startswith("out-") for q in v["questions"]) == len(v["params"]["layers"])


def test_the_solution_shows_every_answer_it_expects(generated):
    """Each shape answered and each parameter count appears, computed, in the worked solution."""
    for v in generated["variants"][:300]:
        text = " ".join(step["en"] for step in v["solution"])
        for q in v["questions"]:
            a = q["answer"]
            if a["type"] == "shape":
                assert " × ".join(map(str, a["value"])) in text, (v["seed"], q["id"])
            elif a["type"] == "int":
                assert re.search(rf"(?<![\d·]){a['value']}(?!\d)", text), (v["seed"], q["id"], a["value"])
        if v["params"]["first_error"]:
            assert "<strong>error</strong>" in text


def test_the_hints_include_the_classic_slips(generated):
    """Over the seeds, the batch, channels-last, pooling-stride and ceil/floor slips each show up as a hint."""
    texts = " ".join(h["text"]["en"] for v in generated["variants"] for q in v["questions"] for h in q.get("hints", []))
    for words in (
        "batch dimension",
        "channels-first",
        "stride defaults",
        "ceil_mode",
        "Dilation",
        "padding",
        "Forgot the bias",
        "groups=",
    ):
        assert words in texts, words


@pytest.mark.parametrize(
    "order",
    [
        ["practice-rng.js", "shape-calculator.js", "practice-b3.js"],
        ["practice-b3.js", "shape-calculator.js", "practice-rng.js"],  # the script order does not matter
    ],
)
def test_in_the_browser_it_registers_itself_and_draws_the_same_variants(generated, order):
    got = run_as_browser_scripts(order, "[5, 77, 901].map((s) => BookPractice.kinds.b3.generate(s))")
    assert json.dumps(got) == json.dumps([generated["variants"][s] for s in (5, 77, 901)])


@pytest.mark.parametrize(
    "page, heading", [("b3-cnn-shapes.md", "## Practice {#practice}"), ("b3-cnn-shapes.he.md", "## תרגול {#practice}")]
)
def test_the_chapter_has_the_practice_block_in_both_editions(page, heading):
    text = (DOCS / "chapters" / page).read_text(encoding="utf-8")
    block = '<div class="practice" data-practice="b3" id="practice-b3"></div>'
    assert text.count(heading) == 1 and text.count(block) == 1
    assert text.index(heading) < text.index(block) < text.index("\n## ", text.index(heading))
    # The page loads its scripts through lazy.js (tests/test_browser_perf.py watches them load).
    lazy = (DOCS / "assets" / "javascripts" / "lazy.js").read_text(encoding="utf-8")
    entry = re.search(r"selector: '\.practice\[data-practice=\"b3\"\]', scripts: (\[[^\]]*\])", lazy)
    assert entry and json.loads(entry[1]) == [
        "practice-rng.js",
        "shape-calculator.js",
        "practice-b3.js",
        "practice.js",
    ], entry


def test_without_node_these_tests_fail_under_ci_and_skip_otherwise(monkeypatch):
    import node_tools

    monkeypatch.setattr(node_tools, "NODE", "/nonexistent/node")
    monkeypatch.setattr(node_tools, "CI", True)
    with pytest.raises(pytest.fail.Exception, match="node not found at /nonexistent/node"):
        node_tools.require_node()
    monkeypatch.setattr(node_tools, "CI", False)
    with pytest.raises(pytest.skip.Exception, match="node not found"):
        node_tools.require_node()
