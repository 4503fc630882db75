"""Every page of the built site in Chromium, with every per-page check, in both colour schemes.

One visit per page of both editions. It loads in light mode; an English page is then
switched to dark mode by the header's palette toggle, as a reader does, and checked again
(the two editions share every colour: one stylesheet, one theme; what the Hebrew edition
changes is direction and text, which its light visit checks). On each visit:

- it loads from the local server with no console error, no page error, no failed
  request and no request started by the page to any other host (Playwright reports
  only requests made by the page, not the ones Chromium makes on its own);
- the colour scheme is the one asked for;
- every formula is typeset by KaTeX and no raw TeX delimiter is left in the visible text;
- every image in the article is shown, and an SVG figure sits on white in both schemes;
- a Hebrew page is right to left, with code, math, shapes and self-check inputs left to right;
- axe-core finds no serious or critical accessibility violation (in dark mode its colour rules:
  the DOM is the one the light run checked with every rule, and a scheme changes only colours);
- the same page resized to a 360 × 740 phone: no sideways scroll, the header's title shown
  whole, no math JavaScript (``tests/test_browser_layout.py`` holds the rules).

The dark scheme is reached by the toggle, not by a second load with a dark system: the
theme's CSS keys every colour to ``data-md-color-scheme``, which the toggle and a dark
system's first paint set alike (the latter: ``tests/test_browser_perf.py``). One load per
page instead of two saves about a quarter of this file's time.

Each page is its own test (a line of progress each, spread over the xdist workers), in the
worker's shared tab (``tab``, reset by ``browser_tools.reuse_tab``): a load in a running tab
costs Chromium about a quarter of the CPU of one in a new tab.
The page list is known before the build, from the nav: a test checks that it is every
page the build made.
"""

from __future__ import annotations

import pytest

from book.config import nav_pages
from browser_tools import (
    COLOUR_RULES,
    assert_hebrew_directions,
    assert_math_typeset,
    goto,
    images_not_shown,
    reuse_tab,
    run_axe,
    watch,
)
from conftest import site_pages
from test_browser_layout import PHONE, phone_layout_problems

pytestmark = pytest.mark.browser

ENGLISH = nav_pages()
# The Hebrew edition has every page, the notebooks too (docs/notebooks/<name>.he.py).
HEBREW = ["he/" + p for p in ENGLISH]
VISITS = ENGLISH + HEBREW
# A page whose Hebrew edition has code blocks, inline code and math: the direction check has something to check.
HEBREW_WITH_EVERYTHING = "he/chapters/a2-rnncell-parameters/"

IMAGES_JS = """() => [...document.querySelectorAll('article img')].map(i => ({
     src: (i.getAttribute('src') || '').slice(0, 60), loaded: i.complete && i.naturalWidth > 0,
     bg: getComputedStyle(i).backgroundColor}))"""


def test_the_visited_pages_are_every_page_of_the_build(site):
    assert sorted(ENGLISH + HEBREW) == sorted(site_pages(site))
    key_pages = {"", "exam/", "chapters/a2-rnncell-parameters/", "he/", "he/exam/", HEBREW_WITH_EVERYTHING}
    assert key_pages <= set(VISITS)


#: The header's palette toggle (Material shows the one that leads to the other scheme).
PALETTE_TOGGLE = "form[data-md-component=palette] label:visible"
#: The theme fades colours (CSS transitions of 125 ms and more): a colour read during one is neither
#: scheme's, and a block skipped while off screen (content-visibility) starts its fade only when axe-core
#: scrolls to it. The test turns transitions off; they change no colour a transition ends on.
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; }"


def _check_scheme(page, where: str, scheme: str) -> None:
    """The page shows ``scheme``; every figure is shown, an SVG one on white; axe-core finds nothing
    serious (every rule in light mode, the colour rules in dark mode)."""
    expected = "slate" if scheme == "dark" else "default"
    assert page.get_attribute("body", "data-md-color-scheme") == expected, where
    for img in page.evaluate(IMAGES_JS):
        assert img["loaded"], f"{where}: image not shown {img}"
        if "svg" in img["src"]:
            assert img["bg"] == "rgb(255, 255, 255)", f"{where}: figure not on white: {img}"
    violations = run_axe(page, rules=COLOUR_RULES if scheme == "dark" else None)
    assert not violations, f"{where}: axe-core: {violations}"


@pytest.mark.parametrize("path", VISITS, ids=[f"/{p}" for p in VISITS])
def test_page(server, tab, path):
    where = f"/{path}"
    page = tab
    reuse_tab(page, "light")
    visit = watch(page, server)
    try:
        goto(page, server + path)
        assert not images_not_shown(page), f"{where}: images not shown {images_not_shown(page)}"
        assert_math_typeset(page, where)
        if path.startswith("he/"):
            counts = assert_hebrew_directions(page, where)
            if path == HEBREW_WITH_EVERYTHING:
                assert all(counts.values()), f"{where}: code blocks, inline code and math expected: {counts}"
        _check_scheme(page, f"{where} (light)", "light")
        if not path.startswith("he/"):
            page.add_style_tag(content=NO_TRANSITIONS)
            page.click(PALETTE_TOGGLE)
            _check_scheme(page, f"{where} (dark, by the toggle)", "dark")
        page.set_viewport_size(PHONE)
        problems = phone_layout_problems(page)
        assert not problems, f"{where} at 360 px: {problems}"
        assert not visit.problems(), f"{where}: {visit.problems()}"
    finally:
        visit.stop()


def test_the_dark_visits_axe_rules_catch_poor_contrast(browser):
    """The colour rules the dark visits run do flag text too faint to read, and only that."""
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.set_content(
            '<!doctype html><html lang="en"><head><title>t</title></head><body style="background:#222">'
            '<main><p style="color:#333">faint text</p><img src="data:,"></main></body></html>'
        )
        found = {v["id"] for v in run_axe(page, rules=COLOUR_RULES)}
        assert found == {"color-contrast"}, found  # the image without alt text is the other rules' business
        assert "image-alt" in {v["id"] for v in run_axe(page)}
    finally:
        context.close()
