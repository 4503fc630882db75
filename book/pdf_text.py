"""Right-to-left text in printed PDFs, put in logical order for text extraction.

Chromium draws a line of Hebrew as text runs in *visual* order, left to right: each
run is one ``BT … ET`` block with its own text matrix, and a right-to-left run is
marked ``/ReversedChars``. A viewer shows it right; but a tool that reads the text
in content-stream order (pypdf, copy and paste, a screen reader without bidi
reordering) gets the words of each line backwards: "להדפסה הריק המבחן טופס".

:func:`logical_order` reorders the blocks of each such line into reading order. The
blocks keep their absolute positions, so the page looks exactly as before; only the
order they are written in changes. Within a run, the characters are already in
reading order for extraction (the run is marked ``/ReversedChars``).

The rules, per line (blocks that follow each other, with the same baseline):

- a block is right-to-left (marked ``/ReversedChars``), blank (only spaces), or left-to-right;
- the base direction is the page's (Hebrew: right to left), or else that of most of the line's blocks;
- a gap wider than two em cuts a line into boxes (table cells, a title and its page number), each read on its own;
- right-to-left base: blocks are read right to left, except that each sequence of
  left-to-right blocks (code, numbers, English; with the blanks inside it) keeps its
  left-to-right order. Left-to-right base: the mirror image.

Lines with no right-to-left block are left as they are. The content stream is read
as Chromium writes it (glyphs as hex strings; literal strings only in marked-content
properties, such as the ``/ActualText`` of a mirrored parenthesis); a page with an
inline image is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypdf import PageObject

_BLOCK = re.compile(rb"(?<![^\s])BT\s(.*?)(?<=\s)ET(?![^\s])", re.S)
_TM = re.compile(rb"(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+Tm(?![^\s])")


@dataclass
class _Block:
    raw: bytes  # the block, from BT to ET
    x: float  # where its first glyph starts (text space of the page's cm)
    x_end: float  # where its last glyph ends
    y: float  # its baseline
    kind: str  # "R", "L" or " " (blank)
    size: float  # its font size


def _to_unicode(font) -> tuple[int, dict[int, str]]:
    """(bytes per code, code -> text) from a font's ``/ToUnicode`` CMap (empty map: none)."""
    width = 2 if font.get("/Subtype") == "/Type0" else 1
    if "/ToUnicode" not in font:
        return width, {}
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    out: dict[int, str] = {}

    def text(hexstr: str) -> str:
        return bytes.fromhex(hexstr).decode("utf-16-be", errors="replace")

    for body in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", body):
            out[int(code, 16)] = text(dst)
    for body in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", body):
            first = int(dst, 16)
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(first + k) if first + k < 0x110000 else ""
    return width, out


def _advances(font) -> tuple[dict[int, float], float, float]:
    """(code -> advance, default advance, scale to text space per unit of font size) of a font."""
    if font.get("/Subtype") == "/Type0":
        desc = font["/DescendantFonts"][0].get_object()
        widths: dict[int, float] = {}
        w = list(desc.get("/W", []))
        k = 0
        while k + 1 < len(w):
            first, nxt = int(w[k]), w[k + 1]
            if isinstance(nxt, list) or hasattr(nxt, "__iter__"):
                widths.update({first + i: float(v) for i, v in enumerate(nxt)})
                k += 2
            else:
                widths.update({c: float(w[k + 2]) for c in range(first, int(nxt) + 1)})
                k += 3
        return widths, float(desc.get("/DW", 1000)), 0.001
    first = int(font.get("/FirstChar", 0))
    widths = {first + i: float(v) for i, v in enumerate(font.get("/Widths", []))}
    scale = float(font["/FontMatrix"][0]) if "/FontMatrix" in font else 0.001
    return widths, 0.0, scale


@dataclass
class _Font:
    width: int  # bytes per code
    text: dict[int, str]  # code -> text (empty: unknown)
    advances: dict[int, float]
    default: float
    scale: float

    def advance(self, codes: list[int]) -> float:
        """The advance of ``codes`` in text space, per unit of font size."""
        return self.scale * sum(self.advances.get(c, self.default) for c in codes)


class _Fonts:
    """A page's fonts, each read once."""

    def __init__(self, page: PageObject) -> None:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        self.fonts = fonts.get_object() if fonts is not None else {}
        self.read: dict[bytes, _Font] = {}

    def get(self, name: bytes) -> _Font:
        if name not in self.read:
            font = self.fonts.get("/" + name.decode("latin-1"))
            font = font.get_object() if font is not None else None
            if font is None:
                self.read[name] = _Font(1, {}, {}, 600.0, 0.001)
            else:
                width, text = _to_unicode(font)
                self.read[name] = _Font(width, text, *_advances(font))
        return self.read[name]


