"""The whole site in Chromium: the colour toggle, navigable without reloads,
and readable offline from file://. (Accessibility and figures in both colour schemes,
page by page: tests/test_browser_pages.py.)"""

from __future__ import annotations

import re

import pytest

from browser_tools import assert_math_typeset, follow, goto, images_not_shown, reuse_tab, watch
from conftest import site_pages

pytestmark = pytest.mark.browser


def test_the_colour_toggle_switches_and_is_remembered(server, tab):
    page = tab
    reuse_tab(page, "light")  # its storage cleared: no scheme remembered yet
    goto(page, server + "chapters/a2-rnncell-parameters/")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.click("form[data-md-component=palette] label:visible")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    goto(page, server + "exam/")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    assert_math_typeset(page, "exam in dark mode", min_formulas=1)
    page.click("form[data-md-component=palette] label:visible")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"


@pytest.mark.parametrize("edition", ["", "he/"])
def test_clicking_through_the_whole_nav_keeps_math_and_figures(site, server, tab, edition):
    """Instant navigation: one page load, then every nav entry of the edition by click;
    math and figures on each (the notebooks too: each has its Hebrew page)."""
    page = tab
    reuse_tab(page)
    visit = watch(page, server)
    goto(page, server + edition)
    page.evaluate("() => { window.__stillTheSameWindow = true; }")
    hrefs = page.evaluate(
        """() => [...document.querySelectorAll('nav.md-nav--primary a.md-nav__link[href]')]
                 .filter(a => a.offsetParent !== null && !a.getAttribute('href').includes('#'))
                 .map(a => a.getAttribute('href'))"""
    )
    hrefs = list(dict.fromkeys(hrefs))
    expected = (
        [p for p in site_pages(site) if p.startswith("he/")]
        if edition
        else [p for p in site_pages(site) if not p.startswith("he/")]
    )
    assert len(hrefs) == len(expected), hrefs
    for href in hrefs[1:] + hrefs[:1]:
        follow(
            page, page.locator(f"nav.md-nav--primary a.md-nav__link[href='{href}']").locator("visible=true").first.click
        )
        assert page.evaluate("() => window.__stillTheSameWindow === true"), f"{href} reloaded the page"
        assert page.evaluate("() => document.documentElement.lang") == (edition.strip("/") or "en")
        assert_math_typeset(page, f"after clicking {href}")
        broken = images_not_shown(page)
        assert not broken, f"{href}: images not shown {broken}"
    assert not visit.problems(), visit.problems()


def test_offline_copy_renders_math_from_file_urls(offline_site, tab):
    """The copy built for reading from disk works from file:// — math, no other host
    (its search: tests/test_browser_search.py)."""
    page = tab
    reuse_tab(page)
    start = (offline_site / "index.html").as_uri()
    visit = watch(page, start)
    page.goto((offline_site / "chapters" / "a2-rnncell-parameters.html").as_uri(), wait_until="load")
    assert_math_typeset(page, "offline A2", min_formulas=10)
    assert not visit.foreign_requests and not visit.console_errors, visit.problems()
    # Links between pages point at files, not at folders a file:// browser cannot open.
    hrefs = page.evaluate("() => [...document.querySelectorAll('nav a[href]')].map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 20, hrefs
    assert not [h for h in hrefs if re.search(r"/$", h)], hrefs
