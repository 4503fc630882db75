# ---
# jupyter:
#   english_sha256: 0bec4de2099e283a9b3cff109351fd94f213d89b880ec3ae3f851c5c43a18a66
# ---

# %% [markdown]
# # C · הריצו בעצמכם: ה־Lipschitz RNN
#
# המחברת הזו מורצת בכל פעם שהספר נבנה, ולכן כל פלט שלמטה אמיתי.
# היא משתמשת בקוד של הפרק, מתוך `snippets/c_lipschitz_cell.py`,
# `snippets/c_lipschitz_paper.py`, `snippets/c_lipschitz_sequence.py` ו־
# `snippets/c_lipschitz_experiment.py`. כדי להריץ אותה בעצמכם: `make install`, ואז
# `jupytext --to notebook docs/notebooks/c_lipschitz_rnn.he.py`, ופתחו את ה־`.ipynb`.

# %%
import torch

torch.set_num_threads(1)  # small tensors: one thread is as fast, and steadier on a shared machine

from snippets.c_lipschitz_cell import LipschitzRNNCell, first_overflow, state_norms, step_by_hand

torch.manual_seed(0)
cell = LipschitzRNNCell(input_size=8, hidden_size=16)
for name, p in cell.named_parameters():
    print(f"{name}: {tuple(p.shape)}")

x, h = torch.randn(4, 8), torch.randn(4, 16)  # a batch of 4
h_next = cell(x, h)
print("batched:", tuple(h_next.shape), " unbatched:", tuple(cell(x[0], h[0]).shape))
print(
    "each row equals A h + tanh(W h + U x + b):",
    all(torch.allclose(h_next[i], step_by_hand(cell, x[i], h[i]), atol=1e-6) for i in range(4)),
)

# %% [markdown]
# מה האתחול של $A$ עושה למצב לאורך 60 צעדים עם קלט אפס:

# %%
for label, A in [("A = I", torch.eye(64)), ("A = randn(64, 64)", torch.randn(64, 64))]:
    norms = state_norms(A, 60)
    print(f"{label:18s} ‖h_10‖ = {norms[9]:.3g}   first non-finite step: {first_overflow(norms)}")

# %% [markdown]
# צעד Euler של המאמר הוא המשוואה של המבחן על המצב המנורמל $g = h/\varepsilon$,
# עם $A = I + \varepsilon A_\beta$ ו־$W = \varepsilon W_\beta$:

# %%
from snippets.c_lipschitz_paper import LipschitzCell, exam_cell_from_euler, jacobian_norms

paper = LipschitzCell(8, 16, beta=0.75, gamma=1e-3, eps=0.1).double()
exam = exam_cell_from_euler(paper)
h = g = torch.zeros(4, 16, dtype=torch.float64)
for x in torch.randn(20, 4, 8, dtype=torch.float64):
    h, g = paper(x, h), exam(x, g)
print("max |h - ε g| after 20 steps:", (h - paper.eps * g).abs().max().item())

# %% [markdown]
# $\lVert \partial h_T / \partial h_0 \rVert$ באתחול, עבור $T = 58$ (האורך של המשימה בפרק):

# %%
for kind, eps in [("vanilla", None), ("exam", None), ("lipschitz", 0.1), ("lipschitz", 0.01)]:
    norms = jacobian_norms(kind, 58, **({"eps": eps} if eps else {}))
    print(f"{kind:10s}{'' if eps is None else f' ε = {eps}':9s} ‖∂h_58/∂h_0‖ = {norms[-1]:.3g}")

# %% [markdown]
# ריצת אימון קצרה על הספרות המרופדות ברעש (seed אחד, 40 צעדים: הרבה פחות מ־300
# של הפרק, ולכן הדיוקים נמוכים יותר). שנו את `steps` והריצו שוב.

# %%
from snippets.c_lipschitz_experiment import noise_padded_digits, train_one

data = noise_padded_digits(pad=50)
steps = 40
for name in ("vanilla", "lipschitz"):
    _, record = train_one(name, data, steps=steps, seed=0, eval_every=20)
    print(f"{name:10s} test accuracy after {steps} steps: {record['final_accuracy']:.2f}")

# %% [markdown]
# התוצאות השמורות (committed) של הניסוי המלא (שלושה seeds, 300 צעדים), שנקראות מתוך
# `results/c_lipschitz_experiment-noise_padded.json`:

# %%
from snippets.results import load

final = load("c_lipschitz_experiment", "noise_padded")["data"]["final"]
for name, accs in final.items():
    print(f"{name:13s} " + "  ".join(f"{a:.3f}" for a in accs))
