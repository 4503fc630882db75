"""Chapter B2, the recipe: the checks behave as the page says, and the committed experiment holds."""

from __future__ import annotations

import math

import pytest
import torch

from snippets.b2_diagnose_and_fix import (
    CONFIGS,
    DECAYS,
    SIZES,
    errors,
    facts,
    figure_learning_curves,
    figure_regularisation_dial,
    fit_verdict,
    load_task,
    loss_at_init,
    mean_over_seeds,
    mlp,
    overfit_tiny_batch,
    train_config,
)
from snippets.results import load
from snippets.training import torch_threads

RECIPE = load("b2_diagnose_and_fix", "recipe")["data"]


@pytest.fixture(autouse=True)
def _one_thread():
    """Small networks run faster on one thread, and do not fight other processes for cores."""
    with torch_threads(1):
        yield


def test_task_is_split_and_normalised_with_training_statistics_only():
    d = load_task()
    assert d["x_train"].shape == (1200, 64) and d["x_val"].shape == (597, 64)
    assert abs(d["x_train"].mean().item()) < 1e-5 and d["x_train"].std().item() == pytest.approx(1.0, abs=1e-3)
    assert abs(d["x_val"].mean().item()) > 1e-4  # validation statistics were not used
    raw = load_task(normalise=False)
    assert raw["x_train"].min().item() == 0 and raw["x_train"].max().item() == 16
    assert torch.equal(raw["y_val"], d["y_val"])


def test_loss_at_init_is_about_log_c_only_for_normalised_inputs():
    torch.manual_seed(0)
    d = load_task()
    assert loss_at_init(mlp((32,)), d["x_train"], d["y_train"]) == pytest.approx(math.log(10), abs=0.15)
    assert RECIPE["init_loss"]["normalised"] == pytest.approx(math.log(10), abs=0.15)
    assert RECIPE["init_loss"]["raw pixels"] > math.log(10) + 1.0


def test_a_correct_pipeline_overfits_a_tiny_batch_but_a_too_small_model_does_not():
    d = load_task()
    torch.manual_seed(0)
    assert overfit_tiny_batch(mlp((32,)), d["x_train"], d["y_train"]) < 0.01
    torch.manual_seed(0)
    assert overfit_tiny_batch(mlp((1,)), d["x_train"], d["y_train"]) > 0.3
    assert RECIPE["tiny_batch_loss"] < 0.01


@pytest.mark.parametrize(
    "train, val, verdict",
    [
        (0.5, 0.5, "underfitting"),
        (0.06, 0.07, "underfitting"),
        (0.0, 0.2, "overfitting"),
        (0.01, 0.05, "good fit"),
        (0.0, 0.0, "good fit"),
    ],
)
def test_fit_verdict(train, val, verdict):
    assert fit_verdict(train, val) == verdict


@pytest.mark.parametrize("bad", [(-0.1, 0.2), (0.1, 1.5), (float("nan"), 0.1)])
def test_fit_verdict_rejects_errors_that_are_not_fractions(bad):
    with pytest.raises(ValueError, match="fraction"):
        fit_verdict(*bad)


@pytest.mark.parametrize(
    "widths, error", [((0,), ValueError), ((3.5,), TypeError), ((True,), TypeError), (("8",), TypeError)]
)
def test_mlp_rejects_bad_widths(widths, error):
    with pytest.raises(error, match="each of widths must be"):
        mlp(widths)


@pytest.mark.parametrize("name", ["too simple", "oversized, little data"])
def test_rerun_matches_the_committed_seed(name):
    fresh = train_config(**CONFIGS[name], seed=0)
    committed = RECIPE["runs"][name][0]
    # abs 0.02: errors are fractions of a few hundred images; the verdicts the page draws differ by far more
    assert fresh["train_error"] == pytest.approx(committed["train_error"], abs=0.02)
    assert fresh["val_error"] == pytest.approx(committed["val_error"], abs=0.02)
    assert fresh["n_params"] == committed["n_params"]


def test_the_recipe_diagnoses_each_configuration():
    f = facts()
    assert f["simple_verdict"] == "underfitting"
    assert f["simple_train_error"] > 0.3 and abs(f["simple_val_error"] - f["simple_train_error"]) < 0.05
    assert f["well_verdict"] == "good fit"
    assert f["over_verdict"] == "overfitting"
    assert f["over_train_error"] == 0.0 and f["over_val_error"] > 0.08
    assert f["over_val_loss_min_step"] < RECIPE["steps"] / 4  # validation loss rises after an early minimum
    assert f["more_verdict"] == "good fit"


def test_weight_decay_lowers_the_validation_loss_but_only_more_data_closes_the_gap():
    f = facts()
    assert f["reg_val_loss"] < 0.8 * f["over_val_loss"]
    assert abs(f["reg_val_error"] - f["over_val_error"]) < 0.03  # the error hardly moves
    assert f["more_val_error"] < f["over_val_error"] / 3
    errs = [f[f"size_{n}_val_error"] for n in SIZES]
    assert errs == sorted(errs, reverse=True)  # more data, lower validation error, every step


def test_too_much_weight_decay_underfits():
    d = RECIPE["decays"]
    strongest = d[f"{max(DECAYS):g}"]
    assert mean_over_seeds(strongest, "train_loss") > 100 * mean_over_seeds(d["0"], "train_loss") + 0.1
    assert mean_over_seeds(strongest, "val_error") > mean_over_seeds(d["0"], "val_error") + 0.03


def test_the_oversized_network_generalises_best_once_it_has_the_data():
    """The nuance: with all 1,200 images the 85,002-parameter network beats the well-sized one."""
    f = facts()
    assert f["more_params"] > 30 * f["well_params"]
    assert f["more_val_error"] < f["well_val_error"]


def test_errors_measures_loss_and_error_rate():
    torch.manual_seed(0)
    d = load_task()
    loss, err = errors(mlp((32,)), d["x_val"][:50], d["y_val"][:50])
    assert loss > 1.5 and 0.5 < err <= 1.0


def test_figures_draw():
    assert len(figure_learning_curves().axes) == 6
    assert len(figure_regularisation_dial().axes) == 2


def test_data_sweep_sentence_lists_every_size_in_order_from_the_results():
    """The page's "more data" sentence is rendered from the committed sweep, sizes and errors both."""
    import re

    from snippets.b2_diagnose_and_fix import SIZES, facts

    f = facts()
    for key in ("data_sweep", "data_sweep_he"):
        sizes = [int(n) for n in re.findall(r"(?:with|עם) (\d+)", f[key])]
        assert sizes == sorted(SIZES), (key, f[key])
        for n in SIZES:
            assert f"{f[f'size_{n}_val_error']:.1%}" in f[key]


def test_configuration_facts_are_the_experiment_s_own_settings():
    import inspect

    from snippets.b2_diagnose_and_fix import CONFIGS, DECAYS, facts, overfit_tiny_batch

    f = facts()
    assert f["tiny_n"] == inspect.signature(overfit_tiny_batch).parameters["n"].default
    assert (f["simple_widths"], f["well_widths"], f["over_widths"]) == (
        CONFIGS["too simple"]["widths"],
        CONFIGS["well sized"]["widths"],
        CONFIGS["oversized, all data"]["widths"],
    )
    assert f["well_hidden"] == CONFIGS["well sized"]["widths"][0]
    assert float(f["decay_max"]) == max(DECAYS)
    assert [float(x) for x in f["decays"].replace(" and ", ", ").split(", ")] == list(DECAYS)
    assert [float(x) for x in f["decays_he"].replace(" ו־", ", ").split(", ")] == list(DECAYS)
