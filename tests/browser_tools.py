"""Helpers for the browser tests: watch what a page does, check its math, run axe-core."""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from book.browser import images_not_shown  # noqa: F401 (the tests import it from here)

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

LOCAL_SCHEMES = {"data", "blob", "about"}

# Raw TeX that must not survive typesetting, looked for in the visible text
# outside code blocks.
VISIBLE_TEXT_JS = """() => {
  const clone = document.querySelector('article').cloneNode(true);
  clone.querySelectorAll('pre, code, .katex, script, style, .jp-InputArea, .jp-OutputArea').forEach(e => e.remove());
  return clone.innerText;
}"""


@dataclass
class Visit:
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    _stop: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"request to another host: {u}" for u in self.foreign_requests]
            + [f"failed request: {u}" for u in self.failed_requests]
        )

    def stop(self) -> None:
        """Stop recording (a reused tab: the next test watches it anew)."""
        for stop in self._stop:
            stop()
        self._stop.clear()


#: The visits still recording, per page (``reuse_tab`` stops them: a failed test may not have).
_WATCHING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def watch(page, base_url: str) -> Visit:
    """Record console errors, page errors, failed and non-local requests of ``page`` until ``Visit.stop``
    (or until ``reuse_tab`` readies the page for the next test)."""
    visit = Visit(url=base_url)
    _WATCHING.setdefault(page, []).append(visit)
    own = urlparse(base_url)

    def on_request(request):
        u = urlparse(request.url)
        if u.scheme in LOCAL_SCHEMES or (u.scheme == "file" and own.scheme == "file"):
            return
        if (u.scheme, u.netloc) != (own.scheme, own.netloc):
            visit.foreign_requests.append(request.url)

    def on_response(response):
        if response.status >= 400:
            visit.failed_requests.append(f"{response.status} {response.url}")

    def on_request_failed(request):
        # net::ERR_ABORTED is a request the page itself cancelled by navigating away (a figure still
        # loading when the reader switches edition); a missing or refused resource fails otherwise.
        if "ERR_ABORTED" not in (request.failure or ""):
            visit.failed_requests.append(f"{request.failure} {request.url}")

    handlers = {
        "console": lambda m: m.type == "error" and visit.console_errors.append(m.text),
        "pageerror": lambda e: visit.page_errors.append(str(e)),
        "request": on_request,
        "response": on_response,
        "requestfailed": on_request_failed,
    }
    for event, handler in handlers.items():
        page.on(event, handler)
        visit._stop.append(lambda event=event, handler=handler: page.remove_listener(event, handler))
    return visit


#: The desktop window of the per-page checks.
DESKTOP = {"width": 1280, "height": 900}


def reuse_tab(page, scheme: str = "light", viewport: dict | None = None, empty_cache: bool = False) -> None:
    """Make a tab that earlier tests used look new to the next page it loads: the storage of the
    site it is on cleared (the palette and mode toggles keep their state there; the tests use one
    site, and file:// pages of the offline copy), the tab on about:blank, the light or dark system,
    screen media, ``viewport`` (default ``DESKTOP``); earlier ``watch``es stopped.

    The HTTP cache is kept unless ``empty_cache``: a page then loads the theme's files as a reader's
    second page does. That hides no failure a test looks for (a 404 is not cached, a request to another
    host is still made, the site does not change during a run); a test of a first load's timing (first
    paint, where an anchor lands) empties it. Emptying it for every test cost the suite 8–30 s here.

    A page loaded in a tab Chromium already runs costs it about a quarter of the CPU time a new
    tab's first page does (measured here: 0.28 s against 1.0 s per small page), which is why the
    per-page tests share one."""
    for visit in _WATCHING.pop(page, []):
        visit.stop()
    if page.url.startswith(("http:", "https:", "file:")):  # the storage of the origin the tab is on
        page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    if empty_cache:  # every file is fetched again, as for a new tab
        page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.goto("about:blank")  # the next address loads anew, even when only its #fragment differs
    page.emulate_media(media="screen", color_scheme=scheme)
    page.set_viewport_size(viewport or DESKTOP)


#: The page's stylesheets as its resource timing records them: [address, bytes that came over the
#: network, the body's size]. A body from a cache came over in no bytes, or in a 304's headers alone.
_STYLESHEETS_JS = """() => performance.getEntriesByType('resource')
  .filter(e => e.initiatorType === 'link' && new URL(e.name).pathname.endsWith('.css'))
  .map(e => [e.name, e.transferSize, e.encodedBodySize])"""


def assert_loaded_cold(page) -> None:
    """Fail unless every stylesheet of the page came over the network, body and all, as on a first visit:
    a test of a first load's timing (``reuse_tab(..., empty_cache=True)``) is not to pass on a load
    served from a cache, whichever cache that is."""
    sheets = page.evaluate(_STYLESHEETS_JS)
    assert sheets and all(sent >= body > 0 for _, sent, body in sheets), f"{page.url}: not a first load: {sheets}"


#: Each page's requests still in flight (``goto``, ``reload``, ``settle``).
_IN_FLIGHT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _in_flight(page) -> set:
    """The requests ``page`` started that have not finished or failed (listening from the first call on)."""
    if page not in _IN_FLIGHT:
        pending: set = set()
        page.on("request", lambda r: pending.add(r))
        page.on("requestfinished", lambda r: pending.discard(r))
        page.on("requestfailed", lambda r: pending.discard(r))
        _IN_FLIGHT[page] = pending
    return _IN_FLIGHT[page]


