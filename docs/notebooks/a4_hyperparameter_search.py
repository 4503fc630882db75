# %% [markdown]
# # A4 · Run it yourself: many hyper-parameters or few?
#
# This notebook is executed every time the book is built, so every output below is
# real. It runs the chapter's two experiments in a quick form, with the code from
# `snippets/a4_hyperparameter_search.py`. To run it yourself: `make install`, then open it
# with Jupyter (`jupytext --to notebook docs/notebooks/a4_hyperparameter_search.py` makes an `.ipynb`).

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
# ## Grid against random search
#
# Five hyper-parameters, two of which matter. Same budget for each search; the mean best
# loss over 50 random optima (the chapter uses 200).

# %%
r = experiment_search(seeds=50)
print(f"{'budget':>7} {'full grid':>10} {'random':>10} {'grid over 2':>12}")
for b, g, rnd, few in zip(r["budgets"], r["grid_best"], r["random_best"], r["few_best"]):
    print(f"{b:>7} {g:>10.4f} {rnd:>10.4f} {few:>12.4f}")

# %% [markdown]
# ## Overfitting the validation set
#
# Tiny real models on the digits: 32 random configurations, 3 random splits (the chapter
# uses 128 and 10). The gap between the chosen model's validation and test accuracy grows
# with the number of configurations compared.

# %%
s = experiment_selection(n_configurations=32, repeats=3, orders=100)
print(f"{'k':>4} {'validation':>11} {'test':>7} {'gap':>7}")
for k, v, t in zip(s["ks"], s["selected_val"], s["selected_test"]):
    print(f"{k:>4} {100 * v:>10.1f}% {100 * t:>6.1f}% {100 * (v - t):>+6.1f}")

# %% [markdown]
# Try it: make the validation set smaller (`n_val=50`) and the gap grows; set
# `n_important=5` in `experiment_search` and the advantage of random search shrinks,
# because then every hyper-parameter matters.
