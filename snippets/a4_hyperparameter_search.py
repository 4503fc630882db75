"""A4 — is it better for a model to have many hyper-parameters or few?

Few, other things equal. Two experiments make the reasons measurable:

- ``experiment_search``: grid search against random search on a cheap objective
  of d hyper-parameters of which only a few matter (the situation Bergstra and
  Bengio, JMLR 2012, found in practice). A grid of k values per axis costs k**d
  runs and still tries only k values of each hyper-parameter that matters.
- ``experiment_selection``: the more configurations are compared on one
  validation set, the more the winner's validation score overstates its score
  on fresh data (a held-out test set). Tiny real models on scikit-learn's
  digits, plus the exact value of that inflation when every configuration is
  equally good.

Shown in chapter A4, tested by tests/test_a4_hyperparameter_search.py.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from snippets.plotting import PALETTE, new_figure
from snippets.results import load
from snippets.training import torch_threads
from snippets.validation import positive_int

MODULE = "a4_hyperparameter_search"


# --8<-- [start:grid_cost]
def grid_points(values_per_axis: int, n_hyperparameters: int) -> int:
    """Runs a full grid needs: k values for each of d hyper-parameters give k**d runs.

    >>> grid_points(5, 2), grid_points(5, 4), grid_points(5, 8)
    (25, 625, 390625)
    >>> grid_points(5, 0)
    Traceback (most recent call last):
    ...
    ValueError: n_hyperparameters must be at least 1, got 0
    """
    k = positive_int("values_per_axis", values_per_axis)
    d = positive_int("n_hyperparameters", n_hyperparameters)
    return k**d


def search_days(runs: int, minutes_per_run: float) -> float:
    """Wall-clock days for ``runs`` training runs of ``minutes_per_run`` each, one at a time.

    >>> round(search_days(grid_points(5, 8), minutes_per_run=10), 1)
    2712.7
    """
    return positive_int("runs", runs) * minutes_per_run / (60 * 24)


# --8<-- [end:grid_cost]


# --8<-- [start:defaults]
def numeric_defaults(optimizer: type) -> dict[str, object]:
    """The numeric hyper-parameters of a torch optimiser and their defaults (flags left out).

    >>> numeric_defaults(torch.optim.Adam)
    {'lr': 0.001, 'betas': (0.9, 0.999), 'eps': 1e-08, 'weight_decay': 0}
    """
    import inspect

    if not (isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)):
        raise TypeError(f"expected a torch.optim.Optimizer class, got {optimizer!r}")
    out = {}
    for name, p in inspect.signature(optimizer).parameters.items():
        numeric = isinstance(p.default, (int, float, tuple)) and not isinstance(p.default, bool)
        if p.default is not inspect.Parameter.empty and numeric:
            out[name] = p.default
    return out


# --8<-- [end:defaults]


# --8<-- [start:objective]
def toy_validation_loss(
    x: np.ndarray, optimum: np.ndarray, n_important: int, width: float = 0.1, weak: float = 0.01
) -> np.ndarray:
    """A stand-in for a validation loss over d hyper-parameters scaled to [0, 1].

    x: (N, d) configurations; optimum: (d,) the best one. The first
    ``n_important`` axes matter: each adds up to 1 through a narrow valley of
    ``width``. The other axes barely matter: each adds at most ``weak``.
    The minimum, 0, is at ``optimum``. Returns (N,).

    >>> opt = np.full(3, 0.5)
    >>> toy_validation_loss(np.array([[0.5, 0.5, 0.5], [0.5, 0.5, 0.0], [0.0, 0.5, 0.5]]), opt, 2).round(4)
    array([0.    , 0.0025, 1.    ])
    >>> toy_validation_loss(np.zeros((1, 2)), opt, 2)
    Traceback (most recent call last):
    ...
    ValueError: x must have shape (N, 3) like optimum; got (1, 2)
    """
    x = np.asarray(x, dtype=float)
    optimum = np.asarray(optimum, dtype=float)
    if x.ndim != 2 or optimum.ndim != 1 or x.shape[1] != optimum.shape[0]:
        raise ValueError(f"x must have shape (N, {optimum.shape[0]}) like optimum; got {x.shape}")
    if not 0 <= n_important <= x.shape[1]:
        raise ValueError(f"n_important must be between 0 and d = {x.shape[1]}, got {n_important}")
    diff = x - optimum
    m = n_important
    valley = 1.0 - np.exp(-0.5 * (diff[:, :m] / width) ** 2)
    return valley.sum(axis=1) + weak * (diff[:, m:] ** 2).sum(axis=1)


# --8<-- [end:objective]


# --8<-- [start:search]
def grid(values_per_axis: int, n_hyperparameters: int) -> np.ndarray:
    """A full grid on [0, 1]^d, at the centres of k equal cells per axis: (k**d, d).

    Cell centres favour the grid (no point is wasted on the boundary).

    >>> grid(2, 2)
    array([[0.25, 0.25],
           [0.25, 0.75],
           [0.75, 0.25],
           [0.75, 0.75]])
    """
    k = positive_int("values_per_axis", values_per_axis)
    axis = (np.arange(k) + 0.5) / k
    mesh = np.meshgrid(*[axis] * positive_int("n_hyperparameters", n_hyperparameters), indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def random_configurations(n: int, n_hyperparameters: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` configurations drawn uniformly from [0, 1]^d: (n, d).

    >>> random_configurations(3, 2, np.random.default_rng(0)).shape
    (3, 2)
    """
    return rng.random((positive_int("n", n), positive_int("n_hyperparameters", n_hyperparameters)))


