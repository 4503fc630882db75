"""Figures carry their size in the HTML (book/page_weight.py), so nothing shifts while they load."""

from __future__ import annotations

from book.page_weight import size_images


def test_svg_figures_get_their_shown_size_in_both_editions(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "f.svg").write_text(
        '<?xml version="1.0"?>\n<svg width="446.4pt" height="230.4pt" viewBox="0 0 446.4 230.4"></svg>'
    )
    (tmp_path / "figures" / "g.svg").write_text('<svg viewBox="0 0 300 150"></svg>')
    en = size_images('<img alt="a" src="../../figures/f.svg" />', "chapters/c/", tmp_path)
    assert en == '<img alt="a" src="../../figures/f.svg" width="595" height="307" decoding="async"/>'
    he = size_images('<img alt="a" src="../../../figures/g.svg">', "he/chapters/c/", tmp_path)
    assert he == '<img alt="a" src="../../../figures/g.svg" width="300" height="150" decoding="async">'


def test_other_images_are_left_alone(tmp_path):
    html = '<img alt="a" src="x.png"><img alt="b" src="../missing.svg"><img alt="c" src="f.svg" width="10" height="5">'
    assert size_images(html, "chapters/c/", tmp_path) == html
