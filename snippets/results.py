"""Run the book's experiments and keep their results: ``python -m snippets.results``.

An experiment is a public function ``experiment_<name>()`` in a chapter module of
``snippets/`` that returns a JSON-serialisable dict. Running it here saves
``results/<module>-<name>.json`` with:

- ``command``: the command that reproduces the file;
- ``produced``: date, Python, torch and NumPy versions, platform, CPU and thread
  count, and the accelerator if one was used — the hardware the numbers are from
  (``book/environment.py``);
- ``seconds``: how long the run took;
- ``data``: what the function returned;
- ``source_sha256``: the sha256 of the code of the module and of every ``snippets``
  module it imports (``code_of``: without comments, docstrings, ``facts`` and
  figures). A result whose code changed since is stale, and tests/test_results.py
  fails until it is re-run.

Pages never retrain anything: their facts and figures read the committed file
(``load(module, name)``), and each chapter's test re-runs the experiment (or a
quick version of it) and checks the committed numbers against the code.

    python -m snippets.results                 # run every experiment
    python -m snippets.results a2              # only modules whose name starts with a2
    python -m snippets.results a4_hyperparameter_search-selection   # one results file
    python -m snippets.results --stale         # only the results whose code changed
    python -m snippets.results --list          # list them, run nothing
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib
import json
import pkgutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import snippets
from book.environment import environment  # noqa: F401  (re-exported: snippets.results.environment)

RESULTS_DIR = Path(__file__).resolve().parent.parent / "results"


#: Modules whose code never changes a result: how results are stored, and how figures are drawn.
NOT_SOURCES = frozenset({"results", "figures", "plotting"})


def imported_snippets(module: str, read: Callable[[str], str | None] | None = None) -> list[str]:
    """``module`` and every ``snippets`` module it imports, transitively (imports inside functions too).

    ``read(path)`` returns a file's text, or None if it does not exist (default: this
    checkout). Modules in ``NOT_SOURCES`` are left out.

    >>> imported_snippets("b2_training_bugs")
    ['b2_diagnose_and_fix', 'b2_training_bugs', 'training', 'validation']
    """
    read = read or _read_here
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or name in NOT_SOURCES:
            continue
        text = read(f"snippets/{name}.py")
        if text is None:
            raise FileNotFoundError(f"snippets/{name}.py does not exist")
        seen.add(name)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module == "snippets":
                todo += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("snippets."):
                todo.append(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                todo += [a.name.split(".")[1] for a in node.names if a.name.startswith("snippets.")]
    return sorted(seen)


def _read_here(path: str) -> str | None:
    file = RESULTS_DIR.parent / path
    return file.read_text(encoding="utf-8") if file.is_file() else None


def source_sha256(module: str, read: Callable[[str], str | None] | None = None) -> dict[str, str]:
    """``{"snippets/<name>.py": sha256 of its code}`` for the code a result of ``module`` comes from.

    The hash is of ``code_of(source)``: what can change a result, whatever the
    formatting, comments, docstrings or line endings.

    >>> sorted(source_sha256("b2_training_bugs"))[:2]
    ['snippets/b2_diagnose_and_fix.py', 'snippets/b2_training_bugs.py']
    """
    read = read or _read_here
    return {
        f"snippets/{name}.py": hashlib.sha256(code_of(read(f"snippets/{name}.py")).encode("utf-8")).hexdigest()
        for name in imported_snippets(module, read)
    }


def code_of(text: str) -> str:
    """The part of a module's source that can change a result, in a normal form.

    The syntax tree, written back out (``ast.unparse``), without docstrings and
    without the functions that only read results (``facts``, ``figure_*``, and the
    private helpers only they call): a comment, a docstring, a reformatting or a
    new fact changes no result, so it does not make one stale.

    >>> code_of("def f(x):\\n    'Doc.'\\n    return x  # same\\n") == code_of("def f(x): return x")
    True
    >>> code_of("def facts(): return 1\\nX = 2") == code_of("def facts(): return 3\\nX = 2")
    True
    """
    tree = ast.parse(text)
    tree.body = [
        n
        for n in tree.body
        if not (isinstance(n, ast.FunctionDef) and (n.name == "facts" or n.name.startswith("figure_")))
    ]
    while True:  # then the private helpers nothing else uses (those of facts and figures)
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        unused = [
            n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("_") and n.name not in used
        ]
        if not unused:
            break
        tree.body = [n for n in tree.body if n not in unused]
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.unparse(tree)


def stale(path: Path) -> list[str]:
    """The source files of results file ``path`` that changed since it was written ([] if none).

    A record without ``source_sha256`` is stale as a whole: ``["source_sha256 missing"]``.
    """
    record = json.loads(path.read_text(encoding="utf-8"))
    recorded = record.get("source_sha256")
    if not recorded:
        return ["source_sha256 missing"]
    now = source_sha256(path.stem.split("-")[0])
    return sorted(f for f in recorded.keys() | now.keys() if recorded.get(f) != now.get(f))


# --8<-- [start:experiments]
def experiments(prefix: str = "") -> Iterator[tuple[str, Callable[[], dict]]]:
    """Yield ``(result file name, function)`` for every ``experiment_*`` function in ``snippets``."""
    for info in sorted(pkgutil.iter_modules(snippets.__path__), key=lambda m: m.name):
        if not info.name.startswith(prefix.split("-")[0]) or info.name.startswith("_") or info.name in NOT_SOURCES:
            continue
        module = importlib.import_module(f"snippets.{info.name}")
        for attr in sorted(vars(module)):
            fn = getattr(module, attr)
            name = f"{info.name}-{attr.removeprefix('experiment_')}.json"
            if (
                attr.startswith("experiment_")
                and callable(fn)
                and getattr(fn, "__module__", None) == module.__name__
                and name.startswith(prefix)
            ):
                yield name, fn


def save(
    name: str, data: dict, seconds: float, command: str, device: str = "cpu", sources: dict[str, str] | None = None
) -> Path:
    """Write ``results/<name>``: the data, the hardware and versions, and the sha256 of the code it came from."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / name
    record = {
        "command": command,
        "produced": environment(device),
        "seconds": round(seconds, 2),
        "data": data,
        "source_sha256": sources or {},
    }
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load(module: str, name: str) -> dict:
    """The committed record of ``experiment_<name>`` in ``snippets/<module>.py``."""
    path = RESULTS_DIR / f"{module}-{name}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path.relative_to(RESULTS_DIR.parent)} is missing: run `python -m snippets.results {module}-{name}`"
        )
    return json.loads(path.read_text(encoding="utf-8"))


