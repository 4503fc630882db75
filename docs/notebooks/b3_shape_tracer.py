# %% [markdown]
# # B3 · Run it yourself: tensor shapes through a CNN
#
# This notebook is executed every time the book is built, so every output below
# is real. It uses the chapter's code, from `snippets/b3_shape_tracer.py`.
# To run it yourself: `make install`, then open it with Jupyter
# (`jupytext --to notebook docs/notebooks/b3_shape_tracer.py` makes an `.ipynb`).
#
# The exam's diagram is lost: `reconstruction()` is the book's reconstruction
# around the exam's `Conv2d(3, 5, 3)`, not the exam's diagram.

# %%
from torch import nn

from snippets.b3_shape_tracer import (
    VARIANTS,
    conv_output_size,
    format_shape,
    pool_output_size,
    reconstruction,
    trace,
)


def show(model, input_shape=(3, 28, 28)):
    for row in trace(model, input_shape):
        print(f"{row.name:>5}  {row.layer:32s} {format_shape(row.shape):18s} {row.params:>7,}  {row.how}")


show(reconstruction())

# %% [markdown]
# The formula by hand, and PyTorch's defaults: a convolution has no padding, a
# pooling layer's stride is its kernel size, and both round down.

# %%
print("Conv2d(3, 5, 3) on 28:", conv_output_size(28, 3))
print("MaxPool2d(2) on 26:", pool_output_size(26, 2))
print("MaxPool2d(2) on 11, floor and ceil:", pool_output_size(11, 2), pool_output_size(11, 2, ceil_mode=True))
print("stride 2 on 28:", conv_output_size(28, 3, stride=2), "  (not (28 - 3)/2 + 1 =", (28 - 3) / 2 + 1, ")")

# %% [markdown]
# The variants the chapter tabulates:

# %%
for name, (what, build) in VARIANTS.items():
    print(f"\n{name}: {what}")
    show(build())

# %% [markdown]
# A diagram mistake is caught at the layer where it happens. Here `Linear` is
# given 13·13 features, forgetting the 5 channels:

# %%
wrong = nn.Sequential(nn.Conv2d(3, 5, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(13 * 13, 10))
try:
    trace(wrong)
except ValueError as err:
    print(err)

# %% [markdown]
# Try it: change the input to `(1, 32, 32)`, add `padding=1`, or write your own
# `nn.Sequential` and pass it to `show`.
