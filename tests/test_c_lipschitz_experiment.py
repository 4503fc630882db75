"""Chapter C, the experiment: the task is what the page says, a quick re-run behaves like the committed
results, and the committed results support the page's conclusions."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from snippets.c_lipschitz_experiment import (
    MODELS,
    facts,
    make_model,
    noise_padded_digits,
    norms_over_time,
    run_task,
    unrolled_states,
)
from snippets.results import load


def test_task_shapes_and_padding():
    (xtr, ytr), (xte, yte) = noise_padded_digits(pad=50)
    assert xtr.shape == (1347, 58, 8) and xte.shape == (450, 58, 8)
    assert xtr[:, :8].min() >= 0 and xtr[:, :8].max() <= 1  # pixels scaled to [0, 1]
    assert 0.9 < xtr[:, 8:].std().item() < 1.1  # N(0, 1) noise after the rows
    assert set(ytr.tolist()) == set(range(10))
    (a, _), _ = noise_padded_digits(pad=50)
    assert torch.equal(a, xtr)  # the same data every time
    (plain, _), _ = noise_padded_digits(pad=0)
    assert torch.equal(plain, xtr[:, :8])


def test_vanilla_unroll_by_hand_is_nn_rnn():
    model = make_model("vanilla", hidden=16)
    x = torch.randn(3, 10, 8)
    torch.testing.assert_close(torch.stack(unrolled_states(model, x), 1), model.rnn(x)[0])


def test_norms_over_time_show_the_vanishing_gradient_of_the_vanilla_rnn():
    (_, _), (xte, yte) = noise_padded_digits(pad=50)
    d = norms_over_time(make_model("vanilla"), xte[:64], yte[:64])
    assert len(d["grad_norm"]) == 58
    assert d["grad_norm"][0] < 1e-8 * d["grad_norm"][-1]
    lip = norms_over_time(make_model("lipschitz"), xte[:64], yte[:64])
    assert lip["grad_norm"][0] > lip["grad_norm"][-1]  # no vanishing through the noise


def test_quick_rerun_has_the_committed_structure():
    """One seed, few steps, two models: the same fields as the committed file, and it learns a little."""
    quick = run_task(pad=50, steps=30, seeds=(0,), models=("vanilla", "lipschitz"))
    committed = load("c_lipschitz_experiment", "noise_padded")["data"]
    assert set(quick) <= set(committed)
    run = quick["runs"]["lipschitz"][0]
    assert set(run) == set(committed["runs"]["lipschitz"][0])
    assert run["train_loss"][-1] < run["train_loss"][0]
    assert quick["final"]["lipschitz"][0] > 0.2  # already above chance after 30 steps


def test_the_committed_results_support_the_conclusions():
    padded = load("c_lipschitz_experiment", "noise_padded")["data"]
    plain = load("c_lipschitz_experiment", "no_padding")["data"]
    assert padded["pad"] == 50 and plain["pad"] == 0 and padded["seeds"] == [0, 1, 2]
    assert set(padded["final"]) == set(MODELS)
    acc = {name: padded["final"][name] for name in MODELS}
    assert max(acc["vanilla"]) < 0.15  # chance is 0.10
    assert min(acc["lipschitz"]) > 0.65  # every seed about three quarters
    assert min(acc["lipschitz"]) > max(acc["vanilla_orth"]) + 0.2
    # The exam's cell learns too, less well and less consistently.
    assert min(acc["exam"]) > 0.5 and sum(acc["exam"]) < sum(acc["lipschitz"])
    assert max(acc["exam"]) - min(acc["exam"]) > max(acc["lipschitz"]) - min(acc["lipschitz"])
    # Only the Lipschitz RNN is good on every seed; orthogonal init helps some seeds, not all.
    assert all(min(acc[name]) < min(acc["lipschitz"]) for name in MODELS if name != "lipschitz")
    assert min(acc["vanilla_orth"]) < 0.15 < max(acc["vanilla_orth"])
    # The plain RNN only begins to fit its training set (loss well above the others'), while its
    # test loss rises and its accuracy stays at chance: what it learns does not carry over.
    vanilla = padded["runs"]["vanilla"]
    assert all(1.5 < r["train_loss"][-1] < 2.0 < 2.2 < r["train_loss"][0] for r in vanilla)
    assert all(r["eval_loss"][-1] > r["eval_loss"][0] > 2.2 for r in vanilla)
    final_loss = {name: sum(r["train_loss"][-1] for r in padded["runs"][name]) / 3 for name in MODELS}
    assert max(final_loss, key=final_loss.get) == "vanilla"  # the highest final loss of the four
    # The control: the two tanh RNNs are the two best models, and their seed ranges overlap,
    # so the control cannot tell orthogonal initialisation from the default one.
    means = {name: sum(plain["final"][name]) / 3 for name in MODELS}
    assert sorted(means, key=means.get)[-2:] in (["vanilla", "vanilla_orth"], ["vanilla_orth", "vanilla"])
    v, o = plain["final"]["vanilla"], plain["final"]["vanilla_orth"]
    assert max(min(v), min(o)) <= min(max(v), max(o))
    # Without padding the plain RNN is at least as good as the Lipschitz RNN.
    assert min(plain["final"]["vanilla"]) > 0.9 and min(plain["final"]["vanilla_orth"]) > 0.9
    assert sum(plain["final"]["vanilla"]) >= sum(plain["final"]["lipschitz"])
    # The same hidden size, optimiser settings and budget for every model.
    n_records = len(padded["runs"]["vanilla"][0]["step"])
    assert all(len(r["step"]) == n_records for rs in padded["runs"].values() for r in rs)


def test_facts_read_the_committed_file():
    f = facts()
    padded = load("c_lipschitz_experiment", "noise_padded")["data"]
    assert f["pad_lipschitz_mean"] == f"{100 * sum(padded['final']['lipschitz']) / 3:.1f}"
    assert f["length"] == 58 and f["eps_t"] == "5.8"


def test_make_model_rejects_unknown_names():
    with pytest.raises(ValueError, match="model must be one of"):
        make_model("lstm")
    assert isinstance(make_model("exam").readout, nn.Linear)
