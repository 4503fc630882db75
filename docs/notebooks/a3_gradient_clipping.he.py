# ---
# jupyter:
#   english_sha256: 206a1e94bf14dc47873e79d46cd9042dc762ea0473805bb7d24812ab37c84460
# ---

# %% [markdown]
# # A3 · הריצו בעצמכם: מה gradient clipping עולה
#
# המחברת הזו מורצת בכל פעם שהספר נבנה, ולכן כל פלט שלמטה אמיתי.
# היא משתמשת בקוד של הפרק, מתוך `snippets/a3_gradient_clipping.py`.
# כדי להריץ אותה בעצמכם: `make install`, ואז פתחו אותה ב־Jupyter
# (`jupytext --to notebook docs/notebooks/a3_gradient_clipping.he.py` יוצר `.ipynb`).

# %%
import torch

from snippets.a3_gradient_clipping import (
    clip_both_ways,
    clip_nonfinite_gradient,
    clipped_fixed_point,
    clipped_mean_gradient,
    global_vs_per_tensor,
    skewed_sample,
    train_with_clipping,
)

r = clip_both_ways(torch.tensor([4.0, 1.0]), threshold=1.0)
print("by norm :", r["by_norm"].tolist(), f"turned {r['angle_by_norm']:.2f} degrees")
print("by value:", r["by_value"].tolist(), f"turned {r['angle_by_value']:.2f} degrees")

split = global_vs_per_tensor([torch.tensor([3.0, 4.0]), torch.tensor([0.3, 0.4])], max_norm=1.0)
print("global norm    :", [round(n, 4) for n in split["global_norms"]], f"turned {split['global_angle']:.2f} degrees")
print(
    "per-tensor norm:",
    [round(n, 4) for n in split["per_tensor_norms"]],
    f"turned {split['per_tensor_angle']:.2f} degrees",
)
print("inf in a gradient:", clip_nonfinite_gradient())

# %% [markdown]
# ההטיה: במודל "חזה את $w$" עם שגיאה ריבועית, clipping של הגרדיאנט של כל דוגמה
# מרחיק מהממוצע את הנקודה שבה העדכון הממוצע הוא אפס.

# %%
y = skewed_sample()
mean = y.mean().item()
print(f"mean {mean:.3f}, median {y.median().item():.3f}")
print(f"mean clipped gradient at the mean: {clipped_mean_gradient(mean, y, 1.0):+.3f} (true gradient: 0)")
print(f"clipped gradient descent settles at {clipped_fixed_point(y, 1.0):.3f}")

# %% [markdown]
# הניסוי של הפרק, מקוצר ל־100 צעדים: RNN עם ReLU שמאומן ב־SGD בקצב למידה 0.01.

# %%
for c in (None, 1.0, 0.01):
    run = train_with_clipping(c, steps=100)
    last = run["eval_loss"][-1]
    print(
        f"clip at {c!s:5s}: diverged={run['diverged']!s:5s} at step {run['step'][-1]:3d}, "
        f"test loss {last:.3f}, first gradient norm {run['pre_clip_norms'][0]:.0f}, "
        f"steps clipped {run['clipped_share']:.0%}"
    )

# %% [markdown]
# נסו בעצמכם: שנו את הסף, את קצב הלמידה (`lr=`), או עשו clipping לפי ערך
# (`torch.nn.utils.clip_grad_value_`) בתוך `train_with_clipping`, והריצו שוב.
