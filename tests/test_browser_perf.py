"""What keeps the pages fast on a phone (issue 16): nothing moves after first paint, scripts only where needed.

- The header has its final size in the HTML: on a 360 px and a 412 px phone (Lighthouse's),
  in both editions, the header and its buttons have the same boxes with JavaScript off (what
  the first paint shows) and after the scripts have run; and no layout shift the browser
  records on load names the header or the page below it.
- The shape calculator's scripts (docs/assets/javascripts/lazy.js) load on the B3 pages and
  on no other; reached by instant navigation, the calculator still starts.
- Every image of every page carries its width and height (book/page_weight.py); every
  script of the book is deferred; listings lost no text to ``slim_code``.
- A long chapter's answer blocks are skipped while off screen (book.css, content-visibility:
  auto): at load most of C's elements are not laid out; the blocks a phone's first screen may
  show and the last ones are never skipped, nor headings or a listing's <div>; a skipped
  block has the height it would have without skipping (margins) and clips nothing; a late
  anchor lands on its heading; print shows everything; every region that scrolls sideways
  is reachable by keyboard (a11y.js) at load and once shown, and axe-core finds nothing.
- A dark-mode reader's first visit is dark before the theme's bundle runs (book/page_weight.py's
  early_color_scheme): no light first paint, and no skipped block keeps a light style.
"""

from __future__ import annotations

import re

import pytest

from browser_tools import assert_loaded_cold, goto, reuse_tab, run_axe
from conftest import site_pages

PHONES = ({"width": 360, "height": 740}, {"width": 412, "height": 823})
PAGES = ("", "chapters/c-lipschitz-rnn/", "notebooks/a2_rnncell_parameters/")
HE_PAGES = ("he/", "he/chapters/b3-cnn-shapes/")

HEADER_JS = """() => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
                     return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]; };
  const q = s => box(document.querySelector(s));
  return {header: q('.md-header'), title: q('.md-header__title'), toggle: q('.book-mode-toggle'),
          search: q('.book-search__open'), select: q('.md-select'), container: q('.md-container')};
}"""

#: The layout shifts the page recorded since it began to load: the browser keeps them for an observer
#: that asks for them (``buffered``), so no script needs to run before the page's own.
SHIFTS_JS = """() => new Promise(resolve => {
  const seen = [];
  const observer = new PerformanceObserver(list => seen.push(...list.getEntries()));
  observer.observe({type: 'layout-shift', buffered: true});
  setTimeout(() => {
    seen.push(...observer.takeRecords());
    observer.disconnect();
    resolve(seen.map(e => ({value: e.value, sources: e.sources.map(s => s.node && s.node.nodeType === 1
      ? (s.node.tagName + '.' + s.node.className) : String(s.node && s.node.nodeName))})));
  }, 100);
})"""

HEADER_PARTS = ("md-header", "md-container", "md-select", "md-header__option", "book-mode-toggle", "book-search")


@pytest.fixture(scope="module")
def tab_without_javascript(browser):
    """A tab of a context with JavaScript off: what the first paint shows, before any script runs."""
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def _header(page, url: str, viewport: dict) -> dict:
    reuse_tab(page, viewport=viewport, empty_cache=True)  # a first visit's first paint
    goto(page, url)
    assert_loaded_cold(page)
    return page.evaluate(HEADER_JS)


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES + HE_PAGES)
def test_the_header_has_its_final_size_at_first_paint(server, tab, tab_without_javascript, path):
    for viewport in PHONES:
        first = _header(tab_without_javascript, server + path, viewport)
        final = _header(tab, server + path, viewport)
        assert first["toggle"] and first["search"], f"{path}: the build did not write the header buttons: {first}"
        # The page below the header starts where it started (its length may change: copy buttons, forms).
        first["container"], final["container"] = first["container"][:3], final["container"][:3]
        for key in ("header", "title", "toggle", "search", "select", "container"):
            assert first[key] == final[key], f"{path} at {viewport['width']} px: {key} {first[key]} -> {final[key]}"
        # The title row keeps the whole width: the book's name is not cut by the buttons.
        assert final["title"][2] >= viewport["width"] - 16, final


