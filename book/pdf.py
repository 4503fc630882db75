"""Print the book to PDF: ``make pdf`` (``python -m book.pdf SITE_DIR OUT_DIR``).

Six files, three per edition (names in book/pdf_files.py), printed by headless
Chromium from the built site (print styles on, math typeset, figures and fonts
loaded — checked before each page is printed):

- ``exam-blank.pdf``, ``exam-blank.he.pdf`` — the questions only, room to write;
- ``answer-key.pdf``, ``answer-key.he.pdf`` — every question with its exam-length answer;
- ``book.pdf``, ``book.he.pdf`` — a table of contents, then every page of the
  edition in navigation order (the print pages themselves left out), with
  bookmarks (the PDF outline) for every page.

Every page carries its number ("Page 3 of 12", "עמוד 3 מתוך 12"), drawn by Chromium
on a page of its own and laid over the printed page, so the whole book is numbered
as one document. Each PDF names its language (``/Lang``) and title; the Hebrew ones
ask viewers to lay pages out right to left. Chromium embeds the fonts it uses
(Hebrew: the system's DejaVu Sans). Lines of right-to-left text are written in
reading order (book/pdf_text.py), so their text extracts as it is read.

The files land in ``OUT_DIR`` (``site/pdf/`` for ``make pdf``, so the published
site links to them); ``make pdf`` also keeps a copy for later builds
(book/pdf_files.py). The tests print them too and check them page by page.
"""

from __future__ import annotations

import argparse
import html
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from book.browser import CHROMIUM, EAGER_IMAGES, images_not_shown
from book.browser import launch as launch_browser
from book.config import mkdocs_config, plugin_config
from book.pdf_files import EDITIONS, keep_in_cache, pdf_name
from book.pdf_text import content_bytes, in_reading_order
from book.serve import serve

ROOT = Path(__file__).resolve().parent.parent
#: The print pages of each PDF but the book, relative to an edition's folder.
PRINT_PAGES = {"exam-blank": "print/exam/", "answer-key": "print/answer-key/"}
MARGIN = {"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"}

#: The words the PDFs add, per edition.
WORDS = {
    "en": {"contents": "Contents", "page": "Page {k} of {n}", "book": "the whole book"},
    "he": {"contents": "תוכן העניינים", "page": "עמוד {k} מתוך {n}", "book": "הספר כולו"},
}


@dataclass(frozen=True)
class Entry:
    """One page of the book: its nav title in the edition's language, its site path, its nav section."""

    title: str
    path: str  # e.g. "he/chapters/a2-rnncell-parameters/"; "" is the English home page
    section: str | None  # the nav section it is in ("Part A · short answers"), None at the top level


