"""Gaussian models x ~ N(μ(θ), Σ(θ)): Slepian–Bangs, the verdict, the matrix form, block results, bad input.

Every expected value is computed here independently of the library: the Slepian–Bangs formula with
SymPy's own matrix inverse (or NumPy's, with finite-difference derivatives of Σ), the exact AR(1)
information from its textbook likelihood, and Monte-Carlo averages of s sᵀ with scipy's density.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
import sympy.stats as st
from scipy.stats import multivariate_normal

from symfisher import Model, derive
from symfisher.errors import ModelError


def full_covariance(k: int):
    xs = sp.symbols(f"x1:{k + 1}", real=True)
    mus = sp.symbols(f"mu1:{k + 1}", real=True)
    S = sp.Matrix(k, k, lambda i, j: sp.Symbol(f"s{min(i, j) + 1}{max(i, j) + 1}", positive=i == j, real=True))
    cov = [S[i, j] for i in range(k) for j in range(i, k)]
    return xs, list(mus), S, cov


def slepian_bangs(mean, S, params) -> sp.Matrix:
    """I_ij = ∂_iμᵀ Σ⁻¹ ∂_jμ + ½ tr(Σ⁻¹ ∂_iΣ Σ⁻¹ ∂_jΣ) with SymPy's inverse (the reference)."""
    mean, S = sp.Matrix(mean), sp.Matrix(S)
    P = S.inv()
    k = len(params)
    A = [P * S.diff(p) for p in params]
    return sp.Matrix(k, k, lambda i, j: (mean.diff(params[i]).T * P * mean.diff(params[j]))[0, 0]
                     + (A[i] * A[j]).trace() / 2)


def at_point(k: int, seed: int = 3) -> dict:
    """A positive definite Σ and a mean, as exact rationals."""
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(k, k))
    C = B @ B.T + k * np.eye(k)
    point = {sp.Symbol(f"s{i + 1}{j + 1}", positive=i == j, real=True): sp.Rational(round(C[i, j] * 1000), 1000)
             for i in range(k) for j in range(i, k)}
    point.update({sp.Symbol(f"mu{i + 1}", real=True): sp.Rational(i + 1, 3) for i in range(k)})
    return point


@pytest.mark.parametrize("k", [2, 3, pytest.param(4, marks=pytest.mark.slow)])
def test_full_symbolic_covariance_is_slepian_bangs(k):
    xs, mus, S, cov = full_covariance(k)
    params = [*mus, *cov]
    d = derive(Model.gaussian(mus, S, xs, params), timeout=120)
    assert len(params) == k + k * (k + 1) // 2
    assert d.equality.status == "proved"
    assert set(d.strategies[("fisher", i, j)] for i in range(len(params)) for j in range(i, len(params))) \
        == {"slepian-bangs"}
    point = at_point(k)
    expected = slepian_bangs(mus, S, params).xreplace(point)
    got = d.fisher.xreplace(point)
    assert max(abs(float(a - b)) for a, b in zip(got, expected)) < 1e-12
    assert d.blocks()[("mean", "mean")].xreplace(point) == S.inv().xreplace(point)
    assert d.blocks()[("mean", "covariance")].is_zero_matrix


def test_shared_parameter_in_mean_and_covariance():
    """N(θ·1, θ²I) in k = 3 dimensions: I(θ) = k/θ² (mean) + 2k/θ² (covariance) = 9/θ²."""
    theta = sp.Symbol("theta", positive=True)
    xs = sp.symbols("x1:4", real=True)
    d = derive(Model.gaussian([theta] * 3, theta**2 * sp.eye(3), xs, [theta]))
    assert sp.simplify(d.fisher[0, 0] - 9 / theta**2) == 0
    assert d.equality.status == "proved"
    assert d.model.param_groups == ()  # θ is in both: no mean/covariance split


def test_mean_and_variance_one_parameter():
    """N(θ1, θI) in k = 2: I = k/θ + k/(2θ²)."""
    theta = sp.Symbol("theta", positive=True)
    xs = sp.symbols("y1:3", real=True)
    d = derive(Model.gaussian([theta, theta], theta * sp.eye(2), xs, [theta]))
    assert sp.simplify(d.fisher[0, 0] - (2 / theta + 1 / theta**2)) == 0
    assert d.neg_expected_hessian == d.fisher


