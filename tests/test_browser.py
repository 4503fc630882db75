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

from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from book.facts import lookup, render
from conftest import site_pages

pytestmark = pytest.mark.browser

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

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"request to another host: {u}" for u in self.foreign_requests]
            + [f"failed request: {u}" for u in self.failed_requests]
        )


def watch(page, base_url: str) -> Visit:
    """Record console errors, page errors, failed and non-local requests of ``page``."""
    visit = Visit(url=base_url)
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

    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", lambda r: visit.failed_requests.append(f"{r.failure} {r.url}"))
    return visit


def math_state(page) -> dict:
    return page.evaluate(
        """() => ({
          arithmatex: document.querySelectorAll('.arithmatex').length,
          done: document.querySelectorAll('.arithmatex[data-katex="done"]').length,
          errors: document.querySelectorAll('[data-katex="error"], .katex-error').length,
          katex: document.querySelectorAll('.katex').length,
        })"""
    )


def assert_math_typeset(page, where: str) -> None:
    page.wait_for_function(
        "() => document.querySelectorAll('.arithmatex:not([data-katex])').length === 0", timeout=10_000
    )
    state = math_state(page)
    assert state["errors"] == 0, f"{where}: KaTeX errors {state}"
    assert state["done"] == state["arithmatex"], f"{where}: untypeset math {state}"
    text = page.evaluate(VISIBLE_TEXT_JS)
    for raw in ("\\(", "\\)", "\\[", "\\]", "$$"):
        assert raw not in text, f"{where}: raw TeX {raw!r} left in the visible text"


@pytest.fixture()
def page(browser):
    context = browser.new_context()
    p = context.new_page()
    yield p
    context.close()


def test_every_page_loads_cleanly_with_math_typeset(site, server, browser):
    pages = site_pages(site)
    assert {"", "exam/", "chapters/a2-rnncell-parameters/"} <= set(pages)
    report = {}
    for path in pages:
        context = browser.new_context()
        page = context.new_page()
        visit = watch(page, server)
        page.goto(server + path, wait_until="networkidle")
        assert_math_typeset(page, path or "/")
        if visit.problems():
            report[path or "/"] = visit.problems()
        context.close()
    assert not report, report


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


def test_prose_dollar_signs_are_not_math(site, server, page):
    """Only arithmatex output is typeset: a dollar sign in prose stays text."""
    page.goto(server + "exam/", wait_until="networkidle")
    page.evaluate(
        """() => { const p = document.createElement('p'); p.id = 'money';
                   p.textContent = 'It costs $5 and $6 today.';
                   document.querySelector('article').appendChild(p);
                   document$.next(document); }"""
    )
    page.wait_for_timeout(200)
    assert page.inner_text("#money") == "It costs $5 and $6 today."
    assert page.locator("#money .katex").count() == 0


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
