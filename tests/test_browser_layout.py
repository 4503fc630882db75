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


def test_every_page_fits_a_360px_phone_with_a_readable_title(site, server, browser):
    pages = site_pages(site)
    assert {"", "chapters/b3-cnn-shapes/", "he/chapters/b3-cnn-shapes/", "notebooks/c_lipschitz_rnn/"} <= set(pages)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    math_js: list[str] = []
    page.on("request", lambda r: math_js.append(r.url) if re.search(r"katex[^/]*\.js|auto-render", r.url) else None)
    wide, titles, scripts = {}, {}, {}
    for path in pages:
        page.goto(server + path, wait_until="networkidle")
        state = page.evaluate(LAYOUT_JS)
        where = path or "/"
        if state["scrollWidth"] > PHONE["width"]:
            wide[where] = state["scrollWidth"]
        # The whole name is on screen: nothing clipped (no ellipsis) and at least 20 characters.
        if not (state["title"] and len(state["title"]) >= 20 and state["titleScroll"] <= state["titleClient"]
                and state["titleOnScreen"]):
            titles[where] = state
        if state["katexScripts"] or state["katexGlobal"]:
            scripts[where] = state["katexScripts"]
    context.close()
    assert not wide, f"pages that scroll sideways at 360 px (scrollWidth): {wide}"
    assert not titles, f"header title cut on a phone: {titles}"
    assert not scripts and not math_js, f"math JavaScript loaded: {scripts} {math_js}"


def test_wide_display_math_scrolls_in_its_own_box(server, browser):
    """A2's display equations on a desktop and a phone: each either fits or scrolls itself."""
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(server + "chapters/a2-rnncell-parameters/", wait_until="networkidle")
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
        context.close()
