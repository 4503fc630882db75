"""The notebooks' Hebrew pages: ``docs/notebooks/<name>.he.py`` built under ``/he/notebooks/<name>/``.

Proves ``book.notebooks.share_executed_outputs`` and ``hebrew_notebook_html`` (a Hebrew
page is the English page's executed cells with the Hebrew Markdown cells swapped in, so a
notebook is executed once per build), ``wrap_notebook_files`` (the page is under ``he/``),
and that the Hebrew chapters, the Hebrew nav and the switcher lead to it. The freshness
and cell-by-cell checks of the sources are in ``tests/test_i18n.py``; the browser checks
of every page (axe, phone layout, math, direction) in ``tests/test_browser_pages.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from book import notebooks
from conftest import ROOT

NAMES = [p.stem for p in notebooks.english_notebooks()]
HEBREW_LETTER = re.compile(r"[\u0590-\u05FF]")


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def _cells(html: str) -> list[tuple[str, str, str]]:
    """(kind, opening tag, rest) of each cell of a built notebook page."""
    article = html[html.index('<div class="jupyter-wrapper">') :]
    return [(kind, *article[start:end].split(">", 1)) for kind, start, end in notebooks.notebook_cells(article)]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_ten_notebooks_are_known():
    assert len(NAMES) == 10, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_hebrew_page_has_the_english_code_and_outputs_and_hebrew_prose(site, name):
    english, hebrew = _page(site, f"notebooks/{name}"), _page(site, f"he/notebooks/{name}")
    en, he = _cells(english), _cells(hebrew)
    assert [c[0] for c in en] == [c[0] for c in he], name
    code = [(e, h) for (kind, _, e), (_, _, h) in zip(en, he, strict=True) if kind == "Code"]
    assert code and all(e == h for e, h in code), f"{name}: a code cell or its outputs differ"
    assert any("jp-OutputArea-output" in h for _, h in code), f"{name}: no outputs on the Hebrew page"
    assert all('dir="ltr"' in tag for kind, tag, _ in he if kind == "Code"), f"{name}: code cells left to right"
    for (kind, _, e), (_, _, h) in zip(en, he, strict=True):
        if kind == "Markdown":
            assert HEBREW_LETTER.search(_text(h)), f"{name}: a Markdown cell is not in Hebrew: {_text(h)[:80]}"
            assert not HEBREW_LETTER.search(_text(e)), name
            ids = re.findall(r'<h[1-6] id="([^"]*)"', e)
            assert re.findall(r'<h[1-6] id="([^"]*)"', h) == ids and all(ids), f"{name}: headings keep the English ids"
    assert re.search(r'<html lang="he"', hebrew) and re.search(r'<body dir="rtl"', hebrew), name


@pytest.mark.parametrize("name", NAMES)
def test_hebrew_page_offers_the_hebrew_notebook(site, name):
    hebrew = _page(site, f"he/notebooks/{name}")
    links = re.search(r'<p class="nb-download">(.*?)</p>', hebrew, re.S)[1]
    assert f'href="{name}.he.ipynb"' in links and f'href="{name}.he.py"' in links
    assert HEBREW_LETTER.search(links) and "make install" in links
    folder = site / "he" / "notebooks" / name
    assert (folder / f"{name}.he.py").read_text(encoding="utf-8") == (
        ROOT / "docs" / "notebooks" / f"{name}.he.py"
    ).read_text(encoding="utf-8")
    import json

    cells = json.loads((folder / f"{name}.he.ipynb").read_text(encoding="utf-8"))["cells"]
    assert HEBREW_LETTER.search("".join(cells[0]["source"])), "the .ipynb holds the Hebrew text"


def test_hebrew_chapters_and_nav_lead_to_the_hebrew_notebooks(site):
    chapters = notebooks.notebook_chapters()
    for name in NAMES:
        slug = chapters[name].removesuffix(".md")
        chapter = _page(site, f"he/{slug}")
        assert f'href="../../notebooks/{name}/"' in chapter, f"he/{slug} does not link he/notebooks/{name}/"
        nav_link = f'<a href="notebooks/{name}/" class="md-nav__link'
        assert nav_link in _page(site, "he"), f"the Hebrew nav has no he/notebooks/{name}/"
    nav_title = re.search(r"<title>(.*?)</title>", _page(site, "he/notebooks/a2_rnncell_parameters"))[1]
    assert nav_title.startswith("A2 · הריצו בעצמכם"), nav_title


def test_each_notebook_is_executed_once_per_build(build):
    """The build log names each English notebook executed once, and no Hebrew notebook executed."""
    executed = re.findall(
        r"(?:Executed notebook \([\d.]+ s\)|Converting notebook \(execute=True\)): (\S+\.py)", build.log
    )
    names = sorted(Path(p).name for p in executed)
    assert names == sorted(f"{n}.py" for n in NAMES), names
    rendered = re.findall(r"Converting notebook \(execute=False\): \S*/(\w+)\.he\.py", build.log)
    assert sorted(rendered) == sorted(NAMES), "each Hebrew page is rendered once, without a kernel"


def test_the_hebrew_page_follows_the_english_cells():
    """A Hebrew notebook whose cells do not line up with its English notebook stops the build."""
    en = (
        '<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><p>a</p></div>'
        '<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><div class="jp-Cell jp-CodeCell jp-Notebook-cell">'
        "x</div></div></div> <!-- jp-Notebook -->"
    )
    he = '<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><p>א</p></div></div> <!-- jp-Notebook -->'
    with pytest.raises(notebooks.NotebookMismatch, match="cells differ"):
        notebooks.hebrew_notebook_html(en, he)
    with pytest.raises(notebooks.NotebookMismatch, match="jp-Notebook"):
        notebooks.notebook_cells("<p>no notebook</p>")


def test_readme_lists_the_make_targets_the_notebooks_name(tmp_path):
    """The notebook pages tell readers to run ``make install``: the README lists it, and it is a target."""
    from types import SimpleNamespace

    named = set()
    for nb in sorted((ROOT / "docs" / "notebooks").glob("*.py")):
        named |= set(re.findall(r"`make (\w[\w-]*)`", nb.read_text(encoding="utf-8")))
        dest = tmp_path / nb.name / "index.html"
        page = SimpleNamespace(file=SimpleNamespace(abs_src_path=str(nb), abs_dest_path=str(dest)))
        named |= set(re.findall(r"<code>make (\w[\w-]*)</code>", notebooks.download_links(page)))
    assert named == {"install"}, named
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in named:
        assert f"`make {target}`" in readme, f"README does not list make {target}"
        assert re.search(rf"^{target}:", makefile, re.M), f"no make target {target}"
