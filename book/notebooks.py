"""Notebooks: the "Run it yourself" pages (``docs/notebooks/*.py``, executed by mkdocs-jupyter).

- ``is_notebook``: the one test of whether a file is a notebook (used everywhere).
- ``wrap_notebook_files``: mkdocs-static-i18n rebuilds every file as a plain ``File``;
  notebooks are wrapped again as mkdocs-jupyter pages.
- ``share_notebook_cache``: the Hebrew build keeps the notebook cache alone.
- ``snippet_aware_cache``: a cached notebook is executed again when a snippet it imports changed.
- ``execute_in_parallel`` / ``await_executed`` / ``finish_executing``: notebooks execute in
  worker processes while mkdocs renders the other pages; each page waits only for its own.
- ``ipc_kernels``: notebook kernels talk over local sockets (no "Kernel is running over TCP" warning).
- ``download_links``: each notebook page offers its ``.ipynb`` and its ``.py`` source.
- ``share_executed_outputs``: a Hebrew notebook (``docs/notebooks/<name>.he.py``: the same
  code cells, Hebrew Markdown cells) is rendered from the English page's executed outputs,
  so each notebook is executed once per build (``hebrew_notebook_html``).
- ``strip_notebook_loaders`` / ``fix_notebook_toc``: the rendered page names no CDN,
  and its table of contents points at the real heading ids.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

__all__ = [
    "await_executed",
    "configure_build",
    "download_links",
    "english_notebooks",
    "english_url",
    "execute_in_parallel",
    "finish_executing",
    "fix_notebook_toc",
    "hebrew_notebook_html",
    "ipc_kernels",
    "is_notebook",
    "is_hebrew_notebook",
    "is_notebook_html",
    "notebook_chapters",
    "notebook_name",
    "notebooks_last",
    "share_executed_outputs",
    "share_notebook_cache",
    "snippet_aware_cache",
    "start_executing",
    "strip_notebook_loaders",
    "wrap_notebook_files",
]

ROOT = Path(__file__).resolve().parent.parent

# nbconvert's lab template: <script src="…mathjax…"> </script>, the
# text/x-mathjax-config block, and the Mermaid ES-module loader.
_NB_LOADERS = [
    re.compile(r"<!-- Load mathjax -->\s*<script src=\"[^\"]*\">\s*</script>", re.S),
    re.compile(r"<!-- MathJax configuration -->.*?<!-- End of mathjax configuration -->", re.S),
    re.compile(r"<script type=\"text/x-mathjax-config\">.*?</script>", re.S),
    re.compile(
        r"<script type=\"module\">\s*document\.addEventListener\(\"DOMContentLoaded\", async \(\) => \{"
        r"\s*const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid.*?</script>",
        re.S,
    ),
]


def is_notebook(file: File) -> bool:
    """Whether a file is one of the book's notebooks (``docs/notebooks/<name>.py``).

    >>> is_notebook(File("notebooks/a2_x.py", "docs", "site", True))
    True
    >>> is_notebook(File("chapters/a2.md", "docs", "site", True)), is_notebook(File("x/notebooks/a.py", "d", "s", True))
    (False, False)
    """
    return file.src_uri.startswith("notebooks/") and file.src_uri.endswith(".py")


def is_hebrew_notebook(file: File) -> bool:
    """Whether a file is the Hebrew version of a notebook (``docs/notebooks/<name>.he.py``).

    >>> is_hebrew_notebook(File("notebooks/a2_x.he.py", "docs", "site", True))
    True
    >>> is_hebrew_notebook(File("notebooks/a2_x.py", "docs", "site", True))
    False
    """
    return is_notebook(file) and file.src_uri.endswith(".he.py")


def notebook_name(file: File) -> str:
    """The notebook's name, the same in both editions.

    >>> [notebook_name(File(f"notebooks/{src}", "docs", "site", True)) for src in ("a2_x.he.py", "a2_x.py")]
    ['a2_x', 'a2_x']
    """
    return Path(file.src_uri).name.removesuffix(".py").removesuffix(".he")


def english_notebooks(docs: Path = ROOT / "docs") -> list[Path]:
    """The English notebooks, ``docs/notebooks/<name>.py`` (not their Hebrew versions ``<name>.he.py``).

    >>> [p.name for p in english_notebooks()][:1]
    ['a1_straight_through.py']
    """
    return sorted(p for p in (docs / "notebooks").glob("*.py") if not p.name.endswith(".he.py"))


def is_notebook_html(html: str) -> bool:
    """Whether a rendered page is a notebook page (nbconvert's ``jupyter-wrapper`` is in it)."""
    return "jupyter-wrapper" in html


def english_url(file: File) -> str:
    """The URL of a file in the English build, whichever build this is (site-relative).

    >>> class F: url = "he/notebooks/a2_x/"
    >>> english_url(F())
    'notebooks/a2_x/'
    """
    return file.url.removeprefix("he/")


class _Alternate:
    """The other edition's page of a notebook, as the sitemap names it (``url``; no page object in this build)."""

    page = None

    def __init__(self, url: str) -> None:
        self.url = url


def has_hebrew_version(file: File) -> bool:
    """Whether an English notebook has its Hebrew version beside it (``<name>.he.py``)."""
    return is_hebrew_notebook(file) or Path(file.abs_src_path).with_name(f"{notebook_name(file)}.he.py").is_file()


def wrap_notebook_files(files: Files, config: MkDocsConfig, hebrew: bool) -> Files:
    """Wrap notebooks again as mkdocs-jupyter pages, after mkdocs-static-i18n replaced each by a plain ``File``.

    A Hebrew notebook (``<name>.he.py``) is built under ``he/``, as the plugin placed its
    source file. The plugin's record of each edition's pages (``i18n_files_per_language``)
    makes the sitemap, which instant navigation reads: without the notebooks, a click on
    one reloads the page. Each notebook names its page in the other edition; an English
    notebook without a Hebrew version has none, and is not a page of the Hebrew build.
    """
    from mkdocs_jupyter.plugin import NotebookFile

    if "mkdocs-jupyter" not in config["plugins"]:
        return files
    for file in [f for f in files if is_notebook(f) and not isinstance(f, NotebookFile)]:
        files.remove(file)
        notebook = NotebookFile(file, **config)
        if is_hebrew_notebook(file):  # he/notebooks/<name>/, not notebooks/<name>.he/
            name = notebook_name(file)
            notebook.dest_path = "he/" + notebook.dest_path.replace(f"{name}.he", name, 1)
            notebook.abs_dest_path = os.path.normpath(os.path.join(config["site_dir"], notebook.dest_path))
            notebook.url = "he/" + notebook.url.replace(f"{name}.he", name, 1)
        files.append(notebook)
    i18n = config["plugins"].get("i18n")
    if i18n is not None and hasattr(i18n, "i18n_files_per_language"):
        english_only = [f for f in files if hebrew and is_notebook(f) and not is_hebrew_notebook(f)]
        pages = [f for f in files.documentation_pages() if f not in english_only]
        for f in pages:
            if is_notebook(f) and isinstance(getattr(f, "alternates", None), dict):
                if is_hebrew_notebook(f):
                    f.alternates["en"] = _Alternate(english_url(f))
                elif has_hebrew_version(f):
                    f.alternates["he"] = _Alternate(f"he/{f.url}")
                else:
                    f.alternates.pop("he", None)
        i18n.i18n_files_per_language[i18n.current_language] = pages
    return files


def notebook_chapters(docs: Path = ROOT / "docs") -> dict[str, str]:
    """Notebook name -> the chapter page (docs path) whose "Proven by" box links to it.

    >>> notebook_chapters()["a2_rnncell_parameters"]
    'chapters/a2-rnncell-parameters.md'
    """
    out: dict[str, str] = {}
    for chapter in sorted((docs / "chapters").glob("*.md")):
        if chapter.name.endswith(".he.md"):
            continue
        for name in re.findall(r"notebooks/(\w+)\.py", chapter.read_text(encoding="utf-8")):
            out.setdefault(name, f"chapters/{chapter.name}")
    return out


def configure_build(config: MkDocsConfig, hebrew: bool) -> None:
    """A build of one edition starts (``on_config``): ``share_notebook_cache``, ``snippet_aware_cache``,
    ``ipc_kernels``."""
    share_notebook_cache(config, hebrew)
    snippet_aware_cache()
    ipc_kernels()


#: The cache setting of the English build, kept across builds (``mkdocs serve`` builds both editions each time).
_NOTEBOOK_CACHE: dict[str, Any] = {}


def share_notebook_cache(config: MkDocsConfig | dict[str, Any], hebrew: bool) -> None:
    """Switch mkdocs-jupyter's cache off for the Hebrew build only, and back on for the English one.

    The Hebrew build executes no notebook, and mkdocs-jupyter evicts, after each
    build, every cached notebook that build did not use: after the Hebrew build the
    cache would be empty, and every rebuild (``mkdocs serve``) would execute every
    notebook again.
    """
    jupyter = config["plugins"].get("mkdocs-jupyter")
    if jupyter is None:
        return
    configured = _NOTEBOOK_CACHE.setdefault("cache", jupyter.config["cache"])
    jupyter.config["cache"] = False if hebrew else configured


def snippet_aware_cache() -> None:
    """Key mkdocs-jupyter's notebook cache by the snippets a notebook imports too.

    The plugin keys a cached notebook by its own text and options only, so an edited
    snippet left stale outputs. The key now also holds ``book.facts.script_fingerprint``
    (the sources of the local modules it imports, the committed results, the versions),
    so the cache is safe to keep on in ``mkdocs serve`` and in tests.
    """
    from mkdocs_jupyter import plugin

    from book.facts import script_fingerprint

    original = getattr(plugin._compute_cache_key, "__wrapped__", plugin._compute_cache_key)

    @functools.wraps(original)
    def key(nb_path: str, config: Any, exec_nb: bool) -> str:
        own = original(nb_path, config, exec_nb)
        return hashlib.sha256(f"{own} {script_fingerprint(Path(nb_path))}".encode()).hexdigest()

    plugin._compute_cache_key = key


#: This process's Jupyter configuration folder (made by ``ipc_kernels``).
_KERNELS: list[Path] = []
_KERNELS_PREFIX = "book-kernels-"


def kernel_config(folder: Path) -> dict[str, Any]:
    """The nbconvert configuration of the book's kernels, their sockets in ``folder``.

    >>> kernel_config(Path("/tmp/k"))["KernelManager"]
    {'transport': 'ipc', 'ip': '/tmp/k/kernel'}
    """
    from nbconvert.exporters import HTMLExporter

    defaults = list(HTMLExporter().default_preprocessors)  # this nbconvert's own list, in its order
    merge = "nbconvert.preprocessors.CoalesceStreamsPreprocessor"
    defaults.remove(merge)
    defaults.insert(defaults.index("nbconvert.preprocessors.ExecutePreprocessor") + 1, merge)
    return {
        "KernelManager": {"transport": "ipc", "ip": str(folder / "kernel")},
        "NotebookClient": {"shutdown_kernel": "immediate"},
        # nbconvert's own merge of consecutive stream outputs, run after execution, not before it
        "HTMLExporter": {"default_preprocessors": defaults},
        "CoalesceStreamsPreprocessor": {"enabled": True},
    }


def ipc_kernels() -> Path:
    """Start notebook kernels on local (IPC) sockets instead of TCP on 127.0.0.1; return the config folder.

    ipykernel warns "Kernel is running over TCP without encryption" for every kernel
    started over TCP; over IPC the kernel is reachable by this user only, and says nothing.
    Each process gets a folder of its own for the sockets (two kernels started at once
    must not pick the same socket), with a ``jupyter_nbconvert_config.json`` that
    mkdocs-jupyter's nbconvert app reads through ``JUPYTER_CONFIG_PATH`` (first; other
    entries are kept after it). It also merges each cell's consecutive stream outputs
    (nbconvert's ``CoalesceStreamsPreprocessor``, moved after execution: in its default place it
    runs before, on a notebook with no outputs yet, and nbclient's ``coalesce_streams`` is not
    configurable), so how printed lines are grouped on the page does not depend on when the kernel
    flushed them, and stops each kernel at once when its notebook is done
    (``shutdown_kernel``: the graceful default waits about 0.7 s per notebook for a
    kernel whose outputs are all in).
    """
    import atexit
    import json
    import shutil
    import tempfile

    if not _KERNELS:
        folder = Path(tempfile.mkdtemp(prefix=_KERNELS_PREFIX))
        (folder / "jupyter_nbconvert_config.json").write_text(json.dumps(kernel_config(folder)), encoding="utf-8")
        atexit.register(shutil.rmtree, folder, True)
        _KERNELS.append(folder)
    folder = _KERNELS[0]
    paths = [
        p
        for p in os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep)
        if p and not Path(p).name.startswith(_KERNELS_PREFIX)
    ]  # not a parent process's folder
    os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(folder), *paths])
    return folder