def _translations(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    language = next(x for x in plugin_config("i18n")["languages"] if x["locale"] == lang)
    return dict(language["nav_translations"] or {})


def site_name(lang: str) -> str:
    """The book's name in ``lang`` (mkdocs.yml's ``site_name``, or the i18n language's)."""
    if lang != "en":
        language = next(x for x in plugin_config("i18n")["languages"] if x["locale"] == lang)
        if language.get("site_name"):
            return language["site_name"]
    return mkdocs_config()["site_name"]


def entries(lang: str) -> list[Entry]:
    """Every nav page of edition ``lang``, in order, with its title as the edition's nav shows it.

    Each edition has its own page of every notebook ("Run it yourself"): the Hebrew ones are
    ``docs/notebooks/<name>.he.py``, rendered from the English page's executed outputs.

    >>> [e.path for e in entries("he")][:2]
    ['he/', 'he/exam/']
    """
    words = _translations(lang)
    prefix = EDITIONS[lang]
    out: list[Entry] = []

    def walk(items: list, section: str | None) -> None:
        for item in items:
            title, value = next(iter(item.items())) if isinstance(item, dict) else (None, item)
            if isinstance(value, list):
                walk(value, words.get(title, title))
                continue
            stem = value.removesuffix(".md").removesuffix(".py")
            path = "" if stem == "index" else stem + "/"
            out.append(Entry(words.get(title, title), prefix + path, section))

    walk(mkdocs_config()["nav"], None)
    return out


def book_entries(lang: str) -> list[Entry]:
    """The pages of ``book.pdf`` in edition ``lang``: the nav's, the print pages left out."""
    return [e for e in entries(lang) if not e.path.removeprefix(EDITIONS[lang]).startswith("print/")]


def _progress_line(line: str) -> None:
    print(line, flush=True)


def print_page(page, url: str) -> bytes:
    """The page at ``url`` as A4 PDF bytes, after checking its math is typeset and its images and fonts are
    loaded. ``page``: the Playwright page every print of an edition reuses (a page's load in a new tab
    costs Chromium about four times the CPU of a load in one that already runs)."""
    page.emulate_media(media="screen")  # the page loads as a reader sees it; the print styles come last
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => document.querySelectorAll('.arithmatex:not([data-katex])').length === 0", timeout=15_000
    )
    page.evaluate("() => document.fonts.ready.then(() => true)")
    broken = images_not_shown(page)  # the lazy figures too (book/page_weight.py): a printout needs them all
    if broken:
        raise RuntimeError(f"{url}: images not loaded before printing: {broken}")
    page.emulate_media(media="print")
    return page.pdf(format="A4", print_background=True, margin=MARGIN)


def _print_html(page, document: str, margin: dict[str, str] | None = None) -> bytes:
    """A4 PDF bytes of an HTML document of ours (the table of contents, the page numbers), printed in ``page``."""
    page.set_content(document, wait_until="load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return page.pdf(format="A4", print_background=True, margin=margin or {"top": "0", "bottom": "0"})


def _html(lang: str, style: str, body: str) -> str:
    direction = "rtl" if lang == "he" else "ltr"
    return (
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        f"<style>{style}</style></head><body>{body}</body></html>"
    )


_TOC_STYLE = """
body { font: 11pt/1.45 "DejaVu Sans", sans-serif; color: #111; margin: 0 }
h1 { font-size: 20pt; margin: 0 0 4mm } h2 { font-size: 14pt; margin: 0 0 4mm; color: #333 }
ol { list-style: none; padding: 0; margin: 0 }
li { display: flex; align-items: baseline; gap: 2mm; break-inside: avoid }
li.section { font-weight: bold; margin-top: 3mm }
li.in-section { padding-inline-start: 6mm }
.dots { flex: 1; border-bottom: 1px dotted #777 }
.n { font-variant-numeric: tabular-nums; direction: ltr; unicode-bidi: isolate }
"""


def _toc_html(lang: str, rows: list[tuple[Entry, int]]) -> str:
    """The table of contents: a heading per nav section, a line per page with its page number."""
    items = []
    section = None
    for entry, number in rows:
        if entry.section != section:
            section = entry.section
            if section is not None:
                items.append(f'<li class="section">{html.escape(section)}</li>')
        cls = ' class="in-section"' if entry.section else ""
        items.append(
            f'<li{cls}><span class="t">{html.escape(entry.title)}</span><span class="dots"></span>'
            f'<span class="n">{number}</span></li>'
        )
    body = f"<h1>{html.escape(site_name(lang))}</h1><h2>{WORDS[lang]['contents']}</h2><ol>{''.join(items)}</ol>"
    return _html(lang, _TOC_STYLE, body)


_NUMBER_STYLE = """
@page { size: A4; margin: 0 }
html, body { margin: 0 }
.p { height: 296mm; position: relative; break-after: page; overflow: hidden }
.p:last-child { break-after: auto }
.n { position: absolute; bottom: 6mm; left: 0; right: 0; text-align: center;
     font: 8.5pt "DejaVu Sans", sans-serif; color: #555 }
"""


def _number_pages(page, writer, lang: str) -> None:
    """Lay "Page k of n" over every page of ``writer``, and write each page's text in reading order.

    The numbers are one Chromium print of n empty pages that carry them; page k of it
    becomes a form XObject drawn over page k, after the page's own content.
    """
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    n = len(writer.pages)
    base = "R" if lang == "he" else None  # the direction of a Hebrew page's paragraphs; else guessed per line
    words = WORDS[lang]["page"]
    body = "".join(f'<div class="p"><div class="n">{words.format(k=k, n=n)}</div></div>' for k in range(1, n + 1))
    numbers = PdfReader(io.BytesIO(_print_html(page, _html(lang, _NUMBER_STYLE, body))))
    if len(numbers.pages) != n:
        raise RuntimeError(f"page numbers: printed {len(numbers.pages)} pages for {n}")
    for pdf_page, overlay in zip(writer.pages, numbers.pages, strict=True):
        form = DecodedStreamObject()
        form.set_data(in_reading_order(overlay, content_bytes(overlay), base)[0])
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(overlay.mediabox),
                NameObject("/Resources"): overlay["/Resources"].clone(writer),
            }
        )
        resources = DictionaryObject(pdf_page["/Resources"].get_object())  # a copy: pages may share one
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject("/BookPageNumber")] = writer._add_object(form.flate_encode())
        resources[NameObject("/XObject")] = xobjects
        pdf_page[NameObject("/Resources")] = resources
        own = in_reading_order(pdf_page, content_bytes(pdf_page), base)[0]
        content = DecodedStreamObject()
        content.set_data(b"q\n" + own + b"\nQ\nq /BookPageNumber Do Q\n")
        pdf_page.replace_contents(content.flate_encode())


