"""Facts: every number, count or shape the prose shows is computed by code.

A page writes ``{{ a2_rnncell_parameters.total }}`` instead of typing a number.
At build time the hook in ``book/mkdocs_hooks.py`` replaces it with the value of
``snippets.a2_rnncell_parameters.facts()["total"]``. The name says where the
number comes from: the module ``snippets/a2_rnncell_parameters.py``, and its test
``tests/test_a2_rnncell_parameters.py``.

Syntax (inside prose, tables, admonitions and math alike)::

    {{ module.key }}            value with its default format
    {{ module.key | fmt }}      with a format: a Python format spec (".3f", ",")
                                or one of the named formats below
    \\{{ ... }}                 a literal "{{ ... }}" (for pages that explain this)

Named formats: ``shape`` (``(256, 64)``, the default for tuples), ``times``
(``256 \\times 64``, for use inside math), ``raw`` (``str(value)``).

Default formats: ``int`` -> thousands separator (``82,432``); ``str`` -> as is;
``tuple``/``list`` of ints -> ``shape``. A ``float`` needs an explicit format, so
that no page shows ``0.30000000000000004`` by accident.

A name that is not a module of ``snippets/`` is looked up in ``book/`` (the site's
own tooling: ``{{ bench.cold_build_s }}`` comes from ``book/bench.py``).

The namespace ``env`` is built in: ``env.python``, ``env.torch``, ``env.numpy``,
``env.date`` describe the build that rendered the page.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import importlib.util
import platform
import re
from typing import Any

__all__ = ["FactError", "FACT_RE", "lookup", "render", "substitute", "used_facts"]

#: ``{{ module.key }}`` or ``{{ module.key | fmt }}``; a leading backslash escapes it.
FACT_RE = re.compile(
    r"(?P<escape>\\?)\{\{\s*(?P<module>[A-Za-z_][A-Za-z0-9_]*)\.(?P<key>[A-Za-z_][A-Za-z0-9_]*)"
    r"\s*(?:\|\s*(?P<fmt>[^}\s][^}]*?)\s*)?\}\}"
)


class FactError(LookupError):
    """A page names a fact that the code does not provide, or cannot format it."""


def _env_facts() -> dict[str, Any]:
    import numpy
    import torch

    return {
        "python": platform.python_version(),
        "torch": torch.__version__.split("+")[0],
        "numpy": numpy.__version__,
        "date": datetime.date.today().isoformat(),
    }


@functools.lru_cache(maxsize=None)
def _module_facts(module: str) -> dict[str, Any]:
    if module == "env":
        return _env_facts()
    # The book's code (snippets/) first; then the site's own tooling (book/, e.g. bench).
    package = next((p for p in ("snippets", "book") if importlib.util.find_spec(f"{p}.{module}")), None)
    if package is None:
        raise FactError(f"no snippet module snippets/{module}.py (from {{{{ {module}.… }}}})")
    mod = importlib.import_module(f"{package}.{module}")
    if not hasattr(mod, "facts"):
        raise FactError(f"snippets/{module}.py has no facts() function")
    values = mod.facts()
    if not isinstance(values, dict):
        raise FactError(f"snippets/{module}.py: facts() must return a dict, got {type(values).__name__}")
    return values


def lookup(module: str, key: str) -> Any:
    """The raw value of one fact.

    >>> lookup("env", "python").count(".") == 2
    True
    """
    values = _module_facts(module)
    if key not in values:
        known = ", ".join(sorted(values)) or "none"
        source = "the built-in env namespace" if module == "env" else f"snippets/{module}.py"
        raise FactError(f"{module}.{key} is not a fact of {source} (it has: {known})")
    return values[key]


def render(value: Any, fmt: str | None = None, name: str = "fact") -> str:
    """Format one value for the page.

    >>> render(82432)
    '82,432'
    >>> render((256, 64))
    '(256, 64)'
    >>> render((256, 64), "times")
    '256 \\\\times 64'
    >>> render(0.5)
    Traceback (most recent call last):
    ...
    book.facts.FactError: fact is a float: give it a format, e.g. {{ … | .3f }}
    >>> render(0.12345, ".3f")
    '0.123'
    """
    is_shape = isinstance(value, (tuple, list)) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    )
    if fmt is None:
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, str):
            return value
        if is_shape:
            fmt = "shape"
        elif isinstance(value, float):
            raise FactError(f"{name} is a float: give it a format, e.g. {{{{ … | .3f }}}}")
        else:
            raise FactError(f"{name} has no default format for {type(value).__name__}")
    if fmt == "raw":
        return str(value)
    if fmt in ("shape", "times"):
        if not is_shape:
            raise FactError(f"{name}: format {fmt!r} needs a tuple of ints, got {value!r}")
        if fmt == "shape":
            return "(" + ", ".join(str(v) for v in value) + ("," if len(value) == 1 else "") + ")"
        return r" \times ".join(str(v) for v in value)
    try:
        return format(value, fmt)
    except (TypeError, ValueError) as exc:
        raise FactError(f"{name}: cannot format {value!r} with {fmt!r}: {exc}") from exc


def substitute(markdown: str, where: str = "page") -> str:
    """Replace every fact in a page's Markdown with its rendered value.

    >>> substitute("Python {{ env.python | raw }}").startswith("Python 3.")
    True
    >>> substitute(r"literal \\{{ a.b }}")
    'literal {{ a.b }}'
    >>> substitute("{{ env.nope }}")
    Traceback (most recent call last):
    ...
    book.facts.FactError: page: env.nope is not a fact of the built-in env namespace (it has: date, numpy, python, torch)
    """

    def one(match: re.Match[str]) -> str:
        if match["escape"]:
            return match[0][1:]
        name = f"{match['module']}.{match['key']}"
        try:
            return render(lookup(match["module"], match["key"]), match["fmt"], name)
        except FactError as exc:
            raise FactError(f"{where}: {exc}") from None

    out = FACT_RE.sub(one, markdown)
    # Anything still shaped like a fact is a typo the pattern did not take
    # (e.g. "{{ module }}" or "{{ module.key | }}"): stop rather than print it.
    left = [m for m in re.finditer(r"(\\?)\{\{[^{}\n]*\}\}", markdown) if not m[1] and not FACT_RE.fullmatch(m[0])]
    if left:
        raise FactError(f"{where}: not a fact: {left[0][0]!r} (write {{{{ module.key }}}} or {{{{ module.key | fmt }}}})")
    return out


def used_facts(markdown: str) -> list[tuple[str, str, str | None]]:
    """The facts a page uses, as ``(module, key, fmt)``, escaped ones left out.

    >>> used_facts("a {{ x.y }} b {{ x.z | .2f }} c \\\\{{ q.r }}")
    [('x', 'y', None), ('x', 'z', '.2f')]
    """
    return [(m["module"], m["key"], m["fmt"]) for m in FACT_RE.finditer(markdown) if not m["escape"]]
