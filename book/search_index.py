"""The book's search index: one small file per edition, written from the built HTML.

``build(site_dir, docs_dir, use_directory_urls)`` reads every page of a built site
(no MkDocs import: it only needs the folder), takes each page's title and the text
of its article, groups the pages by their ``<html lang>`` and writes, per edition,
``search/index.<lang>.js``::

    window.__bookSearchIndex = window.__bookSearchIndex || {};
    window.__bookSearchIndex["he"] = {"lang": "he", "pages": [{"u": "he/…/", "t": "title", "x": "text"}, …]};

A script, not JSON, so that the copy read from ``file://`` (``make build-offline``)
can load it too: a browser does not ``fetch`` files there, but runs scripts.
Nothing loads it with the page: ``docs/assets/javascripts/search.js`` adds the
script (and the engine ``search-engine.js``, which tokenises the text and applies
the Hebrew normalisation of the prefixes and final letters) only when the reader
opens search. Pages whose front matter says ``search: exclude: true`` are left out.

It runs from the ``on_post_build`` hook (``book/mkdocs_hooks.py``), so ``mkdocs build``,
``mkdocs serve`` and the tests' builds all get it.

Why not Pagefind (or Material's lunr plugin, which this replaces): lunr merged both
editions into one 1.25 MB index fetched by every page load, and has no Hebrew
tokeniser. Pagefind splits per ``<html lang>`` and loads in chunks, but has no Hebrew
stemming either: the prefixes and final letters would have to be indexed as extra
text, which then shows in its excerpts, and its fetch/WASM loading does not work from
``file://``, so the offline copy would need a second engine with its own results. This
book has about twenty pages per edition; one edition's text is about 120 kB gzipped,
loaded once when search opens, and one small engine gives the same results online,
in ``mkdocs serve`` and offline.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import yaml

#: Where the index files go, under the site folder.
OUT_DIR = "search"

#: Measured on the build of commit 5dadc0e (Material's lunr search plugin, one index for both
#: editions), 2026-12-06, by recording a first load of "/" and of "he/chapters/b1-kl-asymmetry/"
#: in Chromium: every page load fetched search/search_index.json (1,252,659 bytes) and started the
#: search worker assets/javascripts/workers/search.a7633da7.min.js (39,514 bytes on disk).
OLD_SEARCH_BYTES_PER_PAGE = 1_252_659 + 39_514

_SKIP_TAGS = {"script", "style", "svg", "template", "noscript", "button", "textarea", "select"}
#: Elements whose text is not searched: permalinks, notebook prompts and outputs, raw TeX.
_SKIP_CLASSES = {
    "headerlink",
    "anchor-link",
    "jp-InputPrompt",
    "jp-OutputPrompt",
    "jp-OutputArea",
    "arithmatex",
    "md-source-file",
    "nb-download",
}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BLOCK = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "th",
    "tr",
    "pre",
    "dt",
    "dd",
    "blockquote",
    "figcaption",
    "table",
    "ul",
    "ol",
    "section",
    "summary",
    "details",
    "br",
}


class _PageText(HTMLParser):
    """Collects ``<html lang>``, ``<title>``, the first ``<h1>`` and the text of ``<article>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.title = ""
        self.h1 = ""
        self._parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self._in_title = False
        self._article_depth = 0  # > 0 inside <article>
        self._h1_depth = 0

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self._parts)).strip()

    def _skipping(self) -> bool:
        return any(skip for _, skip in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = (a.get("lang") or "en")[:2]
        if tag == "title":
            self._in_title = True
        if tag in _VOID:
            if tag == "br" and self._article_depth:
                self._parts.append(" ")
            return
        classes = set((a.get("class") or "").split())
        skip = tag in _SKIP_TAGS or bool(classes & _SKIP_CLASSES)
        self._stack.append((tag, skip))
        if tag == "article":
            self._article_depth += 1
        if tag == "h1" and self._article_depth and not self.h1:
            self._h1_depth = len(self._stack)
        if tag in _BLOCK and self._article_depth:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _VOID:
            return
        # pop to the matching tag (tolerates unclosed children)
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                if self._h1_depth and i + 1 <= self._h1_depth:
                    self._h1_depth = 0
                del self._stack[i:]
                break
        if tag == "article":
            self._article_depth -= 1
        if tag in _BLOCK and self._article_depth:
            self._parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if not self._article_depth or self._skipping():
            return
        self._parts.append(data)
        if self._h1_depth:
            self.h1 += data


def page_record(html: str) -> dict[str, str]:
    """The search record of one page: ``{"lang": "he", "t": title, "x": article text}``."""
    parser = _PageText()
    parser.feed(html)
    parser.close()
    title = re.sub(r"\s+", " ", parser.h1).strip()
    if not title:  # a page without a heading of its own (a notebook): the <title>, less the site's name
        title = re.sub(r"\s+", " ", parser.title).strip().rsplit(" - ", 1)[0]
    return {"lang": parser.lang or "en", "t": title, "x": parser.text}


def _page_key(path: str) -> str:
    """``he/print/exam/index.html``, ``he/print/exam.html`` and ``print/exam.he.md`` → the same key."""
    key = re.sub(r"\.(html|md)$", "", path)
    lang = re.search(r"\.([a-z]{2})$", key)
    if lang:  # docs/x.he.md is the Hebrew page of x, at he/x
        key = lang.group(1) + "/" + key[: lang.start()]
    key = re.sub(r"(^|/)index$", "", key)
    return key.strip("/")


def excluded_pages(docs_dir: Path) -> set[str]:
    """Keys of the pages whose front matter has ``search: exclude: true``."""
    out = set()
    for md in sorted(docs_dir.rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        match = re.match(r"---\s*\n(.*?)\n---\s*\n", text, re.S)
        if not match:
            continue
        meta = yaml.safe_load(match.group(1)) or {}
        search = meta.get("search") if isinstance(meta, dict) else None
        if isinstance(search, dict) and search.get("exclude") is True:
            out.add(_page_key(md.relative_to(docs_dir).as_posix()))
    return out


def _url(rel: str, use_directory_urls: bool) -> str:
    """The page's URL from the site root, as the site links to it."""
    if use_directory_urls:
        return "" if rel == "index.html" else re.sub(r"index\.html$", "", rel)
    return rel


def site_html_files(site_dir: Path) -> list[str]:
    """Paths (from the site root) of the site's pages: every ``.html`` but the 404 page and assets."""
    out = []
    for html in sorted(site_dir.rglob("*.html")):
        rel = html.relative_to(site_dir).as_posix()
        if rel == "404.html" or rel.startswith(("assets/", OUT_DIR + "/")):
            continue
        out.append(rel)
    return out


def post_build(site_dir: Path, config) -> None:
    """The build step (``POST_BUILD`` in ``book/mkdocs_hooks.py``): index the whole built site, both editions.

    ``site_dir`` is the site's root (``mkdocs serve`` builds into a temporary folder). The records
    of pages whose HTML did not change since the last build come from ``.cache/search``.
    """
    from book.facts import cache_dir

    build(site_dir, config["docs_dir"], config["use_directory_urls"], cache=cache_dir("search") / "records.json")


#: The parser's own source is part of every cache key: a change to it re-reads every page.
_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


class RecordCache:
    """``page_record`` results kept in a JSON file, keyed by the SHA-256 of the page's HTML and of this module.

    Parsing a page costs ~20 ms; a rebuild after a one-line edit changes one page's HTML, so the
    others are read from here. A missing or damaged file is an empty cache; ``save`` keeps only
    the records this build used, written atomically.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.hits = 0
        self._old: dict[str, dict[str, str]] = {}
        self._used: dict[str, dict[str, str]] = {}
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self._old = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self._old = {}

    def record(self, html: str) -> dict[str, str]:
        """``page_record(html)``, from the cache when this HTML was indexed before."""
        key = hashlib.sha256(f"{_CODE}\0{html}".encode()).hexdigest()
        known = self._old.get(key)
        if isinstance(known, dict) and {"lang", "t", "x"} <= known.keys():
            self.hits += 1
        else:
            known = page_record(html)
        self._used[key] = known
        return dict(known)

    def save(self) -> None:
        if self.path is None or self._used == self._old:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".records-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self._used, f, ensure_ascii=False)
        os.replace(tmp, self.path)


def build(
    site_dir: Path | str, docs_dir: Path | str, use_directory_urls: bool = True, cache: Path | None = None
) -> dict[str, int]:
    """Write ``search/index.<lang>.js`` for each edition of the built site; returns pages per language.

    ``cache``: a JSON file of page records kept between builds (``RecordCache``); ``None``: parse every page.
    Raises ``ValueError`` when the site has no page (a wrong folder), rather than writing an empty index.
    """
    site_dir, docs_dir = Path(site_dir), Path(docs_dir)
    files = site_html_files(site_dir)
    if not files:
        raise ValueError(f"search index: no HTML page under {site_dir}")
    excluded = excluded_pages(docs_dir)
    records = RecordCache(cache)
    editions: dict[str, list[dict[str, str]]] = {}
    for rel in files:
        if _page_key(rel) in excluded:
            continue
        record = records.record((site_dir / rel).read_text(encoding="utf-8"))
        lang = record.pop("lang")
        editions.setdefault(lang, []).append({"u": _url(rel, use_directory_urls), **record})
    out = site_dir / OUT_DIR
    out.mkdir(exist_ok=True)
    for lang, pages in editions.items():
        data = json.dumps({"lang": lang, "pages": pages}, ensure_ascii=False, separators=(",", ":"))
        (out / f"index.{lang}.js").write_text(
            "window.__bookSearchIndex = window.__bookSearchIndex || {};\n"
            f"window.__bookSearchIndex[{json.dumps(lang)}] = {data};\n",
            encoding="utf-8",
        )
    records.save()
    return {lang: len(pages) for lang, pages in editions.items()}


def page_load_savings(site_dir: Path | str) -> list[dict]:
    """Per page of a built site: the search bytes a first load fetched before and fetches now.

    ``before`` is :data:`OLD_SEARCH_BYTES_PER_PAGE` (measured on the lunr build); ``now`` is the
    size of every search file the page's HTML loads by itself (a ``<script src>`` or ``<link href>``
    to ``search/`` or ``search-engine.js``), which is 0 when search loads only when opened.
    ``on_open`` is the size of what opening search fetches in that page's edition.
    """
    site_dir = Path(site_dir)
    engine = site_dir / "assets" / "javascripts" / "search-engine.js"
    rows = []
    for rel in site_html_files(site_dir):
        html = (site_dir / rel).read_text(encoding="utf-8")
        lang = page_record(html)["lang"]
        refs = re.findall(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"', html)
        now = 0
        for ref in refs:
            if re.search(r"(^|/)search/|search-engine\.js|search_index", ref):
                target = (site_dir / rel).parent / ref.split("?")[0]
                now += target.stat().st_size if target.exists() else 0
        index = site_dir / OUT_DIR / f"index.{lang}.js"
        on_open = (index.stat().st_size if index.exists() else 0) + (engine.stat().st_size if engine.exists() else 0)
        rows.append(
            {
                "page": "/" + _url(rel, True),
                "before": OLD_SEARCH_BYTES_PER_PAGE,
                "now": now,
                "saved": OLD_SEARCH_BYTES_PER_PAGE - now,
                "on_open": on_open,
            }
        )
    return rows


if __name__ == "__main__":  # python -m book.search_index SITE_DIR: the per-page savings of a built site
    import sys

    for row in page_load_savings(Path(sys.argv[1])):
        print(f"{row['page']:<50} before {row['before']:>9,}  now {row['now']:>3}  on open {row['on_open']:>7,}")
