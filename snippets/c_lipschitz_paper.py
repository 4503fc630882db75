"""C — the paper's model: the Lipschitz RNN of Erichson et al. (ICLR 2021).

The continuous-time system is

    h'(t) = A_β h + tanh(W_β h + U x(t) + b),
    A_β = (1-β)(M_A + M_Aᵀ) + β(M_A - M_Aᵀ) - γ_A I     (W_β likewise, with M_W, γ_W).

This file builds A_β and W_β, discretises the system (forward Euler and the
explicit midpoint rule), maps the Euler step onto the exam's equation, and
checks the stability statements the chapter derives: the one-step Jacobian, the
Lipschitz bound ‖A‖ + ‖W‖, and a sufficient condition for global exponential
stability of the continuous system. Shown in chapter C, tested by
tests/test_c_lipschitz_paper.py.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from snippets.c_lipschitz_cell import LipschitzRNNCell
from snippets.plotting import PALETTE, new_figure
from snippets.training import torch_threads


# --8<-- [start:construction]
def lipschitz_matrix(M: torch.Tensor, beta: float, gamma: float) -> torch.Tensor:
    """(1-β)(M + Mᵀ) + β(M - Mᵀ) - γI: a symmetric part, a skew-symmetric part and a shift.

    β = 1 keeps only the skew part (eigenvalues on the line Re λ = -γ);
    β = 0 keeps only the symmetric part (real eigenvalues).

    >>> M = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> lipschitz_matrix(M, beta=1.0, gamma=0.5)
    tensor([[-0.5000,  1.0000],
            [-1.0000, -0.5000]])
    >>> torch.linalg.eigvals(lipschitz_matrix(M, beta=1.0, gamma=0.5))
    tensor([-0.5000+1.j, -0.5000-1.j])
    """
    if not 0.0 <= beta <= 1.0:
        raise ValueError(f"beta must be in [0, 1], got {beta}")
    if M.dim() != 2 or M.shape[0] != M.shape[1]:
        raise ValueError(f"M must be a square matrix (n, n), got {tuple(M.shape)}")
    eye = torch.eye(M.shape[0], dtype=M.dtype, device=M.device)
    return (1 - beta) * (M + M.T) + beta * (M - M.T) - gamma * eye


def symmetric_part_max_eig(M: torch.Tensor, beta: float, gamma: float) -> float:
    """λ_max of the symmetric part of A_β, which is (1-β)(M + Mᵀ) - γI.

    >>> M = torch.tensor([[1.0, 2.0], [0.0, 1.0]])
    >>> symmetric_part_max_eig(M, beta=0.5, gamma=0.1)   # (1-0.5)·λmax([[2,2],[2,2]]) - 0.1
    1.9
    """
    sym = (1 - beta) * (M + M.T)
    return round(torch.linalg.eigvalsh(sym).max().item() - gamma, 12)


# --8<-- [end:construction]


# --8<-- [start:init]
def paper_code_init(n: int, init_std: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """An (n, n) matrix with entries N(0, (init_std / n)²), as the official code draws M_A and M_W.

    The standard deviation falls like 1/n (not 1/sqrt(n)), so ‖M‖ ≈ 2·init_std/sqrt(n).

    >>> M = paper_code_init(256, init_std=8.0, generator=torch.Generator().manual_seed(0))
    >>> round(M.std().item(), 3), 8.0 / 256
    (0.031, 0.03125)
    """
    return torch.randn(n, n, generator=generator) * (init_std / n)


BOOK_INIT_STD = 12.0  # this book's choice for n = 64: not a value of the official code
OFFICIAL_DEFAULT_INIT_STD = 0.1  # driver.py's --init_std default (erichson/LipschitzRNN, commit df6552e, 2021-06-28)


def init_spectrum(
    n: int, init_std: float, beta: float = 0.75, gamma: float = 1e-3, eps: float = 0.1, seed: int = 0
) -> dict[str, float]:
    """What the initialisation gives: std of M's entries, the real parts of λ(A_β), the Euler step I + εA_β.

    M: (n, n) from paper_code_init, in float64; A_β from lipschitz_matrix.

    >>> s = init_spectrum(64, OFFICIAL_DEFAULT_INIT_STD)
    >>> s["entry_std"] == 0.1 / 64, abs(s["max_re"]) < 0.01
    (True, True)
    """
    M = paper_code_init(n, init_std, torch.Generator().manual_seed(seed)).double()
    A = lipschitz_matrix(M, beta, gamma)
    eig = torch.linalg.eigvals(A)
    step = torch.eye(n, dtype=torch.float64) + eps * A
    return {
        "entry_std": init_std / n,
        "sample_std": M.std().item(),
        "m_norm": torch.linalg.matrix_norm(M, 2).item(),
        "sym_max": symmetric_part_max_eig(M, beta, gamma),
        "max_re": eig.real.max().item(),
        "min_re": eig.real.min().item(),
        "step_norm": torch.linalg.matrix_norm(step, 2).item(),
        "step_radius": torch.linalg.eigvals(step).abs().max().item(),
    }


# --8<-- [end:init]


# --8<-- [start:model]
class LipschitzCell(nn.Module):
    """The paper's recurrent unit, discretised with step ε.

    h' = A_β h + tanh(W_β h + U x + b); ``scheme="euler"``: h + ε f(h);
    ``scheme="midpoint"`` (explicit midpoint rule, second order):
    h + ε f(h + (ε/2) f(h)), the input held fixed over the step.
    Parameters: M_A, M_W (hidden, hidden), U (hidden, input), b (hidden,).

    >>> _ = torch.manual_seed(0)
    >>> cell = LipschitzCell(3, 5, beta=0.75, gamma=1e-3, eps=0.1)
    >>> cell(torch.randn(2, 3)).shape
    torch.Size([2, 5])
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        beta: float = 0.75,
        gamma: float = 1e-3,
        eps: float = 0.1,
        init_std: float = 4.0,
        scheme: str = "euler",
    ):
        super().__init__()
        if scheme not in ("euler", "midpoint"):
            raise ValueError(f"scheme must be 'euler' or 'midpoint', got {scheme!r}")
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps}")
        self.input_size, self.hidden_size = input_size, hidden_size
        self.beta, self.gamma, self.eps, self.scheme = beta, gamma, eps, scheme
        self.M_A = nn.Parameter(paper_code_init(hidden_size, init_std))
        self.M_W = nn.Parameter(paper_code_init(hidden_size, init_std))
        self.U = nn.Parameter(torch.empty(hidden_size, input_size))
        self.b = nn.Parameter(torch.zeros(hidden_size))
        nn.init.xavier_normal_(self.U)  # the official code's input layer: Xavier normal, zero bias

    def matrices(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(A_β, W_β), built from M_A and M_W."""
        return (lipschitz_matrix(self.M_A, self.beta, self.gamma), lipschitz_matrix(self.M_W, self.beta, self.gamma))

    def input_projection(self, x: torch.Tensor) -> torch.Tensor:
        """U x + b for inputs (..., input_size) -> (..., hidden_size)."""
        return F.linear(x, self.U, self.b)

    def recurrence(self):
        """The step h, p -> h_next with p = U x + b, A_β and W_β built once for the whole sequence."""
        A, W = self.matrices()
        eps = self.eps

        def f(h, p):  # the right-hand side of the ODE, rows are samples
            return F.linear(h, A) + torch.tanh(F.linear(h, W) + p)

        if self.scheme == "euler":
            return lambda h, p: h + eps * f(h, p)
        return lambda h, p: h + eps * f(h + 0.5 * eps * f(h, p), p)

    def scan_form(self):
        """The Euler step as h' = (I + εA_β) h + ε·tanh(W_β h + p), i.e. (I + εA_β, W_β, ε); None for midpoint."""
        if self.scheme != "euler":
            return None
        A, W = self.matrices()
        return torch.eye(self.hidden_size, dtype=A.dtype, device=A.device) + self.eps * A, W, self.eps

    def forward(self, x: torch.Tensor, h_prev: torch.Tensor | None = None) -> torch.Tensor:
        """One step: x (B, input_size), h_prev (B, hidden_size) or None -> (B, hidden_size)."""
        if x.dim() != 2 or x.shape[1] != self.input_size:
            raise ValueError(f"x must have shape (B, input_size) = (B, {self.input_size}), got {tuple(x.shape)}")
        if h_prev is None:
            h_prev = x.new_zeros(x.shape[0], self.hidden_size)
        return self.recurrence()(h_prev, self.input_projection(x))


# --8<-- [end:model]


# --8<-- [start:euler_is_exam]
def exam_cell_from_euler(cell: LipschitzCell) -> LipschitzRNNCell:
    """The exam's cell that computes the Euler step of ``cell`` on the rescaled state g = h/ε.

    h_{t+1} = (I + εA_β) h_t + ε tanh(W_β h_t + U x + b). Divide by ε and write h = εg:
    g_{t+1} = (I + εA_β) g_t + tanh(εW_β g_t + U x + b), the exam's equation with
    A = I + εA_β, W = εW_β, and U, b unchanged.

    >>> _ = torch.manual_seed(0)
    >>> paper = LipschitzCell(3, 4, eps=0.1).double()
    >>> exam = exam_cell_from_euler(paper)
    >>> x, h = torch.randn(2, 3, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
    >>> torch.allclose(paper(x, h) / paper.eps, exam(x, h / paper.eps))
    True
    """
    if cell.scheme != "euler":
        raise ValueError("only the Euler step has the exam's form")
    A_beta, W_beta = cell.matrices()
    exam = LipschitzRNNCell(cell.input_size, cell.hidden_size).to(cell.U.dtype)
    with torch.no_grad():
        exam.A.copy_(torch.eye(cell.hidden_size, dtype=cell.U.dtype) + cell.eps * A_beta)
        exam.W.copy_(cell.eps * W_beta)
        exam.U.copy_(cell.U)
        exam.b.copy_(cell.b)
    return exam


# --8<-- [end:euler_is_exam]


# --8<-- [start:jacobian]
def step_jacobian(A: torch.Tensor, W: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """∂h'/∂h of h' = A h + tanh(z), z = W h + U x + b, for one sample: A + diag(1 - tanh²(z)) W.

    >>> A, W, z = torch.eye(2), torch.ones(2, 2), torch.zeros(2)
    >>> step_jacobian(A, W, z)
    tensor([[2., 1.],
            [1., 2.]])
    """
    return A + (1 - torch.tanh(z) ** 2).unsqueeze(1) * W


def lipschitz_bound(A: torch.Tensor, W: torch.Tensor) -> float:
    """‖A‖₂ + ‖W‖₂: tanh is 1-Lipschitz, so the step moves two states apart by at most this factor.

    >>> lipschitz_bound(torch.eye(3), 2 * torch.eye(3))
    3.0
    """
    return (torch.linalg.matrix_norm(A, 2) + torch.linalg.matrix_norm(W, 2)).item()


# --8<-- [end:jacobian]


# --8<-- [start:stability]
def contraction_rate(A: torch.Tensor, W: torch.Tensor) -> float:
    """μ = λ_max((A + Aᵀ)/2) + ‖W‖₂. If μ < 0, any two solutions of h' = A h + tanh(W h + u(t))
    approach each other at least as fast as e^{μt}.

    >>> contraction_rate(-2 * torch.eye(3), torch.eye(3))
    -1.0
    """
    sym = (A + A.T) / 2
    return (torch.linalg.eigvalsh(sym).max() + torch.linalg.matrix_norm(W, 2)).item()


def rk4_step(f, h: torch.Tensor, dt: float) -> torch.Tensor:
    """One step of the classic fourth-order Runge–Kutta method for h' = f(h)."""
    k1 = f(h)
    k2 = f(h + dt / 2 * k1)
    k3 = f(h + dt / 2 * k2)
    k4 = f(h + dt * k3)
    return h + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def trajectory_distance(A, W, U, b, inputs, h1, h2, dt: float) -> list[float]:
    """‖h1(t) - h2(t)‖ at t = 0, dt, 2dt, ... for two solutions of h' = A h + tanh(W h + U x(t) + b).

    Column-vector form, one sample: A, W (n, n), U (n, i), b (n,), h1, h2 (n,);
    inputs (steps, i), x(t) held fixed over each step of length dt (RK4).

    >>> n = 3; A = -torch.eye(n, dtype=torch.float64); W = 0.5 * torch.eye(n, dtype=torch.float64)
    >>> U, b = torch.zeros(n, 1, dtype=torch.float64), torch.zeros(n, dtype=torch.float64)
    >>> d = trajectory_distance(A, W, U, b, torch.zeros(10, 1, dtype=torch.float64),
    ...                         torch.ones(n, dtype=torch.float64), torch.zeros(n, dtype=torch.float64), 0.1)
    >>> len(d), d[-1] <= d[0] * math.exp(contraction_rate(A, W) * 10 * 0.1)
    (11, True)
    """
    dist = [torch.linalg.vector_norm(h1 - h2).item()]
    for x in inputs:

        def f(h, x=x):
            return A @ h + torch.tanh(W @ h + U @ x + b)

        h1, h2 = rk4_step(f, h1, dt), rk4_step(f, h2, dt)
        dist.append(torch.linalg.vector_norm(h1 - h2).item())
    return dist


def contraction_demo(n: int = 16, margin: float = 0.2, dt: float = 0.05, steps: int = 200, seed: int = 0) -> dict:
    """Two solutions of the paper's ODE with γ_A chosen so that μ = -margin; their distance vs e^{μt}.

    >>> r = contraction_demo(n=4, steps=20)
    >>> round(r["mu"], 6), r["worst_ratio"] <= 1.0
    (-0.2, True)
    """
    g = torch.Generator().manual_seed(seed)
    M_A = torch.randn(n, n, generator=g, dtype=torch.float64) * 0.3
    M_W = torch.randn(n, n, generator=g, dtype=torch.float64) * 0.3
    W = lipschitz_matrix(M_W, 0.75, 0.0)
    # γ_A just large enough: λmax(sym A_β) = (1-β) λmax(M_A + M_Aᵀ) - γ_A = -‖W‖ - margin.
    gamma_A = symmetric_part_max_eig(M_A, 0.75, 0.0) + torch.linalg.matrix_norm(W, 2).item() + margin
    A = lipschitz_matrix(M_A, 0.75, gamma_A)
    mu = contraction_rate(A, W)
    U, b = torch.randn(n, 2, generator=g, dtype=torch.float64), torch.randn(n, generator=g, dtype=torch.float64)
    inputs = torch.randn(steps, 2, generator=g, dtype=torch.float64)
    h1, h2 = (3 * torch.randn(n, generator=g, dtype=torch.float64) for _ in range(2))
    dist = trajectory_distance(A, W, U, b, inputs, h1, h2, dt)
    bound = [dist[0] * math.exp(mu * k * dt) for k in range(steps + 1)]
    return {
        "mu": mu,
        "gamma_A": gamma_A,
        "dt": dt,
        "distance": dist,
        "bound": bound,
        "worst_ratio": max(d / b for d, b in zip(dist, bound, strict=True)),
    }


# --8<-- [end:stability]


# --8<-- [start:jacobian_norms]
def jacobian_norms(
    kind: str,
    steps: int,
    hidden: int = 64,
    input_size: int = 8,
    eps: float = 0.1,
    init_std: float = 12.0,
    seed: int = 0,
) -> list[float]:
    """‖∂h_T/∂h_0‖₂ for T = 1..steps at initialisation, driven by N(0, 1) inputs (float64).

    kind: "vanilla" (nn.RNN, tanh, PyTorch's init), "lipschitz" (Euler, β 0.75, γ 1e-3, step ``eps``)
    or "exam" (the exam's cell: A = I, W from U(-k, k)). The product of one-step Jacobians
    A + diag(1 - tanh²(z)) W is accumulated along the trajectory.

    >>> [round(v, 3) for v in jacobian_norms("lipschitz", 3, hidden=4, input_size=2)]
    [1.328, 1.729, 2.07]
    """
    torch.manual_seed(seed)
    xs = torch.randn(steps, input_size, dtype=torch.float64)
    with torch.no_grad(), torch_threads(1):
        if kind == "vanilla":
            rnn = nn.RNN(input_size, hidden).double()
            A, W = torch.zeros(hidden, hidden, dtype=torch.float64), rnn.weight_hh_l0
            U, b, c = rnn.weight_ih_l0, rnn.bias_ih_l0 + rnn.bias_hh_l0, 1.0
        elif kind == "lipschitz":
            cell = LipschitzCell(input_size, hidden, eps=eps, init_std=init_std).double()
            (A, W, c), U, b = cell.scan_form(), cell.U, cell.b
        elif kind == "exam":
            cell = LipschitzRNNCell(input_size, hidden).double()
            A, W, U, b, c = cell.A, cell.W, cell.U, cell.b, 1.0
        else:
            raise ValueError(f"kind must be 'vanilla', 'lipschitz' or 'exam', got {kind!r}")
        # Every model here is h' = A h + c·tanh(W h + U x + b) (vanilla: A = 0, c = 1).
        h, product, norms = torch.zeros(hidden, dtype=torch.float64), torch.eye(hidden, dtype=torch.float64), []
        for x in xs:
            z = W @ h + U @ x + b
            product = step_jacobian(A, c * W, z) @ product
            h = A @ h + c * torch.tanh(z)
            norms.append(torch.linalg.matrix_norm(product, 2).item())
    return norms


# --8<-- [end:jacobian_norms]


#: Figure settings: the experiment's length and the lengths drawn.
TASK_LENGTH, MAX_LENGTH = 58, 200


def figure_jacobian_norms(lang: str = "en"):
    """‖∂h_T/∂h_0‖ against T at initialisation for the three models (log scale)."""
    from snippets.plotting import Labels

    t = Labels(lang)
    fig, ax = new_figure(6.2, 3.4)
    curves = [
        (
            t("tanh RNN (nn.RNN default init)", "tanh RNN (אתחול ברירת המחדל של nn.RNN)"),
            jacobian_norms("vanilla", MAX_LENGTH),
            PALETTE[0],
            "-",
        ),
        (
            t("exam cell, A = I, W ~ U(-k, k)", "תא המבחן, A = I, W ~ U(-k, k)"),
            jacobian_norms("exam", MAX_LENGTH),
            PALETTE[3],
            "-",
        ),
        ("Lipschitz RNN, ε = 0.1", jacobian_norms("lipschitz", MAX_LENGTH, eps=0.1), PALETTE[2], "-"),
        ("Lipschitz RNN, ε = 0.01", jacobian_norms("lipschitz", MAX_LENGTH, eps=0.01), PALETTE[2], "--"),
    ]
    T = range(1, MAX_LENGTH + 1)
    for label, norms, colour, style in curves:
        ax.semilogy(T, norms, style, color=colour, linewidth=1.8, label=label)
    ax.axhline(1.0, color="#555555", linewidth=0.8)
    ax.axvline(TASK_LENGTH, color="#999999", linewidth=0.8, linestyle=":")
    ax.text(
        TASK_LENGTH + 2,
        1e-44,
        t(f"T = {TASK_LENGTH} (the digits task)", f"T = {TASK_LENGTH} (משימת הספרות)"),
        fontsize=8,
        color="#555555",
    )
    ax.set_xlabel(t("sequence length T", "אורך הסדרה T"))
    ax.set_ylabel("‖∂h_T / ∂h_0‖₂")
    ax.set_title(
        t(
            "Jacobian norm through time at initialisation (hidden 64, random inputs)",
            "נורמת היעקוביאן לאורך הזמן באתחול (גודל חבוי 64, קלטים אקראיים)",
        ),
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="center right", frameon=False, **t.legend)
    return fig


def figure_eigenvalues(n: int = 64, init_std: float = 12.0, gamma: float = 0.2, seed: int = 0, lang: str = "en"):
    """Eigenvalues of A_β for β = 0, 0.75, 1 built from one M (γ enlarged to make the shift visible)."""
    from snippets.plotting import Labels

    t = Labels(lang)
    M = paper_code_init(n, init_std, torch.Generator().manual_seed(seed)).double()
    fig, ax = new_figure(6.2, 3.4)
    for beta, colour, marker in ((0.0, PALETTE[0], "o"), (0.75, PALETTE[2], "^"), (1.0, PALETTE[1], "s")):
        ev = torch.linalg.eigvals(lipschitz_matrix(M, beta, gamma))
        ax.scatter(
            ev.real.numpy(), ev.imag.numpy(), s=14, color=colour, marker=marker, label=f"β = {beta:g}", alpha=0.85
        )
    ax.axvline(-gamma, color="#555555", linewidth=0.8, linestyle="--")
    ax.axvline(0.0, color="#111111", linewidth=0.8)
    ax.annotate(
        "Re λ = −γ",
        (-gamma, ax.get_ylim()[0] * 0.9),
        xytext=(-70, 0),
        textcoords="offset points",
        fontsize=8,
        color="#555555",
        va="center",
    )
    ax.set_xlabel("Re λ")
    ax.set_ylabel("Im λ")
    ax.set_title(
        t(
            f"Eigenvalues of A_β (n = {n}, init_std = {init_std:g}, γ = {gamma:g})",
            f"הערכים העצמיים של A_β (n = {n}, init_std = {init_std:g}, γ = {gamma:g})",
        ),
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="upper right", frameon=False, **t.legend)
    return fig


def figure_contraction(lang: str = "en"):
    """Distance between two solutions of the ODE and the bound e^{μt}·‖e(0)‖ (log scale)."""
    from snippets.plotting import Labels

    t = Labels(lang)
    r = contraction_demo()
    times = [k * r["dt"] for k in range(len(r["distance"]))]
    fig, ax = new_figure(6.2, 3.0)
    ax.semilogy(
        times,
        r["bound"],
        "--",
        color="#555555",
        linewidth=1.4,
        label=t(f"bound e^(μt)·‖e(0)‖, μ = {r['mu']:.2f}", f"החסם e^(μt)·‖e(0)‖, μ = {r['mu']:.2f}"),
    )
    ax.semilogy(times, r["distance"], color=PALETTE[2], linewidth=1.8, label="‖h₁(t) − h₂(t)‖ (RK4, dt = 0.05)")
    ax.set_xlabel(t("time t", "זמן t"))
    ax.set_ylabel(t("distance", "מרחק"))
    ax.set_title(
        t(
            "Two solutions, same input: their distance stays under the bound",
            "שני פתרונות, אותו קלט: המרחק ביניהם נשאר מתחת לחסם",
        ),
        fontsize=10,
    )
    ax.legend(fontsize=8, frameon=False, **t.legend)
    return fig


def _tex(value: float) -> str:
    """A small number in LaTeX scientific notation: 0.00189 -> '1.9 \\times 10^{-3}'."""
    exponent = math.floor(math.log10(abs(value)))
    return f"{value / 10**exponent:.1f} \\times 10^{{{exponent}}}"


def _cited() -> dict[str, dict[str, object]]:
    """Values of other works that chapter C cites (not results of this book): one edit per changed citation.

    ``official_readme_2021``: the example commands of the README of erichson/LipschitzRNN at df6552e
    (2021-06-28; README last changed in df7b156, March 2021); ``official_readme_2020``: that README in
    June 2020 (7f7812a); ``paper_table``: the paper's test accuracies (%) as recorded by Papers with Code.
    """
    return {
        "official_readme_2021": {
            "commit_day": 28,
            "units": 128,
            "lr_ordered": 0.003,
            "lr_permuted": 0.0035,
            "epochs": 100,
            "decay_epoch": 90,
        },
        "official_readme_2020": {"init_std": 32, "units": 128, "epochs": 90},
        "paper_table": {"mnist": 99.4, "pmnist": 96.3, "cifar": 64.2, "noise_cifar": 59.0},
    }


def _checks() -> dict[str, int]:
    """The sizes of two checks of tests/test_c_lipschitz_paper.py, which reads them here (the page cites them)."""
    return {"euler_steps": 20, "lipschitz_pairs": 2000}


def facts() -> dict[str, object]:
    """The numbers chapter C prints about the paper's model."""
    import inspect

    cited = _cited()
    r21, r20, table = cited["official_readme_2021"], cited["official_readme_2020"], cited["paper_table"]
    eig = inspect.signature(figure_eigenvalues).parameters
    ges = inspect.signature(contraction_demo).parameters
    extra = {f"readme_2021_{k}": f"{v:g}" for k, v in r21.items()}
    extra |= {f"readme_2020_{k}": f"{v:g}" for k, v in r20.items()}
    extra |= {f"paper_{k}": f"{v:.1f}" for k, v in table.items()}
    extra |= {
        "check_euler_steps": _checks()["euler_steps"],
        "check_pairs": f"{_checks()['lipschitz_pairs']:,}",
        "eig_n": eig["n"].default,
        "eig_gamma": f"{eig['gamma'].default:g}",
        "beta": f"{inspect.signature(LipschitzCell).parameters['beta'].default:g}",
        "jac_hidden": inspect.signature(jacobian_norms).parameters["hidden"].default,
        "ges_duration": f"{ges['dt'].default * ges['steps'].default:g}",
    }
    n, init_std, beta, gamma, eps = 64, BOOK_INIT_STD, 0.75, 1e-3, 0.1
    M = paper_code_init(n, init_std, torch.Generator().manual_seed(0)).double()
    A = lipschitz_matrix(M, beta, gamma)
    book, default = init_spectrum(n, init_std), init_spectrum(n, OFFICIAL_DEFAULT_INIT_STD)
    ges = contraction_demo()
    jac = {kind: jacobian_norms(kind, TASK_LENGTH) for kind in ("vanilla", "exam", "lipschitz")}
    small = jacobian_norms("lipschitz", MAX_LENGTH, eps=0.01)
    return {
        "init_n": n,
        "init_std": f"{init_std:g}",
        "init_entry_std": f"{book['entry_std']:.3f}",
        "init_m_norm": f"{book['m_norm']:.2f}",
        "init_sym_max": f"{book['sym_max']:.2f}",
        "init_max_re": f"{book['max_re']:.2f}",
        "init_a_norm": f"{torch.linalg.matrix_norm(A, 2).item():.2f}",
        "init_step_norm": f"{book['step_norm']:.3f}",
        "init_step_radius": f"{book['step_radius']:.3f}",
        "default_init_std": f"{OFFICIAL_DEFAULT_INIT_STD:g}",
        "default_entry_std_tex": _tex(default["entry_std"]),
        "default_entry_std_128_tex": _tex(OFFICIAL_DEFAULT_INIT_STD / r21["units"]),
        "default_max_re_tex": _tex(default["max_re"]),
        "default_min_re_tex": _tex(default["min_re"]),
        "default_m_norm": f"{default['m_norm']:.3f}",
        "default_step_radius": f"{default['step_radius']:.5f}",
        "readme_2020_entry_std": f"{r20['init_std'] / r20['units']:g}",
        "ges_mu": f"{ges['mu']:.2f}",
        "ges_gamma": f"{ges['gamma_A']:.2f}",
        "ges_worst_ratio": f"{ges['worst_ratio']:.3f}",
        "task_length": TASK_LENGTH,
        "max_length": MAX_LENGTH,
        "task_eps_t": f"{eps * TASK_LENGTH:.1f}",
        "jac_vanilla_task": f"{jac['vanilla'][-1]:.1e}",
        "jac_exam_task": f"{jac['exam'][-1]:.1e}",
        "jac_lipschitz_task": f"{jac['lipschitz'][-1]:.1f}",
        "jac_small_eps_max": f"{max(small):.2f}",
        "jac_small_eps_min": f"{min(small):.2f}",
    } | extra
