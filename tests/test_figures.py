"""Figures are drawn by code: committed files match it, each is used with alt text, in both editions.

Every figure is drawn twice by the same ``figure_*(lang)`` function: in English
(``docs/figures/<name>.svg``) and in Hebrew (``docs/figures/he/<name>.svg``).
matplotlib 3.11 lays text out with libraqm, which reorders right-to-left text
itself; the tests below prove the order it draws, glyph by glyph, in the SVG.
"""

from __future__ import annotations

import io
import re
import unicodedata

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from conftest import DOCS
from snippets import figures
from snippets.plotting import LANGUAGES, hebrew, ltr, new_figure, save_svg

HEBREW_LETTER = re.compile(r"[\u05d0-\u05ea]")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*figures/(?:he/)?[\w.-]+\.svg)\)")


def _glyph_chars() -> dict[int, str]:
    """DejaVu Sans glyph index -> the character it draws (the SVG names a glyph ``DejaVuSans-<hex index>``)."""
    font = FT2Font(font_manager.findfont("DejaVu Sans"))
    out: dict[int, str] = {}
    for code, index in sorted(font.get_charmap().items()):
        out.setdefault(index, chr(code))
    return out


GLYPHS = _glyph_chars()


def drawn_order(svg: str) -> str:
    """The characters of the DejaVu Sans glyphs of ``svg``, in the order the file draws them."""
    return "".join(GLYPHS[int(i, 16)] for i in re.findall(r'<use xlink:href="#DejaVuSans-([0-9a-f]+)"', svg))


def render_line(line: str, size: float = 10) -> str:
    """Draw one line of text alone into an SVG the way the book does (text as paths); return the glyph order."""
    fig, _ = new_figure(6.0, 0.6)
    fig.clear()
    fig.text(0.02, 0.3, line, fontsize=size)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return drawn_order(buffer.getvalue())


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """Every figure drawn in both languages once and saved as SVG: ``{(file name, lang): (figure, path)}``.

    Drawn as ``make figures`` draws them (``figures.draw_all``), into a folder of
    the test's own. conftest closes pyplot's figures after each test; a closed
    figure keeps its artists, laid out as its saved file draws them.
    """
    root = tmp_path_factory.mktemp("figures")
    with plt.rc_context({"figure.max_open_warning": 0}):  # 2 × 27 figures open at once, on purpose
        out = {
            (name, lang): (fig, path)
            for name, lang, fig, path in figures.draw_all(list(figures.figure_makers()), root, progress=False)
        }
    yield out
    for fig, _ in out.values():
        plt.close(fig)


@pytest.fixture(scope="module")
def drawn(saved):
    """``{(file name, lang): figure}`` of every figure."""
    return {key: fig for key, (fig, _) in saved.items()}


def _texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_committed_figures_match_their_code(saved):
    """Both editions: a Hebrew figure is as fresh as its code, like the English one (``--check`` compares the same way)."""
    assert len(saved) == 2 * len(list(figures.figure_makers())) >= 2 * 20
    stale = figures.stale_figures([(name, lang, path) for (name, lang), (_, path) in saved.items()])
    assert not stale, f"stale or missing figures (run `make figures` and review the diff): {stale}"


def test_check_compares_with_the_committed_files(tmp_path, monkeypatch, capsys):
    """``python -m snippets.figures --check``: 0 when fresh, 1 naming a changed file (written nothing), 2 for no figure."""
    assert figures.main(["--check", "a2_rnncell"]) == 0
    name = "a2_rnncell_parameters-init_histogram.svg"
    english, hebrew_file = figures.figure_path(name, "en"), figures.figure_path(name, "he")
    monkeypatch.setattr(figures, "FIGURE_DIR", tmp_path)  # a copy of the committed files, the Hebrew one changed
    changed = hebrew_file.read_bytes().replace(b"#ffffff", b"#fffffe", 1)
    assert changed != hebrew_file.read_bytes()
    figures.figure_path(name, "en").write_bytes(english.read_bytes())
    figures.figure_path(name, "he").parent.mkdir()
    figures.figure_path(name, "he").write_bytes(changed)
    assert figures.main(["--check", "a2_rnncell"]) == 1
    err = capsys.readouterr().err
    assert f"he/{name}" in err and err.count(name) == 1, err  # the Hebrew file named, the English one fresh
    assert figures.figure_path(name, "he").read_bytes() == changed  # --check writes nothing
    assert figures.main(["--check", "no_such_module"]) == 2


