"""Section includes: one page's text inside another (the printable exam and answer key).

A page includes a section of another page with ``--8<-- "docs/x.md:section"``; the
section is marked in its page with ``<!-- --8<-- [start:name] -->`` …
``<!-- --8<-- [end:name] -->``. The hook expands includes before facts are rendered,
so included text has its facts too; its relative links are made absolute from the
docs folder (``validation.links.absolute_links: relative_to_docs``), so they still
point where they did in their own page.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

__all__ = ["IncludeError", "absolute_links", "expand_markdown_includes", "snippets_from_root"]

ROOT = Path(__file__).resolve().parent.parent

_MD_INCLUDE = re.compile(
    r'^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]+"(?P<file>docs/[^":]+\.md)(?::(?P<section>[\w.-]+))?"[ \t]*$', re.M
)
_MD_LINK = re.compile(r"(\]\()(?!https?:|mailto:|/)([^)\s]*)(\))")
_MARKER = re.compile(r"^.*--8<-- \[(?:start|end):[\w.-]+\].*$\n?", re.M)

#: Includes may nest (an included section includes another) this deep.
MAX_DEPTH = 3


class IncludeError(LookupError):
    """An include names a missing page or section, or includes nest too deep."""


def absolute_links(text: str, source: str) -> str:
    """Make the relative links of a page's text point from the docs root, so they survive inclusion elsewhere.

    ``source`` is the page's path in the docs folder, e.g. ``chapters/d.md``.

    >>> absolute_links("[§1](#receptive-field) ![fig](../figures/a.svg) [x](b.md#y) [w](https://a.b)", "chapters/d.md")
    '[§1](/chapters/d.md#receptive-field) ![fig](/figures/a.svg) [x](/chapters/b.md#y) [w](https://a.b)'
    """
    base = posixpath.dirname(source)

    def one(m: re.Match[str]) -> str:
        target = m[2]
        if target.startswith("#"):
            return f"{m[1]}/{source}{target}{m[3]}"
        path, _, frag = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(base, path)) if path else source
        return f"{m[1]}/{resolved}{'#' + frag if frag else ''}{m[3]}"

    return _MD_LINK.sub(one, text)


def section(text: str, name: str, where: str = "page") -> str:
    """The text between ``[start:name]`` and ``[end:name]`` markers, markers excluded.

    >>> section("a\\n<!-- --8<-- [start:q] -->\\nQ\\n<!-- --8<-- [end:q] -->\\nb", "q")
    'Q\\n'
    >>> section("no markers", "q", "docs/x.md")
    Traceback (most recent call last):
    ...
    book.includes.IncludeError: --8<-- names a missing section: docs/x.md:q
    """
    start = re.search(rf"^.*--8<-- \[start:{re.escape(name)}\].*$\n?", text, re.M)
    end = re.search(rf"^.*--8<-- \[end:{re.escape(name)}\].*$", text, re.M)
    if not start or not end or end.start() < start.end():
        raise IncludeError(f"--8<-- names a missing section: {where}:{name}")
    return text[start.end() : end.start()]


def expand_markdown_includes(markdown: str, depth: int = 0, root: Path = ROOT) -> str:
    """Include sections of other pages (``--8<-- "docs/x.md:section"``) before facts are rendered.

    pymdownx.snippets would include them too, but after the hook has rendered the
    facts, leaving ``{{ … }}`` in the included text. A missing file or section
    raises ``IncludeError``, as ``check_paths`` does for code. ``root`` is the
    repository (the folder that holds ``docs/``).
    """
    if depth > MAX_DEPTH:
        raise IncludeError(f"Markdown includes nested more than {MAX_DEPTH} deep")

    def one(match: re.Match[str]) -> str:
        path = root / match["file"]
        if not path.is_file():
            raise IncludeError(f"--8<-- names a missing page: {match['file']}")
        text = path.read_text(encoding="utf-8")
        if match["section"]:
            text = section(text, match["section"], match["file"])
        text = _MARKER.sub("", text)
        text = absolute_links(text, match["file"].removeprefix("docs/"))
        text = expand_markdown_includes(text, depth + 1, root)
        return "\n".join(match["indent"] + line if line else line for line in text.splitlines())

    return _MD_INCLUDE.sub(one, markdown)


def snippets_from_root(options: dict, root: Path = ROOT) -> dict:
    """Resolve ``pymdownx.snippets``' ``base_path`` from the repository root, not the current directory,
    so ``mkdocs serve`` and the tests include the same files from wherever they are started.

    >>> snippets_from_root({"base_path": "."}, Path("/repo"))
    {'base_path': ['/repo']}
    >>> snippets_from_root({}, Path("/repo"))["base_path"]
    ['/repo']
    """
    base = options.get("base_path", ["."])
    options["base_path"] = [str((root / b).resolve()) for b in ([base] if isinstance(base, str) else base)]
    return options
