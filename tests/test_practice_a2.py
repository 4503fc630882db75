"""Chapter A2's practice variants (docs/assets/javascripts/practice-a2.js) against real PyTorch modules.

For 1,200 seeds the generator's module (nn.RNNCell, nn.GRUCell, nn.LSTMCell, or nn.RNN, nn.GRU,
nn.LSTM with num_layers, bidirectional and bias) is built with torch.nn, and every tensor it
lists must be one of PyTorch's, in PyTorch's order and shape; each asked shape must be the
module's, or "error" exactly when reading it raises; the total must be PyTorch's numel.
The generator runs in node (tests/practice_tools.py), one process for all seeds.
"""

from __future__ import annotations

import json

import pytest
from torch import nn

from practice_tools import BAD_SEEDS, contract_problems, generator

SEEDS = list(range(1200))


@pytest.fixture(scope="module")
def variants() -> list[dict]:
    results = generator("a2")(SEEDS)
    assert all("variant" in r for r in results), [r for r in results if "variant" not in r][:3]
    return [r["variant"] for r in results]


def build(params: dict) -> nn.Module:
    """The module a variant describes, made by torch.nn (on the meta device: shapes only, no memory)."""
    cls = getattr(nn, params["module"])
    kwargs = {"input_size": params["input_size"], "hidden_size": params["hidden_size"], "bias": params["bias"]}
    if not params["module"].endswith("Cell"):
        kwargs.update(num_layers=params["num_layers"], bidirectional=params["bidirectional"])
    return cls(**kwargs, device="meta")


def shape_or_error(module: nn.Module, name: str) -> tuple[int, ...] | str:
    """The shape PyTorch gives ``module.<name>``, or "error" when reading it raises."""
    try:
        return tuple(getattr(module, name).shape)
    except AttributeError:
        return "error"


def test_every_tensor_shape_and_total_agree_with_pytorch(variants):
    disagreements = []
    for v in variants:
        p = v["params"]
        module = build(p)
        theirs = [(n, tuple(t.shape)) for n, t in module.named_parameters()]
        ours = [(n, tuple(s)) for n, s in p["tensors"]]
        if ours != theirs:
            disagreements.append((v["seed"], "tensors", ours, theirs))
        qs = {q["id"]: q for q in v["questions"]}
        for qid, name in zip(("shape-1", "shape-2"), p["asked"], strict=True):
            answer = qs[qid]["answer"]
            got = "error" if answer["type"] == "error" else tuple(answer["value"])
            expected = shape_or_error(module, name)
            if got != expected:
                disagreements.append((v["seed"], name, got, expected))
            if expected == "error" and name in dict(module.named_parameters()):
                disagreements.append((v["seed"], name, "listed as a parameter"))
        total = sum(t.numel() for t in module.parameters())
        if qs["total"]["answer"] != {"type": "int", "value": total}:
            disagreements.append((v["seed"], "total", qs["total"]["answer"], total))
    assert not disagreements, disagreements[:5]


def test_the_variants_cover_every_module_option_and_some_absent_tensors(variants):
    modules = {v["params"]["module"] for v in variants}
    assert modules == {"RNNCell", "GRUCell", "LSTMCell", "RNN", "GRU", "LSTM"}
    layered = [v["params"] for v in variants if not v["params"]["module"].endswith("Cell")]
    assert {p["num_layers"] for p in layered} == {1, 2, 3}
    assert {p["bidirectional"] for p in layered} == {True, False}
    assert {v["params"]["bias"] for v in variants} == {True, False}
    errors = sum(q["answer"]["type"] == "error" for v in variants for q in v["questions"])
    shapes = sum(q["answer"]["type"] == "shape" for v in variants for q in v["questions"])
    assert 0.1 < errors / (errors + shapes) < 0.5, (errors, shapes)


def test_hints_are_wrong_answers_and_the_usual_mistakes_are_hinted(variants):
    """No hint matches the right answer; the transposed shape and the one-bias total always get one."""
    for v in variants:
        p = v["params"]
        qs = {q["id"]: q for q in v["questions"]}
        for q in v["questions"]:
            right = q["answer"].get("value", "error")
            values = [h["value"] for h in q["hints"]]
            assert right not in values, (v["seed"], q["id"])
            assert len({json.dumps(x) for x in values}) == len(values), (v["seed"], q["id"], values)
        first = qs["shape-1"]["answer"]["value"]  # a weight_ih, always present
        if first[0] != first[1]:
            assert [first[1], first[0]] in [h["value"] for h in qs["shape-1"]["hints"]], v["seed"]
        if p["bias"]:
            gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[p["module"].replace("Cell", "")]
            blocks = p["num_layers"] * (2 if p["bidirectional"] else 1)
            one_bias = qs["total"]["answer"]["value"] - blocks * gates * p["hidden_size"]
            assert one_bias in [h["value"] for h in qs["total"]["hints"]], v["seed"]


def test_every_variant_keeps_the_contract_in_both_languages(variants):
    problems = [(v["seed"], p) for v in variants for p in contract_problems(v)]
    assert not problems, problems[:5]
    # What a box accepts never depends on the answer (it would give the answer away).
    for v in variants:
        assert [q["accepts"] for q in v["questions"]] == ["shape-or-error", "shape-or-error", "int"]


def test_same_seed_same_variant_and_bad_seeds_are_refused():
    run = generator("a2")
    once, twice = run(SEEDS[:50] + ["7", 4294967295]), run(SEEDS[:50] + [7, "4294967295"])
    assert once == twice
    assert once[-2]["variant"] == once[7]["variant"]  # "7" in the address is the seed 7
    assert len({json.dumps(r["variant"]["params"]) for r in once[:50]}) > 45
    for seed, result in zip(BAD_SEEDS, run(BAD_SEEDS), strict=True):
        assert result.get("error") == "RangeError", (seed, result)
