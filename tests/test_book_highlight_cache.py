"""book/highlight_cache.py: a cached highlight is the very HTML the extension makes, and only safe calls are cached."""

from __future__ import annotations

import markdown

from book import highlight_cache

SOURCE = "```python\ndef f(x):\n    return x + 1  # one\n```\n\nInline `#!python x = 1` too.\n\n```python\nf(2)\n```\n"
EXTENSIONS = ["pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.superfences"]


def _html(text: str = SOURCE) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def test_cached_blocks_are_the_html_pygments_makes_and_inline_code_is_not_cached(monkeypatch):
    from pymdownx.highlight import Highlight

    monkeypatch.setattr(Highlight, "highlight", Highlight.highlight)  # the wrapper is undone after the test
    monkeypatch.setattr(highlight_cache, "_CACHE", highlight_cache._CACHE.__class__())
    monkeypatch.setattr(highlight_cache, "STATS", {"hits": 0, "misses": 0, "uncached": 0})
    plain = _html()
    highlight_cache.memoize_block_highlighting()
    highlight_cache.memoize_block_highlighting()  # idempotent: wrapped once
    assert Highlight.highlight.__wrapped__.__module__ == "pymdownx.highlight"
    first, second = _html(), _html()
    assert first == second == plain
    assert highlight_cache.STATS == {"hits": 2, "misses": 2, "uncached": 2}, "two blocks cached, inline code not"
    edited = _html(SOURCE.replace("# one", "# two"))
    assert "# two" in edited and "# one" not in edited, "an edited listing is highlighted again"


def test_the_cache_is_bounded(monkeypatch):
    from pymdownx.highlight import Highlight

    monkeypatch.setattr(Highlight, "highlight", Highlight.highlight)
    monkeypatch.setattr(highlight_cache, "_CACHE", highlight_cache._CACHE.__class__())
    monkeypatch.setattr(highlight_cache, "MAX_ENTRIES", 3)
    highlight_cache.memoize_block_highlighting()
    for i in range(5):
        _html(f"```python\nx = {i}\n```\n")
    assert len(highlight_cache._CACHE) == 3
