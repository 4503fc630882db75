"""Exam mode: a chapter's answers can be hidden until the reader reveals them.

``docs/assets/javascripts/study.js`` hides the wrapped part; without JavaScript it
is simply shown.
"""

from __future__ import annotations

__all__ = ["ANSWER_HEADING", "wrap_answers"]

#: The heading a chapter's answer starts with (its Markdown: ``## The exam answer``).
ANSWER_HEADING = '<h2 id="the-exam-answer">'


def wrap_answers(html: str) -> str:
    """Wrap a chapter from "The exam answer" to its end in ``<div class="book-answers">``.

    A page without that heading is returned unchanged.

    >>> wrap_answers('<p>?</p><h2 id="the-exam-answer">A</h2><p>!</p>')
    '<p>?</p><div class="book-answers" id="answers"><h2 id="the-exam-answer">A</h2><p>!</p></div>'
    >>> wrap_answers("<p>no answer here</p>")
    '<p>no answer here</p>'
    """
    at = html.find(ANSWER_HEADING)
    if at < 0:
        return html
    return html[:at] + '<div class="book-answers" id="answers">' + html[at:] + "</div>"
