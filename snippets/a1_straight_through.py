"""A1 — using a non-differentiable function such as ``sign`` in a network trained by backpropagation.

``sign`` is piecewise constant: its derivative is 0 wherever it exists, so the
chain rule passes back exactly nothing and every parameter before it stays
where it is. The straight-through estimator (STE) keeps ``sign`` in the forward
pass and, in the backward pass only, uses the derivative of a surrogate:
the identity (derivative 1) or the hard tanh (derivative 1 where |x| ≤ 1).
Shown in chapter A1, tested by tests/test_a1_straight_through.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from snippets.plotting import PALETTE, new_figure
from snippets.results import load
from snippets.training import accuracy, fit, set_seed, torch_threads

#: The surrogates whose derivative the straight-through estimator uses in the backward pass.
SURROGATES = ("identity", "hardtanh")

#: The runs of the experiment: how the sign units are trained (and one real-valued reference).
MODES = ("ste-identity", "ste-hardtanh", "no-ste", "tanh-reference")


def _check_tensor(x: object) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"expected a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"expected a floating-point tensor (gradients need one), got dtype {x.dtype}")
    return x


def _check_surrogate(surrogate: object) -> str:
    if surrogate not in SURROGATES:
        raise ValueError(f"surrogate must be one of {SURROGATES}, got {surrogate!r}")
    return surrogate


# --8<-- [start:zero_gradient]
def autograd_derivative(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """The derivative that autograd computes for an element-wise ``fn`` at every entry of ``x``.

    x: any shape -> the same shape, entry i holding d fn(x)_i / d x_i.

    >>> autograd_derivative(torch.sign, torch.tensor([-2.0, -1e-6, 0.0, 1e-6, 2.0]))
    tensor([0., 0., 0., 0., 0.])
    >>> autograd_derivative(torch.relu, torch.tensor([-2.0, 0.0, 2.0]))
    tensor([0., 0., 1.])
    """
    x = _check_tensor(x).detach().clone().requires_grad_(True)
    fn(x).sum().backward()
    return x.grad


# --8<-- [end:zero_gradient]


# --8<-- [start:function]
class SignSTE(torch.autograd.Function):
    """Forward: exactly ``torch.sign(x)``. Backward: the surrogate's derivative times the incoming gradient."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, surrogate: str) -> torch.Tensor:
        ctx.save_for_backward(x)
        ctx.surrogate = surrogate
        return torch.sign(x)

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor):
        (x,) = ctx.saved_tensors
        if ctx.surrogate == "identity":  # d/dx x = 1
            grad_x = grad_output
        else:  # d/dx hardtanh(x) = 1 where |x| <= 1, else 0
            grad_x = grad_output * (x.abs() <= 1).to(grad_output.dtype)
        return grad_x, None  # no gradient for the string argument


def sign_ste(x: torch.Tensor, surrogate: str = "identity") -> torch.Tensor:
    """``sign(x)`` in the forward pass, the surrogate's gradient in the backward pass.

    x: any shape -> the same shape, values in {-1, 0, +1}.

    >>> x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0], requires_grad=True)
    >>> y = sign_ste(x, "hardtanh"); y.sum().backward()
    >>> y.detach(), x.grad
    (tensor([-1., -1.,  0.,  1.,  1.]), tensor([0., 1., 1., 1., 0.]))
    """
    return SignSTE.apply(_check_tensor(x), _check_surrogate(surrogate))


# --8<-- [end:function]


# --8<-- [start:detach]
def sign_ste_detach(x: torch.Tensor, surrogate: str = "identity") -> torch.Tensor:
    """The same estimator in one line: ``proxy + (sign(x) - proxy).detach()``.

    The forward value is proxy + sign(x) - proxy, that is sign(x) (up to
    rounding, see the traps); the backward pass sees only ``proxy``, whose
    derivative is the surrogate's. proxy = x (identity) or clamp(x, -1, 1) (hard tanh).

    >>> x = torch.tensor([-2.0, -0.5, 0.5, 2.0], requires_grad=True)
    >>> y = sign_ste_detach(x); y.sum().backward()
    >>> y.detach(), x.grad
    (tensor([-1., -1.,  1.,  1.]), tensor([1., 1., 1., 1.]))
    """
    x = _check_tensor(x)
    proxy = x if _check_surrogate(surrogate) == "identity" else x.clamp(-1.0, 1.0)
    return proxy + (torch.sign(x) - proxy).detach()


# --8<-- [end:detach]


