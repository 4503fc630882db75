"""Light pages: HTML → HTML steps that make a built page cheaper to show (no MkDocs import).

``size_images(html, page_url, docs_dir)``: every ``<img>`` of an SVG figure gets the
``width`` and ``height`` it is shown at (from the SVG's own size or its ``viewBox``),
so the browser reserves its box before the file arrives and nothing below it shifts
(the theme's ``height: auto; max-width: 100%`` keeps it fluid), and ``decoding="async"``.

``slim_code(html)``: fewer elements in the listings, the same text and the same colours.
Pygments wraps every token in a ``<span>``: a long chapter's listings were a third of
its DOM, and the DOM's size is what a phone pays for in style and layout time. A name
(``n``) and whitespace (``w``) span are unwrapped: the theme gives a name the code's
own colour (``--md-code-hl-name-color`` is ``--md-code-fg-color`` in both schemes,
book.css keeps it so) and whitespace has none. A run of operator (``o``) and
punctuation (``p``) spans, with only spaces between them, becomes one span: the two
share one colour in both schemes (book.css); so do the spans of one comment or string
class split at line ends. Only the listings of ``pymdownx.highlight``
(``<div class="highlight"><pre>``) are touched; notebook cells keep nbconvert's markup.

``defer_scripts(html)``: the theme's bundle and the book's scripts (all at the end of
``<body>``) get ``defer``: they run in the same order, after the page is parsed, and no
longer hold up its first paint (Lighthouse counted each as render-blocking).

``preload_math_fonts(html)``: a page with typeset math asks for KaTeX's two main fonts
(upright and math italic) from ``<head>``, so they arrive with the CSS instead of after
the first paint, when their swap would reflow the text (a layout shift). Not when the
page is read from file:// (fonts are fetched in CORS mode, which file:// refuses).

``early_color_scheme(html)``: on a first visit (no colour stored) the theme's bundle, a
deferred script, sets the scheme the system asks for (dark) only after the page is parsed.
A script right after the theme's own palette script sets it at once, from the palette
input whose media query matches: dark readers get no light first paint, and the answer's
blocks that the browser skips off screen (book.css, content-visibility: auto) never keep
a light-scheme style, which Chromium reported to axe-core (a false contrast failure).
"""

from __future__ import annotations

import functools
import posixpath
import re
from pathlib import Path

_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]+)"')
_LISTING = re.compile(r'(<div class="(?:language-[\w-]+ )?highlight"><pre>)(.*?)(</pre>)', re.S)
_PLAIN = re.compile(r'<span class="[nw]">([^<]*)</span>')
_OP_RUN = re.compile(r'<span class="[op]">[^<]*</span>(?:[ \t]*<span class="[op]">[^<]*</span>)+')
_SAME_RUN = re.compile(r'(<span class="(c1?|sd|s[12]?|k|kn|nn|ch|cm)">[^<]*)</span>(\s*)<span class="\2">')
_OP_TEXT = re.compile(r'<span class="[op]">([^<]*)</span>')
_SCRIPT = re.compile(r'<script src="([^"]*assets/javascripts/[^"]+\.js)"></script>')
_KATEX_CSS = re.compile(r'<link rel="stylesheet" href="([^"]*)assets/vendor/katex/katex\.min\.css">')
MATH_FONTS = ("KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2")
_PRELOAD_MARK = "/* book: math fonts */ "
_PALETTE_SCRIPT = re.compile(r'<script>var palette=__md_get\("__palette"\);.*?</script>', re.S)
_SCHEME_MARK = "/* book: early colour scheme */"
EARLY_SCHEME = (
    f"<script>(function () {{ {_SCHEME_MARK} "
    'try { var p = __md_get("__palette"); if (p && p.color) return; } catch (e) {} '
    'var input = [].find.call(document.querySelectorAll("[data-md-color-media]"), '
    'function (e) { return matchMedia(e.getAttribute("data-md-color-media")).matches; }); '
    'if (input) ["scheme", "primary", "accent"].forEach(function (k) { '
    'document.body.setAttribute("data-md-color-" + k, input.getAttribute("data-md-color-" + k)); }); '
    "})();</script>"
)
_VIEWBOX = re.compile(r'<svg\b[^>]*?\sviewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"', re.S)
_WH = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)(pt|px)?"[^>]*?\sheight="([\d.]+)(pt|px)?"', re.S)


@functools.lru_cache(maxsize=256)
def svg_size(path: Path, mtime_ns: int) -> tuple[int, int] | None:
    """(width, height) in CSS pixels the browser shows the SVG at: its width/height
    (matplotlib writes points: 1 pt = 4/3 px), else its viewBox; None when it has neither."""
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    if m := _WH.search(head):
        w, h = float(m[1]) * (4 / 3 if m[2] == "pt" else 1), float(m[3]) * (4 / 3 if m[4] == "pt" else 1)
        return round(w), round(h)
    if m := _VIEWBOX.search(head):
        return round(float(m[1])), round(float(m[2]))
    return None