@pytest.mark.browser
@pytest.mark.parametrize("path", ("chapters/a2-rnncell-parameters/", "he/", "exam/"))
def test_no_layout_shift_moves_the_header_or_the_page(server, tab, path):
    page = tab
    reuse_tab(page, viewport=PHONES[1], empty_cache=True)  # a first visit: fonts and styles arrive late
    goto(page, server + path)
    assert_loaded_cold(page)
    page.wait_for_timeout(300)
    shifts = page.evaluate(SHIFTS_JS)
    # A button may move sideways by a few pixels while the header is still being parsed
    # (scores about 0.002); the header growing after first paint scored 0.25.
    bad = [s for s in shifts if any(part in src for src in s["sources"] for part in HEADER_PARTS)]
    assert sum(s["value"] for s in bad) < 0.01, f"{path}: the header or the page moved after first paint: {bad}"
    # The check sees shifts at all: a header grown by script is caught.
    reuse_tab(page, viewport=PHONES[1], empty_cache=True)
    goto(page, server + path)
    page.evaluate("() => { document.querySelector('.md-header__inner').style.paddingTop = '30px'; }")
    page.wait_for_timeout(300)
    moved = page.evaluate(SHIFTS_JS)
    assert sum(s["value"] for s in moved if any("md-container" in src for src in s["sources"])) >= 0.01, moved


def _scripts(page) -> list[str]:
    return page.evaluate("() => [...document.scripts].map(s => s.src.split('/').pop()).filter(Boolean)")


@pytest.mark.browser
def test_the_shape_calculator_scripts_load_only_where_a_calculator_is(server, tab):
    page = tab
    reuse_tab(page)
    goto(page, server)
    assert "lazy.js" in _scripts(page)
    needs = page.evaluate("window.bookLazyScripts")
    calc = next(n for n in needs if n["selector"] == ".shape-calculator")
    assert calc["scripts"] == ["shape-calculator.js", "shape-calculator-ui.js"]
    for path in ("", "chapters/c-lipschitz-rnn/", "he/chapters/a2-rnncell-parameters/", "exam/"):
        goto(page, server + path)
        assert not set(calc["scripts"]) & set(_scripts(page)), path
        assert page.evaluate("typeof window.ShapeCalculator") == "undefined", path
    for path in ("chapters/b3-cnn-shapes/", "he/chapters/b3-cnn-shapes/"):
        goto(page, server + path)
        assert set(calc["scripts"]) <= set(_scripts(page)), path
        page.wait_for_selector(".shape-calculator[data-ready] table", timeout=5000)
    # Instant navigation from a page without a calculator: the scripts come, the calculator starts.
    goto(page, server)
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator('.md-nav a[href$="chapters/b3-cnn-shapes/"]').first.click()
    page.wait_for_selector(".shape-calculator[data-ready] table", timeout=10000)
    assert page.evaluate("window.__sameDocument") is True, "the link was followed with a full page load"


@pytest.mark.browser
def test_the_practice_scripts_load_only_on_practice_pages(server, tab):
    """Each practice kind's scripts come with its block; instant navigation to another kind draws it."""
    page = tab
    reuse_tab(page)
    for path in ("", "chapters/c-lipschitz-rnn/", "exam/"):
        goto(page, server + path)
        assert not [s for s in _scripts(page) if s.startswith("practice")], path
    for kind, path in (("a2", "chapters/a2-rnncell-parameters/"), ("d", "he/chapters/d-cnn-characteristics/")):
        goto(page, server + path)
        loaded = [s for s in _scripts(page) if s.startswith("practice")]
        assert loaded == ["practice-rng.js", f"practice-{kind}.js", "practice.js"], (path, loaded)
        page.wait_for_selector(f'.practice[data-practice="{kind}"][data-ready] input', timeout=5000)
        assert page.url == server + path, "a plain chapter address is left as it is (no seed written into it)"
    goto(page, server + "chapters/a2-rnncell-parameters/")
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator('.md-nav a[href$="chapters/b1-kl-asymmetry/"]').first.click()
    page.wait_for_selector('.practice[data-practice="b1"][data-ready] input', timeout=10000)
    assert page.evaluate("window.__sameDocument") is True, "the link was followed with a full page load"


def test_every_image_has_its_size_and_every_script_is_deferred(site):
    unsized, blocking = {}, {}
    for path in site_pages(site):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        imgs = [t for t in re.findall(r"<img\b[^>]*>", html) if not (" width=" in t and " height=" in t)]
        if imgs:
            unsized[path or "/"] = imgs[:3]
        scripts = [t for t in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html) if " defer" not in t]
        if scripts:
            blocking[path or "/"] = scripts
    assert not unsized, unsized
    assert not blocking, blocking
    c = (site / "chapters" / "c-lipschitz-rnn" / "index.html").read_text(encoding="utf-8")
    assert '<span class="n">' not in c and "class LipschitzRNNCell" in re.sub(r"<[^>]+>", "", c)
    for path in ("", "he/", "chapters/b3-cnn-shapes/"):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        scripts = re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html)
        assert not [s for s in scripts if "shape-calculator" in s] and any(s.endswith("lazy.js") for s in scripts), path