#: The options of mkdocs-jupyter that ``convert.nb2html`` takes, by the same names.
_NB2HTML_OPTIONS = (
    "kernel_name",
    "theme",
    "allow_errors",
    "show_input",
    "no_input",
    "no_prompt",
    "remove_tag_config",
    "highlight_extra_classes",
    "include_requirejs",
    "custom_mathjax_url",
)


def _convert(nb_path: str, options: dict[str, Any], toc_depth: int) -> tuple[str, dict[str, Any], float]:
    """Execute and render one notebook as mkdocs-jupyter does (run in a worker process of its own:
    the plugin's converter keeps per-notebook state in module globals). Returns its cache entry."""
    import time

    from mkdocs_jupyter import plugin

    ipc_kernels()
    start = time.perf_counter()
    try:
        body = plugin.convert.nb2html(nb_path, execute=True, **options)
    except Exception as exc:  # the kernel's error may not survive pickling: pass its text on
        raise RuntimeError(f"notebook {nb_path} failed:\n{exc}") from None
    toc_tokens, title = plugin._get_nb_toc_tokens(nb_path, toc_depth)
    return nb_path, {"content": body, "toc_tokens": toc_tokens, "title": title}, time.perf_counter() - start


#: Notebooks executing in the background (``execute_in_parallel``): source path -> (job, its cache file).
_RUNNING: dict[str, tuple[Any, Path]] = {}
_POOL: list[Any] = []  # the worker processes, while any notebook is executing