# --8<-- [start:three_valued]
def sign_pm1(x: torch.Tensor) -> torch.Tensor:
    """A two-valued sign: +1 for x >= 0, -1 otherwise (``torch.sign`` maps 0 to 0).

    >>> torch.sign(torch.tensor([-3.0, 0.0, 3.0])), sign_pm1(torch.tensor([-3.0, 0.0, 3.0]))
    (tensor([-1.,  0.,  1.]), tensor([-1.,  1.,  1.]))
    """
    x = _check_tensor(x)
    return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))


# --8<-- [end:three_valued]


def detach_idiom_error(value: float, dtype: torch.dtype = torch.float32) -> float:
    """How far ``x + (sign(x) - x)`` lands from ``sign(x)`` for one value, in ``dtype``.

    The subtraction rounds: once |x| reaches 2**24 in float32, 1 - x is rounded to -x.

    >>> detach_idiom_error(0.3), detach_idiom_error(1e8), detach_idiom_error(1e8, torch.float64)
    (0.0, 1.0, 0.0)
    """
    x = torch.tensor([value], dtype=dtype)
    return (sign_ste_detach(x) - torch.sign(x)).abs().item()


# --8<-- [start:bias]
def stochastic_sign_gradients(x: float, target: float, samples: int = 200_000, seed: int = 0) -> dict[str, float]:
    """True gradient vs straight-through estimate for a stochastic binary unit.

    b = sign(x + u), u ~ U(-1, 1), so P(b = +1) = (1 + x) / 2 for |x| <= 1, and the
    expected loss E[(b - t)^2] = 1 + t^2 - 2 t x has the exact derivative -2t.
    The identity STE treats b as if it were x and returns 2 (b - t), whose mean
    is 2 (x - t): a biased estimate. The Monte Carlo mean comes from autograd.

    >>> g = stochastic_sign_gradients(0.5, 0.25)
    >>> g["true"], g["ste_expected"], round(g["ste_monte_carlo"], 2)
    (-0.5, 0.5, 0.5)
    """
    if not (isinstance(x, (int, float)) and -1 < x < 1):
        raise ValueError(f"x must be a number in (-1, 1) so that P(b = +1) = (1 + x)/2, got {x!r}")
    generator = torch.Generator().manual_seed(seed)
    u = 2 * torch.rand(samples, generator=generator, dtype=torch.float64) - 1
    xs = torch.full((samples,), float(x), dtype=torch.float64, requires_grad=True)
    loss = ((sign_ste(xs + u) - target) ** 2).sum()
    loss.backward()
    return {
        "true": -2.0 * target,
        "ste_expected": 2.0 * (x - target),
        "ste_monte_carlo": xs.grad.mean().item(),
    }


# --8<-- [end:bias]


# --8<-- [start:model]
class SignNet(nn.Module):
    """2 inputs -> ``hidden`` sign units -> 2 logits through binary (±1) output weights.

    x: (N, 2) -> logits (N, 2). Every parameter lies before a ``sign``, so without
    a straight-through estimator none of them receives any gradient.
    mode: "ste-identity" / "ste-hardtanh" (sign with STE), "no-ste" (plain
    torch.sign), "tanh-reference" (tanh units, real output weights).
    """

    def __init__(self, hidden: int = 64, mode: str = "ste-identity"):
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.mode, self.scale = mode, 1.0 / math.sqrt(hidden)
        self.hidden = nn.Linear(2, hidden)
        self.out = nn.Linear(hidden, 2, bias=False)

    def binarize(self, t: torch.Tensor) -> torch.Tensor:
        if self.mode == "no-ste":
            return torch.sign(t)
        if self.mode == "tanh-reference":
            return torch.tanh(t)
        return sign_ste(t, self.mode.removeprefix("ste-"))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.binarize(self.hidden(x))  # (N, hidden), values in {-1, 0, 1}
        w = self.out.weight if self.mode == "tanh-reference" else self.binarize(self.out.weight)
        return self.scale * h @ w.T  # (N, 2)


# --8<-- [end:model]


def moons(n: int = 1000, noise: float = 0.2, seed: int = 0) -> tuple[torch.Tensor, ...]:
    """scikit-learn's two moons, split in half: (x_train (n/2, 2), y_train, x_test, y_test).

    >>> [tuple(t.shape) for t in moons(20)]
    [(10, 2), (10,), (10, 2), (10,)]
    """
    from sklearn.datasets import make_moons

    x, y = make_moons(n_samples=n, noise=noise, random_state=seed)
    x, y = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.long)
    half = n // 2
    return x[:half], y[:half], x[half:], y[half:]


