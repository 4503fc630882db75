"""Measure the book as a product: ``make bench`` (``python -m book.bench``).

It measures, on this machine, and writes ``results/site-bench.json``:

- the full strict build, cold (every cache empty: notebooks, facts, formulas and search
  records go to a temporary ``BOOK_CACHE_DIR``/``NOTEBOOK_CACHE_DIR``, so every notebook is
  executed, every ``facts()`` run and every formula typeset) and warm (after a one-line edit of
  one page, ``WARM_EDIT``: the case of an author saving a page; the edit is undone afterwards);
- the whole test suite (``pytest``), unless ``--skip-tests``; the names of failed tests are kept;
- for every page, on a first load in Chromium: the bytes transferred and the
  number of formulas (typeset when the book is built);
- Lighthouse on every page of both editions (mobile settings, the site served
  with gzip): score, Total Blocking Time, LCP, bytes, the search index's share
  (``book/lighthouse.py``; installed into ``.cache/bench-node`` on first use; if
  that fails, the file says why).

This is a benchmark, not a test: nothing fails on a slow number. The targets the
book sets itself are recorded beside the measurements. The page "How the book
checks itself" shows the committed file.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from book import lighthouse, search_index
from book.browser import launch as launch_browser
from book.serve import serve
from book.site_pages import site_pages

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "site-bench.json"
#: The book's targets (issues 15 and 16): builds, the suite as `make test` runs it, every page on a phone.
TARGETS = {
    "cold_build_s": 30,
    "warm_build_s": 3,
    "serve_edit_s": 3,  # from saving a page to the served page showing the edit
    "test_suite_s": 300,
    "page_bytes": 300 * 1024,
    "lighthouse": 95,
}


#: The page the warm build edits (one line, undone afterwards) and the text it appends to that line.
WARM_EDIT = Path("docs") / "about" / "contributing.md"
WARM_MARK = " (make bench: a one-line edit)"


#: CPU seconds (user + system) of the last ``_build`` and the processes it waited for (notebook kernels, node).
LAST_CPU_S: list[float] = [0.0]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _build(dest: Path, cache: Path, port: int) -> float:
    """One strict build into ``dest`` with every build cache under ``cache``; returns its wall seconds.

    Its CPU seconds go to ``LAST_CPU_S``: on a loaded machine they say more than the wall time.
    """
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-q", "-d", str(dest)],
        cwd=ROOT,
        env=_cache_env(cache, port),
        check=True,
        capture_output=True,
    )
    LAST_CPU_S[0] = _children_cpu() - cpu
    return time.perf_counter() - start


def edited_build(dest: Path, cache: Path, port: int, page: Path = WARM_EDIT) -> float:
    """A rebuild after a one-line edit of ``page`` (its last non-empty line gets ``WARM_MARK``).

    The page is restored afterwards, even on an error; raises ``RuntimeError`` if the built
    page does not show the edit (the build would then not have measured what it says).
    """
    path = ROOT / page
    original = _edit_line(path, None, WARM_MARK)
    try:
        seconds = _build(dest, cache, port)
    finally:
        path.write_bytes(original)
    built = dest / page.relative_to("docs").with_suffix("") / "index.html"
    if WARM_MARK.strip() not in built.read_text(encoding="utf-8"):
        raise RuntimeError(f"the warm build did not show the edit of {page} in {built}")
    return seconds


#: The snippet the serve check edits: a line inside a listing of chapter B3's test page (no notebook imports it).
SERVE_SNIPPET = Path("snippets") / "b3_shape_calculator.py"
SERVE_SNIPPET_AFTER = "def build_layer(spec: dict) -> nn.Module:"
SERVE_SNIPPET_PAGE = "chapters/b3-calculator-tested/"
SNIPPET_MARK = "# make bench: a one-line edit"


def _cache_env(cache: Path, port: int) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k != "BOOK_MATH_CACHE"},
        "NOTEBOOK_CACHE": "true",
        "NOTEBOOK_CACHE_DIR": str(cache / "notebooks"),
        "BOOK_CACHE_DIR": str(cache / "book"),  # facts, formulas, search records (book/facts.py: cache_dir)
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": f"http://127.0.0.1:{port}/",
    }


def _wait_for(url: str, text: str | None, present: bool = True, timeout: float = 180.0) -> float:
    """Seconds until ``url`` answers 200 and (``text`` given) contains it, or no longer does (``present=False``)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode("utf-8", "replace")
            if text is None or (text in body) == present:
                return time.perf_counter() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url}: {text!r} {'did not appear' if present else 'stayed'} within {timeout:.0f} s")


