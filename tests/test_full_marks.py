"""Every chapter's "What a full-marks answer must contain" list, in both editions: present, complete, honest.

The list sits under the exam answer, outside the answer-key markers, with the four groups in order,
each non-empty, and the sentence that says it is derived from the question, not an official key.
Engineering pages (marked ``<!-- engineering: not an exam question -->``) answer no exam question
and have no list; every other chapter page must have one.
"""

from __future__ import annotations

import re

import pytest

from conftest import DOCS

ENGINEERING = "<!-- engineering: not an exam question -->"
ALL = sorted((DOCS / "chapters").glob("*.md"))
CHAPTERS = [p for p in ALL if ENGINEERING not in p.read_text(encoding="utf-8")]


def test_every_exam_question_has_its_chapter_pair():
    """Ten questions (A1–A5, B1–B3, C, D), each a chapter in both editions; the rest are engineering pages."""
    assert len(CHAPTERS) == 20, [p.name for p in CHAPTERS]


EDITIONS = {
    "en": (
        "### What a full-marks answer must contain {#full-marks}",
        ("**Must contain**", "**Also correct**", "**Loses points**", "**Enough**"),
        "marking scheme is not public",
        "## Why",
    ),
    "he": (
        "### מה חייבת לכלול תשובה לניקוד מלא {#full-marks}",
        ("**חייבת לכלול**", "**גם נכון**", "**מוריד נקודות**", "**מספיק**"),
        "מחוון הניקוד של הקורס אינו פומבי",
        "## למה {#why}",
    ),
}


def _block(text: str, heading: str, end: str) -> str:
    start = text.index(heading)
    return text[start : text.index(end, start)]


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_full_marks_list_is_complete_and_outside_the_answer_key(md):
    text = md.read_text(encoding="utf-8")
    heading, groups, note, why = EDITIONS["he" if md.name.endswith(".he.md") else "en"]
    assert text.count(heading) == 1, f"{md.name}: no (or more than one) full-marks heading"
    end_answer = text.index("<!-- --8<-- [end:answer] -->")
    assert end_answer < text.index(heading), f"{md.name}: the list must follow the answer key, outside its markers"
    block = _block(text, heading, why)
    positions = [block.find(g) for g in groups]
    assert -1 not in positions and positions == sorted(positions), f"{md.name}: groups missing or out of order"
    for i, group in enumerate(groups):
        body = block[positions[i] : positions[i + 1] if i + 1 < len(groups) else len(block)]
        assert re.search(r"^- \S", body, re.M), f"{md.name}: {group} has no bullet"
    assert note in block, f"{md.name}: say that the list is derived from the question, not an official key"
    assert "official key" not in block.replace("not taken from an official key", ""), md.name
