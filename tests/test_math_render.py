"""Math typeset at build time (book/math_render.py): HTML in, KaTeX's HTML and MathML out."""

from __future__ import annotations

import shutil

import pytest

from book.math_render import KatexRenderer, MathError, render_math

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is a prerequisite of the build")


@pytest.fixture
def renderer(tmp_path):
    r = KatexRenderer(cache_path=tmp_path / "katex.json")
    yield r
    r.close()


def test_inline_and_display_become_katex_with_mathml(renderer):
    html = (
        '<p>Let <span class="arithmatex">\\(h_t = \\tanh(W h_{t-1})\\)</span>.</p>\n'
        '<div class="arithmatex">\\[\nN = g\\,(h\\,i + h^2 + 2h)\n\\]</div>'
    )
    out = render_math(html, "chapters/x.md", renderer)
    assert '<span class="arithmatex" data-katex="done"><span class="katex">' in out
    assert '<div class="arithmatex" data-katex="done"><span class="katex-display">' in out
    assert out.count("<math") == 2 and out.count('<span class="katex-html"') == 2
    assert '<annotation encoding="application/x-tex">h_t = \\tanh(W h_{t-1})</annotation>' in out
    assert "\\(" not in out.replace("<annotation", "").split("annotation")[0]
    assert out.startswith("<p>Let ") and out.endswith("</div>")


def test_entities_in_a_formula_are_unescaped(renderer):
    out = render_math('<span class="arithmatex">\\(a &lt; b \\&amp; c\\)</span>', "p", renderer)
    assert "a &lt; b \\&amp; c</annotation>" in out  # the TeX source was "a < b \& c"


def test_a_formula_in_a_heading_and_in_the_toc(renderer):
    html = (
        '<nav class="md-nav md-nav--secondary"><a href="#s" class="md-nav__link">'
        '<span class="md-ellipsis">What each layer does to \\(b \\times C\\)</span></a></nav>'
        '<h2 id="s">What each layer does to <span class="arithmatex">\\(b \\times C\\)</span></h2>'
    )
    out = render_math(html, "chapters/b3.md", renderer)
    toc, heading = out.split("<h2", 1)
    assert "\\(" not in toc and '<span class="katex">' in toc and "What each layer does to " in toc
    assert '<span class="katex">' in heading and "\\(" not in heading.split("<annotation")[0]


def test_prose_dollars_stay_prose(renderer):
    html = "<p>a GPU hour may cost $2 and a CPU hour $0.10</p>"
    assert render_math(html, "about/verification.md", renderer) == html


def test_code_and_scripts_are_untouched(renderer):
    html = (
        '<pre><code>print("\\(x\\)", "$y$")</code></pre><p><code>\\(z\\)</code></p>'
        '<script>var s = "\\(w\\)";</script><title>A \\(t\\)</title>'
        '<div class="jp-RenderedMarkdown"><pre>$5 and $6</pre></div>'
    )
    assert render_math(html, "p", renderer) == html
    assert renderer.stats["rendered"] == 0 and renderer.stats["processes"] == 0


def test_notebook_markdown_cells_typeset_dollars(renderer):
    html = (
        '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">'
        "<p>The formula $N = g\\,(h\\,i + h^2 + 2h)$ and</p><p>$$\\sum_i x_i$$</p></div>"
        '<div class="jp-OutputArea"><p>costs $2 and $3</p></div>'
    )
    out = render_math(html, "notebooks/a2.py", renderer)
    cell, rest = out.split('<div class="jp-OutputArea">')
    assert cell.count('<span class="katex">') == 2 and '<span class="katex-display">' in cell
    assert "$" not in cell.replace("<annotation", "\0").split("\0")[0]
    assert rest == "<p>costs $2 and $3</p></div>"


def test_an_unparsable_formula_names_the_page_and_the_formula(renderer):
    with pytest.raises(MathError, match=r"chapters/c\.md: .*'\\\\frac\{1\}\{'.*KaTeX parse error"):
        render_math('<p><span class="arithmatex">\\(\\frac{1}{\\)</span></p>', "chapters/c.md", renderer)


def test_the_cache_is_hit_on_a_second_call_and_survives_the_process(tmp_path):
    html = '<p><span class="arithmatex">\\(x^2 + y^2\\)</span> <span class="arithmatex">\\(x^2 + y^2\\)</span></p>'
    first = KatexRenderer(cache_path=tmp_path / "k.json")
    out1 = render_math(html, "p", first)
    assert first.stats == {"rendered": 1, "cached": 1, "processes": 1}
    render_math(html, "p", first)
    assert first.stats["rendered"] == 1 and first.stats["cached"] == 3
    first.close()
    assert (tmp_path / "k.json").is_file()
    second = KatexRenderer(cache_path=tmp_path / "k.json")
    assert render_math(html, "p", second) == out1
    assert second.stats == {"rendered": 0, "cached": 2, "processes": 0}  # no node process at all
    second.close()


def test_the_cache_key_covers_version_formula_display_and_options(tmp_path):
    r = KatexRenderer(cache_path=None)
    keys = {r.key("x", False), r.key("x", True), r.key("y", False)}
    r.version = "0.0.0"
    keys.add(r.key("x", False))
    r.options = {**r.options, "output": "html"}
    keys.add(r.key("x", False))
    assert len(keys) == 5


def test_one_process_renders_many_pages(renderer):
    for i in range(20):
        render_math(f'<span class="arithmatex">\\(x_{{{i}}}\\)</span>', f"page{i}", renderer)
    assert renderer.stats["processes"] == 1 and renderer.stats["rendered"] == 20
