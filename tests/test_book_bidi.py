"""book/bidi.py: shapes, calls and arrow chains in Hebrew text stay left to right."""

from __future__ import annotations

import pytest

from book.bidi import isolate_ltr_runs, isolate_page_content


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