#: Operators inside a text block that would change what the blocks after it look like.
_STATEFUL = re.compile(rb"(?<![^\s])(?:Tc|Tw|Tz|TL|Ts|Tr|rg|RG|g|G|k|K|gs|cs|CS|sc|scn|SC|SCN|q|Q|cm)(?![^\s])")
_OP = re.compile(
    rb"(?P<td>\S+)\s+\S+\s+Td(?![^\s])|<(?P<tj>[0-9A-Fa-f\s]*)>\s*Tj(?![^\s])"
    rb"|\[(?P<tjs>.*?)\]\s*TJ(?![^\s])|/(?P<font>\S+)\s+(?P<size>\S+)\s+Tf(?![^\s])",
    re.S,
)


def _codes(hexstr: bytes, width: int) -> list[int]:
    data = bytes.fromhex(hexstr.decode("ascii"))
    return [int.from_bytes(data[i : i + width], "big") for i in range(0, len(data), width)]


def _block(raw: bytes, fonts: _Fonts) -> _Block | None:
    """A ``BT … ET`` block's extent and kind; None when it cannot be placed (no plain ``Tm``)."""
    tm = _TM.search(raw)
    if tm is None or _STATEFUL.search(raw):
        return None
    try:
        a, b, c, _, e, f = (float(v) for v in tm.groups())
        line = pen = 0.0  # the current line start and the pen, in text space
        start = None
        font, size = None, 0.0
        codes: list[int] = []
        for m in _OP.finditer(raw):
            if m["font"] is None and m.start() < tm.start():
                continue  # before the text matrix is set, only the font counts
            if m["td"] is not None:
                line += float(m["td"])
                pen = line
            elif m["font"] is not None:
                font, size = fonts.get(m["font"]), float(m["size"])
            elif font is not None:
                start = pen if start is None else start
                if m["tj"] is not None:
                    shown = _codes(m["tj"], font.width)
                    pen += size * font.advance(shown)
                else:
                    shown = []
                    for part in re.findall(rb"<([0-9A-Fa-f\s]*)>|(-?[\d.]+)", m["tjs"]):
                        if part[0] or not part[1]:
                            more = _codes(part[0], font.width)
                            shown += more
                            pen += size * font.advance(more)
                        else:
                            pen -= float(part[1]) / 1000 * size
                codes += shown
    except (ValueError, IndexError):
        return None
    if a <= 0 or b != 0 or c != 0 or start is None:
        return None
    size_on_page = a * size
    x0, x1 = e + a * start, e + a * pen
    if b"/ReversedChars" in raw:
        kind = "R"
    elif codes and font is not None and font.text and all(font.text.get(code, "x").isspace() for code in codes):
        kind = " "
    else:
        kind = "L"
    return _Block(raw, x0, x1, f, kind, size_on_page)


def _segments(visual: list[_Block]) -> list[list[_Block]]:
    """A line's blocks, left to right, cut where a gap wider than two em separates them.

    Such a gap is not a space between words but a border between boxes: table cells, the
    title and the page number of a line of contents. Each box is read on its own.
    """
    out: list[list[_Block]] = []
    for b in visual:
        if out and b.x - out[-1][-1].x_end <= 2 * max(b.size, out[-1][-1].size):
            out[-1].append(b)
        else:
            out.append([b])
    return out


def _embedded(order: list[_Block], other: str) -> list[_Block]:
    """``order`` (in the base direction) with each run of ``other``-direction blocks turned around."""
    out: list[_Block] = []
    k = 0
    while k < len(order):
        if order[k].kind != other:
            out.append(order[k])
            k += 1
            continue
        end = k  # the embedded run: from here to its last block of the other direction
        for j in range(k, len(order)):
            if order[j].kind == other:
                end = j
            elif order[j].kind != " ":
                break
        out.extend(order[k : end + 1][::-1])
        k = end + 1
    return out


def _reading_order(line: list[_Block], base: str | None = None) -> list[_Block]:
    """One line's blocks (any order) in reading order (see the module's rules).

    ``base``: the paragraphs' direction, "R" or "L"; None: that of most of the line's
    non-blank blocks (a Hebrew paragraph quoted in an English page, or the reverse).
    """
    visual = sorted(line, key=lambda b: b.x)
    if base is None:
        kinds = [b.kind for b in visual if b.kind != " "]
        base = "R" if 2 * kinds.count("R") >= len(kinds) else "L"
    other = "L" if base == "R" else "R"
    boxes = _segments(visual)
    if base == "R":
        boxes = [box[::-1] for box in boxes[::-1]]
    return [b for box in boxes for b in _embedded(box, other)]