def execute_in_parallel(files: Files, config: MkDocsConfig, workers: int | None = None) -> list[str]:
    """Start executing the notebooks that have no cache entry yet, several at a time, in the background.

    mkdocs renders pages one after the other, and each notebook waits for its own
    kernel; here each runs in a worker process (one per CPU core) while mkdocs goes on
    with the other pages. ``await_executed`` writes a notebook's result into
    mkdocs-jupyter's cache just before its page is rendered, so the page is rendered
    from the cache entry exactly as the plugin would have written it; ``finish_executing``
    collects the rest. Does nothing when the cache is off, execution is off or a notebook
    is ignored. Returns the notebooks started.
    """
    import logging
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from mkdocs_jupyter import plugin

    jupyter = config["plugins"].get("mkdocs-jupyter")
    if jupyter is None or not (jupyter.config["cache"] and jupyter.config["execute"]):
        return []
    if jupyter.config["execute_ignore"]:
        return []
    todo = {}
    for file in files:
        if is_notebook(file) and jupyter.should_include(file):
            key = plugin._compute_cache_key(file.abs_src_path, jupyter.config, True)
            path = plugin._get_cache_path(jupyter.config["cache_dir"], key)
            if not path.exists() and file.abs_src_path not in _RUNNING:
                todo[file.abs_src_path] = path
    if not todo:
        return []
    workers = max(1, min(len(todo), workers or os.cpu_count() or 1))
    logging.getLogger("mkdocs.plugins.book.notebooks").info("Executing %d notebooks, %d at a time", len(todo), workers)
    options = {k: jupyter.config[k] for k in _NB2HTML_OPTIONS}
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    _POOL.append(pool)
    for nb, path in todo.items():  # in nav order: the order mkdocs asks for them
        _RUNNING[nb] = (pool.submit(_convert, nb, options, jupyter.config["toc_depth"]), path)
    return list(todo)


