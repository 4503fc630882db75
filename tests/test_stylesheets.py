"""book/stylesheets.py: the book's stylesheets reach every page as one file."""

from __future__ import annotations

import re

import pytest

from book.config import mkdocs_config
from book.stylesheets import BUNDLED, FOLDER, StylesheetError, bundle, link_bundle
from conftest import DOCS, site_pages


def test_every_built_page_links_the_one_bundle_and_none_of_its_parts(site):
    text, name = bundle(DOCS)
    assert (site / FOLDER / name).read_text(encoding="utf-8") == text
    for css in BUNDLED:  # each part is in it, in mkdocs.yml's order
        assert (DOCS / FOLDER / css).read_text(encoding="utf-8").strip() in text
    assert [text.index(f"/* {css} */") for css in BUNDLED] == sorted(text.index(f"/* {css} */") for css in BUNDLED)
    pages = site_pages(site)
    assert len(pages) > 40
    for path in pages:
        html = (site / path / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
        assert [h for h in links if h.endswith(FOLDER + name)] and len(links) == 4, (path, links)
        assert not [h for h in links if h.rsplit("/", 1)[-1] in BUNDLED], (path, links)


def test_extra_css_lists_the_bundled_files_together_after_katex():
    extra = [str(css) for css in mkdocs_config()["extra_css"]]
    start = extra.index(FOLDER + BUNDLED[0])
    assert extra[start : start + len(BUNDLED)] == [FOLDER + css for css in BUNDLED]
    assert extra[start - 1].endswith("katex.min.css")


def test_a_page_with_only_some_of_the_stylesheets_is_an_error():
    page = '<link rel="stylesheet" href="assets/stylesheets/book.css">'
    with pytest.raises(StylesheetError, match="search.css"):
        link_bundle(page, BUNDLED, "book.0.css")


def test_a_missing_stylesheet_is_an_error(tmp_path):
    with pytest.raises(StylesheetError, match="book.css to join into the bundle is missing"):
        bundle(tmp_path)


def test_the_build_step_names_the_page_whose_links_are_incomplete():
    from types import SimpleNamespace

    from book.stylesheets import post_page

    page = SimpleNamespace(file=SimpleNamespace(src_uri="chapters/x.md"))
    html = '<link rel="stylesheet" href="../assets/stylesheets/book.css">'
    with pytest.raises(StylesheetError, match=r"^chapters/x\.md: a page links some"):
        post_page(html, page, {"docs_dir": str(DOCS)})
