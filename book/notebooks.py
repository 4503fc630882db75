"""Notebooks: the "Run it yourself" pages (``docs/notebooks/*.py``, executed by mkdocs-jupyter).

- ``is_notebook``: the one test of whether a file is a notebook (used everywhere).
- ``wrap_notebook_files``: mkdocs-static-i18n rebuilds every file as a plain ``File``;
  notebooks are wrapped again as mkdocs-jupyter pages.
- ``share_notebook_cache``: the Hebrew build keeps the notebook cache alone.
- ``snippet_aware_cache``: a cached notebook is executed again when a snippet it imports changed.
- ``ipc_kernels``: notebook kernels talk over local sockets (no "Kernel is running over TCP" warning).
- ``download_links``: each notebook page offers its ``.ipynb`` and its ``.py`` source.
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
    "download_links",
    "english_url",
    "fix_notebook_toc",
    "ipc_kernels",
    "is_notebook",
    "is_notebook_html",
    "notebook_chapters",
    "share_notebook_cache",
    "snippet_aware_cache",
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


def wrap_notebook_files(files: Files, config: MkDocsConfig, hebrew: bool) -> Files:
    """Wrap notebooks again as mkdocs-jupyter pages, after mkdocs-static-i18n replaced each by a plain ``File``.

    The plugin's record of each edition's pages (``i18n_files_per_language``) makes the
    sitemap, which instant navigation reads: without the notebooks, a click on one
    reloads the page. A notebook is English only: no Hebrew alternate, and not a page
    of the Hebrew build (``hebrew``).
    """
    from mkdocs_jupyter.plugin import NotebookFile

    if "mkdocs-jupyter" not in config["plugins"]:
        return files
    for file in [f for f in files if is_notebook(f) and not isinstance(f, NotebookFile)]:
        files.remove(file)
        files.append(NotebookFile(file, **config))
    i18n = config["plugins"].get("i18n")
    if i18n is not None and hasattr(i18n, "i18n_files_per_language"):
        pages = [f for f in files.documentation_pages() if not (hebrew and is_notebook(f))]
        for f in pages:
            if is_notebook(f) and isinstance(getattr(f, "alternates", None), dict):
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
    return {
        "KernelManager": {"transport": "ipc", "ip": str(folder / "kernel")},
        "NotebookClient": {"coalesce_streams": True},
    }


def ipc_kernels() -> Path:
    """Start notebook kernels on local (IPC) sockets instead of TCP on 127.0.0.1; return the config folder.

    ipykernel warns "Kernel is running over TCP without encryption" for every kernel
    started over TCP; over IPC the kernel is reachable by this user only, and says nothing.
    Each process gets a folder of its own for the sockets (two kernels started at once
    must not pick the same socket), with a ``jupyter_nbconvert_config.json`` that
    mkdocs-jupyter's nbconvert app reads through ``JUPYTER_CONFIG_PATH`` (first; other
    entries are kept after it). It also merges each cell's consecutive stream outputs
    (``coalesce_streams``), so how printed lines are grouped on the page does not depend
    on the kernel's timing.
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


def execute_in_parallel(files: Files, config: MkDocsConfig, workers: int | None = None) -> list[str]:
    """Execute the notebooks that have no cache entry yet, several at a time, into mkdocs-jupyter's cache.

    mkdocs renders pages one after the other, and each notebook waits for its own
    kernel; here each runs in a worker process (one per CPU core), and the page is
    then rendered from the cache entry, exactly as the plugin would have written it.
    Does nothing when the cache is off, execution is off or a notebook is ignored.
    Returns the notebooks executed.
    """
    import json
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
            if not path.exists():
                todo[file.abs_src_path] = path
    if not todo:
        return []
    workers = max(1, min(len(todo), workers or os.cpu_count() or 1))
    log = logging.getLogger("mkdocs.plugins.book.notebooks")
    log.info("Executing %d notebooks, %d at a time", len(todo), workers)
    options = {k: jupyter.config[k] for k in _NB2HTML_OPTIONS}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        jobs = [pool.submit(_convert, nb, options, jupyter.config["toc_depth"]) for nb in todo]
        for job in jobs:
            nb_path, entry, seconds = job.result()  # a failing notebook stops the build here, with its error
            todo[nb_path].parent.mkdir(parents=True, exist_ok=True)
            todo[nb_path].write_text(json.dumps(entry), encoding="utf-8")
            log.info("Executed notebook (%.1f s): %s", seconds, nb_path)
    return list(todo)


def download_links(page: Page) -> str:
    """Write the notebook's ``.ipynb`` (jupytext) beside its page; return the HTML that links to both files."""
    import jupytext

    src = Path(page.file.abs_src_path)
    dest_dir = Path(page.file.abs_dest_path).parent
    dest_dir.mkdir(parents=True, exist_ok=True)
    jupytext.write(jupytext.read(src), dest_dir / f"{src.stem}.ipynb")
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