def notebooks_last(files: Files) -> Files:
    """The same files, the notebooks moved to the end: mkdocs renders pages in the order of its
    files (the nav's order is kept apart), so the other pages are rendered while the notebooks
    execute (``execute_in_parallel``), and a notebook's page is asked for as late as possible.

    >>> names = ["index.md", "notebooks/a_x.py", "chapters/a.md"]
    >>> [f.src_uri for f in notebooks_last(Files([File(n, "docs", "site", True) for n in names]))]
    ['index.md', 'chapters/a.md', 'notebooks/a_x.py']
    """
    ordered = sorted(files, key=is_notebook)  # a stable sort: each group keeps its order
    return Files(ordered)


def start_executing(files: Files, config: MkDocsConfig) -> Files:
    """``execute_in_parallel``, then, if any notebook is executing, ``notebooks_last``: the files to build."""
    return notebooks_last(files) if execute_in_parallel(files, config) else files


def await_executed(page: Page) -> None:
    """Before a notebook's page is rendered: wait for its execution, if it is running, and cache the result.

    A notebook that failed stops the build here, with its error.
    """
    if page.file.abs_src_path in _RUNNING:
        _collect(page.file.abs_src_path)
        if not _RUNNING:
            finish_executing()


def _collect(nb_path: str) -> None:
    """Wait for one running notebook and write its result where mkdocs-jupyter's cache looks for it."""
    import json
    import logging

    from mkdocs.exceptions import PluginError

    job, path = _RUNNING.pop(nb_path)
    try:
        _, entry, seconds = job.result()
    except RuntimeError as exc:  # the notebook's own error, with its name (``_convert``)
        raise PluginError(str(exc)) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entry), encoding="utf-8")
    logging.getLogger("mkdocs.plugins.book.notebooks").info("Executed notebook (%.1f s): %s", seconds, nb_path)


