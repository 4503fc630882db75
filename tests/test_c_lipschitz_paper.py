"""Chapter C, the paper's model: construction, discretisation, the Euler ↔ exam map, and stability."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from snippets.c_lipschitz_cell import LipschitzRNNCell
from snippets.c_lipschitz_paper import (
    BOOK_INIT_STD,
    OFFICIAL_DEFAULT_INIT_STD,
    LipschitzCell,
    _checks,
    contraction_rate,
    exam_cell_from_euler,
    facts,
    init_spectrum,
    jacobian_norms,
    lipschitz_bound,
    lipschitz_matrix,
    paper_code_init,
    rk4_step,
    step_jacobian,
    symmetric_part_max_eig,
    trajectory_distance,
)

f64 = torch.float64


@pytest.fixture(scope="module")
def paper_facts():
    return facts()


def random_M(n=16, seed=0, scale=0.3):
    return torch.randn(n, n, generator=torch.Generator().manual_seed(seed), dtype=f64) * scale


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.75, 1.0])
def test_construction_splits_into_symmetric_and_skew_parts(beta):
    M, gamma = random_M(), 0.05
    A = lipschitz_matrix(M, beta, gamma)
    sym, skew = (A + A.T) / 2, (A - A.T) / 2
    torch.testing.assert_close(sym, (1 - beta) * (M + M.T) - gamma * torch.eye(16, dtype=f64))
    torch.testing.assert_close(skew, beta * (M - M.T))
    # The symmetric part bounds every eigenvalue's real part (numerical range), and its
    # largest eigenvalue is (1-β) λmax(M + Mᵀ) - γ: the formula the chapter uses.
    lam = symmetric_part_max_eig(M, beta, gamma)
    assert lam == pytest.approx(torch.linalg.eigvalsh(sym).max().item(), abs=1e-10)
    assert torch.linalg.eigvals(A).real.max().item() <= lam + 1e-10


def test_beta_one_puts_every_eigenvalue_on_re_minus_gamma_and_beta_zero_makes_them_real():
    M, gamma = random_M(), 0.2
    ev1 = torch.linalg.eigvals(lipschitz_matrix(M, 1.0, gamma))
    torch.testing.assert_close(ev1.real, torch.full((16,), -gamma, dtype=f64))
    ev0 = torch.linalg.eigvals(lipschitz_matrix(M, 0.0, gamma))
    assert ev0.imag.abs().max() < 1e-10


def test_the_parametrisation_alone_does_not_force_stability(paper_facts):
    """With the code's Gaussian initialisation at the book's init_std, A_β has eigenvalues in the right half-plane."""
    f = paper_facts
    assert f["init_std"] == f"{BOOK_INIT_STD:g}" == "12"
    assert float(f["init_sym_max"]) > 0 and float(f["init_max_re"]) > 0
    # A large enough γ does make the symmetric part negative definite.
    M = paper_code_init(64, 12.0, torch.Generator().manual_seed(0)).double()
    gamma = symmetric_part_max_eig(M, 0.75, 0.0) + 0.1
    assert symmetric_part_max_eig(M, 0.75, gamma) < 0


def test_the_official_default_init_std_gives_a_near_zero_A_beta(paper_facts):
    """init_std = 0.1 (driver.py's default): entries of std 0.1/n, every Re λ(A_β) within 0.01 of zero."""
    assert OFFICIAL_DEFAULT_INIT_STD == 0.1 and paper_facts["default_init_std"] == "0.1"
    default, book = init_spectrum(64, OFFICIAL_DEFAULT_INIT_STD), init_spectrum(64, BOOK_INIT_STD)
    assert default["entry_std"] == pytest.approx(0.1 / 64)
    assert default["sample_std"] == pytest.approx(0.1 / 64, rel=0.05)
    assert 0 < default["max_re"] < 0.01 and -0.01 < default["min_re"] < 0
    assert default["step_radius"] - 1 < 1e-3  # I + εA_β is the identity, nearly
    assert book["max_re"] > 100 * default["max_re"] and book["max_re"] > 0.1  # the book's choice is far from it
    assert paper_facts["default_max_re_tex"].startswith(f"{default['max_re'] / 1e-3:.1f} ")
    assert paper_facts["default_entry_std_128_tex"] == "7.8 \\times 10^{-4}"  # n = 128, as in the README
    assert float(paper_facts["readme_2020_entry_std"]) == 32 / 128


def test_paper_code_init_has_std_init_std_over_n():
    M = paper_code_init(200, init_std=10.0, generator=torch.Generator().manual_seed(1))
    assert M.std().item() == pytest.approx(10.0 / 200, rel=0.02)


def test_lipschitz_matrix_rejects_bad_input():
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\]"):
        lipschitz_matrix(torch.eye(2), 1.5, 0.0)
    with pytest.raises(ValueError, match=r"square matrix \(n, n\), got \(2, 3\)"):
        lipschitz_matrix(torch.ones(2, 3), 0.5, 0.0)
    with pytest.raises(ValueError, match="scheme"):
        LipschitzCell(2, 3, scheme="rk4")


