"""No number is typed into a chapter's prose unless it is a fact, or one of a few justified kinds.

A digit in the prose that describes a result or a configuration must come from code
(``{{ module.key }}``), so that a new measurement or a changed setting cannot leave the page
wrong. This test reads every chapter page (both editions) with the code, the mathematics, the
facts, the links, the HTML tags and the references section removed, and fails on any number
that is neither covered by a rule below (each with its reason) nor listed, with its reason, in
``KNOWN`` for that chapter. Adding "after 9 layers" to chapter D fails it.

Every chapter is scanned, chapter C and the engineering pages included. Values that other works
report (the paper's accuracies, the official repository's README settings) are cited, not ours: they
are facts too, read from one table of cited values (``snippets/c_lipschitz_paper.py:_cited``), so a
corrected citation is one edit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import DOCS

CHAPTERS = (
    "a1-sign-backprop",
    "a2-rnncell-parameters",
    "a3-gradient-clipping",
    "a4-hyperparameters",
    "a5-gpu-vs-cpu",
    "a5-timing-pitfalls",
    "b1-kl-asymmetry",
    "b2-bad-results",
    "b3-cnn-shapes",
    "b3-calculator-tested",
    "c-lipschitz-rnn",
    "c-making-it-fast",
    "d-cnn-characteristics",
)


def prose(text: str) -> str:
    """The page's prose: no front matter, code, comments, question (the exam's own words), math,
    facts, inline code, link targets, tags, heading ids, or references (citations)."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"^[ \t]*(```|~~~).*?^[ \t]*\1", "", text, flags=re.S | re.M)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"^## (?:The question|השאלה)\b.*?(?=^## )", "", text, flags=re.S | re.M)
    text = re.split(r"^## (?:References|מקורות)\b.*$", text, flags=re.M)[0]
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"(?<![\\$])\$(?:[^$\n]|\n(?!\n))+?\$", " ", text)  # inline math, also over a line break
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
    (
        r"(?:\b(?:[Ss]tep|Experiment|point|trap|Figure|ch\.)|ניסוי|שלב|צעד|נקודה|סעיף|מלכודת|איור|פרק)[\s־]+\d+(?:\.\d+)?",
        "a reference to a numbered step, experiment, point, trap, figure or chapter",
    ),
    (r"\b(?:19|20)\d\d\b", "a year (of a citation)"),
    (r"(?<![\w])[A-D][1-5](?![\w])", "a question's label (A1 … B3)"),
    (
        r"\b(?:Conv[123]d|MaxPool[123]d|AvgPool[123]d|BatchNorm[123]d|CIFAR-10+|VGG-\d+|ResNet-\d+|LeNet-\d|"
        r"float(?:16|32|64)|ReLU6|log2|S[24]|C[135]|F6|G\d?)\b",
        "part of a name (Conv2d, CIFAR-10, float32, LeNet's S2)",
    ),
    (r"\b8×8(?= (?:digits|pixels))|(?<=בגודל )8×8|8×8(?= פיקסלים)", "the name of scikit-learn's 8×8 digits"),
    (r"(?<![\w.,])[01](?![\w]|[.,]\d)", "zero and one as mathematical constants (a zero derivative, slope one)"),
)

#: Numbers still typed on each page, with why each may stay (none is a result or a setting of the book's
#: code: those are facts). A new number is not here: make it a fact.

KNOWN: dict[str, dict[str, str]] = {
    "a2-rnncell-parameters": {
        "64": "the exam's sizes, in the transposed shape (64, 256) that the wrong answer writes",
        "256": "the exam's sizes, in the transposed shape (64, 256) that the wrong answer writes",
    },
    "a3-gradient-clipping": {
        "4": "the worked example g = (4, 1), an input of the illustration, not a result",
    },
    "a4-hyperparameters": {
        "2": "the rows d = 2, 4, 8 of the illustration table, chosen inputs whose run counts are facts",
        "4": "the rows d = 2, 4, 8 of the illustration table, chosen inputs whose run counts are facts",
        "8": "the illustration table's d = 8, and scikit-learn's 8×8 digits (the data set's name)",
    },
    "a5-gpu-vs-cpu": {
        "12": "the arithmetic intensity 1/12 of float32 addition (two reads, one write, one FLOP), a constant",
    },
    "b1-kl-asymmetry": {
        "0.5": "the example distributions Bern(0.5) and Bern(0.9) of the answer, and a figure's start point",
        "0.9": "the example distribution Bern(0.9) of the answer",
        "2": "log 2, a constant: the bound of both KL directions between a fair coin and a certain one",
    },
    "b2-bad-results": {
        "8": "scikit-learn's 8×8 digits, the data set's name",
        "10": "the digits' ten classes, a property of the data set, and log 10, the chance level",
        "16": "the raw pixel range 0 to 16 of scikit-learn's digits, a property of the data set",
        "152": "the depth of He et al.'s ResNet, a fact of the cited paper",
    },
    "b3-cnn-shapes": {
        "2": "the heading stride=2, the variant's name as in its listing (VARIANTS['stride2']); its numbers are facts",
        "3": "the exam's Conv2d(3, 5, 3) in the figure's description",
        "5": "the exam's Conv2d(3, 5, 3), and LeNet-5's published layer sizes (a cited fact)",
        "6": "LeNet-5's published layer sizes (LeCun et al., 1998)",
        "10": "LeNet-5's published layer sizes (LeCun et al., 1998)",
        "14": "LeNet-5's published layer sizes (LeCun et al., 1998)",
        "16": "LeNet-5's published layer sizes (LeCun et al., 1998)",
        "28": "LeNet-5's published layer sizes (LeCun et al., 1998)",
        "84": "LeNet-5's published layer sizes (LeCun et al., 1998)",
        "120": "LeNet-5's published layer sizes (LeCun et al., 1998)",
    },
    "d-cnn-characteristics": {
        "2": "FlopCounterMode's convention of 2 FLOPs per multiply–accumulate, a definition of PyTorch's counter",
        "3": "3 × 3 kernels on 3 channels, the exam's Conv2d(3, 5, 3)",
        "5": "the exam's five kernels of Conv2d(3, 5, 3)",
        "16": "an input size that the listing of GapNet runs in its doctest, shown above the sentence",
        "28": "the exam's 28 × 28 input",
        "37": "an input size that the listing of GapNet runs in its doctest, shown above the sentence",
        "53": "an input size that the listing of GapNet runs in its doctest, shown above the sentence",
        "90": "a quarter turn, 90°, the rotation the demonstration uses (a right angle, not a setting)",
        "224": "VGG-16's published 224 × 224 input (Simonyan and Zisserman, 2015)",
    },
}

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")


def typed_numbers(text: str) -> list[tuple[str, str]]:
    """``(number, context)`` for every number left in the prose after the rules.

    >>> [n for n, _ in typed_numbers("## Why\\n\\nAfter 9 layers, see §3 (Smith, 2013), `x = 4`, $k = 5$.\\n")]
    ['9']
    """
    found = []
    for line in prose(text).splitlines():
        for pattern, _ in RULES:
            line = re.sub(pattern, " ", line)
        for m in NUMBER.finditer(line):
            found.append((m.group(), line[max(0, m.start() - 40) : m.end() + 40].strip()))
    return found


def _page(stem: str, edition: str) -> Path:
    return DOCS / "chapters" / f"{stem}{edition}.md"


@pytest.mark.parametrize("edition", ["", ".he"], ids=["en", "he"])
@pytest.mark.parametrize("stem", CHAPTERS)
def test_no_new_number_is_typed_into_the_prose(stem, edition):
    page = _page(stem, edition)
    known = KNOWN.get(stem, {})
    new = [(n, ctx) for n, ctx in typed_numbers(page.read_text(encoding="utf-8")) if n not in known]
    assert not new, (
        f"{page.name} types numbers into its prose: make each a fact ({{{{ module.key }}}}), "
        f"or, if it is neither a result nor a configuration, add it to KNOWN with the reason: {new}"
    )


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
