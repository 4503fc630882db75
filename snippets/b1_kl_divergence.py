"""B1 — KL(p‖q) versus KL(q‖p): the Kullback–Leibler divergence is not symmetric.

    KL(p‖q) = Σ_x p(x) log(p(x) / q(x)) = H(p, q) − H(p)

The average is taken under the *first* argument. So KL(p‖q) is infinite as soon
as q(x) = 0 somewhere p(x) > 0, and minimising it over q spreads q over all of
p's mass (mass-covering); minimising KL(q‖p) over q lets q ignore parts of p and
sit on one mode (mode-seeking). Shown in chapter B1, tested by
tests/test_b1_kl_divergence.py. All logarithms are natural (nats).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from snippets.plotting import PALETTE, new_figure

#: How far from 1 a probability vector may sum (float32 inputs round off near 1e-7).
SUM_TOLERANCE = 1e-6

#: The two-mode target of the experiment: equal weights, means ∓2, standard deviation 0.6.
MIXTURE = {"weights": (0.5, 0.5), "means": (-2.0, 2.0), "stds": (0.6, 0.6)}

#: The integration grid of the experiment: [-8, 8] in 2001 points (spacing 0.008).
GRID = (-8.0, 8.0, 2001)

#: Where each fit of the experiment starts, as (μ₀, σ₀).
STARTS = {"forward": (0.5, 1.0), "reverse_right": (1.0, 1.0), "reverse_left": (-1.0, 1.0), "reverse_centre": (0.5, 1.0)}


def _as_distribution(x: object, name: str) -> torch.Tensor:
    """Check that ``x`` is a probability vector; return it as a float64 tensor of shape (K,)."""
    if isinstance(x, torch.Tensor):
        t = x.detach().to(torch.float64)
    elif isinstance(x, np.ndarray) or (isinstance(x, Sequence) and not isinstance(x, (str, bytes))):
        if not all(
            isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
            for v in np.ravel(np.asarray(x, dtype=object))
        ):
            raise TypeError(f"{name} must hold real numbers, got {x!r}")
        t = torch.as_tensor(np.asarray(x, dtype=np.float64))
    else:
        raise TypeError(f"{name} must be a 1-D tensor, array or list of probabilities, got {type(x).__name__}")
    if t.dim() != 1 or t.numel() == 0:
        raise ValueError(f"{name} must be a non-empty 1-D vector of probabilities, got shape {tuple(t.shape)}")
    if not torch.isfinite(t).all():
        raise ValueError(f"{name} has a NaN or infinite entry: {t.tolist()}")
    if (t < 0).any():
        raise ValueError(f"{name} has a negative probability: {t.tolist()}")
    total = t.sum().item()
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"{name} must sum to 1 (within {SUM_TOLERANCE:g}), but sums to {total:.9g}")
    return t


def _pair(p: object, q: object) -> tuple[torch.Tensor, torch.Tensor]:
    p, q = _as_distribution(p, "p"), _as_distribution(q, "q")
    if p.shape != q.shape:
        raise ValueError(
            f"p and q must have the same shape (one probability per outcome), got {tuple(p.shape)} and {tuple(q.shape)}"
        )
    return p, q


# --8<-- [start:kl]
def kl_divergence(p: object, q: object) -> float:
    """KL(p‖q) = Σ_x p(x) log(p(x)/q(x)) in nats, for two distributions over the same K outcomes.

    p, q: shape (K,), non-negative, each summing to 1. Terms with p(x) = 0 count 0;
    a term with p(x) > 0 and q(x) = 0 makes the divergence infinite. Bad input
    raises ValueError or TypeError (never a silent NaN).

    >>> round(kl_divergence([0.5, 0.5], [0.9, 0.1]), 4)   # KL(Bern(0.5) ‖ Bern(0.9))
    0.5108
    >>> round(kl_divergence([0.9, 0.1], [0.5, 0.5]), 4)   # the other direction
    0.3681
    >>> kl_divergence([0.5, 0.5], [1.0, 0.0])             # q misses an outcome p can produce
    inf
    >>> kl_divergence([0.5, 0.6], [0.5, 0.5])
    Traceback (most recent call last):
    ...
    ValueError: p must sum to 1 (within 1e-06), but sums to 1.1
    """
    p, q = _pair(p, q)
    support = p > 0
    if (q[support] == 0).any():
        return math.inf
    return (p[support] * (p[support].log() - q[support].log())).sum().item()


# --8<-- [end:kl]


# --8<-- [start:entropy]
def entropy(p: object) -> float:
    """H(p) = −Σ_x p(x) log p(x), in nats. p: shape (K,).

    >>> round(entropy([0.5, 0.5]), 4)   # log 2
    0.6931
    """
    p = _as_distribution(p, "p")
    nz = p[p > 0]
    return -(nz * nz.log()).sum().item()


def cross_entropy(p: object, q: object) -> float:
    """H(p, q) = −Σ_x p(x) log q(x), in nats: the average code length under p of a code built for q.

    So KL(p‖q) = H(p, q) − H(p): the extra nats paid for using q instead of p.

    >>> p, q = [0.5, 0.5], [0.9, 0.1]
    >>> round(cross_entropy(p, q) - entropy(p), 4) == round(kl_divergence(p, q), 4)
    True
    """
    p, q = _pair(p, q)
    support = p > 0
    if (q[support] == 0).any():
        return math.inf
    return -(p[support] * q[support].log()).sum().item()


# --8<-- [end:entropy]


# --8<-- [start:examples]
def bernoulli(theta: float) -> list[float]:
    """Bern(θ) as a probability vector over the outcomes (0, 1).

    >>> bernoulli(0.9)
    [0.09999999999999998, 0.9]
    """
    if isinstance(theta, bool) or not isinstance(theta, (int, float)) or not 0 <= theta <= 1:
        raise ValueError(f"theta must be a number in [0, 1], got {theta!r}")
    return [1.0 - theta, float(theta)]


def both_directions(p: object, q: object) -> tuple[float, float]:
    """(KL(p‖q), KL(q‖p)) for the same pair, so the two can be compared.

    >>> both_directions([0.2, 0.8], [0.8, 0.2])   # mirror images: equal by symmetry, not in general
    (0.8317766166719343, 0.8317766166719343)
    """
    return kl_divergence(p, q), kl_divergence(q, p)


# --8<-- [end:examples]


# --8<-- [start:gaussian]
def kl_gaussians(mu_p: float, sigma_p: float, mu_q: float, sigma_q: float) -> float:
    """KL(N(μ_p, σ_p²) ‖ N(μ_q, σ_q²)) in closed form:

        log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²) / (2σ_q²) − 1/2

    With σ_p = σ_q it reduces to (μ_p − μ_q)²/(2σ²), which is symmetric: a trap
    for anyone who picks that pair to "show" the asymmetry.

    >>> kl_gaussians(-1, 1, 1, 1) == kl_gaussians(1, 1, -1, 1) == 2.0
    True
    >>> round(kl_gaussians(0, 1, 0, 2), 4), round(kl_gaussians(0, 2, 0, 1), 4)
    (0.3181, 0.8069)
    """
    for name, s in (("sigma_p", sigma_p), ("sigma_q", sigma_q)):
        if not s > 0:
            raise ValueError(f"{name} must be positive, got {s!r}")
    return math.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - 0.5


# --8<-- [end:gaussian]


# --8<-- [start:torch_kl_div]
def torch_kl_div(p: torch.Tensor, q: torch.Tensor) -> float:
    """KL(p‖q) with PyTorch's loss: ``F.kl_div(input=log q, target=p)``.

    The model's distribution q goes in first, as log-probabilities; the target p
    second. ``reduction="sum"`` for one distribution; for a batch of shape (B, K)
    use ``"batchmean"`` (the default ``"mean"`` divides by B·K, not B).

    >>> p, q = torch.tensor([0.5, 0.5]), torch.tensor([0.9, 0.1])
    >>> round(torch_kl_div(p, q), 4)            # KL(p‖q)
    0.5108
    >>> round(F.kl_div(p.log(), q, reduction="sum").item(), 4)   # arguments swapped: KL(q‖p)
    0.3681
    """
    return F.kl_div(q.log(), p, reduction="sum").item()


# --8<-- [end:torch_kl_div]


# --8<-- [start:grid]
def grid() -> torch.Tensor:
    """The points x on which densities are integrated, shape (N,), float64.

    >>> x = grid(); x.shape, x[0].item(), x[-1].item()
    (torch.Size([2001]), -8.0, 8.0)
    """
    lo, hi, n = GRID
    return torch.linspace(lo, hi, n, dtype=torch.float64)


def log_normal(x: torch.Tensor, mu: torch.Tensor | float, sigma: torch.Tensor | float) -> torch.Tensor:
    """log N(x; μ, σ²) at every point of x (same shape as x).

    >>> round(log_normal(torch.tensor(0.0), 0.0, 1.0).item(), 4)   # −½ log 2π
    -0.9189
    """
    sigma = torch.as_tensor(sigma, dtype=x.dtype)
    return -0.5 * ((x - mu) / sigma) ** 2 - sigma.log() - 0.5 * math.log(2 * math.pi)


def log_mixture(
    x: torch.Tensor, weights=MIXTURE["weights"], means=MIXTURE["means"], stds=MIXTURE["stds"]
) -> torch.Tensor:
    """log p(x) of a Gaussian mixture, computed with logsumexp (no log 0 in the tails). Shape of x.

    >>> round(torch.exp(log_mixture(torch.tensor([2.0]))).item(), 4)   # near the right mode
    0.3325
    """
    parts = torch.stack([math.log(w) + log_normal(x, m, s) for w, m, s in zip(weights, means, stds)])
    return torch.logsumexp(parts, dim=0)


def kl_on_grid(log_a: torch.Tensor, log_b: torch.Tensor, dx: float) -> torch.Tensor:
    """KL(a‖b) = ∫ a(x) (log a(x) − log b(x)) dx for densities given as logs on an even grid, shape (N,).

    A Riemann sum; differentiable, so torch can minimise it over b's (or a's) parameters.

    >>> x = grid(); dx = (x[1] - x[0]).item()
    >>> round(kl_on_grid(log_normal(x, 0, 1), log_normal(x, 0, 2), dx).item(), 4)   # closed form: 0.3181
    0.3181
    """
    if log_a.shape != log_b.shape or log_a.dim() != 1:
        raise ValueError(
            f"log_a and log_b must be 1-D of the same shape, got {tuple(log_a.shape)} and {tuple(log_b.shape)}"
        )
    return (log_a.exp() * (log_a - log_b)).sum() * dx


# --8<-- [end:grid]


# --8<-- [start:fit]
def fit_gaussian(direction: str, mu0: float = 1.0, sigma0: float = 1.0, steps: int = 400) -> dict[str, float]:
    """Fit one Gaussian q = N(μ, σ²) to the two-mode mixture p by minimising one KL direction.

    direction: "KL(p||q)" (average under p: mass-covering) or "KL(q||p)" (average
    under q: mode-seeking). Adam on (μ, log σ), starting from (mu0, sigma0).
    Returns the fitted mean and standard deviation and the divergence reached.

    >>> r = fit_gaussian("KL(p||q)")
    >>> abs(r["mu"]) < 1e-3, round(r["sigma"], 2)    # moment matching: mean 0, std sqrt(0.36 + 4)
    (True, 2.09)
    >>> r = fit_gaussian("KL(q||p)")
    >>> round(r["mu"], 2), round(r["sigma"], 2)      # one mode only
    (2.0, 0.6)
    """
    if direction not in ("KL(p||q)", "KL(q||p)"):
        raise ValueError(f"direction must be 'KL(p||q)' or 'KL(q||p)', got {direction!r}")
    x = grid()
    dx = (x[1] - x[0]).item()
    log_p = log_mixture(x)
    mu = torch.tensor(float(mu0), dtype=torch.float64, requires_grad=True)
    log_sigma = torch.tensor(math.log(sigma0), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([mu, log_sigma], lr=0.05)
    for _ in range(steps):
        log_q = log_normal(x, mu, log_sigma.exp())
        loss = kl_on_grid(log_p, log_q, dx) if direction == "KL(p||q)" else kl_on_grid(log_q, log_p, dx)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        log_q = log_normal(x, mu, log_sigma.exp())
        return {
            "mu": mu.item(),
            "sigma": log_sigma.exp().item(),
            "kl_pq": kl_on_grid(log_p, log_q, dx).item(),
            "kl_qp": kl_on_grid(log_q, log_p, dx).item(),
        }


# --8<-- [end:fit]


def mixture_moments(weights=MIXTURE["weights"], means=MIXTURE["means"], stds=MIXTURE["stds"]) -> tuple[float, float]:
    """Mean and standard deviation of a Gaussian mixture: the minimiser of KL(p‖q) over Gaussians q.

    >>> mean, std = mixture_moments(); mean, round(std, 4)
    (0.0, 2.0881)
    """
    mean = sum(w * m for w, m in zip(weights, means))
    second = sum(w * (s**2 + m**2) for w, m, s in zip(weights, means, stds))
    return mean, math.sqrt(second - mean**2)


def experiment_gaussian_fits(steps: int = 400) -> dict[str, object]:
    """Fit one Gaussian to the two-mode mixture under each direction, KL(q‖p) from three starts."""
    mean, std = mixture_moments()
    fits = {}
    for key, (mu0, sigma0) in STARTS.items():
        direction = "KL(p||q)" if key == "forward" else "KL(q||p)"
        fits[key] = {"mu0": mu0, "sigma0": sigma0, **fit_gaussian(direction, mu0, sigma0, steps)}
    return {
        "mixture": {k: list(v) for k, v in MIXTURE.items()},
        "grid": list(GRID),
        "steps": steps,
        **fits,
        "moment_mean": mean,
        "moment_std": std,
    }


def _fits() -> dict:
    from snippets.results import load

    return load("b1_kl_divergence", "gaussian_fits")["data"]


def figure_gaussian_fits(lang: str = "en"):
    """The two-mode p with the Gaussian that minimises KL(p‖q) and the one that minimises KL(q‖p).

    Reads the committed results (``python -m snippets.results b1``); draws, trains nothing.
    """
    from snippets.plotting import Labels

    t = Labels(lang)
    fits = _fits()
    x = grid()
    fig, ax = new_figure(6.4, 3.6)
    ax.fill_between(
        x.numpy(),
        log_mixture(x).exp().numpy(),
        color="#bbbbbb",
        label=t("p: two-mode mixture", "p: תערובת עם שני שיאים"),
    )
    styles = [
        ("forward", PALETTE[0], "-", "argmin KL(p‖q): covers both modes", "argmin KL(p‖q): מכסה את שני השיאים"),
        (
            "reverse_right",
            PALETTE[1],
            "--",
            "min of KL(q‖p) from μ₀ = 1: one mode",
            "המינימום של KL(q‖p) מ־μ₀ = 1: שיא אחד",
        ),
        (
            "reverse_left",
            PALETTE[3],
            "--",
            "min of KL(q‖p) from μ₀ = −1: the other mode",
            "המינימום של KL(q‖p) מ־μ₀ = −1: השיא השני",
        ),
        (
            "reverse_centre",
            PALETTE[2],
            ":",
            "local min of KL(q‖p) from μ₀ = 0.5: worse",
            "מינימום מקומי של KL(q‖p) מ־μ₀ = 0.5: גרוע יותר",
        ),
    ]
    for key, colour, ls, label, hebrew in styles:
        f = fits[key]
        q = log_normal(x, f["mu"], f["sigma"]).exp()
        values = f"(μ = {round(f['mu'], 2) + 0.0:.2f}, σ = {f['sigma']:.2f})"
        ax.plot(
            x.numpy(),
            q.numpy(),
            color=colour,
            linestyle=ls,
            linewidth=2,
            label=t(f"{label}  {values}", f"{hebrew}  {values}"),
        )
    ax.set_xlim(-6, 6)
    ax.set_xlabel("x")
    ax.set_ylabel(t("density", "צפיפות"))
    ax.set_title(
        t(
            "One Gaussian q fitted to a two-mode p, each KL direction",
            "גאוסיאן q יחיד שהותאם ל־p עם שני שיאים, בכל כיוון של KL",
        ),
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=1, frameon=False, **t.legend)
    return fig


def figure_bernoulli_directions(lang: str = "en"):
    """KL(Bern(0.5) ‖ Bern(θ)) and KL(Bern(θ) ‖ Bern(0.5)) against θ.

    One explodes at the edges, one stays below log 2.
    """
    from snippets.plotting import Labels

    t = Labels(lang)
    thetas = np.linspace(0.001, 0.999, 999)
    fwd = [kl_divergence(bernoulli(0.5), bernoulli(v)) for v in thetas]
    rev = [kl_divergence(bernoulli(v), bernoulli(0.5)) for v in thetas]
    fig, ax = new_figure(6.0, 3.0)
    ax.plot(thetas, fwd, color=PALETTE[0], linewidth=2, label="KL(p‖q), p = Bern(0.5), q = Bern(θ)")
    ax.plot(
        thetas,
        rev,
        color=PALETTE[1],
        linewidth=2,
        linestyle="--",
        label=t("KL(q‖p): the same pair, reversed", "KL(q‖p): אותו זוג, בסדר הפוך"),
    )
    ax.axhline(math.log(2), color="#555555", linewidth=1, linestyle=":", label="log 2")
    ax.axvline(0.9, color="#999999", linewidth=1)
    ax.annotate("θ = 0.9", (0.9, 2.3), xytext=(-4, 0), textcoords="offset points", ha="right", fontsize=8)
    ax.set_ylim(0, 2.5)
    ax.set_xlabel("θ")
    ax.set_ylabel(t("nats", "nats (נאטים)"))
    ax.set_title(
        t("Same two distributions, two different numbers", "אותן שתי התפלגויות, שני מספרים שונים"), fontsize=10
    )
    ax.legend(fontsize=8, loc="upper center", **t.legend)
    return fig


def facts() -> dict[str, object]:
    """The numbers chapter B1 prints: computed examples and the committed experiment."""
    half, ninety = bernoulli(0.5), bernoulli(0.9)
    fits = _fits()
    f_pq, f_qp = both_directions(half, ninety)
    inf_pq, inf_qp = both_directions([0.5, 0.5], [1.0, 0.0])
    mirror = both_directions([0.2, 0.8], [0.8, 0.2])
    out = {
        "bern_pq": f_pq,
        "bern_qp": f_qp,
        "bern_ce": cross_entropy(half, ninety),
        "bern_h": entropy(half),
        "inf_pq": r"\infty" if math.isinf(inf_pq) else f"{inf_pq:.3f}",  # used inside $…$
        "inf_qp": inf_qp,
        "mirror_pq": mirror[0],
        "mirror_qp": mirror[1],
        "tri_direct": kl_divergence(half, ninety),
        "tri_via": kl_divergence(half, bernoulli(0.7)) + kl_divergence(bernoulli(0.7), ninety),
        "gauss_equal_var": kl_gaussians(-1, 1, 1, 1),
        "gauss_narrow_wide": kl_gaussians(0, 1, 0, 2),
        "gauss_wide_narrow": kl_gaussians(0, 2, 0, 1),
        "torch_kl_div": torch_kl_div(torch.tensor(half), torch.tensor(ninety)),
        "torch_kl_div_swapped": F.kl_div(torch.tensor(half).log(), torch.tensor(ninety), reduction="sum").item(),
        "mode_left_abs": f"{-min(MIXTURE['means']):g}",  # the figure's mixture: modes at minus this ...
        "mode_right": f"{max(MIXTURE['means']):g}",  # ... and plus this
        "moment_mean": fits["moment_mean"],
        "moment_std": fits["moment_std"],
        "steps": fits["steps"],
        "grid_points": GRID[2],
    }
    for key in STARTS:
        for field in ("mu0", "sigma0", "mu", "sigma", "kl_pq", "kl_qp"):
            out[f"{key}_{field}"] = round(fits[key][field], 6) + 0.0  # no "-0.00" on the page
    return out
