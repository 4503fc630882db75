"""Figures carry their size in the HTML (book/page_weight.py), so nothing shifts while they load."""

from __future__ import annotations

import re
from pathlib import Path

from book.page_weight import size_images

ROOT = Path(__file__).resolve().parent.parent


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


def test_figures_below_the_first_section_load_lazily(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "f.svg").write_text('<svg viewBox="0 0 300 150"></svg>')
    img = '<img alt="a" src="../../figures/f.svg">'
    page = f"<header><h2>menu</h2></header><article><h1>Q</h1>{img}<h2 id='why'>Why</h2>{img}</article>"
    first, second = re.findall(r"<img[^>]*>", size_images(page, "chapters/c/", tmp_path))
    assert "loading" not in first, "a figure of the first screen is fetched with the page"
    assert ' loading="lazy"' in second and ' width="300" height="150"' in second
    assert size_images(f"<article>{img}{img}</article>", "chapters/c/", tmp_path).count("lazy") == 0  # no section


def test_built_pages_load_their_later_figures_lazily(site):
    html = (site / "chapters" / "b2-bad-results" / "index.html").read_text(encoding="utf-8")
    figures = re.findall(r"<img[^>]*\.svg[^>]*>", html)
    assert len(figures) >= 3 and sum(' loading="lazy"' in f for f in figures) >= 2, figures


def test_other_images_are_left_alone(tmp_path):
    html = '<img alt="a" src="x.png"><img alt="b" src="../missing.svg"><img alt="c" src="f.svg" width="10" height="5">'
    assert size_images(html, "chapters/c/", tmp_path) == html


def test_listings_lose_spans_but_no_text():
    from book.page_weight import slim_code

    code = (
        '<div class="highlight"><pre><span></span><code><span class="k">def</span><span class="w"> </span>'
        '<span class="nf">f</span><span class="p">(</span><span class="n">x</span><span class="p">):</span>\n'
        '    <span class="k">return</span> <span class="n">x</span> <span class="o">*</span> <span class="p">(</span>'
        '<span class="mi">2</span><span class="p">)</span>  <span class="c1"># a</span>\n'
        '    <span class="c1"># b</span>\n</code></pre></div>'
    )
    slim = slim_code(code)
    assert re.sub(r"<[^>]+>", "", slim) == re.sub(r"<[^>]+>", "", code)
    assert '<span class="n">' not in slim and '<span class="w">' not in slim
    assert '<span class="p">* (</span>' in slim and '<span class="c1"># a\n    # b</span>' in slim
    # A notebook cell (nbconvert's markup) is left as it is.
    cell = '<div class="highlight-ipynb hl-python"><pre><span class="n">x</span></pre></div>'
    assert slim_code(cell) == cell


def test_scripts_deferred_and_math_fonts_preloaded_only_with_math():
    from book.page_weight import MATH_FONTS, defer_scripts, preload_math_fonts

    page = (
        '<head><link rel="stylesheet" href="../../assets/vendor/katex/katex.min.css"></head>'
        '<body><span class="arithmatex">x</span><script src="../../assets/javascripts/bundle.1.min.js"></script>'
        "<script>inline()</script></body>"
    )
    out = preload_math_fonts(defer_scripts(page))
    assert '<script src="../../assets/javascripts/bundle.1.min.js" defer></script><script>inline()</script>' in out
    for name in MATH_FONTS:
        assert f'"{name}"' in out
        assert (ROOT / "docs" / "assets" / "vendor" / "katex" / "fonts" / name).is_file()
    assert 'l.href = "../../assets/vendor/katex/fonts/" + f' in out and 'location.protocol !== "file:"' in out
    assert out.index('l.rel = "preload"') < out.index("katex.min.css")
    assert preload_math_fonts(out) == out  # once
    no_math = page.replace("arithmatex", "other")
    assert preload_math_fonts(no_math) == no_math


def test_the_header_buttons_are_written_with_the_scripts_texts():
    from book.header import header_buttons, texts

    page = (
        '<header><nav class="md-header__inner md-grid" aria-label="Header"><div class="md-header__title"></div>'
        '<form class="md-header__option" data-md-component="palette"></form>'
        '<div class="md-header__option"><div class="md-select"></div></div></nav></header><main></main>'
    )
    for lang, toggle, search in (("en", "Exam mode: off", "Search the book"), ("he", "מצב מבחן: כבוי", "חיפוש בספר")):
        assert texts(lang)["exam.off"] == toggle and texts(lang)["search.name"] == search
        out = header_buttons(page, lang)
        # Where the scripts put them: the switch before the colour switch, the search button last.
        assert out.index("book-mode-toggle") < out.index('data-md-component="palette"')
        assert out.index("md-select") < out.index("book-search__open") < out.index("</nav>")
        assert f">{toggle}</button>" in out and f'aria-label="{search}"' in out
        assert header_buttons(out, lang) == out  # once
    assert header_buttons("<p>no header</p>", "en") == "<p>no header</p>"


def test_every_page_sets_the_system_s_colour_scheme_before_its_content(site):
    """book.page_weight.early_color_scheme: right after the theme's palette script, before the article."""
    from book.page_weight import _SCHEME_MARK
    from conftest import site_pages

    missing = []
    for path in site_pages(site):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        at, palette = html.find(_SCHEME_MARK), html.find('<script>var palette=__md_get("__palette");')
        if not (palette >= 0 and palette < at < html.find("<article")) or html.count(_SCHEME_MARK) != 1:
            missing.append(path or "/")
    assert not missing, missing