def _edit_line(path: Path, after: str | None, mark: str) -> bytes:
    """Edit one line of ``path``: a new line ``mark`` after the line ``after`` (indented like it, one level
    deeper), or, with ``after`` None, ``mark`` appended to the last non-empty line. Returns the original bytes."""
    original = path.read_bytes()
    lines = original.decode("utf-8").splitlines(keepends=True)
    if after is None:
        last = max(i for i, line in enumerate(lines) if line.strip())
        lines[last] = lines[last].rstrip("\n") + mark + "\n"
    else:
        i = next(i for i, line in enumerate(lines) if line.rstrip() == after)
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())] + "    "
        lines.insert(i + 1, f"{indent}{mark}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return original


def serve_edits(cache: Path, port: int) -> dict[str, float]:
    """``mkdocs serve`` from warm caches: seconds to the first page, then from saving an edit until the served
    page shows it — a one-line edit of a page, and one line added to a listing of a snippet. Edits are undone.
    """
    base = f"http://127.0.0.1:{port}/"
    out: dict[str, float] = {}
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=_cache_env(cache, port),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(base, None)
            out["first_page_s"] = time.perf_counter() - start
            for key, rel, after, mark, page in [
                ("page_edit_s", WARM_EDIT, None, WARM_MARK, "about/contributing/"),
                ("snippet_edit_s", SERVE_SNIPPET, SERVE_SNIPPET_AFTER, SNIPPET_MARK, SERVE_SNIPPET_PAGE),
            ]:
                original = _edit_line(ROOT / rel, after, mark)
                try:
                    out[key] = _wait_for(base + page, mark.strip())
                finally:
                    (ROOT / rel).write_bytes(original)
                _wait_for(base + page, mark.strip(), present=False)  # the undo is served too
        except TimeoutError as exc:
            log.seek(0)
            raise RuntimeError(f"{exc}\nmkdocs serve said:\n{log.read().decode(errors='replace')[-3000:]}") from None
        finally:
            for stop in (lambda: proc.send_signal(signal.SIGINT), proc.terminate, proc.kill):
                stop()  # SIGINT first (mkdocs shuts down cleanly); a shell's background job may ignore it
                try:
                    proc.wait(timeout=10)
                    break
                except subprocess.TimeoutExpired:
                    continue
    return {k: round(v, 1) for k, v in out.items()}


def failed_tests(junit: Path) -> list[str]:
    """``file::test`` of every failed or erroring test case in a pytest JUnit XML file.

    >>> import tempfile
    >>> xml = ('<testsuites><testsuite><testcase classname="tests.test_a" name="test_ok"/>'
    ...        '<testcase classname="tests.test_a" name="test_bad"><failure message="x"/></testcase>'
    ...        '</testsuite></testsuites>')
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / "j.xml").write_text(xml)
    ...     failed_tests(Path(d) / "j.xml")
    ['tests/test_a.py::test_bad']
    """
    out = []
    for case in ET.parse(junit).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            module = case.get("classname", "").replace(".", "/")
            out.append(f"{module}.py::{case.get('name')}")
    return out


def _suite(record: dict) -> None:
    """Time ``make test`` (lint, then every test); record its last line and the failed tests' names."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        start = time.perf_counter()
        proc = subprocess.run(
            ["make", "--no-print-directory", "test", f"PYTEST_ARGS=-q -rfE --junitxml={junit}"],
            cwd=ROOT,
            env={**os.environ, "NOTEBOOK_CACHE": "false"},
            capture_output=True,
            text=True,
        )
        record["test_suite_s"] = round(time.perf_counter() - start, 1)
        lines = proc.stdout.strip().splitlines()
        record["test_suite_result"] = lines[-1] if lines else f"exit {proc.returncode}"
        missing = [f"no JUnit file (exit {proc.returncode})"]
        record["test_suite_failed"] = failed_tests(junit) if junit.is_file() else missing


def _page_loads(base: str, pages: list[str]) -> list[dict]:
    rows = []
    with launch_browser() as browser:
        for path in pages:
            context = browser.new_context()  # empty cache: a first visit
            page = context.new_page()
            sizes: list[int] = []
            page.on(
                "requestfinished",
                lambda r, sizes=sizes: sizes.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]),
            )
            page.goto(base + path, wait_until="networkidle")
            # Math is typeset at build time (book/math_render.py): the browser spends nothing on it.
            n_math = page.evaluate("() => document.querySelectorAll('.katex').length")
            rows.append({"page": "/" + path, "bytes": sum(sizes), "requests": len(sizes), "formulas": n_math})
            context.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    from book.environment import environment

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", "--skip-suite", action="store_true", help="do not time the test suite")
    parser.add_argument("--skip-lighthouse", action="store_true", help="do not run Lighthouse")
    parser.add_argument(
        "--lighthouse-runs", type=int, default=lighthouse.RUNS, help="Lighthouse runs per page (the median is kept)"
    )
    parser.add_argument("--skip-serve", action="store_true", help="do not time edits under mkdocs serve")
    parser.add_argument("--skip-pages", action="store_true", help="do not measure the page loads in Chromium")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write the record (default {OUT.name})")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="re-measure only the page loads, keeping the rest of the committed record",
    )
    args = parser.parse_args(argv)
    if args.lighthouse_runs < 1:
        parser.error(f"--lighthouse-runs must be at least 1, not {args.lighthouse_runs}")
    if args.pages_only:
        record = json.loads(OUT.read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            _build(tmp / "site", tmp / "cache", 8765)
            with serve(tmp / "site", 8765) as base:
                record["pages"] = _page_loads(base, site_pages(tmp / "site"))
        record["pages_remeasured"] = environment()["date"]
        OUT.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} (pages only)")
        return 0
    port = 8765
    record: dict = {"command": "make bench", "produced": environment(), "targets": TARGETS}
    skipped = [name for name, skip in [("pages", args.skip_pages), ("lighthouse", args.skip_lighthouse)] if skip]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print("[1/5] cold build (every cache empty: notebooks run, facts computed, formulas typeset) ...", flush=True)
        record["cold_build_s"] = round(_build(tmp / "site", tmp / "cache", port), 1)
        record["cold_build_cpu_s"] = round(LAST_CPU_S[0], 1)
        print(f"      {record['cold_build_s']} s ({record['cold_build_cpu_s']} s of CPU)", flush=True)
        print(f"[2/5] warm rebuild, one line of {WARM_EDIT} edited ...", flush=True)
        record["warm_build_s"] = round(edited_build(tmp / "site", tmp / "cache", port), 1)
        record["warm_build_cpu_s"] = round(LAST_CPU_S[0], 1)
        record["warm_build_edit"] = f"one line of {WARM_EDIT.as_posix()}"
        print(f"      {record['warm_build_s']} s ({record['warm_build_cpu_s']} s of CPU)", flush=True)
        if not args.skip_serve:
            print("[2b]  mkdocs serve: first page, then save-to-page for a page edit and a snippet edit ...")
            record["serve"] = serve_edits(tmp / "cache", port + 1)
            print(f"      {record['serve']}", flush=True)
        pages = site_pages(tmp / "site")
        # What search no longer costs a page load (issue 17): bytes before (one merged lunr index), now, on opening.
        record["search_savings"] = search_index.page_load_savings(tmp / "site")
        if not args.skip_pages:
            with serve(tmp / "site", port) as base:
                print(f"[3/5] first load of {len(pages)} pages in Chromium ...", flush=True)
                record["pages"] = _page_loads(base, pages)
        if not args.skip_lighthouse:
            print("[4/5] Lighthouse (mobile) on every page of both editions, served with gzip ...", flush=True)
            record["lighthouse"] = lighthouse.run(tmp / "site", pages, progress=True, runs=args.lighthouse_runs)
    if args.skip_tests:
        record["test_suite_s"] = None
    else:
        print("[5/5] the whole test suite ...", flush=True)
        _suite(record)
        if record["test_suite_failed"]:
            print("      failed: " + ", ".join(record["test_suite_failed"]))
    if skipped and args.out.is_file():  # a reduced run keeps what it did not measure, and says so
        previous = json.loads(args.out.read_text(encoding="utf-8"))
        for name in skipped:
            if name in previous:
                record[name] = previous[name]
        record["kept_from_earlier_run"] = {"parts": skipped, "date": previous.get("produced", {}).get("date")}
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def facts() -> dict[str, object]:
    """The committed benchmark, for the page "How the book checks itself"."""
    if not OUT.is_file():
        missing = "not measured yet (run `make bench`)"
        return {
            k: missing
            for k in (
                "date",
                "machine",
                "python",
                "torch",
                "cold_build",
                "warm_build",
                "test_suite",
                "max_page_bytes",
                "n_pages",
                "pages_table",
                "lighthouse_table",
                "lighthouse_summary",
                "lighthouse_version",
                "lighthouse_runs",
                "search_now",
                "search_before",
                "search_on_open",
                "serve_page_edit",
                "serve_snippet_edit",
                "kept_parts",
                "kept_date",
            )
        } | _targets()
    r = json.loads(OUT.read_text(encoding="utf-8"))
    rows = ["| page | bytes on first load | requests | formulas |", "|---|---:|---:|---:|"]
    rows += [f"| `{p['page']}` | {p['bytes']:,} | {p['requests']} | {p['formulas']} |" for p in r["pages"]]
    lh = r.get("lighthouse", {})
    p = r["produced"]
    return {
        "date": p["date"],
        "machine": f"{p['cpu']}, {p['machine']}",
        "python": p["python"],
        "torch": p["torch"],
        "cold_build": f"{r['cold_build_s']:.1f} s"
        + (f" ({r['cold_build_cpu_s']:.0f} s of CPU, every cache empty)" if "cold_build_cpu_s" in r else ""),
        "warm_build": f"{r['warm_build_s']:.1f} s",
        "test_suite": f"{r['test_suite_s']:.0f} s ({r.get('test_suite_result', '')}{_failed(r)})"
        if r.get("test_suite_s")
        else "not timed",
        "max_page_bytes": f"{max(x['bytes'] for x in r['pages']):,}",
        "n_pages": str(len(r["pages"])),
        "pages_table": "\n".join(rows),
        "lighthouse_table": lighthouse.table(lh),
        "lighthouse_summary": lighthouse.summary_table(lh),
        "lighthouse_version": lh.get("version", "—"),
        "lighthouse_runs": str(lh.get("runs", 1)),
        **_search_facts(r.get("search_savings")),
        **_serve_facts(r.get("serve")),
        **_kept_facts(r.get("kept_from_earlier_run")),
        **_targets(),
    }


def _kept_facts(kept: dict | None) -> dict[str, str]:
    """What a reduced run (``--skip-…``) did not measure again, and the date of the run it comes from.

    >>> _kept_facts({"parts": ["lighthouse", "test_suite_s"], "date": "2026-12-06"})
    {'kept_parts': '`lighthouse`, `test_suite_s`', 'kept_date': '2026-12-06'}
    >>> _kept_facts(None)
    {'kept_parts': '—', 'kept_date': '—'}
    """
    if not kept:
        return {"kept_parts": "—", "kept_date": "—"}
    return {"kept_parts": ", ".join(f"`{part}`" for part in kept["parts"]), "kept_date": str(kept["date"])}


def _serve_facts(serve: dict | None) -> dict[str, str]:
    """Save-to-page under ``mkdocs serve``: a one-line page edit, a one-line snippet (listing) edit."""
    if not serve:
        return {k: "not measured yet (run `make bench`)" for k in ("serve_page_edit", "serve_snippet_edit")}
    return {
        "serve_page_edit": f"{serve['page_edit_s']:.1f} s",
        "serve_snippet_edit": f"{serve['snippet_edit_s']:.1f} s",
    }


def _failed(r: dict) -> str:
    """``"; failed: tests/x.py::test_y"`` for a record whose suite had failures, else ``""``."""
    names = r.get("test_suite_failed") or []
    return "; failed: " + ", ".join(f"`{n}`" for n in names) if names else ""


def _targets() -> dict[str, str]:
    return {
        "target_cold": f"{TARGETS['cold_build_s']} s",
        "target_warm": f"{TARGETS['warm_build_s']} s",
        "target_serve": f"{TARGETS['serve_edit_s']} s",
        "target_suite": f"{TARGETS['test_suite_s'] // 60} min",
        "target_page_bytes": f"{TARGETS['page_bytes']:,}",
    }


def _search_facts(rows: list[dict] | None) -> dict[str, str]:
    """Search bytes per page load, worst page: now, before (the merged lunr index), and on opening search."""
    if not rows:
        return {k: "not measured yet (run `make bench`)" for k in ("search_now", "search_before", "search_on_open")}
    return {
        "search_now": f"at most {max(x['now'] for x in rows):,} B",
        "search_before": f"{max(x['before'] for x in rows):,} B",
        "search_on_open": f"{max(x['on_open'] for x in rows):,} B",
    }


if __name__ == "__main__":
    sys.exit(main())
