"""The verification stamp every page ends with (book/verified.py): from the test run, never typed."""

from __future__ import annotations

import json

from book import verified


def _record(tmp_path, monkeypatch, commit="a" * 40):
    path = tmp_path / "verified.json"
    path.write_text(
        json.dumps(
            {
                "commit": commit,
                "date": "2026-11-27",
                "python": "3.11.7",
                "torch": "2.13.0",
                "numpy": "2.4.6",
                "passed": 321,
                "browser": True,
            }
        )
    )
    monkeypatch.setattr(verified, "RECORD", path)


def test_a_record_for_this_commit_is_stamped(tmp_path, monkeypatch):
    _record(tmp_path, monkeypatch)
    monkeypatch.setattr(verified, "git_state", lambda: ("a" * 40, False))
    text = verified.stamp()
    assert "Verified on 2026-11-27" in text and "321 tests, browser checks included" in text
    assert "PyTorch 2.13.0" in text and "Python 3.11.7" in text


def test_the_hebrew_stamp_says_the_same_in_hebrew(tmp_path, monkeypatch):
    _record(tmp_path, monkeypatch)
    monkeypatch.setattr(verified, "git_state", lambda: ("a" * 40, False))
    text = verified.stamp("he")
    assert "נבדק ב־2026-11-27" in text and "321 בדיקות" in text and "PyTorch 2.13.0" in text
    monkeypatch.setattr(verified, "git_state", lambda: ("b" * 40, False))
    assert "עדיין לא נבדק" in verified.stamp("he")


def test_a_record_for_another_commit_or_a_dirty_tree_is_not(tmp_path, monkeypatch):
    _record(tmp_path, monkeypatch)
    for state in [("b" * 40, False), ("a" * 40, True), (None, True)]:
        monkeypatch.setattr(verified, "git_state", lambda state=state: state)
        assert "has not been verified" in verified.stamp()


def test_no_record_on_a_dirty_tree(tmp_path, monkeypatch):
    monkeypatch.setattr(verified, "RECORD", tmp_path / "v.json")
    monkeypatch.setattr(verified, "git_state", lambda: ("c" * 40, True))
    assert verified.write_record(passed=5, browser=False) is None
    assert not (tmp_path / "v.json").exists()


def test_every_built_page_carries_the_stamp(site):
    from conftest import site_pages

    for path in site_pages(site):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        assert 'class="book-verified"' in html, path
        stamp = html.split('class="book-verified"', 1)[1][:200]
        assert ("נבדק" in stamp) if path.startswith("he/") else ("erified" in stamp), (
            f"{path}: stamp in the wrong language"
        )
