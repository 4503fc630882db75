"""Chapter B1's practice variants (docs/assets/javascripts/practice-b1.js) against the book's KL code and PyTorch.

For 1,200 seeds the asked divergence, KL(p‖q) or KL(q‖p), must equal
``snippets.b1_kl_divergence.kl_divergence`` (discrete; the snippet also checks that p and q are
distributions) or ``kl_gaussians`` (Gaussians), and ``torch.distributions.kl_divergence``;
the "other direction" hint must be the other direction, and the worked solution must state the
answer to three decimals. The generator runs in node (tests/practice_tools.py).
"""

from __future__ import annotations

import json
import math

import pytest
import torch
from torch.distributions import Categorical, Normal, kl_divergence

from practice_tools import BAD_SEEDS, contract_problems, generator
from snippets.b1_kl_divergence import kl_divergence as book_kl
from snippets.b1_kl_divergence import kl_gaussians

SEEDS = list(range(1200))
#: Agreement between the generator's float64 arithmetic and the snippets' (float64 tensors).
ATOL = 1e-9


@pytest.fixture(scope="module")
def variants() -> list[dict]:
    results = generator("b1")(SEEDS)
    assert all("variant" in r for r in results), [r for r in results if "variant" not in r][:3]
    return [r["variant"] for r in results]


def expected(params: dict) -> tuple[float, float, float]:
    """(asked, other direction) from the book's snippet, and the asked one from torch.distributions."""
    if params["family"] == "discrete":
        p, q = params["p"], params["q"]
        pq, qp = book_kl(p, q), book_kl(q, p)
        P = Categorical(probs=torch.tensor(p, dtype=torch.float64))
        Q = Categorical(probs=torch.tensor(q, dtype=torch.float64))
    else:
        a = (params["mu_p"], params["sigma_p"])
        b = (params["mu_q"], params["sigma_q"])
        pq, qp = kl_gaussians(*a, *b), kl_gaussians(*b, *a)
        P = Normal(torch.tensor(a[0], dtype=torch.float64), torch.tensor(a[1], dtype=torch.float64))
        Q = Normal(torch.tensor(b[0], dtype=torch.float64), torch.tensor(b[1], dtype=torch.float64))
    forward = params["direction"] == "pq"
    by_torch = kl_divergence(P, Q) if forward else kl_divergence(Q, P)
    return (pq, qp, by_torch.item()) if forward else (qp, pq, by_torch.item())


def test_the_asked_divergence_agrees_with_the_book_and_with_pytorch(variants):
    disagreements = []
    for v in variants:
        (q,) = v["questions"]
        asked, other, by_torch = expected(v["params"])
        value = q["answer"]["value"]
        if not (math.isfinite(value) and abs(value - asked) < ATOL and abs(value - by_torch) < 1e-7):
            disagreements.append((v["seed"], v["params"], value, asked, by_torch))
        # The first hint, when present, is the other direction.
        reverse = [h["value"] for h in q["hints"] if "other direction" in h["text"]["en"]]
        if abs(other - asked) > 2 * q["answer"]["tolerance"]:
            if reverse != [pytest.approx(other, abs=ATOL)]:
                disagreements.append((v["seed"], "reverse hint", reverse, other))
        elif reverse:
            disagreements.append((v["seed"], "a reverse hint equal to the answer", reverse))
        bits = [h["value"] for h in q["hints"] if "bits" in h["text"]["en"]]
        if bits and bits != [pytest.approx(asked / math.log(2), abs=ATOL)]:
            disagreements.append((v["seed"], "bits hint", bits))
        # The worked solution states the answer to three decimals.
        last = v["solution"][-1]["en"]
        if f"<code>{asked:.3f}</code>".replace("-", "\u2212") not in last:
            disagreements.append((v["seed"], "solution", last))
    assert not disagreements, disagreements[:5]


def test_variants_cover_both_families_directions_and_sizes(variants):
    params = [v["params"] for v in variants]
    assert {p["family"] for p in params} == {"discrete", "gaussian"}
    assert {p["direction"] for p in params} == {"pq", "qp"}
    assert {len(p["p"]) for p in params if p["family"] == "discrete"} == {2, 3, 4}
    for p in params:
        if p["family"] == "discrete":
            assert min(p["p"] + p["q"]) > 0 and p["p"] != p["q"], p  # both directions finite, not trivial
        else:
            assert p["sigma_p"] > 0 and p["sigma_q"] > 0 and p["sigma_p"] != p["sigma_q"], p


def test_hints_are_never_accepted_as_right(variants):
    for v in variants:
        (q,) = v["questions"]
        tol = q["answer"]["tolerance"]
        values = [h["value"] for h in q["hints"]]
        assert all(abs(x - q["answer"]["value"]) > 2 * tol for x in values), v["seed"]
        assert all(abs(a - b) > 2 * tol for i, a in enumerate(values) for b in values[i + 1 :]), v["seed"]


def test_every_variant_keeps_the_contract_in_both_languages(variants):
    problems = [(v["seed"], p) for v in variants for p in contract_problems(v)]
    assert not problems, problems[:5]
    for v in variants:
        (q,) = v["questions"]
        assert q["accepts"] == "number" and q["answer"]["type"] == "number" and q["answer"]["tolerance"] > 0


def test_same_seed_same_variant_and_bad_seeds_are_refused():
    run = generator("b1")
    once, twice = run(SEEDS[:50]), run(SEEDS[:50])
    assert once == twice
    assert len({json.dumps(r["variant"]["params"]) for r in once}) > 45
    for seed, result in zip(BAD_SEEDS, run(BAD_SEEDS), strict=True):
        assert result.get("error") == "RangeError", (seed, result)