# --8<-- [start:experiment]
def train_sign_net(mode: str, steps: int = 300, hidden: int = 64, lr: float = 0.01, seed: int = 0) -> dict:
    """Train one ``SignNet`` on the moons with full-batch Adam; report its curves and how far its parameters moved."""
    x_train, y_train, x_test, y_test = moons(seed=seed)
    set_seed(seed)
    net = SignNet(hidden, mode)
    before = [p.detach().clone() for p in net.parameters()]
    with torch.no_grad():
        initial_loss = nn.functional.cross_entropy(net(x_train), y_train).item()
        initial_accuracy = accuracy(net(x_test), y_test)
    with torch_threads(1):
        history = fit(
            net,
            (x_train, y_train),
            nn.functional.cross_entropy,
            steps=steps,
            optimizer=torch.optim.Adam(net.parameters(), lr=lr),
            evaluate=(x_test, y_test),
            eval_every=10,
            seed=seed,
        )
    moved = max((p.detach() - b).abs().max().item() for p, b in zip(net.parameters(), before))
    return {
        **history.as_dict(),
        "initial_train_loss": initial_loss,
        "initial_accuracy": initial_accuracy,
        "max_parameter_change": moved,
    }


def experiment_moons(steps: int = 300) -> dict:
    """The chapter's experiment: the same sign network trained with and without STE."""
    x_train, _, x_test, _ = moons()
    return {
        "steps": steps,
        "hidden": 64,
        "lr": 0.01,
        "n_train": len(x_train),
        "n_test": len(x_test),
        "torch_threads": 1,
        "runs": {mode: train_sign_net(mode, steps) for mode in MODES},
    }


# --8<-- [end:experiment]


_LABELS = {
    "ste-identity": "sign, STE (identity)",
    "ste-hardtanh": "sign, STE (hard tanh)",
    "no-ste": "sign, plain autograd (no STE)",
    "tanh-reference": "tanh, real weights (reference)",
}


def figure_loss_curves(lang: str = "en"):
    """Training loss and test accuracy of the four runs, read from the committed results file."""
    from snippets.plotting import Labels

    t = Labels(lang)
    labels = {
        "ste-identity": t(_LABELS["ste-identity"], "sign, STE (identity)"),
        "ste-hardtanh": t(_LABELS["ste-hardtanh"], "sign, STE (hard tanh)"),
        "no-ste": t(_LABELS["no-ste"], "sign, autograd רגיל (בלי STE)"),
        "tanh-reference": t(_LABELS["tanh-reference"], "tanh, משקלות ממשיים (ייחוס)"),
    }
    data = load("a1_straight_through", "moons")["data"]
    fig, (ax_loss, ax_acc) = new_figure(7.0, 3.0, ncols=2)
    styles = {"tanh-reference": dict(color="#777777", linestyle="--")}
    for colour, mode in zip(PALETTE, MODES, strict=False):
        run = data["runs"][mode]
        style = styles.get(mode, dict(color=colour))
        steps = [0, *run["step"]]
        ax_loss.plot(steps, [run["initial_train_loss"], *run["train_loss"]], label=labels[mode], linewidth=1.8, **style)
        ax_acc.plot(steps, [run["initial_accuracy"], *run["eval_accuracy"]], linewidth=1.8, **style)
    ax_loss.set_xlabel(t("optimiser step", "צעד אופטימיזציה"))
    ax_loss.set_ylabel(t("training loss (cross-entropy)", "הפסד אימון (cross-entropy)"))
    ax_acc.set_xlabel(t("optimiser step", "צעד אופטימיזציה"))
    ax_acc.set_ylabel(t("test accuracy", "דיוק על קבוצת המבחן"))
    ax_acc.set_ylim(0.4, 1.0)
    fig.legend(fontsize=8, loc="outside lower center", ncols=2, frameon=False, **t.legend)
    fig.suptitle(
        t(
            f"Two moons, {data['hidden']} sign units, binary output weights, full-batch Adam",
            f"שני ירחים, {data['hidden']} יחידות sign, משקלות יציאה בינאריים, Adam על כל הנתונים",
        ),
        fontsize=10,
    )
    return fig