def test_every_figure_file_has_a_maker_and_a_page_with_alt_text():
    makers = {name for name, _ in figures.figure_makers()}
    for lang in LANGUAGES:
        folder = figures.figure_path("x.svg", lang).parent
        files = {p.name for p in folder.glob("*.svg")}
        assert files == makers, f"{lang}: files without a maker: {files - makers}; without a file: {makers - files}"
    pages = {
        lang: "\n".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md") if p.name.endswith(".he.md") == he)
        for lang, he in (("en", False), ("he", True))
    }
    for name in makers:
        for lang in LANGUAGES:
            path = "figures/" + ("he/" if lang == "he" else "") + name
            uses = [alt for alt, target in _IMAGE.findall(pages[lang]) if target.endswith(path)]
            assert uses, f"docs/{path} is shown by no {lang} page"
            for alt in uses:
                assert len(alt.split()) >= 8, f"alt text of {path} too short to describe it: {alt!r}"
                if lang == "he":
                    assert HEBREW_LETTER.search(alt), f"alt text of {path} on a Hebrew page is not in Hebrew: {alt!r}"


def test_hebrew_pages_show_the_hebrew_figures():
    """A Hebrew page links docs/figures/he/<name>.svg, never the English drawing, and never a missing file."""
    hebrew_names = {p.name for p in (figures.FIGURE_DIR / "he").glob("*.svg")}
    assert hebrew_names, "docs/figures/he/ holds no figure"
    bad = []
    for page in sorted(DOCS.rglob("*.he.md")):
        for _, target in _IMAGE.findall(page.read_text(encoding="utf-8")):
            file = (page.parent / target).resolve()
            if not file.is_file():
                bad.append(f"{page.relative_to(DOCS)}: {target} does not exist")
            elif file.parent == figures.FIGURE_DIR and file.name in hebrew_names:
                bad.append(f"{page.relative_to(DOCS)}: {target} is the English drawing; use figures/he/{file.name}")
    assert not bad, "\n".join(bad)


def test_hebrew_label_is_drawn_in_right_to_left_visual_order():
    """The proof of ordering, read from the SVG: glyphs left to right equal the expected visual order.

    Written out by hand: Hebrew words reversed, the number and the identifier kept
    left to right, and the brackets around Hebrew mirrored.
    """
    cases = {
        "שלב 3 של fit(x)": "fit(x) לש 3 בלש",
        "ריצה (בלי STE)": "(STE ילב) הציר",
        "הפסד 0.25 אחרי 100 צעדים": "םידעצ 100 ירחא 0.25 דספה",
        "הזזה ב־(5, 9)": "(9 ,5)־ב הזזה",  # numbers after a Hebrew word run right to left ...
        "הזזה ב־" + ltr("(5, 9)"): "(5, 9) ־ב הזזה",  # ... unless isolated, as code is
    }
    for logical, visual in cases.items():
        got = unicodedata.normalize("NFKC", render_line(hebrew(logical)))  # HarfBuzz draws "fi" as one ligature
        # the marks (U+200F, U+2066, U+2069) are drawn as zero-width space glyphs
        assert " ".join(got.split()) == visual, f"{logical!r} drawn as {got!r}, expected {visual!r}"
    assert render_line("KL(p‖q) מכסה").startswith("KL")
    assert render_line(hebrew("KL(p‖q) מכסה")).strip().startswith("הסכמ")


_BRACKETS = str.maketrans({c: "|" for c in "()[]{}<>"})


def _visual_by_python_bidi(line: str) -> str:
    """python-bidi's visual order of one right-to-left line (it does not mirror brackets: compared without them)."""
    from bidi import get_display

    return re.sub("[\u200f\u2066\u2069]", "", get_display(line.replace("\u200f", ""), base_dir="R"))


#: A final letter (ך ם ן ף ץ) ends a Hebrew word: followed by a letter, the text is in logical order; preceded
#: by one, in visual order (a word drawn right to left, read left to right: "םידעצ").
FINAL_THEN_LETTER = re.compile(r"[ךםןףץ][\u05d0-\u05ea]")
LETTER_THEN_FINAL = re.compile(r"[\u05d0-\u05ea][ךםןףץ]")