def finish_executing(cancel: bool = False) -> None:
    """Collect every notebook still executing and stop the worker processes;
    ``cancel``: drop the results instead (the build failed)."""
    while _RUNNING and not cancel:
        _collect(next(iter(_RUNNING)))
    _RUNNING.clear()
    while _POOL:
        _POOL.pop().shutdown(wait=True, cancel_futures=True)


#: The English notebook pages rendered in this process: name -> their HTML (nbconvert's, with the outputs).
EXECUTED: dict[str, str] = {}

_CELL_START = re.compile(r'<div (?:dir="ltr" )?class="jp-Cell jp-(?P<kind>Markdown|Code|Raw)Cell[^"]*"[^>]*>')
_NOTEBOOK_END = "</div> <!-- jp-Notebook -->"
_HEADING_ID = re.compile(r'(<h[1-6]) id="([^"]*)"(.*?<a class="anchor-link" href=")#[^"]*(")', re.S)


class NotebookMismatch(ValueError):
    """A Hebrew notebook's cells do not line up with its English notebook's (see ``book.i18n check``)."""


def notebook_cells(html: str) -> list[tuple[str, int, int]]:
    """``(kind, start, end)`` of each cell of a rendered notebook, kind "Markdown", "Code" or "Raw".

    A code cell is two nested ``jp-Cell`` divs in nbconvert's template: only the outer one
    is counted, and it spans its inner one.

    >>> html = ('<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell" id="a"><p>x</p></div>'
    ...         '<div class="jp-Cell jp-CodeCell jp-Notebook-cell">'
    ...         '<div class="jp-Cell jp-CodeCell jp-Notebook-cell" id="b">1</div></div>'
    ...         '</div> <!-- jp-Notebook -->')
    >>> [(k, html[s:e]) for k, s, e in notebook_cells(html)][0]
    ('Markdown', '<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell" id="a"><p>x</p></div>')
    >>> [k for k, s, e in notebook_cells(html)]
    ['Markdown', 'Code']
    >>> [k for k, s, e in notebook_cells(html.replace("<div ", '<div dir="ltr" '))]  # a Hebrew page's code cells
    ['Markdown', 'Code']
    """
    end = html.rfind(_NOTEBOOK_END)
    if end < 0:
        raise NotebookMismatch("not a rendered notebook (no jp-Notebook end marker)")
    starts: list[re.Match[str]] = []
    for m in _CELL_START.finditer(html, 0, end):
        inner = starts and starts[-1]["kind"] == m["kind"] == "Code" and not html[starts[-1].end() : m.start()].strip()
        if not inner:  # the inner div of a code cell follows its outer one at once
            starts.append(m)
    stops = [m.start() for m in starts[1:]] + [end]
    cells = [(m["kind"], m.start(), stop) for m, stop in zip(starts, stops, strict=True)]
    return cells


