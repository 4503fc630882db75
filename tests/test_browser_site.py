"""The whole site, every page, in Chromium: accessible in both colour schemes,
navigable without reloads, and readable offline from file://."""

from __future__ import annotations

import re

import pytest

from browser_tools import assert_math_typeset, run_axe, watch
from conftest import site_pages

pytestmark = pytest.mark.browser


def _new_page(browser, scheme="light"):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    return context, context.new_page()


def _pages_for_scheme(site, scheme: str) -> list[str]:
    """Every page of both editions in light mode; in dark mode, the English edition.

    The two editions share every colour (one stylesheet, one theme); what the Hebrew
    edition changes is direction and text, which the light run checks page by page.
    Checking its colours twice more would add minutes to the suite and nothing else.
    """
    return [p for p in site_pages(site) if scheme == "light" or not p.startswith("he/")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation_on_any_page(site, server, browser, scheme):
    """axe-core (vendored, injected by the test) on every page: both editions in light
    mode, the English edition again in dark mode (the colours are shared)."""
    report = {}
    for path in _pages_for_scheme(site, scheme):
        context, page = _new_page(browser, scheme)
        page.goto(server + path, wait_until="networkidle")
        expected = "slate" if scheme == "dark" else "default"
        assert page.get_attribute("body", "data-md-color-scheme") == expected
        assert_math_typeset(page, path)
        violations = run_axe(page)
        if violations:
            report[path or "/"] = violations
        context.close()
    assert not report, report


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_figures_and_notebook_outputs_are_readable(site, server, browser, scheme):
    """Figures sit on white whatever the scheme; notebook output text contrasts with its background."""
    pages = [p for p in _pages_for_scheme(site, scheme)
             if (site / p / "index.html").read_text(encoding="utf-8").count("<img") > 0 or p.startswith("notebooks/")]
    assert pages
    for path in pages:
        context, page = _new_page(browser, scheme)
        page.goto(server + path, wait_until="networkidle")
        images = page.evaluate(
            """() => [...document.querySelectorAll('article img')].map(i => ({
                 src: i.getAttribute('src').slice(0, 60), loaded: i.complete && i.naturalWidth > 0,
                 bg: getComputedStyle(i).backgroundColor}))"""
        )
        for img in images:
            assert img["loaded"], f"{path}: image not shown {img}"
            if img["src"].endswith(".svg") or "svg" in img["src"]:
                assert img["bg"] == "rgb(255, 255, 255)", f"{path}: figure not on white in {scheme} mode: {img}"
        context.close()


def test_the_colour_toggle_switches_and_is_remembered(server, browser):
    context, page = _new_page(browser, "light")
    page.goto(server + "chapters/a2-rnncell-parameters/", wait_until="networkidle")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.click("form[data-md-component=palette] label:visible")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.goto(server + "exam/", wait_until="networkidle")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    assert_math_typeset(page, "exam in dark mode")
    page.click("form[data-md-component=palette] label:visible")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    context.close()


@pytest.mark.parametrize("edition", ["", "he/"])
def test_clicking_through_the_whole_nav_keeps_math_and_figures(site, server, browser, edition):
    """Instant navigation: one page load, then every nav entry of the edition by click;
    math and figures on each. (The Hebrew nav's links to the shared notebooks lead to
    the English edition with a full load: tests/test_browser_i18n.py.)"""
    context, page = _new_page(browser)
    visit = watch(page, server)
    page.goto(server + edition, wait_until="networkidle")
    page.evaluate("() => { window.__stillTheSameWindow = true; }")
    hrefs = page.evaluate(
        """() => [...document.querySelectorAll('nav.md-nav--primary a.md-nav__link[href]')]
                 .filter(a => a.offsetParent !== null && !a.getAttribute('href').includes('#'))
                 .filter(a => !a.getAttribute('href').includes('notebooks/') || document.documentElement.lang === 'en')
                 .map(a => a.getAttribute('href'))"""
    )
    hrefs = list(dict.fromkeys(hrefs))
    expected = [p for p in site_pages(site) if p.startswith("he/")] if edition else \
        [p for p in site_pages(site) if not p.startswith("he/")]
    assert len(hrefs) == len(expected), hrefs
    for href in hrefs[1:] + hrefs[:1]:
        page.locator(f"nav.md-nav--primary a.md-nav__link[href='{href}']").locator("visible=true").first.click()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__stillTheSameWindow === true"), f"{href} reloaded the page"
        assert page.evaluate("() => document.documentElement.lang") == (edition.strip("/") or "en")
        assert_math_typeset(page, f"after clicking {href}")
        broken = page.evaluate(
            "() => [...document.querySelectorAll('article img')].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        assert not broken, f"{href}: images not shown {broken}"
    assert not visit.problems(), visit.problems()
    context.close()


def test_offline_copy_renders_math_from_file_urls(offline_site, browser):
    """The copy built for reading from disk works from file:// — math, no other host
    (its search: tests/test_browser_search.py)."""
    context, page = _new_page(browser)
    start = (offline_site / "index.html").as_uri()
    visit = watch(page, start)
    page.goto((offline_site / "chapters" / "a2-rnncell-parameters.html").as_uri(), wait_until="load")
    assert_math_typeset(page, "offline A2")
    assert not visit.foreign_requests and not visit.console_errors, visit.problems()
    # Links between pages point at files, not at folders a file:// browser cannot open.
    hrefs = page.evaluate("() => [...document.querySelectorAll('nav a[href]')].map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if re.search(r"/$", h)], hrefs
    context.close()