# --8<-- [end:experiments]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", nargs="?", default="", help="only modules whose name starts with this")
    parser.add_argument("--list", action="store_true", help="list the experiments, run nothing")
    parser.add_argument("--stale", action="store_true", help="only experiments whose results file is missing or stale")
    args = parser.parse_args(argv)
    found = list(experiments(args.prefix))
    if args.stale:
        found = [(n, fn) for n, fn in found if not (RESULTS_DIR / n).is_file() or stale(RESULTS_DIR / n)]
        if not found:
            print("every results file is up to date with its code")
            return 0
    if not found:
        print(f"no experiment_* function in snippets modules starting with {args.prefix!r}", file=sys.stderr)
        return 2
    for k, (name, fn) in enumerate(found, 1):
        if args.list:
            print(f"{name} <- {fn.__module__}.{fn.__name__}()")
            continue
        module = fn.__module__.removeprefix("snippets.")
        sources = source_sha256(module)
        print(f"[{k}/{len(found)}] {name} <- {fn.__module__}.{fn.__name__}() ...", flush=True)
        start = time.perf_counter()
        data = fn()
        seconds = time.perf_counter() - start
        device = data.pop("_device", "cpu") if isinstance(data, dict) else "cpu"
        path = save(name, data, seconds, f"python -m snippets.results {name.removesuffix('.json')}", device, sources)
        print(f"      wrote {path.relative_to(RESULTS_DIR.parent)} in {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