def hebrew_notebook_html(english: str, hebrew: str) -> str:
    """The Hebrew notebook page: the English page's HTML (code and outputs, as executed), its
    Markdown cells replaced by the Hebrew ones (rendered from ``<name>.he.py``, not executed).

    Each Hebrew heading takes the id of the English heading in its place, so an anchor
    means the same section in both editions; code cells are marked ``dir="ltr"``.
    Raises ``NotebookMismatch`` when the two do not have the same cells in the same order.

    >>> en = ('<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell" id="c1">'
    ...       '<h2 id="why">Why<a class="anchor-link" href="#why">¶</a></h2></div>'
    ...       '<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><div class="jp-Cell jp-CodeCell jp-Notebook-cell">'
    ...       '<pre>print(1)</pre><pre>1</pre></div></div></div> <!-- jp-Notebook -->')
    >>> he = ('<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell" id="c9">'
    ...       '<h2 id="">למה<a class="anchor-link" href="#">¶</a></h2></div>'
    ...       '<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><div class="jp-Cell jp-CodeCell jp-Notebook-cell">'
    ...       '<pre>print(1)</pre></div></div></div> <!-- jp-Notebook -->')
    >>> print(hebrew_notebook_html(en, he))  # doctest: +NORMALIZE_WHITESPACE
    <div class="jp-Cell jp-MarkdownCell jp-Notebook-cell" id="c1"><h2 id="why">למה<a class="anchor-link"
    href="#why">¶</a></h2></div><div dir="ltr" class="jp-Cell jp-CodeCell jp-Notebook-cell"><div class="jp-Cell
    jp-CodeCell jp-Notebook-cell"><pre>print(1)</pre><pre>1</pre></div></div></div> <!-- jp-Notebook -->
    """
    en_cells, he_cells = notebook_cells(english), notebook_cells(hebrew)
    en_kinds, he_kinds = [k for k, _, _ in en_cells], [k for k, _, _ in he_cells]
    if en_kinds != he_kinds:
        raise NotebookMismatch(f"cells differ: English {en_kinds}, Hebrew {he_kinds}")
    out, pos = [], 0
    for (kind, start, end), (_, he_start, he_end) in zip(en_cells, he_cells, strict=True):
        out.append(english[pos:start])
        cell = english[start:end]
        if kind == "Markdown":
            ids = [m[2] for m in _HEADING_ID.finditer(cell)]
            he_cell = hebrew[he_start:he_end]
            if len(ids) != len(_HEADING_ID.findall(he_cell)):
                raise NotebookMismatch(f"a Markdown cell has other headings: English {ids}")
            heading = iter(ids)
            he_cell = _HEADING_ID.sub(lambda m, h=heading: _with_id(m, next(h)), he_cell)
            cell = _CELL_START.match(cell)[0] + he_cell[_CELL_START.match(he_cell).end() :]
        elif kind == "Code":
            cell = cell.replace("<div ", '<div dir="ltr" ', 1)
        out.append(cell)
        pos = end
    out.append(english[pos:])
    return "".join(out)


