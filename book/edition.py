"""The two editions: English at the site root, Hebrew (``docs/x.he.md``) under ``/he/``.

mkdocs-static-i18n runs the build twice, once per edition; ``language(config)`` says
which build is running. Facts, snippets, figures and notebooks' outputs are shared: a
notebook with a Hebrew version (``docs/notebooks/<name>.he.py``) has a Hebrew page,
rendered from the English page's outputs (``book.notebooks.share_executed_outputs``);
one without is a page of the English build only (``share_english_notebooks``). Every
page's language switcher names the same page in both editions (``alternates``).
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from book.notebooks import english_url, has_hebrew_version, is_hebrew_notebook, is_notebook, notebook_chapters

__all__ = [
    "EDITIONS",
    "SharedNotebook",
    "alternates",
    "book_alternates",
    "building_another_edition",
    "language",
    "quiet_instant_switcher_warning",
    "set_alternates",
    "share_english_notebooks",
]

#: (language code, the name the switcher shows), default edition first.
EDITIONS = (("en", "English"), ("he", "עברית"))


def language(config: MkDocsConfig | dict[str, Any]) -> str:
    """The edition being built: "en" (the default, at the site root) or "he" (under /he/).

    >>> language({"plugins": {}})
    'en'
    """
    plugin = config["plugins"].get("i18n")
    return getattr(plugin, "current_language", None) or "en"


def building_another_edition(config: MkDocsConfig | dict[str, Any]) -> bool:
    """Whether this build runs inside the English build's ``on_post_build`` (the Hebrew one, under /he/).

    mkdocs-static-i18n builds the other editions from the English build's
    ``on_post_build``; after it returns, the whole site is there.

    >>> from types import SimpleNamespace
    >>> building_another_edition({"plugins": {"i18n": SimpleNamespace(building=True)}})
    True
    >>> building_another_edition({"plugins": {}})
    False
    """
    return bool(getattr(config["plugins"].get("i18n"), "building", False))


class _InstantSwitcherHandled(logging.Filter):
    """mkdocs-static-i18n warns that Material's language switcher goes stale under
    instant navigation (the header is not swapped). ``assets/javascripts/i18n.js``
    re-points it on every page swap, so that one warning is dropped; any other stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "not compatible with theme.features = navigation.instant" not in record.getMessage()


def quiet_instant_switcher_warning() -> None:
    """Drop mkdocs-static-i18n's one warning about the switcher under instant navigation (handled in i18n.js)."""
    log = logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure")
    if not any(isinstance(f, _InstantSwitcherHandled) for f in log.filters):
        log.addFilter(_InstantSwitcherHandled())


class SharedNotebook(File):
    """A notebook without a Hebrew version, as the Hebrew build sees it: not a page of its own, but the English page.

    A Markdown link to ``../notebooks/x.py`` resolves, as any link does, to this file's
    URL relative to the linking page: the English page ``notebooks/x/``. Nothing is
    built or copied for it.

    >>> from mkdocs_jupyter.plugin import NotebookFile
    >>> page = NotebookFile(File("notebooks/a2_x.py", "docs", "site", True), use_directory_urls=True, site_dir="site")
    >>> nb = SharedNotebook(page)
    >>> nb.url, nb.is_documentation_page()
    ('notebooks/a2_x/', False)
    >>> nb.url_relative_to("he/chapters/a2/")
    '../../../notebooks/a2_x/'
    """

    def __init__(self, file: File) -> None:
        super().__init__(
            file.src_uri,
            file.src_dir,
            file.dest_dir,
            file.use_directory_urls,
            dest_uri=file.dest_uri,
            inclusion=file.inclusion,
        )
        self.shared_url = english_url(file)

    @cached_property
    def url(self) -> str:  # type: ignore[override]
        return self.shared_url

    def is_documentation_page(self) -> bool:
        return False

    def is_media_file(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        """Nothing to copy: the page is the English build's."""


def share_english_notebooks(nav: Navigation, files: Files) -> Navigation:
    """In the Hebrew build, the nav entries of notebooks without a Hebrew version become links to their English pages.

    Each such notebook file is replaced by a ``SharedNotebook``, so it is not executed a
    second time and links to it in the text point at the English page. A Hebrew
    notebook (``<name>.he.py``) stays a page of the Hebrew build.
    """

    def english_only(file: File | None) -> bool:
        return file is not None and is_notebook(file) and not is_hebrew_notebook(file)

    def swap(items: list[Any]) -> None:
        for i, item in enumerate(items):
            if isinstance(item, Section) or getattr(item, "children", None):
                swap(item.children)
            elif english_only(getattr(item, "file", None)):
                link = Link(item.title, english_url(item.file))
                link.parent = item.parent
                items[i] = link

    swap(nav.items)
    nav.pages = [p for p in nav.pages if not english_only(p.file)]
    for file in [f for f in files if english_only(f) and not isinstance(f, SharedNotebook)]:
        files.remove(file)
        files.append(SharedNotebook(file))
    return nav


def alternates(page_url: str, notebook_chapter: str | None = None, use_directory_urls: bool = True) -> list[dict]:
    """The language switcher's links for a page: the same page in each edition, as
    site-relative URLs (the theme makes them relative to the page, so they work
    under any site path and from file://). A notebook without a Hebrew version
    (``notebook_chapter`` given) is English only; its Hebrew link goes to the Hebrew
    page of its chapter.

    >>> [a["link"] for a in alternates("he/chapters/a2/")]
    ['chapters/a2/', 'he/chapters/a2/']
    >>> [a["link"] for a in alternates("")]
    ['./', 'he/']
    >>> [a["link"] for a in alternates("notebooks/a2/", "chapters/a2-x.md")]
    ['notebooks/a2/', 'he/chapters/a2-x/']
    >>> [a["link"] for a in alternates("index.html", None, False)]
    ['index.html', 'he/index.html']
    """
    english = page_url.removeprefix("he/") if page_url != "he/" else ""
    if notebook_chapter:
        slug = notebook_chapter.removesuffix(".md")
        hebrew = f"he/{slug}/" if use_directory_urls else f"he/{slug}.html"
    else:
        hebrew = f"he/{english}"
    links = {"en": english or "./", "he": hebrew}
    return [{"name": name, "link": links[lang], "lang": lang} for lang, name in EDITIONS]


def set_alternates(page: Page, config: MkDocsConfig) -> None:
    """Point the page's language switcher (and ``<link rel="alternate">``) at the same page in both editions."""
    from pathlib import Path

    english_only = is_notebook(page.file) and not has_hebrew_version(page.file)
    chapter = notebook_chapters().get(Path(page.file.src_uri).stem) if english_only else None
    links = alternates(page.url, chapter, config["use_directory_urls"])
    # mkdocs-static-i18n sets the attribute (which the theme reads), not the item: set both.
    config["extra"]["alternate"] = links
    config["extra"].alternate = links


def book_alternates(html: str) -> str:
    """Rename the theme's per-page ``<link rel="alternate" hreflang>`` to ``rel="book-alternate"``.

    The theme reads ``rel="alternate"`` links as the roots of other editions and
    fetches a ``sitemap.xml`` beside each one; this book's alternates are the same
    page in the other edition, which ``assets/javascripts/i18n.js`` reads instead.

    >>> book_alternates('<link rel="alternate" href="../he/x/" hreflang="he">')
    '<link rel="book-alternate" href="../he/x/" hreflang="he">'
    """
    import re

    return re.sub(
        r'<link rel="alternate" href="([^"]*)" hreflang="([\w-]+)">',
        r'<link rel="book-alternate" href="\1" hreflang="\2">',
        html,
    )
