"""Strategy "gaussian-tail" (strategies/gaussian_tail.py): R(x)·exp(−a x² + b x + c) on a half-line (or a bounded interval), R rational with
poles only at the vertex b/(2a), as incomplete Gamma functions (erfc, E₁) of the vertex's distance to the end."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import model, same, strategy
from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.strategies.gaussian_tail import interval_integral, tail_integral, upper_gamma

t = sp.Symbol("t", positive=True)
xr = sp.Symbol("x", real=True)
alpha, beta = sp.symbols("alpha beta", positive=True)
mu = sp.Symbol("mu", real=True)
BENINI_T = (alpha + 2 * beta * t) * sp.exp(-alpha * t - beta * t**2)  # the Benini law in t = log(x/σ), on (0, ∞)
POINT = {alpha: sp.Rational(13, 10), beta: sp.Rational(7, 10)}


def _sign(e: sp.Expr) -> int:
    return 1 if e.is_positive else -1 if e.is_negative else 0


def _quad(f, lo=0, hi=mpmath.inf) -> float:
    return float(mpmath.quad(sp.lambdify(t, f, "mpmath"), [lo, hi]))


@pytest.mark.parametrize("s", [sp.Rational(n, 2) for n in range(-3, 6)])
def test_upper_gamma_agrees_with_mpmath(s):
    z = sp.Rational(7, 5)
    assert float(upper_gamma(s, z)) == pytest.approx(float(mpmath.gammainc(s, z)), rel=1e-13)
    assert not upper_gamma(s, z).has(sp.uppergamma, sp.erf)


@pytest.mark.parametrize("g, expected", [
    pytest.param(sp.Integer(1), sp.Integer(1), id="normalized"),
    pytest.param(t, sp.sqrt(sp.pi / beta) / 2 * sp.exp(alpha**2 / (4 * beta)) * sp.erfc(alpha / (2 * sp.sqrt(beta))),
                 id="mean-erfc"),  # by parts: E[t] = ∫ e^{−αt−βt²} dt
    pytest.param(1 / (alpha + 2 * beta * t) ** 2,
                 sp.exp(alpha**2 / (4 * beta)) * sp.expint(1, alpha**2 / (4 * beta)) / (4 * beta), id="E1"),
    pytest.param(t**2, None, id="second-moment"),
    pytest.param(t / (alpha + 2 * beta * t), None, id="pole-and-power"),
])
def test_the_benini_law_in_log_scale(g, expected):
    value, vertex = tail_integral(g * BENINI_T, t, sp.S.Zero, _sign)
    assert vertex == -alpha / (2 * beta)
    if expected is not None:
        assert same(value, expected)
    assert float(value.subs(POINT)) == pytest.approx(_quad((g * BENINI_T).subs(POINT)), rel=1e-12)


@pytest.mark.parametrize("integrand, lo", [
    pytest.param(t**2 * sp.exp(-(t - 2) ** 2 / 2), 0, id="vertex-inside-the-interval"),  # v₀ = −2: Γ + γ
    pytest.param(t**3 * sp.exp(-t**2), 0, id="vertex-at-the-end"),
    pytest.param(sp.exp(-t**2 + t) / (2 * t - 1) ** 3, 1, id="a-pole-at-the-vertex-outside"),  # vertex ½ < 1
])
def test_ends_on_each_side_of_the_vertex(integrand, lo):
    value, _ = tail_integral(integrand, t, sp.sympify(lo), _sign)
    assert float(value) == pytest.approx(_quad(integrand, lo), rel=1e-12)


@pytest.mark.parametrize("integrand, lo", [
    pytest.param(sp.exp(-t**2) / (1 + t), 0, id="a-pole-away-from-the-vertex"),
    pytest.param(sp.exp(-(t - mu) ** 2) / (t - mu), 0, id="a-pole-at-a-vertex-of-unknown-side"),
    pytest.param(sp.exp(-t**3), 0, id="a-cubic-exponent"),
    pytest.param(sp.exp(t**2 - t), 0, id="a-growing-exponent"),
    pytest.param(sp.exp(-(t - 2) ** 2) / (t - 2), 0, id="a-pole-inside"),
    pytest.param(sp.exp(-t**2) * sp.log(t), 0, id="a-logarithm"),
])
def test_it_declines(integrand, lo):
    assert tail_integral(integrand, t, sp.sympify(lo), _sign) is None


def test_nonnegative_powers_hold_on_either_side_of_the_vertex():
    """E[X³] under the normal law N(μ, 1) truncated to (0, ∞), μ of either sign: one formula in erfc(−μ/√2)."""
    value, vertex = tail_integral(t**3 * sp.exp(-(t - mu) ** 2 / 2), t, sp.S.Zero, _sign)
    assert vertex == mu and value.has(sp.erfc)
    for m in (-1.5, 0.0, 2.25):
        assert float(value.subs(mu, m)) == pytest.approx(_quad((t**3 * sp.exp(-(t - mu) ** 2 / 2)).subs(mu, m)),
                                                         rel=1e-12)


def test_a_support_that_ends_on_the_right_is_mirrored():
    """E[X] = −σ√(2/π) for the half-normal law on (−∞, 0); its vertex is the end."""
    sigma = sp.Symbol("sigma", positive=True)
    m = model(sp.sqrt(2 / sp.pi) / sigma * sp.exp(-xr**2 / (2 * sigma**2)), xr, [sigma], sp.Interval.open(-sp.oo, 0),
              "half-normal-left")
    ctx = Context.of(m)
    r = strategy("atom", "gaussian-tail")(Engine(ctx, Budget.of(10), Config()), ctx.data[0])
    assert r.strategies == ("gaussian-tail",) and r.detail.rule == "gaussian-tail"
    assert same(r.value, -sigma * sp.sqrt(2 / sp.pi))


@pytest.mark.parametrize("integrand, lo, hi", [
    pytest.param(t**2 * sp.exp(-(t - 2) ** 2 / 2), 0, 3, id="vertex-inside"),
    pytest.param(sp.exp(-t**2 + 3 * t), 2, 5, id="vertex-below"),
    pytest.param(t**3 * sp.exp(-t**2), sp.Rational(1, 2), 1, id="odd-power"),
    pytest.param(sp.exp(-t**2 + t) / (2 * t - 1) ** 2, 1, 2, id="a-pole-below-the-interval"),
    pytest.param(sp.exp(-t**2 + t) / (2 * t - 1) ** 2, -3, -1, id="a-pole-above-the-interval-mirrored"),
])
def test_a_bounded_interval_is_the_difference_of_two_tails(integrand, lo, hi):
    """∫_l^h = ∫_l^∞ − ∫_h^∞, in erf differences (the truncated normal; Huber's Gaussian centre)."""
    value = interval_integral(integrand, t, sp.sympify(lo), sp.sympify(hi), _sign)
    assert not value.has(sp.erfc)
    assert float(value) == pytest.approx(_quad(integrand, lo, hi), rel=1e-12)


@pytest.mark.parametrize("power", [0, 1, 3])
def test_a_linear_exponent_on_a_bounded_interval_is_integrated_by_parts(power):
    """∫₀¹ uᵏ e^{(μ − 1)u} du for μ < 1 (the truncated Laplace law's pieces): e^{bu}·Σ (−1)^j (uᵏ)⁽ʲ⁾/b^{j+1} at the ends,
    as SymPy integrates it, with no error function."""
    u, m = sp.Symbol("u", positive=True), sp.Symbol("m", real=True)
    integrand = (m + 1) * u**power * sp.exp((m - 1) * u)
    value = interval_integral(integrand, u, sp.S.Zero, sp.S.One, lambda e: -1 if sp.simplify(e - (m - 1)) == 0 else 0)
    assert value is not None and not value.has(sp.erf, sp.Integral)
    assert sp.simplify(value - sp.integrate(integrand, (u, 0, 1), conds="none")) == 0
    assert float(value.subs(m, sp.Rational(3, 10))) == pytest.approx(
        float(mpmath.quad(lambda v: 1.3 * v**power * mpmath.exp(-0.7 * v), [0, 1])), rel=1e-13)


def test_a_linear_exponent_of_unknown_sign_is_declined():
    u, b = sp.Symbol("u", positive=True), sp.Symbol("b", real=True)
    assert interval_integral(u * sp.exp(b * u), u, sp.S.Zero, sp.S.One, lambda e: 0) is None


def test_a_bounded_interval_declines_a_pole_inside():
    assert interval_integral(sp.exp(-t**2) / (t - 1), t, sp.S.Zero, sp.S(2), _sign) is None


def test_the_truncated_normal_on_a_bounded_interval():
    """E[X²] of N(μ, 1) truncated to (−1, 2): the strategy on the model, value against quadrature at two means."""
    body = sp.exp(-(xr - mu) ** 2 / 2)
    mass = sp.sqrt(sp.pi / 2) * (sp.erf((2 - mu) / sp.sqrt(2)) - sp.erf((-1 - mu) / sp.sqrt(2)))
    m = model(body / mass, xr, [mu], sp.Interval.open(-1, 2), "truncated-normal")
    ctx = Context.of(m)
    X = ctx.data[0]
    r = strategy("atom", "gaussian-tail")(Engine(ctx, Budget.of(10), Config()), X**2)
    assert r is not None and "both ends" in str(r.detail)
    for m_ in (-0.4, 1.3):
        num = mpmath.quad(lambda v: v**2 * mpmath.exp(-(v - m_) ** 2 / 2), [-1, 2]) / float(mass.subs(mu, m_))
        assert float(r.value.subs(mu, m_)) == pytest.approx(float(num), rel=1e-12)


def test_hyperbolic_functions_become_a_sum_of_tails():
    """The noncentral χ law with 3 degrees of freedom, √(2/π) x sinh(λx) e^{−(x² + λ²)/2}/λ on (0, ∞) (its mean score
    holds x coth(λx)): E[X coth(λX)] = (λ² + 1)/λ, two tails with vertices at ±λ; E[X³ coth(λX)] against quadrature."""
    lam, x = sp.Symbol("lamda", positive=True), sp.Symbol("x", positive=True)
    m = model(sp.sqrt(2 / sp.pi) * x * sp.sinh(lam * x) * sp.exp(-(x**2 + lam**2) / 2) / lam, x, [lam],
              sp.Interval.open(0, sp.oo), "noncentral-chi-3")
    ctx = Context.of(m)
    X = ctx.data[0]
    engine = Engine(ctx, Budget.of(10), Config())
    r = strategy("atom", "gaussian-tail")(engine, X * sp.coth(lam * X))
    assert same(r.value, (lam**2 + 1) / lam)
    assert str(r.detail).startswith("a sum of exponentials of quadratics in X with their vertices at X = ")
    cubed = strategy("atom", "gaussian-tail")(engine, X**3 * sp.coth(lam * X))
    integrand = sp.lambdify(x, (x**3 * sp.coth(x) * m.density).subs(lam, 1), "mpmath")
    assert float(cubed.value.subs(lam, 1)) == pytest.approx(float(mpmath.quad(integrand, [0, mpmath.inf])), rel=1e-12)


def test_a_hyperbolic_function_that_is_no_sum_of_exponentials_is_declined():
    """tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ) is a quotient: no sum of R·e^Q, so no value."""
    assert tail_integral(sp.tanh(t) * sp.exp(-t**2), t, sp.S.Zero, _sign) is None
