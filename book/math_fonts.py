"""KaTeX's fonts cut down to the characters the book's formulas show (no MkDocs import).

A page with math downloads the KaTeX fonts its formulas use, and a phone waits for the
ones its first screen needs: on C, about 95 KiB of fonts, most of it glyphs no formula of
the book has (KaTeX_AMS alone is 28 KiB for 257 symbols, of which the book shows 31).
After both editions are built, every font in the site's copy of KaTeX is replaced by a
subset that keeps each character shown by any formula of any page, and nothing else:

``math_characters(html)``: the characters of a page's formulas (the text inside KaTeX's
``katex-html`` spans: what the fonts draw; the MathML copy is for screen readers and is
not drawn with them).

``subset_font(data, characters)``: the WOFF2 font ``data`` keeping only ``characters``
(its layout features kept).

``subset_site_fonts(site_dir, source_dir)``: each font of ``source_dir`` subset to the
characters of every page of ``site_dir``, written over the site's copy; cached by the
font and the characters, so a rebuild whose formulas show no new character costs a
scan of the pages and a copy (a removed character, like a new one, makes new subsets).

The subset is a union over the whole site, not per font: which KaTeX font draws a
character is KaTeX's business, and a character kept in every font that has it cannot be
missing from the one KaTeX picks. KaTeX's stylesheet writes equation numbers itself, so
digits and parentheses are always kept. The vendored fonts in ``docs/`` stay whole
(``tools/vendor-katex.sh`` refreshes them); only the built site has subsets.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import io
import os
import re
from pathlib import Path

FONTS = "assets/vendor/katex/fonts"
#: Characters KaTeX's CSS itself draws (equation numbers: "(" counter ")").
ALWAYS = frozenset("()0123456789")

_OPEN = re.compile(r'<span class="katex-html"[^>]*>')
_TAG = re.compile(r"<svg\b.*?</svg>|<[^>]+>", re.S)


def math_characters(html: str) -> set[str]:
    """The characters of every formula drawn on the page (inside ``<span class="katex-html">``).

    >>> page = ('<p>Prose is not counted.<span class="katex"><span class="katex-mathml"><math>x</math></span>'
    ...         '<span class="katex-html" aria-hidden="true"><span class="mord">&#x3B2;</span>'
    ...         '<span class="mord">≤</span><svg><path d="M0 0"/></svg></span></span> nor this.</p>')
    >>> sorted(math_characters(page))
    ['β', '≤']
    """
    found: set[str] = set()
    for start in _OPEN.finditer(html):
        depth, pos, text = 1, start.end(), []
        for tag in _TAG.finditer(html, pos):
            text.append(html[pos : tag.start()])
            pos = tag.end()
            t = tag.group(0)
            if t.startswith("<span"):
                depth += 1
            elif t.startswith("</span"):
                depth -= 1
                if depth == 0:
                    break
        found |= set(html_lib.unescape("".join(text)))
    found.discard("\n")
    return found


def subset_font(data: bytes, characters: frozenset[str] | set[str]) -> bytes:
    """``data`` (a WOFF2 font) with the glyphs of ``characters`` only, as WOFF2; ``ValueError`` if it is no font."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - fontTools raises many kinds; the caller gets one
        raise ValueError(f"not a font fontTools can read ({len(data)} bytes): {exc}") from None
    options = subset.Options()
    options.layout_features = ["*"]  # KaTeX's fonts carry no features it does not use
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.flavor = "woff2"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def site_characters(site_dir: Path) -> frozenset[str]:
    """The characters of every formula of every page of the built site, and ``ALWAYS``."""
    found: set[str] = set(ALWAYS)
    for page in Path(site_dir).rglob("*.html"):
        found |= math_characters(page.read_text(encoding="utf-8"))
    return frozenset(found)


def subset_site_fonts(site_dir: Path, source_dir: Path, cache: Path | None = None) -> dict[str, tuple[int, int]]:
    """Every ``*.woff2`` of ``source_dir`` subset to the site's formula characters, written to
    ``site_dir/assets/vendor/katex/fonts/``; ``cache`` defaults to the build cache's ``math-fonts``
    (``book.facts.cache_dir``). Returns ``{font name: (bytes before, bytes after)}``."""
    if cache is None:
        from book.facts import cache_dir

        cache = cache_dir("math-fonts")
    from fontTools import version as fonttools_version

    characters = site_characters(site_dir)
    key = hashlib.sha256(("".join(sorted(characters)) + fonttools_version).encode("utf-8")).hexdigest()[:16]
    target = Path(site_dir) / FONTS
    target.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for font in sorted(Path(source_dir).glob("*.woff2")):
        data = font.read_bytes()
        cached = cache / f"{font.stem}.{hashlib.sha256(data).hexdigest()[:16]}.{key}.woff2"
        try:
            small = cached.read_bytes()
        except FileNotFoundError:  # not made yet (or another build just replaced it)
            small = subset_font(data, characters)
            _store(cached, small)
        (target / font.name).write_bytes(small)
        sizes[font.name] = (len(data), len(small))
    return sizes


def _store(path: Path, data: bytes) -> None:
    """Write the cache entry atomically (two builds may run at once) and drop the font's older entries."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(path.name.split(".", 1)[0] + ".*.woff2"):
        if old != path:
            old.unlink(missing_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def post_build(site_dir: Path, config) -> None:
    """The build step (``POST_BUILD``): the site's KaTeX fonts subset (originals from ``config["docs_dir"]``)."""
    subset_site_fonts(site_dir, Path(config["docs_dir"]) / FONTS)