def _with_id(heading: re.Match[str], ident: str) -> str:
    """A heading (``_HEADING_ID`` match) with ``ident`` as its id and its anchor link's target."""
    return f'{heading[1]} id="{ident}"{heading[3]}#{ident}{heading[4]}'


def toc_tokens(html: str) -> list[dict[str, Any]]:
    """The table of contents of a rendered notebook, from its headings (the tokens ``get_toc`` takes).

    >>> toc_tokens('<h1 id="t">T <code>x</code><a class="anchor-link" href="#t">¶</a></h1><h2 id="w">W</h2>')
    [{'level': 1, 'id': 't', 'name': 'T x', 'children': [{'level': 2, 'id': 'w', 'name': 'W', 'children': []}]}]
    """
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for level, ident, inner in re.findall(r'<h([1-6])[^>]*\sid="([^"]*)"[^>]*>(.*?)</h\1>', html, re.S):
        inner = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", inner, flags=re.S)
        token = {"level": int(level), "id": ident, "name": re.sub(r"<[^>]+>", "", inner).strip(), "children": []}
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


def _hebrew_markdown_cells(source: str, options: dict[str, Any], cache_dir: Path | None) -> str:
    """nbconvert's HTML of a Hebrew notebook, not executed (only its Markdown cells are used);
    cached by the notebook's text and the options in ``cache_dir/he/`` (the plugin's cache
    folder keeps only the English entries: it evicts every other ``*.json`` in it)."""
    from mkdocs_jupyter import plugin

    if cache_dir is None:
        return plugin.convert.nb2html(source, execute=False, **options)
    path = Path(source)
    key = hashlib.sha256(path.read_bytes() + repr(sorted(options.items())).encode()).hexdigest()[:32]
    folder = cache_dir / "he"
    entry = folder / f"{path.name.removesuffix('.py').removesuffix('.he')}-{key}.html"
    if entry.is_file():
        return entry.read_text(encoding="utf-8")
    html = plugin.convert.nb2html(source, execute=False, **options)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(entry.name.rsplit("-", 1)[0] + "-*.html"):
        old.unlink()
    entry.write_text(html, encoding="utf-8")
    return html


def share_executed_outputs(page: Page, config: MkDocsConfig) -> None:
    """Render each notebook's Hebrew page from its English page's executed outputs: one execution per build.

    The English page (rendered by mkdocs-jupyter, executed or from its cache) is kept in
    ``EXECUTED`` as it renders; the Hebrew build, which runs after it in the same process,
    renders each ``<name>.he.py`` without a kernel and swaps its Markdown cells in.
    """
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.toc import get_toc

    if not is_notebook(page.file) or "mkdocs-jupyter" not in config["plugins"]:
        return
    name, original = notebook_name(page.file), page.render
    jupyter = config["plugins"]["mkdocs-jupyter"].config

    def english(config: MkDocsConfig, files: Files) -> None:
        original(config, files)
        EXECUTED[name] = page.content

    def hebrew(config: MkDocsConfig, files: Files) -> None:
        if name not in EXECUTED:
            raise PluginError(f"{page.file.src_uri}: the English notebook {name}.py was not rendered in this build")
        options = {k: jupyter[k] for k in _NB2HTML_OPTIONS}
        # the Hebrew build runs with the plugin's cache off: the English build's setting says
        cache = Path(jupyter["cache_dir"]) if _NOTEBOOK_CACHE.get("cache", jupyter["cache"]) else None
        try:
            rendered = _hebrew_markdown_cells(page.file.abs_src_path, options, cache)
            page.content = hebrew_notebook_html(EXECUTED[name], rendered)
        except NotebookMismatch as exc:
            raise PluginError(f"{page.file.src_uri} does not match {name}.py: {exc} (book.i18n check)") from None
        page.toc = get_toc(toc_tokens(page.content))

    page.render = hebrew if is_hebrew_notebook(page.file) else english