def settle(page, quiet_ms: int = 40, timeout_ms: int = 15_000) -> None:
    """Wait until no request of ``page`` is in flight, twice ``quiet_ms`` apart (a script the page
    adds late, a lazy image, starts within that time). Raises TimeoutError naming what is still loading.

    Playwright's ``networkidle`` waits 500 ms after the last request on every visit; the browser
    tests make about 200 visits.
    """
    pending = _in_flight(page)
    deadline = time.monotonic() + timeout_ms / 1000
    quiet = 0
    while quiet < 2:
        page.wait_for_timeout(quiet_ms)  # Playwright delivers the request events while it waits
        quiet = quiet + 1 if not pending else 0
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page.url}: still loading after {timeout_ms} ms: {[r.url for r in pending][:5]}")


def goto(page, url: str) -> None:
    """Open ``url`` in ``page``: its load event, then every request it started finished (``settle``)."""
    _in_flight(page)
    page.goto(url, wait_until="load")
    settle(page)


def reload(page) -> None:
    """Reload ``page`` and wait as ``goto`` does."""
    _in_flight(page)
    page.reload(wait_until="load")
    settle(page)


# The Hebrew edition: the page is right to left, and code, math, shapes (isolated by
# the build) and the self-check inputs inside it are left to right. (That its images are
# shown is ``images_not_shown``'s business, as on every page.)
DIRECTIONS_JS = """() => {
  const dir = e => getComputedStyle(e).direction;
  const article = document.querySelector('article');
  const ltr = sel => [...article.querySelectorAll(sel)].filter(e => dir(e) !== 'ltr')
                       .map(e => sel + ': ' + e.textContent.slice(0, 40));
  return {
    html: document.documentElement.lang, body: document.body.dir, article: dir(article),
    wrong: [].concat(ltr('pre'), ltr('code'), ltr('.katex'), ltr('span[dir=ltr]'), ltr('.self-check input')),
    counts: {pre: article.querySelectorAll('pre').length, code: article.querySelectorAll('code').length,
             katex: article.querySelectorAll('.katex').length},
  };
}"""


def assert_hebrew_directions(page, where: str) -> dict:
    """A page of the Hebrew edition: rtl, with code and math ltr. Returns the element counts."""
    state = page.evaluate(DIRECTIONS_JS)
    assert (state["html"], state["body"], state["article"]) == ("he", "rtl", "rtl"), where
    assert not state["wrong"], f"{where}: right to left where it must be left to right: {state['wrong'][:5]}"
    return state["counts"]


def math_state(page) -> dict:
    return page.evaluate(
        """() => ({
          arithmatex: document.querySelectorAll('.arithmatex').length,
          done: document.querySelectorAll('.arithmatex[data-katex="done"]').length,
          errors: document.querySelectorAll('[data-katex="error"], .katex-error').length,
          katex: document.querySelectorAll('.katex').length,
        })"""
    )


def assert_math_typeset(page, where: str, min_formulas: int = 0) -> None:
    """Every formula of the page is typeset, none failed, no raw TeX is visible; at least ``min_formulas``."""
    page.wait_for_function(
        "() => document.querySelectorAll('.arithmatex:not([data-katex])').length === 0", timeout=30_000
    )
    state = math_state(page)
    assert state["errors"] == 0, f"{where}: KaTeX errors {state}"
    assert state["done"] == state["arithmatex"], f"{where}: untypeset math {state}"
    assert state["arithmatex"] >= min_formulas, f"{where}: expected at least {min_formulas} formulas: {state}"
    text = page.evaluate(VISIBLE_TEXT_JS)
    for raw in ("\\(", "\\)", "\\[", "\\]", "$$"):
        assert raw not in text, f"{where}: raw TeX {raw!r} left in the visible text"


#: How many pages Material's ``document$`` has announced in this window: it emits once per page shown,
#: after instant navigation has swapped the new page in and every script subscribed before (search,
#: exam mode, the practice blocks) has run on it. The count starts at the first call.
PAGES_SHOWN_JS = """() => {
  if (!window.__bookPagesShown) {
    window.__bookPagesShown = {n: 0};
    document$.subscribe(() => { window.__bookPagesShown.n += 1; });
  }
  return window.__bookPagesShown.n;
}"""


def follow(page, action: Callable[[], object], timeout_ms: int = 30_000) -> None:
    """Run ``action`` (a click on a link, ``page.go_back``) and return once instant navigation has shown
    the next page. The address changes before the new page is in: waiting for the URL is not enough.
    A full reload passes at once (the test's own check that the window survived then fails)."""
    before = page.evaluate(PAGES_SHOWN_JS)
    action()
    page.wait_for_function(
        "n => !window.__bookPagesShown || window.__bookPagesShown.n > n", arg=before, timeout=timeout_ms
    )


def click_nav(page, href_end: str) -> None:
    """Click the visible entry of the primary nav whose link ends with ``href_end``; return once the page
    it leads to is shown (instant navigation)."""
    link = page.locator(f"nav.md-nav--primary a.md-nav__link[href$='{href_end}']").locator("visible=true").first
    follow(page, link.click)


#: axe-core's rules that read colours: all that a colour scheme can change on a page whose DOM is the same.
COLOUR_RULES = ("color-contrast", "link-in-text-block")


def run_axe(page, rules: tuple[str, ...] | None = None) -> list[dict]:
    """Serious and critical axe-core violations on the current page (axe is injected, not served).

    ``rules``: run only these axe rules (e.g. ``COLOUR_RULES``); None runs every rule.
    """
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (rules) => {
            const options = {resultTypes: ['violations']};
            if (rules) options.runOnly = {type: 'rule', values: rules};
            const r = await axe.run(document, options);
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 5).map(
                              n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n')[1])}));
        }""",
        list(rules) if rules else None,
    )
    return result
