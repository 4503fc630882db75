"""The six PDFs (book/pdf.py, `make pdf`): printed once from the built site, then read back with pypdf.

Checked for both editions: page counts, language and title, embedded fonts, a page number
drawn over every page, the book's table of contents and bookmarks against the nav, each page's
title on the page the contents names, and Hebrew text that extracts in reading order.
The files every build puts at the PDF addresses (book/pdf_files.py) are checked too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pdf_tools import all_page_texts, last_drawn_form_text
from pypdf import PdfReader

from book.facts import lookup
from book.pdf import WORDS, book_entries, entries, make_pdfs, site_name
from book.pdf_files import CACHE, EDITIONS, PDF_NAMES, pdf_name, place_pdfs, placeholder_pdf

browser = pytest.mark.browser  # one worker prints the PDFs once (loadscope keeps this file on one worker)

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
#: Sane page counts: (fewest, most) per kind.
PAGES = {"exam-blank": (3, 20), "answer-key": (4, 40), "book": (60, 800)}


@pytest.fixture(scope="module")
def pdfs(site, chromium, tmp_path_factory) -> dict[str, Path]:
    """The six PDFs, printed once: the two editions at the same time, each by its own Chromium (``jobs=2``)."""
    return make_pdfs(site, tmp_path_factory.mktemp("pdf"), chromium, progress=None, jobs=2)


@pytest.fixture(scope="module")
def readers(pdfs) -> dict[str, PdfReader]:
    return {name: PdfReader(path) for name, path in pdfs.items()}


@pytest.fixture(scope="module")
def texts(pdfs, readers) -> dict[str, list[str | None]]:
    """Each PDF's text, page by page, extracted once, two files at a time.

    The blank exams and the answer keys are read whole. Of a book (about 250 pages,
    50 ms each), the pages a test reads: the contents, the first page of every
    entry, and chapter A2 whole; the others are None.
    """
    return all_page_texts(pdfs, {pdf_name("book", lang): _book_pages_read(readers, lang) for lang in EDITIONS})


def _book_pages_read(readers, lang: str) -> set[int]:
    """The pages (0-based) of edition ``lang``'s book whose text ``texts`` extracts."""
    reader = readers[pdf_name("book", lang)]
    starts = [at for _, at in _bookmarks(reader)]
    return {*range(_contents_pages(reader, lang)), *starts, *_a2_pages(reader, lang)}


def _a2_pages(reader: PdfReader, lang: str) -> range:
    """The pages (0-based) of chapter A2 in a book: from its bookmark to the next one."""
    starts = [at for _, at in _bookmarks(reader)] + [len(reader.pages)]
    k = next(k for k, e in enumerate(book_entries(lang)) if e.path.endswith("chapters/a2-rnncell-parameters/"))
    return range(starts[k], starts[k + 1])


def _text(pages: list[str]) -> str:
    return " ".join(pages).replace("\n", " ")


def words(text: str) -> list[str]:
    """Hebrew words, Latin words and numbers, in the order the text gives them (punctuation and spacing dropped).

    >>> words("A2 · הפרמטרים של RNNCell22")
    ['A', '2', 'הפרמטרים', 'של', 'RNNCell', '22']
    """
    return re.findall(r"[\u05d0-\u05ea]+|[A-Za-z]+|\d+", text)


def reads(text: str, phrase: str) -> bool:
    """Whether ``phrase``'s words appear in ``text``, together and in the order they are typed."""
    return f" {' '.join(words(phrase))} " in f" {' '.join(words(text))} "


def test_words_catch_the_visual_order():
    assert reads("טופס  המבחן  הריק:  להדפסה", "טופס המבחן הריק: להדפסה")
    assert not reads("להדפסה:  הריק  המבחן  טופס", "טופס המבחן הריק: להדפסה")


@browser
def test_all_six_are_printed_with_sane_page_counts(readers):
    assert sorted(readers) == sorted(PDF_NAMES)
    for lang in EDITIONS:
        for kind, (low, high) in PAGES.items():
            n = len(readers[pdf_name(kind, lang)].pages)
            assert low <= n <= high, f"{pdf_name(kind, lang)}: {n} pages, expected {low} to {high}"


@browser
def test_each_pdf_names_its_language_title_and_direction(readers):
    for lang in EDITIONS:
        for kind in PAGES:
            reader = readers[pdf_name(kind, lang)]
            root = reader.trailer["/Root"]
            assert root["/Lang"] == lang, pdf_name(kind, lang)
            assert reader.metadata.title.startswith(site_name(lang)), reader.metadata.title
            direction = root.get("/ViewerPreferences", {}).get("/Direction")
            assert direction == ("/R2L" if lang == "he" else None), (pdf_name(kind, lang), direction)


