"""Lighthouse on every page of both editions: ``python -m book.lighthouse SITE`` (and ``make bench``).

The built site is served from 127.0.0.1 with gzip (as GitHub Pages serves it), and
Lighthouse (npm ``lighthouse``, installed into ``.cache/bench-node`` on first use)
loads each page with its default mobile settings (a throttled phone; ``--desktop``
adds its desktop preset), ``--runs`` times (3), and keeps the median run. For each
page it records the performance and accessibility scores, Total Blocking Time, Largest Contentful Paint, Cumulative
Layout Shift, the bytes transferred, the DOM size and how many of those bytes are
the search index. ``summary`` gives the worst and the median.

This is a benchmark, not a test: nothing fails on a slow number, and the numbers
depend on the machine and its load (Lighthouse simulates the phone's CPU by
slowing this one down).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from book.browser import CHROMIUM, FLAGS
from book.serve import serve
from book.site_pages import site_pages

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / ".cache" / "bench-node"
LIGHTHOUSE_VERSION = "13.5.0"

#: What the book asks of every page (issue 16): score, blocking time, bytes on a first load.
TARGETS = {"performance": 95, "accessibility": 100, "tbt_ms": 200, "bytes": 300 * 1024}


def lighthouse_bin() -> Path | str:
    """The lighthouse executable, installed on first use; or a sentence saying why there is none."""
    exe = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
    if exe.exists():
        return exe
    if not shutil.which("npm"):
        return "npm not found"
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
    )
    return exe if exe.exists() else f"npm install lighthouse@{LIGHTHOUSE_VERSION} failed: {proc.stderr[-300:]}"


def _row(path: str, preset: str, data: dict) -> dict:
    cats, audits = data["categories"], data["audits"]
    items = audits.get("network-requests", {}).get("details", {}).get("items", [])
    search = sum(i.get("transferSize", 0) for i in items if "/search/" in i.get("url", ""))
    dom = (audits.get("dom-size-insight") or audits.get("dom-size") or {}).get("numericValue")
    return {
        "page": "/" + path,
        "preset": preset,
        "performance": round(100 * cats["performance"]["score"]),
        "accessibility": round(100 * cats["accessibility"]["score"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "bytes": round(audits["total-byte-weight"]["numericValue"]),
        "search_index_bytes": search,
        "dom_elements": round(dom) if dom is not None else None,
    }


def run_page(exe: Path, url: str, path: str, preset: str = "mobile") -> dict:
    """One Lighthouse run: the row of numbers for the page, or ``{"error": …}``."""
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        cmd = [
            str(exe),
            url,
            "--quiet",
            "--only-categories=performance,accessibility",
            f"--chrome-flags={' '.join(FLAGS)}",
            "--output=json",
            f"--output-path={report.name}",
        ]
        if preset == "desktop":
            cmd.append("--preset=desktop")
        proc = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True)
        try:
            return _row(path, preset, json.loads(Path(report.name).read_text()))
        except (ValueError, KeyError, TypeError) as err:
            return {"page": "/" + path, "preset": preset, "error": f"{err!r} {proc.stderr[-300:]}"}


#: Runs per page: one run's score varies by a few points from run to run on one machine;
#: Lighthouse's own documentation on variability (docs/variability.md) advises several runs and the median.
RUNS = 3


def median_run(runs: list[dict]) -> dict:
    """The run whose performance score is the median of ``runs`` (every number of the row is from that one run;
    of an even number, the lower middle one), with every run's score in ``performance_runs`` and how many runs
    failed in ``failed_runs``; a failed run counts only if all did.

    >>> median_run([{"performance": 97, "tbt_ms": 90}, {"performance": 93, "tbt_ms": 250},
    ...             {"performance": 95, "tbt_ms": 160}])
    {'performance': 95, 'tbt_ms': 160, 'performance_runs': [97, 93, 95], 'failed_runs': 0}
    >>> row = median_run([{"error": "x"}, {"performance": 96}]); row["performance"], row["failed_runs"]
    (96, 1)
    """
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {**runs[0], "failed_runs": len(runs)}
    middle = sorted(ok, key=lambda r: r["performance"])[(len(ok) - 1) // 2]
    return {**middle, "performance_runs": [r["performance"] for r in ok], "failed_runs": len(runs) - len(ok)}


def run(
    site: Path,
    pages: list[str] | None = None,
    presets: tuple[str, ...] = ("mobile",),
    progress: bool = False,
    runs: int = RUNS,
) -> dict:
    """Lighthouse on ``pages`` (default: every page of both editions) of the built ``site``, ``runs`` times each:
    each page's row is its median run (``median_run``)."""
    if not isinstance(runs, int) or runs < 1:
        raise ValueError(f"runs must be a positive whole number, not {runs!r}")
    exe = lighthouse_bin()
    if not isinstance(exe, Path):
        return {"error": exe}
    pages = site_pages(site) if pages is None else pages
    rows = []
    with serve(Path(site), gzip=True) as base:
        for i, path in enumerate(pages):
            for preset in presets:
                row = median_run([run_page(exe, base + path, path, preset) for _ in range(runs)])
                rows.append(row)
                if progress:
                    print(f"  [{i + 1}/{len(pages)}] {preset:7} {_line(row)}", flush=True)
    return {
        "version": LIGHTHOUSE_VERSION,
        "served": "127.0.0.1, gzip",
        "runs": runs,
        "targets": TARGETS,
        "scores": rows,
        "summary": summary(rows),
    }