def ar1_information(n, phi, s2):
    """Exact information of n observations of the stationary Gaussian AR(1) x_t = φ x_{t−1} + ε_t, ε ~ N(0, σ²).

    From the exact likelihood (Box, Jenkins, Reinsel & Ljung, *Time Series Analysis*, 5th ed., §7.1;
    Brockwell & Davis, *Time Series: Theory and Methods*, §8.7):
    log L = −n/2 log σ² + ½ log(1 − φ²) − [(1 − φ²) x₁² + Σ_{t≥2} (x_t − φ x_{t−1})²] / (2σ²),
    and E[x_t²] = σ²/(1 − φ²): I_φφ = (n − 1)/(1 − φ²) + 2φ²/(1 − φ²)², I_φσ² = φ/(σ²(1 − φ²)),
    I_σ²σ² = n/(2σ⁴).
    """
    return sp.Matrix([[(n - 1) / (1 - phi**2) + 2 * phi**2 / (1 - phi**2)**2, phi / (s2 * (1 - phi**2))],
                      [phi / (s2 * (1 - phi**2)), n / (2 * s2**2)]])


def test_ar1_symbolic_exact_information():
    n = 4
    phi, s2 = sp.Symbol("phi", real=True), sp.Symbol("sigma2", positive=True)
    xs = sp.symbols(f"x1:{n + 1}", real=True)
    S = sp.Matrix(n, n, lambda i, j: s2 * phi**abs(i - j) / (1 - phi**2))
    d = derive(Model.gaussian(sp.zeros(n, 1), S, xs, [phi, s2], domain={phi: sp.Interval.open(-1, 1)}), timeout=60)
    assert (d.fisher - ar1_information(n, phi, s2)).applyfunc(sp.simplify).is_zero_matrix
    assert d.equality.status == "proved"


def ar1_kernel(n):
    i, j = sp.symbols("i j", integer=True)
    phi, s2 = sp.Symbol("phi", real=True), sp.Symbol("sigma2", positive=True)
    return sp.FunctionMatrix(n, n, sp.Lambda((i, j), s2 * phi**sp.Abs(i - j) / (1 - phi**2))), phi, s2


def test_ar1_matrix_form_against_exact_information():
    n = 60
    K, phi, s2 = ar1_kernel(n)
    xs = sp.symbols(f"x1:{n + 1}", real=True)
    d = derive(Model.gaussian(sp.zeros(n, 1), K, xs, [phi, s2], domain={phi: sp.Interval.open(-1, 1)}))
    assert d.model.gaussian_structure.form == "matrix"
    assert d.equality.status == "proved"
    assert d.fisher[0, 0].has(sp.Trace)  # Σ⁻¹ kept as a matrix expression
    num = d.lambdify()
    phis, s2s = np.array([-0.6, 0.1, 0.8]), np.array([0.5, 1.0, 2.5])
    got = num.fisher(phis, s2s)
    assert got.shape == (3, 2, 2)
    for m, (p, v) in enumerate(zip(phis, s2s)):
        exact = np.array(ar1_information(n, sp.Float(p), sp.Float(v)).tolist(), dtype=float)
        np.testing.assert_allclose(got[m], exact, rtol=1e-9)
    np.testing.assert_allclose(num.neg_expected_hessian(phis, s2s), got, rtol=1e-12)


def gp_model(t: np.ndarray):
    n = len(t)
    i, j = sp.symbols("i j", integer=True)
    v, ell, tau = sp.Symbol("v", positive=True), sp.Symbol("ell", positive=True), sp.Symbol("tau2", positive=True)
    T = sp.ImmutableDenseNDimArray([sp.Float(float(x)) for x in t])
    K = sp.FunctionMatrix(n, n, sp.Lambda((i, j), v * sp.exp(-(T[i] - T[j])**2 / (2 * ell**2))
                                          + tau * sp.KroneckerDelta(i, j)))
    xs = sp.symbols(f"x1:{n + 1}", real=True)
    return Model.gaussian(sp.zeros(n, 1), K, xs, [v, ell, tau], name="gp")


def se_kernel(t, v, ell, tau):
    return v * np.exp(-(t[:, None] - t[None, :])**2 / (2 * ell**2)) + tau * np.eye(len(t))


