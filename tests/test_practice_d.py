"""Chapter D's practice variants (docs/assets/javascripts/practice-d.js) against the book's snippets and PyTorch.

The generator is run in node on 2,400 seeds (one process); about half are of each kind, so
each kind is checked on more than 1,000 variants.

- Receptive field: every expected value is ``snippets.d_receptive_field.receptive_fields``
  of the same stack built with ``torch.nn`` layers, and the jump is the product of the
  strides PyTorch's layers report. On a sample of 100 stacks, autograd confirms it: with
  every layer an all-ones convolution of the same geometry, the gradient of one output
  unit with respect to the input is non-zero on a box of exactly the predicted side.
- Weight sharing: every count is ``snippets.d_weight_sharing.parameter_counts``, and the
  parameter counts of ``nn.Conv2d`` and of ``nn.Linear`` (on the meta device: no memory)
  and the convolution's output shape in PyTorch.

Then the contract of a variant (PRACTICE.md), as for B3.
"""

from __future__ import annotations

import json
import math
import re

import pytest
import torch
from node_tools import run_as_browser_scripts, run_practice
from torch import nn

from conftest import DOCS
from practice_tools import both_languages
from snippets.d_receptive_field import gradient_support, layer_geometry, receptive_fields, support_box
from snippets.d_weight_sharing import parameter_counts
from snippets.training import torch_threads

SEEDS = list(range(2400))  # at least 1,000 of each of the two kinds
BAD_SEEDS = [-1, 2.5, "seven", "", 2**32, None]


@pytest.fixture(scope="module")
def generated() -> dict:
    """The node output: every seed's variant, determinism, and what the bad seeds throw."""
    return run_practice("d", SEEDS, BAD_SEEDS)


def by_kind(generated: dict, sub: str) -> list[dict]:
    return [v for v in generated["variants"] if v["params"]["sub"] == sub]


def answers(variant: dict) -> dict[str, object]:
    return {q["id"]: q["answer"]["value"] for q in variant["questions"]}


def build(spec: dict) -> nn.Module:
    """The torch.nn layer of a receptive-field variant (no padding; a pooling stride of None: the default)."""
    if spec["type"] == "Conv2d":
        return nn.Conv2d(
            spec["in_channels"], spec["out_channels"], spec["kernel_size"], spec["stride"], dilation=spec["dilation"]
        )
    if spec["type"] == "MaxPool2d":
        return nn.MaxPool2d(spec["kernel_size"], spec["stride"], dilation=spec["dilation"])
    if spec["type"] == "AvgPool2d":
        return nn.AvgPool2d(spec["kernel_size"], spec["stride"])
    raise ValueError(f"a variant has an unknown layer {spec['type']!r}")


def test_both_kinds_are_drawn(generated):
    rf, sharing = by_kind(generated, "rf"), by_kind(generated, "sharing")
    assert len(rf) + len(sharing) == len(SEEDS)
    assert len(rf) >= 1000 and len(sharing) >= 1000, (len(rf), len(sharing))


def test_receptive_fields_agree_with_the_books_snippet(generated):
    problems = []
    for v in by_kind(generated, "rf"):
        layers = [build(spec) for spec in v["params"]["layers"]]
        want = answers(v)
        got = [want[f"rf-{i + 1}"] for i in range(len(layers))]
        jump = 1
        for layer in layers:
            jump *= layer_geometry(layer)[1]
        if got != receptive_fields(layers) or want["jump"] != jump:
            problems.append(f"seed {v['seed']}: {got}, jump {want['jump']} vs {receptive_fields(layers)}, {jump}")
        assert 2 <= len(layers) <= 5, v["params"]
    assert not problems, f"{len(problems)} disagreements, e.g.\n" + "\n".join(problems[:10])


def test_receptive_fields_agree_with_autograd_on_a_sample(generated):
    """The gradient of one output unit w.r.t. the input is non-zero on a box of the predicted side.

    Each layer becomes a one-channel convolution of the same kernel, stride and dilation with
    all-ones weights (a max pooling would pass the gradient to one pixel per window only), so
    no gradient cancels; the input has room for the whole field around the centre unit.
    """
    sample = by_kind(generated, "rf")[:100]
    assert len(sample) == 100
    with torch_threads(1):
        for v in sample:
            convs = []
            for spec in v["params"]["layers"]:
                k, s, d = layer_geometry(build(spec))
                conv = nn.Conv2d(1, 1, k, s, dilation=d, bias=False)
                nn.init.ones_(conv.weight)
                convs.append(conv)
            want = answers(v)
            rf = want[f"rf-{len(convs)}"]
            box = support_box(gradient_support(nn.Sequential(*convs), size=rf + 4 * want["jump"]))
            assert box == (rf, rf), (v["seed"], v["params"], box)


