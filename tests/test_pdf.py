"""The three PDFs (book/pdf.py, `make pdf`): printed from the built site and checked page by page."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from book.browser import CHROMIUM
from book.config import nav_pages
from book.facts import lookup
from book.pdf import make_pdfs

# One worker prints the three PDFs once (under xdist, loadscope keeps a file on one worker).
pytestmark = pytest.mark.browser

QUESTIONS = [
    "non-differentiable",
    "RNNCell",
    "gradient clipping",
    "hyper-parameters",
    "GPU",
    "Kullback",
    "very simple network",
    "Conv2d(3, 5, 3)",
    "Lipschitz",
    "convolutional networks",
]


@pytest.fixture(scope="module")
def pdfs(site, browser, tmp_path_factory, pytestconfig):
    """The PDFs, printed once; a line per printed page goes to the terminal when pytest runs without workers."""
    out = tmp_path_factory.mktemp("pdf")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")

    def progress(line: str) -> None:
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():
                reporter.write_line("pdf:" + line)

    return make_pdfs(site, out, CHROMIUM, progress=progress, browser=browser)


def _text(reader: PdfReader) -> str:
    return " ".join((p.extract_text() or "") for p in reader.pages).replace("\n", " ")


def test_blank_exam_has_every_question_and_no_answer(pdfs):
    reader = PdfReader(pdfs["exam-blank.pdf"])
    assert len(reader.pages) >= 4  # each part starts on a new page
    text = _text(reader)
    for phrase in QUESTIONS:
        assert phrase in text, phrase
    total = f"{lookup('a2_rnncell_parameters', 'total'):,}"
    assert total not in text
    assert "Chapter A2" not in text  # links to chapters are left out of the printout


def test_answer_key_has_the_chapters_answers(pdfs):
    reader = PdfReader(pdfs["answer-key.pdf"])
    text = _text(reader)
    assert f"{lookup('a2_rnncell_parameters', 'total'):,}" in text
    assert "weight_ih" in text and "bias_hh" in text
    for page in reader.pages:
        assert (page.extract_text() or "").strip(), "a blank page in the answer key"


def test_whole_book_is_one_pdf_with_every_page(pdfs):
    reader = PdfReader(pdfs["book.pdf"])
    pages = [p for p in nav_pages() if not p.startswith("print/")]
    assert len(reader.outline) == len(pages)
    assert len(reader.pages) >= len(pages)
    text = _text(reader)
    for title in ("The exam paper", "The parameters of an", "How the book checks itself"):
        assert title in text, title
    # Math was typeset before printing: KaTeX's rendering of tanh is in the text, the TeX source is not.
    assert "tanh" in text and "\\tanh" not in text