#: Operators that may stand between the text blocks of one line: colours, graphics state, paths
#: (a code span's background). A block moved past them is wrapped in ``q … Q`` with its own colours.
_TRANSPARENT = {
    *(b"RG", b"rg", b"G", b"g", b"K", b"k", b"gs", b"w", b"J", b"j", b"M", b"d", b"ri", b"i"),
    *(b"m", b"l", b"c", b"v", b"y", b"h", b"re", b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"n"),
}
#: The graphics state a text block depends on: operator -> what it sets.
_STATE = {b"rg": "fill", b"g": "fill", b"k": "fill", b"RG": "stroke", b"G": "stroke", b"K": "stroke", b"gs": "gs"}
_TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<<|>>|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/<>\[\]()%]+|[^\s/<>\[\]()%]+|%[^\n]*")
_OPERAND = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)|/.*|\(.*|<.*|>>|\[|\]|true|false|null|%.*", re.S)


def _operations(chunk: bytes) -> list[tuple[bytes, bytes]]:
    """The operators of a piece of content stream: (operator, the operation's bytes with its operands)."""
    out = []
    start = None
    for m in _TOKEN.finditer(chunk):
        start = m.start() if start is None else start
        if not _OPERAND.fullmatch(m.group(0)):
            out.append((m.group(0), chunk[start : m.end()]))
            start = None
    return out


def reorder_stream(data: bytes, fonts: _Fonts, base: str | None = None) -> tuple[bytes, int]:
    """A content stream with its right-to-left lines in reading order, and how many lines changed.

    A line's blocks, in reading order, are written where its last block was, each in
    ``q … Q`` with the colours and graphics state it had; what was drawn between them
    (backgrounds) stays where it was, so it is still drawn beneath the text.
    """
    state: dict[str, bytes] = {}
    stack: list[dict[str, bytes]] = []
    out: list[bytes] = []
    group: list = []  # bytes (what stands between blocks) and (block, its graphics state) pairs
    changed = 0

    def track(chunk: bytes) -> bool:
        """Follow the graphics state through ``chunk``; whether it may stand inside a line."""
        transparent = True
        for op, raw in _operations(chunk):
            if op == b"q":
                stack.append(dict(state))
            elif op == b"Q":
                state.clear()
                state.update(stack.pop() if stack else {})
            elif op in _STATE:
                state[_STATE[op]] = raw
            transparent = transparent and op in _TRANSPARENT
        return transparent

    def flush() -> None:
        nonlocal changed
        blocks = [item for item in group if isinstance(item, tuple)]
        lines: list[list[tuple]] = []
        for item in blocks:
            if lines and abs(lines[-1][0][0].y - item[0].y) < 0.5:
                lines[-1].append(item)
            else:
                lines.append([item])
        place: dict[int, list[tuple]] = {}  # id of a line's last block -> the line in reading order
        moved: set[int] = set()
        for line in lines:
            same_state = len({tuple(sorted(st)) for _, st in line}) == 1
            if not same_state or not any(b.kind == "R" for b, _ in line):
                continue
            order = {id(b): k for k, (b, _) in enumerate(line)}
            ordered = [next(i for i in line if i[0] is b) for b in _reading_order([b for b, _ in line], base)]
            if [order[id(b)] for b, _ in ordered] != list(range(len(line))):
                changed += 1
                place[id(line[-1][0])] = ordered
                moved.update(id(b) for b, _ in line)
        for item in group:
            if not isinstance(item, tuple):
                out.append(item)
            elif id(item[0]) not in moved:
                out.append(item[0].raw + b"\n")
            elif id(item[0]) in place:
                for b, st in place[id(item[0])]:
                    out.append(b"q\n" + b"\n".join(st[k] for k in sorted(st)) + b"\n" + b.raw + b"\nQ\n")
        group.clear()

    at = 0
    for m in _BLOCK.finditer(data):
        between = data[at : m.start()]
        transparent = track(between)
        block = _block(m.group(0), fonts)
        if block is None or not transparent:
            flush()
            out.append(between)
        else:
            group.append(between)
        if block is None:
            track(m.group(0))
            out.append(m.group(0) + b"\n")
        else:
            group.append((block, dict(state)))
        at = m.end()
    flush()
    out.append(data[at:])
    return b"".join(out), changed


def content_bytes(page: PageObject) -> bytes:
    """A page's content stream, decoded (its streams joined when it has several)."""
    from pypdf.generic import ArrayObject

    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    streams = list(contents) if isinstance(contents, ArrayObject) else [contents]
    return b"\n".join(s.get_object().get_data() for s in streams)


def in_reading_order(page: PageObject, data: bytes, base: str | None = None) -> tuple[bytes, int]:
    """``data``, a content stream of ``page``, with its right-to-left lines in reading order; and how many lines.

    ``base``: the direction of the page's paragraphs ("R": a Hebrew page), None: guessed per line.
    """
    if b"/ReversedChars" not in data:
        return data, 0
    if re.search(rb"(?<![^\s])BI(?![^\s])", data):  # an inline image: its bytes are not ours to read
        return data, 0
    return reorder_stream(data, _Fonts(page), base)


def logical_order(page: PageObject, base: str | None = None) -> int:
    """Reorder the text blocks of ``page``'s right-to-left lines into reading order; returns how many lines."""
    from pypdf.generic import DecodedStreamObject

    new, changed = in_reading_order(page, content_bytes(page), base)
    if changed:
        stream = DecodedStreamObject()
        stream.set_data(new)
        page.replace_contents(stream.flate_encode())
    return changed
