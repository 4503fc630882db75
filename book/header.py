"""The header's own buttons in the built HTML, so the header has its final size at first paint.

The exam-mode switch (study.js) and the search button (search.js) used to be created by
their scripts after the page had loaded. On a phone that widened the header's first row
after the first paint: the row wrapped, the header grew and everything below moved
(Lighthouse's layout shift, CLS ≈ 0.25). ``header_buttons(html, lang)`` writes both
buttons into ``<nav class="md-header__inner">`` where the scripts put them (the switch
before the colour switch, the search button last), with the scripts' own texts: the
texts are read from ``i18n.js`` and ``search.js`` (one source, no copy to drift). The
scripts find the buttons and give them their behaviour; they still create them for a
page built without this step. Without JavaScript the buttons are shown but do nothing
(as the colour switch of the theme).

No MkDocs import: ``post_page`` is the ``POST_PAGE`` step.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent.parent / "docs" / "assets" / "javascripts"
_NAV = re.compile(r'<nav class="md-header__inner[^"]*"[^>]*>')


class HeaderError(ValueError):
    """A text or a place the header buttons need is missing (names the file and the key)."""


def _block(source: str, lang: str, where: str) -> str:
    """The ``lang: { … }`` object literal of a script's TEXT table (strings may hold braces)."""
    m = re.search(r"\b" + lang + r"\s*:\s*\{", source)
    if not m:
        raise HeaderError(f"{where}: no texts for language {lang!r}")
    depth, quote, i = 1, "", m.end()
    while i < len(source) and depth:
        c = source[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "{}":
            depth += 1 if c == "{" else -1
        i += 1
    return source[m.end() : i - 1]


def _text(block: str, key: str, where: str) -> str:
    m = re.search(r'(?:"' + re.escape(key) + r'"|\b' + re.escape(key) + r')\s*:\s*"((?:[^"\\]|\\.)*)"', block)
    if not m:
        raise HeaderError(f"{where}: no text {key!r}")
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda u: chr(int(u[1], 16)), m[1]).replace('\\"', '"')


@functools.lru_cache(maxsize=8)
def _texts(lang: str, i18n_mtime: int, search_mtime: int) -> dict[str, str]:
    i18n = (JS_DIR / "i18n.js").read_text(encoding="utf-8")
    search = (JS_DIR / "search.js").read_text(encoding="utf-8")
    exam = _block(i18n, lang, "i18n.js")
    find = _block(search, lang, "search.js")
    icon = re.search(r"var ICON\s*=\s*((?:'[^']*'\s*\+?\s*)+);", search)
    if not icon:
        raise HeaderError("search.js: no ICON")
    return {
        "exam.off": _text(exam, "exam.off", "i18n.js"),
        "exam.off.title": _text(exam, "exam.off.title", "i18n.js"),
        "search.name": _text(find, "name", "search.js"),
        "search.open": _text(find, "open", "search.js"),
        "icon": "".join(re.findall(r"'([^']*)'", icon[1])),
    }


def texts(lang: str) -> dict[str, str]:
    """The buttons' texts in ``lang`` ("en" or "he"), as the scripts show them with exam mode off."""
    return _texts(lang, (JS_DIR / "i18n.js").stat().st_mtime_ns, (JS_DIR / "search.js").stat().st_mtime_ns)


def header_buttons(page_html: str, lang: str) -> str:
    """``page_html`` with the exam-mode switch and the search button in its header (once)."""
    nav = _NAV.search(page_html)
    if not nav or "book-mode-toggle" in page_html[nav.end() : nav.end() + 20000]:
        return page_html
    end = page_html.find("</nav>", nav.end())
    palette = page_html.find('<form class="md-header__option"', nav.end(), end)
    if end < 0:
        raise HeaderError("the header has no </nav>")
    t = {k: html_lib.escape(v, quote=True) for k, v in texts(lang).items()}
    toggle = (
        f'<button type="button" class="md-header__button book-mode-toggle" aria-pressed="false" '
        f'title="{t["exam.off.title"]}">{t["exam.off"]}</button>'
    )
    search = (
        f'<button type="button" class="md-header__button book-search__open" aria-label="{t["search.name"]}" '
        f'title="{t["search.name"]} (/)">{texts(lang)["icon"]}'
        f'<span class="book-search__open-label" aria-hidden="true">{t["search.open"]}</span></button>'
    )
    at = palette if palette >= 0 else end
    out = page_html[:at] + toggle + page_html[at:end] + search + page_html[end:]
    return out


def post_page(html: str, page, config) -> str:
    """The build step (``POST_PAGE``): the header buttons in the edition's language."""
    from book.edition import language

    return header_buttons(html, language(config))
