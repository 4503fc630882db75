"""When and with what the book's code was last verified — generated from the test run.

A full, successful ``make test`` (every test, browser checks included, on a clean
checkout) writes ``.cache/verified.json``: the commit, the date, the versions of
Python, PyTorch and NumPy, and how many tests passed. The build then stamps every
page with it (``book/mkdocs_hooks.py``), but only if that record is for the commit
being built; otherwise the page says the build has not been verified. The deploy
workflow runs ``make test`` and then ``make site``, so the published pages carry
the record of the run that checked them.
"""

from __future__ import annotations

import html
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / ".cache" / "verified.json"


def git_state() -> tuple[str | None, bool]:
    """``(commit, dirty)`` of the checkout, or ``(None, True)`` outside git.

    >>> commit, dirty = git_state()
    >>> commit is None or len(commit) == 40
    True
    """
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None, True
    return commit, bool(status)


def write_record(passed: int, browser: bool) -> Path | None:
    """Called at the end of a full, successful test session. Writes nothing on a dirty tree."""
    from book.environment import environment

    commit, dirty = git_state()
    if commit is None or dirty:
        return None
    env = environment()
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    RECORD.write_text(
        json.dumps(
            {
                "commit": commit,
                "date": env["date"],
                "python": env["python"],
                "torch": env["torch"].split("+")[0],
                "numpy": env["numpy"],
                "passed": passed,
                "browser": browser,
                "produced": env,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return RECORD


def stamp(lang: str = "en") -> str:
    """The HTML line every page ends with, in the edition's language ("en" or "he")."""
    commit, dirty = git_state()
    record = json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.is_file() else None
    if record and commit and not dirty and record.get("commit") == commit:
        browser = ", browser checks included" if record.get("browser") else ", without the browser checks"
        if lang == "he":
            browser = ", כולל הבדיקות בדפדפן" if record.get("browser") else ", בלי הבדיקות בדפדפן"
            text = (
                f"נבדק ב־{record['date']}: <code>make test</code> עבר ({record['passed']} בדיקות{browser}) "
                f"עם Python {record['python']}, PyTorch {record['torch']} ו־NumPy {record['numpy']}, "
                f"ב־commit <code>{html.escape(commit[:10])}</code>."
            )
            return f'<p class="book-verified">{text}</p>'
        text = (
            f"Verified on {record['date']}: <code>make test</code> passed ({record['passed']} tests{browser}) "
            f"with Python {record['python']}, PyTorch {record['torch']} and NumPy {record['numpy']}, "
            f"at commit <code>{html.escape(commit[:10])}</code>."
        )
    elif lang == "he":
        text = (
            "הקוד של הבנייה הזו עדיין לא נבדק: הריצו <code>make test</code> על עותק נקי של המאגר, "
            "בנו שוב, והשורה הזו תאמר מתי ועם אילו גרסאות הבדיקות עברו."
        )
    else:
        text = (
            "This build's code has not been verified yet: run <code>make test</code> on a clean checkout, "
            "then build again, and this line will say when and with which versions it passed."
        )
    return f'<p class="book-verified">{text}</p>'
