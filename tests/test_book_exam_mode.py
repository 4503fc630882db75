"""book/exam_mode.py: a chapter's answers are wrapped so that exam mode can hide them."""

from __future__ import annotations

from book.exam_mode import ANSWER_HEADING, wrap_answers


def test_everything_from_the_answer_heading_on_is_wrapped_once():
    html = f'<h2 id="q">Q</h2><p>?</p>{ANSWER_HEADING}A</h2><p>!</p><h2 id="more">M</h2>'
    out = wrap_answers(html)
    before, _, answers = out.partition('<div class="book-answers" id="answers">')
    assert before == '<h2 id="q">Q</h2><p>?</p>'
    assert answers.startswith(ANSWER_HEADING) and answers.endswith('<h2 id="more">M</h2></div>')
    assert out.count("book-answers") == 1


def test_a_page_without_an_answer_is_unchanged():
    assert wrap_answers('<h2 id="the-exam-answers">x</h2>') == '<h2 id="the-exam-answers">x</h2>'