def test_weight_sharing_counts_agree_with_the_books_snippet_and_pytorch(generated):
    problems = []
    with torch_threads(1), torch.no_grad():
        for v in by_kind(generated, "sharing"):
            p = v["params"]
            want = answers(v)
            counts = parameter_counts(p["c_in"], p["c_out"], p["kernel"], p["size"])
            conv = nn.Conv2d(p["c_in"], p["c_out"], p["kernel"])
            dense = nn.Linear(counts["inputs"], counts["outputs"], device="meta")
            out = conv(torch.zeros(1, p["c_in"], p["size"], p["size"]))
            torch_conv = sum(t.numel() for t in conv.parameters())
            torch_dense = sum(t.numel() for t in dense.parameters())
            checks = {
                "outputs": (want["outputs"], counts["outputs"], out.numel()),
                "conv": (want["conv"], counts["conv"], torch_conv),
                "dense": (want["dense"], counts["dense"], torch_dense),
            }
            for name, (js, snippet, torch_count) in checks.items():
                if not js == snippet == torch_count:
                    problems.append(f"seed {v['seed']} {name}: {js} vs snippet {snippet}, PyTorch {torch_count}")
            if want["ratio"] != pytest.approx(counts["dense"] / counts["conv"], rel=1e-12):
                problems.append(f"seed {v['seed']} ratio {want['ratio']}")
            assert 1 <= p["c_in"] <= 64 and 1 <= p["c_out"] <= 64 and p["kernel"] < p["size"] <= 64, p
    assert not problems, f"{len(problems)} disagreements, e.g.\n" + "\n".join(problems[:10])


def test_same_seed_same_variant_and_bad_seeds_are_refused(generated):
    assert generated["kind"] == "d"
    assert generated["same"], "a second generate(seed) in the same process gave another variant"
    again = run_practice("d", SEEDS[:50], [])["variants"]
    assert json.dumps(again) == json.dumps(generated["variants"][:50]), "another node process gave other variants"
    assert [v["seed"] for v in generated["variants"]] == SEEDS
    for seed, outcome in zip(BAD_SEEDS, generated["bad"], strict=True):
        assert outcome.startswith("RangeError: seed must be an integer"), (seed, outcome)
    # variety: the weight-sharing kind has a few thousand possible variants, so some seeds repeat one
    assert len({json.dumps(v["params"]) for v in generated["variants"]}) > 0.8 * len(SEEDS)


def test_every_text_has_both_languages_and_the_questions_keep_the_contract(generated):
    accepts = {"outputs": "int", "conv": "int", "dense": "int", "ratio": "number", "jump": "int"}
    for v in generated["variants"]:
        seed = v["seed"]
        assert v["kind"] == "d"
        both_languages(v["prompt"], f"{seed} prompt")
        assert v["solution"], seed
        for i, step in enumerate(v["solution"]):
            both_languages(step, f"{seed} solution {i}")
        ids = [q["id"] for q in v["questions"]]
        assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids), ids
        for q in v["questions"]:
            both_languages(q["label"], f"{seed} {q['id']} label", plain=True)
            assert q["accepts"] == accepts.get(q["id"], "int"), q
            a = q["answer"]
            assert a["type"] == q["accepts"], q
            if a["type"] == "int":
                assert isinstance(a["value"], int) and 0 < a["value"] < 2**53, q
            else:
                assert a["tolerance"] == 0.5 and a["value"] >= 1, q
            for h in q.get("hints", []):
                both_languages(h["text"], f"{seed} {q['id']} hint", plain=True)
                assert h["value"] != a["value"], (seed, q["id"], h)


def test_the_solution_shows_every_answer_it_expects(generated):
    for v in generated["variants"][:400]:
        text = " ".join(step["en"] for step in v["solution"])
        for q in v["questions"]:
            value = q["answer"]["value"]
            # a ratio that is not whole is shown to one decimal, rounded half up (JavaScript's Math.round)
            shown = str(int(value)) if value == int(value) else f"{math.floor(value * 10 + 0.5) / 10:.1f}"
            assert re.search(rf"= {shown}(?!\d)|≈ {shown}(?!\d)|\b{shown} input pixels apart", text), (
                v["seed"],
                q["id"],
                shown,
            )


def test_the_hints_include_the_classic_slips(generated):
    texts = " ".join(h["text"]["en"] for v in generated["variants"] for q in v["questions"] for h in q.get("hints", []))
    for words in (
        "Dilation d spreads",
        "multiply by the jump",
        "jump of the layer below",
        "Kernels overlap",
        "Forgot the bias",
        "locally connected",
        "not only to C_out",
        "H − k + 1",
        "Strides multiply",
    ):
        assert words in texts, words


def test_in_the_browser_it_registers_itself_and_draws_the_same_variants(generated):
    order = ["practice-d.js", "practice-rng.js"]  # the script order does not matter
    got = run_as_browser_scripts(order, "[3, 8].map((s) => BookPractice.kinds.d.generate(s))")
    assert json.dumps(got) == json.dumps([generated["variants"][s] for s in (3, 8)])


@pytest.mark.parametrize(
    "page, heading",
    [("d-cnn-characteristics.md", "## Practice {#practice}"), ("d-cnn-characteristics.he.md", "## תרגול {#practice}")],
)
def test_the_chapter_has_the_practice_block_in_both_editions(page, heading):
    text = (DOCS / "chapters" / page).read_text(encoding="utf-8")
    block = '<div class="practice" data-practice="d" id="practice-d"></div>'
    assert text.count(heading) == 1 and text.count(block) == 1
    assert text.index(heading) < text.index(block) < text.index("\n## ", text.index(heading))
    # The page loads its scripts through lazy.js (tests/test_browser_perf.py watches them load).
    lazy = (DOCS / "assets" / "javascripts" / "lazy.js").read_text(encoding="utf-8")
    entry = re.search(r"selector: '\.practice\[data-practice=\"d\"\]', scripts: (\[[^\]]*\])", lazy)
    assert entry and json.loads(entry[1]) == ["practice-rng.js", "practice-d.js", "practice.js"], entry
