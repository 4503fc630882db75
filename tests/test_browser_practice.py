"""The practice blocks (docs/assets/javascripts/practice.js) end to end in Chromium, in both editions.

A seeded address reproduces the generator's variant (the same prompt as in node); right, wrong,
hinted and unreadable answers get their messages; the worked solution opens; the tally counts and
resets; the seed survives a reload and instant navigation; a bad seed in the address gives a note
and a fresh variant; the keyboard alone works; axe finds nothing in the block; nothing scrolls
sideways at 360 px. A handful of page visits, to keep the suite fast.
"""

from __future__ import annotations

import re

import pytest

from browser_tools import AXE, click_nav, follow, goto, reload
from practice_tools import generator

pytestmark = pytest.mark.browser

A2 = "chapters/a2-rnncell-parameters/"
B1 = "chapters/b1-kl-asymmetry/"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def a2_case() -> tuple[int, dict]:
    """A seed whose variant has every case the test needs: a non-square first shape, an absent second
    tensor, and a total with a one-bias hint."""
    for result in generator("a2")(list(range(400))):
        v = result["variant"]
        q1, q2, total = v["questions"]
        if (
            q1["answer"]["value"][0] != q1["answer"]["value"][1]
            and q2["answer"]["type"] == "error"
            and v["params"]["bias"]
            and total["hints"]
        ):
            return v["seed"], v
    raise AssertionError("no seed in 0..399 has the cases this test needs")


@pytest.fixture()
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def box(page, qid: str, block: str = "#practice-a2") -> str:
    return f"{block} .practice__q[data-question='{qid}']"


def check(page, qid: str, answer: str, block: str = "#practice-a2") -> tuple[str, str]:
    page.fill(f"{box(page, qid, block)} input", answer)
    page.click(f"{box(page, qid, block)} button")
    return page.inner_text(f"{box(page, qid, block)} .practice__message"), page.get_attribute(
        box(page, qid, block), "class"
    )


def axe_on(page, selector: str) -> list[dict]:
    """Every axe-core violation (any impact) inside ``selector``."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (sel) => (await axe.run(document.querySelector(sel), {resultTypes: ['violations']}))
            .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))""",
        selector,
    )