#: The blocks book.css lets the browser skip (content-visibility: auto), and how much of the page is in them.
SKIP_JS = """() => {
  const blocks = [...document.querySelectorAll('.md-content__inner > .book-answers > *, '
                                              + '.md-content__inner > .book-answers > .highlight > pre')]
    .filter(e => getComputedStyle(e).contentVisibility === 'auto');
  const isSkipped = e => !!e.firstElementChild && !e.firstElementChild.checkVisibility({contentVisibilityAuto: true});
  const answers = [...document.querySelectorAll('.md-content__inner > .book-answers > *')];
  const interactive = answers.filter(e => e.matches('.shape-calculator, .practice, .self-check'));
  const never = answers.filter((e, i) => i < 7 || i >= answers.length - 3 || /^H[1-6]$/.test(e.tagName)
                                         || e.classList.contains('highlight')).concat(interactive);
  return {
    blocks: blocks.length,
    interactive: interactive.length,
    skippedElements: blocks.filter(isSkipped).reduce((n, e) => n + e.getElementsByTagName('*').length, 0),
    elements: document.getElementsByTagName('*').length,
    wronglySkippable: never.filter(e => getComputedStyle(e).contentVisibility !== 'visible')
                           .map(e => e.tagName + '.' + e.className),
  };
}"""

C_PAGE = "chapters/c-lipschitz-rnn/"


@pytest.mark.browser
@pytest.mark.parametrize("path", (C_PAGE, "he/" + C_PAGE, "chapters/a3-gradient-clipping/", "chapters/b3-cnn-shapes/"))
def test_a_long_page_lays_out_only_what_is_on_screen(server, tab, path):
    """Off-screen answer blocks are skipped; headings, listings' divs, figures, the first and last blocks
    and the interactive blocks (whose scripts read their text: a skipped block has none) never are."""
    page = tab
    reuse_tab(page, viewport=PHONES[1])
    goto(page, server + path)
    state = page.evaluate(SKIP_JS)
    assert state["blocks"] >= 5, f"{path}: book.css lets the browser skip no answer block: {state}"
    assert not state["wronglySkippable"], f"{path}: a block that must always be laid out may be skipped: {state}"
    if "b3-cnn" in path:  # the shape calculator and the practice block
        assert state["interactive"] >= 2, state
    if "c-lipschitz" in path:
        # C: about 13,000 elements, most of them in the answer's blocks below the first screen.
        assert state["skippedElements"] >= 0.6 * state["elements"], state
    page.emulate_media(media="print")
    printed = page.evaluate(SKIP_JS)
    assert printed["blocks"] == 0, f"{path}: a block would be skipped in print (the PDFs): {printed}"


@pytest.mark.browser
@pytest.mark.parametrize("path", (C_PAGE, "chapters/d-cnn-characteristics/"))
def test_skipping_changes_no_block_s_size_and_clips_nothing(server, tab, path):
    """Each skippable block, laid out, has the height it has with no containment; and nothing in it is cut off."""
    page = tab
    reuse_tab(page, viewport=PHONES[0])
    goto(page, server + path)
    measure = """() => [...document.querySelectorAll('.md-content__inner > .book-answers > *, '
                                                   + '.md-content__inner > .book-answers > .highlight > pre')]
      .filter(e => e.dataset.skippable === 'yes').map(e => {
        const cs = getComputedStyle(e), scrolls = cs.overflowX === 'auto' || cs.overflowX === 'scroll';
        return [e.tagName + '.' + e.className, Math.round(e.getBoundingClientRect().height * 10) / 10,
                scrolls || e.scrollWidth <= e.clientWidth + 1];
      })"""
    page.evaluate("""() => document.querySelectorAll('.md-content__inner > .book-answers > *, '
                                                    + '.md-content__inner > .book-answers > .highlight > pre')
      .forEach(e => { if (getComputedStyle(e).contentVisibility === 'auto') e.dataset.skippable = 'yes'; })""")
    page.add_style_tag(content="[data-skippable] { content-visibility: visible !important; contain: none !important }")
    free = page.evaluate(measure)
    # What a skippable block is once shown: layout, style and paint containment.
    page.add_style_tag(content="[data-skippable] { contain: layout style paint !important }")
    contained = page.evaluate(measure)
    assert len(free) >= 20, free
    assert [b[0] for b in contained] == [b[0] for b in free]
    # Within a pixel: Chromium on CI laid out one display formula 0.6 px shorter when contained, which no
    # reader sees; a margin that stops collapsing, the real risk, moves a block by a whole margin (1em or so).
    moved = [(c, f[1]) for c, f in zip(contained, free) if abs(c[1] - f[1]) > 1]
    assert not moved, f"a block's height changes when it is contained: {moved}"
    assert all(b[2] for b in contained), [b for b in contained if not b[2]]