def test_euler_and_midpoint_steps_are_the_stated_formulas():
    torch.manual_seed(0)
    for scheme in ("euler", "midpoint"):
        cell = LipschitzCell(3, 5, eps=0.1, scheme=scheme).double()
        A, W = cell.matrices()
        x, h = torch.randn(4, 3, dtype=f64), torch.randn(4, 5, dtype=f64)

        def f(h, A=A, W=W, x=x, cell=cell):
            return h @ A.T + torch.tanh(h @ W.T + x @ cell.U.T + cell.b)

        expected = h + 0.1 * f(h) if scheme == "euler" else h + 0.1 * f(h + 0.05 * f(h))
        torch.testing.assert_close(cell(x, h), expected)


def test_euler_is_first_order_and_midpoint_second_order():
    """Error after a fixed time t = 1 against a fine RK4 solution: Euler ~ ε, midpoint ~ ε²."""
    torch.manual_seed(0)
    cell = LipschitzCell(2, 6, init_std=2.0).double()
    A, W = cell.matrices()
    x, h0 = torch.randn(1, 2, dtype=f64), torch.randn(1, 6, dtype=f64)
    p = cell.input_projection(x)

    def f(h):
        return h @ A.T + torch.tanh(h @ W.T + p)

    ref = h0
    for _ in range(2000):
        ref = rk4_step(f, ref, 1 / 2000)
    errors = {}
    for scheme in ("euler", "midpoint"):
        for eps in (0.1, 0.05):
            cell.scheme, cell.eps = scheme, eps
            h = h0
            for _ in range(round(1 / eps)):
                h = cell(x, h)
            errors[scheme, eps] = (h - ref).norm().item()
    assert math.log2(errors["euler", 0.1] / errors["euler", 0.05]) == pytest.approx(1.0, abs=0.25)
    assert math.log2(errors["midpoint", 0.1] / errors["midpoint", 0.05]) == pytest.approx(2.0, abs=0.3)


def test_the_euler_step_is_the_exam_equation_on_the_rescaled_state():
    """h_t of the paper's Euler recursion equals ε·g_t of the exam cell with A = I + εA_β, W = εW_β."""
    torch.manual_seed(0)
    for eps in (0.1, 0.03):
        paper = LipschitzCell(4, 6, eps=eps, init_std=8.0).double()
        exam = exam_cell_from_euler(paper)
        A_beta, W_beta = paper.matrices()
        torch.testing.assert_close(exam.A.detach(), torch.eye(6, dtype=f64) + eps * A_beta)
        torch.testing.assert_close(exam.W.detach(), eps * W_beta)
        h, g = torch.zeros(3, 6, dtype=f64), torch.zeros(3, 6, dtype=f64)
        for x in torch.randn(_checks()["euler_steps"], 3, 4, dtype=f64):  # the page cites this size
            h, g = paper(x, h), exam(x, g)
            torch.testing.assert_close(h, eps * g)
    # Without the rescaling the same matrices give a different state: the 1/ε matters.
    exam_unscaled = exam(x, h)
    assert not torch.allclose(paper(x, h), exam_unscaled)
    with pytest.raises(ValueError, match="Euler"):
        exam_cell_from_euler(LipschitzCell(2, 3, scheme="midpoint"))


@pytest.mark.parametrize("kind", ["exam", "lipschitz", "vanilla"])
def test_one_step_jacobian_matches_autograd(kind):
    torch.manual_seed(0)
    n = 7
    if kind == "exam":
        cell = LipschitzRNNCell(3, n).double()
        A, W, U, b, c = cell.A, cell.W, cell.U, cell.b, 1.0
    elif kind == "lipschitz":
        cell = LipschitzCell(3, n, init_std=10.0).double()
        (A, W, c), U, b = cell.scan_form(), cell.U, cell.b
    else:
        rnn = nn.RNN(3, n).double()
        A, W, U, c = torch.zeros(n, n, dtype=f64), rnn.weight_hh_l0, rnn.weight_ih_l0, 1.0
        b = rnn.bias_ih_l0 + rnn.bias_hh_l0
    x, h = torch.randn(3, dtype=f64), torch.randn(n, dtype=f64)
    step = lambda h: A @ h + c * torch.tanh(W @ h + U @ x + b)  # noqa: E731
    auto = torch.autograd.functional.jacobian(step, h)
    torch.testing.assert_close(step_jacobian(A.detach(), c * W.detach(), (W @ h + U @ x + b).detach()), auto)
    if kind == "exam":  # the module's own forward agrees too
        torch.testing.assert_close(torch.autograd.functional.jacobian(lambda h: cell(x, h), h), auto)


