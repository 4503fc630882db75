r"""Math typeset when the book is built: an HTML page in, the same page with KaTeX's HTML out.

The reader's browser runs no math JavaScript: every formula is already KaTeX's HTML
(with MathML beside it for screen readers), and the page needs only ``katex.min.css``
and its fonts. Nothing here knows about MkDocs; ``render_math(html, page)`` is all a
site generator has to call.

What is math, in a page:

- the elements ``pymdownx.arithmatex`` (generic mode) writes:
  ``<span class="arithmatex">\(…\)</span>`` and ``<div class="arithmatex">\[…\]</div>``;
  each becomes ``<span class="arithmatex" data-katex="done">…KaTeX…</span>``;
- ``\(…\)`` and ``\[…\]`` left as text where a heading's text is copied without its
  markup (the table of contents, the navigation);
- in a notebook's rendered Markdown cell (``jp-RenderedMarkdown``, where nbconvert
  leaves math as text) also ``$…$`` and ``$$…$$``.

A dollar sign anywhere else is prose. Code, scripts, styles, ``<title>``, form
controls and attributes are never touched.

The renderer is one ``node`` process running ``book/katex_worker.cjs`` with the
vendored, pinned ``docs/assets/vendor/katex/katex.min.js``, started on the first
formula that is not in the cache and reused for every page after it. The cache is a
JSON file keyed by (KaTeX version, formula, display mode, options): a rebuild that
changed nothing starts no process at all. A formula KaTeX cannot parse raises
``MathError`` naming the page and the formula.
"""

from __future__ import annotations

import atexit
import hashlib
import html as htmllib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATEX_DIR = ROOT / "docs" / "assets" / "vendor" / "katex"
WORKER = Path(__file__).with_name("katex_worker.cjs")
#: The formula cache: ``BOOK_MATH_CACHE``, else ``math/katex.json`` under ``BOOK_CACHE_DIR`` (default ``.cache``).
CACHE = Path(
    os.environ.get("BOOK_MATH_CACHE")
    or Path(os.environ.get("BOOK_CACHE_DIR") or ROOT / ".cache") / "math" / "katex.json"
)
#: KaTeX options for every formula (display mode is per formula; errors always raise).
OPTIONS: dict[str, object] = {"output": "htmlAndMathml", "strict": "ignore"}


class MathError(ValueError):
    """A formula KaTeX cannot typeset (the message names the page and the formula)."""


