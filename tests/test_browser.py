"""The built site in a real browser (Playwright + Debian Chromium).

For every page: it loads from a local server with no console error, no failed
request and no request started by the page to any other host; every formula is
typeset by KaTeX and no raw TeX delimiter is left in the visible text; Hebrew is
right to left while code and math inside it stay left to right. Math is also
checked after an instant-navigation click and when a page is opened from file://.

Requests are judged by who made them: Playwright reports only requests made by
the page (its documents, scripts, styles, workers), not the ones Chromium makes
on its own, so any non-local request here is the page's doing.
"""

from __future__ import annotations

import pytest

from book.facts import lookup, render
from browser_tools import VISIBLE_TEXT_JS, assert_hebrew_directions, assert_math_typeset, math_state, watch
from conftest import site_pages

pytestmark = pytest.mark.browser

@pytest.fixture()
def page(browser):
    context = browser.new_context()
    p = context.new_page()
    yield p
    context.close()


def test_every_page_loads_cleanly_with_math_typeset(site, server, browser):
    """Both editions. A Hebrew page is also right to left with code and math left to
    right (the rest of the Hebrew checks: tests/test_browser_i18n.py)."""
    pages = site_pages(site)
    assert {"", "exam/", "chapters/a2-rnncell-parameters/", "he/", "he/exam/"} <= set(pages)
    report = {}
    seen = {"pre": 0, "code": 0, "katex": 0}
    for path in pages:
        context = browser.new_context()
        page = context.new_page()
        visit = watch(page, server)
        page.goto(server + path, wait_until="networkidle")
        assert_math_typeset(page, path or "/")
        if path.startswith("he/"):
            for key, n in assert_hebrew_directions(page, path).items():
                seen[key] += n
        if visit.problems():
            report[path or "/"] = visit.problems()
        context.close()
    assert not report, report
    assert all(seen.values()), f"the Hebrew pages should show code blocks, inline code and math: {seen}"


def test_a2_math_is_typeset(server, page):
    page.goto(server + "chapters/a2-rnncell-parameters/", wait_until="networkidle")
    assert_math_typeset(page, "A2")
    state = math_state(page)
    assert state["arithmatex"] >= 10 and state["katex"] >= state["arithmatex"]


def test_exam_formulas_render(server, page):
    """The conv formula and KL, as the exam writes them, become KaTeX."""
    page.goto(server + "exam/", wait_until="networkidle")
    assert_math_typeset(page, "exam")
    annotations = page.evaluate(
        "() => [...document.querySelectorAll('.katex annotation')].map(a => a.textContent)"
    )
    assert any(r"\lfloor" in a and "H_{in}" in a for a in annotations), annotations
    assert any("KL(p,q)" in a.replace(" ", "") for a in annotations), annotations


def test_prose_dollar_signs_are_not_math(server, page):
    """Only arithmatex output is typeset: the dollar signs in a sentence of prose stay text."""
    page.goto(server + "about/verification/", wait_until="networkidle")
    para = page.locator("p", has_text="a GPU hour")
    assert para.count() == 1
    assert "$2 and a CPU hour $0.10" in para.inner_text()
    assert para.locator(".katex").count() == 0


def test_hebrew_is_right_to_left_and_code_left_to_right(server, page):
    page.goto(server + "exam/", wait_until="networkidle")
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
    page.goto(server, wait_until="networkidle")
    page.click("nav.md-nav--primary a[href$='chapters/a2-rnncell-parameters/']")
    page.wait_for_url("**/chapters/a2-rnncell-parameters/")
    page.wait_for_selector(".arithmatex")
    assert_math_typeset(page, "A2 after an instant-navigation click")
    # Instant navigation swapped the page in place: the first page's window survived.
    assert page.evaluate("() => typeof document$ !== 'undefined'")


def test_math_typesets_from_file_url(site, page):
    """Opened from disk (file://), where instant navigation is off, math still renders."""
    url = (site / "chapters" / "a2-rnncell-parameters" / "index.html").as_uri()
    visit = watch(page, url)
    page.goto(url, wait_until="load")
    assert_math_typeset(page, "A2 from file://")
    assert not visit.foreign_requests, visit.foreign_requests
    assert not visit.console_errors, visit.console_errors


def test_notebook_page_renders_outputs_and_math(server, page):
    page.goto(server + "notebooks/a2_rnncell_parameters/", wait_until="networkidle")
    outputs = page.inner_text(".jupyter-wrapper")
    total = render(lookup("a2_rnncell_parameters", "total"))
    assert total in outputs  # printed by the executed notebook itself
    assert page.locator(".jp-RenderedMarkdown .katex").count() >= 1
    text = page.evaluate(VISIBLE_TEXT_JS)
    assert "$" not in text, "raw $…$ math left in a notebook's markdown"
