"""book/notebooks.py: notebook detection, download links, CDN loaders removed, TOC fixed."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.structure.files import File

from book import notebooks


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("notebooks/a2_x.py", True),
        ("notebooks/readme.md", False),
        ("snippets/a2.py", False),
        ("a/notebooks/x.py", False),
    ],
)
def test_is_notebook(src, expected):
    assert notebooks.is_notebook(File(src, "docs", "site", True)) is expected


def test_every_notebook_belongs_to_a_chapter():
    from conftest import DOCS

    names = {p.stem for p in notebooks.english_notebooks(DOCS)}
    chapters = notebooks.notebook_chapters()
    assert names == set(chapters), names ^ set(chapters)
    assert all((DOCS / c).is_file() for c in chapters.values())


def test_download_links_write_the_ipynb_beside_the_page(tmp_path):
    src = tmp_path / "docs" / "notebooks" / "n.py"
    src.parent.mkdir(parents=True)
    src.write_text("# %% [markdown]\n# # Title\n\n# %%\nprint(1 + 1)\n", encoding="utf-8")
    dest = tmp_path / "site" / "notebooks" / "n" / "index.html"
    page = SimpleNamespace(file=SimpleNamespace(abs_src_path=str(src), abs_dest_path=str(dest)))
    html = notebooks.download_links(page)
    assert 'href="n.ipynb" download' in html and 'href="n.py" download' in html
    import json

    cells = json.loads((dest.parent / "n.ipynb").read_text(encoding="utf-8"))["cells"]
    assert [c["cell_type"] for c in cells] == ["markdown", "code"]
    assert "".join(cells[1]["source"]) == "print(1 + 1)"


def test_cdn_loaders_are_removed_and_nothing_else():
    page = (
        '<p>keep</p><!-- Load mathjax --><script src="https://cdn.example/mathjax.js"> </script>'
        '<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>'
        "<!-- MathJax configuration -->x<!-- End of mathjax configuration -->"
        '<script type="module">\ndocument.addEventListener("DOMContentLoaded", async () => {\n'
        '  const diagrams = document.querySelectorAll(".jp-Mermaid > pre.mermaid");\n})</script>'
        '<script src="assets/own.js"></script>'
    )
    assert notebooks.strip_notebook_loaders(page) == '<p>keep</p><script src="assets/own.js"></script>'


def test_toc_links_that_already_work_are_kept():
    html = '<a href="#b"></a><a href="#zzz"></a><h2 id="b">B</h2>'
    assert notebooks.fix_notebook_toc(html) == html


def test_notebook_html_is_recognised():
    assert notebooks.is_notebook_html('<div class="jupyter-wrapper">')
    assert not notebooks.is_notebook_html("<p>chapter</p>")


def test_the_notebook_cache_key_follows_the_snippets_a_notebook_imports(tmp_path, monkeypatch):
    """An edited snippet must re-execute the notebooks that import it, even with the cache on."""
    import os

    from mkdocs_jupyter import plugin

    from book import facts

    pkg = tmp_path / "scratchnb"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    helper = pkg / "helper.py"
    helper.write_text("SIZE = 1\n", encoding="utf-8")
    notebook = tmp_path / "nb.py"
    notebook.write_text("# %%\nfrom scratchnb.helper import SIZE\nprint(SIZE)\n", encoding="utf-8")
    monkeypatch.setattr(facts, "ROOT", tmp_path)
    monkeypatch.setattr(facts, "PACKAGES", ("scratchnb",))
    monkeypatch.setattr(facts, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(plugin, "_compute_cache_key", plugin._compute_cache_key)  # restored after the test
    notebooks.snippet_aware_cache()
    notebooks.snippet_aware_cache()  # idempotent: wraps the plugin's function once
    options = dict.fromkeys((*notebooks._NB2HTML_OPTIONS, "toc_depth"))  # the options mkdocs-jupyter passes
    before = plugin._compute_cache_key(str(notebook), options, True)
    assert plugin._compute_cache_key(str(notebook), options, True) == before
    helper.write_text("SIZE = 22\n", encoding="utf-8")
    stat = helper.stat()
    os.utime(helper, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    assert plugin._compute_cache_key(str(notebook), options, True) != before
    assert plugin._compute_cache_key.__wrapped__.__module__ == "mkdocs_jupyter.plugin"


def test_kernels_are_configured_for_ipc_in_a_folder_of_their_own(monkeypatch):
    import json
    import os

    monkeypatch.setenv("JUPYTER_CONFIG_PATH", os.pathsep.join(["/tmp/book-kernels-of-a-parent", "/elsewhere"]))
    folder = notebooks.ipc_kernels()
    assert notebooks.ipc_kernels() == folder
    assert os.environ["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(folder), "/elsewhere"]
    config = json.loads((folder / "jupyter_nbconvert_config.json").read_text(encoding="utf-8"))
    assert config["KernelManager"] == {"transport": "ipc", "ip": str(folder / "kernel")}
    assert config["NotebookClient"] == {"shutdown_kernel": "immediate"}
    order = config["HTMLExporter"]["default_preprocessors"]
    execute = order.index("nbconvert.preprocessors.ExecutePreprocessor")
    assert order[execute + 1] == "nbconvert.preprocessors.CoalesceStreamsPreprocessor", order
    assert config["CoalesceStreamsPreprocessor"] == {"enabled": True}


def test_a_notebook_kernel_runs_without_the_tcp_warning(tmp_path):
    """The warning is not filtered: the kernel has nothing to warn about."""
    import subprocess
    import sys

    notebook = tmp_path / "nb.py"
    # The second cell's two lines reach the kernel's client as two stream messages (a flush, then a pause).
    cells = "# %%\nprint(6 * 7)\n\n# %%\nimport time\nprint('one', flush=True)\ntime.sleep(0.5)\nprint('two')\n"
    notebook.write_text(cells, encoding="utf-8")
    code = (
        "import re, sys; from book import notebooks; notebooks.ipc_kernels();"
        "from mkdocs_jupyter import plugin;"
        f"html = plugin.convert.nb2html({str(notebook)!r}, execute=True, allow_errors=False);"
        "print('42' in html, bool(re.search(r'<pre>one\\ntwo', html)))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=notebooks.ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    ran, merged = proc.stdout.split()[-2:]
    assert ran == "True"
    assert merged == "True", "the two pieces of one cell's output are one block on the page"
    assert "Kernel is running over TCP" not in proc.stderr


def test_parallel_execution_needs_the_cache_and_execution():
    """Without the cache (``NOTEBOOK_CACHE=false``) the plugin executes each notebook itself, as before."""
    from mkdocs.structure.files import Files

    files = Files([File("notebooks/a2_x.py", "docs", "site", True)])
    for options in (
        {"cache": False, "execute": True, "execute_ignore": []},
        {"cache": True, "execute": False, "execute_ignore": []},
    ):
        config = {"plugins": {"mkdocs-jupyter": SimpleNamespace(config=options)}}
        assert notebooks.execute_in_parallel(files, config) == []
    assert notebooks.execute_in_parallel(files, {"plugins": {}}) == []


def test_notebooks_execute_in_the_background_and_each_page_waits_for_its_own(tmp_path):
    """``execute_in_parallel`` returns at once; ``await_executed`` caches a notebook's page just before it is
    rendered; a failing notebook stops the build naming itself; ``finish_executing`` leaves no process."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import Files
    from mkdocs_jupyter.plugin import Plugin

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "good.py").write_text("# %%\nprint(6 * 7)\n", encoding="utf-8")
    (tmp_path / "notebooks" / "bad.py").write_text("# %%\nraise ValueError('no such weight')\n", encoding="utf-8")
    files = Files([File(f"notebooks/{n}.py", str(tmp_path), str(tmp_path / "site"), True) for n in ("good", "bad")])
    jupyter = Plugin()
    jupyter.load_config({"execute": True, "allow_errors": False, "cache": True, "cache_dir": str(tmp_path / "cache")})
    config = {"plugins": {"mkdocs-jupyter": jupyter}}
    try:
        started = notebooks.execute_in_parallel(files, config, workers=2)
        assert [Path(p).name for p in started] == ["good.py", "bad.py"]
        assert notebooks.execute_in_parallel(files, config) == [], "a running notebook is not started twice"
        assert not list((tmp_path / "cache").glob("*.json")), "nothing is cached before a page asks"
        notebooks.await_executed(SimpleNamespace(file=files.get_file_from_path("notebooks/good.py")))
        (entry,) = (tmp_path / "cache").glob("*.json")
        assert "42" in entry.read_text(encoding="utf-8")
        with pytest.raises(PluginError, match=r"bad\.py(.|\n)*no such weight"):
            notebooks.await_executed(SimpleNamespace(file=files.get_file_from_path("notebooks/bad.py")))
        notebooks.await_executed(SimpleNamespace(file=files.get_file_from_path("notebooks/good.py")))  # done: no-op
    finally:
        notebooks.finish_executing(cancel=True)
    assert not notebooks._RUNNING and not notebooks._POOL
