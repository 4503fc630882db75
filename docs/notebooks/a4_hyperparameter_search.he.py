# ---
# jupyter:
#   english_sha256: de51f0607402e43fa5a74c713716f17c07fd6ebe926a950025c52802cdec1ada
# ---

# %% [markdown]
# # A4 · הריצו בעצמכם: הרבה היפר־פרמטרים או מעט?
#
# המחברת הזו מורצת בכל פעם שהספר נבנה, ולכן כל פלט שלמטה אמיתי.
# היא מריצה את שני הניסויים של הפרק בגרסה מהירה, עם הקוד מתוך
# `snippets/a4_hyperparameter_search.py`.
# כדי להריץ אותה בעצמכם: `make install`, ואז פתחו אותה ב־Jupyter
# (`jupytext --to notebook docs/notebooks/a4_hyperparameter_search.he.py` יוצר `.ipynb`).

# %%

from snippets.a4_hyperparameter_search import (
    experiment_search,
    experiment_selection,
    grid_points,
    search_days,
)

for d in (1, 2, 4, 6, 8):
    runs = grid_points(5, d)
    print(f"d = {d}: {runs:>9,} runs, {search_days(runs, minutes_per_run=10):>8,.1f} days at 10 min a run")

# %% [markdown]
# ## חיפוש רשת מול חיפוש אקראי
#
# חמישה היפר־פרמטרים, ושניים מהם חשובים. לכל חיפוש אותו תקציב; ההפסד הטוב ביותר
# בממוצע על 50 אופטימומים אקראיים (בפרק: 200).

# %%
r = experiment_search(seeds=50)
print(f"{'budget':>7} {'full grid':>10} {'random':>10} {'grid over 2':>12}")
for b, g, rnd, few in zip(r["budgets"], r["grid_best"], r["random_best"], r["few_best"]):
    print(f"{b:>7} {g:>10.4f} {rnd:>10.4f} {few:>12.4f}")

# %% [markdown]
# ## התאמת־יתר לקבוצת הוולידציה
#
# מודלים אמיתיים זעירים על הספרות (digits): 32 תצורות אקראיות, 3 חלוקות אקראיות (בפרק:
# 128 ו־10). הפער בין דיוק הוולידציה לדיוק המבחן של המודל שנבחר גדל
# עם מספר התצורות שמושוות.

# %%
s = experiment_selection(n_configurations=32, repeats=3, orders=100)
print(f"{'k':>4} {'validation':>11} {'test':>7} {'gap':>7}")
for k, v, t in zip(s["ks"], s["selected_val"], s["selected_test"]):
    print(f"{k:>4} {100 * v:>10.1f}% {100 * t:>6.1f}% {100 * (v - t):>+6.1f}")

# %% [markdown]
# נסו בעצמכם: הקטינו את קבוצת הוולידציה (`n_val=50`) והפער יגדל; קבעו
# `n_important=5` ב־`experiment_search` והיתרון של חיפוש אקראי יקטן,
# כי אז כל היפר־פרמטר חשוב.
