"""book/bidi.py: shapes, calls, arrow chains and Latin parentheses in Hebrew text stay left to right,
and no Hebrew page has a neutral character at the edge of a Latin run (``neutral_edges``)."""

from __future__ import annotations

import pytest

from book.bidi import isolate_ltr_runs, isolate_page_content, neutral_edges
from book.site_pages import site_pages


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>גודל 3 x 4</p>", '<p>גודל <span dir="ltr">3 x 4</span></p>'),
        ("<p>nn.Linear(4, 2)</p>", '<p><span dir="ltr">nn.Linear(4, 2)</span></p>'),
        ("<p>אין כאן צורה</p>", "<p>אין כאן צורה</p>"),
    ],
)
def test_runs_in_text_are_isolated(html, expected):
    assert isolate_ltr_runs(html) == expected


@pytest.mark.parametrize("element", ["code", "pre", "script", "style", "kbd", "textarea"])
def test_code_and_scripts_are_left_alone(element):
    html = f"<{element}>f(1, 2) <b>3 x 4</b></{element}><p>(5, 6)</p>"
    assert isolate_ltr_runs(html) == f'<{element}>f(1, 2) <b>3 x 4</b></{element}><p><span dir="ltr">(5, 6)</span></p>'


def test_nested_math_is_left_alone_to_its_end():
    html = '<div class="arithmatex"><div>(1, 2)</div>(3, 4)</div><p>(5, 6)</p>'
    expected = '<div class="arithmatex"><div>(1, 2)</div>(3, 4)</div><p><span dir="ltr">(5, 6)</span></p>'
    assert isolate_ltr_runs(html) == expected


def test_attributes_are_not_touched():
    assert isolate_ltr_runs('<a title="(1, 2)">x</a>') == '<a title="(1, 2)">x</a>'


def test_only_the_content_of_a_page_is_changed():
    page = '<nav>(1, 2)</nav><div class="md-content"><p>(1, 2)</p></div>'
    expected = '<nav>(1, 2)</nav><div class="md-content"><p><span dir="ltr">(1, 2)</span></p></div>'
    assert isolate_page_content(page) == expected


# The two sentences of the issue that reported misordered punctuation (B1 and B3, as the
# Hebrew pages quote the exam), as Markdown renders them before the build isolates runs.
B1_QUESTION = "<p>מה ההבדל בין KL(p,q) ל-KL(q,p) (Kullback–Leibler divergence)? הסבירו</p>"
B3_LOST = '<p>הוא 3. <span class="lost">[בסריקה מוזכרות שכבות נוספות ("בנוסף") וגדליהן, שאינן קריאות]</span></p>'


def test_the_b1_question_as_first_written_is_caught():
    problems = neutral_edges(isolate_ltr_runs(B1_QUESTION))
    assert len(problems) == 1 and "ASCII hyphen" in problems[0], problems


def test_the_b1_question_as_written_now_is_clean():
    fixed = isolate_ltr_runs(B1_QUESTION.replace("ל-", "ל־"))
    assert '<span dir="ltr">(Kullback–Leibler divergence)</span>?' in fixed
    assert neutral_edges(fixed) == []


def test_brackets_around_hebrew_text_are_left_to_the_bidi_algorithm():
    """Brackets that hold Hebrew take the Hebrew direction, which is right: nothing to isolate or report."""
    assert isolate_ltr_runs(B3_LOST) == B3_LOST
    assert neutral_edges(B3_LOST) == []


def test_no_hebrew_page_has_a_neutral_at_the_edge_of_a_latin_run(site):
    pages = [p for p in site_pages(site) if p.startswith("he/")]
    assert len(pages) >= 20, pages
    problems = {}
    for page in pages:
        html = (site / page / "index.html").read_text(encoding="utf-8")
        found = neutral_edges(html.partition('<div class="md-content"')[2])
        if found:
            problems[page] = found
    assert not problems, "\n".join(f"{page}: {found}" for page, found in problems.items())