@pytest.mark.browser
def test_a_warm_load_is_not_taken_for_a_first_one(server, tab):
    """``assert_loaded_cold``, which the first-load tests above rely on: a second load in the same tab fails it."""
    page = tab
    reuse_tab(page, empty_cache=True)
    goto(page, server + "exam/")
    assert_loaded_cold(page)
    reuse_tab(page)
    goto(page, server + "exam/")
    with pytest.raises(AssertionError, match="not a first load"):
        assert_loaded_cold(page)


@pytest.mark.browser
def test_a_late_anchor_lands_on_its_heading(server, tab):
    page = tab
    reuse_tab(page, viewport=PHONES[1], empty_cache=True)  # fonts and figures arrive as on a first visit
    goto(page, server + C_PAGE + "#common-wrong-answers")
    assert_loaded_cold(page)
    page.wait_for_timeout(500)
    top = page.evaluate("() => document.getElementById('common-wrong-answers').getBoundingClientRect().top")
    assert 0 <= top <= 200, f"the heading is at {top} px, not at the top of the screen"


REGIONS = ".md-content__inner div.arithmatex, .md-typeset__scrollwrap"
WIDE_JS = f"""() => [...document.querySelectorAll('{REGIONS}')].map(e => ({{
  wide: e.scrollWidth > e.clientWidth + 1, tab: e.getAttribute('tabindex'),
  skipped: !!e.firstElementChild && !e.firstElementChild.checkVisibility({{contentVisibilityAuto: true}})}}))"""


@pytest.mark.browser
def test_every_wide_region_is_reachable_by_keyboard_shown_or_skipped(server, tab):
    page = tab
    reuse_tab(page, viewport=PHONES[0])
    goto(page, server + C_PAGE)
    page.wait_for_timeout(500)  # a11y.js runs when the page is idle
    at_load = page.evaluate(WIDE_JS)
    assert sum(r["skipped"] for r in at_load) >= 3, "no formula is in a skipped block: the check checks nothing"
    assert all(r["tab"] == "0" for r in at_load if r["skipped"] or r["wide"]), at_load
    violations = [v for v in run_axe(page) if v["id"] == "scrollable-region-focusable"]
    assert not violations, violations
    # Shown one by one, each keeps tabindex exactly when it scrolls.
    wide = 0
    for i in range(len(at_load)):
        page.evaluate(f"i => document.querySelectorAll('{REGIONS}')[i].scrollIntoView({{block: 'center'}})", i)
        # a11y.js measures a block once it is shown, in the next idle moment (within 200 ms).
        page.wait_for_function(
            f"""i => {{ const e = document.querySelectorAll('{REGIONS}')[i];
                       return e.dataset.bookTab !== 'unmeasured'
                         && (e.getAttribute('tabindex') === '0') === (e.scrollWidth > e.clientWidth + 1); }}""",
            arg=i,
            timeout=3000,
        )
        wide += page.evaluate(
            f"i => {{ const e = document.querySelectorAll('{REGIONS}')[i]; "
            "return e.scrollWidth > e.clientWidth + 1; }",
            i,
        )
    assert wide >= 5, f"C has at least 5 formulas or tables wider than a 360 px phone, not {wide}"


@pytest.mark.browser
def test_a_dark_system_gets_the_dark_scheme_before_the_theme_s_script(server, browser):
    context = browser.new_context(color_scheme="dark", viewport=PHONES[1])
    page = context.new_page()
    page.route("**/assets/javascripts/bundle.*.js", lambda route: route.abort())  # the theme's script never runs
    goto(page, server + C_PAGE)
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    context.close()
    context = browser.new_context(color_scheme="light", viewport=PHONES[1])
    page = context.new_page()
    goto(page, server + C_PAGE)
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    context.close()


@pytest.mark.browser
def test_later_figures_are_fetched_when_scrolled_to(server, browser):
    """A first load on a phone fetches the first screen's figures, not the ones far below; scrolling brings them."""
    context = browser.new_context(viewport=PHONES[0])
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: r.url.endswith(".svg") and "/figures/" in r.url and fetched.append(r.url))
    goto(page, server + "chapters/b2-bad-results/")
    lazy = page.evaluate("() => [...document.querySelectorAll('article img[loading=lazy]')].map(i => i.src)")
    assert len(lazy) >= 2, lazy
    # Chromium fetches a lazy image once it is within about a screen or two of the viewport: the farther ones wait.
    assert set(lazy) - set(fetched), f"every figure was fetched before the reader scrolled: {fetched}"
    for src in lazy:
        page.locator(
            f"article img[src='{src.removeprefix(server + 'chapters/b2-bad-results/')}']"
        ).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('article img')].every(i => i.complete && i.naturalWidth)"
    )
    assert set(lazy) <= set(fetched)
    context.close()
