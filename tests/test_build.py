"""The strict build itself: it succeeds with zero warnings, and each page is where the nav says."""

from __future__ import annotations

import re

from book.config import nav_files
from book.notebooks import english_notebooks
from conftest import ROOT


def test_strict_build_succeeds_without_warnings(build):
    assert build.returncode == 0, build.log[-4000:]
    warnings = [line for line in build.log.splitlines() if re.search(r"\bWARNING\b", line)]
    assert not warnings, "\n".join(warnings)


def test_notebook_kernels_do_not_warn_about_tcp(build):
    """Kernels run over IPC (book/jupyter/jupyter_nbconvert_config.json), so ipykernel has nothing to warn about."""
    assert "Kernel is running over TCP" not in build.log


def test_every_notebook_was_executed_by_this_build(build):
    """The session's build starts from an empty cache: each notebook is executed, in parallel
    (``Executed notebook``) or by the plugin (``Converting notebook (execute=True)``)."""
    names = sorted(p.stem for p in english_notebooks())
    executed = set(
        re.findall(r"(?:Executed notebook \([\d.]+ s\)|Converting notebook \(execute=True\)): \S*/(\w+)\.py", build.log)
    )
    assert executed == set(names), (sorted(set(names) - executed), build.log[-2000:])


def test_every_page_is_in_the_nav_and_every_nav_entry_exists():
    """No orphan or half-written page: a chapter exists when it is in the nav, and vice versa."""
    nav = set(nav_files())
    docs = ROOT / "docs"
    # Hebrew pages (x.he.md) are in the nav through their English page (tests/test_i18n.py pairs them)
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md") if not p.name.endswith(".he.md")}
    notebooks = {p.relative_to(docs).as_posix() for p in english_notebooks()}  # x.he.py: through x.py
    assert not (nav - pages - notebooks), f"nav entries without a file: {sorted(nav - pages - notebooks)}"
    assert not (pages - nav), f"pages outside the nav: {sorted(pages - nav)}"
    assert not (notebooks - nav), f"notebooks outside the nav: {sorted(notebooks - nav)}"


def test_each_page_built(site):
    for src in nav_files():
        stem = src.removesuffix(".md").removesuffix(".py")
        target = site / ("index.html" if stem == "index" else f"{stem}/index.html")
        assert target.is_file(), f"{src} did not produce {target.relative_to(site)}"


def test_the_hebrew_build_leaves_the_notebook_cache_alone(monkeypatch):
    """The Hebrew build executes no notebook, and mkdocs-jupyter evicts after a build
    every cached notebook that build did not use; so the hook turns the cache off
    for the Hebrew build only, and back on for the next English one (mkdocs serve).
    (Seen by hand: without it, a second build executed all ten notebooks again.)"""
    from types import SimpleNamespace

    from book import notebooks

    monkeypatch.setattr(notebooks, "_NOTEBOOK_CACHE", {})
    jupyter = SimpleNamespace(config={"cache": True})
    config = {"plugins": {"mkdocs-jupyter": jupyter}}
    for hebrew, expected in [(False, True), (True, False), (False, True), (True, False)]:
        notebooks.share_notebook_cache(config, hebrew=hebrew)
        assert jupyter.config["cache"] is expected, hebrew


def test_the_hooks_file_is_a_thin_dispatcher():
    """Each concern lives in its own module under book/; the hooks file only calls them."""
    import ast

    source = (ROOT / "book" / "mkdocs_hooks.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert all(f.name.startswith("on_") for f in functions), [f.name for f in functions]
    for f in functions:
        assert f.returns is not None and all(a.annotation is not None for a in f.args.args), f.name
        assert f.end_lineno - f.lineno < 12, f"{f.name} is {f.end_lineno - f.lineno + 1} lines: move it to a module"
    code_lines = len(source.splitlines()) - tree.body[0].end_lineno  # below the module docstring
    assert code_lines < 125, f"{code_lines} lines of code: a dispatcher only calls the modules"


def test_later_build_features_plug_into_the_dispatcher(monkeypatch, tmp_path):
    """A build feature is one entry in POST_PAGE (HTML -> HTML) or POST_BUILD (the whole site, once)."""
    from types import SimpleNamespace

    from book import mkdocs_hooks as hooks

    monkeypatch.setattr(
        hooks,
        "POST_PAGE",
        [lambda html, page, config: html + "<!-- one -->", lambda html, page, config: html.replace("one", "two")],
    )
    calls = []
    monkeypatch.setattr(hooks, "POST_BUILD", [lambda site, config: calls.append(site)])
    monkeypatch.setattr(hooks, "_SITE", [tmp_path])
    i18n = SimpleNamespace(current_language="en", building=False)
    config = {"plugins": {"i18n": i18n}, "site_dir": str(tmp_path / "he")}
    assert hooks.on_post_page("<p>x</p>", page=None, config=config) == "<p>x</p><!-- two -->"
    i18n.building = True  # the Hebrew build, run inside the English build's on_post_build
    hooks.on_post_build(config)
    assert calls == []
    i18n.building = False
    hooks.on_post_build(config)
    assert calls == [tmp_path]
