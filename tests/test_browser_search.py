"""Search in Chromium, both editions: typed key by key as a keyboard does, each query finds
its page among the first five results and nothing from the other edition; a page load
fetches nothing for search; a result opens by instant navigation; the copy read from
file:// searches too.

Queries are words of the pages themselves (docs/*.he.md), with the prefixes ו ה ב ל מ ש כ
that Hebrew attaches to words, bare words whose page has only prefixed forms, final
letters typed as normal ones, and English terms inside Hebrew pages.
"""

from __future__ import annotations

import json
import re

import pytest

from browser_tools import DESKTOP, follow, goto, reuse_tab, run_axe, watch
from conftest import site_pages

HEBREW_PREFIXED = [  # a prefixed query; the page has the bare word or another prefix, never this form
    ("ונורמה", "he/chapters/a3-gradient-clipping/"),
    ("בשארית", "he/chapters/b2-bad-results/"),
    ("לשערים", "he/chapters/a2-rnncell-parameters/"),
    ("שהערוצים", "he/chapters/b3-cnn-shapes/"),
    ("וליפשיץ", "he/chapters/c-lipschitz-rnn/"),
    ("והאקוויווריאנטיות", "he/chapters/d-cnn-characteristics/"),
    ("שהגרדיאנטים", "he/chapters/a3-gradient-clipping/"),
    ("מהטנזורים", "he/chapters/b3-cnn-shapes/"),
    ("לאופטימייזר", "he/chapters/a3-gradient-clipping/"),
    ("מהקונבולוציה", "he/chapters/b3-cnn-shapes/"),
    ("כשהרשת", "he/chapters/b2-bad-results/"),
    ("המעבד", "he/chapters/a5-gpu-vs-cpu/"),
]
HEBREW_BARE = [  # a bare query; the page has only prefixed forms
    ("כיוונים", "he/chapters/b1-kl-asymmetry/"),
    ("מעבד", "he/chapters/a5-gpu-vs-cpu/"),
    ("אופטימייזר", "he/chapters/a3-gradient-clipping/"),
    ("טנזורים", "he/chapters/b3-cnn-shapes/"),
]
HEBREW = (
    HEBREW_PREFIXED
    + HEBREW_BARE
    + [
        # words as they are, a title word
        ("התפלגויות", "he/chapters/b1-kl-asymmetry/"),
        ("ולידציה", "he/chapters/a4-hyperparameters/"),
        ("מילון", "he/glossary/"),
        # final letters typed as normal letters
        ("ליפשיצ", "he/chapters/c-lipschitz-rnn/"),
        ("שערימ", "he/chapters/a2-rnncell-parameters/"),
        # English terms inside Hebrew pages, alone, after a maqaf, in two words
        ("KL", "he/chapters/b1-kl-asymmetry/"),
        ("dropout", "he/chapters/b2-bad-results/"),
        ("RNNCell", "he/chapters/a2-rnncell-parameters/"),
        ("gradient clipping", "he/chapters/a3-gradient-clipping/"),
        ("וה־GPU", "he/chapters/a5-gpu-vs-cpu/"),
        ("ההיפר־פרמטרים", "he/chapters/a4-hyperparameters/"),
    ]
)
ENGLISH = [
    ("dropout", "chapters/b2-bad-results/"),
    ("redundant", "chapters/a2-rnncell-parameters/"),
    ("jupytext", "notebooks/a2_rnncell_parameters/"),
    ("Lipschitz", "chapters/c-lipschitz-rnn/"),
    ("equivariance", "chapters/d-cnn-characteristics/"),
    ("gradient clipping", "chapters/a3-gradient-clipping/"),
    ("KL", "chapters/b1-kl-asymmetry/"),
    ("grid search", "chapters/a4-hyperparameters/"),
    ("GPU", "chapters/a5-gpu-vs-cpu/"),
    ("receptive field", "chapters/d-cnn-characteristics/"),
    ("RNNCell", "chapters/a2-rnncell-parameters/"),
    ("backpropagation", "chapters/a1-sign-backprop/"),
]
SEARCH_BYTES = re.compile(r"search-engine\.js|/search/|search_index|lunr|workers/search")


