"""Chapter D, hierarchy and inductive bias: the committed two-bars results hold, and the cheap runs reproduce exactly."""

from __future__ import annotations

import pytest
import torch

from snippets.d_inductive_bias import (
    MODELS,
    cnn,
    facts,
    figure_two_bars,
    for_permuted_pixels,
    mlp,
    permute_pixels,
    train_and_test,
    two_bars,
)
from snippets.d_receptive_field import receptive_fields
from snippets.results import load

RESULTS = load("d_inductive_bias", "two_bars")["data"]


def test_committed_results_say_what_the_page_says():
    runs = RESULTS["runs"]
    assert runs["cnn_2_layers"]["pixels"]["test"] > 0.95  # two layers solve it
    assert runs["cnn_1_layer"]["pixels"]["test"] < 0.56  # one layer cannot
    assert runs["cnn_2_layers"]["permuted"]["test"] < 0.56  # the CNN's prior is wrong on shuffled pixels
    assert runs["mlp"]["pixels"]["test"] == runs["mlp"]["permuted"]["test"]  # the MLP does not care
    assert runs["mlp"]["pixels"]["train"] == 1.0 and runs["mlp"]["pixels"]["test"] < 0.8  # it memorises
    assert runs["mlp"]["params"] > 3 * runs["cnn_2_layers"]["params"]
    assert [runs[n]["receptive_field"] for n in ("cnn_1_layer", "cnn_2_layers")] == [3, 5]


@pytest.mark.parametrize("name, permuted", [("cnn_1_layer", False), ("mlp", False), ("mlp", True)])
def test_cheap_runs_reproduce_the_committed_numbers(name, permuted):
    """Re-run the fast runs with the committed settings: one thread and fixed seeds make them exact."""
    got = train_and_test(
        MODELS[name], permuted, steps=RESULTS["steps"], n_train=RESULTS["n_train"], seed=RESULTS["seed"]
    )
    want = RESULTS["runs"][name]["permuted" if permuted else "pixels"]
    # abs 0.005: less than one test image in 200 may differ across CPUs; the page prints whole percents
    assert got["test"] == pytest.approx(want["test"], abs=0.005)
    assert got["train"] == pytest.approx(want["train"], abs=0.005)


def test_one_layer_sees_the_same_thing_for_both_classes():
    """Without noise, the pooled features of one 3×3 layer are identical for gap 3 and gap 5."""
    torch.manual_seed(0)
    net = cnn(1)
    features = net[:4]  # conv, relu, pool, flatten
    x = torch.zeros(2, 1, 12, 12)
    x[0, 0, 2, 3:7] = x[0, 0, 5, 3:7] = 1  # gap 3
    x[1, 0, 2, 3:7] = x[1, 0, 7, 3:7] = 1  # gap 5
    with torch.no_grad():
        a, b = features(x)
    torch.testing.assert_close(a, b)
    assert receptive_fields([m for m in net if isinstance(m, torch.nn.Conv2d)]) == [3]


def test_the_mlp_is_indifferent_to_a_pixel_permutation():
    torch.manual_seed(0)
    net, x, perm = mlp(), torch.randn(5, 1, 12, 12), torch.randperm(144)
    torch.testing.assert_close(for_permuted_pixels(net, perm)(permute_pixels(x, perm)), net(x))


def test_data_and_bad_input():
    x, y = two_bars(64, seed=0, noise=0.0)
    assert x.shape == (64, 1, 12, 12) and set(x.unique().tolist()) == {0.0, 1.0}
    assert (x.flatten(1).sum(1) == 8).all()  # two bars of four pixels
    with pytest.raises(ValueError, match="n must be"):
        two_bars(0, seed=0)
    with pytest.raises(ValueError, match="permutation of 144"):
        permute_pixels(x, torch.arange(10))


def test_facts_and_figure():
    f = facts()
    assert f["cnn_2_layers_pixels"] == pytest.approx(100 * RESULTS["runs"]["cnn_2_layers"]["pixels"]["test"])
    assert len(figure_two_bars().axes) == 3


def test_mlp_width_on_the_page_is_the_model_s_own():
    import inspect

    from snippets.d_inductive_bias import facts, mlp

    width = inspect.signature(mlp).parameters["hidden"].default
    assert facts()["mlp_hidden"] == width
    assert mlp()[1].out_features == width or any(getattr(m, "out_features", None) == width for m in mlp())
