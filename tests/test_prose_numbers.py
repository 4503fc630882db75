"""No number is typed into a chapter's prose unless it is a fact, or one of a few justified kinds.

A digit in the prose that describes a result or a configuration must come from code
(``{{ module.key }}``), so that a new measurement or a changed setting cannot leave the page
wrong. This test reads every chapter page (both editions) with the code, the mathematics, the
facts, the links, the HTML tags and the references section removed, and fails on any number
that is neither covered by a rule below (each with its reason) nor listed, with its reason, in
``KNOWN`` for that chapter. Adding "after 9 layers" to chapter D fails it.

Chapter C (``c-lipschitz-rnn``) is another task's page and is not scanned yet: add it to
``CHAPTERS`` with its own ``KNOWN`` entries.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import DOCS

CHAPTERS = ("a1-sign-backprop", "a2-rnncell-parameters", "a3-gradient-clipping", "a4-hyperparameters",
            "a5-gpu-vs-cpu", "b1-kl-asymmetry", "b2-bad-results", "b3-cnn-shapes", "d-cnn-characteristics")


def prose(text: str) -> str:
    """The page's prose: no front matter, code, comments, question (the exam's own words), math,
    facts, inline code, link targets, tags, heading ids, or references (citations)."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"^[ \t]*(```|~~~).*?^[ \t]*\1", "", text, flags=re.S | re.M)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"^## (?:The question|השאלה)\b.*?(?=^## )", "", text, flags=re.S | re.M)
    text = re.split(r"^## (?:References|מקורות)\b.*$", text, flags=re.M)[0]
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"(?<![\\$])\$[^$\n]+?\$", " ", text)
    text = re.sub(r"\\?\{\{.*?\}\}", " ", text)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"<code>.*?</code>", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)\s]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\{#[\w-]+\}", " ", text)


#: Numbers that are not results or configurations, by rule. Each pattern is removed before the scan.
RULES: tuple[tuple[str, str], ...] = (
    (r"^\s*#+\s+\d+\s*(?:·|\.)", "a section's ordinal in its heading (### 1 · …)"),
    (r"^\s*\d+\.\s", "an ordered list's item number"),
    (r"\(\d\)", "an enumeration in the text: (1), (2), (3)"),
    (r"§\d+(?:\.\d+)?", "a cross-reference to a section (§3) or a book's section (§10.1)"),
    (r"\b(?:[Ss]tep|Experiment|point|trap|Figure|ch\.|הניסוי|שלב|צעד|נקודה|מלכודת|איור|פרק)[\s־]+\d+(?:\.\d+)?",
     "a reference to a numbered step, experiment, point, trap, figure or chapter"),
    (r"\b(?:19|20)\d\d\b", "a year (of a citation)"),
    (r"(?<![\w])[A-D][1-5](?![\w])", "a question's label (A1 … B3)"),
    (r"\b(?:Conv[123]d|MaxPool[123]d|AvgPool[123]d|BatchNorm[123]d|CIFAR-10+|VGG-\d+|ResNet-\d+|LeNet-\d|"
     r"float(?:16|32|64)|ReLU6|log2|S[24]|C[135]|F6|G\d?)\b", "part of a name (Conv2d, CIFAR-10, float32, LeNet's S2)"),
    (r"(?<![\w.,])[01](?![\w.,]|\.\d)", "zero and one as mathematical constants (a zero derivative, slope one)"),
)

#: Numbers still typed on each page, with why each may stay. A new number is not here: make it a fact.
KNOWN: dict[str, dict[str, str]] = {}

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")


def typed_numbers(text: str) -> list[tuple[str, str]]:
    """``(number, context)`` for every number left in the prose after the rules.

    >>> typed_numbers("## Why\\n\\nAfter 9 layers, see §3 (Smith, 2013).\\n")
    [('9', 'After 9 layers, see')]
    """
    found = []
    for line in prose(text).splitlines():
        for pattern, _ in RULES:
            line = re.sub(pattern, " ", line)
        for m in NUMBER.finditer(line):
            found.append((m.group(), line[max(0, m.start() - 40):m.end() + 40].strip()))
    return found


def _page(stem: str, edition: str) -> Path:
    return DOCS / "chapters" / f"{stem}{edition}.md"


@pytest.mark.parametrize("edition", ["", ".he"], ids=["en", "he"])
@pytest.mark.parametrize("stem", CHAPTERS)
def test_no_new_number_is_typed_into_the_prose(stem, edition):
    page = _page(stem, edition)
    known = KNOWN.get(stem, {})
    new = [(n, ctx) for n, ctx in typed_numbers(page.read_text(encoding="utf-8")) if n not in known]
    assert not new, (f"{page.name} types numbers into its prose: make each a fact ({{{{ module.key }}}}), "
                     f"or, if it is neither a result nor a configuration, add it to KNOWN with the reason: {new}")


def test_an_added_after_9_layers_fails():
    """The check is not vacuous: the review's own example is caught, in both editions."""
    for edition, line in (("", "After 9 layers the field is wide."), (".he", "אחרי 9 שכבות השדה רחב.")):
        text = _page("d-cnn-characteristics", edition).read_text(encoding="utf-8")
        text = text.replace("## Why", f"## Why\n\n{line}\n", 1).replace("## למה", f"## למה\n\n{line}\n", 1)
        known = KNOWN.get("d-cnn-characteristics", {})
        assert ("9" in {n for n, _ in typed_numbers(text)}) and "9" not in known, edition


def test_every_known_number_is_still_on_its_page_and_has_a_reason():
    """An allowance that is no longer needed is removed, so the list only shrinks."""
    for stem, numbers in KNOWN.items():
        on_page = {n for e in ("", ".he") for n, _ in typed_numbers(_page(stem, e).read_text(encoding="utf-8"))}
        for number, reason in numbers.items():
            assert number in on_page, f"{stem}: {number} is no longer typed; drop it from KNOWN"
            assert len(reason.split()) >= 3, f"{stem}: {number} needs a reason"