def size_images(html: str, page_url: str, docs_dir: Path) -> str:
    """Add ``width``/``height`` (from the SVG) and ``decoding="async"`` to each figure of the page, and
    ``loading="lazy"`` to those below the article's first ``<h2>`` (a phone's first screen never reaches
    it): a long chapter's figures are fetched as the reader scrolls to them, and, sized, move nothing.

    ``page_url`` is the page's URL below the site root (``"chapters/a2/"``, ``"he/chapters/a2/"``).
    """
    docs_dir = Path(docs_dir)
    article = html.find("<article")
    fold = html.find("<h2", article) if article >= 0 else -1

    def one(match: re.Match[str]) -> str:
        tag = match[0]
        src = _SRC.search(tag)
        if not src or " width=" in tag or " height=" in tag or not src[1].endswith(".svg") or "://" in src[1]:
            return tag
        rel = posixpath.normpath(posixpath.join(page_url, src[1]))
        for candidate in (rel, rel.removeprefix("he/")):
            path = docs_dir / candidate
            if path.is_file():
                size = svg_size(path, path.stat().st_mtime_ns)
                if size is None:
                    return tag
                extra = f' width="{size[0]}" height="{size[1]}"'
                if " decoding=" not in tag:
                    extra += ' decoding="async"'
                if " loading=" not in tag and 0 <= fold < match.start():
                    extra += ' loading="lazy"'
                end = -2 if tag.endswith("/>") else -1
                return tag[:end].rstrip() + extra + tag[end:]
        return tag

    return _IMG.sub(one, html)


def _slim_listing(code: str) -> str:
    code = _PLAIN.sub(r"\1", code)
    code = _OP_RUN.sub(lambda m: '<span class="p">' + _OP_TEXT.sub(r"\1", m[0]) + "</span>", code)
    # Pygments closes a token's span at each line end (a docstring, a comment block): spans of one
    # class with only spaces or line breaks between them become one (text colour only: no background).
    while True:
        merged = _SAME_RUN.sub(r"\1\3", code)
        if merged == code:
            return code
        code = merged


def slim_code(html: str) -> str:
    """Each listing with its name and whitespace spans unwrapped and its operator/punctuation runs merged.

    >>> slim_code('<div class="highlight"><pre><code><span class="n">x</span><span class="w"> </span>'
    ...           '<span class="o">=</span> <span class="p">(</span><span class="mi">1</span></code></pre>')
    '<div class="highlight"><pre><code>x <span class="p">= (</span><span class="mi">1</span></code></pre>'
    >>> slim_code('<div class="highlight"><pre><code><span class="c1"># a</span>\\n\\n<span class="c1"># b</span>'
    ...           '</code></pre>')
    '<div class="highlight"><pre><code><span class="c1"># a\\n\\n# b</span></code></pre>'
    """
    return _LISTING.sub(lambda m: m[1] + _slim_listing(m[2]) + m[3], html)


def defer_scripts(html: str) -> str:
    """Every ``<script src="…assets/javascripts/….js">`` (no other attribute) with ``defer``.

    >>> defer_scripts('<script src="../assets/javascripts/study.js"></script><script>x()</script>')
    '<script src="../assets/javascripts/study.js" defer></script><script>x()</script>'
    """
    return _SCRIPT.sub(r'<script src="\1" defer></script>', html)


def preload_math_fonts(html: str) -> str:
    """On a page with math (``arithmatex``'s markup: this step may run before or after
    ``book.math_render``), a script in ``<head>`` before KaTeX's stylesheet that preloads ``MATH_FONTS``.

    A script, not ``<link rel="preload">`` tags: fonts are fetched in CORS mode, which a page
    opened from file:// refuses (an error in the console), so there it adds nothing.

    >>> out = preload_math_fonts('<link rel="stylesheet" href="../assets/vendor/katex/katex.min.css">'
    ...                          '<span class="arithmatex">')
    >>> out.startswith('<script>if (location.protocol !== "file:") ["KaTeX_Main-Regular.woff2", ')
    True
    >>> preload_math_fonts('<link rel="stylesheet" href="assets/vendor/katex/katex.min.css"><p>no math</p>')
    '<link rel="stylesheet" href="assets/vendor/katex/katex.min.css"><p>no math</p>'
    """
    css = _KATEX_CSS.search(html)
    if not css or 'class="arithmatex"' not in html or _PRELOAD_MARK in html:
        return html
    names = ", ".join(f'"{name}"' for name in MATH_FONTS)
    script = (
        f'<script>if (location.protocol !== "file:") [{names}].forEach(function (f) {{ {_PRELOAD_MARK}'
        'var l = document.createElement("link"); l.rel = "preload"; l.as = "font"; l.type = "font/woff2"; '
        f'l.crossOrigin = "anonymous"; l.href = "{css[1]}assets/vendor/katex/fonts/" + f; '
        "document.head.appendChild(l); });</script>"
    )
    return html[: css.start()] + script + html[css.start() :]


def early_color_scheme(html: str) -> str:
    """``EARLY_SCHEME`` right after the theme's palette script (once); a page without it is returned as it is.

    >>> out = early_color_scheme('<body><script>var palette=__md_get("__palette");if(palette){}</script><p>')
    >>> out.count(_SCHEME_MARK), out.index(_SCHEME_MARK) > out.index("if(palette){}</script>")
    (1, True)
    >>> early_color_scheme(out) == out, early_color_scheme("<p>no palette</p>")
    (True, '<p>no palette</p>')
    """
    m = _PALETTE_SCRIPT.search(html)
    if not m or _SCHEME_MARK in html:
        return html
    return html[: m.end()] + EARLY_SCHEME + html[m.end() :]


def post_page(html: str, page, config) -> str:
    """The build step (``POST_PAGE``): ``size_images`` (``page.url``, ``config["docs_dir"]``), ``slim_code``,
    ``defer_scripts``, ``preload_math_fonts``, ``early_color_scheme``."""
    html = slim_code(size_images(html, page.url, Path(config["docs_dir"])))
    return early_color_scheme(preload_math_fonts(defer_scripts(html)))
