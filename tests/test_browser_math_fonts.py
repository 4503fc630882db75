"""The subset KaTeX fonts (book/math_fonts.py) draw every formula exactly as the whole fonts do.

Each page is loaded twice in Chromium: once as built, once with every font request answered
with the vendored, whole font. Every formula is laid out (no block skipped), the fonts are
waited for, and each formula's box is measured: a character missing from a subset would be
drawn by a fallback font, with other widths.
"""

from __future__ import annotations

import pytest

from book.math_fonts import FONTS
from browser_tools import goto, reuse_tab
from conftest import DOCS

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 412, "height": 900}

MEASURE_JS = """async () => {
  const style = document.createElement('style');
  style.textContent = '* { content-visibility: visible !important; }';
  document.head.appendChild(style);
  document.querySelectorAll('.katex-html').forEach(e => e.getBoundingClientRect());
  await document.fonts.ready;
  const faces = [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family);
  const boxes = [...document.querySelectorAll('.katex-html')].map(e => {
    const r = e.getBoundingClientRect(); return [Math.round(r.width * 100) / 100, Math.round(r.height * 100) / 100];
  });
  return {faces: [...new Set(faces)].sort(), boxes};
}"""


def _whole_fonts(served: list[str]):
    def answer(route):
        name = route.request.url.rsplit("/", 1)[-1]
        served.append(name)
        route.fulfill(path=str(DOCS / FONTS / name), content_type="font/woff2")

    return answer


@pytest.mark.parametrize(
    "path", ["chapters/c-lipschitz-rnn/", "he/chapters/b1-kl-asymmetry/", "chapters/a1-sign-backprop/"]
)
def test_every_formula_measures_the_same_with_the_whole_fonts(server, browser, tab, path):
    """As built in the worker's shared tab; with the whole fonts in a new tab of its own: the route that
    answers with them stays on the tab it is set on, and a font that tab already holds would be drawn
    without being asked for."""
    served: list[str] = []
    reuse_tab(tab, viewport=VIEWPORT)
    goto(tab, server + path)
    subset = tab.evaluate(MEASURE_JS)
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.route("**/" + FONTS + "/*.woff2", _whole_fonts(served))
        page = context.new_page()
        goto(page, server + path)
        whole = page.evaluate(MEASURE_JS)
    finally:
        context.close()
    assert "KaTeX_Main-Regular.woff2" in served, f"the whole fonts were not served: {served}"
    assert len(subset["boxes"]) >= 20 and any(f.startswith("KaTeX_") for f in subset["faces"]), subset["faces"]
    assert subset["faces"] == whole["faces"]
    changed = [(i, a, b) for i, (a, b) in enumerate(zip(subset["boxes"], whole["boxes"])) if a != b]
    assert len(subset["boxes"]) == len(whole["boxes"]) and not changed, changed[:10]
