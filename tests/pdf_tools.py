"""Reading the printed PDFs back (tests/test_pdf.py): text extraction, one process per file."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def page_texts(path: Path) -> list[str]:
    """The text of each page of the PDF at ``path``, as pypdf extracts it ("" for a page without text)."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


def all_page_texts(paths: dict[str, Path], jobs: int = 2) -> dict[str, list[str]]:
    """``page_texts`` of every file (name -> path), ``jobs`` files at a time, the biggest first.

    pypdf takes seconds per book, and a test worker mostly waits while it prints: the
    two books are read at the same time.
    """
    order = sorted(paths, key=lambda name: -paths[name].stat().st_size)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        jobs_by_name = {name: pool.submit(page_texts, paths[name]) for name in order}
        return {name: jobs_by_name[name].result() for name in paths}
