"""Running the practice generators (docs/assets/javascripts/practice-<kind>.js) in node, for the parity tests.

One node process serves a whole list of seeds; node is found and run by ``node_tools``
(without it the tests are skipped with the reason, except under ``CI=true``, where they fail).
"""

from __future__ import annotations

import re

from node_tools import JAVASCRIPTS, require_node, run_node

# Reads {"seeds": [...]} on stdin; writes, per seed, {"variant": ...} or {"error": name, "message": ...}.
RUNNER = """
const gen = require(process.argv[1]);
let data = "";
process.stdin.on("data", (chunk) => { data += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(data).seeds.map((seed) => {
    try { return { variant: gen.generate(seed) }; }
    catch (e) { return { error: e.name, message: e.message }; }
  });
  process.stdout.write(JSON.stringify({ kind: gen.kind, results: out }));
});
"""

#: Seeds that must be refused with a RangeError: negative, fractional, too large, not a number, empty, missing.
BAD_SEEDS = [-1, 1.5, 2**32, "12abc", "", None, "1e3", " -3 "]

HEBREW = re.compile(r"[\u05d0-\u05ea]")


def generator(kind: str):
    """A function seeds -> results of practice-<kind>.js's generate(seed), run in node."""
    path = JAVASCRIPTS / f"practice-{kind}.js"
    require_node()
    assert path.is_file(), f"{path} is missing"

    def run(seeds: list) -> list[dict]:
        data = run_node(RUNNER, [str(path)], {"seeds": seeds}, timeout=300)
        assert data["kind"] == kind
        return data["results"]

    return run


def texts(variant: dict) -> list[tuple[str, dict]]:
    """Every two-language text of a variant, as (where, {"en": ..., "he": ...})."""
    out = [("prompt", variant["prompt"])]
    for q in variant["questions"]:
        out.append((f"label {q['id']}", q["label"]))
        out += [(f"hint {q['id']}", h["text"]) for h in q.get("hints", [])]
    out += [(f"solution step {i}", step) for i, step in enumerate(variant["solution"])]
    return out


def contract_problems(variant: dict) -> list[str]:
    """What breaks PRACTICE.md's contract in one variant (an empty list when nothing does)."""
    problems = []
    ids = [q["id"] for q in variant["questions"]]
    if len(set(ids)) != len(ids) or not all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids):
        problems.append(f"question ids not unique or not [a-z0-9-]: {ids}")
    for where, text in texts(variant):
        en, he = text.get("en", ""), text.get("he", "")
        if not en.strip() or not he.strip():
            problems.append(f"{where}: a language is empty")
        elif not HEBREW.search(re.sub(r"<code>.*?</code>", "", he)):
            problems.append(f"{where}: the Hebrew text has no Hebrew outside code: {he!r}")
        elif HEBREW.search(en):
            problems.append(f"{where}: the English text has Hebrew letters: {en!r}")
    for q in variant["questions"]:
        answer = q["answer"]
        if q["accepts"] not in ("int", "shape-or-error", "number"):
            problems.append(f"{q['id']}: accepts {q['accepts']!r}")
        if answer["type"] == "int" and not (isinstance(answer["value"], int) and 0 <= answer["value"] <= 2**53):
            problems.append(f"{q['id']}: not an exact integer {answer['value']!r}")
    return problems


def both_languages(pair: dict, where: str, plain: bool = False) -> None:
    """Both languages, non-empty, each in its own script; ``plain``: text without HTML (labels, hints)."""
    assert set(pair) == {"en", "he"}, where
    if plain:
        assert "<" not in pair["en"] + pair["he"], f"{where}: HTML in a plain-text field"
    assert pair["en"].strip() and pair["he"].strip(), where
    assert HEBREW.search(pair["he"]), f"{where}: the Hebrew text has no Hebrew"
    assert not HEBREW.search(pair["en"]), f"{where}: the English text has Hebrew"
    for text in pair.values():
        assert "undefined" not in text and "NaN" not in text and "null" not in text, f"{where}: {text}"
