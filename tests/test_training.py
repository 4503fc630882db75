"""The shared training loop (snippets/training.py)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from snippets.training import History, accuracy, fit, set_seed


def _task(n=128, seed=0):
    g = set_seed(seed)
    x = torch.randn(n, 4, generator=g)
    y = (x[:, 0] + x[:, 1] > 0).long()
    return x, y


def test_fit_learns_a_separable_task_and_is_reproducible():
    runs = []
    for _ in range(2):
        set_seed(0)
        net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
        runs.append(
            fit(
                net,
                _task(),
                nn.functional.cross_entropy,
                steps=60,
                batch_size=32,
                seed=1,
                optimizer=torch.optim.Adam(net.parameters(), lr=0.05),
                eval_every=20,
            )
        )
    assert runs[0].as_dict() == runs[1].as_dict()
    assert runs[0].step == [20, 40, 60]
    assert runs[0].eval_accuracy[-1] > 0.95
    assert runs[0].train_loss[-1] < runs[0].train_loss[0]


def test_before_step_sees_the_gradients():
    seen = []
    net = nn.Linear(4, 2)
    fit(
        net,
        _task(),
        nn.functional.cross_entropy,
        steps=3,
        optimizer=torch.optim.SGD(net.parameters(), lr=0.1),
        before_step=lambda m: seen.append(m.weight.grad.norm().item()),
    )
    assert len(seen) == 3 and all(s > 0 for s in seen)


def test_divergence_stops_the_run():
    net = nn.Linear(4, 1)
    x, _ = _task()
    y = torch.full((x.shape[0], 1), 1e30)
    h = fit(net, (x, y), nn.functional.mse_loss, steps=100, optimizer=torch.optim.SGD(net.parameters(), lr=1e10))
    assert h.diverged and len(h.step) >= 1 and h.step[-1] < 100
    assert not math.isfinite(h.train_loss[-1])


@pytest.mark.parametrize(
    "data, message",
    [
        ((torch.zeros(3, 2), torch.zeros(4)), "same, non-zero first dimension"),
        ((torch.zeros(0, 2), torch.zeros(0)), "same, non-zero first dimension"),
        (([1, 2], torch.zeros(2)), "expected two tensors"),
    ],
)
def test_bad_data_gets_a_clear_error(data, message):
    net = nn.Linear(2, 2)
    with pytest.raises((ValueError, TypeError), match=message):
        fit(net, data, nn.functional.cross_entropy, steps=1, optimizer=torch.optim.SGD(net.parameters(), lr=0.1))


def test_accuracy_and_history():
    assert accuracy(torch.tensor([[0.0, 1.0]]), torch.tensor([1])) == 1.0
    assert History().as_dict()["diverged"] is False
