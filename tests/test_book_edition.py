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


def test_a_hebrew_notebook_stays_a_page_of_the_hebrew_build():
    """``<name>.he.py`` (as mkdocs-static-i18n gives it to the Hebrew build) is no ``SharedNotebook``."""
    nb = _notebook("a2_x.he")
    files = Files([nb])
    page = Page("A2 · Run", nb, {})
    nav = Navigation([page], [page])
    edition.share_english_notebooks(nav, files)
    assert nav.items == [page] and nav.pages == [page]
    assert not any(isinstance(f, edition.SharedNotebook) for f in files)


def test_a_hebrew_notebook_is_built_under_he(tmp_path):
    from book import notebooks

    folder = tmp_path / "docs" / "notebooks"
    folder.mkdir(parents=True)
    for name in ("a2_x.py", "a2_x.he.py"):
        (folder / name).write_text("# %%\nprint(1)\n", encoding="utf-8")
    files = Files([File("notebooks/a2_x.he.py", str(tmp_path / "docs"), str(tmp_path / "site"), True)])
    plugins = {"mkdocs-jupyter": object()}
    config = {"plugins": plugins, "use_directory_urls": True, "site_dir": str(tmp_path / "site")}
    (nb,) = list(notebooks.wrap_notebook_files(files, config, hebrew=True))
    assert nb.url == "he/notebooks/a2_x/" and nb.dest_path == "he/notebooks/a2_x/index.html"
    assert notebooks.has_hebrew_version(File("notebooks/a2_x.py", str(tmp_path / "docs"), "s", True))
    assert not notebooks.has_hebrew_version(File("notebooks/b.py", str(tmp_path / "docs"), "s", True))


def test_alternates_of_a_notebook_with_a_hebrew_version_are_the_two_notebook_pages():
    links = edition.alternates("he/notebooks/a2_x/")
    assert [(a["lang"], a["link"]) for a in links] == [("en", "notebooks/a2_x/"), ("he", "he/notebooks/a2_x/")]