def figure_surrogates(lang: str = "en"):
    """``sign`` in the forward pass and the derivatives the backward pass can use, all computed by autograd."""
    from snippets.plotting import Labels

    t = Labels(lang)
    x = torch.linspace(-2.5, 2.5, 1001)
    neg, pos = x < 0, x > 0
    fig, (ax_f, ax_d) = new_figure(7.0, 3.2, ncols=2)
    y = torch.sign(x)
    ax_f.plot(x[neg], y[neg], color=PALETTE[0], linewidth=2.5, label="sign(x)")
    ax_f.plot(x[pos], y[pos], color=PALETTE[0], linewidth=2.5)
    ax_f.plot([0, 0], [-1, 1], "o", color=PALETTE[0], markerfacecolor="white", markersize=5)
    ax_f.plot([0], [0], "o", color=PALETTE[0], markersize=5, label="sign(0) = 0")
    ax_f.plot(x, x.clamp(-1, 1), color=PALETTE[2], linestyle=":", linewidth=1.8, label="clamp(x, -1, 1)")
    ax_f.set_title(t("forward pass: the value", "המעבר קדימה: הערך"), fontsize=10)
    ax_f.set_xlabel("x")
    ax_f.legend(fontsize=8, frameon=False, loc="upper left", **t.legend)
    curves = {
        t("autograd through torch.sign", "autograd דרך torch.sign"): (
            torch.sign,
            dict(color=PALETTE[0], linewidth=2.5),
        ),
        t("STE, identity surrogate", "STE, פונקציה חלופית identity"): (
            lambda v: sign_ste(v, "identity"),
            dict(color=PALETTE[1], linestyle="--", linewidth=2),
        ),
        t("STE, hard-tanh surrogate", "STE, פונקציה חלופית hard tanh"): (
            lambda v: sign_ste(v, "hardtanh"),
            dict(color=PALETTE[2], linestyle=":", linewidth=2),
        ),
    }
    for label, (fn, style) in curves.items():
        d = autograd_derivative(fn, x)
        ax_d.plot(x, d, label=label, drawstyle="steps-mid", **style)
    ax_d.set_title(t("backward pass: the derivative used", "המעבר אחורה: הנגזרת שבשימוש"), fontsize=10)
    ax_d.set_xlabel("x")
    ax_d.set_ylim(-0.1, 1.6)
    ax_d.legend(fontsize=8, frameon=False, loc="upper center", **t.legend)
    return fig


def facts() -> dict[str, object]:
    """The numbers chapter A1 prints."""
    grid = torch.linspace(-3, 3, 6001)
    record = load("a1_straight_through", "moons")
    runs = record["data"]
    data = runs["runs"]
    bias = stochastic_sign_gradients(0.5, 0.25)
    out: dict[str, object] = {
        "sign_grad_at_zero": f"{autograd_derivative(torch.sign, torch.zeros(1)).item():g}",
        "grid_points": grid.numel(),
        "sign_nonzero_grads": int((autograd_derivative(torch.sign, grid) != 0).sum()),
        "relu_nonzero_share": f"{(autograd_derivative(torch.relu, grid) != 0).float().mean().item():.0%}",
        "idiom_limit": 2**24,
        "idiom_at_1e8": f"{(sign_ste_detach(torch.tensor([1e8])).item()):g}",
        "bias_true": f"{bias['true']:+.2f}",
        "bias_ste": f"{bias['ste_expected']:+.2f}",
        "bias_mc": f"{bias['ste_monte_carlo']:+.3f}",
        "cpu": record["produced"]["cpu"],
        "seconds": f"{record['seconds']:.0f}",
        "steps": runs["steps"],
        "hidden": runs["hidden"],
        "n_train": runs["n_train"],
        "n_test": runs["n_test"],
        "n_inputs": SignNet(runs["hidden"]).hidden.in_features,
        "n_logits": SignNet(runs["hidden"]).out.out_features,
    }
    for mode in MODES:
        key = mode.replace("-", "_")
        run = data[mode]
        out[f"{key}_acc"] = f"{run['eval_accuracy'][-1]:.1%}"
        out[f"{key}_loss_first"] = f"{run['initial_train_loss']:.4f}"
        out[f"{key}_loss_last"] = f"{run['train_loss'][-1]:.4f}"
        out[f"{key}_moved"] = f"{run['max_parameter_change']:g}"
        best = min(range(len(run["train_loss"])), key=run["train_loss"].__getitem__)
        out[f"{key}_loss_min"] = f"{run['train_loss'][best]:.4f}"
        out[f"{key}_min_step"] = run["step"][best]
    return out