def test_the_step_is_lipschitz_with_constant_norm_A_plus_norm_W():
    torch.manual_seed(0)
    cell = LipschitzRNNCell(3, 10).double()
    with torch.no_grad():
        cell.A.copy_(torch.randn(10, 10, dtype=f64) * 0.3)
        cell.W.copy_(torch.randn(10, 10, dtype=f64) * 0.8)
    bound = lipschitz_bound(cell.A.detach(), cell.W.detach())
    pairs = _checks()["lipschitz_pairs"]  # the page cites this size
    x = torch.randn(pairs, 3, dtype=f64)
    h1, h2 = torch.randn(pairs, 10, dtype=f64) * 2, torch.randn(pairs, 10, dtype=f64) * 2
    with torch.no_grad():
        ratio = (cell(x, h1) - cell(x, h2)).norm(dim=1) / (h1 - h2).norm(dim=1)
        z = h1 @ cell.W.T + x @ cell.U.T + cell.b
        jac = torch.stack([step_jacobian(cell.A, cell.W, zi) for zi in z[:200]])
    assert ratio.max().item() <= bound
    assert torch.linalg.matrix_norm(jac, 2).max().item() <= bound + 1e-12


def test_contraction_condition_holds_numerically(paper_facts):
    """μ = λmax(sym A) + ‖W‖ < 0 ⇒ ‖h1(t) - h2(t)‖ ≤ e^{μt} ‖h1(0) - h2(0)‖ (checked along RK4 solutions)."""
    f = paper_facts
    assert float(f["ges_mu"]) < 0 and float(f["ges_worst_ratio"]) <= 1.0
    torch.manual_seed(3)
    n = 8
    M_A, M_W = random_M(n, 1, 0.4), random_M(n, 2, 0.2)
    W = lipschitz_matrix(M_W, 0.5, 0.0)
    gamma = symmetric_part_max_eig(M_A, 0.75, 0.0) + torch.linalg.matrix_norm(W, 2).item() + 0.2
    A = lipschitz_matrix(M_A, 0.75, gamma)
    mu = contraction_rate(A, W)
    assert mu == pytest.approx(-0.2, abs=1e-9)
    dt, steps = 0.05, 200
    d = trajectory_distance(
        A,
        W,
        torch.randn(n, 2, dtype=f64),
        torch.randn(n, dtype=f64),
        torch.randn(steps, 2, dtype=f64),
        torch.randn(n, dtype=f64) * 3,
        torch.randn(n, dtype=f64) * 3,
        dt,
    )
    bound = [d[0] * math.exp(mu * k * dt) for k in range(steps + 1)]
    assert all(a <= b * (1 + 1e-9) for a, b in zip(d, bound, strict=True))


def test_jacobian_norms_at_initialisation(paper_facts):
    """Vanilla vanishes, the exam cell with A = I grows, the Lipschitz RNN with small εT stays near 1."""
    f = paper_facts
    vanilla, exam = jacobian_norms("vanilla", 58), jacobian_norms("exam", 58)
    assert vanilla[-1] < 1e-8 < 1e2 < exam[-1]
    small = jacobian_norms("lipschitz", 58, eps=0.01)
    assert 0.5 < min(small) and max(small) < 3
    assert float(f["jac_vanilla_task"]) == pytest.approx(vanilla[-1], rel=1e-6)
    with pytest.raises(ValueError, match="kind"):
        jacobian_norms("lstm", 3)


def test_every_cited_value_is_a_fact_read_from_the_one_table():
    """The page renders the cited numbers (paper table, official README) from ``_cited``, one edit per citation."""
    from snippets.c_lipschitz_paper import _cited

    out = facts()
    for prefix, table in (
        ("readme_2021_", "official_readme_2021"),
        ("readme_2020_", "official_readme_2020"),
        ("paper_", "paper_table"),
    ):
        for key, value in _cited()[table].items():
            assert float(out[prefix + key]) == pytest.approx(value), (table, key)
    assert out["readme_2020_entry_std"] == f"{_cited()['official_readme_2020']['init_std'] / 128:g}"
    assert out["check_euler_steps"] == _checks()["euler_steps"] > 1
