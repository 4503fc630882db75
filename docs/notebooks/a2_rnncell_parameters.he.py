# ---
# jupyter:
#   english_sha256: 4a8416805587c8ec807d76b7f116ad2e98124714f155208404fdcf586797f7cc
# ---

# %% [markdown]
# # A2 · הריצו בעצמכם: הפרמטרים של `RNNCell`
#
# המחברת הזו מורצת בכל פעם שהספר נבנה, ולכן כל פלט שלמטה אמיתי.
# היא משתמשת באותו קוד שבפרק, מתוך `snippets/a2_rnncell_parameters.py`.
# כדי להריץ אותה בעצמכם: `make install`, ואז פתחו אותה ב־Jupyter
# (`jupytext --to notebook docs/notebooks/a2_rnncell_parameters.he.py` יוצר `.ipynb`).

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
# הנוסחה $N = g\,(h\,i + h^2 + 2h)$ מול הספירה של PyTorch עצמה, לשלושת התאים:

# %%
for cls, gates in [(nn.RNNCell, 1), (nn.GRUCell, 3), (nn.LSTMCell, 4)]:
    real = sum(p.numel() for p in cls(64, 256).parameters())
    print(f"{cls.__name__:9s} formula {recurrent_cell_param_count(64, 256, gates):>7,}   torch {real:>7,}")

# %% [markdown]
# הצעד שמחושב ביד שווה למודול, ושני ה־bias ניתנים להחלפה זה בזה:

# %%
torch.manual_seed(0)
x, h = torch.randn(8, 64), torch.randn(8, 256)
print("by hand == nn.RNNCell:", torch.allclose(rnncell_step_by_hand(cell, x, h), cell(x, h), atol=1e-6))
print("merged biases, same output:", torch.allclose(with_merged_biases(cell)(x, h), cell(x, h), atol=1e-6))
g_ih, g_hh = bias_gradients(cell, x, h)
print("equal bias gradients:", torch.equal(g_ih, g_hh))
print(f"GRU: merging the n-gate biases changes the output by up to {gru_merge_changes_output():.3f}")

# %% [markdown]
# נסו בעצמכם: שנו את `hidden_size`, קבעו `bias=False`, או החליפו ל־`nn.LSTMCell`, והריצו שוב.