def test_every_hebrew_label_is_ordered_as_python_bidi_orders_it(drawn):
    """Each line of Hebrew text in every Hebrew figure, drawn alone, against an independent bidi implementation.

    And independently of any bidi code: the figure's string is in logical order
    (a final letter ends a word) and its drawing in visual order (a final letter
    is drawn first, at the left of its word).
    """
    checked, finals, bad = 0, 0, []
    for (name, lang), fig in drawn.items():
        if lang != "he":
            continue
        for text in _texts(fig):
            for line in text.get_text().split("\n"):
                if not HEBREW_LETTER.search(line):
                    continue
                assert line.startswith("\u200f"), f"{name}: Hebrew line not made right to left: {line!r}"
                # NFKC: HarfBuzz draws "fi" as one ligature glyph, and a glyph maps back to one character (₀ or 0)
                drawn_line = unicodedata.normalize("NFKC", render_line(line))
                got = drawn_line.replace(" ", "")
                want = unicodedata.normalize("NFKC", _visual_by_python_bidi(line)).replace(" ", "")
                checked += 1
                finals += bool(re.search("[ךםןףץ]", line))
                if FINAL_THEN_LETTER.search(line) or LETTER_THEN_FINAL.search(drawn_line):
                    bad.append(f"{name}: {line!r} is not in logical order, or not drawn right to left: {drawn_line!r}")
                if got.translate(_BRACKETS) != want.translate(_BRACKETS):
                    bad.append(f"{name}: {line!r} drawn {got!r}, python-bidi {want!r}")
    assert checked >= 100 and finals >= 30, f"only {checked} Hebrew lines ({finals} with a final letter) found"
    assert not bad, "\n".join(bad)


#: The words a Hebrew figure keeps: code identifiers (torch functions, layers, the surrogates' names) and model names.
CODE_WORDS = frozenset(
    "randn Conv Flatten Bern Linear Lipschitz RNN MLP MaxPool ReLU clamp log sign STE tanh hard identity weight".split()
)


def _code_or_math(text: str) -> bool:
    """True if ``text`` has no word of three letters or more other than code identifiers (``sign(x)``, ``b×845``).

    TeX commands are math, not words: a log axis labels its ticks ``$\\mathdefault{10^{-1}}$``.

    >>> _code_or_math(r"$\\mathdefault{10^{-1}}$"), _code_or_math("tanh(x)"), _code_or_math("steps")
    (True, True, False)
    """
    return all(word in CODE_WORDS for word in re.findall(r"[A-Za-z]{3,}", re.sub(r"\\[A-Za-z]+", "", text)))


def test_hebrew_figures_have_hebrew_text_where_the_english_ones_have_words(drawn):
    """Same code, same texts in the same order: an English word left in a Hebrew figure fails."""
    bad = []
    for name, _ in figures.figure_makers():
        en, he = _texts(drawn[name, "en"]), _texts(drawn[name, "he"])
        assert len(en) == len(he), f"{name}: {len(en)} texts in English, {len(he)} in Hebrew"
        for e, h in zip(en, he, strict=True):
            english, hebrew_text = e.get_text(), h.get_text()
            if HEBREW_LETTER.search(hebrew_text) or _code_or_math(english):
                continue
            bad.append(f"{name}: {english!r} kept in English")
        svg = figures.figure_path(name, "he").read_text(encoding="utf-8")
        if not HEBREW_LETTER.search(drawn_order(svg)):
            bad.append(f"docs/figures/he/{name} draws no Hebrew letter")
    assert not bad, "\n".join(bad)


def drawn_box(fig) -> Bbox:
    """The box, in inches, that the artists of a saved figure cover, measured as its SVG draws them.

    ``save_svg`` laid the figure out with the SVG renderer at 72 dpi (constrained layout
    runs when a figure is drawn); an SVG renderer at that dpi measures the same text
    the same way, and nothing is drawn again.
    """
    dpi = fig.dpi
    fig.set_dpi(72)
    try:
        width, height = fig.get_size_inches() * 72
        return fig.get_tightbbox(RendererSVG(width, height, io.StringIO(), image_dpi=72))
    finally:
        fig.set_dpi(dpi)


def test_figures_stay_inside_their_canvas_on_the_white_card(drawn):
    """Readable in light and dark mode: nothing drawn past the edge, and every file is drawn on white."""
    bad = []
    for (name, lang), fig in drawn.items():
        box = drawn_box(fig)
        width, height = fig.get_size_inches()
        if box.x0 < -0.02 or box.y0 < -0.02 or box.x1 > width + 0.02 or box.y1 > height + 0.02:
            bad.append(f"{lang} {name}: drawn over {box.bounds} on a {width} × {height} in canvas")
        svg = figures.figure_path(name, lang).read_text(encoding="utf-8")
        background = re.search(r'<g id="patch_1">\s*<path d="[^"]*"\s*style="fill: (#[0-9a-f]+)', svg)
        if not background or background[1] != "#ffffff":
            bad.append(f"{lang} {name}: not drawn on white ({background and background[1]})")
    assert not bad, "\n".join(bad)


def test_svg_output_is_reproducible(tmp_path):
    def draw():
        fig, ax = new_figure()
        ax.plot([0, 1, 2], [1, 0, 1], label="a line")
        ax.legend()
        return fig

    a = save_svg(draw(), tmp_path / "a.svg").read_bytes()
    b = save_svg(draw(), tmp_path / "b.svg").read_bytes()
    assert a == b
    assert b"<dc:date>" not in a  # no build date inside the file
