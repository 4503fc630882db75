"""book/notebooks.py: notebook detection, download links, CDN loaders removed, TOC fixed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from mkdocs.structure.files import File

from book import notebooks


@pytest.mark.parametrize(("src", "expected"), [
    ("notebooks/a2_x.py", True), ("notebooks/readme.md", False), ("snippets/a2.py", False), ("a/notebooks/x.py", False),
])
def test_is_notebook(src, expected):
    assert notebooks.is_notebook(File(src, "docs", "site", True)) is expected


def test_every_notebook_belongs_to_a_chapter():
    from conftest import DOCS

    names = {p.stem for p in (DOCS / "notebooks").glob("*.py")}
    chapters = notebooks.notebook_chapters()
    assert names == set(chapters), names ^ set(chapters)
    assert all((DOCS / c).is_file() for c in chapters.values())


def test_download_links_write_the_ipynb_beside_the_page(tmp_path):
    src = tmp_path / "docs" / "notebooks" / "n.py"
    src.parent.mkdir(parents=True)
    src.write_text("# %% [markdown]\n# # Title\n\n# %%\nprint(1 + 1)\n", encoding="utf-8")
    dest = tmp_path / "site" / "notebooks" / "n" / "index.html"
    page = SimpleNamespace(file=SimpleNamespace(abs_src_path=str(src), abs_dest_path=str(dest)))
    html = notebooks.download_links(page)
    assert 'href="n.ipynb" download' in html and 'href="n.py" download' in html
    import json

    cells = json.loads((dest.parent / "n.ipynb").read_text(encoding="utf-8"))["cells"]
    assert [c["cell_type"] for c in cells] == ["markdown", "code"]
    assert "".join(cells[1]["source"]) == "print(1 + 1)"


def test_cdn_loaders_are_removed_and_nothing_else():
    page = ('<p>keep</p><!-- Load mathjax --><script src="https://cdn.example/mathjax.js"> </script>'
            '<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>'
            '<!-- MathJax configuration -->x<!-- End of mathjax configuration -->'
            '<script type="module">\ndocument.addEventListener("DOMContentLoaded", async () => {\n'
            '  const diagrams = document.querySelectorAll(".jp-Mermaid > pre.mermaid");\n})</script>'
            '<script src="assets/own.js"></script>')
    assert notebooks.strip_notebook_loaders(page) == '<p>keep</p><script src="assets/own.js"></script>'


def test_toc_links_that_already_work_are_kept():
    html = '<a href="#b"></a><a href="#zzz"></a><h2 id="b">B</h2>'
    assert notebooks.fix_notebook_toc(html) == html


def test_notebook_html_is_recognised():
    assert notebooks.is_notebook_html('<div class="jupyter-wrapper">')
    assert not notebooks.is_notebook_html("<p>chapter</p>")
