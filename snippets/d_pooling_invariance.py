"""D — pooling: approximate, local invariance; global pooling: exact invariance, lost position.

Max pooling over p × p windows with stride p keeps a window's maximum. Shift the
input by one pixel and a window keeps its maximum only if that maximum stays inside
it, so part of the pooled map survives and part changes: the invariance is partial
and local. Shifts by multiples of p only move the pooled map (equivariance again).

Global average pooling after circular convolutions is exactly shift-invariant: it
averages an equivariant map over all positions. The price is that position is gone:
a pattern on the left and the same pattern on the right give the same output.
A side benefit: such a network accepts any input size.

Shown in chapter D, tested by tests/test_d_pooling_invariance.py.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from snippets.d_equivariance import circular_cnn, shift
from snippets.validation import image_batch


# --8<-- [start:survive]
def surviving_fraction(x: torch.Tensor, pool: int = 2, by: tuple[int, int] = (0, 1)) -> float:
    """Share of a max-pooled map left unchanged, position for position, when the input is shifted.

    x: (B, C, H, W) with H and W multiples of ``pool``; ``by`` = (rows, cols), wrapping.

    >>> x = torch.randn(64, 1, 48, 48, generator=torch.Generator().manual_seed(0))
    >>> surviving_fraction(x, 2, (0, 2))    # a shift by the stride just moves the map
    0.0
    >>> round(surviving_fraction(x, 2, (0, 0)), 3)
    1.0
    """
    image_batch(x)
    if not isinstance(pool, int) or pool < 1 or x.shape[-1] % pool or x.shape[-2] % pool:
        raise ValueError(f"pool must be a positive int dividing H and W, got {pool!r} for {tuple(x.shape)}")
    pooled = F.max_pool2d(x, pool)
    return float((F.max_pool2d(shift(x, by), pool) == pooled).float().mean())


def surviving_fraction_theory(pool: int, diagonal: bool = False) -> float:
    """The same share for i.i.d. continuous noise, from counting.

    A one-pixel shift along one axis turns window W into W', which shares p − 1 of
    its p columns; the maximum survives iff the largest of the p + 1 columns' values
    lies in the shared part: (p − 1)/(p + 1). Diagonally the shared part is
    (p − 1)² of the 2p² − (p − 1)² pixels involved.

    >>> surviving_fraction_theory(2), round(surviving_fraction_theory(2, diagonal=True), 4)
    (0.3333333333333333, 0.1429)
    """
    if diagonal:
        return (pool - 1) ** 2 / (2 * pool**2 - (pool - 1) ** 2)
    return (pool - 1) / (pool + 1)


# --8<-- [end:survive]


# --8<-- [start:gap]
class GapNet(nn.Module):
    """Circular convolutions, then global average pooling, then a linear read-out.

    Input (B, 1, H, W) of *any* H, W ≥ 1 -> logits (B, classes). Exactly invariant
    to circular shifts of the input.

    >>> net = GapNet()
    >>> [tuple(net(torch.randn(2, 1, h, w)).shape) for h, w in [(16, 16), (28, 28), (37, 53)]]
    [(2, 2), (2, 2), (2, 2)]
    """

    def __init__(self, channels: int = 8, classes: int = 2, seed: int = 0):
        super().__init__()
        self.features = circular_cnn(depth=3, channels=channels, seed=seed)
        self.head = nn.Linear(channels, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        image_batch(x)
        return self.head(self.features(x).mean(dim=(-2, -1)))


class FlattenNet(nn.Module):
    """The same convolutions, then flatten and a linear layer: tied to one input size.

    >>> FlattenNet(size=16)(torch.randn(2, 1, 16, 16)).shape
    torch.Size([2, 2])
    >>> FlattenNet(size=16)(torch.randn(2, 1, 28, 28))
    Traceback (most recent call last):
    ...
    ValueError: FlattenNet was built for 16 × 16 inputs, got 28 × 28
    """

    def __init__(self, size: int, channels: int = 8, classes: int = 2, seed: int = 0):
        super().__init__()
        self.size = size
        self.features = circular_cnn(depth=3, channels=channels, seed=seed)
        self.head = nn.Linear(channels * size * size, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        image_batch(x)
        if x.shape[-2:] != (self.size, self.size):
            raise ValueError(
                f"FlattenNet was built for {self.size} × {self.size} inputs, got {x.shape[-2]} × {x.shape[-1]}"
            )
        return self.head(self.features(x).flatten(1))


def invariance_error(net: nn.Module, x: torch.Tensor, by: tuple[int, int]) -> float:
    """max |net(shift(x)) − net(x)|: zero for an invariant network (up to float rounding).

    >>> x = torch.randn(4, 1, 16, 16, generator=torch.Generator().manual_seed(0))
    >>> invariance_error(GapNet(), x, (3, 5)) < 1e-6
    True
    >>> invariance_error(FlattenNet(16), x, (3, 5)) > 1e-3
    True
    """
    with torch.no_grad():
        return float((net(shift(x, by)) - net(x)).abs().max())


# --8<-- [end:gap]


# --8<-- [start:position]
def left_right_pair(size: int = 16) -> torch.Tensor:
    """Two images, (2, 1, size, size): a small square in the left half, and the same square in the right half.

    >>> left_right_pair(8)[:, 0, 3].tolist()
    [[0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0]]
    """
    x = torch.zeros(2, 1, size, size)
    r, c = size // 2 - 1, size // 8
    x[0, 0, r : r + 2, c : c + 2] = 1.0
    x[1] = shift(x[:1], (0, size // 2))[0]
    return x


def best_left_right_accuracy(net: nn.Module, size: int = 16) -> float:
    """Best accuracy any read-out of ``net``'s output can reach on "is the square on the left?".

    If the two images get the same output, no threshold separates them: 0.5.

    >>> best_left_right_accuracy(GapNet())
    0.5
    >>> best_left_right_accuracy(FlattenNet(16))
    1.0
    """
    with torch.no_grad():
        out = net(left_right_pair(size))
    return 1.0 if not torch.allclose(out[0], out[1], atol=1e-6) else 0.5


# --8<-- [end:position]


def facts() -> dict[str, object]:
    """The numbers chapter D prints about pooling, computed here."""
    x = torch.randn(256, 1, 48, 48, generator=torch.Generator().manual_seed(0))
    gen = torch.Generator().manual_seed(1)
    images = torch.randn(8, 1, 16, 16, generator=gen)
    small, large, stride_shift = 2, 4, 2  # the pooling sizes of the table and the shift by the small one's stride
    return {
        "pool_small": small,
        "pool_large": large,
        "stride_shift": stride_shift,
        "survive_2": 100 * surviving_fraction(x, small, (0, 1)),
        "survive_2_theory": 100 * surviving_fraction_theory(2),
        "survive_2_diag": 100 * surviving_fraction(x, 2, (1, 1)),
        "survive_2_diag_theory": 100 * surviving_fraction_theory(2, diagonal=True),
        "survive_3": 100 * surviving_fraction(x, 3, (0, 1)),
        "survive_4": 100 * surviving_fraction(x, large, (0, 1)),
        "survive_4_theory": 100 * surviving_fraction_theory(large),
        "survive_stride_shift": 100 * surviving_fraction(x, small, (0, stride_shift)),
        "gap_error": invariance_error(GapNet(), images, (3, 5)),
        "flatten_error": invariance_error(FlattenNet(16), images, (3, 5)),
        "gap_left_right": 100 * best_left_right_accuracy(GapNet()),
        "flatten_left_right": 100 * best_left_right_accuracy(FlattenNet(16)),
        "pool_params": sum(p.numel() for p in nn.MaxPool2d(2).parameters())
        + sum(p.numel() for p in nn.AvgPool2d(2).parameters()),
    }
