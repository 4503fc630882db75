"""A3 — what gradient clipping costs.

Clipping replaces the gradient g by a shorter vector before the optimiser step:
by norm, g · min(1, c / ||g||) (same direction); by value, each entry clamped to
[-c, c] (a different direction). Either way the step is no longer the
(stochastic) gradient: the update is biased, and the threshold c is one more
hyper-parameter. Shown in chapter A3, tested by tests/test_a3_gradient_clipping.py.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.func import grad, vmap

from snippets.plotting import PALETTE, new_figure
from snippets.results import load
from snippets.training import fit, set_seed, torch_threads


def _vector(g: object, name: str = "gradient") -> torch.Tensor:
    if not isinstance(g, torch.Tensor) or not g.is_floating_point() or g.dim() != 1 or g.numel() == 0:
        raise TypeError(f"{name} must be a non-empty 1-D floating-point tensor, got {g!r}")
    return g


def _threshold(c: object) -> float:
    if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c) or c <= 0:
        raise ValueError(f"threshold must be a positive finite number, got {c!r}")
    return float(c)


# --8<-- [start:two_d]
def angle_degrees(a: torch.Tensor, b: torch.Tensor) -> float:
    """The angle between two vectors, in degrees (atan2 form: exact 0 for parallel vectors).

    >>> angle_degrees(torch.tensor([1.0, 0.0]), torch.tensor([1.0, 1.0]))
    45.0
    """
    a, b = _vector(a, "a").double(), _vector(b, "b").double()
    dot = (a * b).sum()
    cross = torch.sqrt(torch.clamp((a * a).sum() * (b * b).sum() - dot**2, min=0.0))
    return round(math.degrees(math.atan2(cross.item(), dot.item())), 10)


def clip_both_ways(gradient: torch.Tensor, threshold: float) -> dict[str, object]:
    """Clip one gradient vector with PyTorch's own functions, by norm and by value.

    gradient: (d,). Returns the two clipped vectors, their norms and their angles to the original.

    >>> r = clip_both_ways(torch.tensor([4.0, 1.0]), 1.0)
    >>> r["by_norm"], r["angle_by_norm"]
    (tensor([0.9701, 0.2425]), 0.0)
    >>> r["by_value"], round(r["angle_by_value"], 2)
    (tensor([1., 1.]), 30.96)
    """
    gradient, c = _vector(gradient), _threshold(threshold)
    p = nn.Parameter(torch.zeros_like(gradient))
    p.grad = gradient.clone()
    nn.utils.clip_grad_norm_([p], max_norm=c)  # g * c / ||g||  if ||g|| > c
    by_norm = p.grad.clone()
    p.grad = gradient.clone()
    nn.utils.clip_grad_value_([p], clip_value=c)  # each entry clamped to [-c, c]
    by_value = p.grad.clone()
    return {
        "by_norm": by_norm,
        "by_value": by_value,
        "norm_by_norm": by_norm.norm().item(),
        "norm_by_value": by_value.norm().item(),
        "angle_by_norm": angle_degrees(gradient, by_norm),
        "angle_by_value": angle_degrees(gradient, by_value),
    }


# --8<-- [end:two_d]


# --8<-- [start:global]
def global_vs_per_tensor(gradients: list[torch.Tensor], max_norm: float) -> dict[str, object]:
    """Clip the gradients of several parameters together (one global norm) or one tensor at a time.

    gradients: one 1-D tensor per parameter. Global clipping scales every tensor by
    the same factor, so the concatenated gradient keeps its direction; per-tensor
    clipping shrinks only the large ones and so turns it.

    >>> r = global_vs_per_tensor([torch.tensor([3.0, 4.0]), torch.tensor([0.3, 0.4])], 1.0)
    >>> [round(n, 4) for n in r["global_norms"]], round(r["global_angle"], 3)
    ([0.995, 0.0995], 0.0)
    >>> [round(n, 4) for n in r["per_tensor_norms"]], round(r["per_tensor_angle"], 2)
    ([1.0, 0.5], 20.85)
    """
    c = _threshold(max_norm)
    if not gradients:
        raise ValueError("gradients must hold at least one tensor")
    original = torch.cat([_vector(g) for g in gradients])

    def params() -> list[nn.Parameter]:
        ps = [nn.Parameter(torch.zeros_like(g)) for g in gradients]
        for p, g in zip(ps, gradients):
            p.grad = g.clone()
        return ps

    together = params()
    nn.utils.clip_grad_norm_(together, max_norm=c)  # one norm over all tensors
    apart = params()
    for p in apart:
        nn.utils.clip_grad_norm_([p], max_norm=c)  # one norm per tensor
    return {
        "global_norms": [p.grad.norm().item() for p in together],
        "per_tensor_norms": [p.grad.norm().item() for p in apart],
        "global_angle": angle_degrees(original, torch.cat([p.grad for p in together])),
        "per_tensor_angle": angle_degrees(original, torch.cat([p.grad for p in apart])),
    }


# --8<-- [end:global]


# --8<-- [start:nonfinite]
def clip_nonfinite_gradient(max_norm: float = 1.0) -> dict[str, object]:
    """What ``clip_grad_norm_`` does when one gradient entry is infinite.

    The total norm is inf, the scale max_norm / inf is 0: finite entries become 0,
    the infinite one 0 * inf = NaN, and the next step writes NaN into the weights.

    >>> r = clip_nonfinite_gradient()
    >>> r["total_norm"], r["first"], r["second"], r["error_if_nonfinite_raises"]
    (inf, [0.0, nan, 0.0], [0.0, 0.0], True)
    """

    def params() -> list[nn.Parameter]:
        first, second = nn.Parameter(torch.zeros(3)), nn.Parameter(torch.zeros(2))
        first.grad, second.grad = torch.tensor([1.0, math.inf, 2.0]), torch.tensor([0.5, 0.5])
        return [first, second]

    ps = params()
    total = nn.utils.clip_grad_norm_(ps, max_norm=_threshold(max_norm))
    try:
        nn.utils.clip_grad_norm_(params(), max_norm=max_norm, error_if_nonfinite=True)
        raises = False
    except RuntimeError:
        raises = True
    return {
        "total_norm": total.item(),
        "first": ps[0].grad.tolist(),
        "second": ps[1].grad.tolist(),
        "error_if_nonfinite_raises": raises,
    }


# --8<-- [end:nonfinite]


# --8<-- [start:bias]
def squared_error(w: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The loss of one sample for the one-parameter model "predict w": (w - y)^2 / 2."""
    return 0.5 * (w - y) ** 2


