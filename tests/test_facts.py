"""The facts mechanism: numbers in the prose come from code and cannot drift from it."""

from __future__ import annotations

import re

import pytest
from mkdocs.exceptions import PluginError

from book import mkdocs_hooks
from book.facts import FactError, lookup, render, substitute, used_facts
from conftest import DOCS

PAGES = sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("md", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_fact_on_every_page_resolves(md):
    substitute(md.read_text(encoding="utf-8"), where=md.name)


def _digits(s: str) -> str:
    return re.sub(r"[,\s]", "", s)


@pytest.mark.parametrize("md", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_no_page_types_a_number_that_a_fact_provides(md):
    """A number of four or more digits that a fact on this page renders must not also be typed by hand."""
    text = md.read_text(encoding="utf-8")
    modules = {m for m, _, _ in used_facts(text)} - {"env"}
    prose = re.sub(r"\\?\{\{[^}]*\}\}", " ", text)
    numbers = set(re.findall(r"\d[\d,]*\d", prose))
    numbers = {_digits(n) for n in numbers}
    for module in modules:
        from book.facts import _module_facts

        for key, value in _module_facts(module).items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1000:
                continue
            assert str(value) not in numbers, (
                f"{md.name} types {value:,} by hand; write {{{{ {module}.{key} }}}} instead"
            )


def test_a2_total_is_rendered_from_the_real_module():
    from torch import nn

    real = sum(p.numel() for p in nn.RNNCell(64, 256).parameters())
    assert lookup("a2_rnncell_parameters", "total") == real
    assert substitute("{{ a2_rnncell_parameters.total }}") == f"{real:,}"


def test_a_changed_result_changes_the_page(monkeypatch):
    """If the code's value changes, the rendered page changes with it (nothing is cached in prose)."""
    import snippets.a2_rnncell_parameters as a2
    from book import facts

    facts._module_facts.cache_clear()
    monkeypatch.setattr(a2, "facts", lambda: {"total": 12345})
    try:
        assert substitute("total {{ a2_rnncell_parameters.total }}") == "total 12,345"
    finally:
        facts._module_facts.cache_clear()


def test_unknown_fact_stops_the_build():
    class File:
        src_uri = "chapters/broken.md"

    class Page:
        file = File()

    with pytest.raises(PluginError, match=r"chapters/broken.md: a2_rnncell_parameters.totl is not a fact"):
        mkdocs_hooks.on_page_markdown("{{ a2_rnncell_parameters.totl }}", Page(), {}, None)
    with pytest.raises(PluginError, match="no snippet module snippets/nope.py"):
        mkdocs_hooks.on_page_markdown("{{ nope.x }}", Page(), {}, None)


def test_floats_need_a_format():
    with pytest.raises(FactError, match="give it a format"):
        render(0.1 + 0.2)
    assert render(0.1 + 0.2, ".2f") == "0.30"


@pytest.mark.parametrize("text", ["{{ env }}", "{{ env.python | }}", "{{ a2_rnncell_parameters.Total }}"])
def test_anything_shaped_like_a_fact_that_is_not_one_stops_the_build(text):
    """A typo (a missing key, an empty format, a wrong case) is an error, never printed as is."""
    with pytest.raises(FactError):
        substitute(f"before {text} after")


@pytest.fixture
def scratch_package(tmp_path, monkeypatch):
    """A package ``scratchfacts`` in a temporary folder, looked up by book.facts instead of snippets/."""
    import sys

    from book import facts

    pkg = tmp_path / "scratchfacts"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(facts, "ROOT", tmp_path)
    monkeypatch.setattr(facts, "PACKAGES", ("scratchfacts",))
    monkeypatch.setattr(facts, "RESULTS", tmp_path / "results")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(facts, "_MEMORY", {})
    monkeypatch.setattr(facts, "_IMPORTED", {})
    facts.use_disk_cache(None)
    yield pkg
    facts.use_disk_cache(None)
    for name in [m for m in sys.modules if m.split(".")[0] == "scratchfacts"]:
        del sys.modules[name]


def _write(path, text: str) -> None:
    import os

    path.write_text(text, encoding="utf-8")
    stat = path.stat()  # a new mtime even within the file system's clock resolution
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))


