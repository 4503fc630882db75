"""book/edition.py: the Hebrew edition shares the English notebooks; the switcher names the same page."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs_jupyter.plugin import NotebookFile

from book import edition


def test_language_follows_the_i18n_plugin():
    assert edition.language({"plugins": {"i18n": SimpleNamespace(current_language="he")}}) == "he"
    assert edition.language({"plugins": {"i18n": SimpleNamespace(current_language=None)}}) == "en"


def _notebook(name: str) -> File:
    return NotebookFile(File(f"notebooks/{name}.py", "docs", "site", True), use_directory_urls=True, site_dir="site")


def test_hebrew_nav_links_to_the_english_notebooks_and_builds_none():
    chapter = File("chapters/a2.md", "docs", "site", True)
    nb = _notebook("a2_x")
    files = Files([chapter, nb])
    pages = [Page("A2", chapter, {}), Page("A2 · Run", nb, {})]
    section = Section("Part A", list(pages))
    for p in pages:
        p.parent = section
    nav = Navigation([section], list(pages))
    edition.share_english_notebooks(nav, files)
    link = section.children[1]
    assert isinstance(link, Link) and link.url == "notebooks/a2_x/" and link.parent is section
    assert [p.file.src_uri for p in nav.pages] == ["chapters/a2.md"]
    shared = files.get_file_from_path("notebooks/a2_x.py")
    assert isinstance(shared, edition.SharedNotebook)
    assert [f.src_uri for f in files.documentation_pages()] == ["chapters/a2.md"]
    # A link in a Hebrew page resolves, as any Markdown link, to the English notebook page.
    assert shared.url_relative_to("he/chapters/a2/") == "../../../notebooks/a2_x/"


def test_a_shared_notebook_is_not_copied(tmp_path):
    (tmp_path / "docs" / "notebooks").mkdir(parents=True)
    (tmp_path / "docs" / "notebooks" / "a2_x.py").write_text("print(1)\n", encoding="utf-8")
    src = File("notebooks/a2_x.py", str(tmp_path / "docs"), str(tmp_path / "site"), True)
    nb = edition.SharedNotebook(NotebookFile(src, use_directory_urls=True, site_dir=str(tmp_path / "site")))
    nb.copy_file()
    assert not (tmp_path / "site").exists()
    assert not nb.is_documentation_page() and not nb.is_media_file()


def test_alternates_of_a_notebook_page_go_to_its_hebrew_chapter():
    links = edition.alternates("notebooks/a2_x.html", "chapters/a2.md", use_directory_urls=False)
    assert [(a["lang"], a["link"]) for a in links] == [("en", "notebooks/a2_x.html"), ("he", "he/chapters/a2.html")]


def test_only_the_instant_switcher_warning_is_dropped():
    edition.quiet_instant_switcher_warning()
    edition.quiet_instant_switcher_warning()
    log = logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure")
    assert len([f for f in log.filters if isinstance(f, edition._InstantSwitcherHandled)]) == 1

    def record(msg: str) -> logging.LogRecord:
        return logging.LogRecord(log.name, logging.WARNING, __file__, 1, msg, None, None)

    assert not log.filters[0].filter(record("x is not compatible with theme.features = navigation.instant"))
    assert log.filters[0].filter(record("another warning"))