def _fonts(reader: PdfReader):
    seen = {}
    for page in reader.pages:
        resources = [page["/Resources"]]
        while resources:
            res = resources.pop().get_object()
            for font in res.get("/Font", {}).values():
                seen[font.idnum if hasattr(font, "idnum") else id(font)] = font.get_object()
            for xobject in res.get("/XObject", {}).values():
                if "/Resources" in xobject.get_object():
                    resources.append(xobject.get_object()["/Resources"])
    return seen.values()


@browser
def test_every_font_is_embedded(readers):
    for name, reader in readers.items():
        fonts = list(_fonts(reader))
        assert fonts, name
        for font in fonts:
            if font["/Subtype"] == "/Type3":  # glyphs drawn in the file itself
                continue
            described = font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
            descriptor = described["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (name, font["/BaseFont"])


@browser
def test_every_page_carries_its_number(readers, texts):
    """Drawn last, over the page: "Page k of n"; and in the text a reader's tool extracts, where it was extracted."""
    for lang in EDITIONS:
        for kind in PAGES:
            name = pdf_name(kind, lang)
            pages = readers[name].pages
            n = len(pages)
            read = {k for k, text in enumerate(texts[name]) if text is not None}
            if kind == "book":
                assert read == _book_pages_read(readers, lang) and len(read) >= 20, (name, sorted(read))
            else:
                assert read == set(range(n)), (name, sorted(read))  # read whole
            for k, (page, text) in enumerate(zip(pages, texts[name], strict=True), 1):
                footer = WORDS[lang]["page"].format(k=k, n=n)
                number = last_drawn_form_text(page)
                assert number is not None and reads(number, footer), (
                    f"{name} page {k}: draws {number!r}, not '{footer}'"
                )
                assert text is None or reads(text, footer), f"{name} page {k}: '{footer}' is not in its text"


def _contents_pages(reader: PdfReader, lang: str) -> int:
    """How many pages the table of contents takes: the first bookmark after it points past them."""
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert top[0].title == WORDS[lang]["contents"]
    return reader.get_destination_page_number(top[1])


def _bookmarks(reader: PdfReader) -> list[tuple[str, int]]:
    """The pages' bookmarks (title, 0-based page), in order, the sections and the contents left out."""
    flat = []

    def walk(items, depth: int) -> None:
        for k, item in enumerate(items):
            if isinstance(item, list):
                walk(item, depth + 1)
            elif not (k + 1 < len(items) and isinstance(items[k + 1], list)):  # a section has children
                flat.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return flat[1:]


class _H1(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.text = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "h1" and not self.text:
            self.depth = 1
        elif self.depth and tag == "a":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "h1" and self.depth:
            self.depth = 0
            self.text.append("")
        elif tag == "a" and self.depth > 1:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth == 1:
            self.text.append(data)


def h1(site: Path, path: str) -> str:
    """A built page's first heading, its permalink left out."""
    parser = _H1()
    parser.feed((site / path / "index.html").read_text(encoding="utf-8"))
    return "".join(parser.text).strip()


@browser
@pytest.mark.parametrize("lang", list(EDITIONS))
def test_book_contents_and_bookmarks_list_every_page_at_its_page(readers, texts, site, lang):
    reader = readers[pdf_name("book", lang)]
    page_text = texts[pdf_name("book", lang)]
    toc_pages = _contents_pages(reader, lang)
    assert 1 <= toc_pages <= 3
    contents = " ".join(page_text[:toc_pages])
    assert reads(contents, WORDS[lang]["contents"]) and reads(contents, site_name(lang))
    pages = book_entries(lang)
    marks = _bookmarks(reader)
    assert [title for title, _ in marks] == [e.title for e in pages]
    numbers = [at for _, at in marks]
    assert numbers == sorted(numbers) and numbers[0] == toc_pages and len(set(numbers)) == len(numbers)
    for entry, (title, at) in zip(pages, marks, strict=True):
        # the contents line: the nav title, then its page number
        assert reads(contents, f"{title} {at + 1}"), f"contents: no line '{title} … {at + 1}'"
        # the page named there is where the page begins: its own title is on it, in reading order
        heading = h1(site, entry.path)
        assert reads(page_text[at], heading), f"{pdf_name('book', lang)} p.{at + 1}: no '{heading}'"
    sections = {e.section for e in pages if e.section}
    assert sections <= {item.title for item in reader.outline if not isinstance(item, list)}


@browser
def test_hebrew_text_extracts_in_reading_order(texts, site):
    exam = _text(texts["exam-blank.he.pdf"])
    heading = h1(site, "he/print/exam/")
    assert re.search(r"[\u05d0-\u05ea]", heading), heading
    assert reads(exam, heading), heading
    assert not reads(exam, " ".join(words(heading)[::-1])), "the heading's words come out backwards"
    key = _text(texts["answer-key.he.pdf"])
    assert reads(key, h1(site, "he/print/answer-key/"))
    # an English paragraph in a Hebrew page stays left to right, numbers whole
    assert f"{lookup('a2_rnncell_parameters', 'total'):,}" in key
    assert "weight_ih" in key and "bias_hh" in key


@browser
def test_blank_exams_have_every_question_and_no_answer(texts):
    total = f"{lookup('a2_rnncell_parameters', 'total'):,}"
    for lang in EDITIONS:
        text = _text(texts[pdf_name("exam-blank", lang)])
        for phrase in ("RNNCell", "Conv2d(3, 5, 3)", "Lipschitz"):
            assert phrase in text, (lang, phrase)
        assert total not in text, lang
    english = _text(texts["exam-blank.pdf"])
    for phrase in QUESTIONS:
        assert phrase in english, phrase
    assert "Chapter A2" not in english  # links to chapters are left out of the printout


@browser
def test_answer_key_has_the_chapters_answers(texts):
    text = _text(texts["answer-key.pdf"])
    assert f"{lookup('a2_rnncell_parameters', 'total'):,}" in text
    assert "weight_ih" in text and "bias_hh" in text
    for page in texts["answer-key.pdf"]:
        body = page.replace(WORDS["en"]["page"].format(k="", n="").strip(), "")
        assert words(body), "a blank page in the answer key"


@browser
def test_math_is_typeset_in_both_books(readers, texts):
    """Chapter A2's printed pages hold KaTeX's rendering, not the TeX source. (That every formula of every
    page is typeset, with no KaTeX error, is checked in the browser: tests/test_browser_pages.py.)"""
    for lang in EDITIONS:
        name = pdf_name("book", lang)
        pages = _a2_pages(readers[name], lang)
        assert 2 <= len(pages) <= 40, (name, pages)
        text = _text([texts[name][k] for k in pages])
        # KaTeX's rendering of tanh is in the text, the TeX source is not.
        assert "tanh" in text and "\\tanh" not in text, lang


# ---- the files at the PDF addresses of every build (no browser) -----------------------


def test_every_build_has_a_file_at_each_pdf_link(site):
    for name in PDF_NAMES:
        assert (site / "pdf" / name).is_file(), name
        assert PdfReader(site / "pdf" / name).pages, name
    links = {"": list(PAGES), "print/exam/": ["exam-blank"], "print/answer-key/": ["answer-key"]}
    for lang, folder in EDITIONS.items():
        for page, kinds in links.items():
            html = (site / folder / page / "index.html").read_text(encoding="utf-8")
            linked = set(re.findall(r'href="(?:\.\./)*pdf/([\w.-]+\.pdf)"', html))
            assert {pdf_name(kind, lang) for kind in kinds} <= linked, (lang, page, linked)


def test_a_missing_pdf_is_a_page_that_says_how_to_print_it(tmp_path):
    placed = place_pdfs(tmp_path / "site", cache=tmp_path / "no-cache")
    assert set(placed.values()) == {"placeholder"} and sorted(placed) == sorted(PDF_NAMES)
    reader = PdfReader(tmp_path / "site" / "pdf" / "book.he.pdf")
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "book.he.pdf" in text and "make pdf" in text
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_a_printed_pdf_is_served_from_the_cache(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "book.pdf").write_bytes(placeholder_pdf("a printed book"))
    placed = place_pdfs(tmp_path / "site", cache=cache)
    assert placed["book.pdf"] == "cached" and placed["book.he.pdf"] == "placeholder"
    assert (tmp_path / "site" / "pdf" / "book.pdf").read_bytes() == (cache / "book.pdf").read_bytes()
    assert place_pdfs(tmp_path / "site", cache=cache)["book.pdf"] == "printed"  # already there: kept
    assert CACHE.name == "pdf" and CACHE.parent.name == ".cache"


def test_unknown_pdf_or_language_is_a_clear_error():
    with pytest.raises(ValueError, match="languages"):
        pdf_name("book", "fr")
    with pytest.raises(ValueError, match="kinds"):
        pdf_name("novel", "en")
    with pytest.raises(ValueError, match="unknown languages"):
        make_pdfs(Path("site"), Path("out"), languages=("fr",))


def test_the_hebrew_book_has_every_nav_page_with_its_hebrew_title():
    english, hebrew = book_entries("en"), book_entries("he")
    assert len(english) == len(hebrew) >= 20
    assert not any(e.path.startswith(("print/", "he/print/")) for e in english + hebrew)
    assert sum(e.title != h.title for e, h in zip(english, hebrew, strict=True)) >= len(english) - 1
    # each notebook's Hebrew page (docs/notebooks/<name>.he.py), not the English one
    notebooks = [h for h in hebrew if "notebooks/" in h.path]
    assert len(notebooks) >= 10 and all(h.path.startswith("he/notebooks/") for h in notebooks)
    printed = [e.path for e in entries("he") if e.path.startswith("he/print/")]
    assert printed == ["he/print/exam/", "he/print/answer-key/"]
