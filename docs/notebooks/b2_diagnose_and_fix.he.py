# ---
# jupyter:
#   english_sha256: f8d2f4d6a15717d7b9503cba83a6480c6f5276e45090488dc0c651b62755b091
# ---

# %% [markdown]
# # B2 · הריצו בעצמכם: לאבחן, ואז לתקן
#
# המחברת הזו מורצת בכל פעם שהספר נבנה, ולכן כל פלט שלמטה אמיתי.
# היא משתמשת באותו קוד שבפרק, מתוך `snippets/b2_diagnose_and_fix.py`,
# `snippets/b2_training_bugs.py` ו־`snippets/b2_depth_residual.py`, עם ריצות קצרות
# מאלה של הניסויים בפרק.
# כדי להריץ אותה בעצמכם: `make install`, ואז פתחו אותה ב־Jupyter
# (`jupytext --to notebook docs/notebooks/b2_diagnose_and_fix.he.py` יוצר `.ipynb`).

# %%
import math

import torch

from snippets.b2_depth_residual import deep_net, gradient_norms
from snippets.b2_diagnose_and_fix import fit_verdict, load_task, loss_at_init, mlp, overfit_tiny_batch, train_config
from snippets.b2_training_bugs import THRESHOLD, run

task = load_task()
raw = load_task(normalise=False)
torch.manual_seed(0)
print(f"log 10 = {math.log(10):.3f}")
print(f"loss at init, normalised inputs: {loss_at_init(mlp((32,)), task['x_train'], task['y_train']):.3f}")
torch.manual_seed(0)
print(f"loss at init, raw pixels 0..16:  {loss_at_init(mlp((32,)), raw['x_train'], raw['y_train']):.3f}")

# %% [markdown]
# התאמת־יתר ל־batch זעיר: pipeline תקין משנן 16 תמונות.

# %%
torch.manual_seed(0)
print(f"loss on 16 images after 200 steps: {overfit_tiny_batch(mlp((32,)), task['x_train'], task['y_train']):.2e}")

# %% [markdown]
# שגיאת האימון מול שגיאת הוולידציה, לשלוש מהתצורות של הפרק
# (150 צעדים במקום 400):

# %%
for name, widths, n in [
    ("too simple", (2,), 1200),
    ("well sized", (32,), 1200),
    ("oversized, little data", (256, 256), 100),
]:
    r = train_config(widths, n, steps=150, task=task)
    print(
        f"{name:24s} train error {r['train_error']:6.1%}   val error {r['val_error']:6.1%}   "
        f"-> {fit_verdict(r['train_error'], r['val_error'])}"
    )

# %% [markdown]
# זוג אחד של "דבגו את זה": תוויות שעורבבו והופרדו מהתמונות שלהן, מול הריצה המתוקנת.

# %%
for bug in (None, "labels shuffled"):
    r = run(bug, steps=150)
    print(f"{str(bug):16s} validation loss {r['val_loss']:.3f}  (threshold {THRESHOLD})")

# %% [markdown]
# עומק: הגרדיאנט שמגיע לשכבה הראשונה ולשכבה האחרונה של רשת בת 32 שכבות
# באתחול, רגילה ועם חיבורי שארית (residual).

# %%
x, y = task["x_train"][:256], task["y_train"][:256]
for residual in (False, True):
    torch.manual_seed(0)
    g = gradient_norms(deep_net(30, residual=residual), x, y)
    print(f"{'residual' if residual else 'plain   '}: first layer {g[0]:.1e}, last layer {g[-1]:.1e}")

# %% [markdown]
# נסו בעצמכם: תנו ל־`train_config` יותר תמונות (`n`) או `weight_decay`, או אמנו את
# `deep_net(30, residual=True, norm=True)` עם `snippets.training.fit`.