def distinct_values(configurations: np.ndarray, axis: int) -> int:
    """How many different values of hyper-parameter ``axis`` the search tried.

    >>> distinct_values(grid(3, 4), axis=0), distinct_values(random_configurations(81, 4, np.random.default_rng(0)), 0)
    (3, 81)
    """
    return len(np.unique(configurations[:, axis]))


# --8<-- [end:search]


# --8<-- [start:experiment_search]
def experiment_search(
    n_hyperparameters: int = 5, n_important: int = 2, ks: tuple[int, ...] = (2, 3, 4, 5), seeds: int = 200
) -> dict:
    """Best loss found by three searches of the same budget, averaged over ``seeds`` optima.

    For each budget B = k**d: a full grid over all d hyper-parameters; B random
    configurations; and a grid over only the ``n_important`` ones (floor of
    B**(1/m) values each) with the others left at a default of 0.5 — what
    "fewer hyper-parameters" buys. Each seed draws a new optimum in [0.05, 0.95]^d.
    """
    d, m = n_hyperparameters, n_important
    budgets = [grid_points(k, d) for k in ks]
    full_grid = {k: grid(k, d) for k in ks}
    rows = {"grid": [], "random": [], "few": []}
    curve_budgets = sorted({int(b) for b in np.unique(np.geomspace(1, budgets[-1], 40).round())} | set(budgets))
    random_curve = np.zeros(len(curve_budgets))
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        optimum = rng.uniform(0.05, 0.95, size=d)
        grid_best = [toy_validation_loss(full_grid[k], optimum, m).min() for k in ks]
        trials = toy_validation_loss(random_configurations(budgets[-1], d, rng), optimum, m)
        best_so_far = np.minimum.accumulate(trials)
        few_best = []
        for b in budgets:
            k_few = math.floor(b ** (1 / m) + 1e-9)
            few = np.full((k_few**m, d), 0.5)
            few[:, :m] = grid(k_few, m)
            few_best.append(toy_validation_loss(few, optimum, m).min())
        rows["grid"].append(grid_best)
        rows["random"].append([best_so_far[b - 1] for b in budgets])
        rows["few"].append(few_best)
        random_curve += best_so_far[np.array(curve_budgets) - 1]
    mean = {name: np.mean(v, axis=0).tolist() for name, v in rows.items()}
    return {
        "n_hyperparameters": d,
        "n_important": m,
        "seeds": seeds,
        "ks": list(ks),
        "budgets": budgets,
        "grid_best": mean["grid"],
        "random_best": mean["random"],
        "few_best": mean["few"],
        "few_values_per_axis": [math.floor(b ** (1 / m) + 1e-9) for b in budgets],
        "random_wins": [
            float(np.mean(np.array(rows["random"])[:, i] < np.array(rows["grid"])[:, i])) for i in range(len(budgets))
        ],
        "curve_budgets": curve_budgets,
        "random_curve": (random_curve / seeds).tolist(),
    }


