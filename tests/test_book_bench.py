"""book/bench.py: the warm build's one-line edit is real and always undone; a failed test is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from book import bench


def test_a_line_is_appended_to_or_inserted_after(tmp_path: Path):
    page = tmp_path / "p.md"
    page.write_text("# T\n\nlast line\n\n", encoding="utf-8")
    assert bench._edit_line(page, None, " MARK") == b"# T\n\nlast line\n\n"
    assert page.read_text(encoding="utf-8") == "# T\n\nlast line MARK\n\n"
    code = tmp_path / "s.py"
    code.write_text("def f():\n    return 1\n", encoding="utf-8")
    bench._edit_line(code, "def f():", "# MARK")
    assert code.read_text(encoding="utf-8") == "def f():\n    # MARK\n    return 1\n"


def test_the_warm_build_undoes_its_edit_even_when_the_build_fails(tmp_path: Path, monkeypatch):
    page = tmp_path / "docs" / "about" / "x.md"
    page.parent.mkdir(parents=True)
    page.write_text("# X\n\ntext\n", encoding="utf-8")
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    seen = []

    def failing_build(dest, cache, port):
        seen.append(page.read_text(encoding="utf-8"))
        raise RuntimeError("build failed")

    monkeypatch.setattr(bench, "_build", failing_build)
    with pytest.raises(RuntimeError, match="build failed"):
        bench.edited_build(tmp_path / "site", tmp_path / "cache", 0, page=Path("docs/about/x.md"))
    assert seen == ["# X\n\ntext" + bench.WARM_MARK + "\n"], "the build saw the edit"
    assert page.read_text(encoding="utf-8") == "# X\n\ntext\n", "and the page is back as it was"


def test_a_build_that_does_not_show_the_edit_is_an_error(tmp_path: Path, monkeypatch):
    page = tmp_path / "docs" / "x.md"
    page.parent.mkdir(parents=True)
    page.write_text("text\n", encoding="utf-8")
    (tmp_path / "site" / "x").mkdir(parents=True)
    (tmp_path / "site" / "x" / "index.html").write_text("<p>text</p>", encoding="utf-8")
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    monkeypatch.setattr(bench, "_build", lambda dest, cache, port: 1.0)
    with pytest.raises(RuntimeError, match="did not show the edit"):
        bench.edited_build(tmp_path / "site", tmp_path / "cache", 0, page=Path("docs/x.md"))


def test_failed_tests_are_named_and_an_error_counts_as_one(tmp_path: Path):
    junit = tmp_path / "j.xml"
    junit.write_text(
        '<testsuites><testsuite><testcase classname="tests.test_a" name="test_ok"/>'
        '<testcase classname="tests.test_b" name="test_x[1]"><error message="e"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    assert bench.failed_tests(junit) == ["tests/test_b.py::test_x[1]"]
    name = "tests/test_b.py::test_x[1]"
    assert bench._failed({"test_suite_failed": [name]}) == f"; failed: `{name}`"
    assert bench._failed({}) == ""
