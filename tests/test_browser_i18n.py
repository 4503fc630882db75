"""The Hebrew edition in Chromium: a language switcher that lands on the same page,
the notebooks' Hebrew pages, and the book's interactive parts speaking
Hebrew. Every page of both editions also goes through the checks of test_browser_pages.py
(requests, console, math, images, axe-core; for Hebrew pages, right to left with code,
math and shapes left to right) and test_browser_site.py (instant navigation). That the
build has a Hebrew page for every English one, right to left, is checked without a
browser in tests/test_i18n.py."""

from __future__ import annotations

import pytest

from browser_tools import assert_math_typeset, click_nav, goto, reuse_tab, watch

pytestmark = pytest.mark.browser


def _page(tab, width=1280):
    """The worker's shared tab, reset, ``width`` px wide."""
    reuse_tab(tab, viewport={"width": width, "height": 900})
    return tab


def _switch(page, lang: str):
    page.locator(".md-select").first.hover()
    page.locator(f".md-select__link[hreflang={lang}]").first.click()
    page.wait_for_load_state("networkidle")


def test_switcher_lands_on_the_same_page_after_instant_navigation(server, tab):
    page = _page(tab)
    visit = watch(page, server)
    goto(page, server + "chapters/a2-rnncell-parameters/")
    # move by instant navigation first: the header (and its switcher) is not reloaded
    page.evaluate("() => { window.__sameWindow = true; }")
    page.locator("nav.md-nav--primary a.md-nav__link[href$='b1-kl-asymmetry/']").locator("visible=true").first.click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.__sameWindow === true"), "nav click reloaded the page"
    _switch(page, "he")
    assert page.url == server + "he/chapters/b1-kl-asymmetry/"
    assert page.evaluate("() => [document.documentElement.lang, document.body.dir]") == ["he", "rtl"]
    assert page.evaluate("() => window.__sameWindow") is None, "changing edition must load the page anew"
    assert_math_typeset(page, "he B1 after switching")
    page.locator("nav.md-nav--primary a.md-nav__link[href$='c-lipschitz-rnn/']").locator("visible=true").first.click()
    page.wait_for_load_state("networkidle")
    _switch(page, "en")
    assert page.url == server + "chapters/c-lipschitz-rnn/"
    assert page.evaluate("() => [document.documentElement.lang, document.body.dir]") == ["en", "ltr"]
    assert not visit.problems(), visit.problems()


def test_hebrew_notebook_from_the_hebrew_nav_and_its_english_edition(server, tab):
    """The Hebrew nav leads to the notebook's Hebrew page (right to left, its code left to
    right), and the switcher to the same notebook in English and back."""
    page = _page(tab)
    goto(page, server + "he/chapters/a2-rnncell-parameters/")
    click_nav(page, "notebooks/a2_rnncell_parameters/")
    page.wait_for_load_state("networkidle")
    assert page.url == server + "he/notebooks/a2_rnncell_parameters/"
    page.wait_for_selector(".jupyter-wrapper pre")  # instant navigation swaps the content after the address
    assert page.evaluate("() => [document.documentElement.lang, document.body.dir]") == ["he", "rtl"]
    assert page.evaluate("() => getComputedStyle(document.querySelector('.jupyter-wrapper pre')).direction") == "ltr"
    assert "הריצו בעצמכם" in page.locator("article h1").first.inner_text()
    _switch(page, "en")
    assert page.url == server + "notebooks/a2_rnncell_parameters/"
    assert page.evaluate("() => [document.documentElement.lang, document.body.dir]") == ["en", "ltr"]
    _switch(page, "he")
    assert page.url == server + "he/notebooks/a2_rnncell_parameters/"


def test_exam_mode_and_self_checks_speak_hebrew(server, tab):
    page = _page(tab)
    visit = watch(page, server)
    goto(page, server + "he/chapters/a2-rnncell-parameters/")
    toggle = page.locator(".book-mode-toggle")
    assert toggle.inner_text() == "מצב מבחן: כבוי"
    toggle.click()
    assert page.locator(".book-reveal .admonition-title").inner_text() == "מצב מבחן: נסו קודם בעצמכם"
    assert page.locator(".book-answers").is_hidden()
    page.locator(".book-reveal button").click()
    assert page.locator(".book-answers").is_visible()
    toggle.click()
    box = page.locator("#check-a2-total")
    box.locator("input").fill("abc")
    box.locator("button").click()
    assert "ספרות בלבד" in box.locator(".self-check__message").inner_text()
    box.locator("input").fill("1")
    box.locator("button").click()
    assert box.locator(".self-check__message").inner_text().startswith("לא בדיוק")
    assert not visit.problems(), visit.problems()


def test_every_interface_text_has_a_hebrew_version(server, tab):
    page = _page(tab)
    goto(page, server + "he/")
    tables = page.evaluate("() => window.bookTextTables")
    assert len(tables["en"]) >= 10, tables
    assert set(tables["en"]) == set(tables["he"]), set(tables["en"]) ^ set(tables["he"])


def test_shape_calculator_speaks_hebrew_and_still_computes(server, browser, tab):
    page = _page(tab)
    visit = watch(page, server)
    goto(page, server + "he/chapters/b3-cnn-shapes/")
    summary = page.locator(".shape-calculator .sc-summary").first
    text = summary.inner_text()
    assert text.startswith("פלט") and "פרמטרים" in text, text
    english = browser.new_page()
    goto(english, server + "chapters/b3-cnn-shapes/")
    # the same numbers in both editions
    import re

    assert re.findall(r"\d[\d,]*", english.locator(".shape-calculator .sc-summary").first.inner_text()) == re.findall(
        r"\d[\d,]*", text
    )
    english.close()
    assert not visit.problems(), visit.problems()