def _finish(writer, lang: str, title: str, out: Path) -> Path:
    """Language, title and direction; then write ``out``."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer.add_metadata({"/Title": title})
    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(lang)
    if lang == "he":
        root[NameObject("/ViewerPreferences")] = DictionaryObject({NameObject("/Direction"): NameObject("/R2L")})
    with open(out, "wb") as f:
        writer.write(f)
    return out


def _print_one(page, base: str, lang: str, kind: str, out: Path) -> Path:
    """The blank exam or the answer key of edition ``lang``."""
    from pypdf import PdfReader, PdfWriter

    path = EDITIONS[lang] + PRINT_PAGES[kind]
    writer = PdfWriter()
    for pdf_page in PdfReader(io.BytesIO(print_page(page, base + path))).pages:
        writer.add_page(pdf_page)
    _number_pages(page, writer, lang)
    entry = next(e for e in entries(lang) if e.path == path)
    return _finish(writer, lang, f"{site_name(lang)} · {entry.title}", out / pdf_name(kind, lang))


def _print_book(page, base: str, lang: str, out: Path, progress: Callable[[str], None] | None) -> Path:
    """``book.pdf`` of edition ``lang``: contents, every page, bookmarks, page numbers."""
    from pypdf import PdfReader, PdfWriter

    pages = book_entries(lang)
    printed = []
    for k, entry in enumerate(pages, 1):
        printed.append(PdfReader(io.BytesIO(print_page(page, base + entry.path))))
        if progress:
            progress(f"  {pdf_name('book', lang)}: {k}/{len(pages)} /{entry.path}")
    # The contents' own length moves every number after it: print it once to count its pages.
    toc_pages = 0
    for _ in range(3):
        starts, at = [], toc_pages
        for reader in printed:
            starts.append(at + 1)
            at += len(reader.pages)
        rows = list(zip(pages, starts, strict=True))
        toc = PdfReader(io.BytesIO(_print_html(page, _toc_html(lang, rows), MARGIN)))
        if len(toc.pages) == toc_pages:
            break
        toc_pages = len(toc.pages)
    else:
        raise RuntimeError(f"the table of contents of {pdf_name('book', lang)} does not settle on a length")
    writer = PdfWriter()
    for pdf_page in toc.pages:
        writer.add_page(pdf_page)
    writer.add_outline_item(title=WORDS[lang]["contents"], page_number=0)
    parents: dict[str, object] = {}
    for entry, reader, start in zip(pages, printed, starts, strict=True):
        for pdf_page in reader.pages:
            writer.add_page(pdf_page)
        parent = None
        if entry.section is not None:
            if entry.section not in parents:
                parents[entry.section] = writer.add_outline_item(title=entry.section, page_number=start - 1)
            parent = parents[entry.section]
        writer.add_outline_item(title=entry.title, page_number=start - 1, parent=parent)
    _number_pages(page, writer, lang)
    title = f"{site_name(lang)} · {WORDS[lang]['book']}"
    return _finish(writer, lang, title, out / pdf_name("book", lang))


def make_pdfs(
    site: Path,
    out: Path,
    chromium: str = CHROMIUM,
    progress: Callable[[str], None] | None = _progress_line,
    browser=None,
    languages: tuple[str, ...] = tuple(EDITIONS),
    jobs: int = 1,
) -> dict[str, Path]:
    """Print the PDFs of the book (three per edition in ``languages``) from the built ``site`` into ``out``.

    Returns file name -> path. ``progress``: called with one line per printed page (None: silent).
    ``browser``: a running Playwright browser to use; by default Chromium is started at ``chromium``,
    with every image loaded at once (``EAGER_IMAGES``: a lazy image costs each print about 2 s).
    ``jobs`` > 1 (no ``browser`` given): the editions are printed at the same time, each by a
    process and a Chromium of its own (a page waits for Chromium most of the time); their
    progress lines are printed as they come (any ``progress`` but None means "print them").
    """
    unknown = [lang for lang in languages if lang not in EDITIONS]
    if unknown:
        raise ValueError(f"unknown languages {unknown}: the editions are {tuple(EDITIONS)}")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if jobs > 1 and browser is None and len(languages) > 1:
        return _in_parallel(site, out, chromium, progress is not None, languages, jobs)
    if browser is None:
        with launch_browser(chromium, extra_flags=(EAGER_IMAGES,)) as own:
            return make_pdfs(site, out, chromium, progress, own, languages)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    context = browser.new_context()
    try:
        page = context.new_page()
        with serve(site) as base:
            for lang in languages:
                for kind in PRINT_PAGES:
                    path = _print_one(page, base, lang, kind, out)
                    written[path.name] = path
                    if progress:
                        progress(f"  {path.name} <- /{EDITIONS[lang]}{PRINT_PAGES[kind]}")
                path = _print_book(page, base, lang, out, progress)
                written[path.name] = path
    finally:
        context.close()
    return written


def _one_edition(site: Path, out: Path, chromium: str, progress: bool, lang: str) -> dict[str, Path]:
    return make_pdfs(site, out, chromium, _progress_line if progress else None, languages=(lang,))


def _in_parallel(
    site: Path, out: Path, chromium: str, progress: bool, languages: tuple[str, ...], jobs: int
) -> dict[str, Path]:
    """``make_pdfs`` of each edition in a process of its own, ``jobs`` at a time."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    written: dict[str, Path] = {}
    context = multiprocessing.get_context("spawn")  # Playwright's driver threads do not survive a fork
    with ProcessPoolExecutor(min(jobs, len(languages)), mp_context=context) as pool:
        parts = [pool.submit(_one_edition, site, out, chromium, progress, lang) for lang in languages]
        for part in parts:
            written.update(part.result())  # a failing edition stops here, with its error
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (make build)")
    parser.add_argument("out", type=Path, help="where to write the PDFs")
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--no-cache", action="store_true", help="do not keep a copy in .cache/pdf/ for later builds")
    parser.add_argument("--jobs", type=int, default=2, help="editions printed at the same time (default 2)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site} is not a built site: run `make build` first", file=sys.stderr)
        return 2
    if not (args.site / "he" / "index.html").is_file():
        print(f"{args.site} has no Hebrew edition (he/index.html): run `make build` first", file=sys.stderr)
        return 2
    written = make_pdfs(args.site, args.out, args.chromium, jobs=args.jobs)
    for path in written.values():
        print(f"wrote {path}")
    if not args.no_cache:
        keep_in_cache(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
