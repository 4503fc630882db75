"""MkDocs hooks: a thin dispatcher. Each concern is a module of plain functions under ``book/``:

- ``book.includes``: sections of other pages included before facts are rendered;
- ``book.facts``: ``{{ module.key }}`` rendered from ``snippets/<module>.py:facts()``;
- ``book.notebooks``: the "Run it yourself" pages (mkdocs-jupyter), their download links,
  their CDN loaders removed and their table of contents fixed;
- ``book.edition``: the Hebrew edition (mkdocs-static-i18n runs one build per edition),
  notebooks' Hebrew pages, the language switcher;
- ``book.exam_mode``: a chapter's answers wrapped for exam mode;
- ``book.bidi``: left-to-right runs isolated in Hebrew pages;
- ``book.verified``: every page ends with when its code was last verified;
- ``book.offline``: the offline build's vendored iframe-worker shim;
- ``book.page_weight``: figures carry their width and height;
- ``book.stylesheets``: the book's stylesheets served as one file;
- ``book.math_fonts``: KaTeX's fonts cut down to the characters the formulas show;
- ``book.math_render``: every formula typeset by KaTeX at build time (no math JavaScript in pages);
- ``book.search_index``: each edition's search index, written from the built site;
- ``book.pdf_files``: a file at each PDF link's address (the copy ``make pdf`` kept, or how to print it).
- ``book.highlight_cache``: a listing highlighted once per process, not once per edition and rebuild.

A new build feature is a module of its own plus one entry here: an HTML -> HTML
function of the finished page goes into ``POST_PAGE``; a function of the built site
folder goes into ``POST_BUILD``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the hook is loaded by path, not as a package
    sys.path.insert(0, str(ROOT))

from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import Files  # noqa: E402
from mkdocs.structure.nav import Navigation  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402

from book import facts  # noqa: E402

facts.reload_edited_book_modules()  # `mkdocs serve` runs this file again: an edited module shows

import book.highlight_cache  # noqa: E402
from book import bidi, edition, exam_mode, header, math_render, notebooks, offline, page_weight, search_index  # noqa: E402
from book import stylesheets as css  # noqa: E402
from book.facts import FactError, substitute  # noqa: E402
from book.includes import IncludeError, expand_markdown_includes, snippets_from_root  # noqa: E402
from book.math_fonts import post_build as subset_math_fonts  # noqa: E402
from book.pdf_files import post_build as place_pdfs  # noqa: E402
from book.verified import stamp  # noqa: E402

#: (html, page, config) -> html functions of every finished page, in order: figures sized, math, the header.
POST_PAGE: list[Callable] = [page_weight.post_page, css.post_page, math_render.post_page, header.post_page]
#: (site folder, config) -> None, once both editions are built: search indexes, CSS bundle, math fonts, PDF files.
POST_BUILD: list[Callable] = [search_index.post_build, css.post_build, subset_math_fonts, place_pdfs]
_SITE: list[Path] = []  # the site's root folder, as the English build sets it
_STAMP: dict[str, str] = {}  # each edition's "verified" line, made in on_config (two git calls, not two per page)

edition.quiet_instant_switcher_warning()
book.highlight_cache.memoize_block_highlighting()  # both editions, and every `mkdocs serve` rebuild, share listings


def on_startup(command: str, **kwargs: Any) -> None:
    facts.warm_imports(command)  # under `mkdocs serve`, PyTorch is imported before the first snippet edit


def on_config(config: MkDocsConfig, **kwargs: Any) -> MkDocsConfig:
    """Caches (facts, prefetched; notebooks; IPC kernels), the vendored iframe-worker shim, snippets from the root."""
    if edition.language(config) == "en":
        _SITE[:] = [Path(config["site_dir"])]
    facts.prepare_build(config["docs_dir"])
    _STAMP[edition.language(config)] = stamp(edition.language(config))  # git is asked once per edition
    notebooks.configure_build(config, hebrew=edition.language(config) != "en")
    offline.vendored_polyfills(config["extra"])
    snippets_from_root(config["mdx_configs"].setdefault("pymdownx.snippets", {}))
    return config


@event_priority(-200)  # after mkdocs-static-i18n (-100), which rebuilds every File
def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    hebrew = edition.language(config) != "en"
    files = notebooks.wrap_notebook_files(files, config, hebrew=hebrew)
    return files if hebrew else notebooks.start_executing(files, config)  # other pages render meanwhile


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files, **kwargs: Any) -> Navigation:
    return nav if edition.language(config) == "en" else edition.share_english_notebooks(nav, files)


@event_priority(-50)  # after mkdocs-jupyter, which sets each notebook page's render
def on_pre_page(page: Page, config: MkDocsConfig, files: Files, **kwargs: Any) -> Page:
    notebooks.await_executed(page)  # its execution, started in on_files, cached before the page renders
    notebooks.share_executed_outputs(page, config)  # a Hebrew notebook page reuses the English outputs
    return page


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files, **kwargs: Any) -> str:
    """Includes first, then facts; an unknown fact or include stops the build with the page in the message."""
    try:
        return substitute(expand_markdown_includes(markdown), where=page.file.src_uri)
    except (FactError, IncludeError) as exc:
        raise PluginError(str(exc)) from None


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files, **kwargs: Any) -> str:
    html += _STAMP.get(edition.language(config)) or stamp(edition.language(config))
    if page.file.src_uri.startswith("chapters/"):
        return exam_mode.wrap_answers(html)
    return notebooks.download_links(page) + html if notebooks.is_notebook(page.file) else html


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation, **kwargs: Any
) -> dict[str, Any]:
    edition.set_alternates(page, config)
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    output = edition.book_alternates(output)
    if edition.language(config) == "he":
        output = bidi.isolate_page_content(output)
    if notebooks.is_notebook_html(output):
        output = notebooks.fix_notebook_toc(notebooks.strip_notebook_loaders(output))
    try:
        for step in POST_PAGE:
            output = step(output, page, config)
    except (math_render.MathError, css.StylesheetError) as exc:  # a bad formula or stylesheet link, with its page
        raise PluginError(str(exc)) from None
    return output


@event_priority(-150)  # after mkdocs-static-i18n (-100), which builds the Hebrew edition in its on_post_build
def on_post_build(config: MkDocsConfig, **kwargs: Any) -> None:
    if not edition.building_another_edition(config):
        for step in POST_BUILD:
            step(_SITE[0] if _SITE else Path(config["site_dir"]), config)


def on_shutdown(**kwargs: Any) -> None:
    """The build is over (or failed): stop the KaTeX renderer and save its cache; stop notebook workers."""
    math_render.close_default_renderer()
    notebooks.finish_executing(cancel=True)