def test_gaussian_process_against_finite_differences_and_monte_carlo():
    t = np.sort(np.random.default_rng(0).uniform(0, 6, 25))
    d = derive(gp_model(t))
    num = d.lambdify()
    assert num.solved == ("a Σ + b I", "sygst", "a Σ + b I")
    theta = np.array([1.3, 0.8, 0.3])
    got = num.fisher(*theta)
    # reference: explicit inverse and central differences of Σ (independent of the library)
    S, h = se_kernel(t, *theta), 1e-6
    dS = [(se_kernel(t, *(theta + h * e)) - se_kernel(t, *(theta - h * e))) / (2 * h) for e in np.eye(3)]
    Si = np.linalg.inv(S)
    ref = np.array([[0.5 * np.trace(Si @ a @ Si @ b) for b in dS] for a in dS])
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    # Monte Carlo: E[s sᵀ] with s by central differences of scipy's log-density
    rng = np.random.default_rng(1)
    x = rng.multivariate_normal(np.zeros(len(t)), S, size=4000)
    eps = 1e-5
    s = np.stack([(multivariate_normal(cov=se_kernel(t, *(theta + eps * e))).logpdf(x)
                   - multivariate_normal(cov=se_kernel(t, *(theta - eps * e))).logpdf(x)) / (2 * eps)
                  for e in np.eye(3)], axis=-1)
    mc = s.T @ s / len(x)
    assert np.all(np.abs(mc - got) <= 0.12 * np.sqrt(np.outer(np.diag(got), np.diag(got))))
    np.testing.assert_allclose(num.logpdf(x[:3], *theta), multivariate_normal(cov=S).logpdf(x[:3]), rtol=1e-10)


def test_from_stats_multivariate_normal():
    m1, m2 = sp.symbols("m1 m2", real=True)
    s = sp.Symbol("s", positive=True)
    d = derive(Model.from_stats(st.MultivariateNormal("X", [m1, m2], [[s, s / 2], [s / 2, s]]), [m1, m2, s]))
    expected = slepian_bangs([m1, m2], [[s, s / 2], [s / 2, s]], [m1, m2, s])
    assert (d.fisher - expected).applyfunc(sp.simplify).is_zero_matrix
    assert d.equality.status == "proved" and d.model.name == "MultivariateNormal"


def _bivariate_normal_written_out():
    """The bivariate normal density written out in (m1, m2, s1, s2, ρ): the model and its symbols."""
    x, y, m1, m2, rho = sp.symbols("x y m1 m2 rho", real=True)
    s1, s2 = sp.symbols("s1 s2", positive=True)
    z = (x - m1)**2 / s1**2 - 2 * rho * (x - m1) * (y - m2) / (s1 * s2) + (y - m2)**2 / s2**2
    pdf = sp.exp(-z / (2 * (1 - rho**2))) / (2 * sp.pi * s1 * s2 * sp.sqrt(1 - rho**2))
    model = Model.from_pdf(pdf, (x, y), [m1, m2, s1, s2, rho], {x: sp.S.Reals, y: sp.S.Reals},
                           domain={rho: sp.Interval.open(-1, 1)})
    return model, (x, y, m1, m2, s1, s2, rho)


def test_bivariate_normal_written_out_is_recognised():
    model, (x, y, m1, m2, s1, s2, rho) = _bivariate_normal_written_out()
    d = derive(model)
    assert d.strategies[("fisher", 2, 4)] == "slepian-bangs" and d.equality.status == "proved"
    S = sp.Matrix([[s1**2, rho * s1 * s2], [rho * s1 * s2, s2**2]])
    expected = slepian_bangs([m1, m2], S, [m1, m2, s1, s2, rho])
    point = {m1: 0, m2: 1, s1: sp.Rational(3, 2), s2: sp.Rational(1, 3), rho: sp.Rational(-2, 7)}
    assert (d.fisher - expected).xreplace(point).applyfunc(sp.nsimplify).is_zero_matrix
    # the famous entry: I_ρρ = (1 + ρ²)/(1 − ρ²)²
    assert sp.simplify(d.fisher[4, 4] - (1 + rho**2) / (1 - rho**2)**2) == 0


def test_param_groups_blocks_and_output():
    x1, x2, m = sp.symbols("x1 x2 m", real=True)
    s = sp.Symbol("s", positive=True)
    d = derive(Model.gaussian([m, m], [[s, 0], [0, s]], [x1, x2], [m, s]))
    assert d.blocks() == {("mean", "mean"): sp.Matrix([[2 / s]]), ("mean", "covariance"): sp.Matrix([[0]]),
                          ("covariance", "mean"): sp.Matrix([[0]]), ("covariance", "covariance"): sp.Matrix([[s**-2]])}
    assert "I[mean, covariance] =" in str(d) and repr(d).endswith("blocks mean(1), covariance(1))")
    assert r"\mathcal{I}_{\text{covariance},\,\text{covariance}}" in d.to_latex(document=False)
    regrouped = d.model.with_param_groups({"all": [m, s]})
    assert derive(regrouped).blocks()[("all", "all")] == d.fisher


