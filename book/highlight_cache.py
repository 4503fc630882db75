"""Code blocks highlighted once per process: the same listing is not tokenised again.

Both editions show the same listings, and ``mkdocs serve`` rebuilds every page on each
save, so Pygments (through ``pymdownx.highlight``) tokenised each listing two times per
build, about a fifth of a warm build's time. ``memoize_block_highlighting`` wraps
``pymdownx.highlight.Highlight.highlight`` with a bounded cache keyed by every argument
and every setting of the extension (all but its Markdown instance), so its output is the
one the call would have made. Calls whose result is not a plain function of those are
not cached: inline code (the result is an element), and blocks with a title (an HTML
title is stored in the page's own stash).
"""

from __future__ import annotations

import collections
import functools
import inspect
from typing import Any

#: At most this many highlighted blocks are kept (the book has about 250).
MAX_ENTRIES = 4096
_CACHE: collections.OrderedDict[str, str] = collections.OrderedDict()
STATS = {"hits": 0, "misses": 0, "uncached": 0}


def _key(self: Any, bound: inspect.BoundArguments) -> str | None:
    """The cache key of one call, or None when it must not be cached."""
    args = {k: v for k, v in bound.arguments.items() if k != "self"}
    if args.get("inline") or args.get("title") or getattr(self, "auto_title", False):
        return None
    settings = {k: v for k, v in vars(self).items() if k != "md"}
    key = repr((sorted(settings.items()), sorted(args.items())))
    return None if " at 0x" in key else key  # an object without a stable repr: not cacheable


def memoize_block_highlighting() -> None:
    """Wrap ``Highlight.highlight`` once per process (calling it again does nothing)."""
    from pymdownx.highlight import Highlight

    if getattr(Highlight.highlight, "__book_memo__", False):
        return
    original = Highlight.highlight
    signature = inspect.signature(original)

    @functools.wraps(original)
    def highlight(self: Any, *args: Any, **kwargs: Any) -> Any:
        key = _key(self, signature.bind(self, *args, **kwargs))
        if key is None:
            STATS["uncached"] += 1
            return original(self, *args, **kwargs)
        if key in _CACHE:
            STATS["hits"] += 1
            _CACHE.move_to_end(key)
            return _CACHE[key]
        STATS["misses"] += 1
        html = original(self, *args, **kwargs)
        if isinstance(html, str):
            _CACHE[key] = html
            while len(_CACHE) > MAX_ENTRIES:
                _CACHE.popitem(last=False)
        return html

    highlight.__book_memo__ = True  # type: ignore[attr-defined]
    Highlight.highlight = highlight  # type: ignore[method-assign]
