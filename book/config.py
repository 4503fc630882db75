"""The book's ``mkdocs.yml``, loaded once by MkDocs' own loader (``!ENV`` tags, defaults, plugin configs).

``mkdocs.config.load_config`` reads and validates the file as ``mkdocs build`` does: it
imports the plugins and validates their options (so ``config["plugins"]["i18n"].config``
is the i18n plugin's parsed configuration), but it runs no plugin event — ``on_config``
and the rest belong to a build. One load takes about a second, hence the cache.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = ROOT / "mkdocs.yml"


@functools.lru_cache(maxsize=1)
def mkdocs_config():
    """The validated MkDocs configuration of the book (a ``MkDocsConfig``; read it like a dict).

    >>> mkdocs_config()["docs_dir"].endswith("docs")
    True
    """
    from mkdocs.config import load_config

    return load_config(str(CONFIG_FILE))


def _walk(nav: list) -> Iterator[tuple[str, str]]:
    for item in nav:
        title, value = next(iter(item.items())) if isinstance(item, dict) else (None, item)
        if isinstance(value, list):
            yield title, None
            yield from _walk(value)
        else:
            yield title, value


def nav_titles() -> list[str]:
    """Every title of the nav, sections included, in order."""
    return [title for title, _ in _walk(mkdocs_config()["nav"]) if title is not None]


def nav_entries() -> list[tuple[str, str]]:
    """``(title, source file)`` of every page of the nav, in order (sections left out).

    >>> nav_entries()[0]
    ('Home', 'index.md')
    """
    return [(title, src) for title, src in _walk(mkdocs_config()["nav"]) if src is not None]


def nav_files() -> list[str]:
    """The source file of every nav entry, in order, relative to ``docs/`` (e.g. ``chapters/a2-….md``).

    >>> nav_files()[:2]
    ['index.md', 'exam.md']
    """
    return [src for _, src in _walk(mkdocs_config()["nav"]) if src is not None]


def nav_pages() -> list[str]:
    """The site path of every nav entry, in order (directory URLs: ``""``, ``exam/``, …).

    >>> nav_pages()[:2]
    ['', 'exam/']
    """
    out = []
    for src in nav_files():
        stem = src.removesuffix(".md").removesuffix(".py")
        out.append("" if stem == "index" else stem + "/")
    return out


def plugin_config(name: str):
    """The validated configuration of one plugin, e.g. ``plugin_config("i18n")["languages"]``."""
    return mkdocs_config()["plugins"][name].config
