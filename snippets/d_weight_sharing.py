"""D — weight sharing: one small kernel used at every position.

A convolution is a dense layer with two constraints on its weight matrix: each
output reads only a k × k window (local connectivity, most entries are zero) and
every position uses the same k × k × C_in numbers (weight sharing, the non-zero
entries are tied). This module counts what each constraint saves for the exam's
``Conv2d(3, 5, 3)`` on a 28 × 28 image and shows the constrained matrix itself.
Shown in chapter D, tested by tests/test_d_weight_sharing.py.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from snippets.validation import positive_int

#: The layer the chapter counts: Conv2d(3, 5, 3) on a 3 × 28 × 28 input (no padding, stride 1).
IN_CHANNELS, OUT_CHANNELS, KERNEL, SIZE = 3, 5, 3, 28


# --8<-- [start:counts]
def conv_output_side(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output side of a convolution: ⌊(size + 2·padding − kernel) / stride⌋ + 1.

    >>> conv_output_side(28, 3)
    26
    >>> conv_output_side(2, 3)
    Traceback (most recent call last):
    ...
    ValueError: kernel 3 does not fit in an input of side 2 with padding 0
    """
    size, kernel, stride = (positive_int(n, v) for n, v in [("size", size), ("kernel", kernel), ("stride", stride)])
    if size + 2 * padding < kernel:
        raise ValueError(f"kernel {kernel} does not fit in an input of side {size} with padding {padding}")
    return (size + 2 * padding - kernel) // stride + 1


def parameter_counts(c_in: int, c_out: int, kernel: int, size: int) -> dict[str, int]:
    """Parameters of three layers that map (c_in, size, size) to the same (c_out, n, n), with bias.

    - ``dense``: every output reads every input (``nn.Linear`` on the flattened image);
    - ``local``: every output reads only its k × k × c_in window, with its own weights
      (a locally connected layer);
    - ``conv``: the local window *and* the same weights at every position.

    >>> parameter_counts(3, 5, 3, 28)
    {'inputs': 2352, 'outputs': 3380, 'dense': 7953140, 'local': 94640, 'conv': 140}
    """
    n = conv_output_side(size, kernel)
    inputs, outputs = c_in * size * size, c_out * n * n
    window = c_in * kernel * kernel
    return {
        "inputs": inputs,
        "outputs": outputs,
        "dense": inputs * outputs + outputs,  # a weight per (input, output) pair, a bias per output
        "local": outputs * (window + 1),  # a window of weights and a bias per output
        "conv": c_out * (window + 1),  # a window of weights and a bias per output *channel*
    }


# --8<-- [end:counts]


# --8<-- [start:matrix]
def conv_as_matrix(conv: nn.Conv2d, size: int) -> torch.Tensor:
    """The dense matrix M with ``conv(x).flatten() == M @ x.flatten() + bias``.

    Column i is the response (without bias) to the i-th unit input: a convolution
    is linear, so these columns are all there is. Shape (outputs, inputs).

    >>> M = conv_as_matrix(nn.Conv2d(3, 5, 3), 28)
    >>> tuple(M.shape), int((M != 0).sum())       # 3380 × 2352, only 27 non-zeros per row
    ((3380, 2352), 91260)
    """
    c_in = conv.in_channels
    eye = torch.eye(c_in * size * size, dtype=conv.weight.dtype).reshape(-1, c_in, size, size)
    with torch.no_grad():
        cols = F.conv2d(eye, conv.weight, None, conv.stride, conv.padding, conv.dilation, conv.groups)
    return cols.flatten(1).T


def distinct_weights(matrix: torch.Tensor) -> int:
    """Number of different non-zero values in a matrix (the free parameters it is made of).

    >>> _ = torch.manual_seed(0)
    >>> distinct_weights(conv_as_matrix(nn.Conv2d(3, 5, 3), 28))   # 5 kernels of 3·3·3
    135
    """
    return int(torch.unique(matrix[matrix != 0]).numel())


# --8<-- [end:matrix]


# --8<-- [start:local]
class LocallyConnected2d(nn.Module):
    """Local connectivity without weight sharing: a separate k × k × C_in kernel at every output position.

    Input (B, C_in, H, W) -> output (B, C_out, H − k + 1, W − k + 1). Its weight has
    shape (positions, C_out, C_in·k·k): a convolution is this layer with all
    positions' kernels tied to one.

    >>> layer = LocallyConnected2d(3, 5, 3, 28)
    >>> layer(torch.randn(2, 3, 28, 28)).shape, sum(p.numel() for p in layer.parameters())
    (torch.Size([2, 5, 26, 26]), 94640)
    """

    def __init__(self, c_in: int, c_out: int, kernel: int, size: int):
        super().__init__()
        self.c_in, self.kernel, self.size = c_in, kernel, size
        self.side = conv_output_side(size, kernel)
        positions = self.side * self.side
        bound = (c_in * kernel * kernel) ** -0.5
        self.weight = nn.Parameter(torch.empty(positions, c_out, c_in * kernel * kernel).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(positions, c_out).uniform_(-bound, bound))

    @classmethod
    def from_conv(cls, conv: nn.Conv2d, size: int) -> LocallyConnected2d:
        """A locally connected layer whose every position holds a copy of ``conv``'s kernel."""
        layer = cls(conv.in_channels, conv.out_channels, conv.kernel_size[0], size)
        with torch.no_grad():
            layer.weight.copy_(conv.weight.flatten(1).expand_as(layer.weight))
            layer.bias.copy_(conv.bias.expand_as(layer.bias))
        return layer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4 or x.shape[1:] != (self.c_in, self.size, self.size):
            raise ValueError(f"expected input (B, {self.c_in}, {self.size}, {self.size}), got {tuple(x.shape)}")
        patches = F.unfold(x, self.kernel)  # (B, C_in·k·k, positions)
        out = torch.einsum("bkp,pok->bop", patches, self.weight) + self.bias.T
        return out.reshape(x.shape[0], -1, self.side, self.side)


# --8<-- [end:local]


def facts() -> dict[str, object]:
    """The counts chapter D prints for Conv2d(3, 5, 3) on 28 × 28, computed here."""
    counts = parameter_counts(IN_CHANNELS, OUT_CHANNELS, KERNEL, SIZE)
    conv = nn.Conv2d(IN_CHANNELS, OUT_CHANNELS, KERNEL)
    matrix = conv_as_matrix(conv, SIZE)
    side = conv_output_side(SIZE, KERNEL)
    return {
        **counts,
        "torch_conv": sum(p.numel() for p in conv.parameters()),
        "torch_dense": sum(p.numel() for p in nn.Linear(counts["inputs"], counts["outputs"]).parameters()),
        "out_side": side,
        "out_shape": (OUT_CHANNELS, side, side),
        "in_shape": (IN_CHANNELS, SIZE, SIZE),
        "window": IN_CHANNELS * KERNEL * KERNEL,
        "matrix_shape": tuple(matrix.shape),
        "matrix_entries": matrix.numel(),
        "matrix_nonzero": int((matrix != 0).sum()),
        "matrix_distinct": distinct_weights(matrix),
        "dense_over_conv": f"{counts['dense'] / counts['conv']:,.0f}",
        "dense_over_local": f"{counts['dense'] / counts['local']:,.0f}",
        "local_over_conv": f"{counts['local'] / counts['conv']:,.0f}",
        "nonzero_percent": 100 * int((matrix != 0).sum()) / matrix.numel(),
    }