def _line(row: dict) -> str:
    if "error" in row:
        return f"{row['page']}: error {row['error'][:120]}"
    runs = ", ".join(map(str, row.get("performance_runs", []))) + (
        f"; {row['failed_runs']} failed" if row.get("failed_runs") else ""
    )
    return (
        f"{row['page']}: performance {row['performance']} (runs: {runs}), accessibility {row['accessibility']}, "
        f"TBT {row['tbt_ms']} ms, LCP {row['lcp_ms']} ms, {row['bytes'] / 1024:.0f} KiB "
        f"(search index {row['search_index_bytes'] / 1024:.0f} KiB), {row['dom_elements']} DOM elements"
    )


def summary(rows: list[dict]) -> dict:
    """Per preset: the worst and the median of each number (worst: lowest score, highest cost).

    >>> s = summary([{"preset": "mobile", "page": "/a/", "performance": 90, "accessibility": 100, "tbt_ms": 300,
    ...               "lcp_ms": 2000, "bytes": 10, "search_index_bytes": 5},
    ...              {"preset": "mobile", "page": "/b/", "performance": 98, "accessibility": 100, "tbt_ms": 100,
    ...               "lcp_ms": 1000, "bytes": 30, "search_index_bytes": 5}])
    >>> s["mobile"]["performance"], s["mobile"]["tbt_ms"], s["mobile"]["worst_page"]
    ({'worst': 90, 'median': 94.0}, {'worst': 300, 'median': 200.0}, '/a/')
    """
    out: dict = {}
    for preset in sorted({r["preset"] for r in rows}):
        ok = [r for r in rows if r["preset"] == preset and "error" not in r]
        if not ok:
            continue
        one: dict = {"pages": len(ok), "errors": sum(1 for r in rows if r["preset"] == preset and "error" in r)}
        for key, worst in (
            ("performance", min),
            ("accessibility", min),
            ("tbt_ms", max),
            ("lcp_ms", max),
            ("bytes", max),
            ("search_index_bytes", max),
        ):
            values = [r[key] for r in ok]
            one[key] = {"worst": worst(values), "median": statistics.median(values)}
        one["worst_page"] = min(ok, key=lambda r: (r["performance"], -r["tbt_ms"]))["page"]
        out[preset] = one
    return out


def table(record: dict) -> str:
    """The Markdown table of a run (every page), for the verification page."""
    if not record:
        return "Lighthouse has not been run yet (`make bench`)."
    if "error" in record:
        return f"Lighthouse could not run: {record['error']}"
    rows = [
        "| page | settings | performance | every run's performance | accessibility | TBT (ms) | LCP (ms) "
        "| KiB on first load | of which search index |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in record.get("scores", []):
        every = ", ".join(map(str, s.get("performance_runs", []))) or "—"
        if s.get("failed_runs"):
            every += f" ({s['failed_runs']} failed)"
        if "error" in s:
            rows.append(f"| `{s['page']}` | {s['preset']} | error | | | | | | |")
        elif "tbt_ms" in s:
            rows.append(
                f"| `{s['page']}` | {s['preset']} | {s['performance']} | {every} | {s['accessibility']} "
                f"| {s['tbt_ms']} | {s['lcp_ms']} | {s['bytes'] / 1024:.0f} | {s['search_index_bytes'] / 1024:.0f} |"
            )
        else:  # a record from before per-page numbers were kept
            rows.append(
                f"| `{s['page']}` | {s['preset']} | {s.get('performance', '—')} | — | "
                f"{s.get('accessibility', '—')} | — | — | — | — |"
            )
    return "\n".join(rows)


def summary_table(record: dict) -> str:
    """Worst and median over every page, per preset (Markdown)."""
    if not record or "error" in record:
        return table(record)
    summ = record.get("summary") or summary([s for s in record.get("scores", []) if "tbt_ms" in s])
    if not summ:
        return "No page has per-page Lighthouse numbers yet (`make bench`)."
    rows = [
        "| settings | pages | | performance | accessibility | TBT (ms) | LCP (ms) | KiB on first load "
        "| of which search index |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for preset, s in summ.items():
        for which in ("worst", "median"):
            cells = [f"{s[k][which]:.0f}" for k in ("performance", "accessibility", "tbt_ms", "lcp_ms")]
            cells += [f"{s[k][which] / 1024:.0f}" for k in ("bytes", "search_index_bytes")]
            rows.append(f"| {preset} | {s['pages']} | {which} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site (mkdocs build -d SITE)")
    parser.add_argument("pages", nargs="*", help="pages below the site root (default: every page of both editions)")
    parser.add_argument("--desktop", action="store_true", help="also run Lighthouse's desktop preset")
    parser.add_argument("--json", type=Path, help="write the record to this file")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs per page; the median is kept (default {RUNS})")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, not {args.runs}")
    pages = [p.strip("/") + "/" if p.strip("/") else "" for p in args.pages] or None
    presets = ("mobile", "desktop") if args.desktop else ("mobile",)
    record = run(args.site, pages, presets, progress=True, runs=args.runs)
    if args.json:
        args.json.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(summary_table(record))
    return 1 if "error" in record else 0


if __name__ == "__main__":
    sys.exit(main())
