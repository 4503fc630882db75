"""Regenerate every figure of the book: ``python -m snippets.figures``.

A figure is a public function ``figure_<name>(lang="en")`` in a chapter module
of ``snippets/`` that returns a matplotlib figure. It is saved as
``docs/figures/<module>-<name>.svg``, which the chapter includes, and drawn
again with ``lang="he"`` as ``docs/figures/he/<module>-<name>.svg``, which the
Hebrew chapter includes. So the file name tells the reader which function drew
it, and ``--check`` fails when a committed figure, in either language, no longer
matches its code (the test suite compares every figure the same way:
``draw_all``, then ``stale_figures``).

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
from typing import TYPE_CHECKING

import snippets
from snippets.plotting import LANGUAGES, save_svg

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FIGURE_DIR = Path(__file__).resolve().parent.parent / "docs" / "figures"


def figure_path(name: str, lang: str = "en", root: Path | None = None) -> Path:
    """Where figure file ``name`` of language ``lang`` lives under ``root`` (the committed ``FIGURE_DIR``):
    English at the root, others in a folder.

    >>> figure_path("d_equivariance-shift.svg", "he").relative_to(FIGURE_DIR).as_posix()
    'he/d_equivariance-shift.svg'
    """
    root = FIGURE_DIR if root is None else root
    return root / name if lang == "en" else root / lang / name


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


def draw_all(
    makers: list[tuple[str, Callable]], root: Path, progress: bool = True
) -> Iterator[tuple[str, str, Figure, Path]]:
    """Draw every figure of ``makers`` in every language and save it under ``root``.

    Yields ``(file name, lang, figure, saved path)``; the figure is closed but keeps
    its artists, laid out as the file draws them (the test suite measures them).
    """
    for k, (name, fn) in enumerate(makers, 1):
        if progress:
            print(f"[{k}/{len(makers)}] {name} <- {fn.__module__}.{fn.__name__}(lang=...)", flush=True)
        for lang in LANGUAGES:
            fig = fn(lang=lang)
            yield name, lang, fig, save_svg(fig, figure_path(name, lang, root))


def stale_figures(saved: list[tuple[str, str, Path]]) -> list[str]:
    """The committed files (paths under ``FIGURE_DIR``) that are missing or differ from ``(name, lang, saved path)``."""
    stale = []
    for name, lang, out in saved:
        target = figure_path(name, lang)
        if not target.exists() or target.read_bytes() != out.read_bytes():
            stale.append(target.relative_to(FIGURE_DIR).as_posix())
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", nargs="?", default="", help="only modules whose name starts with this")
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args(argv)
    makers = list(figure_makers(args.prefix))
    if not makers:
        print(f"no figure_* function in snippets modules starting with {args.prefix!r}", file=sys.stderr)
        return 2
    if not args.check:
        for _ in draw_all(makers, FIGURE_DIR):
            pass
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        stale = stale_figures([(name, lang, out) for name, lang, _, out in draw_all(makers, Path(tmp))])
    if stale:
        print("stale or missing figures (run `make figures` and review the diff): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
