"""Static checks of the built HTML: nothing is loaded from another host, links are well-formed.

Every resource a page loads (script, stylesheet, image, font, frame, media,
import, CSS url()) must come from the site itself. Links a reader may follow
(``<a href>``) may point elsewhere, but must be well-formed http(s) URLs.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest

from conftest import site_pages

# Attributes that make the browser fetch something.
LOADING_ATTRS = {
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("image", "href"),
    ("use", "href"),
    ("image", "xlink:href"),
    ("use", "xlink:href"),
    ("input", "src"),
    ("form", "action"),
}
# <link rel=…> kinds that name a page without the browser fetching it.
NON_LOADING_RELS = {"canonical", "alternate", "prev", "next", "author", "license", "help", "bookmark", "me"}
URL_IN_TEXT = re.compile(r"""(?:url\(\s*['"]?|import\s*\(?\s*['"]|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""")
ANY_URL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s'"<>)]*""", re.I)
# Namespace names are identifiers, not requests.
NAMESPACES = ("http://www.w3.org/", "https://www.w3.org/")


def is_foreign(url: str) -> bool:
    u = urlparse(url.strip())
    return bool(u.netloc) or u.scheme in ("http", "https")


class Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.links: list[str] = []
        self.in_script_or_style: str | None = None
        self.inline_urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        rel = set((dict(attrs).get("rel") or "").lower().split())
        for name, value in attrs:
            if value is None:
                continue
            if tag == "link" and name == "href" and rel and rel <= NON_LOADING_RELS:
                self.links.append(value)  # a link to a page, not something the browser fetches
            elif (tag, name) in LOADING_ATTRS:
                urls = [part.split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else [value]
                self.loads.extend(urls)
            elif tag == "a" and name == "href":
                self.links.append(value)
            elif name == "style":
                self.inline_urls.extend(URL_IN_TEXT.findall(value))
        if tag in ("script", "style"):
            self.in_script_or_style = tag

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.in_script_or_style = None

    def handle_data(self, data):
        if self.in_script_or_style:
            found = ANY_URL.findall(data) if self.in_script_or_style == "script" else URL_IN_TEXT.findall(data)
            self.inline_urls.extend(u for u in found if not u.startswith(NAMESPACES))


def scan(html: str) -> Scanner:
    s = Scanner()
    s.feed(html)
    return s


def foreign_loads(html: str) -> list[str]:
    """Resources a page would load from another host.

    >>> foreign_loads('<script src="https://cdn.example.org/x.js"></script><img src="a.png">')
    ['https://cdn.example.org/x.js']
    >>> foreign_loads('<style>@font-face{src:url(//fonts.example.com/f.woff2)}</style>')
    ['//fonts.example.com/f.woff2']
    >>> foreign_loads('<a href="https://pytorch.org">docs</a><svg xmlns="http://www.w3.org/2000/svg"></svg>')
    []
    >>> foreign_loads('<link rel="canonical" href="https://book.example.org/a/"><link rel="stylesheet" href="https://cdn.example.org/x.css">')
    ['https://cdn.example.org/x.css']
    """
    s = scan(html)
    return [u for u in s.loads if is_foreign(u)] + s.inline_urls


def test_the_checker_catches_a_cdn_script():
    html = '<html><head><script src="https://cdn.jsdelivr.net/npm/katex/katex.min.js"></script></head></html>'
    assert foreign_loads(html) == ["https://cdn.jsdelivr.net/npm/katex/katex.min.js"]
    assert foreign_loads("<script>import('https://cdnjs.example.com/m.mjs')</script>")


@pytest.mark.parametrize("which", ["site", "offline_site"])
def test_no_page_loads_anything_from_another_host(which, request):
    """Both builds: the one served online and the one read from disk (which once pulled a shim from unpkg)."""
    root = request.getfixturevalue(which)
    pages = [p for p in root.rglob("*.html") if not p.relative_to(root).as_posix().startswith("assets/")]
    assert len(pages) >= 5
    bad = {}
    for html in pages:
        found = foreign_loads(html.read_text(encoding="utf-8"))
        if found:
            bad[html.relative_to(root).as_posix()] = found
    assert not bad, bad


def test_no_stylesheet_loads_from_another_host(site):
    sheets = list(site.rglob("*.css"))
    assert len(sheets) >= 3, sheets  # Material's, KaTeX's, the book's
    bad = {}
    for css in sheets:
        found = URL_IN_TEXT.findall(css.read_text(encoding="utf-8", errors="replace"))
        if found:
            bad[css.relative_to(site).as_posix()] = found
    assert not bad, bad


def test_external_links_are_well_formed(site):
    bad = []
    external = 0
    for path in site_pages(site):
        for href in scan((site / path / "index.html").read_text(encoding="utf-8")).links:
            u = urlparse(href)
            if u.scheme in ("http", "https"):
                external += 1
                if not u.netloc or " " in href:
                    bad.append((path, href))
            elif u.scheme not in ("", "mailto"):
                bad.append((path, href))
    assert external >= 10, f"only {external} links to other hosts found: is the scanner reading the pages?"
    assert not bad, bad


@pytest.mark.parametrize("page", ["", "exam/", "chapters/a2-rnncell-parameters/"])
def test_key_pages_exist(site, page):
    assert (site / page / "index.html").is_file()
