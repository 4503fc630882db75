"""The book's one set of argument checks (snippets/validation.py), and that the chapters use it."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from snippets.validation import image_batch, positive_int


@pytest.mark.parametrize("value, least", [(1, 1), (7, 1), (0, 0), (np.int64(3), 1)])
def test_whole_numbers_at_least_the_bound_pass(value, least):
    out = positive_int("n", value, least=least)
    assert out == value and type(out) is int


@pytest.mark.parametrize(
    "value, error, message",
    [
        (0, ValueError, "n must be at least 1, got 0"),
        (-3, ValueError, "n must be at least 1, got -3"),
        (2.0, TypeError, "n must be an int, got float 2.0"),
        ("3", TypeError, "n must be an int, got str '3'"),
        (True, TypeError, "n must be an int, got bool True"),
        (None, TypeError, "n must be an int, got NoneType None"),
    ],
)
def test_bad_counts_name_the_argument_and_the_value(value, error, message):
    with pytest.raises(error) as info:
        positive_int("n", value)
    assert str(info.value) == message


def test_image_batches():
    x = torch.zeros(2, 1, 5, 5)
    assert image_batch(x) is x and image_batch(x, square=True) is x
    for bad in (torch.zeros(5, 5), torch.zeros(1, 1, 1, 5, 5), [[0.0]], None):
        with pytest.raises(ValueError, match=r"expected an image batch \(B, C, H, W\), got"):
            image_batch(bad)
    with pytest.raises(ValueError, match=r"expected a square image batch \(B, C, N, N\), got torch.Size\("):
        image_batch(torch.zeros(1, 1, 4, 5), square=True)


def test_no_chapter_keeps_its_own_copy():
    """One validator: the chapters' code has no private int or image check left (snippets/*.py)."""
    import re
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parent.parent / "snippets").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"def _(positive_int|whole|check_image)\b", text), path.name
        assert "import _positive_int" not in text, path.name
