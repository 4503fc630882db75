"""The book's own stylesheets served as one file (no MkDocs import).

``mkdocs.yml`` lists the book's stylesheets one by one (``extra_css``), and the theme
writes a ``<link>`` for each into every page's ``<head>``. Each is render-blocking: the
phone waits for all of them before its first paint, and on a slow connection each
extra request costs a round trip (on C, Lighthouse listed each of the four small files
as a render-blocking request). So the build joins them:

``bundle(docs_dir, names)``: the text of the files, in order, and the bundle's name
``book.<hash>.css`` (the hash of that text: a changed stylesheet gets a new address, so a
browser never keeps a stale copy).

``link_bundle(html, names, bundle_name)``: a page's ``<link>`` tags to those files are
replaced by one tag to the bundle, where the first of them was.

``write_bundle(site_dir, docs_dir, names)``: the bundle written into the built site.

Only files of ``assets/stylesheets/`` are joined: they share one folder, so a relative
``url(…)`` in any of them means the same from the bundle. KaTeX's stylesheet stays its own
file (its fonts are addressed from its folder, and ``book.page_weight`` finds it by name).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FOLDER = "assets/stylesheets/"
#: The stylesheets of ``extra_css`` that are joined, in ``mkdocs.yml``'s order.
BUNDLED = ("book.css", "shape-calculator.css", "search.css", "practice.css")


class StylesheetError(ValueError):
    """A stylesheet to join is missing, or a page does not link every one of them."""


def bundle(docs_dir: Path, names: tuple[str, ...] = BUNDLED) -> tuple[str, str]:
    """``(text, file name)`` of the joined stylesheets ``docs_dir/assets/stylesheets/<name>``.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()); (d / FOLDER).mkdir(parents=True)
    >>> _ = (d / FOLDER / "a.css").write_text("p { color: red }\\n"); _ = (d / FOLDER / "b.css").write_text("a {}")
    >>> text, name = bundle(d, ("a.css", "b.css"))
    >>> text.splitlines()
    ['/* a.css */', 'p { color: red }', '', '/* b.css */', 'a {}', '']
    >>> re.fullmatch(r"book\\.[0-9a-f]{10}\\.css", name) is not None
    True
    """
    parts = []
    for name in names:
        path = Path(docs_dir) / FOLDER / name
        if not path.is_file():
            raise StylesheetError(f"the stylesheet {FOLDER}{name} to join into the bundle is missing")
        parts.append(f"/* {name} */\n{path.read_text(encoding='utf-8').rstrip()}\n\n")
    text = "".join(parts)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return text, f"book.{digest}.css"


def _link(name: str) -> re.Pattern[str]:
    return re.compile(r'<link rel="stylesheet" href="([^"]*)' + re.escape(FOLDER + name) + r'">\s*')


def link_bundle(html: str, names: tuple[str, ...], bundle_name: str) -> str:
    """The page's ``<link>`` to each of ``names`` replaced by one to ``bundle_name`` (same folder).

    A page with none of them is returned as it is; a page with only some is an error (the bundle
    would bring it styles it did not ask for).

    >>> page = ('<link rel="stylesheet" href="../assets/stylesheets/a.css">\\n'
    ...         '<link rel="stylesheet" href="../assets/stylesheets/b.css">\\n<title>t</title>')
    >>> print(link_bundle(page, ("a.css", "b.css"), "book.1234.css"))
    <link rel="stylesheet" href="../assets/stylesheets/book.1234.css">
    <title>t</title>
    >>> link_bundle("<p>no styles</p>", ("a.css",), "book.1234.css")
    '<p>no styles</p>'
    """
    found = [(name, _link(name).search(html)) for name in names]
    present = [m for _, m in found if m]
    if not present:
        return html
    if len(present) < len(found):
        missing = [name for name, m in found if not m]
        raise StylesheetError(f"a page links some of the book's stylesheets but not {missing}")
    first = min(present, key=lambda m: m.start())
    tag = f'<link rel="stylesheet" href="{first[1]}{FOLDER}{bundle_name}">\n'
    out = html[: first.start()] + "\0BUNDLE\0" + html[first.start() :]
    for name in names:
        out = _link(name).sub("", out, count=1)
    return out.replace("\0BUNDLE\0", tag, 1)


def write_bundle(site_dir: Path, docs_dir: Path, names: tuple[str, ...] = BUNDLED) -> Path:
    """Write the bundle of ``names`` (from ``docs_dir``) into ``site_dir``; returns its path."""
    text, name = bundle(docs_dir, names)
    path = Path(site_dir) / FOLDER / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def post_page(html: str, page, config) -> str:
    """The build step (``POST_PAGE``): the page links the bundle of ``config["docs_dir"]``'s stylesheets."""
    try:
        return link_bundle(html, BUNDLED, bundle(Path(config["docs_dir"]))[1])
    except StylesheetError as exc:
        raise StylesheetError(f"{page.file.src_uri}: {exc}") from None


def post_build(site_dir: Path, config) -> None:
    """The build step (``POST_BUILD``): the bundle the pages link, in the built site."""
    write_bundle(site_dir, Path(config["docs_dir"]))
