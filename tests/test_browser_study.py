"""Study mode, exam mode and self-checks, end to end in Chromium: type, check, toggle, navigate."""

from __future__ import annotations

import pytest

from book.facts import lookup, render
from browser_tools import click_nav, goto

pytestmark = pytest.mark.browser

A2 = "chapters/a2-rnncell-parameters/"


@pytest.fixture()
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def _check(page, box: str, answer: str) -> tuple[str, str]:
    page.fill(f"#{box} input", answer)
    page.click(f"#{box} button")
    message = page.inner_text(f"#{box} .self-check__message")
    state = page.get_attribute(f"#{box}", "class")
    return message, state


def test_self_checks_accept_right_answers_hint_wrong_ones_and_explain_bad_input(server, context):
    page = context.new_page()
    goto(page, server + A2)
    total = lookup("a2_rnncell_parameters", "total")
    one_bias = lookup("a2_rnncell_parameters", "one_bias_total")
    shape = render(lookup("a2_rnncell_parameters", "weight_ih_shape"))

    msg, state = _check(page, "check-a2-total", f"{total:,}")
    assert "is-right" in state and msg.startswith("Right")
    msg, state = _check(page, "check-a2-total", str(one_bias))
    assert "is-wrong" in state and "two" in msg
    for bad, expected in [("", "Type an answer first"), ("eighty thousand", "digits only"), ("8.2e4", "digits only")]:
        msg, state = _check(page, "check-a2-total", bad)
        assert "is-invalid" in state and expected in msg, (bad, msg)

    msg, state = _check(page, "check-a2-weight-ih", shape)
    assert "is-right" in state, msg
    msg, state = _check(page, "check-a2-weight-ih", shape.strip("()").replace(", ", " x "))
    assert "is-right" in state, msg  # 256 x 64 is read as the same shape
    msg, state = _check(page, "check-a2-weight-ih", "(64, 256)")
    assert "is-wrong" in state and "Transposed" in msg
    for bad, expected in [("256 64", "commas"), ("(256, sixty-four)", "whole number"), ("   ", "Type an answer")]:
        msg, state = _check(page, "check-a2-weight-ih", bad)
        assert "is-invalid" in state and expected in msg, (bad, msg)
    # Enter checks too, and the result is announced to screen readers.
    page.fill("#check-a2-total input", str(total))
    page.press("#check-a2-total input", "Enter")
    assert page.inner_text("#check-a2-total .self-check__message").startswith("Right")
    assert page.get_attribute("#check-a2-total .self-check__message", "aria-live") == "polite"


def test_exam_mode_hides_answers_everywhere_until_revealed_and_is_remembered(server, context):
    page = context.new_page()
    goto(page, server + A2)
    toggle = page.locator(".book-mode-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.locator(".book-answers").is_visible()

    toggle.click()  # exam mode on
    assert toggle.get_attribute("aria-pressed") == "true"
    assert not page.locator(".book-answers").is_visible()
    assert page.locator(".book-reveal").is_visible()
    assert page.locator("#check-a2-total input").is_visible()  # the question and self-checks stay

    page.click(".book-reveal button")  # reveal this page's answer
    assert page.locator(".book-answers").is_visible()
    assert not page.locator(".book-reveal").is_visible()

    # Instant navigation to another page and back: still exam mode, answer hidden again.
    click_nav(page, "exam/")
    assert page.url.endswith("/exam/")
    assert page.locator(".book-mode-toggle").get_attribute("aria-pressed") == "true"
    click_nav(page, "a2-rnncell-parameters/")
    assert page.url.endswith("/a2-rnncell-parameters/")
    page.wait_for_selector(".book-reveal", state="visible")
    assert not page.locator(".book-answers").is_visible()

    # A new visit (same browser profile) remembers the choice.
    second = context.new_page()
    goto(second, server + A2)
    assert second.locator(".book-mode-toggle").get_attribute("aria-pressed") == "true"
    assert not second.locator(".book-answers").is_visible()
    second.click(".book-mode-toggle")  # back to study mode
    assert second.locator(".book-answers").is_visible()


def test_without_javascript_the_answers_are_simply_shown(browser, server):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server + A2)
    assert page.locator(".book-answers").is_visible()
    assert page.locator(".book-reveal").count() == 0
    assert page.locator("h2#the-exam-answer").is_visible()
    ctx.close()


def test_b3_self_checks_read_shapes_with_the_batch_symbol(server, context):
    page = context.new_page()
    goto(page, server + "chapters/b3-cnn-shapes/")
    conv = lookup("b3_shape_tracer", "conv_shape")  # e.g. "b × 5 × 26 × 26"
    msg, state = _check(page, "check-b3-conv", conv)
    assert "is-right" in state, msg
    msg, state = _check(page, "check-b3-conv", "(" + conv.replace(" × ", ", ") + ")")
    assert "is-right" in state, msg
    msg, state = _check(page, "check-b3-conv", lookup("b3_shape_tracer", "no_batch"))
    assert "is-wrong" in state and "batch" in msg
    msg, state = _check(page, "check-b3-conv", lookup("b3_shape_tracer", "channels_last"))
    assert "is-wrong" in state and "channels-first" in msg
    msg, state = _check(page, "check-b3-flat", f"b × {lookup('b3_shape_tracer', 'missing_channels')}")
    assert "is-wrong" in state and "factor is missing" in msg
    msg, state = _check(page, "check-b3-pool", lookup("b3_shape_tracer", "pool_shape"))
    assert "is-right" in state, msg
    msg, state = _check(page, "check-b3-pool", "b 5 13 13")
    assert "is-invalid" in state and "commas" in msg
