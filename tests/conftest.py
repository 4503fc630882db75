"""Shared fixtures: the repository, one strict build of the site, a local server, a browser.

The site is built once per test session (notebooks executed, cache off) into a
temporary folder; the build tests, the static checks of the HTML and the browser
tests all read that one build.

Browser tests need Debian's Chromium (``/usr/bin/chromium`` or ``$BOOK_CHROMIUM``).
Without it they are skipped with the reason printed, except when ``CI=true``,
where a missing browser fails them.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CI = os.environ.get("CI") == "true"
CHROMIUM = os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class Build:
    site: Path
    returncode: int
    log: str


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The test server's port, chosen once. The site is built with this address as
#: its site_url, as the published site is with its own: Material's instant
#: navigation only takes over links to the host and port its sitemap names.
PORT = _free_port()


def _mkdocs_build(dest: Path, cache_dir: Path, offline: bool) -> Build:
    env = {
        **os.environ,
        "SITE_URL": f"http://127.0.0.1:{PORT}/",
        # A fresh cache folder per test session: the first build executes every
        # notebook and fills it; the offline build reuses it. A stale cache (one
        # that missed a change in an imported snippet) cannot exist here.
        "NOTEBOOK_CACHE": "true",
        "NOTEBOOK_CACHE_DIR": str(cache_dir),
        "NO_MKDOCS_2_WARNING": "1",
        "OFFLINE": "true" if offline else "false",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(dest)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    return Build(site=dest, returncode=proc.returncode, log=proc.stdout + proc.stderr)


@pytest.fixture(scope="session")
def notebook_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("notebook-cache")


@pytest.fixture(scope="session")
def build(tmp_path_factory, notebook_cache) -> Build:
    """One ``mkdocs build --strict`` of the book, every notebook executed (empty cache)."""
    return _mkdocs_build(tmp_path_factory.mktemp("site"), notebook_cache, offline=False)


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory, notebook_cache, build) -> Path:
    """The copy for reading from disk (``make build-offline``), built after ``build``."""
    result = _mkdocs_build(tmp_path_factory.mktemp("site-offline"), notebook_cache, offline=True)
    if result.returncode != 0:
        pytest.fail("offline build failed:\n" + result.log[-4000:])
    return result.site


@pytest.fixture(scope="session")
def site(build: Build) -> Path:
    """The built site; fails (does not skip) when the build failed."""
    if build.returncode != 0:
        pytest.fail("mkdocs build --strict failed:\n" + build.log[-4000:])
    return build.site


def site_pages(site: Path) -> list[str]:
    """URL paths of every page of a built site (directory URLs), e.g. ``chapters/a2-…/``."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if rel.startswith("assets") or rel.startswith("search"):
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="session")
def server(site: Path):
    """Serve the built site on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def _browser_missing_reason() -> str | None:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        return f"no Chromium at {CHROMIUM} (install Debian's 'chromium' or set BOOK_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed"
    return None


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright."""
    reason = _browser_missing_reason()
    if reason:
        if CI:
            pytest.fail(f"CI=true makes the browser tests mandatory, but: {reason}")
        pytest.skip(f"browser test skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


def pytest_report_header(config):
    reason = _browser_missing_reason()
    if reason:
        mode = "FAIL (CI=true)" if CI else "SKIPPED"
        return f"browser tests: {mode} — {reason}"
    return f"browser tests: Chromium at {CHROMIUM}"


_passed: list[str] = []
_browser_ran: list[bool] = []


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed:
        _passed.append(report.nodeid)
        if "browser" in report.keywords:
            _browser_ran.append(True)


def pytest_sessionfinish(session, exitstatus):
    """After a full, green run on a clean checkout, record it for the pages' verification stamp."""
    opts = session.config.option
    full = (session.config.args_source == pytest.Config.ArgsSource.TESTPATHS  # no paths given: every test
            and not opts.keyword and not opts.markexpr)
    if exitstatus == 0 and full and session.testscollected >= 100:
        from book.verified import write_record

        write_record(passed=len(_passed), browser=bool(_browser_ran))


@pytest.fixture(autouse=True)
def _close_figures():
    """Tests that draw figures leave none open (matplotlib warns past 20)."""
    yield
    import sys as _sys

    if "matplotlib.pyplot" in _sys.modules:
        _sys.modules["matplotlib.pyplot"].close("all")
