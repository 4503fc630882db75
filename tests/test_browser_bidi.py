"""Mixed Hebrew and Latin text in Chromium, on a 360 px phone: punctuation at the right end.

The two sentences of the issue that reported it, both from the exam's questions as the
Hebrew pages quote them (the exam page has both):

- B1: "מה ההבדל בין KL(p,q) ל־KL(q,p) (Kullback–Leibler divergence)?" — the parenthesis
  of Latin text once took the Hebrew direction, so where the line wrapped inside it the
  reader saw "Kullback–)" with the bracket on the wrong side;
- B3: "[בסריקה … שאינן קריאות]" — brackets around Hebrew text, which must open at the
  right (before "בסריקה") and close at the left (after "קריאות").

Positions are read from the rendered text (``Range.getClientRects``), so the test checks
what the reader sees, not the markup. The static check over every Hebrew page is
``book.bidi.neutral_edges`` (tests/test_book_bidi.py).
"""

from __future__ import annotations

import pytest

from browser_tools import goto

pytestmark = pytest.mark.browser

# The x of the centre of the n-th occurrence of each character in the first element that
# contains `needle`, counted in the element's text in logical (reading) order.
_CHAR_X = """([selector, needle, chars]) => {
  const el = [...document.querySelectorAll(selector)].find((e) => e.textContent.includes(needle));
  if (!el) return null;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let offset = 0;
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, offset]);
    offset += walker.currentNode.data.length;
  }
  const text = el.textContent;
  const start = text.indexOf(needle);
  return chars.map(([ch, nth]) => {
    let at = start - 1;
    for (let k = 0; k <= nth; k++) at = text.indexOf(ch, at + 1);
    if (at < 0 || at >= start + needle.length) return null;
    const [node, base] = nodes.filter(([, b]) => b <= at).pop();
    const range = document.createRange();
    range.setStart(node, at - base);
    range.setEnd(node, at - base + 1);
    const r = range.getBoundingClientRect();
    return { x: r.left + r.width / 2, top: Math.round(r.top) };
  });
}"""


def _positions(page, selector: str, needle: str, chars: list[tuple[str, int]]) -> list[dict]:
    found = page.evaluate(_CHAR_X, [selector, needle, chars])
    assert found is not None, f"no {selector} contains {needle!r}"
    assert None not in found, f"a character of {chars} is not in {needle!r}: {found}"
    return found


@pytest.fixture(scope="module")
def exam_page(server, browser):
    """The Hebrew exam page on a 360 px phone."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    goto(page, server + "he/exam/")
    yield page
    context.close()


def test_a_latin_parenthesis_opens_on_its_left(exam_page):
    needle = "(Kullback–Leibler divergence)"
    opening, k, closing, e = _positions(exam_page, "p", needle, [("(", 0), ("K", 0), (")", 0), ("e", 4)])
    assert opening["top"] == k["top"], "the opening bracket and K are on one line"
    assert opening["x"] < k["x"], f"'(' is drawn right of 'K': {opening} vs {k}"
    assert closing["top"] == e["top"], "the closing bracket and the last e are on one line"
    assert closing["x"] > e["x"], f"')' is drawn left of 'divergence': {closing} vs {e}"


def test_a_hebrew_prefix_stays_before_its_latin_word(exam_page):
    lamed, maqaf, k = _positions(exam_page, "p", "ל־KL(q,p)", [("ל", 0), ("־", 0), ("K", 0)])
    assert lamed["top"] == maqaf["top"] == k["top"], "ל־KL is not broken across lines"
    assert lamed["x"] > maqaf["x"] > k["x"], f"the order on screen is not ל, ־, KL from the right: {lamed, maqaf, k}"


def test_brackets_around_hebrew_open_on_the_right(exam_page):
    needle = "[בסריקה מוזכרות שכבות נוספות"
    opening, bet = _positions(exam_page, ".lost", needle, [("[", 0), ("ב", 0)])
    assert opening["top"] == bet["top"]
    assert opening["x"] > bet["x"], f"'[' is drawn left of 'בסריקה': {opening} vs {bet}"
    needle = "שאינן קריאות]"
    tav, closing = _positions(exam_page, ".lost", needle, [("ת", 0), ("]", 0)])
    assert tav["top"] == closing["top"]
    assert closing["x"] < tav["x"], f"']' is drawn right of 'קריאות': {closing} vs {tav}"
