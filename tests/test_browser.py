"""The built site in a real browser (Playwright + Debian Chromium).

Math in detail: formulas as the exam writes them, prose dollar signs left alone,
math after an instant-navigation click, from file://, and in a notebook's markdown.
(Every page's own checks — requests, console, math, directions, images, axe — are
in tests/test_browser_pages.py.)
"""

from __future__ import annotations

import pytest

from book.facts import lookup, render
from browser_tools import VISIBLE_TEXT_JS, assert_math_typeset, follow, goto, math_state, reuse_tab, watch

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(tab):
    """The worker's shared tab, reset (``browser_tools.reuse_tab``)."""
    reuse_tab(tab)
    return tab


def test_a2_math_is_typeset(server, page):
    goto(page, server + "chapters/a2-rnncell-parameters/")
    assert_math_typeset(page, "A2")
    state = math_state(page)
    assert state["arithmatex"] >= 10 and state["katex"] >= state["arithmatex"]


def test_exam_formulas_render(server, page):
    """The conv formula and KL, as the exam writes them, become KaTeX."""
    goto(page, server + "exam/")
    assert_math_typeset(page, "exam")
    annotations = page.evaluate("() => [...document.querySelectorAll('.katex annotation')].map(a => a.textContent)")
    assert any(r"\lfloor" in a and "H_{in}" in a for a in annotations), annotations
    assert any("KL(p,q)" in a.replace(" ", "") for a in annotations), annotations


def test_prose_dollar_signs_are_not_math(server, page):
    """Only arithmatex output is typeset: the dollar signs in a sentence of prose stay text."""
    goto(page, server + "about/verification/")
    para = page.locator("p", has_text="a GPU hour")
    assert para.count() == 1
    assert "$2 and a CPU hour $0.10" in para.inner_text()
    assert para.locator(".katex").count() == 0


def test_hebrew_is_right_to_left_and_code_left_to_right(server, page):
    goto(page, server + "exam/")
    dirs = page.evaluate(
        """() => [...document.querySelectorAll('[dir="rtl"]')].map(e => getComputedStyle(e).direction)"""
    )
    assert len(dirs) >= 10 and set(dirs) == {"rtl"}, dirs
    inner = page.evaluate(
        """() => [...document.querySelectorAll('[dir="rtl"] code, [dir="rtl"] .katex')]
                 .map(e => getComputedStyle(e).direction)"""
    )
    assert inner and set(inner) == {"ltr"}, inner
    text = page.locator('[dir="rtl"]').first.inner_text()
    assert "ברשתות עמוקות" in text


def test_instant_navigation_keeps_math_typeset(server, page):
    goto(page, server)
    follow(page, lambda: page.click("nav.md-nav--primary a[href$='chapters/a2-rnncell-parameters/']"))
    assert page.url.endswith("/chapters/a2-rnncell-parameters/")
    assert_math_typeset(page, "A2 after an instant-navigation click", min_formulas=10)
    # Instant navigation swapped the page in place: the first page's window survived.
    assert page.evaluate("() => typeof document$ !== 'undefined'")


def test_math_typesets_from_file_url(site, page):
    """Opened from disk (file://), where instant navigation is off, math still renders."""
    url = (site / "chapters" / "a2-rnncell-parameters" / "index.html").as_uri()
    visit = watch(page, url)
    page.goto(url, wait_until="load")
    assert_math_typeset(page, "A2 from file://", min_formulas=10)
    assert not visit.foreign_requests, visit.foreign_requests
    assert not visit.console_errors, visit.console_errors


def test_notebook_page_renders_outputs_and_math(server, page):
    goto(page, server + "notebooks/a2_rnncell_parameters/")
    outputs = page.inner_text(".jupyter-wrapper")
    total = render(lookup("a2_rnncell_parameters", "total"))
    assert total in outputs  # printed by the executed notebook itself
    assert page.locator(".jp-RenderedMarkdown .katex").count() >= 1
    text = page.evaluate(VISIBLE_TEXT_JS)
    assert "$" not in text, "raw $…$ math left in a notebook's markdown"