def download_links(page: Page) -> str:
    """Write the notebook's ``.ipynb`` (jupytext) beside its page; return the HTML that links to both files.

    A Hebrew page offers the Hebrew notebook (``<name>.he.ipynb``, ``<name>.he.py``): the
    same code, its text in Hebrew.
    """
    import jupytext

    src = Path(page.file.abs_src_path)
    dest_dir = Path(page.file.abs_dest_path).parent
    dest_dir.mkdir(parents=True, exist_ok=True)
    jupytext.write(jupytext.read(src), dest_dir / f"{src.stem}.ipynb")
    if src.name.endswith(".he.py"):
        return (
            '<p class="nb-download">הורדת המחברת (הקוד זהה לזה של המחברת באנגלית, וההסברים בעברית): '
            f'<a href="{src.stem}.ipynb" download>{src.stem}.ipynb</a> (Jupyter) · '
            f'<a href="{src.name}" download>{src.name}</a> (המקור, סקריפט jupytext). '
            "היא מייבאת את הקוד של הספר: הריצו אותה בסביבה של הספר (<code>make install</code>).</p>"
        )
    return (
        '<p class="nb-download">Download this notebook: '
        f'<a href="{src.stem}.ipynb" download>{src.stem}.ipynb</a> (Jupyter) · '
        f'<a href="{src.name}" download>{src.name}</a> (the source, a jupytext script). '
        "It imports the book's code: run it in the book's environment (<code>make install</code>).</p>"
    )


def strip_notebook_loaders(html: str) -> str:
    """Remove nbconvert's CDN loaders (MathJax, Mermaid) from a rendered page.

    The book typesets notebook math with its vendored KaTeX, so no page names another host.

    >>> strip_notebook_loaders('a<!-- Load mathjax --><script src="https://cdn/x.js"> </script>b')
    'ab'
    """
    for pattern in _NB_LOADERS:
        html = pattern.sub("", html)
    return html


def fix_notebook_toc(html: str) -> str:
    """Point the table of contents of a notebook page at its real heading ids.

    mkdocs-jupyter builds the TOC from the Markdown source with its own slugs,
    which drop inline code ("of an `RNNCell`" -> "...-of-an"), while nbconvert's
    heading ids keep it ("...-of-an-rnncell"). Each heading's id is therefore also
    reachable by the slug of its text without code, and TOC links use that.

    >>> fix_notebook_toc('<a href="#a-and-b"></a><h1 id="a-sign-and-b">A <code>sign</code> and b</h1>')
    '<a href="#a-sign-and-b"></a><h1 id="a-sign-and-b">A <code>sign</code> and b</h1>'
    >>> fix_notebook_toc('<a href="#intro-to"></a><h1 id="intro-to-rnncell">Intro to <code>RNNCell</code></h1>')
    '<a href="#intro-to-rnncell"></a><h1 id="intro-to-rnncell">Intro to <code>RNNCell</code></h1>'
    """
    from markdown.extensions.toc import slugify

    ids = set(re.findall(r'\sid="([^"]+)"', html))
    by_slug: dict[str, str] = {}
    for real, inner in re.findall(r'<h[1-6][^>]*\sid="([^"]+)"[^>]*>(.*?)</h[1-6]>', html, re.S):
        text = re.sub(r"<code>.*?</code>", " ", inner, flags=re.S)
        text = re.sub(r"<[^>]+>", "", text)
        by_slug.setdefault(slugify(text.replace("¶", ""), "-"), real)

    def one(match: re.Match[str]) -> str:
        target = match[1]
        if target in ids:
            return match[0]
        if target in by_slug:
            return f'href="#{by_slug[target]}"'
        candidates = [i for i in ids if i.startswith(target + "-")]
        return f'href="#{candidates[0]}"' if len(candidates) == 1 else match[0]

    return re.sub(r'href="#([^"]+)"', one, html)
