"""Measure the book as a product: ``make bench`` (``python -m book.bench``).

It measures, on this machine, and writes ``results/site-bench.json``:

- the full strict build, cold (empty notebook cache: every notebook executed) and
  warm (the same build again, notebooks from the cache);
- the whole test suite (``pytest``), unless ``--skip-tests``;
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from book import lighthouse, search_index
from book.browser import launch as launch_browser
from book.serve import serve
from book.site_pages import site_pages

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "site-bench.json"
#: The book's targets (issues 15 and 16): builds, the suite as `make test` runs it, every page on a phone.
TARGETS = {"cold_build_s": 30, "warm_build_s": 3, "test_suite_s": 300, "page_bytes": 300 * 1024, "lighthouse": 95}


def _build(dest: Path, cache: Path, port: int) -> float:
    env = {
        **os.environ,
        "NOTEBOOK_CACHE": "true",
        "NOTEBOOK_CACHE_DIR": str(cache),
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": f"http://127.0.0.1:{port}/",
    }
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-q", "-d", str(dest)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


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
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="re-measure only the page loads, keeping the rest of the committed record",
    )
    args = parser.parse_args(argv)
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
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print("[1/5] cold build (every notebook executed) ...", flush=True)
        record["cold_build_s"] = round(_build(tmp / "site", tmp / "cache", port), 1)
        print(f"      {record['cold_build_s']} s\n[2/5] warm rebuild (notebooks cached) ...", flush=True)
        record["warm_build_s"] = round(_build(tmp / "site", tmp / "cache", port), 1)
        print(f"      {record['warm_build_s']} s", flush=True)
        pages = site_pages(tmp / "site")
        # What search no longer costs a page load (issue 17): bytes before (one merged lunr index), now, on opening.
        record["search_savings"] = search_index.page_load_savings(tmp / "site")
        with serve(tmp / "site", port) as base:
            print(f"[3/5] first load of {len(pages)} pages in Chromium ...", flush=True)
            record["pages"] = _page_loads(base, pages)
        print("[4/5] Lighthouse (mobile) on every page of both editions, served with gzip ...", flush=True)
        record["lighthouse"] = lighthouse.run(tmp / "site", pages, progress=True)
    if args.skip_tests:
        record["test_suite_s"] = None
    else:
        print("[5/5] the whole test suite ...", flush=True)
        start = time.perf_counter()
        # as `make test` runs it: one worker per core
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-n", "auto", "--dist", "loadscope"],
            cwd=ROOT,
            env={**os.environ, "NOTEBOOK_CACHE": "false"},
            capture_output=True,
            text=True,
        )
        record["test_suite_s"] = round(time.perf_counter() - start, 1)
        record["test_suite_result"] = (
            proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else f"exit {proc.returncode}"
        )
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
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
                "search_now",
                "search_before",
                "search_on_open",
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
        "cold_build": f"{r['cold_build_s']:.1f} s",
        "warm_build": f"{r['warm_build_s']:.1f} s",
        "test_suite": f"{r['test_suite_s']:.0f} s ({r.get('test_suite_result', '')})"
        if r.get("test_suite_s")
        else "not timed",
        "max_page_bytes": f"{max(x['bytes'] for x in r['pages']):,}",
        "n_pages": str(len(r["pages"])),
        "pages_table": "\n".join(rows),
        "lighthouse_table": lighthouse.table(lh),
        "lighthouse_summary": lighthouse.summary_table(lh),
        "lighthouse_version": lh.get("version", "—"),
        **_search_facts(r.get("search_savings")),
        **_targets(),
    }


def _targets() -> dict[str, str]:
    return {
        "target_cold": f"{TARGETS['cold_build_s']} s",
        "target_warm": f"{TARGETS['warm_build_s']} s",
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
