"""The book's argument checks: one function per kind of argument, one wording for every error.

A function that takes a size, a count or an image batch checks it first, so that
bad input gets a message naming the argument and the bad value instead of a
NaN, an empty result or a traceback from deep inside torch. Shown on the
contributing page, tested by tests/test_validation.py.
"""

from __future__ import annotations

import numbers

import torch


# --8<-- [start:checks]
def positive_int(name: str, value: object, least: int = 1) -> int:
    """``value`` as an ``int`` if it is a whole number (not a bool) of at least ``least``.

    Raises ``TypeError`` for anything that is not an integer (a float such as
    ``3.0`` too), ``ValueError`` for an integer below ``least``; both name the argument.

    >>> positive_int("hidden_size", 20)
    20
    >>> positive_int("blocks", 0, least=0)
    0
    >>> positive_int("hidden_size", 0)
    Traceback (most recent call last):
    ValueError: hidden_size must be at least 1, got 0
    >>> positive_int("hidden_size", 2.5)
    Traceback (most recent call last):
    TypeError: hidden_size must be an int, got float 2.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < least:
        raise ValueError(f"{name} must be at least {least}, got {value}")
    return int(value)


def image_batch(x: object, square: bool = False) -> torch.Tensor:
    """``x`` if it is a 4-D tensor of images (B, C, H, W), with H == W when ``square``.

    >>> image_batch(torch.zeros(1, 3, 8, 8)).shape
    torch.Size([1, 3, 8, 8])
    >>> image_batch(torch.zeros(3, 8, 8))
    Traceback (most recent call last):
    ValueError: expected an image batch (B, C, H, W), got torch.Size([3, 8, 8])
    >>> image_batch(torch.zeros(1, 1, 8, 6), square=True)
    Traceback (most recent call last):
    ValueError: expected a square image batch (B, C, N, N), got torch.Size([1, 1, 8, 6])
    """
    ok = isinstance(x, torch.Tensor) and x.dim() == 4 and (not square or x.shape[-1] == x.shape[-2])
    if not ok:
        wanted = "a square image batch (B, C, N, N)" if square else "an image batch (B, C, H, W)"
        raise ValueError(f"expected {wanted}, got {getattr(x, 'shape', type(x).__name__)}")
    return x


# --8<-- [end:checks]
