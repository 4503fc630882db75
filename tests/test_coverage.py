"""Every listing is tested code: the coverage rules of the book.

- every module in ``snippets/`` is shown by at least one page and imported by at least one test;
- every ``--8<--`` reference names an existing file and section;
- every chapter in the nav includes at least one snippet that a test imports;
- every notebook imports the book's code (it runs what the chapter shows).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from book.facts import used_facts
from conftest import DOCS, ROOT

SNIPPETS = ROOT / "snippets"
TESTS = ROOT / "tests"
INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}\s+"(?P<file>[^":]+)(?::(?P<section>[\w.-]+))?"', re.M)


def modules() -> list[str]:
    return sorted(p.stem for p in SNIPPETS.glob("*.py") if p.stem != "__init__")


def pages() -> dict[str, str]:
    return {p.relative_to(DOCS).as_posix(): p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md")}


def includes(text: str) -> list[tuple[str, str | None]]:
    return [(m["file"], m["section"]) for m in INCLUDE.finditer(text)]


def imported_by_tests() -> set[str]:
    found = set()
    for test in TESTS.glob("*.py"):
        for node in ast.walk(ast.parse(test.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("snippets"):
                found.add(node.module.removeprefix("snippets.") if node.module != "snippets" else "")
                if node.module == "snippets":
                    found.update(a.name for a in node.names)
            elif isinstance(node, ast.Import):
                found.update(a.name.removeprefix("snippets.") for a in node.names if a.name.startswith("snippets."))
    return found


def shown_by_pages() -> set[str]:
    shown = set()
    for text in pages().values():
        shown.update(Path(f).stem for f, _ in includes(text) if f.startswith("snippets/"))
    return shown


@pytest.mark.parametrize("module", modules())
def test_module_is_imported_by_a_test(module):
    assert module in imported_by_tests(), f"snippets/{module}.py is imported by no test in tests/"


@pytest.mark.parametrize("module", modules())
def test_module_is_shown_by_a_page(module):
    assert module in shown_by_pages(), f"snippets/{module}.py is included (--8<--) by no page"


def test_every_include_resolves():
    bad = []
    for page, text in pages().items():
        for file, section in includes(text):
            path = ROOT / file
            if not path.is_file():
                bad.append(f"{page}: no file {file}")
                continue
            if section:
                src = path.read_text(encoding="utf-8")
                if f"--8<-- [start:{section}]" not in src or f"--8<-- [end:{section}]" not in src:
                    bad.append(f"{page}: no section {section!r} in {file}")
    assert not bad, bad


def test_every_section_is_shown():
    """A marked section no page includes is dead weight (or a forgotten listing)."""
    shown = {(f, s) for text in pages().values() for f, s in includes(text)}
    unused = []
    for path in SNIPPETS.glob("*.py"):
        for section in re.findall(r"--8<-- \[start:([\w.-]+)\]", path.read_text(encoding="utf-8")):
            if (f"snippets/{path.name}", section) not in shown:
                unused.append(f"snippets/{path.name}:{section}")
    assert not unused, unused


def test_every_chapter_has_a_tested_snippet():
    tested = imported_by_tests()
    for page, text in pages().items():
        if not page.startswith("chapters/"):
            continue
        shown = {Path(f).stem for f, _ in includes(text) if f.startswith("snippets/")}
        assert shown & tested, f"{page} shows no snippet that a test imports"
        facts_modules = {m for m, _, _ in used_facts(text)} - {"env"}
        assert facts_modules <= tested, f"{page} takes facts from untested modules {facts_modules - tested}"


def test_every_notebook_imports_the_books_code():
    for nb in (DOCS / "notebooks").glob("*.py"):
        assert re.search(r"^from snippets\.\w+ import|^import snippets", nb.read_text(encoding="utf-8"), re.M), nb.name


ENGINEERING = "<!-- engineering: not an exam question -->"


def test_every_chapter_answer_is_marked_and_in_the_answer_key():
    """The printable key is made of the chapters' own answers: none may be left out."""
    for edition in ("", ".he"):  # both editions: English and Hebrew
        key = (DOCS / "print" / f"answer-key{edition}.md").read_text(encoding="utf-8")
        exam = (DOCS / f"exam{edition}.md").read_text(encoding="utf-8")
        for english in sorted(p for p in (DOCS / "chapters").glob("*.md") if not p.name.endswith(".he.md")):
            chapter = english.with_name(english.name.removesuffix(".md") + f"{edition}.md")
            text = chapter.read_text(encoding="utf-8")
            if ENGINEERING in text:  # an engineering page answers no exam question: its chapter links it
                parent = english.name.split("-")[0]
                assert any(
                    f"]({english.name}" in c.read_text(encoding="utf-8")
                    for c in (DOCS / "chapters").glob(f"{parent}-*.md")
                    if c != english
                ), english.name
                continue
            assert "--8<-- [start:answer]" in text and "--8<-- [end:answer]" in text, chapter.name
            assert f'--8<-- "docs/chapters/{chapter.name}:answer"' in key, (
                f"{chapter.name} is missing from the answer key"
            )
            assert f"(/chapters/{english.name})" in exam, f"the exam paper does not link {english.name}"


def test_no_page_types_python_by_hand():
    """A python fence in a page holds only --8<-- includes: the reader sees tested code, never a retyped copy."""
    bad = []
    for page, text in pages().items():
        for fence in re.finditer(r"^[ \t]*```[ \t]*(?:python|py)\b[^\n]*\n(.*?)^[ \t]*```[ \t]*$", text, re.M | re.S):
            body = [line.strip() for line in fence[1].splitlines() if line.strip()]
            if any(not line.startswith("--8<--") for line in body):
                bad.append(f"{page}: {body[:2]}")
    assert not bad, bad
