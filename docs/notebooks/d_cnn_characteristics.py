# %% [markdown]
# # D · Run it yourself: the characteristics of CNNs
#
# This notebook is executed every time the book is built, so every output below
# is real. It calls the chapter's code in `snippets/d_*.py`, one characteristic per
# cell, and re-runs the fast part of the experiment. To run it yourself: `make install`,
# then open it with Jupyter (`jupytext --to notebook docs/notebooks/d_cnn_characteristics.py`
# makes an `.ipynb`).

# %%
import torch
from torch import nn

from snippets.d_receptive_field import example_stack, gradient_support, receptive_fields, support_box
from snippets.d_weight_sharing import parameter_counts

# %% [markdown]
# **Weight sharing.** `Conv2d(3, 5, 3)` on a 3 × 28 × 28 image against the layers that
# produce the same 5 × 26 × 26 output without sharing (and without locality):

# %%
for name, count in parameter_counts(3, 5, 3, 28).items():
    print(f"{name:8s} {count:>10,}")
print("PyTorch's Conv2d(3, 5, 3):", sum(p.numel() for p in nn.Conv2d(3, 5, 3).parameters()))

# %% [markdown]
# **Receptive field.** The recurrence, and the region where the gradient of one output
# unit is non-zero:

# %%
stack = example_stack()
print("receptive field after each layer:", receptive_fields(stack))
print("non-zero gradient box:", support_box(gradient_support(stack)))

# %% [markdown]
# **Translation equivariance**: exact with circular padding, broken at the border with
# zeros, broken by stride for odd shifts.

# %%
from snippets.d_equivariance import best_output_shift, equivariance_error, invariance_change, make_conv, sample_image

x = sample_image()
print("circular, max |f(Tx) - T f(x)|:", equivariance_error(make_conv("circular"), x, (5, 9)).max().item())
err = equivariance_error(make_conv("zeros"), x, (5, 9))
print(f"zeros: {(err > 1e-6).sum().item()} of {err.numel()} positions differ")
print("stride 2, shift by 2 ->", best_output_shift(make_conv("circular", stride=2), x, (0, 2)))
print("stride 2, shift by 1 ->", best_output_shift(make_conv("circular", stride=2), x, (0, 1)))
print(f"not invariant: relative change {invariance_change(make_conv('circular'), x, (5, 9)):.2f}")

# %% [markdown]
# **Pooling.** How much of a max-pooled map survives a one-pixel shift, and global
# average pooling's exact invariance (and its price):

# %%
from snippets.d_pooling_invariance import (
    FlattenNet,
    GapNet,
    best_left_right_accuracy,
    invariance_error,
    surviving_fraction,
    surviving_fraction_theory,
)

noise = torch.randn(128, 1, 48, 48, generator=torch.Generator().manual_seed(0))
for p in (2, 3, 4):
    print(
        f"{p}x{p} max pooling: {surviving_fraction(noise, p):.3f} survives (theory {surviving_fraction_theory(p):.3f})"
    )
images = torch.randn(4, 1, 16, 16)
print("GapNet invariance error:", invariance_error(GapNet(), images, (3, 5)))
print("FlattenNet invariance error:", invariance_error(FlattenNet(16), images, (3, 5)))
print("best accuracy on left-vs-right, GapNet:", best_left_right_accuracy(GapNet()))
print("GapNet on a 37 x 53 image:", tuple(GapNet()(torch.randn(1, 1, 37, 53)).shape))

# %% [markdown]
# **No rotation equivariance:**

# %%
from snippets.d_rotation import detector_response, edge_image, rot90, rotation_error

print(f"quarter turn, relative error: {rotation_error(make_conv('circular'), x):.2f}")
print(
    "edge detector on the edge:",
    detector_response(edge_image()),
    "| on the turned edge:",
    detector_response(rot90(edge_image())),
)

# %% [markdown]
# **Parameters are not FLOPs** (VGG-16 on the `meta` device: shapes only, no memory):

# %%
from snippets.d_compute_profile import profile, split, vgg16

shares = split(profile(vgg16(), (1, 3, 224, 224)))
print({k: f"{v:.1f}%" for k, v in shares.items()})

# %% [markdown]
# **The experiment, fast part.** The MLP trained on the two-bars task with pixels as given
# and permuted: the same test accuracy. The CNNs take longer; their committed numbers are
# printed below, and `experiment_two_bars()` re-runs everything (about a minute).

# %%
from snippets.d_inductive_bias import MODELS, train_and_test
from snippets.results import load

for permuted in (False, True):
    acc = train_and_test(MODELS["mlp"], permuted, steps=400, n_train=512, seed=0)["test"]
    print(f"mlp          {'permuted' if permuted else 'as given':9s} test accuracy {acc:.3f}")
for name, run in load("d_inductive_bias", "two_bars")["data"]["runs"].items():
    print(f"{name:12s} committed: {run['pixels']['test']:.3f} as given, {run['permuted']['test']:.3f} permuted")

# %% [markdown]
# Try it: give `make_conv` `stride=3`, pool with 6 × 6 windows, or add a layer to the
# one-layer CNN and re-run.
