"""The strict build itself: it succeeds with zero warnings, and each page is where the nav says."""

from __future__ import annotations

import re

from book.config import nav_files
from conftest import ROOT


def test_strict_build_succeeds_without_warnings(build):
    assert build.returncode == 0, build.log[-4000:]
    warnings = [line for line in build.log.splitlines() if re.search(r"\bWARNING\b", line)]
    # The kernel's own transport notice is not a build warning.
    warnings = [w for w in warnings if "Kernel is running over TCP" not in w]
    assert not warnings, "\n".join(warnings)


def test_notebooks_were_executed(build):
    assert re.search(r"Converting notebook \(execute=True\)", build.log), build.log[-2000:]
    assert "Cache hit" not in build.log


def test_every_page_is_in_the_nav_and_every_nav_entry_exists():
    """No orphan or half-written page: a chapter exists when it is in the nav, and vice versa."""
    nav = set(nav_files())
    docs = ROOT / "docs"
    # Hebrew pages (x.he.md) are in the nav through their English page (tests/test_i18n.py pairs them)
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md") if not p.name.endswith(".he.md")}
    notebooks = {p.relative_to(docs).as_posix() for p in (docs / "notebooks").glob("*.py")}
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

    from book import mkdocs_hooks as hooks

    monkeypatch.setattr(hooks, "_NOTEBOOK_CACHE", {})
    jupyter = SimpleNamespace(config={"cache": True})
    i18n = SimpleNamespace(current_language=None)
    config = {"plugins": {"mkdocs-jupyter": jupyter, "i18n": i18n}}
    for lang, expected in [(None, True), ("he", False), ("en", True), ("he", False)]:
        i18n.current_language = lang
        hooks._share_notebook_cache(config)
        assert jupyter.config["cache"] is expected, lang