def _index(site, lang: str) -> dict:
    text = (site / "search" / f"index.{lang}.js").read_text(encoding="utf-8")
    return json.loads(text.split(f'window.__bookSearchIndex["{lang}"] = ', 1)[1].rstrip(";\n"))


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w\u05d0-\u05ea]+", text))


def test_each_edition_has_its_own_index_of_its_own_pages(site):
    en, he = _index(site, "en"), _index(site, "he")
    assert all(p["u"].startswith("he/") for p in he["pages"])
    assert not [p["u"] for p in en["pages"] if p["u"].startswith("he/")]
    pages = site_pages(site)
    # every page but the two print pages of each edition (search: exclude: true)
    assert len(he["pages"]) == len([p for p in pages if p.startswith("he/")]) - 2
    assert len(en["pages"]) == len([p for p in pages if not p.startswith("he/")]) - 2
    assert not (site / "search" / "search_index.json").exists(), "Material's merged lunr index is gone"


def test_there_are_enough_queries():
    """docs/about/verification.md promises at least 20 Hebrew and 10 English queries."""
    assert len(HEBREW) >= 20 and len(ENGLISH) >= 10


def test_the_hebrew_queries_test_what_they_claim(site):
    """The bare queries' pages have only prefixed forms, the prefixed queries' pages lack the
    prefixed form: without the normalisation these queries would find nothing."""
    pages = {p["u"]: _words(p["t"] + " " + p["x"]) for p in _index(site, "he")["pages"]}
    for query, expected in HEBREW_PREFIXED:
        assert query not in pages[expected], f"{expected} has {query!r} itself"
    for query, expected in HEBREW_BARE:
        assert query not in pages[expected], f"{expected} has {query!r} itself"
        assert [w for w in pages[expected] if w.endswith(query) and len(w) > len(query)], query
    lipschitz = pages["he/chapters/c-lipschitz-rnn/"]
    assert "ליפשיצ" not in lipschitz and "ליפשיץ" in lipschitz


def _page(browser):
    """A new tab of its own, for a test that counts the requests for search data: nothing is cached in it."""
    context = browser.new_context(viewport=DESKTOP)
    return context, context.new_page()


def _type(page, text: str, letter_by_letter: bool = True) -> None:
    """Type as a keyboard does: one character at a time, each followed by a key up.
    (Playwright's fill or press_sequentially send no key events for Hebrew letters.)
    Not ``letter_by_letter``: the whole text at once, then one key up (a pasted query)."""
    for chunk in text if letter_by_letter else [text]:
        page.keyboard.insert_text(chunk)
        page.keyboard.press("End")


def _query(page, text: str, letter_by_letter: bool = True) -> list[str]:
    box = page.locator(".book-search__input")
    box.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    _type(page, text, letter_by_letter)
    page.wait_for_function("q => document.querySelector('.book-search').dataset.query === q", arg=text.strip())
    return page.eval_on_selector_all(".book-search__result", "els => els.map(a => a.href)")


@pytest.mark.browser
@pytest.mark.parametrize("edition, queries", [("he/", HEBREW), ("", ENGLISH)], ids=["hebrew", "english"])
def test_each_query_finds_its_page_in_the_top_five_and_only_its_edition(server, browser, edition, queries):
    context, page = _page(browser)
    visit = watch(page, server)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    goto(page, server + edition + "chapters/a2-rnncell-parameters/")
    assert not [u for u in requests if SEARCH_BYTES.search(u)], "a page load fetched search data"
    page.keyboard.press("/")
    page.wait_for_selector(".book-search__input:focus")
    failures = []
    for query, expected in queries:
        # each query pasted whole (the keyboard test below types letter by letter)
        links = [u.split("#")[0] for u in _query(page, query, letter_by_letter=False)]
        other = [u for u in links if (u.startswith(server + "he/")) != (edition == "he/")]
        if server + expected not in links[:5] or other:
            failures.append((query, expected, links[:5], other))
    assert not failures, failures
    fetched = [u for u in requests if SEARCH_BYTES.search(u)]
    lang = "he" if edition else "en"
    assert sorted(u.rsplit("/", 1)[1] for u in fetched) == sorted(["search-engine.js", f"index.{lang}.js"]), fetched
    assert not visit.problems(), visit.problems()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "he/", "notebooks/a2_rnncell_parameters/", "he/chapters/b1-kl-asymmetry/"])