class KatexRenderer:
    """Renders formulas with one persistent node process and an on-disk cache.

    ``render([(tex, display), ...])`` returns one HTML string per formula, in order.
    """

    def __init__(
        self,
        katex_dir: Path = KATEX_DIR,
        cache_path: Path | None = CACHE,
        options: dict[str, object] | None = None,
        node: str | None = None,
    ) -> None:
        self.katex_js = Path(katex_dir) / "katex.min.js"
        if not self.katex_js.is_file():
            raise MathError(f"KaTeX is not vendored: {self.katex_js} is missing (run tools/vendor-katex.sh)")
        self.version = (Path(katex_dir) / "VERSION").read_text(encoding="utf-8").strip()
        self.options = dict(OPTIONS if options is None else options)
        self.cache_path = Path(cache_path) if cache_path is not None else None
        self.node = node or shutil.which("node") or "node"
        self._proc: subprocess.Popen[str] | None = None
        self._cache: dict[str, str] = {}
        self._dirty = False
        self.stats = {"rendered": 0, "cached": 0, "processes": 0}
        if self.cache_path is not None and self.cache_path.is_file():
            try:
                self._cache = json.loads(self.cache_path.read_text(encoding="utf-8"))
            except ValueError:
                self._cache = {}  # a damaged cache is rebuilt, never trusted

    def key(self, tex: str, display: bool) -> str:
        """The cache key: a hash of the KaTeX version, the formula, the display mode and the options."""
        blob = json.dumps([self.version, tex, bool(display), self.options], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def render(self, items: list[tuple[str, bool]], page: str = "?") -> list[str]:
        """KaTeX's HTML for each ``(tex, display)``; raises ``MathError`` on the first formula KaTeX rejects."""
        keys = [self.key(tex, display) for tex, display in items]
        missing: dict[str, tuple[str, bool]] = {}
        for k, item in zip(keys, items, strict=True):
            if k not in self._cache:
                missing.setdefault(k, item)
        self.stats["cached"] += len(items) - len(missing)
        if missing:
            results = self._ask(list(missing.values()))
            for (k, (tex, display)), result in zip(missing.items(), results, strict=True):
                if "error" in result:
                    kind = "display" if display else "inline"
                    raise MathError(f"{page}: KaTeX cannot typeset the {kind} formula {tex!r}: {result['error']}")
                self._cache[k] = result["html"]
            self.stats["rendered"] += len(missing)
            self._dirty = True
        return [self._cache[k] for k in keys]

    def _ask(self, items: list[tuple[str, bool]]) -> list[dict]:
        proc = self._start()
        line = json.dumps({"items": [{"tex": t, "display": bool(d)} for t, d in items], "options": self.options})
        try:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            answer = proc.stdout.readline()
        except (BrokenPipeError, OSError) as err:
            raise MathError(f"the KaTeX renderer (node {WORKER.name}) stopped: {err}") from err
        if not answer:
            raise MathError(f"the KaTeX renderer (node {WORKER.name}) exited with code {proc.poll()}")
        data = json.loads(answer)
        if "fatal" in data:
            raise MathError(f"the KaTeX renderer refused a request: {data['fatal']}")
        return data["results"]

    def _start(self) -> subprocess.Popen[str]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        try:
            proc = subprocess.Popen(
                [self.node, str(WORKER), str(self.katex_js)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                bufsize=1,
            )
        except OSError as err:
            raise MathError(f"cannot start node to typeset math ({self.node}): {err}") from err
        hello = proc.stdout.readline()
        try:
            version = json.loads(hello)["version"]
        except (ValueError, KeyError, TypeError) as err:
            proc.kill()
            raise MathError(f"the KaTeX renderer did not start (it said {hello!r})") from err
        if version != self.version:
            proc.kill()
            raise MathError(f"{self.katex_js} is KaTeX {version}, but VERSION pins {self.version}")
        self._proc = proc
        self.stats["processes"] += 1
        return proc

    def save(self) -> None:
        """Write the cache (atomically: parallel builds never see half a file)."""
        if not self._dirty or self.cache_path is None:
            return
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache_path.parent, prefix=".katex-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self._cache, f, ensure_ascii=False)
        os.replace(tmp, self.cache_path)
        self._dirty = False

    def close(self) -> None:
        """Save the cache and stop the node process."""
        self.save()
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.stdin.close()
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            self._proc.stdout.close()
            self._proc = None


_DEFAULT: KatexRenderer | None = None


def default_renderer() -> KatexRenderer:
    """The renderer shared by every page of a build (both editions), created on first use."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = KatexRenderer()
    return _DEFAULT


def close_default_renderer() -> None:
    """Stop the shared renderer and save its cache (end of a build; safe to call twice)."""
    global _DEFAULT
    if _DEFAULT is not None:
        _DEFAULT.close()
        _DEFAULT = None


atexit.register(close_default_renderer)

# ---------------------------------------------------------------------------- the HTML pass

_TAG = re.compile(r"(<!--.*?-->|<[^>]+>)", re.S)
_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")
#: Elements whose content is never math.
_SKIP = {"pre", "code", "kbd", "samp", "script", "style", "textarea", "title", "option", "select", "svg", "math"}
_ARITHMATEX = re.compile(r'<(span|div)\b[^>]*\bclass="arithmatex"[^>]*>')
_MARKDOWN_CELL = re.compile(r'<div\b[^>]*\bclass="[^"]*\bjp-RenderedMarkdown\b')
_TEX_DELIMITERS = [("\\[", "\\]", True), ("\\(", "\\)", False)]
_ALL_DELIMITERS = [("$$", "$$", True), ("\\[", "\\]", True), ("$", "$", False), ("\\(", "\\)", False)]


def _end_of_math(text: str, start: int, right: str) -> int:
    """Index of the closing delimiter at brace depth 0 (a backslash escapes the next character), or -1."""
    depth, i = 0, start
    while i < len(text):
        if depth <= 0 and text.startswith(right, i):
            return i
        c = text[i]
        if c == "\\":
            i += 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    return -1


def split_math(text: str, dollars: bool) -> list[str | tuple[str, bool]]:
    r"""Split one text node (HTML-escaped) into text and ``(tex, display)`` pieces.

    >>> split_math(r"Shape \(b \times C\) here", dollars=False)
    ['Shape ', ('b \\times C', False), ' here']
    >>> split_math("costs $2 and $3", dollars=False)
    ['costs $2 and $3']
    >>> split_math("$$x^2$$ and $a &lt; b$", dollars=True)
    [('x^2', True), ' and ', ('a < b', False)]
    """
    delimiters = _ALL_DELIMITERS if dollars else _TEX_DELIMITERS
    out: list[str | tuple[str, bool]] = []
    i = plain = 0
    while i < len(text):
        for left, right, display in delimiters:
            if text.startswith(left, i):
                end = _end_of_math(text, i + len(left), right)
                if end < 0:
                    continue
                if i > plain:
                    out.append(text[plain:i])
                out.append((htmllib.unescape(text[i + len(left) : end]).strip(), display))
                i = plain = end + len(right)
                break
        else:
            i += 1
    if plain < len(text):
        out.append(text[plain:])
    return out


def _strip_delimiters(tex: str, display: bool) -> str:
    tex = tex.strip()
    left, right = ("\\[", "\\]") if display else ("\\(", "\\)")
    if tex.startswith(left) and tex.endswith(right):
        tex = tex[len(left) : -len(right)]
    return tex.strip()


def render_math(html: str, page: str = "?", renderer: KatexRenderer | None = None) -> str:
    r"""Typeset every formula of an HTML page with KaTeX; return the page.

    ``page`` names the page in an error. ``renderer`` defaults to the shared one.

    >>> out = render_math('<p><span class="arithmatex">\\(x^2\\)</span> costs $2</p>')
    >>> out.startswith('<p><span class="arithmatex" data-katex="done"><span class="katex">')
    True
    >>> '<math' in out and out.endswith('</span></span> costs $2</p>')
    True
    """
    if "\\(" not in html and "\\[" not in html and "jp-RenderedMarkdown" not in html:
        return html
    parts = _TAG.split(html)
    out: list[str | int] = []  # text, or the index of a formula
    formulas: list[tuple[str, bool]] = []
    skip: tuple[str, int] | None = None  # (element, depth) whose content is left alone
    math: tuple[str, int, bool, list[str]] | None = None  # an arithmatex element being read
    cell_depth = 0  # > 0 inside a notebook's Markdown cell (div depth)
    for index, part in enumerate(parts):
        if not part:
            continue
        is_tag = index % 2 == 1
        if math is not None:
            name, depth, display, inner = math
            if is_tag and (m := _NAME.match(part)) and m[1].lower() == name and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
                if depth == 0:
                    text = htmllib.unescape(re.sub(r"<[^>]+>", "", "".join(inner)))
                    formulas.append((_strip_delimiters(text, display), display))
                    out.extend([len(formulas) - 1, part])
                    math = None
                    continue
            inner.append(part)
            math = (name, depth, display, inner)
            continue
        if is_tag:
            m = _NAME.match(part)
            name = m[1].lower() if m else ""
            closing = part.startswith("</")
            if skip is not None:
                if name == skip[0] and not part.endswith("/>"):
                    depth = skip[1] + (-1 if closing else 1)
                    skip = None if depth == 0 else (skip[0], depth)
            elif not closing and (a := _ARITHMATEX.match(part)):
                display = a[1] == "div"
                out.append(part[:-1].rstrip("/") + ' data-katex="done">')
                math = (a[1], 1, display, [])
                continue
            elif name in _SKIP and not closing and not part.endswith("/>"):
                skip = (name, 1)
            if name == "div" and skip is None:
                if cell_depth:
                    cell_depth += -1 if closing else 1
                elif not closing and _MARKDOWN_CELL.match(part):
                    cell_depth = 1
            out.append(part)
            continue
        if skip is not None or ("\\" not in part and (not cell_depth or "$" not in part)):
            out.append(part)
            continue
        for piece in split_math(part, dollars=cell_depth > 0):
            if isinstance(piece, tuple):
                formulas.append(piece)
                out.append(len(formulas) - 1)
            else:
                out.append(piece)
    if math is not None:
        raise MathError(f"{page}: an arithmatex <{math[0]}> is never closed")
    if not formulas:
        return html
    rendered = (renderer or default_renderer()).render(formulas, page)
    return "".join(rendered[p] if isinstance(p, int) else p for p in out)


def post_page(html: str, page, config) -> str:
    """The build step (``POST_PAGE``): ``render_math`` for a finished page; ``MathError`` names the page."""
    return render_math(html, page.file.src_uri)
