"""Regenerate every figure of the book: ``python -m snippets.figures``.

A figure is a public function ``figure_<name>()`` in a chapter module of
``snippets/`` that returns a matplotlib figure. It is saved as
``docs/figures/<module>-<name>.svg``, which the chapter includes. So the file
name tells the reader which function drew it, and ``--check`` (run by the test
suite) fails when a committed figure no longer matches its code.

    python -m snippets.figures            # write all figures
    python -m snippets.figures --check    # compare, write nothing
    python -m snippets.figures a2         # only modules whose name starts with a2
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import snippets
from snippets.plotting import save_svg

FIGURE_DIR = Path(__file__).resolve().parent.parent / "docs" / "figures"


# --8<-- [start:figure_makers]
def figure_makers(prefix: str = "") -> Iterator[tuple[str, Callable]]:
    """Yield ``(file name, function)`` for every ``figure_*`` function in ``snippets``.

    >>> dict(figure_makers("a2_rnncell"))  # doctest: +ELLIPSIS
    {'a2_rnncell_parameters-init_histogram.svg': <function figure_init_histogram at ...>}
    """
    for info in sorted(pkgutil.iter_modules(snippets.__path__), key=lambda m: m.name):
        if not info.name.startswith(prefix) or info.name.startswith("_") or info.name == "figures":
            continue
        module = importlib.import_module(f"snippets.{info.name}")
        for attr in sorted(vars(module)):
            fn = getattr(module, attr)
            if attr.startswith("figure_") and callable(fn) and getattr(fn, "__module__", None) == module.__name__:
                yield f"{info.name}-{attr.removeprefix('figure_')}.svg", fn


# --8<-- [end:figure_makers]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", nargs="?", default="", help="only modules whose name starts with this")
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args(argv)
    stale = []
    makers = list(figure_makers(args.prefix))
    if not makers:
        print(f"no figure_* function in snippets modules starting with {args.prefix!r}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        for k, (name, fn) in enumerate(makers, 1):
            target = FIGURE_DIR / name
            print(f"[{k}/{len(makers)}] {name} <- {fn.__module__}.{fn.__name__}()", flush=True)
            out = save_svg(fn(), Path(tmp) / name) if args.check else save_svg(fn(), target)
            if args.check and (not target.exists() or target.read_bytes() != out.read_bytes()):
                stale.append(name)
    if stale:
        print("stale or missing figures (run `make figures` and review the diff): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
