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

Freshness: a module's facts are kept (in memory, and on disk once the build calls
``use_disk_cache``) under a key made of the source of the module and of every
``snippets/``/``book/`` module it imports, the committed ``results/*.json`` and the
versions of Python, PyTorch and NumPy. When a source changes (an edit under
``mkdocs serve``), the changed modules, and the modules that import them, are
reloaded and ``facts()`` runs again; a warm build with nothing changed imports no
PyTorch at all.
"""

from __future__ import annotations

import ast
import datetime
import functools
import hashlib
import importlib
import importlib.metadata
import os
import pickle
import platform
import re
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["FactError", "FACT_RE", "lookup", "render", "substitute", "used_facts"]

#: ``{{ module.key }}`` or ``{{ module.key | fmt }}``; a leading backslash escapes it.
FACT_RE = re.compile(
    r"(?P<escape>\\?)\{\{\s*(?P<module>[A-Za-z_][A-Za-z0-9_]*)\.(?P<key>[A-Za-z_][A-Za-z0-9_]*)"
    r"\s*(?:\|\s*(?P<fmt>[^}\s][^}]*?)\s*)?\}\}"
)


class FactError(LookupError):
    """A page names a fact that the code does not provide, or cannot format it."""


ROOT = Path(__file__).resolve().parent.parent
#: Where a fact's module may live, in lookup order: the book's code, then the site's own tooling.
PACKAGES = ("snippets", "book")
RESULTS = ROOT / "results"


def cache_dir(name: str) -> Path:
    """The build cache folder ``name`` (facts, math, search): under ``BOOK_CACHE_DIR``, default ``<checkout>/.cache``.

    The variable is read at each call; ``make bench`` points it at an empty folder for a cold build.

    >>> cache_dir("facts").name
    'facts'
    """
    return Path(os.environ.get("BOOK_CACHE_DIR") or ROOT / ".cache") / name


@functools.cache
def _version(dist: str) -> str:
    """An installed distribution's version, read once per process (reading its metadata costs ~1 ms)."""
    return importlib.metadata.version(dist).split("+")[0]


def _env_facts() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "torch": _version("torch"),
        "numpy": _version("numpy"),
        "date": datetime.date.today().isoformat(),
    }


_DIGESTS: dict[Path, tuple[tuple[int, int], str, frozenset[str]]] = {}


def _source(path: Path) -> tuple[str, frozenset[str]]:
    """``(sha256, local imports)`` of one module's file, re-read only when its size or mtime changed.

    Local imports are the ``snippets.x``/``book.x`` modules it imports, by qualified name.
    """
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _DIGESTS.get(path)
    if known and known[0] == stamp:
        return known[1], known[2]
    data = path.read_bytes()
    names: set[str] = set()
    for node in ast.walk(ast.parse(data, filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from .x import y / from . import x
                base = ".".join([path.parent.name, *(node.module.split(".") if node.module else [])])
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    local = frozenset(n for n in names if _path(n) is not None)
    _DIGESTS[path] = (stamp, hashlib.sha256(data).hexdigest(), local)
    return _DIGESTS[path][1], local


def _path(qualname: str) -> Path | None:
    """The file of a ``snippets.x`` or ``book.x`` module, or None for any other name."""
    package, _, name = qualname.partition(".")
    if package not in PACKAGES or not name or "." in name:
        return None
    path = ROOT / package / f"{name}.py"
    return path if path.is_file() else None


def closure(qualname: str) -> list[str]:
    """The module and every local module it imports, directly or not; each after the modules it imports.

    >>> closure("book.facts")
    ['book.facts']
    >>> order = closure("snippets.a4_hyperparameter_search")
    >>> order[-1], order.index("snippets.results") < len(order) - 1
    ('snippets.a4_hyperparameter_search', True)
    """
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        seen.add(name)
        for dep in sorted(_source(_path(name))[1]):  # type: ignore[arg-type]
            if dep not in seen:
                visit(dep)
        order.append(name)

    visit(qualname)
    return order


def _results_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(RESULTS.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + _source_bytes_digest(path).encode())
    return digest.hexdigest()


_FILES: dict[Path, tuple[tuple[int, int], str]] = {}


def _source_bytes_digest(path: Path) -> str:
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _FILES.get(path)
    if not known or known[0] != stamp:
        known = _FILES[path] = (stamp, hashlib.sha256(path.read_bytes()).hexdigest())
    return known[1]


def fingerprint(qualname: str) -> str:
    """What a module's facts depend on: its sources, the committed results, the versions.

    >>> len(fingerprint("snippets.a2_rnncell_parameters"))
    64
    """
    digest = hashlib.sha256()
    for name in closure(qualname):
        digest.update(f"{name}={_source(_path(name))[0]}\n".encode())  # type: ignore[arg-type]
    env = _env_facts()
    digest.update(f"results={_results_digest()} {env['python']} {env['torch']} {env['numpy']}".encode())
    return digest.hexdigest()


def script_fingerprint(path: Path) -> str:
    """What a script (a notebook) computes from: its own text and the ``fingerprint`` of each local module it imports.

    >>> script_fingerprint(ROOT / "docs" / "notebooks" / "a2_rnncell_parameters.py") != fingerprint("book.facts")
    True
    """
    own, deps = _source(path)
    digest = hashlib.sha256(own.encode())
    for dep in sorted(deps):
        digest.update(f"{dep}={fingerprint(dep)}\n".encode())
    return digest.hexdigest()


#: The source digest of each local module when it was (re)imported.
_IMPORTED: dict[str, str] = {}


def fresh_import(qualname: str) -> Any:
    """Import a module; first reload those of its local modules whose source changed since they were
    imported, and every module that imports one of them (so ``from x import y`` sees the new ``y``)."""
    reloaded: set[str] = set()
    for name in closure(qualname):
        digest, deps = _source(_path(name))  # type: ignore[arg-type]
        module = sys.modules.get(name)
        if module is not None and (_IMPORTED.setdefault(name, digest) != digest or deps & reloaded):
            importlib.reload(module)
            reloaded.add(name)
        _IMPORTED[name] = digest
    return importlib.import_module(qualname)


_MEMORY: dict[str, tuple[str, dict[str, Any]]] = {}
_DISK: list[Path] = []


def reload_edited_book_modules() -> None:
    """Reload every imported ``book.*`` module (but this one) whose source changed since it was imported.

    mkdocs runs the hooks file again for every build of ``mkdocs serve``, but Python
    keeps the modules it imported: without this, an edit of a build module would not show.
    """
    for name in sorted(n for n in sys.modules if n.startswith("book.") and n != "book.facts"):
        fresh_import(name)


def use_disk_cache(folder: Path | None) -> None:
    """Keep each module's facts in ``folder`` too (``None``: memory only), keyed by ``fingerprint``."""
    _DISK[:] = [folder] if folder is not None else []


def _compute(module: str, qualname: str) -> dict[str, Any]:
    mod = fresh_import(qualname)
    if not hasattr(mod, "facts"):
        raise FactError(f"snippets/{module}.py has no facts() function")
    values = mod.facts()
    if not isinstance(values, dict):
        raise FactError(f"snippets/{module}.py: facts() must return a dict, got {type(values).__name__}")
    return values


#: One module's facts are computed by one thread at a time (``prefetch`` runs beside the build).
_LOCK = threading.RLock()


def prepare_build(docs_dir: Path | str) -> threading.Thread:
    """A build starts (``on_config``): keep facts in ``cache_dir("facts")`` and ``prefetch`` those the pages use."""
    use_disk_cache(cache_dir("facts"))
    return prefetch(docs_dir)


def prefetch(docs_dir: Path | str) -> threading.Thread:
    """Compute, in a background thread, the facts of every module the pages of ``docs_dir`` use; returns the thread.

    A cold build executes the notebooks first, in other processes: this uses that time, so the
    pages find their facts ready. An error is left for the page that uses the fact to report.
    """
    modules = sorted(
        {m for md in Path(docs_dir).rglob("*.md") for m, _, _ in used_facts(md.read_text(encoding="utf-8"))} - {"env"}
    )

    def run() -> None:
        for module in modules:
            try:
                _module_facts(module)
            except Exception:  # the page that uses this fact stops the build with the message
                pass

    thread = threading.Thread(target=run, name="facts-prefetch", daemon=True)
    thread.start()
    return thread


#: What snippets import that takes a second or more (a warm build, every fact from the disk cache, imports none).
HEAVY_IMPORTS = ("torch",)


def warm_imports(command: str) -> threading.Thread | None:
    """Under ``mkdocs serve`` (``command``, as ``on_startup`` gets it): import ``HEAVY_IMPORTS`` in a background
    thread, so that the first snippet edit recomputes its facts without waiting for PyTorch's import
    (about 1.2 s here). Returns the thread, or None for any other command."""
    if command != "serve":
        return None

    def run() -> None:
        for name in HEAVY_IMPORTS:
            importlib.import_module(name)

    thread = threading.Thread(target=run, name="facts-warm-imports", daemon=True)
    thread.start()
    return thread


def _module_facts(module: str) -> dict[str, Any]:
    """The facts of one module, computed again only when what they depend on changed (see ``fingerprint``)."""
    if module == "env":
        return _env_facts()
    with _LOCK:
        return _module_facts_locked(module)


def _module_facts_locked(module: str) -> dict[str, Any]:
    package = next((p for p in PACKAGES if _path(f"{p}.{module}")), None)
    if package is None:
        raise FactError(f"no snippet module snippets/{module}.py (from {{{{ {module}.… }}}})")
    qualname = f"{package}.{module}"
    key = fingerprint(qualname)
    known = _MEMORY.get(module)
    if known and known[0] == key:
        return known[1]
    disk = _DISK[0] / f"{module}-{key[:32]}.pickle" if _DISK else None
    values = None
    if disk is not None and disk.is_file():
        try:
            values = pickle.loads(disk.read_bytes())
        except Exception:  # a damaged or foreign file: compute again
            values = None
    if values is None:
        values = _compute(module, qualname)
        if disk is not None:
            disk.parent.mkdir(parents=True, exist_ok=True)
            for old in disk.parent.glob(f"{module}-*.pickle"):
                old.unlink()
            try:
                disk.write_bytes(pickle.dumps(values))
            except (pickle.PicklingError, TypeError, AttributeError):
                disk.unlink(missing_ok=True)
    _MEMORY[module] = (key, values)
    return values


_module_facts.cache_clear = _MEMORY.clear  # type: ignore[attr-defined]


def lookup(module: str, key: str) -> Any:
    """The raw value of one fact.

    >>> lookup("env", "python").count(".") == 2
    True
    """
    return _value(_module_facts(module), module, key)


def _value(values: dict[str, Any], module: str, key: str) -> Any:
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
    is_shape = isinstance(value, (tuple, list)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
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
    book.facts.FactError: page: env.nope is not a fact of the built-in env namespace (it has: ...)
    """

    values: dict[str, dict[str, Any]] = {}  # each module's facts, checked fresh once per page

    def one(match: re.Match[str]) -> str:
        if match["escape"]:
            return match[0][1:]
        module, key = match["module"], match["key"]
        name = f"{module}.{key}"
        try:
            if module not in values:
                values[module] = _module_facts(module)
            return render(_value(values[module], module, key), match["fmt"], name)
        except FactError as exc:
            raise FactError(f"{where}: {exc}") from None

    out = FACT_RE.sub(one, markdown)
    # Anything still shaped like a fact is a typo the pattern did not take
    # (e.g. "{{ module }}" or "{{ module.key | }}"): stop rather than print it.
    left = [m for m in re.finditer(r"(\\?)\{\{[^{}\n]*\}\}", markdown) if not m[1] and not FACT_RE.fullmatch(m[0])]
    if left:
        raise FactError(
            f"{where}: not a fact: {left[0][0]!r} (write {{{{ module.key }}}} or {{{{ module.key | fmt }}}})"
        )
    return out


def used_facts(markdown: str) -> list[tuple[str, str, str | None]]:
    """The facts a page uses, as ``(module, key, fmt)``, escaped ones left out.

    >>> used_facts("a {{ x.y }} b {{ x.z | .2f }} c \\\\{{ q.r }}")
    [('x', 'y', None), ('x', 'z', '.2f')]
    """
    return [(m["module"], m["key"], m["fmt"]) for m in FACT_RE.finditer(markdown) if not m["escape"]]