# --8<-- [end:experiment_search]


@functools.lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    return load_digits(return_X_y=True)


# --8<-- [start:tiny_model]
def digits_split(seed: int, n_train: int = 300, n_val: int = 100):
    """scikit-learn's 8×8 digits (1797 images, shipped with the library), split at random.

    Returns ((x, y) train, (x, y) validation, (x, y) test) as float64 / int64
    tensors; pixels standardised with the training mean and deviation. The
    test set is everything left over.

    >>> (xt, yt), (xv, yv), (xs, ys) = digits_split(0)
    >>> xt.shape, xv.shape, xs.shape
    (torch.Size([300, 64]), torch.Size([100, 64]), torch.Size([1397, 64]))
    """
    x, y = _digits()
    order = np.random.default_rng(seed).permutation(len(y))
    x, y = torch.tensor(x[order], dtype=torch.float64), torch.tensor(y[order])
    mean, std = x[:n_train].mean(0), x[:n_train].std(0) + 1e-3
    x = (x - mean) / std
    cuts = (slice(0, n_train), slice(n_train, n_train + n_val), slice(n_train + n_val, None))
    return tuple((x[c], y[c]) for c in cuts)


def random_feature_classifier(
    x: torch.Tensor, y: torch.Tensor, *, width: int, ridge: float, scale: float, seed: int, n_classes: int = 10
):
    """A tiny two-layer network: a frozen random ReLU layer, then a ridge-regression readout.

    x: (N, D), y: (N,) class indices. Three hyper-parameters (``width``,
    ``ridge``, ``scale``) and a seed; trained in closed form in milliseconds.
    Returns ``predict``: (M, D) -> (M,) class indices.

    >>> (xt, yt), (xv, yv), _ = digits_split(0)
    >>> predict = random_feature_classifier(xt, yt, width=128, ridge=1.0, scale=0.3, seed=0)
    >>> (predict(xv) == yv).double().mean().item() > 0.8
    True
    """
    g = torch.Generator().manual_seed(seed)
    w_in = torch.randn(x.shape[1], width, generator=g, dtype=x.dtype) * scale
    b_in = torch.rand(width, generator=g, dtype=x.dtype) * 2 - 1

    def features(z: torch.Tensor) -> torch.Tensor:
        return torch.cat([torch.relu(z @ w_in + b_in), torch.ones(len(z), 1, dtype=z.dtype)], dim=1)

    phi = features(x)
    targets = torch.nn.functional.one_hot(y, n_classes).to(x.dtype)
    w_out = torch.linalg.solve(phi.T @ phi + ridge * torch.eye(phi.shape[1], dtype=x.dtype), phi.T @ targets)
    return lambda z: (features(z) @ w_out).argmax(dim=1)


def sample_configuration(rng: np.random.Generator) -> dict:
    """One random configuration: width 8..256, ridge 1e-3..1e3 and scale 0.01..3, all log-uniform.

    >>> sorted(sample_configuration(np.random.default_rng(0)))
    ['ridge', 'scale', 'seed', 'width']
    """
    return {
        "width": int(round(math.exp(rng.uniform(math.log(8), math.log(256))))),
        "ridge": float(10 ** rng.uniform(-3, 3)),
        "scale": float(10 ** rng.uniform(-2, 0.5)),
        "seed": int(rng.integers(2**31)),
    }


