"""Bidirectional text: left-to-right runs inside the Hebrew edition's right-to-left pages.

In Hebrew text, a shape such as (3, 28, 28) or 16 × 16, a call such as Conv2d(3, 5, 3)
or a chain "Conv2d → ReLU" would be laid out right to left (numbers reversed, arrows
pointing back); each is isolated as one left-to-right run (``<span dir="ltr">``).
"""

from __future__ import annotations

import re

__all__ = ["isolate_ltr_runs", "isolate_page_content"]

_ATOM = (
    r"(?:[A-Za-z_][A-Za-z0-9_.]*)?\((?:\s*[0-9A-Za-z_=.'\"]+\s*,)*\s*[0-9A-Za-z_=.'\"]*\s*\)"
    r"|[0-9]+(?:\s*[×x]\s*[0-9]+)+"
)
_LTR_RUN = re.compile(rf"(?:{_ATOM}|[A-Za-z0-9_.]+)(?:\s*→\s*(?:{_ATOM}|[A-Za-z0-9_.…]+))+|{_ATOM}")
_CODE_CHAIN = re.compile(r"<code>[^<]*</code>(?:\s*(?:→|&rarr;)\s*<code>[^<]*</code>)+")
_SKIP_OPEN = re.compile(
    r"<(code|pre|script|style|kbd|svg|textarea)\b|<(span|div)\b[^>]*class=\"[^\"]*\b(?:arithmatex|clipboard-copy-txt)\b"
)


def isolate_ltr_runs(html: str) -> str:
    r"""Wrap shapes and "a × b" sizes in the text of a Hebrew page in ``<span dir="ltr">``.

    Code, math, scripts and attributes are left alone.

    >>> isolate_ltr_runs('<p>שכבה Conv2d(3, 5, 3) ואז A → B(2) → C</p>')
    '<p>שכבה <span dir="ltr">Conv2d(3, 5, 3)</span> ואז <span dir="ltr">A → B(2) → C</span></p>'
    >>> isolate_ltr_runs('<p>שרשרת <code>Conv2d</code> → <code>ReLU</code>.</p>')
    '<p>שרשרת <span dir="ltr"><code>Conv2d</code> → <code>ReLU</code></span>.</p>'
    >>> isolate_ltr_runs('<p>צורה (3, 28, 28) וגם 16 × 16</p>')
    '<p>צורה <span dir="ltr">(3, 28, 28)</span> וגם <span dir="ltr">16 × 16</span></p>'
    >>> isolate_ltr_runs('<p><code>(1, 2)</code><span class="arithmatex">(a, b)</span></p>')
    '<p><code>(1, 2)</code><span class="arithmatex">(a, b)</span></p>'
    """
    html = _CODE_CHAIN.sub(lambda m: f'<span dir="ltr">{m[0]}</span>', html)
    out: list[str] = []
    skip: str | None = None  # the element whose text is left alone
    depth = 0
    for part in re.split(r"(<[^>]+>)", html):
        if part.startswith("<"):
            if skip is None:
                m = _SKIP_OPEN.match(part)
                if m and not part.endswith("/>"):
                    skip, depth = (m[1] or m[2]), 1
            else:
                if re.match(rf"<{skip}\b", part) and not part.endswith("/>"):
                    depth += 1
                elif re.match(rf"</{skip}\s*>", part):
                    depth -= 1
                    if depth == 0:
                        skip = None
            out.append(part)
        elif skip is None and part:
            out.append(_LTR_RUN.sub(lambda m: f'<span dir="ltr">{m[0]}</span>', part))
        else:
            out.append(part)
    return "".join(out)


def isolate_page_content(output: str) -> str:
    """``isolate_ltr_runs`` on a whole page's HTML, from its content (``md-content``) on.

    The header, the navigation and the head are left alone.

    >>> isolate_page_content('<title>(1, 2)</title><div class="md-content"><p>צורה (1, 2)</p></div>')
    '<title>(1, 2)</title><div class="md-content"><p>צורה <span dir="ltr">(1, 2)</span></p></div>'
    >>> isolate_page_content("<p>(1, 2)</p>")
    '<p>(1, 2)</p>'
    """
    head, sep, body = output.partition('<div class="md-content"')
    return head + sep + isolate_ltr_runs(body) if sep else output