@pytest.mark.parametrize("groups, message", [
    ({"a": ["m"]}, r"^param group 'a' must be SymPy Symbols, got 'm' of type str$"),
    ({"a": [sp.Symbol("m", real=True)]}, r"^model gaussian: parameter s is in no group; param_groups must cover θ$"),
])
def test_bad_param_groups(groups, message):
    x1, x2, m = sp.symbols("x1 x2 m", real=True)
    s = sp.Symbol("s", positive=True)
    with pytest.raises(ModelError, match=message):
        Model.gaussian([m, m], [[s, 0], [0, s]], [x1, x2], [m, s], param_groups=groups)


def test_bad_covariances_are_refused_in_one_line():
    x1, x2, m = sp.symbols("x1 x2 m", real=True)
    s, t = sp.symbols("s t", positive=True)
    with pytest.raises(ModelError, match=r"^model gaussian: the covariance is not symmetric: entry \(1,2\) is s but "
                                         r"entry \(2,1\) is t \(they differ at .*\)$"):
        Model.gaussian([m, m], [[s, s], [t, s]], [x1, x2], [m, s, t])
    with pytest.raises(ModelError, match=r"^model gaussian: the covariance is not positive definite at m = .*, "
                                         r"s = .* \(smallest eigenvalue -.*\)$"):
        Model.gaussian([m, m], [[s, 2 * s], [2 * s, s]], [x1, x2], [m, s])
    with pytest.raises(ModelError, match=r"^model gaussian: the covariance must be 2×2 for 2 data symbols, got shape 3×3$"):
        Model.gaussian([m, m], s * sp.eye(3), [x1, x2], [m, s])
    with pytest.raises(ModelError, match=r"^model gaussian: the mean must be a vector of length 2 \(one entry per data "
                                         r"symbol\), got shape 3×1$"):
        Model.gaussian([m, m, m], s * sp.eye(2), [x1, x2], [m, s])
    # a kernel that is not positive definite (e^{+d²}) at a sampled point
    n = 12
    i, j = sp.symbols("i j", integer=True)
    K = sp.FunctionMatrix(n, n, sp.Lambda((i, j), s * sp.exp((i - j)**2 / 10)))
    with pytest.raises(ModelError, match=r"^model gaussian: the covariance is not positive definite at s = .*$"):
        Model.gaussian(sp.zeros(n, 1), K, sp.symbols(f"x1:{n + 1}", real=True), [s])


def _agree_at_point(d, point, rows=None) -> None:
    """The score and Hessian of the result equal ∂ log p and ∂² log p of the model's log-density at a point
    (the data substituted first; Hessian rows ``rows``, all by default)."""
    model = d.model
    logpdf = model.logpdf.xreplace({x: v for x, v in point.items() if x in model.data})
    for i, p in enumerate(model.params):
        s = sp.diff(logpdf, p)
        assert sp.nsimplify(d.score[i].xreplace(point) - s.xreplace(point)) == 0, p
        if rows is not None and i not in rows:
            continue
        for j in range(i, len(model.params)):
            h = sp.diff(s, model.params[j]).xreplace(point)
            assert sp.nsimplify(d.hessian[i, j].xreplace(point) - h) == 0, (p, model.params[j])


def test_score_and_hessian_from_the_structure_are_the_derivatives():
    """Full covariance k = 3 (9 parameters): s and H written in adj Σ / det Σ, not by differentiating log p."""
    xs, mus, S, cov = full_covariance(3)
    d = derive(Model.gaussian(mus, S, xs, [*mus, *cov]), timeout=60)
    point = at_point(3)
    point.update({x: sp.Rational(2 * a - 1, 5) for a, x in enumerate(xs)})
    _agree_at_point(d, point, rows=(0, 3, 4, 8))  # μ₁, s₁₁, s₁₂, s₃₃ against every parameter
    assert d.equality.status == "proved"
    # every entry is one sum over a power of det Σ: I[s11, s11] = (adj Σ)_11² / (2 det² Σ)
    det = sp.factor(S.det())
    assert sp.expand(d.fisher[3, 3] * 2 * det**2 - S.adjugate()[0, 0]**2) == 0


def test_precision_form_score_and_hessian():
    """The bivariate normal written out (5 parameters, precision form): s and H from the structure."""
    model, (x, y, m1, m2, s1, s2, rho) = _bivariate_normal_written_out()
    d = derive(model)
    point = {m1: sp.Rational(1, 3), m2: -1, s1: sp.Rational(3, 2), s2: sp.Rational(2, 3), rho: sp.Rational(-2, 7),
             x: sp.Rational(1, 5), y: sp.Rational(7, 4)}
    _agree_at_point(d, point)
