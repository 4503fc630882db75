"""Figures are drawn by code: committed files match it, each is used with alt text."""

from __future__ import annotations

import re

from conftest import DOCS
from snippets import figures


def test_committed_figures_match_their_code(capsys):
    assert figures.main(["--check"]) == 0, capsys.readouterr().err


def test_every_figure_file_has_a_maker_and_a_page_with_alt_text():
    makers = {name for name, _ in figures.figure_makers()}
    files = {p.name for p in figures.FIGURE_DIR.glob("*.svg")}
    assert files == makers, f"files without a maker: {files - makers}; makers without a file: {makers - files}"
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md"))
    for name in files:
        uses = re.findall(r"!\[([^\]]*)\]\([^)]*figures/" + re.escape(name) + r"\)", text)
        assert uses, f"docs/figures/{name} is shown by no page"
        for alt in uses:
            assert len(alt.split()) >= 8, f"alt text of {name} too short to describe it: {alt!r}"


def test_svg_output_is_reproducible(tmp_path):
    from snippets.plotting import new_figure, save_svg

    def draw():
        fig, ax = new_figure()
        ax.plot([0, 1, 2], [1, 0, 1], label="a line")
        ax.legend()
        return fig

    a = save_svg(draw(), tmp_path / "a.svg").read_bytes()
    b = save_svg(draw(), tmp_path / "b.svg").read_bytes()
    assert a == b
    assert b"<dc:date>" not in a  # no build date inside the file
