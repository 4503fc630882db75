"""Shared fixtures: the repository, one strict build of the site, a local server, a browser.

The site is built once per test run, even with pytest-xdist (``make test`` runs
``pytest -n auto --dist loadscope``): the main process makes one run folder and starts
one local server on it; the first worker that needs the site builds it there (notebooks
executed, empty cache) under a file lock, and the other workers wait for that build and
read its result. The offline copy is built the same way. The build tests, the static
checks of the HTML and the browser tests all read that one build.

Browser tests need Debian's Chromium (``/usr/bin/chromium`` or ``$BOOK_CHROMIUM``).
Without it they are skipped with the reason printed, except when ``CI=true``,
where a missing browser fails them.

Progress: one line per finished test file (its tests' outcomes and time), also under
xdist, so a long run never sits silent.

Threads: every process of the run (the workers, the builds, their notebook kernels) does
torch's work on one thread (``OMP_NUM_THREADS=1``, unless the caller set it). The book's
tensors are small, and three workers share two cores with Chromium: two threads per
process mostly wait for each other (B1's ``fit_gaussian`` took 0.85 s with two threads,
0.06 s with one, measured here). A test of threading sets its own count; the training runs
that results/ records already use one thread (``snippets.training.torch_threads``). B1's fits
were recorded with two; they agree with one thread to within the 1e-6 their test allows.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported anywhere (see above)

import pytest

from book.browser import CHROMIUM, missing_reason
from book.browser import launch as launch_browser
from book.serve import free_port
from book.serve import start as start_server
from book.site_pages import site_pages  # noqa: F401  (the tests import it from here)
from browser_tools import DESKTOP

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CI = os.environ.get("CI") == "true"

#: Tests of this file are spread one by one over the xdist workers (each is one page);
#: every other file runs whole on one worker, so its module fixtures are made once.
SPREAD_FILES = ("tests/test_browser_pages.py",)


@dataclass
class Build:
    site: Path
    returncode: int
    log: str


# ---- the run folder and the server, made once by the main process -------------------

_RUN: dict = {}


def _run_info(config) -> tuple[Path, int]:
    """The run folder and the server port: the main process's, also in an xdist worker."""
    if hasattr(config, "workerinput"):
        return Path(config.workerinput["book_run_dir"]), int(config.workerinput["book_port"])
    return _RUN["dir"], _RUN["port"]


def pytest_configure(config):
    if hasattr(config, "workerinput"):
        return
    run = Path(tempfile.mkdtemp(prefix="book-tests-"))
    # The port is chosen once and the site is built with this address as its site_url,
    # as the published site is with its own: Material's instant navigation only takes
    # over links to the host and port its sitemap names. The server reads the folder at
    # each request, so it can start before the site is built.
    port = free_port()
    _RUN.update(dir=run, port=port, httpd=start_server(run / "site", port))
    config.pluginmanager.register(_Progress(config), "book-progress")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """Hand the run folder and port to each xdist worker."""
    node.workerinput["book_run_dir"] = str(_RUN["dir"])
    node.workerinput["book_port"] = _RUN["port"]


