"""The six PDFs' names, and their place in every build (``make build``, ``make serve``).

``make pdf`` prints the PDFs (book/pdf.py) into ``site/pdf/`` and keeps a copy in
``.cache/pdf/``. Every build then puts a file at each PDF's address, so the
links of the home and print pages never break:

- the copy ``make pdf`` kept, when there is one (it shows the book as it was when
  ``make pdf`` last ran);
- otherwise a one-page PDF that says the file is not printed yet and how to print it.

Printing takes Chromium and a minute or two, so no build prints on its own; the
published site is ``make site`` (build, then ``make pdf``), which overwrites them.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: Where ``make pdf`` keeps a copy of what it printed, for the builds after it.
CACHE = ROOT / ".cache" / "pdf"
#: The editions: language -> the site folder of its pages.
EDITIONS = {"en": "", "he": "he/"}
KINDS = ("exam-blank", "answer-key", "book")


def pdf_name(kind: str, lang: str) -> str:
    """The file name of one PDF: ``book.pdf``, ``book.he.pdf``, …

    >>> pdf_name("answer-key", "en"), pdf_name("answer-key", "he")
    ('answer-key.pdf', 'answer-key.he.pdf')
    """
    if kind not in KINDS or lang not in EDITIONS:
        raise ValueError(f"no PDF {kind!r} in language {lang!r}: kinds {KINDS}, languages {tuple(EDITIONS)}")
    return f"{kind}.pdf" if lang == "en" else f"{kind}.{lang}.pdf"


#: Every PDF of the book, English first.
PDF_NAMES = [pdf_name(kind, lang) for lang in EDITIONS for kind in KINDS]

_PLACEHOLDER_LINES = (
    "This PDF has not been printed yet.",
    "",
    "In the book's folder, run:    make pdf",
    "",
    "It prints the blank exam, the answer key and the whole book, in English and in Hebrew,",
    "with headless Chromium (a minute or two), into site/pdf/ and .cache/pdf/.",
    "Then reload this page: every later build and `make serve` serve the printed copies.",
)


def placeholder_pdf(name: str) -> bytes:
    """A one-page A4 PDF (bytes) that says ``name`` is not printed yet and how to print it."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    writer = PdfWriter()
    page = writer.add_blank_page(width=595.28, height=841.89)
    lines = [f"BT /F1 16 Tf 60 760 Td ({escape(name)}) Tj ET"]
    lines += [f"BT /F1 11 Tf 60 {720 - 18 * k} Td ({escape(t)}) Tj ET" for k, t in enumerate(_PLACEHOLDER_LINES)]
    content = DecodedStreamObject()
    content.set_data("\n".join(lines).encode("ascii"))
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    page.replace_contents(content)
    writer.add_metadata({"/Title": f"{name}: not printed yet (run make pdf)"})
    writer.root_object[NameObject("/Lang")] = TextStringObject("en")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def place_pdfs(site: Path, cache: Path = CACHE) -> dict[str, str]:
    """Put a file at each PDF's address under ``site/pdf/``: the cached print, else a placeholder.

    Returns name -> ``"printed"`` (already there), ``"cached"`` or ``"placeholder"``.
    """
    out = site / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    placed = {}
    for name in PDF_NAMES:
        if (out / name).is_file():
            placed[name] = "printed"
        elif (cache / name).is_file():
            shutil.copyfile(cache / name, out / name)
            placed[name] = "cached"
        else:
            (out / name).write_bytes(placeholder_pdf(name))
            placed[name] = "placeholder"
    return placed


def keep_in_cache(files: dict[str, Path], cache: Path = CACHE) -> None:
    """Copy the PDFs ``make pdf`` printed (name -> path) into the cache the builds read."""
    cache.mkdir(parents=True, exist_ok=True)
    for name, path in files.items():
        shutil.copyfile(path, cache / name)


def post_build(site: Path, config: Any) -> None:
    """The ``POST_BUILD`` step (book/mkdocs_hooks.py): every PDF link of the built site resolves."""
    place_pdfs(site)