def sideways(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a2_practice_in_english(server, context, a2_case):
    seed, variant = a2_case
    q1, q2, total = variant["questions"]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    goto(page, f"{server}{A2}?practice-a2={seed}")

    # The address's seed gives the generator's variant, the same as in node.
    assert page.inner_text("#practice-a2 .practice__title strong") == f"Practice: variant {seed}"
    assert page.inner_html("#practice-a2 .practice__prompt") == variant["prompt"]["en"]
    assert page.inner_text(f"{box(page, 'shape-1')} label") == q1["label"]["en"]
    assert page.get_attribute(f"{box(page, 'shape-1')} label", "for") == page.get_attribute(
        f"{box(page, 'shape-1')} input", "id"
    )
    assert "0 of 0" in page.inner_text("#practice-a2 .practice__tally")

    # Bad input: the self-checks' messages.
    shape = q1["answer"]["value"]
    for bad, expected in [
        ("", "Type an answer first"),
        (f"{shape[0]} {shape[1]}", "commas"),
        (f"({shape[0]}, many)", "whole number"),
    ]:
        message, state = check(page, "shape-1", bad)
        assert "is-invalid" in state and expected in message, (bad, message)
    for bad, expected in [("", "Type an answer first"), ("many", "digits only"), ("1.5e5", "digits only")]:
        message, state = check(page, "total", bad)
        assert "is-invalid" in state and expected in message, (bad, message)
    # A wrong answer first (transposed: its hint), then the right one; the tally counts first tries.
    message, state = check(page, "shape-1", f"({shape[1]}, {shape[0]})")
    assert "is-wrong" in state and "Transposed" in message, message
    message, state = check(page, "shape-1", f"{shape[0]} x {shape[1]}")
    assert "is-right" in state and message.startswith("Right"), message
    message, state = check(page, "shape-2", "error")
    assert "is-right" in state, message
    hint = total["hints"][0]
    message, state = check(page, "total", f"{hint['value']:,}")
    assert "is-wrong" in state and hint["text"]["en"] in message, message
    message, state = check(page, "total", str(total["answer"]["value"]))
    assert "is-right" in state, message
    assert "1 of 3" in page.inner_text("#practice-a2 .practice__tally")
    assert page.get_attribute(f"{box(page, 'total')} .practice__message", "aria-live") == "polite"

    # The worked solution: every step of the generator.
    toggle = page.locator("#practice-a2 .practice__actions button", has_text="Show solution")
    assert toggle.get_attribute("aria-expanded") == "false" and not page.is_visible("#practice-a2-solution")
    toggle.click()
    assert page.is_visible("#practice-a2-solution")
    assert page.locator("#practice-a2 .practice__actions button").nth(1).get_attribute("aria-expanded") == "true"
    assert page.locator("#practice-a2-solution li").count() == len(variant["solution"])
    assert f"{total['answer']['value']:,}" in page.inner_text("#practice-a2-solution")
    assert axe_on(page, "#practice-a2") == []

    # The seed survives a reload and instant navigation away and back; the tally is kept.
    reload(page)
    assert page.inner_text("#practice-a2 .practice__title strong") == f"Practice: variant {seed}"
    click_nav(page, "exam/")
    assert page.url.endswith("/exam/")
    follow(page, page.go_back)
    page.wait_for_selector(f"#practice-a2[data-seed='{seed}']")
    assert "1 of 3" in page.inner_text("#practice-a2 .practice__tally")

    # New variant: a new seed, written to the address. Reset clears the tally.
    page.click("#practice-a2 .practice__actions button >> text=New variant")
    new_seed = page.get_attribute("#practice-a2", "data-seed")
    assert new_seed != str(seed) and f"practice-a2={new_seed}" in page.url
    page.click("#practice-a2 .practice__reset")
    assert "0 of 0" in page.inner_text("#practice-a2 .practice__tally")

    # A bad seed in the address: a clear note and a fresh variant, never an empty block.
    goto(page, f"{server}{A2}?practice-a2=12abc")
    assert "'12abc'" in page.inner_text("#practice-a2 .practice__notice")
    fresh = page.get_attribute("#practice-a2", "data-seed")
    assert re.fullmatch(r"[0-9]+", fresh) and f"practice-a2={fresh}" in page.url
    assert page.locator("#practice-a2 .practice__q").count() == 3

    # At 360 px, solution open: nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    page.click("#practice-a2 .practice__actions button >> nth=1")
    assert sideways(page) <= 0
    assert not errors, errors


def test_a2_practice_in_hebrew_by_keyboard_on_a_phone(server, browser, a2_case):
    seed, variant = a2_case
    q1, q2, total = variant["questions"]
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    goto(page, f"{server}he/{A2}?practice-a2={seed}")
    assert page.inner_html("#practice-a2 .practice__prompt") == variant["prompt"]["he"]
    assert page.inner_text(f"{box(page, 'shape-1')} label") == q1["label"]["he"]
    assert page.get_attribute(f"{box(page, 'shape-1')} input", "dir") == "ltr"

    # Keyboard only: from the link in the block's title, Tab to each box, type, Enter.
    page.focus("#practice-a2 .practice__link")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # an empty answer
    assert "כתבו קודם תשובה" in page.inner_text(f"{box(page, 'shape-1')} .practice__message")
    page.keyboard.type(str(tuple(q1["answer"]["value"])))
    page.keyboard.press("Enter")
    assert "is-right" in page.get_attribute(box(page, "shape-1"), "class")
    page.keyboard.press("Tab")  # its Check button
    page.keyboard.press("Tab")
    page.keyboard.type("שגיאה")  # the Hebrew "error"
    page.keyboard.press("Enter")
    assert "is-right" in page.get_attribute(box(page, "shape-2"), "class")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("abc")
    page.keyboard.press("Enter")
    assert "ספרות בלבד" in page.inner_text(f"{box(page, 'total')} .practice__message")
    for _ in range(3):  # its Check button, "New variant", "Show solution"
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "הצגת הפתרון"
    page.keyboard.press("Enter")
    assert page.is_visible("#practice-a2-solution")
    assert "פתרון מלא" in page.inner_text("#practice-a2-solution")
    assert "2 מתוך 2" in page.inner_text("#practice-a2 .practice__tally")

    assert sideways(page) <= 0
    assert axe_on(page, "#practice-a2") == []
    ctx.close()


def test_b1_practice_reads_decimals_and_hints_the_other_direction(server, context):
    results = generator("b1")(list(range(100)))
    variant = next(
        r["variant"]
        for r in results
        if any("other direction" in h["text"]["en"] for h in r["variant"]["questions"][0]["hints"])
    )
    (q,) = variant["questions"]
    page = context.new_page()
    goto(page, f"{server}{B1}?practice-b1={variant['seed']}")
    assert page.inner_html("#practice-b1 .practice__prompt") == variant["prompt"]["en"]
    for bad in ["", "abc", "0.3.1"]:
        message, state = check(page, "kl", bad, "#practice-b1")
        assert "is-invalid" in state and ("decimal number" in message or "Type an answer" in message), message
    reverse = next(h for h in q["hints"] if "other direction" in h["text"]["en"])
    message, state = check(page, "kl", f"{reverse['value']:.3f}", "#practice-b1")
    assert "is-wrong" in state and "other direction" in message, message
    message, state = check(page, "kl", f"{q['answer']['value']:.3f}", "#practice-b1")
    assert "is-right" in state, message
    page.click("#practice-b1 .practice__actions button >> nth=1")
    assert page.locator("#practice-b1-solution li").count() == len(variant["solution"])
    assert axe_on(page, "#practice-b1") == []
