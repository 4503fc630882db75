"""Measure the book as a product: ``make bench`` (``python -m book.bench``).

It measures, on this machine, and writes ``results/site-bench.json``:

- the full strict build, cold (empty notebook cache: every notebook executed) and
  warm (the same build again, notebooks from the cache);
- the whole test suite (``pytest``), unless ``--skip-tests``;
- for every page, on a first load in Chromium: the bytes transferred and the time
  KaTeX spent typesetting its math;
- Lighthouse's performance and accessibility scores of the home page and one
  chapter, with Lighthouse's mobile (default) and desktop settings, when the
  ``lighthouse`` npm package can run against the local Chromium (it is installed
  into ``.cache/bench-node`` on first use; if that fails, the file says why).

This is a benchmark, not a test: nothing fails on a slow number. The targets the
book sets itself are recorded beside the measurements. The page "How the book
checks itself" shows the committed file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from book.browser import CHROMIUM, FLAGS
from book.browser import launch as launch_browser
from book.serve import serve
from book.site_pages import site_pages

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "site-bench.json"
NODE_DIR = ROOT / ".cache" / "bench-node"
LIGHTHOUSE_VERSION = "13.5.0"
TARGETS = {"cold_build_s": 60, "warm_build_s": 5, "page_bytes": 1_000_000, "lighthouse": 95}


def _build(dest: Path, cache: Path, port: int) -> float:
    env = {**os.environ, "NOTEBOOK_CACHE": "true", "NOTEBOOK_CACHE_DIR": str(cache),
           "NO_MKDOCS_2_WARNING": "1", "SITE_URL": f"http://127.0.0.1:{port}/"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-q", "-d", str(dest)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _page_loads(base: str, pages: list[str]) -> list[dict]:
    rows = []
    with launch_browser() as browser:
        for path in pages:
            context = browser.new_context()  # empty cache: a first visit
            page = context.new_page()
            sizes: list[int] = []
            page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_function("() => window.__bookTypeset !== undefined", timeout=15_000)
            typeset = page.evaluate("() => window.__bookTypeset")
            n_math = page.evaluate("() => document.querySelectorAll('.katex').length")
            rows.append({"page": "/" + path, "bytes": sum(sizes), "requests": len(sizes),
                         "formulas": n_math, "typeset_ms": round(typeset["ms"], 1),
                         "typeset_done_ms": round(typeset["at"], 1)})
            context.close()
    return rows


def _lighthouse_bin() -> Path | str:
    exe = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
    if exe.exists():
        return exe
    if not shutil.which("npm"):
        return "npm not found"
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],
                          cwd=NODE_DIR, capture_output=True, text=True)
    return exe if exe.exists() else f"npm install lighthouse@{LIGHTHOUSE_VERSION} failed: {proc.stderr[-300:]}"


def _lighthouse(base: str, pages: list[str]) -> dict:
    exe = _lighthouse_bin()
    if not isinstance(exe, Path):
        return {"error": exe}
    out: dict = {"version": LIGHTHOUSE_VERSION, "scores": []}
    for path in pages:
        for preset in ("mobile", "desktop"):
            with tempfile.NamedTemporaryFile(suffix=".json") as report:
                cmd = [str(exe), base + path, "--quiet", "--only-categories=performance,accessibility",
                       f"--chrome-flags={' '.join(FLAGS)}", "--output=json", f"--output-path={report.name}"]
                if preset == "desktop":
                    cmd.append("--preset=desktop")
                proc = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True)
                try:
                    data = json.loads(Path(report.name).read_text())
                    cats = data["categories"]
                    out["scores"].append({"page": "/" + path, "preset": preset,
                                          "performance": round(100 * cats["performance"]["score"]),
                                          "accessibility": round(100 * cats["accessibility"]["score"])})
                except (ValueError, KeyError, TypeError):
                    out["scores"].append({"page": "/" + path, "preset": preset, "error": proc.stderr[-300:]})
    return out


def main(argv: list[str] | None = None) -> int:
    from book.environment import environment

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--pages-only", action="store_true",
                        help="re-measure only the page loads, keeping the rest of the committed record")
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
        with serve(tmp / "site", port) as base:
            print(f"[3/5] first load of {len(pages)} pages in Chromium ...", flush=True)
            record["pages"] = _page_loads(base, pages)
            chapter = next((p for p in pages if p.startswith("chapters/")), pages[0])
            print(f"[4/5] Lighthouse on / and /{chapter} ...", flush=True)
            record["lighthouse"] = _lighthouse(base, ["", chapter])
    if args.skip_tests:
        record["test_suite_s"] = None
    else:
        print("[5/5] the whole test suite ...", flush=True)
        start = time.perf_counter()
        # as `make test` runs it: one worker per core
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "auto", "--dist", "loadscope"], cwd=ROOT,
                              env={**os.environ, "NOTEBOOK_CACHE": "false"}, capture_output=True, text=True)
        record["test_suite_s"] = round(time.perf_counter() - start, 1)
        record["test_suite_result"] = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else f"exit {proc.returncode}"
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


def facts() -> dict[str, object]:
    """The committed benchmark, for the page "How the book checks itself"."""
    if not OUT.is_file():
        missing = "not measured yet (run `make bench`)"
        return {k: missing for k in ("date", "machine", "python", "torch", "cold_build", "warm_build", "test_suite",
                                     "max_page_bytes", "n_pages", "pages_table", "lighthouse_table", "lighthouse_version")}
    r = json.loads(OUT.read_text(encoding="utf-8"))
    rows = ["| page | bytes on first load | requests | formulas | KaTeX time (ms) |", "|---|---:|---:|---:|---:|"]
    rows += [f"| `{p['page']}` | {p['bytes']:,} | {p['requests']} | {p['formulas']} | {p['typeset_ms']:.0f} |" for p in r["pages"]]
    lh = r.get("lighthouse", {})
    if "error" in lh:
        lh_rows = [f"Lighthouse could not run: {lh['error']}"]
    else:
        lh_rows = ["| page | settings | performance | accessibility |", "|---|---|---:|---:|"]
        lh_rows += [f"| `{s['page']}` | {s['preset']} | {s.get('performance', '—')} | {s.get('accessibility', '—')} |"
                    for s in lh.get("scores", [])]
    p = r["produced"]
    return {
        "date": p["date"], "machine": f"{p['cpu']}, {p['machine']}", "python": p["python"], "torch": p["torch"],
        "cold_build": f"{r['cold_build_s']:.1f} s",
        "warm_build": f"{r['warm_build_s']:.1f} s",
        "test_suite": f"{r['test_suite_s']:.0f} s ({r.get('test_suite_result', '')})" if r.get("test_suite_s") else "not timed",
        "max_page_bytes": f"{max(x['bytes'] for x in r['pages']):,}",
        "n_pages": str(len(r["pages"])),
        "pages_table": "\n".join(rows),
        "lighthouse_table": "\n".join(lh_rows),
        "lighthouse_version": lh.get("version", "—"),
    }


if __name__ == "__main__":
    sys.exit(main())
