"""Exam mode hides the answers' entries in the table of contents too, in both editions, until revealed."""

from __future__ import annotations

import pytest

from browser_tools import goto, reload, reuse_tab

pytestmark = pytest.mark.browser

HIDDEN = ("the-exam-answer", "full-marks", "why")


@pytest.fixture()
def page(tab):
    """The worker's shared tab, reset (no mode remembered), wide enough for the TOC sidebar."""
    reuse_tab(tab, viewport={"width": 1400, "height": 900})
    return tab


def _toc_visible(page, anchor: str) -> bool:
    links = page.locator(f"nav.md-nav--secondary a.md-nav__link[href$='#{anchor}']")
    assert links.count() > 0, f"the table of contents has no entry #{anchor}"
    return any(links.nth(i).is_visible() for i in range(links.count()))


@pytest.mark.parametrize("edition", ["", "he/"])
def test_exam_mode_hides_the_answer_sections_in_the_toc(server, page, edition):
    goto(page, server + edition + "chapters/a2-rnncell-parameters/")
    assert all(_toc_visible(page, a) for a in HIDDEN)  # study mode: everything listed

    page.locator(".book-mode-toggle").click()  # exam mode on
    assert _toc_visible(page, "the-question")  # the question stays listed
    for anchor in HIDDEN:
        assert not _toc_visible(page, anchor), anchor

    page.click(".book-reveal button")  # revealing the answer lists its sections again
    assert all(_toc_visible(page, a) for a in HIDDEN)

    reload(page)  # exam mode is remembered; a new visit hides them again
    assert not any(_toc_visible(page, a) for a in HIDDEN)
    page.locator(".book-mode-toggle").click()  # study mode
    assert all(_toc_visible(page, a) for a in HIDDEN)
