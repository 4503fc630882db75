# ---
# jupyter:
#   english_sha256: d648143257f072605e53043e0d9bfaf2072739c57e4995206a72b52a27ee9d29
# ---

# %% [markdown]
# # A1 · הריצו בעצמכם: `sign` וה־straight-through estimator
#
# המחברת הזו מורצת בכל פעם שהספר נבנה, ולכן כל פלט שלמטה אמיתי.
# היא משתמשת בקוד של הפרק, מתוך `snippets/a1_straight_through.py`.
# כדי להריץ אותה בעצמכם: `make install`, ואז פתחו אותה ב־Jupyter
# (`jupytext --to notebook docs/notebooks/a1_straight_through.he.py` יוצר `.ipynb`).

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
# שכבה שלפני `sign` רגיל מקבלת גרדיאנט שהוא אפס בדיוק; עם
# ה־straight-through estimator היא מקבלת גרדיאנט:

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
# האומדן מוטה: ליחידה סטוכסטית $b = \operatorname{sign}(x + u)$ הנגזרת האמיתית
# של $\mathbb{E}(b - t)^2$ והממוצע של ה־STE אינם שווים.

# %%
print(stochastic_sign_gradients(0.5, 0.25))

# %% [markdown]
# הניסוי של הפרק, מקוצר ל־150 צעדים: רשת שכל פרמטר שלה נמצא
# לפני `sign`, על שני הירחים (two moons).

# %%
for mode in ("no-ste", "ste-identity", "ste-hardtanh"):
    run = train_sign_net(mode, steps=150)
    print(
        f"{mode:13s} loss {run['initial_train_loss']:.4f} -> {run['train_loss'][-1]:.4f}   "
        f"test accuracy {run['eval_accuracy'][-1]:.1%}   largest parameter change {run['max_parameter_change']:.4g}"
    )

# %% [markdown]
# נסו בעצמכם: שנו את התחליף (surrogate), את קצב הלמידה ב־`train_sign_net`, או החליפו את
# משקלות הפלט הבינאריים במשקלות ממשיים ב־`SignNet`, והריצו שוב.
