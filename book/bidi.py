"""Bidirectional text: left-to-right runs inside the Hebrew edition's right-to-left pages.

In Hebrew text, a shape such as (3, 28, 28) or 16 × 16, a call such as Conv2d(3, 5, 3)
or a chain "Conv2d → ReLU" would be laid out right to left (numbers reversed, arrows
pointing back); each is isolated as one left-to-right run (``<span dir="ltr">``). So is
a parenthesis that holds only Latin text, e.g. "(Kullback–Leibler divergence)": left to
the bidi algorithm its brackets take the Hebrew direction, and where the line wraps
inside it the reader sees ") Kullback–" at one end of the line.

``neutral_edges`` is the check (run over every Hebrew page by the tests): no Hebrew
letter is joined to Latin text, a number or code by an ASCII hyphen ("ל-KL" is
written "ל־KL", with the Hebrew maqaf, which is a right-to-left letter for the bidi
algorithm), and no Latin-only parenthesis is left outside an isolated run.
"""

from __future__ import annotations

import re

__all__ = ["isolate_ltr_runs", "isolate_page_content", "neutral_edges"]

_ATOM = (
    r"(?:[A-Za-z_][A-Za-z0-9_.]*)?\((?:\s*[0-9A-Za-z_=.'\"]+\s*,)*\s*[0-9A-Za-z_=.'\"]*\s*\)"
    r"|[0-9]+(?:\s*[×x]\s*[0-9]+)+"
)
_HEBREW = "\u0590-\u05ff"
# "(Kullback–Leibler divergence)": a parenthesis with a Latin letter and no Hebrew one.
# A name written against the bracket is part of the run: "KL(p‖q)" is one run, never "KL" and "(p‖q)",
# which the bidi algorithm would lay out as "(p‖q)KL" after a Hebrew word.
_LATIN_PAREN = rf"(?:[A-Za-z_][A-Za-z0-9_.]*)?\((?=[^()<>{_HEBREW}]*[A-Za-z])[^()<>{_HEBREW}]*\)"
_LTR_RUN = re.compile(rf"(?:{_ATOM}|[A-Za-z0-9_.]+)(?:\s*→\s*(?:{_ATOM}|[A-Za-z0-9_.…]+))+|{_ATOM}|{_LATIN_PAREN}")
# The same with inline markup inside: "(<em>forward</em> KL)", "(<a href=…>arXiv:1211.5063</a>)".
_INLINE = r"(?:em|strong|a|i|b|code)"
_TAGGED_LATIN_PAREN = re.compile(
    rf"\((?=(?:[^()<>{_HEBREW}]|<{_INLINE}\b[^<>]*>|</{_INLINE}>)*?[A-Za-z])"
    rf"(?=[^()<>]*<)(?:[^()<>{_HEBREW}]|<{_INLINE}\b[^<>]*>|</{_INLINE}>)*\)"
)
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
    >>> isolate_ltr_runs('<p>בין KL(p,q) ל־KL(q,p) (Kullback–Leibler divergence)?</p>')
    '<p>בין <span dir="ltr">KL(p,q)</span> ל־<span dir="ltr">KL(q,p)</span> <span dir="ltr">(Kullback–Leibler divergence)</span>?</p>'
    >>> isolate_ltr_runs('<p>הקדמי (<em>forward</em> KL), ראו (<a href="u">arXiv:1</a>)</p>')
    '<p>הקדמי <span dir="ltr">(<em>forward</em> KL)</span>, ראו <span dir="ltr">(<a href="u">arXiv:1</a>)</span></p>'
    >>> isolate_ltr_runs('<h1>B1 · KL(p‖q) לעומת KL(q‖p)</h1>')
    '<h1>B1 · <span dir="ltr">KL(p‖q)</span> לעומת <span dir="ltr">KL(q‖p)</span></h1>'
    >>> isolate_ltr_runs('<p>(בסריקה, kernel)</p>')
    '<p>(בסריקה, kernel)</p>'
    >>> isolate_ltr_runs('<p><code>(1, 2)</code><span class="arithmatex">(a, b)</span></p>')
    '<p><code>(1, 2)</code><span class="arithmatex">(a, b)</span></p>'
    """
    html = _CODE_CHAIN.sub(lambda m: f'<span dir="ltr">{m[0]}</span>', html)
    html = _TAGGED_LATIN_PAREN.sub(lambda m: f'<span dir="ltr">{m[0]}</span>', html)
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


_HYPHEN_JOIN = re.compile(rf"[{_HEBREW}]-(?=[A-Za-z0-9$\\]|<)")


def _text_outside_isolates(html: str) -> str:
    """The text of ``html`` with code, math, scripts and ``dir="ltr"`` runs each replaced by ``<x>``.

    Block boundaries become spaces, inline tags vanish.

    >>> _text_outside_isolates('<p>ל-<code>x(1)</code> <span dir="ltr">(a)</span></p><p>b</p>')
    ' ל-<x> <x>  b '
    """
    skip = re.compile(_SKIP_OPEN.pattern + r'|<(span)\b[^>]*\bdir="ltr"')
    out: list[str] = []
    stack: list[str] = []  # the skipped element, then every same-named element opened inside it
    for part in re.split(r"(<[^>]+>)", html):
        if not part.startswith("<"):
            if not stack:
                out.append(part)
        elif stack:
            if re.match(rf"<{stack[0]}\b", part) and not part.endswith("/>"):
                stack.append(stack[0])
            elif re.match(rf"</{stack[0]}\s*>", part):
                stack.pop()
        elif (m := skip.match(part)) and not part.endswith("/>"):
            out.append("<x>")
            stack.append(next(g for g in m.groups() if g))
        else:
            out.append(" " if re.match(r"</?(p|li|div|h[1-6]|td|th|br|tr|table|ul|ol|dd|dt)\b", part) else "")
    return "".join(out)


def neutral_edges(html: str) -> list[str]:
    r"""The places in a Hebrew page's HTML where a neutral character is likely to be shown at the wrong end.

    Each is a short excerpt around the problem. Code, math, scripts and isolated runs are skipped.

    >>> neutral_edges('<p>בין ל-<span dir="ltr">KL(q,p)</span></p>')
    ['Hebrew joined to Latin by an ASCII hyphen (use the maqaf ־): …בין ל-<x>…']
    >>> neutral_edges('<p>מה <span dir="ltr">KL(q,p)</span> (Kullback–Leibler divergence)?</p>')
    ['Latin-only parenthesis outside an isolated run: (Kullback–Leibler divergence)']
    >>> neutral_edges('<p>ל־<span dir="ltr">KL(q,p)</span> <span dir="ltr">(Kullback–Leibler divergence)</span>?</p>')
    []
    """
    problems = []
    text = _text_outside_isolates(html)
    for m in _HYPHEN_JOIN.finditer(text):
        excerpt = text[max(0, m.start() - 8) : m.end() + 8].strip()
        problems.append(f"Hebrew joined to Latin by an ASCII hyphen (use the maqaf ־): …{excerpt}…")
    for m in re.finditer(_LATIN_PAREN, text):
        problems.append(f"Latin-only parenthesis outside an isolated run: {m[0]}")
    return problems