def pytest_unconfigure(config):
    if hasattr(config, "workerinput") or "httpd" not in _RUN:
        return
    _RUN["httpd"].shutdown()
    _RUN["httpd"].server_close()
    shutil.rmtree(_RUN["dir"], ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope``, but the per-page browser tests each form their own scope."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(SPREAD_FILES):
                return nodeid
            return super()._split_scope(nodeid)

    return BookScheduling(config, log)


# ---- one build per run ---------------------------------------------------------------


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive lock on ``path`` across processes (the xdist workers)."""
    import fcntl

    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _mkdocs_build(dest: Path, cache_dir: Path, port: int, offline: bool) -> Build:
    env = {
        **os.environ,
        "SITE_URL": f"http://127.0.0.1:{port}/",
        # A fresh cache folder per test run: the first build executes every
        # notebook and fills it; the offline build reuses it. A stale cache (one
        # that missed a change in an imported snippet) cannot exist here.
        "NOTEBOOK_CACHE": "true",
        "NOTEBOOK_CACHE_DIR": str(cache_dir),
        "NO_MKDOCS_2_WARNING": "1",
        "OFFLINE": "true" if offline else "false",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(dest)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return Build(site=dest, returncode=proc.returncode, log=proc.stdout + proc.stderr)


def _shared_build(config, name: str, offline: bool) -> Build:
    """The build ``name`` of this run: made by the first process that asks, read by the others."""
    run, port = _run_info(config)
    record = run / f"{name}.json"
    with _locked(run / f"{name}.lock"):
        if not record.is_file():
            start = time.perf_counter()
            result = _mkdocs_build(run / name, run / "notebook-cache", port, offline)
            record.write_text(
                json.dumps(
                    {"returncode": result.returncode, "log": result.log, "seconds": time.perf_counter() - start}
                ),
                encoding="utf-8",
            )
        data = json.loads(record.read_text(encoding="utf-8"))
    return Build(site=run / name, returncode=data["returncode"], log=data["log"])


@pytest.fixture(scope="session")
def build(pytestconfig) -> Build:
    """One ``mkdocs build --strict`` of the book, every notebook executed (empty cache)."""
    return _shared_build(pytestconfig, "site", offline=False)


@pytest.fixture(scope="session")
def offline_site(pytestconfig, build) -> Path:
    """The copy for reading from disk (``make build-offline``), built after ``build`` (its notebook cache)."""
    result = _shared_build(pytestconfig, "site-offline", offline=True)
    if result.returncode != 0:
        pytest.fail("offline build failed:\n" + result.log[-4000:])
    return result.site


@pytest.fixture(scope="session")
def site(build: Build) -> Path:
    """The built site; fails (does not skip) when the build failed."""
    if build.returncode != 0:
        pytest.fail("mkdocs build --strict failed:\n" + build.log[-4000:])
    return build.site


@pytest.fixture(scope="session")
def server(pytestconfig, site: Path) -> str:
    """The base URL of the run's local server (127.0.0.1, the port the site was built for)."""
    _, port = _run_info(pytestconfig)
    return f"http://127.0.0.1:{port}/"


# ---- the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Debian's Chromium; a test that needs it is skipped without it (failed when CI=true)."""
    reason = missing_reason()
    if reason:
        if CI:
            pytest.fail(f"CI=true makes the browser tests mandatory, but: {reason}")
        pytest.skip(f"browser test skipped: {reason}")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium):
    """A headless Debian Chromium driven by Playwright (one per xdist worker)."""
    with launch_browser(chromium) as b:
        yield b


@pytest.fixture(scope="session")
def tab(browser):
    """One tab per xdist worker, shared by the tests that each load a page in it (``browser_tools.reuse_tab``
    resets it first): a page's load in a new tab costs Chromium about four times the CPU of a load in
    one that already runs."""
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


def pytest_report_header(config):
    reason = missing_reason()
    if reason:
        mode = "FAIL (CI=true)" if CI else "SKIPPED"
        return f"browser tests: {mode} — {reason}"
    return f"browser tests: Chromium at {CHROMIUM}"


# ---- progress: a line per finished test file; the record of a full green run ----------


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _outcome(report) -> str | None:
    """What a report adds to its file's tally: the test's outcome, or an error of its setup or teardown."""
    if report.when == "call":
        return report.outcome
    if report.failed:
        return "error"
    return "skipped" if report.skipped else None


class _Progress:
    """A plugin (not conftest hooks, which only see the tests under tests/): it sees every
    test of the run, doctests of snippets/ and book/ included, in the main process."""

    def __init__(self, config):
        self.config = config
        self.expected: Counter = Counter()  # tests per file still to report
        self.outcomes: dict[str, Counter] = defaultdict(Counter)
        self.seconds: Counter = Counter()
        self.passed: list[str] = []
        self.browser_ran = False

    def pytest_collection_finish(self, session):
        self.expected.update(_file(item.nodeid) for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        if not self.expected:  # every worker collects the same tests: count them once
            self.expected.update(_file(nodeid) for nodeid in ids)

    def pytest_runtest_logreport(self, report):
        if report.when == "call" and report.passed:
            self.passed.append(report.nodeid)
            self.browser_ran |= "browser" in report.keywords
        name = _file(report.nodeid)
        self.seconds[name] += report.duration
        outcome = _outcome(report)
        if outcome:
            self.outcomes[name][outcome] += 1
        if report.when != "teardown" or name not in self.expected:
            return
        self.expected[name] -= 1
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if self.expected[name] == 0 and reporter is not None:
            counts = ", ".join(f"{n} {k}" for k, n in sorted(self.outcomes[name].items()))
            reporter.write_line(f"done: {name}  ({counts}; {self.seconds[name]:.1f} s of test time)")

    def pytest_sessionfinish(self, session, exitstatus):
        """After a full, green run on a clean checkout, record it for the pages' verification stamp."""
        opts = session.config.option
        full = (
            session.config.args_source == pytest.Config.ArgsSource.TESTPATHS  # no paths given: every test
            and not opts.keyword
            and not opts.markexpr
        )
        if exitstatus == 0 and full and session.testscollected >= 100:
            from book.verified import write_record

            write_record(passed=len(self.passed), browser=self.browser_ran)


@pytest.fixture(autouse=True)
def _close_figures():
    """Tests that draw figures leave none open (matplotlib warns past 20)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