def test_a_page_load_fetches_no_search_bytes(server, browser, path):
    context, page = _page(browser)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    goto(page, server + path)
    page.wait_for_timeout(300)
    assert page.locator(".book-search__open").is_visible()
    assert not [u for u in requests if SEARCH_BYTES.search(u)], requests
    context.close()


@pytest.mark.browser
def test_keyboard_opens_moves_and_opens_a_result_by_instant_navigation(server, tab):
    page = tab
    reuse_tab(page)
    visit = watch(page, server)
    goto(page, server + "he/")
    page.evaluate("() => { window.__stillTheSameWindow = true; }")
    for key in ("s", "f", "/"):
        page.keyboard.press(key)
        # the dialog takes focus as it opens; the first opening also starts loading the index
        page.wait_for_function(
            "() => document.activeElement === document.querySelector('.book-search__input')", timeout=15_000
        )
        page.keyboard.press("Escape")
        assert page.locator(".book-search").is_hidden(), key
    page.locator(".book-search__open").click()
    assert page.locator(".book-search__panel").get_attribute("aria-label") == "חיפוש בספר"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.book-search__panel')).direction") == "rtl"
    links = _query(page, "שהערוצים")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.href") == links[0]
    page.keyboard.press("ArrowUp")
    assert page.locator(".book-search__input").evaluate("e => e === document.activeElement")
    follow(page, lambda: page.keyboard.press("Enter"))  # the first result
    assert page.url == links[0]
    assert page.evaluate("() => window.__stillTheSameWindow === true"), "the result reloaded the page"
    assert page.locator(".book-search").is_hidden()
    assert page.evaluate("() => document.documentElement.lang") == "he"
    # after instant navigation the header still has one search button, and it still works
    assert page.locator(".book-search__open").count() == 1
    page.locator(".book-search__open").click()
    assert server + "he/chapters/b1-kl-asymmetry/" in [u.split("#")[0] for u in _query(page, "כיוונים")]
    assert not visit.problems(), visit.problems()


@pytest.mark.browser
@pytest.mark.parametrize(
    "edition, scheme, query", [("", "light", "dropout"), ("", "dark", "dropout"), ("he/", "light", "ונורמה")]
)
def test_the_open_search_dialog_is_accessible(server, tab, edition, scheme, query):
    page = tab
    reuse_tab(page, scheme)
    goto(page, server + edition)
    page.locator(".book-search__open").click()
    assert _query(page, query)
    violations = run_axe(page)
    assert not violations, violations


@pytest.mark.browser
def test_every_search_text_has_a_hebrew_version(server, tab):
    page = tab
    reuse_tab(page)
    goto(page, server)
    page.wait_for_function("() => window.bookSearchText && window.bookSearchText.he")
    keys = page.evaluate("() => [Object.keys(window.bookSearchText.en), Object.keys(window.bookSearchText.he)]")
    assert keys[0] and set(keys[0]) == set(keys[1]), keys


@pytest.mark.browser
@pytest.mark.parametrize(
    "start, query, expected",
    [
        ("chapters/a2-rnncell-parameters.html", "redundant", "chapters/a2-rnncell-parameters.html"),
        ("he/chapters/a2-rnncell-parameters.html", "לשערים", "he/chapters/a2-rnncell-parameters.html"),
    ],
)
def test_offline_copy_searches_from_file_urls(offline_site, tab, start, query, expected):
    page = tab
    reuse_tab(page)
    visit = watch(page, (offline_site / "index.html").as_uri())
    page.goto((offline_site / start).as_uri(), wait_until="load")
    page.locator(".book-search__open").click()
    links = _query(page, query)
    assert (offline_site / expected).as_uri() in links[:5], links
    assert all(("/he/" in u) == start.startswith("he/") for u in links), links
    page.locator(".book-search__result").first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith("file://") and page.url.endswith(".html"), page.url
    assert not visit.foreign_requests and not visit.console_errors and not visit.page_errors, visit.problems()
