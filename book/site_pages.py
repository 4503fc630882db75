"""The pages of a built site: every ``index.html`` outside ``assets/`` and ``search/``, as directory URLs."""

from __future__ import annotations

from pathlib import Path


def site_pages(site: Path) -> list[str]:
    """URL paths of every page of a built site, sorted: ``""``, ``chapters/a2-…/``, ``he/``, …"""
    pages = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if rel.startswith(("assets", "search", "pdf")):
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages
