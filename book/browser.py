"""Headless Debian Chromium for the tests, the PDFs and the benchmark: one path, one set of flags, one launch,
and the in-page checks the printer and the tests share (every figure loaded).

The flags keep Chromium from reaching any other host on its own (component updates,
sync, background networking, QUIC) and let it run in a container (no sandbox, no GPU).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

#: The browser: Debian's Chromium unless ``$BOOK_CHROMIUM`` names another.
CHROMIUM = os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

#: For printing: images load when the page does, whatever their ``loading`` attribute. Chromium
#: 156 holds the first print of a page with ``loading="lazy"`` images about 2 s, even when every
#: one of them has loaded (measured here: A3's chapter printed in 2.1 s, in 0.2 s with this flag).
EAGER_IMAGES = "--blink-settings=lazyLoadEnabled=false"


def missing_reason(chromium: str = CHROMIUM) -> str | None:
    """Why Chromium cannot be driven here, or None when it can."""
    if not (shutil.which(chromium) or Path(chromium).is_file()):
        return f"no Chromium at {chromium} (install Debian's 'chromium' or set BOOK_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed"
    return None


@contextlib.contextmanager
def launch(chromium: str = CHROMIUM, extra_flags: tuple[str, ...] = ()) -> Iterator[object]:
    """A running headless Chromium (a Playwright ``Browser``), closed on exit; ``extra_flags`` after ``FLAGS``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS + list(extra_flags), headless=True)
        try:
            yield browser
        finally:
            browser.close()


#: The article's images that did not load (their addresses), as they are now.
BROKEN_IMAGES_JS = (
    "() => [...document.querySelectorAll('article img')]"
    ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
)


#: The article's images that did not load (their addresses), once every one has finished: null while
#: any is still loading. The lazy ones (figures below a page's first section, book/page_weight.py)
#: are asked for at each check (a printout needs them all; after instant navigation the new page's
#: images come with it).
IMAGES_DONE_JS = """() => {
  document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; });
  const images = [...document.querySelectorAll('article img')];
  if (!images.every(i => i.complete)) return null;
  return images.filter(i => !(i.naturalWidth > 0)).map(i => i.src);
}"""


def images_not_shown(page, timeout_ms: int = 30_000) -> list[str]:
    """The article's images that did not load, the lazy ones fetched now: waits up to ``timeout_ms``
    for every image to finish (then, still loading, they count as not shown)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        return page.wait_for_function(IMAGES_DONE_JS, timeout=timeout_ms).json_value()
    except PlaywrightTimeout:  # what is still missing is reported; any other error is raised
        return page.evaluate(BROKEN_IMAGES_JS)