def per_sample_gradients(w: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """d loss_i / d w for every sample, by autograd (torch.func): y (n,) -> (n,).

    >>> per_sample_gradients(torch.tensor(1.0), torch.tensor([0.0, 3.0]))
    tensor([ 1., -2.])
    """
    return vmap(grad(squared_error), in_dims=(None, 0))(w, y)


def clipped_mean_gradient(w: float, y: torch.Tensor, threshold: float) -> float:
    """The mean of the per-sample gradients at ``w`` after clipping each to norm ``threshold``.

    >>> clipped_mean_gradient(1.0, torch.tensor([0.0, 3.0]), 1.0)   # true mean gradient: -0.5
    0.0
    """
    g = per_sample_gradients(torch.tensor(float(w), dtype=y.dtype), y)
    c = _threshold(threshold)
    return (g * torch.clamp(c / g.abs(), max=1.0)).mean().item()


def clipped_fixed_point(y: torch.Tensor, threshold: float, tol: float = 1e-10) -> float:
    """The w where the mean clipped per-sample gradient is 0: where clipped SGD settles.

    The clipped mean gradient increases with w, so bisection finds its root.

    >>> y = torch.tensor([0.0, 0.5, 10.0])          # mean 3.5, median 0.5
    >>> round(clipped_fixed_point(y, 1.0), 6)
    0.75
    """
    lo, hi = y.min().item(), y.max().item()
    while hi - lo > tol:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if clipped_mean_gradient(mid, y, threshold) < 0 else (lo, mid)
    return (lo + hi) / 2


# --8<-- [end:bias]


def skewed_sample(n: int = 2000, seed: int = 0) -> torch.Tensor:
    """n draws from a skewed distribution (exponential, mean 1), float64.

    >>> tuple(skewed_sample(5).shape)
    (5,)
    """
    generator = torch.Generator().manual_seed(seed)
    return torch.empty(n, dtype=torch.float64).exponential_(1.0, generator=generator)


# --8<-- [start:model]
class RNNRegressor(nn.Module):
    """A ReLU RNN read out at the last step: (N, T, 1) -> (N,).

    The recurrent matrix starts as the identity, so the hidden state can carry a
    running sum; the same structure lets gradients grow along the T steps.
    """

    def __init__(self, hidden: int = 32):
        super().__init__()
        self.rnn = nn.RNN(1, hidden, nonlinearity="relu", batch_first=True)
        with torch.no_grad():
            self.rnn.weight_hh_l0.copy_(torch.eye(hidden))
        self.readout = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.rnn(x)  # (N, T, hidden)
        return self.readout(states[:, -1]).squeeze(-1)


def running_sum_task(n: int = 512, length: int = 50, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Sequences x (n, length, 1) of N(0, 1) numbers; target y (n,) = sum(x) / sqrt(length), variance 1.

    >>> x, y = running_sum_task(4, 10)
    >>> tuple(x.shape), tuple(y.shape)
    ((4, 10, 1), (4,))
    """
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, length, 1, generator=generator)
    return x, x.sum(dim=(1, 2)) / math.sqrt(length)


# --8<-- [end:model]


# --8<-- [start:experiment]
def train_with_clipping(max_norm: float | None, steps: int = 300, lr: float = 0.01, seed: int = 0) -> dict:
    """Train ``RNNRegressor`` with SGD; clip the global gradient norm to ``max_norm`` (None: no clipping).

    Records, at every step, the gradient norm *before* clipping.
    """
    x, y = running_sum_task(seed=seed)
    x_test, y_test = running_sum_task(seed=seed + 1)
    set_seed(seed)
    model = RNNRegressor()
    norms: list[float] = []

    def clip(m: nn.Module) -> None:  # runs after backward, before the step
        norms.append(nn.utils.get_total_norm([p.grad for p in m.parameters()]).item())
        if max_norm is not None:
            nn.utils.clip_grad_norm_(m.parameters(), max_norm=max_norm)

    with torch_threads(1):
        history = fit(
            model,
            (x, y),
            nn.functional.mse_loss,
            steps=steps,
            batch_size=64,
            seed=seed,
            optimizer=torch.optim.SGD(model.parameters(), lr=lr),
            evaluate=(x_test, y_test),
            eval_every=10,
            before_step=clip,
        )
    clipped = sum(n > max_norm for n in norms) if max_norm is not None else 0
    return {
        **history.as_dict(),
        "max_norm": max_norm,
        "lr": lr,
        "pre_clip_norms": norms,
        "clipped_share": clipped / len(norms),
    }


def experiment_exploding_rnn(steps: int = 300) -> dict:
    """No clipping, a working threshold, two too-small ones; then 'too small = smaller lr' and a smaller lr unclipped."""
    runs = {str(c): train_with_clipping(c, steps) for c in (None, 1.0, 0.01, 0.001)}
    # Every step of both runs below is clipped, so each moves lr * c along g / ||g||: the same steps.
    same_product = train_with_clipping(1.0, steps, lr=0.01 * 0.01)
    # The other remedy: no clipping, a learning rate 30 times smaller.
    small_lr = train_with_clipping(None, steps, lr=0.01 / 30)
    _, y_test = running_sum_task(seed=1)
    return {
        "steps": steps,
        "lr": 0.01,
        "batch_size": 64,
        "length": 50,
        "hidden": 32,
        "torch_threads": 1,
        "zero_predictor_loss": (y_test**2).mean().item(),
        "runs": _finite(runs),
        "lr_1e-4_clip_1": _finite(same_product),
        "no_clip_small_lr": _finite(small_lr),
    }


# --8<-- [end:experiment]


def _finite(value):
    """Replace NaN and infinities by None, so that the results file is valid JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


_LABELS = {"None": "no clipping", "1.0": "clip at 1", "0.01": "clip at 0.01", "0.001": "clip at 0.001"}
_COLOURS = {"None": PALETTE[1], "1.0": PALETTE[2], "0.01": PALETTE[4], "0.001": PALETTE[0]}


def _plain_log_axis(axis, ticks: list[float]) -> None:
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(lambda v, _: f"{v:g}")
    axis.set_minor_locator(NullLocator())
    axis.set_minor_formatter(NullFormatter())


def _loss_and_norm_axes(
    ax_loss, ax_norm, zero_loss: float, loss_ticks: list[float], norm_ticks: list[float], t=None
) -> None:
    from snippets.plotting import Labels

    t = t or Labels("en")
    ax_loss.axhline(
        zero_loss, color="#777777", linestyle="--", linewidth=1, label=t("always predicting 0", "חיזוי 0 תמיד")
    )
    for ax, ticks, label in (
        (ax_loss, loss_ticks, t("test loss (MSE)", "הפסד על קבוצת המבחן (MSE)")),
        (ax_norm, norm_ticks, t("gradient norm before clipping", "נורמת הגרדיאנט לפני clipping")),
    ):
        ax.set_yscale("log")
        _plain_log_axis(ax.yaxis, ticks)
        ax.set_xlabel(t("SGD step", "צעד SGD"))
        ax.set_ylabel(label)


def figure_training(lang: str = "en"):
    """Test loss and pre-clipping gradient norm of the four runs, read from the committed results file."""
    from snippets.plotting import Labels

    t = Labels(lang)
    hebrew = {"None": "בלי clipping", "1.0": "clipping ב־1", "0.01": "clipping ב־0.01", "0.001": "clipping ב־0.001"}
    data = load("a3_gradient_clipping", "exploding_rnn")["data"]
    fig, (ax_loss, ax_norm) = new_figure(7.2, 3.6, ncols=2)
    for key in ("None", "1.0", "0.01", "0.001"):
        run, colour, label = data["runs"][key], _COLOURS[key], t(_LABELS[key], hebrew[key])
        norms = run["pre_clip_norms"]
        if run["diverged"]:
            finite = [(s, v) for s, v in enumerate(norms, 1) if v is not None]
            ax_norm.plot(*zip(*finite, strict=True), "X", color=colour, markersize=9)
            ax_loss.axvline(run["step"][-1], color=colour, linestyle=":", linewidth=2)
            ax_loss.plot(
                [],
                [],
                "X:",
                color=colour,
                linewidth=2,
                label=t(
                    f"{_LABELS[key]}: norm infinite at step {len(finite) + 1}, loss NaN at step {run['step'][-1]}",
                    f"{hebrew[key]}: הנורמה אינסופית בצעד {len(finite) + 1}, ההפסד NaN בצעד {run['step'][-1]}",
                ),
            )
            continue
        ax_loss.plot(run["step"], run["eval_loss"], color=colour, linewidth=1.8, label=label)
        ax_norm.plot(range(1, len(norms) + 1), norms, color=colour, linewidth=0.7)
    _loss_and_norm_axes(
        ax_loss, ax_norm, data["zero_predictor_loss"], [0.1, 0.2, 0.5, 1, 2, 5], [10, 30, 100, 300, 1000], t
    )
    fig.legend(fontsize=8, loc="outside lower center", ncols=2, frameon=False, **t.legend)
    fig.suptitle(
        t(
            f"ReLU RNN over {data['length']} steps, SGD with lr {data['lr']}: clipping the global gradient norm",
            f"ReLU RNN לאורך {data['length']} צעדים, SGD עם lr {data['lr']}: clipping של הנורמה הכוללת של הגרדיאנט",
        ),
        fontsize=10,
    )
    return fig


def figure_two_d(lang: str = "en"):
    """The 2-D example: a gradient, its clip by norm (same direction) and by value (turned)."""
    from snippets.plotting import Labels

    t = Labels(lang)
    g = torch.tensor([4.0, 1.0])
    r = clip_both_ways(g, 1.0)
    fig, ax = new_figure(6.4, 2.0)
    s = torch.linspace(0, math.pi / 2, 200)
    ax.plot(torch.cos(s), torch.sin(s), color="#777777", linewidth=1, label=t("norm = 1", "נורמה = 1"))
    ax.plot(
        [0, 1, 1],
        [1, 1, 0],
        color="#777777",
        linewidth=1,
        linestyle="--",
        label=t("every |entry| = 1", "כל |רכיב| = 1"),
    )
    arrows = [
        (g, PALETTE[6], t("gradient g = (4, 1)", "הגרדיאנט g = (4, 1)")),
        (
            r["by_norm"],
            PALETTE[0],
            t(
                f"clipped by norm: turned {r['angle_by_norm']:.1f}°",
                f"clipping לפי נורמה: סטייה של {r['angle_by_norm']:.1f}°",
            ),
        ),
        (
            r["by_value"],
            PALETTE[1],
            t(
                f"clipped by value: turned {r['angle_by_value']:.1f}°",
                f"clipping לפי ערך: סטייה של {r['angle_by_value']:.1f}°",
            ),
        ),
    ]
    for vec, colour, label in arrows:
        ax.annotate(
            "",
            xy=(vec[0].item(), vec[1].item()),
            xytext=(0, 0),
            arrowprops=dict(arrowstyle="-|>", color=colour, linewidth=2, shrinkA=0, shrinkB=0),
        )
        ax.plot([], [], color=colour, linewidth=2, label=label)
    ax.set_xlim(-0.1, 4.2)
    ax.set_ylim(-0.1, 1.2)
    ax.set_aspect("equal")
    fig.legend(fontsize=8, frameon=False, loc="outside right center", **t.legend)
    ax.set_xlabel(t("first entry", "הרכיב הראשון"))
    ax.set_ylabel(t("second entry", "הרכיב השני"))
    return fig


def figure_spikes(lang: str = "en"):
    """Without clipping but with a 30 times smaller learning rate: it trains, through loss spikes."""
    from snippets.plotting import Labels

    t = Labels(lang)
    data = load("a3_gradient_clipping", "exploding_rnn")["data"]
    small, clipped = data["no_clip_small_lr"], data["runs"]["1.0"]
    fig, (ax_loss, ax_norm) = new_figure(7.2, 3.2, ncols=2)
    ax_loss.plot(
        clipped["step"],
        clipped["eval_loss"],
        color=_COLOURS["1.0"],
        linewidth=1.8,
        label=t(f"clip at 1, lr {clipped['lr']:g}", f"clipping ב־1, lr {clipped['lr']:g}"),
    )
    ax_loss.plot(
        small["step"],
        small["eval_loss"],
        color=PALETTE[3],
        linewidth=1.8,
        label=t(f"no clipping, lr {small['lr']:.2g}", f"בלי clipping, lr {small['lr']:.2g}"),
    )
    for run, colour in ((clipped, _COLOURS["1.0"]), (small, PALETTE[3])):
        ax_norm.plot(range(1, len(run["pre_clip_norms"]) + 1), run["pre_clip_norms"], color=colour, linewidth=0.7)
    _loss_and_norm_axes(
        ax_loss, ax_norm, data["zero_predictor_loss"], [0.05, 0.1, 0.2, 0.5, 1, 2], [10, 100, 1000, 10000], t
    )
    fig.legend(fontsize=8, loc="outside lower center", ncols=3, frameon=False, **t.legend)
    return fig


def facts() -> dict[str, object]:
    """The numbers chapter A3 prints."""
    g = torch.tensor([4.0, 1.0])
    two_d = clip_both_ways(g, 1.0)
    split = global_vs_per_tensor([torch.tensor([3.0, 4.0]), torch.tensor([0.3, 0.4])], 1.0)
    y = skewed_sample()
    mean = y.mean().item()
    record = load("a3_gradient_clipping", "exploding_rnn")
    data = record["data"]
    runs = data["runs"]
    out: dict[str, object] = {
        "by_norm": "(" + ", ".join(f"{v:.3f}" for v in two_d["by_norm"].tolist()) + ")",
        "by_value": "(" + ", ".join(f"{v:.0f}" for v in two_d["by_value"].tolist()) + ")",
        "angle_by_norm": f"{two_d['angle_by_norm']:.1f}°",
        "angle_by_value": f"{two_d['angle_by_value']:.1f}°",
        "norm_by_value": f"{two_d['norm_by_value']:.3f}",
        "global_small": f"{split['global_norms'][1]:.4f}",
        "global_large": f"{split['global_norms'][0]:.3f}",
        "per_tensor_small": f"{split['per_tensor_norms'][1]:.1f}",
        "per_tensor_large": f"{split['per_tensor_norms'][0]:.1f}",
        "per_tensor_angle": f"{split['per_tensor_angle']:.1f}°",
        "global_angle": f"{split['global_angle']:.1f}°",
        "n_samples": y.numel(),
        "sample_mean": f"{mean:.3f}",
        "sample_median": f"{y.median().item():.3f}",
        "clipped_grad_at_mean": f"{clipped_mean_gradient(mean, y, 1.0):+.3f}",
        "clipped_fixed_point": f"{clipped_fixed_point(y, 1.0):.3f}",
        "clipped_share_of_samples": f"{(per_sample_gradients(torch.tensor(mean, dtype=y.dtype), y).abs() > 1).double().mean().item():.0%}",
        "steps": data["steps"],
        "lr": f"{data['lr']:g}",
        "batch_size": data["batch_size"],
        "zero_predictor_loss": f"{data['zero_predictor_loss']:.3f}",
        "length": data["length"],
        "hidden": data["hidden"],
        "cpu": record["produced"]["cpu"],
        "seconds": f"{record['seconds']:.0f}",
        "first_norm": f"{runs['None']['pre_clip_norms'][0]:.0f}",
        "diverged_step": runs["None"]["step"][-1],
        "same_product_max_diff": f"{max(abs(a - b) for a, b in zip(runs['0.01']['eval_loss'], data['lr_1e-4_clip_1']['eval_loss'])):.1e}",
        "same_product_clipped_share": f"{data['lr_1e-4_clip_1']['clipped_share']:.0%}",
        "small_lr": f"{data['no_clip_small_lr']['lr']:.2g}",
        "small_lr_ratio": f"{data['lr'] / data['no_clip_small_lr']['lr']:.0f}",
        **{
            f"{name}_value": f"{float(key):g}"
            for key, name in (("1.0", "c1"), ("0.01", "c001"), ("0.001", "c0001"))
            if key in data["runs"]
        },
        "small_lr_loss": f"{data['no_clip_small_lr']['eval_loss'][-1]:.3f}",
        "small_lr_best_loss": f"{min(data['no_clip_small_lr']['eval_loss']):.3f}",
        "small_lr_max_norm": f"{max(data['no_clip_small_lr']['pre_clip_norms']):,.0f}",
        "c1_best_loss": f"{min(runs['1.0']['eval_loss']):.3f}",
    }
    for key, run in runs.items():
        name = {"None": "none", "1.0": "c1", "0.01": "c001", "0.001": "c0001"}[key]
        out[f"{name}_loss"] = f"{run['eval_loss'][-1]:.3f}" if run["eval_loss"][-1] is not None else "NaN"
        out[f"{name}_clipped_share"] = f"{run['clipped_share']:.0%}"
        out[f"{name}_median_norm"] = (
            f"{sorted(run['pre_clip_norms'])[len(run['pre_clip_norms']) // 2]:.0f}" if not run["diverged"] else "–"
        )
    return out
