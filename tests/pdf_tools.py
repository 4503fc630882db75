"""Reading the printed PDFs back (tests/test_pdf.py): text extraction, one process per file."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Collection
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

#: The last thing a page's content does: draw a form XObject (``q /Name Do Q``).
_LAST_FORM = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\s+Q\s*$")


def page_texts(path: Path, pages: Collection[int] | None = None) -> list[str | None]:
    """The text of each page of the PDF at ``path``, as pypdf extracts it ("" for a page without text).

    Only the pages (0-based) in ``pages`` are read, all when it is None; the others are None.
    pypdf parses a page in pure Python, and Chromium positions every glyph: a page of
    the book takes about 50 ms.
    """
    from pypdf import PdfReader

    reader = PdfReader(path)
    return [(page.extract_text() or "") if pages is None or k in pages else None for k, page in enumerate(reader.pages)]


def all_page_texts(
    paths: dict[str, Path], pages: dict[str, Collection[int]] | None = None, jobs: int = 2
) -> dict[str, list[str | None]]:
    """``page_texts`` of every file (name -> path), ``jobs`` files at a time, the biggest first.

    ``pages`` names the pages to read of some files (name -> 0-based pages); the other files are read whole.
    Each file is read in a process of its own, ``jobs`` at a time (pypdf is pure Python: one core each).
    """
    pages = pages or {}
    order = sorted(paths, key=lambda name: -paths[name].stat().st_size)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        jobs_by_name = {name: pool.submit(page_texts, paths[name], pages.get(name)) for name in order}
        return {name: jobs_by_name[name].result() for name in paths}


def last_drawn_form_text(page) -> str | None:
    """The text of the form XObject that a pypdf page draws last, over everything else; None if it ends otherwise.

    Reads the form alone: a few operators, where the whole page is thousands.

    >>> from pypdf import PageObject
    >>> last_drawn_form_text(PageObject.create_blank_page(width=10, height=10)) is None
    True
    """
    contents = page.get_contents()
    found = _LAST_FORM.search(contents.get_data()) if contents is not None else None
    if found is None:
        return None
    form = page["/Resources"]["/XObject"]["/" + found[1].decode("latin-1")].get_object()
    return page.extract_xform_text(form)
