# %% [markdown]
# # A1 · Run it yourself: `sign` and the straight-through estimator
#
# This notebook is executed every time the book is built, so every output below
# is real. It uses the chapter's code from `snippets/a1_straight_through.py`.
# To run it yourself: `make install`, then open it with Jupyter
# (`jupytext --to notebook docs/notebooks/a1_straight_through.py` makes an `.ipynb`).

# %%
import torch
from torch import nn

from snippets.a1_straight_through import (
    autograd_derivative,
    sign_ste,
    sign_ste_detach,
    stochastic_sign_gradients,
    train_sign_net,
)

x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])
print("x                        ", x.tolist())
print("torch.sign(x)            ", torch.sign(x).tolist())
print("autograd d sign / dx     ", autograd_derivative(torch.sign, x).tolist())
print("STE identity, d / dx     ", autograd_derivative(lambda t: sign_ste(t, "identity"), x).tolist())
print("STE hard tanh, d / dx    ", autograd_derivative(lambda t: sign_ste(t, "hardtanh"), x).tolist())
print("detach idiom, d / dx     ", autograd_derivative(sign_ste_detach, x).tolist())

# %% [markdown]
# A layer before a plain `sign` receives an exactly zero gradient; with the
# straight-through estimator it receives one:

# %%
torch.manual_seed(0)
layer = nn.Linear(3, 4)
inputs = torch.randn(8, 3)
torch.sign(layer(inputs)).sum().backward()
print("plain sign: |grad| of the weight =", layer.weight.grad.abs().sum().item())
layer.zero_grad()
sign_ste(layer(inputs)).sum().backward()
print("with STE:   |grad| of the weight =", round(layer.weight.grad.abs().sum().item(), 4))

# %% [markdown]
# The estimate is biased: for a stochastic unit $b = \operatorname{sign}(x + u)$ the true
# derivative of $\mathbb{E}(b - t)^2$ and the STE's average disagree.

# %%
print(stochastic_sign_gradients(0.5, 0.25))

# %% [markdown]
# The chapter's experiment, shortened to 150 steps: a network whose every parameter sits
# before a `sign`, on the two moons.

# %%
for mode in ("no-ste", "ste-identity", "ste-hardtanh"):
    run = train_sign_net(mode, steps=150)
    print(
        f"{mode:13s} loss {run['initial_train_loss']:.4f} -> {run['train_loss'][-1]:.4f}   "
        f"test accuracy {run['eval_accuracy'][-1]:.1%}   largest parameter change {run['max_parameter_change']:.4g}"
    )

# %% [markdown]
# Try it: change the surrogate, the learning rate in `train_sign_net`, or replace the binary
# output weights by real ones in `SignNet`, and re-run.
