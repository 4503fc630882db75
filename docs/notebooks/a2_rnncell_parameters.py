# %% [markdown]
# # A2 · Run it yourself: the parameters of an `RNNCell`
#
# This notebook is executed every time the book is built, so every output below
# is real. It uses the same code as the chapter, from `snippets/a2_rnncell_parameters.py`.
# To run it yourself: `make install`, then open it with Jupyter
# (`jupytext --to notebook docs/notebooks/a2_rnncell_parameters.py` makes an `.ipynb`).

# %%
import torch
from torch import nn

from snippets.a2_rnncell_parameters import (
    bias_gradients,
    gru_merge_changes_output,
    parameter_table,
    recurrent_cell_param_count,
    rnncell_step_by_hand,
    with_merged_biases,
)

cell = nn.RNNCell(input_size=64, hidden_size=256)  # bias=True is the default
for name, shape, count in parameter_table(cell):
    print(f"{name:10s} {str(shape):12s} {count:>7,}")
print(f"{'total':10s} {'':12s} {sum(p.numel() for p in cell.parameters()):>7,}")

# %% [markdown]
# The formula $N = g\,(h\,i + h^2 + 2h)$ against PyTorch's own count, for the three cells:

# %%
for cls, gates in [(nn.RNNCell, 1), (nn.GRUCell, 3), (nn.LSTMCell, 4)]:
    real = sum(p.numel() for p in cls(64, 256).parameters())
    print(f"{cls.__name__:9s} formula {recurrent_cell_param_count(64, 256, gates):>7,}   torch {real:>7,}")

# %% [markdown]
# The step by hand equals the module, and the two biases are interchangeable:

# %%
torch.manual_seed(0)
x, h = torch.randn(8, 64), torch.randn(8, 256)
print("by hand == nn.RNNCell:", torch.allclose(rnncell_step_by_hand(cell, x, h), cell(x, h), atol=1e-6))
print("merged biases, same output:", torch.allclose(with_merged_biases(cell)(x, h), cell(x, h), atol=1e-6))
g_ih, g_hh = bias_gradients(cell, x, h)
print("equal bias gradients:", torch.equal(g_ih, g_hh))
print(f"GRU: merging the n-gate biases changes the output by up to {gru_merge_changes_output():.3f}")

# %% [markdown]
# Try it: change `hidden_size`, set `bias=False`, or swap in `nn.LSTMCell`, and re-run.
