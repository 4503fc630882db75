"""The Hebrew edition: which page translates which, and whether it is up to date.

Every English page ``docs/<path>.md`` has a Hebrew page ``docs/<path>.he.md``
(built under ``/he/`` by mkdocs-static-i18n). The Hebrew page records, in its
front matter, the SHA-256 of the English source it was last brought up to date
with::

    ---
    english_sha256: 3f2a…
    ---

When the English page changes, the recorded hash no longer matches and
``tests/test_i18n.py`` fails, naming the page. The translator then updates the
Hebrew text and records the new hash::

    python -m book.i18n status                 # every pair: fresh, stale or missing
    python -m book.i18n stamp docs/x.he.md     # after bringing the Hebrew page up to date
    python -m book.i18n ids docs/x.md          # the English heading ids the Hebrew page keeps
    python -m book.i18n check docs/x.he.md     # same headings, includes, facts, figures, links?

Headings keep their English ids (``## התשובה במבחן {#the-exam-answer}``), so an
anchor means the same section in both editions and the test can compare the
structure of the two pages.

A notebook ``docs/notebooks/<name>.py`` has its Hebrew version ``<name>.he.py``: the
same cells, the code cells copied verbatim, the Markdown cells in Hebrew (math and
identifiers as they are). It records the hash in its jupytext header, which
``stamp`` writes::

    # ---
    # jupyter:
    #   english_sha256: 3f2a…
    # ---

``check`` compares the two notebooks cell by cell (kinds, code, headings, math). The
build renders the Hebrew page from the English page's executed outputs
(``book.notebooks.share_executed_outputs``): a notebook is executed once per build.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HE = ".he.md"
HE_NOTEBOOK = ".he.py"
NOTEBOOKS = DOCS / "notebooks"
FRONT = re.compile(r"\A---\n(?P<body>.*?)\n---\n", re.S)
HASH_LINE = re.compile(r"^english_sha256:\s*(?P<hash>\S*)\s*$", re.M)


def is_notebook(page: Path) -> bool:
    """Whether a path is a notebook of the book (``docs/notebooks/*.py``), in either edition.

    >>> is_notebook(DOCS / "notebooks" / "a2.he.py"), is_notebook(DOCS / "chapters" / "a2.md")
    (True, False)
    """
    return page.suffix == ".py" and page.parent.name == "notebooks"


def english_pages() -> list[Path]:
    """Every English page of the book: ``docs/**/*.md`` but ``*.he.md``, and the notebooks ``docs/notebooks/*.py``."""
    notebooks = [p for p in NOTEBOOKS.glob("*.py") if not p.name.endswith(HE_NOTEBOOK)]
    return sorted([p for p in DOCS.rglob("*.md") if not p.name.endswith(HE)] + notebooks)


def hebrew_pages() -> list[Path]:
    """Every Hebrew page: ``docs/**/*.he.md`` and the Hebrew notebooks ``docs/notebooks/*.he.py``."""
    return sorted([*DOCS.rglob(f"*{HE}"), *NOTEBOOKS.glob(f"*{HE_NOTEBOOK}")])


def _is_hebrew(page: Path) -> bool:
    return page.name.endswith((HE, HE_NOTEBOOK))


def hebrew_of(english: Path) -> Path:
    """``docs/chapters/a2.md`` -> ``docs/chapters/a2.he.md``.

    >>> hebrew_of(Path("docs/chapters/a2.md")).as_posix(), hebrew_of(Path("docs/notebooks/a2.py")).as_posix()
    ('docs/chapters/a2.he.md', 'docs/notebooks/a2.he.py')
    """
    if english.suffix == ".py":
        return english.with_name(english.name[: -len(".py")] + HE_NOTEBOOK)
    return english.with_name(english.name[: -len(".md")] + HE)


def english_of(hebrew: Path) -> Path:
    """``docs/x.he.md`` -> ``docs/x.md``.

    >>> english_of(Path("docs/index.he.md")).as_posix(), english_of(Path("docs/notebooks/a2.he.py")).as_posix()
    ('docs/index.md', 'docs/notebooks/a2.py')
    """
    if hebrew.name.endswith(HE_NOTEBOOK):
        return hebrew.with_name(hebrew.name[: -len(HE_NOTEBOOK)] + ".py")
    if not hebrew.name.endswith(HE):
        raise ValueError(f"{hebrew} is not a Hebrew page (*{HE})")
    return hebrew.with_name(hebrew.name[: -len(HE)] + ".md")


def source_hash(english: Path) -> str:
    """SHA-256 of an English page's bytes, line endings normalised."""
    data = english.read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()


_NB_HEADER = re.compile(r"\A# ---\n(?P<body>(?:#.*\n)*?)# ---\n")
_NB_HASH_LINE = re.compile(r"^#[ \t]+english_sha256:[ \t]*(?P<hash>\S*)[ \t]*$", re.M)


def recorded_hash(hebrew: Path) -> str | None:
    """The ``english_sha256`` a Hebrew page's front matter (a notebook's jupytext header) records, or None.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.he.md"
    >>> _ = p.write_text("---\\nenglish_sha256: abc\\n---\\n# כותרת\\n", encoding="utf-8")
    >>> recorded_hash(p)
    'abc'
    >>> nb = p.with_name("n.he.py")
    >>> _ = nb.write_text("# ---\\n# jupyter:\\n#   english_sha256: def\\n# ---\\n\\n# %%\\n", encoding="utf-8")
    >>> recorded_hash(nb)
    'def'
    """
    text = hebrew.read_text(encoding="utf-8")
    header, line = (_NB_HEADER, _NB_HASH_LINE) if hebrew.suffix == ".py" else (FRONT, HASH_LINE)
    front = header.match(text)
    if not front:
        return None
    found = line.search(front["body"])
    return found["hash"] if found and found["hash"] else None


def _stamp_notebook(text: str, digest: str) -> str:
    """A Hebrew notebook's text with ``digest`` in its jupytext header (``jupyter.english_sha256``).

    >>> _stamp_notebook("# %%\\nx = 1\\n", "ab")
    '# ---\\n# jupyter:\\n#   english_sha256: ab\\n# ---\\n\\n# %%\\nx = 1\\n'
    >>> _stamp_notebook(_stamp_notebook("# %%\\n", "ab"), "cd")  # stamped again: one hash, the header intact
    '# ---\\n# jupyter:\\n#   english_sha256: cd\\n# ---\\n\\n# %%\\n'
    """
    front = _NB_HEADER.match(text)
    if front is None:
        return f"# ---\n# jupyter:\n#   english_sha256: {digest}\n# ---\n\n" + text
    body = front["body"]
    if _NB_HASH_LINE.search(body):
        body = _NB_HASH_LINE.sub(f"#   english_sha256: {digest}", body)
    elif re.search(r"^# jupyter:\s*$", body, re.M):
        body = re.sub(r"^# jupyter:\s*$", f"# jupyter:\n#   english_sha256: {digest}", body, count=1, flags=re.M)
    else:
        body += f"# jupyter:\n#   english_sha256: {digest}\n"
    return f"# ---\n{body}# ---\n" + text[front.end() :]


def stamp(hebrew: Path) -> str:
    """Record the current hash of the English page in the Hebrew page's front matter (a notebook's header)."""
    english = english_of(hebrew)
    digest = source_hash(english)
    text = hebrew.read_text(encoding="utf-8")
    front = FRONT.match(text)
    if hebrew.suffix == ".py":
        text = _stamp_notebook(text, digest)
    elif front:
        body = front["body"]
        body = (
            HASH_LINE.sub(f"english_sha256: {digest}", body)
            if HASH_LINE.search(body)
            else body + f"\nenglish_sha256: {digest}"
        )
        text = f"---\n{body}\n---\n" + text[front.end() :]
    else:
        text = f"---\nenglish_sha256: {digest}\n---\n" + text
    hebrew.write_text(text, encoding="utf-8")
    return digest


def state(english: Path) -> str:
    """``fresh``, ``stale`` (English changed since the Hebrew was updated) or ``missing``."""
    hebrew = hebrew_of(english)
    if not hebrew.is_file():
        return "missing"
    return "fresh" if recorded_hash(hebrew) == source_hash(english) else "stale"


_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
_HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<text>.+?)[ \t]*$", re.M)
_ATTR_ID = re.compile(r"\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$")


def heading_ids(page: Path) -> list[tuple[int, str]]:
    """``(level, id)`` of every heading of a Markdown page, as the build gives them.

    A heading's id is its ``{#id}`` attribute if it has one, else the slug the
    ``toc`` extension makes of its text (with the same de-duplication).
    """
    from markdown.extensions.toc import slugify, unique

    text = page.read_text(encoding="utf-8")
    text = FRONT.sub("", text, count=1)
    text = _FENCE.sub("", text)
    seen: set[str] = set()
    out = []
    for m in _HEADING.finditer(text):
        level, heading = len(m["level"]), m["text"]
        explicit = _ATTR_ID.search(heading)
        if explicit:
            ident = explicit["id"]
            seen.add(ident)
        else:
            plain = re.sub(r"[`*_]|\$[^$]*\$", "", heading)
            plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", plain)
            ident = unique(slugify(plain, "-"), seen)
        out.append((level, ident))
    return out


_INCLUDE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"(?P<target>[^"]+)"[ \t]*$', re.M)
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_FACT = re.compile(r"(?<!\\)\{\{\s*(?P<name>[A-Za-z_]\w*\.[A-Za-z_]\w*)")


def _edition_free(fact: str, hebrew: bool) -> str:
    """``glossary.table_he`` (Hebrew page) and ``glossary.table_en`` -> ``glossary.table``.

    >>> _edition_free("a5.gpu_status_he", True), _edition_free("a5.gpu_status", False)
    ('a5.gpu_status', 'a5.gpu_status')
    """
    fact = re.sub(r"_en$", "", fact)
    return re.sub(r"_he$", "", fact) if hebrew else fact


def skeleton(page: Path) -> dict[str, list[str]]:
    """What a page and its translation must share, in order: headings (ids, from
    level 2 on), includes (code and page sections; a Hebrew page includes the
    Hebrew sections), facts, figures, and the links to pages and notebooks."""
    text = page.read_text(encoding="utf-8")
    is_he = page.name.endswith(HE)
    includes = [m["target"].replace(HE, ".md") if is_he else m["target"] for m in _INCLUDE.finditer(text)]
    links = [m["target"] for m in _LINK.finditer(text) if not m["target"].startswith(("http:", "https:", "mailto:"))]
    return {
        "headings": [f"h{level}#{ident}" for level, ident in heading_ids(page) if level > 1],
        "includes": includes,
        # a fact with an edition suffix (gpu_status_he, table_he) stands for its English twin
        "facts": sorted(set(_edition_free(m["name"], is_he) for m in _FACT.finditer(text))),
        # a Hebrew page shows the Hebrew drawing of a figure (figures/he/x.svg), which stands for figures/x.svg
        "figures": sorted({t.replace("figures/he/", "figures/") if is_he else t for t in links if t.endswith(".svg")}),
        "links": sorted(set(re.sub(r"#.*", "", t) for t in links if not t.endswith(".svg") and re.sub(r"#.*", "", t))),
    }


def notebook_skeleton(notebook: Path) -> dict[str, list[str]]:
    """What a notebook and its Hebrew version must share: the kinds of their cells in order,
    each code cell verbatim (named by its hash), the heading levels of each Markdown cell,
    and the math of the Markdown cells.

    >>> import tempfile
    >>> nb = Path(tempfile.mkdtemp()) / "n.py"
    >>> _ = nb.write_text("# %% [markdown]\\n# ## Why $a^2$\\n\\n# %%\\nx = 1\\n", encoding="utf-8")
    >>> sk = notebook_skeleton(nb)
    >>> sk["cells"], sk["headings"], sk["math"], sk["code"][0][:13]
    (['markdown', 'code'], ['cell 0: h2'], ['$a^2$'], 'cell 1: x = 1')
    """
    import jupytext

    cells = jupytext.read(notebook).cells
    markdown = [(i, c.source) for i, c in enumerate(cells) if c.cell_type == "markdown"]
    code = [(i, c.source) for i, c in enumerate(cells) if c.cell_type == "code"]
    return {
        "cells": [c.cell_type for c in cells],
        "code": [
            f"cell {i}: {src.splitlines()[0] if src else ''} … (sha256 {hashlib.sha256(src.encode()).hexdigest()[:12]})"
            for i, src in code
        ],
        "headings": [
            f"cell {i}: " + " ".join(f"h{len(m)}" for m in re.findall(r"^(#{1,6})\s", src, re.M)) for i, src in markdown
        ],
        "math": sorted(m for _, src in markdown for m in re.findall(r"\$[^$]+\$", src)),
    }


def _shown(path: Path) -> str:
    """A path as the messages show it: from the repository root when it is inside."""
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def differences(english: Path) -> list[str]:
    """How the Hebrew page's skeleton differs from the English page's ([] when in sync)."""
    hebrew = hebrew_of(english)
    if not hebrew.is_file():
        return [f"{_shown(hebrew)} is missing"]
    out = []
    shape = notebook_skeleton if is_notebook(english) else skeleton
    en, he = shape(english), shape(hebrew)
    for key in en:
        if en[key] != he[key]:
            only_en = [x for x in en[key] if x not in he[key]]
            only_he = [x for x in he[key] if x not in en[key]]
            detail = (
                f"only in English: {only_en}; only in Hebrew: {only_he}"
                if only_en or only_he
                else f"same items, another order: English {en[key]} / Hebrew {he[key]}"
            )
            out.append(f"{_shown(hebrew)}: {key} differ — {detail}")
    if hebrew.is_file() and not recorded_hash(hebrew):
        where = "jupytext header" if is_notebook(hebrew) else "front matter"
        out.append(f"{_shown(hebrew)}: no english_sha256 in its {where} (python -m book.i18n stamp)")
    return out


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"status", "stamp", "ids", "check"}:
        print(__doc__)
        return 2
    command, paths = argv[0], [Path(a).resolve() for a in argv[1:]]
    if command == "status":
        bad = 0
        for english in english_pages():
            s = state(english)
            bad += s != "fresh"
            print(f"{s:8} {english.relative_to(ROOT)}")
        for hebrew in hebrew_pages():
            if not english_of(hebrew).is_file():
                bad += 1
                print(f"orphan   {hebrew.relative_to(ROOT)} (no English page)")
        return 1 if bad else 0
    if command == "stamp":
        if not paths:
            print("usage: python -m book.i18n stamp docs/x.he.md …", file=sys.stderr)
            return 2
        for page in paths:  # either page of a pair: the Hebrew one is stamped
            hebrew = page if _is_hebrew(page) else hebrew_of(page)
            if not hebrew.is_file() or not english_of(hebrew).is_file():
                print(
                    f"book.i18n stamp: {page} is not a page of the book with a Hebrew twin "
                    f"(expected {hebrew.name} beside {english_of(hebrew).name})",
                    file=sys.stderr,
                )
                return 2
            print(f"{stamp(hebrew)[:12]}  {hebrew.relative_to(ROOT)}")
        return 0
    if command == "check":
        problems = [d for p in (paths or english_pages()) for d in differences(english_of(p) if _is_hebrew(p) else p)]
        print("\n".join(problems) or "in sync")
        return 1 if problems else 0
    for page in paths:
        for level, ident in heading_ids(page):
            print(f"{'#' * level} {{#{ident}}}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
