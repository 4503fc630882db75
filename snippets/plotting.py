"""Figures that read well in light and dark mode, and that regenerate byte for byte.

Every figure is drawn on white (the site shows it on a white card in both modes),
with dark text and a colour-blind-safe palette, and saved as SVG with no date,
fixed element ids and text drawn as paths, so that the same code and versions
give the same file.

Every figure is drawn twice by the same code, in English and in Hebrew: a
figure function takes ``lang`` and writes its text through :class:`Labels`.
matplotlib 3.11 lays text out with libraqm (FriBiDi and HarfBuzz), which applies
the Unicode bidirectional algorithm itself, brackets mirrored; :func:`hebrew` only
makes each line right to left, and tests/test_figures.py checks the glyph order
of every Hebrew label against python-bidi's.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

#: Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

_STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "text.color": "#111111",
    "axes.labelcolor": "#111111",
    "xtick.color": "#111111",
    "ytick.color": "#111111",
    "axes.edgecolor": "#333333",
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "font.size": 10,
    "svg.fonttype": "path",
    "svg.hashsalt": "applied-deep-learning-exam",
}


#: The languages every figure is drawn in, English first (its files keep their names).
LANGUAGES = ("en", "he")

_RLM = "\u200f"  # RIGHT-TO-LEFT MARK: a strong right-to-left character that draws nothing


def hebrew(text: str) -> str:
    r"""``text`` with each line laid out right to left by matplotlib.

    libraqm takes a line's direction from its first strong character, so a
    Hebrew label that starts with a number or an identifier would be laid out
    left to right. A right-to-left mark in front of each line fixes the
    direction; the characters are kept in logical order (matplotlib reorders
    them), and numbers, units and identifiers inside stay left to right.

    >>> hebrew("3 שכבות") == "\u200f3 שכבות"
    True
    >>> hebrew("שורה\nשנייה").count("\u200f")
    2
    """
    return "\n".join(_RLM + line for line in text.split("\n"))


def ltr(text: str) -> str:
    r"""A code fragment (a tuple, a shape) kept left to right inside a Hebrew label.

    Numbers after a Hebrew word take the right-to-left direction around them, so
    ``(9, 5)`` would be drawn ``(5 ,9)``; a left-to-right isolate (U+2066 …
    U+2069, drawn as nothing) keeps the fragment as it is typed.

    >>> ltr("(2,)") == "\u2066(2,)\u2069"
    True
    """
    return f"\u2066{text}\u2069"


class Labels:
    """The text of one figure in one language: ``t = Labels(lang)``, then ``t(english, hebrew)``.

    ``t.legend`` holds the legend options of the language: in Hebrew the text
    comes first and the columns are aligned right, as a right-to-left reader
    expects (pass it as ``ax.legend(..., **t.legend)``).

    >>> t = Labels("he")
    >>> t("step", "צעד") == hebrew("צעד"), t.legend
    (True, {'markerfirst': False})
    >>> Labels("en")("step", "צעד"), Labels("en").legend
    ('step', {})
    >>> Labels("fr")
    Traceback (most recent call last):
    ...
    ValueError: lang must be one of ('en', 'he'), got 'fr'
    """

    def __init__(self, lang: str = "en"):
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
        self.lang = lang
        self.legend: dict = {} if lang == "en" else {"markerfirst": False}

    def __call__(self, en: str, he: str) -> str:
        """``en`` in an English figure, ``hebrew(he)`` in a Hebrew one.

        >>> Labels("he")("steps", None)
        Traceback (most recent call last):
        ...
        TypeError: a label needs an English and a Hebrew string, got 'steps' and None
        """
        if not isinstance(en, str) or not isinstance(he, str):
            raise TypeError(f"a label needs an English and a Hebrew string, got {en!r} and {he!r}")
        return en if self.lang == "en" else hebrew(he)


# --8<-- [start:new_figure]
def new_figure(width: float = 6.0, height: float = 3.2, ncols: int = 1):
    """A white figure in the book's style: returns ``(fig, axes)``.

    >>> fig, ax = new_figure()
    >>> fig.get_size_inches().tolist()
    [6.0, 3.2]
    >>> plt.close(fig)
    """
    plt.rcParams.update(_STYLE)  # labels and ticks read rcParams when they are drawn
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), layout="constrained")
    return fig, axes


# --8<-- [end:new_figure]


def save_svg(fig, path: str | Path) -> Path:
    """Save ``fig`` as a reproducible SVG (no date, fixed ids) and close it.

    >>> import tempfile, os
    >>> fig, ax = new_figure(); _ = ax.plot([0, 1], [0, 1])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = save_svg(fig, os.path.join(d, "line.svg"))
    ...     p.read_text().startswith("<?xml")
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    plt.rcParams.update(_STYLE)
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
    return path


def show_figure(fig, alt: str):
    """Display ``fig`` in a notebook as an SVG image with alt text, and close it.

    nbconvert gives plain matplotlib output a generic alt text ("No description
    has been provided"); pages of this book describe every image, so notebooks
    show figures through this function. ``alt`` must say what the figure shows.

    >>> fig, ax = new_figure()
    >>> html = show_figure(fig, alt="An empty set of axes, shown as an example.")
    <IPython.core.display.HTML object>
    >>> html.data.startswith('<img alt="An empty set of axes')
    True
    >>> show_figure(new_figure()[0], alt="plot")
    Traceback (most recent call last):
    ...
    ValueError: alt text must describe the figure in at least 4 words, got 'plot'
    """
    import base64
    import html as html_lib
    import io

    from IPython.display import HTML, display

    if not isinstance(alt, str) or len(alt.split()) < 4:
        plt.close(fig)
        raise ValueError(f"alt text must describe the figure in at least 4 words, got {alt!r}")
    buffer = io.StringIO()
    plt.rcParams.update(_STYLE)
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue().encode("utf-8")).decode("ascii")
    out = HTML(f'<img alt="{html_lib.escape(alt)}" class="figure" src="data:image/svg+xml;base64,{data}">')
    display(out)
    return out
