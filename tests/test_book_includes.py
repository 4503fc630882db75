"""book/includes.py: sections of one page included in another, with their links intact."""

from __future__ import annotations

import pytest

from book.includes import IncludeError, absolute_links, expand_markdown_includes


def _repo(tmp_path, text: str):
    (tmp_path / "docs" / "chapters").mkdir(parents=True)
    (tmp_path / "docs" / "chapters" / "x.md").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_section_is_included_indented_with_its_links_made_absolute(tmp_path):
    root = _repo(
        tmp_path,
        "before\n<!-- --8<-- [start:q] -->\nSee [B](b.md#y) and {{ env.python }}.\n<!-- --8<-- [end:q] -->\nafter\n",
    )
    out = expand_markdown_includes('!!! note\n    --8<-- "docs/chapters/x.md:q"\n', root=root)
    assert out == "!!! note\n    See [B](/chapters/b.md#y) and {{ env.python }}.\n"


def test_a_whole_page_is_included_without_its_markers(tmp_path):
    root = _repo(tmp_path, "A\n<!-- --8<-- [start:q] -->\nB\n<!-- --8<-- [end:q] -->\n")
    assert expand_markdown_includes('--8<-- "docs/chapters/x.md"', root=root) == "A\nB"


def test_a_missing_page_or_section_stops_the_build(tmp_path):
    root = _repo(tmp_path, "no sections\n")
    with pytest.raises(IncludeError, match="missing page: docs/chapters/nope.md"):
        expand_markdown_includes('--8<-- "docs/chapters/nope.md"', root=root)
    with pytest.raises(IncludeError, match="missing section: docs/chapters/x.md:q"):
        expand_markdown_includes('--8<-- "docs/chapters/x.md:q"', root=root)


def test_includes_that_include_themselves_stop(tmp_path):
    root = _repo(tmp_path, '--8<-- "docs/chapters/x.md"\n')
    with pytest.raises(IncludeError, match="nested more than 3 deep"):
        expand_markdown_includes('--8<-- "docs/chapters/x.md"', root=root)


def test_code_includes_are_left_to_pymdownx_snippets():
    text = '--8<-- "snippets/a2_rnncell_parameters.py:count"'
    assert expand_markdown_includes(text) == text


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("[a](#x)", "[a](/print/p.md#x)"),
        ("[a](../chapters/c.md)", "[a](/chapters/c.md)"),
        ("[a](/chapters/c.md)", "[a](/chapters/c.md)"),
        ("[a](mailto:a@b.c)", "[a](mailto:a@b.c)"),
    ],
)
def test_absolute_links(link, expected):
    assert absolute_links(link, "print/p.md") == expected
