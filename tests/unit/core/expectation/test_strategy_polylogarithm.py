"""Strategy "polylogarithm" (strategies/polylog.py): a polynomial in x times a rational function of e^{−λx} on a
half-line or ℝ (a polynomial in log x times a rational function of x on (0, 1)), by partial fractions in u = e^{−λx}
and ∫₀¹ logᵏu (1 + cu)^{−m} du in polylogarithms."""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp
from scipy.integrate import quad

import symfisher as sf
from _strategy_cases import model, same, sigma, strategy
from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.strategies.polylog import _C, integral, log_power_integral

y = sp.Symbol("y", positive=True)
yr = sp.Symbol("y", real=True)
a = sp.Symbol("a", positive=True)
lam = sp.Symbol("lambda", positive=True)
HALF_LOGISTIC = 2 * sp.exp(-y) / (1 + sp.exp(-y)) ** 2  # on (0, ∞)


def _positive(e: sp.Expr) -> bool:
    return bool(e.is_positive)


def _quad(f, lo, hi) -> float:
    return float(mpmath.quad(sp.lambdify(y, f, "mpmath"), [lo, hi]))


@pytest.mark.parametrize("k, m, c", [(0, 1, 3), (2, 1, 1), (2, 2, 1), (2, 4, 1), (1, 3, sp.Rational(-1, 2)),
                                     (3, 2, sp.Rational(1, 3)), (1, 2, sp.Rational(-9, 10))])
def test_the_kernel_agrees_with_quadrature(k, m, c):
    value = sp.N(log_power_integral(k, m).subs(_C, c), 30)
    numeric = mpmath.quad(lambda u: mpmath.log(u) ** k / (1 + c * u) ** m, [0, 1])
    assert float(value) == pytest.approx(float(numeric), rel=1e-12)


@pytest.mark.parametrize("integrand, expected", [
    pytest.param(y * HALF_LOGISTIC, 2 * sp.log(2), id="half-logistic-mean"),
    pytest.param(y**2 * sp.exp(y) / (sp.exp(y) + 1) ** 2 * HALF_LOGISTIC, sp.pi**2 / 18 - sp.Rational(1, 3),
                 id="half-logistic-atom"),
    pytest.param(y * sp.exp(-3 * y / 2) / (1 + sp.exp(-y / 2)) ** 2, None, id="rates-3/2-and-1/2"),
    pytest.param(y**3 / (sp.exp(y) - 1), sp.pi**4 / 15, id="bose-einstein"),  # Γ(4)ζ(4)
])
def test_half_line_integrals(integrand, expected):
    value, change = integral(integrand, y, sp.S.Zero, sp.oo, _positive)
    if expected is not None:
        assert same(value, expected)
    assert float(value) == pytest.approx(_quad(integrand, 0, mpmath.inf), rel=1e-12)
    assert change.has(sp.exp)


def test_on_the_real_line_each_half_is_mapped():
    value, _ = integral(yr**2 * sp.exp(-yr) / (1 + sp.exp(-yr)) ** 2, yr, -sp.oo, sp.oo, _positive)
    assert same(value, sp.pi**2 / 3)  # the standard logistic law's variance


def test_an_integrand_even_in_u_is_taken_in_u_squared():
    """sech²(x/2)/4, the logistic density written with a hyperbolic function: the common rate ½ gives 1 + u² with
    u = e^{−x/2}; in w = u² = e^{−x} the factor is 1 + w."""
    value, change = integral((yr**2 * sp.sech(yr / 2) ** 2 / 4).rewrite(sp.exp), yr, -sp.oo, sp.oo, _positive)
    assert same(value, sp.pi**2 / 3) and change == sp.exp(-yr)


@pytest.mark.parametrize("integrand, expected", [
    pytest.param(sp.log(y) / (1 + y**2), -sp.Catalan, id="catalan"),  # Li₂(±i) = −π²/48 ± iG
    pytest.param(sp.log(y) ** 2 / (1 + y**2), sp.pi**3 / 16, id="dirichlet-beta-3"),  # Li₃(±i): β(3) = π³/32
])
def test_conjugate_roots_give_real_values(integrand, expected):
    value, _ = integral(integrand, y, sp.S.Zero, sp.S.One, _positive)
    assert same(value, expected)


def test_an_order_without_a_closed_dirichlet_beta_declines():
    """∫₀¹ log³u/(1 + u²)² du needs Im Li₄(i) = β(4), which has no closed form."""
    assert integral(sp.log(y) ** 3 / (1 + y**2) ** 2, y, sp.S.Zero, sp.S.One, _positive) is None