def test_an_edited_snippet_and_the_snippets_it_imports_are_reloaded(scratch_package):
    """Under `mkdocs serve` the process lives on: an edit must show in the next build's facts."""
    _write(scratch_package / "helper.py", "SIZE = 1\n")
    _write(
        scratch_package / "chapter.py",
        "from scratchfacts.helper import SIZE\n\ndef facts():\n    return {'size': SIZE, 'twice': 2 * SIZE}\n",
    )
    assert lookup("chapter", "size") == 1
    _write(scratch_package / "helper.py", "SIZE = 30\n")
    assert lookup("chapter", "size") == 30
    assert substitute("{{ chapter.twice }}") == "60"
    _write(
        scratch_package / "chapter.py",
        "from scratchfacts.helper import SIZE\n\ndef facts():\n    return {'size': SIZE, 'twice': 3 * SIZE}\n",
    )
    assert lookup("chapter", "twice") == 90


def test_facts_are_kept_on_disk_by_their_sources_and_results(scratch_package, tmp_path):
    import sys

    from book import facts

    calls = tmp_path / "calls.txt"
    _write(
        scratch_package / "chapter.py",
        f"from pathlib import Path\n\ndef facts():\n    with open({str(calls)!r}, 'a') as f:\n"
        "        f.write('x')\n    return {'shape': (2, 3)}\n",
    )
    (tmp_path / "results").mkdir()
    facts.use_disk_cache(tmp_path / "cache")

    def fresh_process() -> None:  # what a new `mkdocs build` starts from
        facts._MEMORY.clear()
        facts._IMPORTED.clear()
        sys.modules.pop("scratchfacts.chapter", None)

    assert lookup("chapter", "shape") == (2, 3)
    fresh_process()
    assert lookup("chapter", "shape") == (2, 3)  # a tuple still: rendered as a shape
    assert "scratchfacts.chapter" not in sys.modules, "a cached module is not even imported"
    assert calls.read_text() == "x"
    _write(tmp_path / "results" / "chapter-x.json", "{}\n")  # a new committed result
    fresh_process()
    lookup("chapter", "shape")
    assert calls.read_text() == "xx"
    assert len(list((tmp_path / "cache").glob("chapter-*.pickle"))) == 1, "older entries are removed"


def test_a_page_checks_each_module_once_and_still_sees_an_edit_on_the_next_page(scratch_package, monkeypatch):
    """Freshness costs one fingerprint per module per page, not one per fact (a page may use dozens)."""
    from book import facts

    _write(scratch_package / "chapter.py", "def facts():\n    return {'a': 1, 'b': 2}\n")
    calls = []
    real = facts.fingerprint
    monkeypatch.setattr(facts, "fingerprint", lambda name: calls.append(name) or real(name))
    assert substitute("{{ chapter.a }} {{ chapter.b }} {{ chapter.a }}") == "1 2 1"
    assert calls == ["scratchfacts.chapter"]
    _write(scratch_package / "chapter.py", "def facts():\n    return {'a': 10, 'b': 20}\n")
    assert substitute("{{ chapter.a }} {{ chapter.b }}") == "10 20"


def test_the_cache_folder_follows_book_cache_dir(monkeypatch, tmp_path):
    from book import facts

    monkeypatch.delenv("BOOK_CACHE_DIR", raising=False)
    assert facts.cache_dir("facts") == facts.ROOT / ".cache" / "facts"
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path))
    assert facts.cache_dir("search") == tmp_path / "search"


def test_prefetch_computes_what_the_pages_use_once_and_leaves_errors_to_the_page(scratch_package, tmp_path):
    """A cold build computes facts beside the notebooks; the page then finds them ready, and a bad one still fails."""
    calls = tmp_path / "calls.txt"
    _write(
        scratch_package / "chapter.py",
        f"def facts():\n    with open({str(calls)!r}, 'a') as f:\n        f.write('x')\n    return {{'n': 7}}\n",
    )
    _write(scratch_package / "broken.py", "def facts():\n    raise ValueError('no')\n")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("{{ chapter.n }} {{ broken.x }} {{ env.python | raw }} \\{{ ignored.x }}", "utf-8")
    from book import facts

    facts.prefetch(docs).join(timeout=60)
    assert calls.read_text() == "x"
    assert substitute("{{ chapter.n }}") == "7" and calls.read_text() == "x", "the page reuses the prefetched facts"
    with pytest.raises(ValueError, match="no"):
        substitute("{{ broken.x }}")


def test_serve_imports_pytorch_before_the_first_snippet_edit():
    """``mkdocs serve`` (on_startup's command) imports the heavy modules in the background; a build does not."""
    import sys

    from book import facts as book_facts

    assert book_facts.warm_imports("build") is None
    thread = book_facts.warm_imports("serve")
    assert thread is not None and thread.daemon
    thread.join(timeout=60)
    assert not thread.is_alive() and all(name in sys.modules for name in book_facts.HEAVY_IMPORTS)