# --8<-- [end:tiny_model]


# --8<-- [start:selection]
def best_of_first(
    val: np.ndarray, test: np.ndarray, ks: list[int], orders: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Validation and test score of the configuration chosen by validation among the first k tried.

    val, test: (N,) scores of N configurations; orders: (P, N) random orders in
    which they could have been tried. Returns two (len(ks),) arrays, averaged
    over the P orders (ties go to the first tried).

    >>> v, t = best_of_first(np.array([0.8, 0.9, 0.7]), np.array([0.8, 0.7, 0.7]), [1, 3], np.array([[0, 1, 2]]))
    >>> v.tolist(), t.tolist()
    ([0.8, 0.9], [0.8, 0.7])
    """
    sel_val, sel_test = [], []
    for k in ks:
        first = orders[:, :k]
        chosen = first[np.arange(len(orders)), val[first].argmax(axis=1)]
        sel_val.append(val[chosen].mean())
        sel_test.append(test[chosen].mean())
    return np.array(sel_val), np.array(sel_test)


def expected_max_inflation(k: int, n_val: int, accuracy: float) -> float:
    """E[max of k validation accuracies] − accuracy, when k configurations are all exactly this good.

    Each validation accuracy is Binomial(n_val, accuracy) / n_val; the maximum
    of k independent ones has CDF F(t)**k. Exact, no simulation.

    >>> expected_max_inflation(1, 100, 0.9) < 1e-12
    True
    >>> round(expected_max_inflation(64, 100, 0.9), 3)
    0.063
    """
    from scipy.stats import binom

    t = np.arange(n_val + 1)
    cdf_max = binom.cdf(t, n_val, accuracy) ** positive_int("k", k)
    pmf_max = np.diff(np.concatenate([[0.0], cdf_max]))
    return float((pmf_max * t / n_val).sum() - accuracy)


# --8<-- [end:selection]


# --8<-- [start:experiment_selection]
def experiment_selection(
    n_configurations: int = 128, repeats: int = 10, orders: int = 200, n_train: int = 300, n_val: int = 100
) -> dict:
    """Validation-set overfitting with tiny real models on digits.

    Each repeat: a new random split and ``n_configurations`` random
    configurations, each trained once and scored on the validation and the test
    set. Then, for k = 1, 2, 4, …: choose the best of the first k by validation
    accuracy (averaged over ``orders`` random orders of trying them) and record
    its validation and test accuracy. Averaged over the repeats.
    """
    ks = [2**i for i in range(int(math.log2(n_configurations)) + 1)]
    val_sel, test_sel, pool_val, pool_test, best_test = [], [], [], [], []
    for r in range(repeats):
        (xt, yt), (xv, yv), (xs, ys) = digits_split(seed=r, n_train=n_train, n_val=n_val)
        rng = np.random.default_rng(1000 + r)
        val, test = np.empty(n_configurations), np.empty(n_configurations)
        with torch_threads(1):
            for i in range(n_configurations):
                predict = random_feature_classifier(xt, yt, **sample_configuration(rng))
                val[i] = (predict(xv) == yv).double().mean().item()
                test[i] = (predict(xs) == ys).double().mean().item()
        perms = np.argsort(rng.random((orders, n_configurations)), axis=1)
        v, t = best_of_first(val, test, ks, perms)
        val_sel.append(v)
        test_sel.append(t)
        pool_val.append(val)
        pool_test.append(test)
        best_test.append(test.max())
    per_repeat = {"selected_val": np.array(val_sel).tolist(), "selected_test": np.array(test_sel).tolist()}
    val_sel, test_sel = np.mean(val_sel, axis=0), np.mean(test_sel, axis=0)
    pool_test = np.concatenate(pool_test)
    good = float(np.quantile(pool_test, 0.9))
    return {
        "n_configurations": n_configurations,
        "repeats": repeats,
        "orders": orders,
        "n_train": n_train,
        "n_val": n_val,
        "n_test": int(len(ys)),
        "ks": ks,
        "selected_val": val_sel.tolist(),
        "selected_test": test_sel.tolist(),
        "gap": (val_sel - test_sel).tolist(),
        "pool_test_median": float(np.median(pool_test)),
        "pool_test_q90": good,
        "pool_val_test_corr": float(np.corrcoef(np.concatenate(pool_val), pool_test)[0, 1]),
        "best_test_in_pool": float(np.mean(best_test)),
        "reference_accuracy": good,
        "reference_inflation": [expected_max_inflation(k, n_val, good) for k in ks],
        "per_repeat": per_repeat,
    }


# --8<-- [end:experiment_selection]


def figure_search(lang: str = "en"):
    """Best loss found against the number of runs: full grid, random, grid over the few that matter."""
    from snippets.plotting import Labels

    t = Labels(lang)
    data = load(MODULE, "search")["data"]
    d, m = data["n_hyperparameters"], data["n_important"]
    fig, ax = new_figure(6.0, 3.4)
    ax.plot(
        data["curve_budgets"],
        data["random_curve"],
        color=PALETTE[1],
        linewidth=1.8,
        label=t(f"random search over all {d}", f"חיפוש אקראי על כל {d}"),
    )
    ks = ", ".join(map(str, data["ks"]))
    ax.plot(
        data["budgets"],
        data["grid_best"],
        "o-",
        color=PALETTE[0],
        linewidth=1.8,
        label=t(f"full grid over all {d} (k = {ks})", f"רשת מלאה על כל {d} (k = {ks})"),
    )
    ax.plot(
        data["budgets"],
        data["few_best"],
        "s--",
        color=PALETTE[2],
        linewidth=1.5,
        label=t(f"grid over the {m} that matter, others at a default", f"רשת על {m} החשובים, השאר בערך ברירת מחדל"),
    )
    for b, k in zip(data["budgets"], data["ks"], strict=True):
        ax.annotate(
            f"${k}^{d}$",
            (b, data["grid_best"][data["budgets"].index(b)]),
            textcoords="offset points",
            xytext=(-8, 7),
            fontsize=8,
            color=PALETTE[0],
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(t("budget: number of training runs", "תקציב: מספר ריצות האימון"))
    ax.set_ylabel(t("best validation loss found (mean)", "הפסד הוולידציה הטוב שנמצא (ממוצע)"))
    ax.set_title(
        t(
            f"{d} hyper-parameters, {m} of which matter; mean over {data['seeds']} optima",
            f"{d} היפר־פרמטרים, {m} מהם חשובים; ממוצע על {data['seeds']} אופטימומים",
        ),
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="lower left", frameon=False, **t.legend)
    return fig


def figure_selection(lang: str = "en"):
    """Validation vs test accuracy of the configuration chosen among the first k."""
    from snippets.plotting import Labels

    t = Labels(lang)
    data = load(MODULE, "selection")["data"]
    ks = data["ks"]
    fig, (left, right) = new_figure(7.0, 3.2, ncols=2)
    left.plot(
        ks,
        np.array(data["selected_val"]) * 100,
        "o-",
        color=PALETTE[1],
        label=t("its validation accuracy", "דיוק הוולידציה שלה"),
    )
    left.plot(
        ks,
        np.array(data["selected_test"]) * 100,
        "s-",
        color=PALETTE[0],
        label=t("its test accuracy", "דיוק המבחן שלה"),
    )
    left.set_xscale("log", base=2)
    left.set_xlabel(t("configurations tried, k", "תצורות שנוסו, k"))
    left.set_ylabel(t("accuracy of the one chosen (%)", "הדיוק של הנבחרת (%)"))
    left.legend(fontsize=8, frameon=False, loc="lower right", **t.legend)
    left.set_title(t("choose the best by validation", "בוחרים את הטובה ביותר לפי ולידציה"), fontsize=10)
    right.plot(
        ks,
        np.array(data["gap"]) * 100,
        "o-",
        color=PALETTE[3],
        label=t("measured: validation − test", "נמדד: ולידציה − מבחן"),
    )
    right.plot(
        ks,
        np.array(data["reference_inflation"]) * 100,
        "--",
        color="#555555",
        label=t("exact, if all k were equally good", "מדויק, אילו כל ה־k היו טובות באותה מידה"),
    )
    right.set_xscale("log", base=2)
    right.set_xlabel(t("configurations tried, k", "תצורות שנוסו, k"))
    right.set_ylabel(t("optimism (percentage points)", "אופטימיות (נקודות אחוז)"))
    right.legend(fontsize=8, frameon=False, loc="upper left", **t.legend)
    right.set_title(
        t(f"validation set of {data['n_val']} images", f"קבוצת ולידציה של {data['n_val']} תמונות"), fontsize=10
    )
    return fig


def facts() -> dict[str, object]:
    """The numbers chapter A4 prints: grid costs and the two committed experiments."""
    search = load(MODULE, "search")["data"]
    sel = load(MODULE, "selection")["data"]
    budgets = search["budgets"]
    i = budgets.index(grid_points(3, search["n_hyperparameters"]))
    last = len(sel["ks"]) - 1
    adam = numeric_defaults(torch.optim.Adam)
    return {
        "adam_defaults": ", ".join(f"{k}={v}" for k, v in adam.items()),
        "adam_n": len(adam),
        "grid_5_2": grid_points(5, 2),
        "grid_5_4": grid_points(5, 4),
        "grid_5_8": grid_points(5, 8),
        "grid_5_8_days": f"{search_days(grid_points(5, 8), 10):,.0f}",
        "grid_5_8_years": f"{search_days(grid_points(5, 8), 10) / 365.25:.1f}",
        "d": search["n_hyperparameters"],
        "m": search["n_important"],
        "seeds": search["seeds"],
        "budget_k3": budgets[i],
        "budget_max": budgets[-1],
        "k_max": search["ks"][-1],
        "k_min": search["ks"][0],
        "k_chosen": search["ks"][i],
        "grid_best_k3": search["grid_best"][i],
        "random_best_k3": search["random_best"][i],
        "few_best_k3": search["few_best"][i],
        "few_values_k3": search["few_values_per_axis"][i],
        "grid_best_max": search["grid_best"][-1],
        "random_best_max": search["random_best"][-1],
        "few_best_max": search["few_best"][-1],
        "random_wins_k3_pct": f"{100 * search['random_wins'][i]:.0f}",
        "random_budget_to_beat_grid_max": min(
            b for b, v in zip(search["curve_budgets"], search["random_curve"]) if v <= search["grid_best"][-1]
        ),
        "sel_n_conf": sel["n_configurations"],
        "sel_repeats": sel["repeats"],
        "sel_n_train": sel["n_train"],
        "sel_n_val": sel["n_val"],
        "sel_n_test": sel["n_test"],
        "sel_val_k1_pct": f"{100 * sel['selected_val'][0]:.1f}",
        "sel_test_k1_pct": f"{100 * sel['selected_test'][0]:.1f}",
        "sel_val_max_pct": f"{100 * sel['selected_val'][last]:.1f}",
        "sel_test_max_pct": f"{100 * sel['selected_test'][last]:.1f}",
        "sel_gap_k1_pts": f"{100 * sel['gap'][0]:.1f}",
        "sel_gap_max_pts": f"{100 * sel['gap'][last]:.1f}",
        "sel_best_test_pct": f"{100 * sel['best_test_in_pool']:.1f}",
        "sel_ref_acc_pct": f"{100 * sel['reference_accuracy']:.1f}",
        "sel_ref_max_pts": f"{100 * sel['reference_inflation'][last]:.1f}",
        "sel_sigma_pts": f"{100 * math.sqrt(sel['reference_accuracy'] * (1 - sel['reference_accuracy']) / sel['n_val']):.1f}",
        "sel_corr": f"{sel['pool_val_test_corr']:.2f}",
    }