def test_the_hyperbolic_secant_law_closes():
    """sech(π(x − μ)/(2σ))/(2σ): 1 + u² with u = e^{−πx/2σ} splits over ±i; I(μ, σ) = diag(π²/8, π²/8)/σ², proved,
    and E[Y tanh(πY/2) sech(πY/2)/2] = 2/π (against quadrature)."""
    f = (yr * sp.tanh(sp.pi * yr / 2) * sp.sech(sp.pi * yr / 2) / 2).rewrite(sp.exp)
    value, _ = integral(f, yr, -sp.oo, sp.oo, _positive)
    assert same(value, 2 / sp.pi)
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("s", positive=True)
    m = sf.Model.from_pdf(sp.sech(sp.pi * (yr - mu) / (2 * s)) / (2 * s), yr, [mu, s], sp.Reals, name="hyperbolic-secant")
    # the strategies' time limits scaled by 4: beside the parallel suite the derivation failed once in each of the
    # last two local CI-style runs (passing on its rerun), which is about the strategy, not about its speed
    d = sf.derive(m, timeout=60, config=sf.Config.defaults().merge(entry_timeout=30.0, open_timeout=30.0,
                                                                   try_scale=4.0))
    # by value at points: the form depends on how far the time-limited tidying got (CI's parallel part once cut it,
    # twice), and simplify on an untidied form had taken 80 s in CI before it failed
    assert d.closed and d.equality.status == "proved"
    expected = sp.diag(sp.pi**2 / (8 * s**2), sp.pi**2 / (8 * s**2))
    for point in ({mu: sp.Rational(-3, 7), s: sp.Rational(5, 4)}, {mu: sp.Rational(19, 3), s: sp.Rational(2, 9)}):
        got, want = d.fisher.subs(point).evalf(30), expected.subs(point).evalf(30)
        assert all(abs(g - w) <= 1e-25 * abs(w) + 1e-25 for g, w in zip(got, want)), (point, got)


def test_on_the_unit_interval_logarithms_are_the_powers():
    value, change = integral(sp.log(y) ** 2 / (1 + y) ** 2, y, sp.S.Zero, sp.S.One, _positive)
    assert same(value, sp.pi**2 / 6) and change == y


def test_a_parameter_in_the_linear_factor_keeps_its_polylogarithm():
    """The exponential-logarithmic law's E[X² e^{−2λX}/(1 − (1 − a)e^{−λX})²]: c = a − 1 > −1 because a > 0."""
    density = lam * (1 - a) * sp.exp(-lam * y) / (-sp.log(a) * (1 - (1 - a) * sp.exp(-lam * y)))
    g = y**2 * sp.exp(-2 * lam * y) / (1 - (1 - a) * sp.exp(-lam * y)) ** 2
    value, _ = integral(g * density, y, sp.S.Zero, sp.oo, _positive)
    assert value.has(sp.polylog)
    point = {a: sp.Rational(3, 10), lam: sp.Rational(7, 5)}
    assert float(value.subs(point)) == pytest.approx(_quad((g * density).subs(point), 0, mpmath.inf), rel=1e-10)


@pytest.mark.parametrize("integrand, lo, hi", [
    pytest.param(y**2 * sp.exp(-y), 0, sp.oo, id="a-Gamma-integral-is-left-to-euler"),
    pytest.param(y * sp.exp(-y) / (1 + sp.exp(-sp.sqrt(2) * y)), 0, sp.oo, id="rates-without-a-common-lambda"),
    pytest.param(sp.exp(-y) / (1 + sp.exp(-y) + sp.exp(-2 * y)), 0, sp.oo, id="a-quadratic-factor"),
    pytest.param(sp.log(y) ** 2 / (1 - 2 * y) ** 2, 0, 1, id="a-pole-inside-the-interval"),
    pytest.param(sp.log(y) / (1 - y) ** 2, 0, 1, id="a-pole-at-1-not-cancelled"),
    pytest.param(y * sp.exp(y) / (1 + sp.exp(-y)), 0, sp.oo, id="a-pole-at-u-0-diverges"),
    pytest.param(sp.exp(-y**2) / (1 + sp.exp(-y)), 0, sp.oo, id="a-quadratic-exponent"),
    pytest.param(sp.log(y) / (1 + y), 0, 2, id="another-interval"),
    pytest.param(sp.log(sp.Symbol("c", real=True) * y) ** 2 / (1 + y), 0, 1, id="log-of-a-product-of-unknown-sign"),
])
def test_it_declines(integrand, lo, hi):
    assert integral(integrand, y, sp.sympify(lo), hi, _positive) is None


