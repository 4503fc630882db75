"""Chapter A4: what the page claims about searching many hyper-parameters, checked by re-running the code."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.a4_hyperparameter_search import (
    best_of_first,
    digits_split,
    distinct_values,
    expected_max_inflation,
    experiment_search,
    experiment_selection,
    facts,
    figure_search,
    figure_selection,
    grid,
    grid_points,
    random_configurations,
    random_feature_classifier,
    sample_configuration,
    search_days,
    toy_validation_loss,
)
from snippets.results import load


def test_grid_cost_is_exponential_in_the_number_of_hyperparameters():
    for d in range(1, 7):
        assert grid_points(3, d) == len(grid(3, d)) == 3**d
        assert grid_points(3, d + 1) == 3 * grid_points(3, d)
    assert search_days(grid_points(5, 8), 10) == pytest.approx(5**8 * 10 / 1440)


@pytest.mark.parametrize(
    "bad, error",
    [((0, 2), ValueError), ((3, -1), ValueError), ((2.0, 2), TypeError), ((True, 2), TypeError), (("3", 2), TypeError)],
)
def test_grid_rejects_bad_sizes(bad, error):
    with pytest.raises(error, match="must be"):
        grid_points(*bad)


def test_a_grid_tries_k_values_per_axis_random_search_tries_n():
    configs = grid(4, 3)
    assert all(distinct_values(configs, a) == 4 for a in range(3))
    rand = random_configurations(64, 3, np.random.default_rng(1))
    assert all(distinct_values(rand, a) == 64 for a in range(3))
    assert configs.min() > 0 and configs.max() < 1


def test_toy_loss_minimum_and_which_axes_matter():
    rng = np.random.default_rng(0)
    opt = rng.uniform(0.05, 0.95, 5)
    assert toy_validation_loss(opt[None], opt, 2)[0] == 0
    moved = np.repeat(opt[None], 5, axis=0)
    for a in range(5):
        moved[a, a] = 1.0 if opt[a] < 0.5 else 0.0
    loss = toy_validation_loss(moved, opt, 2)
    assert loss[:2].min() > 0.9 and loss[2:].max() <= 0.01
    with pytest.raises(ValueError, match="n_important"):
        toy_validation_loss(opt[None], opt, 6)


def test_search_experiment_matches_the_committed_results():
    committed = load("a4_hyperparameter_search", "search")["data"]
    fresh = experiment_search(seeds=committed["seeds"])
    assert fresh.keys() == committed.keys()
    for key, value in committed.items():  # rel 1e-9: float64 NumPy arithmetic, no training; rounding only
        assert fresh[key] == pytest.approx(value, rel=1e-9), key


def test_search_conclusions():
    data = load("a4_hyperparameter_search", "search")["data"]
    # At every budget random search beats the full grid on average and in most draws,
    assert all(r < g for r, g in zip(data["random_best"], data["grid_best"]))
    assert all(w > 0.8 for w in data["random_wins"])
    # and searching only the hyper-parameters that matter beats both.
    assert all(f < r for f, r in zip(data["few_best"], data["random_best"]))
    # A few dozen random runs match the largest grid.
    assert facts()["random_budget_to_beat_grid_max"] < data["budgets"][0] * 3


def test_random_search_loses_its_edge_when_every_hyperparameter_matters():
    few = experiment_search(n_important=2, seeds=30)
    every = experiment_search(n_important=5, seeds=30)
    assert few["grid_best"][-1] > 10 * few["random_best"][-1]
    assert every["grid_best"][-1] < 2 * every["random_best"][-1]


def test_tiny_model_learns_and_bad_hyperparameters_hurt():
    (xt, yt), (xv, yv), _ = digits_split(3)
    good = random_feature_classifier(xt, yt, width=200, ridge=1.0, scale=0.2, seed=0)
    bad = random_feature_classifier(xt, yt, width=8, ridge=1000.0, scale=0.01, seed=0)
    assert (good(xv) == yv).double().mean() > 0.85
    assert (bad(xv) == yv).double().mean() < 0.5
    cfg = sample_configuration(np.random.default_rng(0))
    assert 8 <= cfg["width"] <= 256 and 1e-3 <= cfg["ridge"] <= 1e3


def test_best_of_first_picks_by_validation_only():
    val = np.array([0.5, 0.9, 0.6, 0.95])
    test = np.array([0.7, 0.6, 0.8, 0.5])
    orders = np.array([[0, 1, 2, 3], [2, 0, 3, 1]])
    v, t = best_of_first(val, test, [1, 2, 4], orders)
    assert v.tolist() == pytest.approx([(0.5 + 0.6) / 2, (0.9 + 0.6) / 2, 0.95])
    assert t.tolist() == pytest.approx([(0.7 + 0.8) / 2, (0.6 + 0.8) / 2, 0.5])


def test_inflation_formula_against_simulation():
    rng = np.random.default_rng(0)
    sims = rng.binomial(100, 0.9, size=(20_000, 16)).max(axis=1) / 100 - 0.9
    assert expected_max_inflation(16, 100, 0.9) == pytest.approx(sims.mean(), abs=2e-3)
    assert expected_max_inflation(1, 100, 0.9) == pytest.approx(0, abs=1e-12)


def test_selection_quick_run_shows_the_gap_growing():
    quick = experiment_selection(n_configurations=32, repeats=3, orders=50)
    assert quick["ks"] == [1, 2, 4, 8, 16, 32]
    assert quick["gap"][-1] > quick["gap"][0] + 0.005


def test_selection_conclusions_in_the_committed_results():
    data = load("a4_hyperparameter_search", "selection")["data"]
    gap = np.array(data["gap"])
    assert abs(gap[0]) < 0.01  # one configuration: no selection, no optimism
    assert gap[-1] > 0.01  # the winner of many looks better than it is
    assert np.all(np.diff(gap[1:]) > -0.002)  # and the optimism grows with k (up to noise)
    ref = np.array(data["reference_inflation"])
    assert np.all(np.diff(ref) > 0) and np.all(gap[1:] < ref[1:])
    # The chosen configuration really is better on test data: selection helps, it only overstates.
    assert data["selected_test"][-1] > data["selected_test"][0] + 0.1
    assert data["selected_test"][-1] < data["best_test_in_pool"]


def test_committed_selection_reproduces_its_first_repeat():
    data = load("a4_hyperparameter_search", "selection")["data"]
    one = experiment_selection(
        repeats=1,
        n_configurations=data["n_configurations"],
        orders=data["orders"],
        n_train=data["n_train"],
        n_val=data["n_val"],
    )
    # abs 1e-9: accuracies are counts / n in float64; a flipped prediction would move them by 1/n_val, far more
    assert one["selected_val"] == pytest.approx(data["per_repeat"]["selected_val"][0], abs=1e-9)
    assert one["selected_test"] == pytest.approx(data["per_repeat"]["selected_test"][0], abs=1e-9)
    assert np.mean(data["per_repeat"]["selected_test"], axis=0) == pytest.approx(data["selected_test"])


def test_figures_draw():
    assert len(figure_search().axes[0].lines) == 3
    assert len(figure_selection().axes) == 2


def test_grid_sizes_on_the_page_come_from_the_committed_search():
    from snippets.a4_hyperparameter_search import facts

    f = facts()
    assert f["k_min"] < f["k_chosen"] < f["k_max"]
    assert f["budget_k3"] == f["k_chosen"] ** f["d"] and f["budget_max"] == f["k_max"] ** f["d"]
