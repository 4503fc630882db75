"""Headless Debian Chromium for the tests, the PDFs and the benchmark: one path, one set of flags, one launch.

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
def launch(chromium: str = CHROMIUM) -> Iterator[object]:
    """A running headless Chromium (a Playwright ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