def test_the_atom_strategy_spot_checks_and_records_the_change():
    m = model(HALF_LOGISTIC.subs(y, y / sigma) / sigma, y, [sigma], sp.Interval.open(0, sp.oo), "half-logistic")
    ctx = Context.of(m)
    r = strategy("atom", "polylogarithm")(Engine(ctx, Budget.of(10), Config()), ctx.data[0])
    assert same(r.value, 2 * sigma * sp.log(2)) and r.strategies == ("polylogarithm",)
    assert "partial fractions in" in r.detail and r.detail.rule == "polylogarithm"


def test_the_half_logistic_law_closes():
    """I(σ) = (π² + 3)/(9σ²) for the half-logistic law 2e^{−x/σ}/(σ(1 + e^{−x/σ})²); the equality is proved."""
    x = sp.Symbol("x", positive=True)
    m = sf.Model.from_pdf(2 * sp.exp(-x / sigma) / (sigma * (1 + sp.exp(-x / sigma)) ** 2), x, [sigma],
                          sp.Interval.open(0, sp.oo), name="half-logistic")
    d = sf.derive(m, timeout=30)
    assert d.fisher == sp.Matrix([[(sp.pi**2 + 3) / (9 * sigma**2)]])
    assert d.equality.status == "proved" and "polylogarithm" in d.strategies[("fisher", 0, 0)]
    score = sp.lambdify(x, sp.diff(m.logpdf, sigma).subs(sigma, 1) ** 2 * m.density.subs(sigma, 1))
    assert float((sp.pi**2 + 3) / 9) == pytest.approx(quad(score, 0, math.inf)[0], rel=1e-10)


@pytest.mark.slow
def test_the_exponential_logarithmic_law_closes():
    """Tahmasbi & Rezaei (2008), CSDA 52: I_λλ = −dilog(p)/(λ² log p) with Maple's dilog(p) = Li₂(1 − p); every entry
    against quadrature."""
    x = sp.Symbol("x", positive=True)
    density = -(1 - a) * lam * sp.exp(-lam * x) / (sp.log(a) * (1 - (1 - a) * sp.exp(-lam * x)))
    m = sf.Model.from_pdf(density, x, [lam, a], sp.Interval.open(0, sp.oo), name="exponential-logarithmic",
                          domain={a: sp.Interval.open(0, 1)})
    d = sf.derive(m, timeout=30)
    assert d.closed and d.equality.status == "proved"
    assert same(d.fisher[0, 0], -sp.polylog(2, 1 - a) / (lam**2 * sp.log(a)))
    point = {lam: 1.3, a: 0.35}
    s = [sp.lambdify(x, sp.diff(m.logpdf, t).subs(point)) for t in (lam, a)]
    p = sp.lambdify(x, density.subs(point))
    for i in range(2):
        for j in range(2):
            numeric = quad(lambda v: s[i](v) * s[j](v) * p(v), 0, math.inf)[0]
            assert float(d.fisher[i, j].subs(point)) == pytest.approx(numeric, rel=1e-9)


def test_the_marshall_olkin_weibull_information_about_alpha():
    """Survival αS/(1 − (1 − α)S) for the Weibull survival S = e^{−(x/λ)^k} (Marshall & Olkin 1997, Biometrika 84):
    in u = (x/λ)^k the score about α is a rational function of e^{−u}, and E[s_α²] = 1/(3α²), free of k and λ (its
    entries about k and λ have no closed form; derive proves the equality at the ends of the support). Checked against
    quadrature at a point."""
    xp, alpha, k = sp.Symbol("x", positive=True), sp.Symbol("alpha", positive=True), sp.Symbol("k", positive=True)
    survival = sp.exp(-(xp / lam) ** k)
    m = model(sp.diff(-alpha * survival / (1 - (1 - alpha) * survival), xp), xp, [alpha, k, lam],
              sp.Interval.open(0, sp.oo), "marshall-olkin-weibull")
    engine = Engine(Context.of(m), Budget.of(60), Config(entry_timeout=30.0))
    score = sp.diff(engine.ctx.logpdf, alpha)
    r = engine.expect(score**2)
    assert r.closed and "polylogarithm" in r.strategies
    assert same(r.value.xreplace(dict(engine.ctx.to_user)), 1 / (3 * alpha**2))
    point = {alpha: 1.5, k: 1.2, lam: 0.7}
    s_a = sp.lambdify(xp, sp.diff(m.logpdf, alpha).subs(point))
    p = sp.lambdify(xp, m.density.subs(point))
    assert quad(lambda t: s_a(t) ** 2 * p(t), 0, 40, epsabs=1e-13, limit=200)[0] == pytest.approx(1 / 6.75, rel=1e-9)
