"""Light pages: HTML → HTML steps that make a built page cheaper to show (no MkDocs import).

``size_images(html, page_url, docs_dir)``: every ``<img>`` of an SVG figure gets the
``width`` and ``height`` it is shown at (from the SVG's own size or its ``viewBox``),
so the browser reserves its box before the file arrives and nothing below it shifts
(the theme's ``height: auto; max-width: 100%`` keeps it fluid), and ``decoding="async"``.
"""

from __future__ import annotations

import functools
import posixpath
import re
from pathlib import Path

_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]+)"')
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
    """Add ``width``/``height`` (from the SVG) and ``decoding="async"`` to each figure of the page.

    ``page_url`` is the page's URL below the site root (``"chapters/a2/"``, ``"he/chapters/a2/"``).
    """
    docs_dir = Path(docs_dir)

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
                end = -2 if tag.endswith("/>") else -1
                return tag[:end].rstrip() + extra + tag[end:]
        return tag

    return _IMG.sub(one, html)


def post_page(html: str, page, config) -> str:
    """The build step (``POST_PAGE``): ``size_images`` for a finished page (``page.url``, ``config["docs_dir"]``)."""
    return size_images(html, page.url, Path(config["docs_dir"]))
