"""Numeric Slepian–Bangs for Gaussian models whose Σ⁻¹ stays a matrix expression (symfisher/numeric/gaussian.py).

Every reference is computed here independently of the library: NumPy's explicit inverse with the
derivatives of the kernel written out by hand, I_ij = ∂_iμᵀΣ⁻¹∂_jμ + ½ tr(Σ⁻¹∂_iΣ Σ⁻¹∂_jΣ).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import sympy as sp

from symfisher import Model, derive
from symfisher.core.structure.gaussian import numeric_covariance
from symfisher.errors import ModelError

I, J = sp.symbols("i j", integer=True)
V, ELL, TAU = sp.Symbol("v", positive=True), sp.Symbol("ell", positive=True), sp.Symbol("tau2", positive=True)
M = sp.Symbol("m", real=True)


def inputs(n: int, seed: int = 0) -> np.ndarray:
    return np.sort(np.random.default_rng(seed).uniform(0, 6, n))


def kernel_model(t: np.ndarray, body, params, mean=None, name: str = "gp") -> Model:
    n = len(t)
    T = sp.ImmutableDenseNDimArray([sp.Float(float(x)) for x in t])
    K = sp.FunctionMatrix(n, n, sp.Lambda((I, J), body(T[I], T[J])))
    mu = sp.zeros(n, 1) if mean is None else sp.Matrix([mean] * n)
    return Model.gaussian(mu, K, sp.symbols(f"x1:{n + 1}", real=True), params, name=name)


def se(a, b):  # squared exponential with noise: ∂Σ/∂v and ∂Σ/∂τ² are combinations of Σ and I
    return V * sp.exp(-(a - b)**2 / (2 * ELL**2)) + TAU * sp.KroneckerDelta(I, J)


def reference(t, v, ell, tau, mean_param=False):
    """Explicit inverse, hand-written derivatives (v, ℓ, τ²[, m])."""
    d2 = (t[:, None] - t[None, :])**2
    E = np.exp(-d2 / (2 * ell**2))
    S = v * E + tau * np.eye(len(t))
    dS = [E, v * E * d2 / ell**3, np.eye(len(t))]
    Si = np.linalg.inv(S)
    k = 3 + mean_param
    out = np.zeros((k, k))
    for a in range(3):
        for b in range(3):
            out[a, b] = 0.5 * np.trace(Si @ dS[a] @ Si @ dS[b])
    if mean_param:
        one = np.ones(len(t))
        out[3, 3] = one @ Si @ one
    return out


POINTS = np.array([[1.3, 0.8, 0.3], [0.4, 2.5, 1e-3], [7.0, 0.05, 2.0]])


def test_squared_exponential_at_several_points_vectorised():
    t = inputs(40)
    num = derive(kernel_model(t, se, [V, ELL, TAU])).lambdify()
    assert num.solved == ("a Σ + b I", "sygst", "a Σ + b I")
    got = num.fisher(POINTS[:, 0], POINTS[:, 1], POINTS[:, 2])
    assert got.shape == (3, 3, 3)
    for m, theta in enumerate(POINTS):
        np.testing.assert_allclose(got[m], reference(t, *theta), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(num.neg_expected_hessian(*POINTS.T), got, rtol=1e-12)
    # a grid of points broadcast together: shape (2, 3, k, k)
    grid = num.fisher(np.array([[1.3], [0.4]]), np.array([0.8, 2.5, 0.05]), 0.3)
    assert grid.shape == (2, 3, 3, 3)
    np.testing.assert_allclose(grid[1, 2], reference(t, 0.4, 0.05, 0.3), rtol=1e-9)


def test_mean_parameter_uses_a_triangular_solve():
    """μ = m·1: I_mm = 1ᵀΣ⁻¹1, and the mean and covariance blocks do not mix."""
    t = inputs(30, seed=2)
    num = derive(kernel_model(t, se, [V, ELL, TAU, M], mean=M)).lambdify()
    got = num.fisher(1.3, 0.8, 0.3, 0.7)
    np.testing.assert_allclose(got, reference(t, 1.3, 0.8, 0.3, mean_param=True), rtol=1e-9, atol=1e-12)


def test_kernel_without_noise_and_a_general_derivative():
    """Σ = v exp(−d²/2ℓ²) + 1/10 I: ∂Σ/∂v = (Σ − I/10)/v (b ≠ 0 from a constant), ∂Σ/∂ℓ by sygst."""
    t = inputs(25, seed=4)

    def body(a, b):
        return V * sp.exp(-(a - b)**2 / (2 * ELL**2)) + sp.KroneckerDelta(I, J) / 10

    num = derive(kernel_model(t, body, [V, ELL])).lambdify()
    assert num.solved == ("a Σ + b I", "sygst")
    np.testing.assert_allclose(num.fisher(1.3, 0.8), reference(t, 1.3, 0.8, 0.1)[:2, :2], rtol=1e-9)


def test_lower_triangle_evaluation_matches_the_full_matrices():
    t = inputs(150, seed=5)  # several blocks of 64 rows, the last one partial
    n = len(t)
    T = sp.ImmutableDenseNDimArray([sp.Float(float(x)) for x in t])
    K = sp.FunctionMatrix(n, n, sp.Lambda((I, J), se(T[I], T[J])))
    extra = [sp.diff(K.lamda.expr, ELL)]
    full = numeric_covariance(K, [V, ELL, TAU], extra)(1.3, 0.8, 0.3)
    for _ in range(2):  # the work arrays are reused: a second call gives the same
        lower = numeric_covariance(K, [V, ELL, TAU], extra, lower=True)(1.3, 0.8, 0.3)
        for f, lo in zip(full, lower):
            assert lo.flags.f_contiguous
            assert not np.triu(lo, 1).any()
            # θ-only factors are folded into scalars before the n² entries: equal up to rounding
            np.testing.assert_allclose(lo, np.tril(f), rtol=1e-14, atol=0)


def test_threads_get_their_own_work_arrays():
    t = inputs(60, seed=6)
    num = derive(kernel_model(t, se, [V, ELL, TAU])).lambdify()
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda th: num.fisher(*th), [tuple(p) for p in POINTS] * 4))
    for m, g in enumerate(got):
        np.testing.assert_allclose(g, reference(t, *POINTS[m % 3]), rtol=1e-9, atol=1e-12)


def test_explicit_covariance_in_the_matrix_form():
    """AR(1) with n = 9 written as an explicit matrix (too large to invert symbolically)."""
    n = 9
    phi, s2 = sp.Symbol("phi", real=True), sp.Symbol("sigma2", positive=True)
    S = sp.Matrix(n, n, lambda a, b: s2 * phi**abs(a - b) / (1 - phi**2))
    model = Model.gaussian(sp.zeros(n, 1), S, sp.symbols(f"x1:{n + 1}", real=True), [phi, s2],
                           domain={phi: sp.Interval.open(-1, 1)})
    assert model.gaussian_structure.form == "matrix"
    num = derive(model).lambdify()
    p, v = 0.6, 1.7
    exact = np.array([[(n - 1) / (1 - p**2) + 2 * p**2 / (1 - p**2)**2, p / (v * (1 - p**2))],
                      [p / (v * (1 - p**2)), n / (2 * v**2)]])
    np.testing.assert_allclose(num.fisher(p, v), exact, rtol=1e-10)


@pytest.mark.parametrize("theta, message", [
    ((1.0, 0.8, -2.0), r"^model gp: the covariance is not positive definite at v = 1, ell = 0\.8, tau2 = -2$"),
    ((np.nan, 0.8, 0.3), r"^model gp: the covariance is not finite at v = nan, ell = 0\.8, tau2 = 0\.3$"),
])
def test_bad_points_name_the_point(theta, message):
    num = derive(kernel_model(inputs(20), se, [V, ELL, TAU])).lambdify()
    with pytest.raises(ModelError, match=message):
        num.fisher(*theta)
    with pytest.raises(ModelError, match=message):
        num.logpdf(np.zeros(20), *theta)
    np.testing.assert_allclose(num.fisher(1.3, 0.8, 0.3), reference(inputs(20), 1.3, 0.8, 0.3), rtol=1e-9)


def test_kernel_that_is_not_symmetric_is_refused_with_the_point():
    n = 10
    s = sp.Symbol("s", positive=True)
    K = sp.FunctionMatrix(n, n, sp.Lambda((I, J), s * sp.exp(-sp.Abs(I - J)) + s * (I - J) / 100
                                          + 2 * s * sp.KroneckerDelta(I, J)))
    with pytest.raises(ModelError, match=r"^model gaussian: the covariance is not symmetric: entry \(1,2\) = .* but "
                                         r"entry \(2,1\) = .* at s = .*$"):
        Model.gaussian(sp.zeros(n, 1), K, sp.symbols(f"x1:{n + 1}", real=True), [s])


def test_basis_traces_against_the_explicit_inverse():
    """G = L⁻¹L⁻ᵀ from the reversed factor: tr G = tr Σ⁻¹, tr G² = tr Σ⁻², tr(G B) = tr(Σ⁻²D), and
    the triangle dot product tr(B²) = tr(Σ⁻¹DΣ⁻¹D), each against NumPy's explicit inverse."""
    from symfisher.numeric.gaussian import _Basis, _tr_lower

    rng = np.random.default_rng(7)
    n = 30
    X = rng.standard_normal((n, n))
    S = X @ X.T + n * np.eye(n)
    D = rng.standard_normal((n, n))
    D = D + D.T
    Si = np.linalg.inv(S)
    L = np.asfortranarray(np.linalg.cholesky(S))
    W = np.linalg.inv(L)
    B = np.asfortranarray(np.tril(W @ D @ W.T))
    basis = _Basis(L, np.full((n, n), np.nan, order="F"))  # a dirty work array: overwritten in full
    assert basis.trace() == pytest.approx(np.trace(Si), rel=1e-12)
    assert basis.trace_square() == pytest.approx(np.trace(Si @ Si), rel=1e-12)
    assert basis.trace_with(B) == pytest.approx(np.trace(Si @ Si @ D), rel=1e-10, abs=1e-14)
    assert _tr_lower(B, B) == pytest.approx(np.trace(Si @ D @ Si @ D), rel=1e-12)
    np.testing.assert_array_equal(L, np.tril(L))  # the factor is read, not changed
