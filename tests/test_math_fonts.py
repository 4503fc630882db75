"""book/math_fonts.py: the built site's KaTeX fonts keep every character its formulas show, and little else."""

from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont

from book import math_fonts
from book.math_fonts import ALWAYS, FONTS, math_characters, site_characters, subset_font, subset_site_fonts
from conftest import DOCS, site_pages

SOURCE = DOCS / FONTS


def _characters(data: bytes) -> set[str]:
    return {chr(c) for c in TTFont(io.BytesIO(data)).getBestCmap()}


def test_every_character_a_formula_shows_is_in_every_font_that_had_it(site):
    shown = set(ALWAYS)
    for path in site_pages(site):
        shown |= math_characters((site / path / "index.html").read_text(encoding="utf-8"))
    assert {"β", "≤", "∇", "ℓ"} <= shown, "the scan found too few of the book's symbols"
    fonts = sorted(SOURCE.glob("*.woff2"))
    assert len(fonts) >= 10, fonts  # KaTeX ships 20
    before = after = 0
    for font in fonts:
        whole, built = font.read_bytes(), (site / FONTS / font.name).read_bytes()
        had, has = _characters(whole), _characters(built)
        assert shown & had <= has, f"{font.name} lost {sorted((shown & had) - has)}"
        assert has <= had, font.name
        assert TTFont(io.BytesIO(built)).flavor == "woff2", font.name
        before, after = before + len(whole), after + len(built)
    assert after < 0.75 * before, (before, after)
    ams = _characters((site / FONTS / "KaTeX_AMS-Regular.woff2").read_bytes())
    assert len(ams) < 0.25 * len(_characters((SOURCE / "KaTeX_AMS-Regular.woff2").read_bytes())), len(ams)


def test_a_subset_keeps_what_is_asked_and_drops_the_rest():
    whole = (SOURCE / "KaTeX_Main-Regular.woff2").read_bytes()
    small = subset_font(whole, {"x", "≤"})
    assert {"x", "≤"} <= _characters(small) and "y" not in _characters(small) and "y" in _characters(whole)
    assert len(small) < len(whole) / 3


def test_the_cache_serves_a_rebuild_and_keeps_one_entry_per_font(tmp_path, monkeypatch):
    site, source, cache = tmp_path / "site", tmp_path / "fonts", tmp_path / "cache"
    source.mkdir()
    (source / "KaTeX_Main-Regular.woff2").write_bytes((SOURCE / "KaTeX_Main-Regular.woff2").read_bytes())
    page = '<span class="katex-html" aria-hidden="true"><span class="mord">{}</span></span>'
    site.mkdir()
    (site / "index.html").write_text(page.format("x"), encoding="utf-8")
    first = subset_site_fonts(site, source, cache)
    assert set(first) == {"KaTeX_Main-Regular.woff2"} and site_characters(site) == ALWAYS | {"x"}

    def no_subsetting(*args):
        raise AssertionError("subset again although the characters did not change")

    monkeypatch.setattr(math_fonts, "subset_font", no_subsetting)
    assert subset_site_fonts(site, source, cache) == first
    monkeypatch.undo()
    (site / "index.html").write_text(page.format("y"), encoding="utf-8")  # a new character: a new subset
    subset_site_fonts(site, source, cache)
    assert "y" in _characters((site / FONTS / "KaTeX_Main-Regular.woff2").read_bytes())
    assert len(list(cache.iterdir())) == 1


def test_a_font_that_is_not_a_font_is_an_error():
    with pytest.raises(ValueError, match=r"not a font fontTools can read \(10 bytes\)"):
        subset_font(b"not a font", {"x"})
