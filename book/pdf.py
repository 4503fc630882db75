"""Print the book to PDF: ``make pdf`` (``python -m book.pdf SITE_DIR OUT_DIR``).

Three files, printed by headless Chromium from the built site (print styles on,
math typeset, figures loaded — checked before each page is printed):

- ``exam-blank.pdf``  — the questions only, Hebrew and English, room to write;
- ``answer-key.pdf``  — every question with its exam-length answer;
- ``book.pdf``        — every page of the book in navigation order (the print
  pages themselves left out), one PDF.

The files land in ``OUT_DIR`` (``site/pdf/`` for ``make pdf``, so the published
site links to them). The tests print them too and check them page by page.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from pathlib import Path

from book.browser import CHROMIUM
from book.browser import launch as launch_browser
from book.config import nav_pages
from book.serve import serve

ROOT = Path(__file__).resolve().parent.parent
PRINT_PAGES = {"exam-blank.pdf": "print/exam/", "answer-key.pdf": "print/answer-key/"}


def _print_progress(line: str) -> None:
    print(line, flush=True)


def print_page(browser, url: str) -> bytes:
    """One page as A4 PDF bytes, after checking its math is typeset and its images are loaded."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.wait_for_function(
        "() => document.querySelectorAll('.arithmatex:not([data-katex])').length === 0", timeout=15_000
    )
    broken = page.evaluate(
        "() => [...document.querySelectorAll('article img')]"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    if broken:
        raise RuntimeError(f"{url}: images not loaded before printing: {broken}")
    page.emulate_media(media="print")
    margin = {"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"}
    pdf = page.pdf(format="A4", print_background=True, margin=margin)
    context.close()
    return pdf


def make_pdfs(
    site: Path,
    out: Path,
    chromium: str = CHROMIUM,
    progress: Callable[[str], None] | None = _print_progress,
    browser=None,
) -> dict[str, Path]:
    """Print the three PDFs of the book from the built ``site`` into ``out``.

    ``progress``: called with one line per printed page (None: silent).
    ``browser``: a running Playwright browser to use (the tests pass theirs);
    by default Chromium is started at ``chromium``.
    """
    if browser is None:
        with launch_browser(chromium) as own:
            return make_pdfs(site, out, chromium, progress, own)
    from pypdf import PdfReader, PdfWriter

    out.mkdir(parents=True, exist_ok=True)
    written = {}
    book_pages = [p for p in nav_pages() if not p.startswith("print/")]
    with serve(site) as base:
        for name, path in PRINT_PAGES.items():
            (out / name).write_bytes(print_page(browser, base + path))
            written[name] = out / name
            if progress:
                progress(f"  {name} <- /{path}")
        writer = PdfWriter()
        for k, path in enumerate(book_pages, 1):
            reader = PdfReader(io.BytesIO(print_page(browser, base + path)))
            start = len(writer.pages)
            for pdf_page in reader.pages:
                writer.add_page(pdf_page)
            writer.add_outline_item(title=path.strip("/") or "home", page_number=start)
            if progress:
                progress(f"  book.pdf: {k}/{len(book_pages)} /{path}")
    with open(out / "book.pdf", "wb") as f:
        writer.write(f)
    written["book.pdf"] = out / "book.pdf"
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (make build)")
    parser.add_argument("out", type=Path, help="where to write the PDFs")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site} is not a built site: run `make build` first", file=sys.stderr)
        return 2
    for path in make_pdfs(args.site, args.out, args.chromium).values():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
