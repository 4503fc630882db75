# ---
# jupyter:
#   english_sha256: 37512cddcba6b51f42785b6750f51db7125dd51f5dbe86ba0f1cccf5e0d34044
# ---

# %% [markdown]
# # B1 · הריצו בעצמכם: KL(p‖q) לעומת KL(q‖p)
#
# המחברת הזו מורצת בכל פעם שהספר נבנה, ולכן כל פלט שלמטה אמיתי.
# היא משתמשת באותו קוד שבפרק, מתוך `snippets/b1_kl_divergence.py`.
# כדי להריץ אותה בעצמכם: `make install`, ואז פתחו אותה ב־Jupyter
# (`jupytext --to notebook docs/notebooks/b1_kl_divergence.he.py` יוצר `.ipynb`).

# %%
import torch
import torch.nn.functional as F

from snippets.b1_kl_divergence import (
    bernoulli,
    both_directions,
    cross_entropy,
    entropy,
    fit_gaussian,
    kl_divergence,
    kl_gaussians,
)

p, q = bernoulli(0.5), bernoulli(0.9)
pq, qp = both_directions(p, q)
print(f"KL(Bern(0.5) || Bern(0.9)) = {pq:.4f}")
print(f"KL(Bern(0.9) || Bern(0.5)) = {qp:.4f}")
print(f"H(p, q) - H(p)             = {cross_entropy(p, q) - entropy(p):.4f}")

# %% [markdown]
# כיוון אחד אינסופי והשני סופי; ושני זוגות שרק *נראים* כמו דוגמאות טובות:

# %%
print("p = (0.5, 0.5), q = (1, 0):", both_directions([0.5, 0.5], [1.0, 0.0]))
print("mirror images (0.2, 0.8) and (0.8, 0.2):", both_directions([0.2, 0.8], [0.8, 0.2]))
print("N(-1, 1) vs N(1, 1), both ways:", kl_gaussians(-1, 1, 1, 1), kl_gaussians(1, 1, -1, 1))
print("N(0, 1) vs N(0, 4), both ways:", round(kl_gaussians(0, 1, 0, 2), 4), round(kl_gaussians(0, 2, 0, 1), 4))

# %% [markdown]
# `F.kl_div(input, target)` של PyTorch רוצה קודם את ה־**log** של ההסתברויות של המודל:
# `F.kl_div(q.log(), p)` הוא $\mathrm{KL}(p\|q)$.

# %%
tp, tq = torch.tensor(p), torch.tensor(q)
print("F.kl_div(q.log(), p) =", round(F.kl_div(tq.log(), tp, reduction="sum").item(), 4), "= KL(p||q)")
print("F.kl_div(p.log(), q) =", round(F.kl_div(tp.log(), tq, reduction="sum").item(), 4), "= KL(q||p)")

# %% [markdown]
# קלט פגום נדחה עם הודעה, במקום לתת NaN:

# %%
for bad in ([0.5, 0.6], [1.2, -0.2], [0.2, 0.3, 0.5]):
    try:
        kl_divergence(bad, [0.5, 0.5])
    except (ValueError, TypeError) as err:
        print(f"{bad}: {err}")

# %% [markdown]
# הניסוי בגרסה מהירה (פחות צעדים מבפרק): התאמה של גאוסיאן אחד
# לתערובת בעלת שני השיאים $\tfrac12\mathcal N(-2, 0.6^2) + \tfrac12\mathcal N(2, 0.6^2)$, בכל אחד מהכיוונים.

# %%
for direction in ("KL(p||q)", "KL(q||p)"):
    r = fit_gaussian(direction, mu0=1.0, sigma0=1.0, steps=200)
    print(
        f"minimise {direction}: mu = {r['mu'] + 0.0:+.3f}, sigma = {r['sigma']:.3f}, "
        f"KL(p||q) = {r['kl_pq']:.3f}, KL(q||p) = {r['kl_qp']:.3f}"
    )

# %% [markdown]
# נסו בעצמכם: התחילו את ההתאמה של $\mathrm{KL}(q\|p)$ מ־`mu0=-1.0` או מ־`mu0=0.5`, או שנו את
# משקלות התערובת ב־`MIXTURE`, וראו איזה שיא מעדיפה ההתאמה שמחפשת שיא (mode-seeking).
