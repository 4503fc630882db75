"""Every page on a phone, both editions: no sideways scroll, a readable title, no math JavaScript.

At 360 × 740 CSS pixels (the narrowest phone the book supports) every page must fit
its width: ``document.documentElement.scrollWidth`` (which also counts overflow to
the left in a right-to-left page) is at most the viewport's. The header's title
must show the book's name in full, not cut to "A…" by the buttons beside it.
Math is typeset when the book is built: no page loads KaTeX's JavaScript, and a
wide display equation scrolls inside its own box on a desktop screen too.
"""

from __future__ import annotations

import re

import pytest

from browser_tools import DESKTOP, goto, reuse_tab
from conftest import site_pages

PHONE = {"width": 360, "height": 740}

LAYOUT_JS = """() => {
  const topic = document.querySelector('.md-header__title .md-header__topic .md-ellipsis');
  const r = topic ? topic.getBoundingClientRect() : null;
  return {
    scrollWidth: document.documentElement.scrollWidth,
    viewport: document.documentElement.clientWidth,
    title: topic ? topic.textContent.trim() : null,
    titleClient: topic ? topic.clientWidth : 0,
    titleScroll: topic ? topic.scrollWidth : 0,
    titleOnScreen: r ? (r.left >= -1 && r.right <= document.documentElement.clientWidth + 1) : false,
    katexScripts: [...document.scripts].map(s => s.src).filter(s => /katex|auto-render/i.test(s)),
    katexGlobal: typeof window.katex !== 'undefined' || typeof window.renderMathInElement !== 'undefined',
  };
}"""


def test_no_page_links_math_javascript(site):
    """Statically, over every page of both editions: no script of KaTeX's is named."""
    offenders = {}
    for path in site_pages(site):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html)
        bad = [s for s in scripts if re.search(r"katex|auto-render|mathjax", s, re.I)]
        if bad:
            offenders[path or "/"] = bad
    assert not offenders, offenders
    assert not (site / "assets" / "vendor" / "katex" / "katex.min.js").exists(), "katex.min.js is published"
    assert (site / "assets" / "vendor" / "katex" / "katex.min.css").is_file()


def phone_layout_problems(page) -> list[str]:
    """What is wrong with the current page at phone width (the caller sets the viewport to ``PHONE``)."""
    state = page.evaluate(LAYOUT_JS)
    problems = []
    if state["scrollWidth"] > PHONE["width"]:
        problems.append(f"scrolls sideways: scrollWidth {state['scrollWidth']}")
    # The whole name is on screen: nothing clipped (no ellipsis) and at least 20 characters.
    if not (
        state["title"]
        and len(state["title"]) >= 20
        and state["titleScroll"] <= state["titleClient"]
        and state["titleOnScreen"]
    ):
        problems.append(f"header title cut: {state}")
    if state["katexScripts"] or state["katexGlobal"]:
        problems.append(f"math JavaScript loaded: {state['katexScripts']}")
    return problems


@pytest.mark.browser
def test_the_phone_check_catches_a_wide_page(server, tab):
    """Every page gets ``phone_layout_problems`` at the end of its visit (tests/test_browser_pages.py);
    here the check itself is shown to fail on a page made too wide, and to pass on B3 as built."""
    page = tab
    reuse_tab(page, viewport=PHONE)
    goto(page, server + "he/chapters/b3-cnn-shapes/")
    assert phone_layout_problems(page) == []
    page.evaluate(
        "() => { const d = document.createElement('div'); d.style.width = '700px';"
        " d.style.height = '1px'; document.querySelector('article').appendChild(d); }"
    )
    assert any("scrolls sideways" in p for p in phone_layout_problems(page))


@pytest.mark.browser
def test_wide_display_math_scrolls_in_its_own_box(server, tab):
    """A2's display equations on a desktop and a phone: each either fits or scrolls itself."""
    page = tab
    for viewport in (DESKTOP, PHONE):
        reuse_tab(page, viewport=viewport)
        goto(page, server + "chapters/a2-rnncell-parameters/")
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('div.arithmatex')].map(d => {
                 const k = d.querySelector('.katex-display') || d;
                 const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
                 return {fits: k.scrollWidth <= k.clientWidth + 1 || scrolls(k) || scrolls(d),
                         inside: k.getBoundingClientRect().right <= d.getBoundingClientRect().right + 1,
                         text: d.textContent.slice(0, 40)};
               })"""
        )
        assert len(boxes) >= 2, boxes
        bad = [b for b in boxes if not (b["fits"] and b["inside"])]
        assert not bad, f"{viewport}: display math cut off: {bad}"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
