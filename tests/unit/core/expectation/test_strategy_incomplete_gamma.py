"""Strategy "incomplete-gamma" (strategies/incomplete_gamma.py): Σ C·uˢ·logᵏu·e^{−ηu} on (a, ∞) or (0, a), a > 0, as
derivatives in s of incomplete Gamma functions: exponential integrals, and ₘFₘ(1, …; 2, …; −aη) from m = 3 on."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import model, same, strategy
from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.strategies.incomplete_gamma import (
    base_order,
    incomplete_gamma_integral,
    log_power_terms,
    order_derivative,
    series,
    stieltjes_integral,
    stieltjes_terms,
)

u = sp.Symbol("u", positive=True)
eta, a = sp.symbols("eta a", positive=True)
GOMPERTZ_U = eta * sp.exp(eta * (1 - u))  # the Gompertz law in u = e^{bx}, on (1, ∞)
POINT = {eta: sp.Rational(7, 10), a: sp.Rational(9, 4)}


def _sign(e: sp.Expr) -> int:
    return 1 if e.is_positive else -1 if e.is_negative else 0


def _quad(f: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> float:
    """At 30 digits: a logarithm times u^{−1/2} at 0 costs double precision its last eight."""
    with mpmath.workdps(30):
        ends = [mpmath.mpf(str(e.subs(POINT).evalf(35))) if e is not sp.oo else mpmath.inf for e in (lo, hi)]
        return float(mpmath.quad(sp.lambdify(u, f.subs(POINT), "mpmath"), ends))


@pytest.mark.parametrize("m, j", [(0, 0), (1, 0), (2, 0), (3, 0), (1, 2), (2, 1), (3, 1), (3, 2), (4, 1)])
def test_series_agrees_with_its_definition(m, j):
    z = sp.Rational(13, 10)
    direct = mpmath.nsum(lambda n: (-1.3) ** n / (mpmath.factorial(n) * (n + j + 1) ** m), [0, mpmath.inf])
    value = series(m, j, z)
    assert complex(value.evalf(30)).real == pytest.approx(float(direct), rel=1e-13, abs=1e-15)
    assert all(set(h.ap) == {1} and set(h.bq) == {2} for h in value.atoms(sp.hyper))  # j = 0 only, one per order


@pytest.mark.parametrize("g", [sp.log(u), sp.log(u) ** 2, u * sp.log(u) ** 2, u**2 * sp.log(u) ** 2, u**2 * sp.log(u),
                               sp.sqrt(u) * sp.log(u) ** 2, sp.log(u) ** 3 / sp.sqrt(u), sp.log(3 * u) ** 2, u**3])
def test_the_gompertz_law_in_u(g):
    terms = log_power_terms(g * GOMPERTZ_U, u)
    value = incomplete_gamma_integral(terms, sp.S.One, sp.oo, _sign)
    assert value is not None and not value.has(sp.exp_polar, sp.I)
    assert float(value.subs(POINT).evalf(30)) == pytest.approx(_quad(g * GOMPERTZ_U, sp.S.One, sp.oo), rel=1e-11)


def test_the_gompertz_mean_is_the_exponential_integral():
    """E[X] = e^η E₁(η)/b (Lenart 2014, "The moments of the Gompertz distribution and maximum likelihood estimation
    of its parameters", Scand. Actuarial J.): E[log U] in u = e^{bx}; E[log² U] holds one ₃F₃(1, 1, 1; 2, 2, 2; −η)."""
    mean = incomplete_gamma_integral(log_power_terms(sp.log(u) * GOMPERTZ_U, u), sp.S.One, sp.oo, _sign)
    assert same(mean, sp.exp(eta) * sp.expint(1, eta))
    second = incomplete_gamma_integral(log_power_terms(sp.log(u) ** 2 * GOMPERTZ_U, u), sp.S.One, sp.oo, _sign)
    literature = sp.exp(eta) * ((sp.EulerGamma + sp.log(eta)) ** 2 + sp.pi**2 / 6
                                - 2 * eta * sp.hyper([1, 1, 1], [2, 2, 2], -eta))
    assert same(second, literature)


@pytest.mark.parametrize("integrand, lo, hi", [
    pytest.param(sp.log(u) ** 2 * u * sp.exp(-eta * u), sp.S.Zero, a, id="finite-end-a"),
    pytest.param(sp.log(u) * sp.exp(-eta * u) / sp.sqrt(u), sp.S.Zero, a, id="s-above-minus-one"),
    pytest.param(sp.log(u) ** 2 * sp.exp(-eta * u), a, sp.oo, id="tail-from-a"),
    pytest.param(u**2 * sp.exp(-eta * u), a, sp.oo, id="no-logarithm"),
    pytest.param(sp.exp(-eta * u) / u**3, a, sp.oo, id="no-logarithm-any-power"),  # η²Γ(−2, aη): s ≤ −1 is fine
])
def test_other_ends(integrand, lo, hi):
    value = incomplete_gamma_integral(log_power_terms(integrand, u), lo, hi, _sign)
    assert float(value.subs(POINT).evalf(30)) == pytest.approx(_quad(integrand, lo, hi), rel=1e-11)


@pytest.mark.parametrize("integrand, lo, hi", [
    pytest.param(sp.log(u) * sp.exp(-eta * u) / u**2, sp.S.Zero, a, id="s-not-above-minus-one"),
    pytest.param(sp.log(u) * sp.exp(eta * u), sp.S.One, sp.oo, id="a-growing-exponential"),
])
def test_it_declines_what_diverges(integrand, lo, hi):
    assert incomplete_gamma_integral(log_power_terms(integrand, u), lo, hi, _sign) is None


@pytest.mark.parametrize("integrand", [sp.log(1 + u) * sp.exp(-eta * u), sp.exp(-eta * u) / (1 + u),
                                       sp.log(u) * sp.exp(-eta * u**2), sp.log(u)])
def test_other_shapes_are_not_parsed(integrand):
    assert log_power_terms(integrand, u) is None


def test_the_whole_expectation_closes_before_the_support_map():
    """The Gompertz law's E[X e^{bX}]·b in u = e^{bx}: E[U log U], as a whole (the support map spent 4 s first)."""
    m = model(GOMPERTZ_U, u, [eta], sp.Interval.open(1, sp.oo), "gompertz-in-u")
    ctx = Context.of(m)
    v = ctx.data[0]
    r = strategy("expression", "incomplete-gamma")(Engine(ctx, Budget.of(10), Config()), v * sp.log(v))
    assert r.strategies == ("incomplete-gamma",) and r.detail.rule == "incomplete-gamma"
    assert same(r.value, (1 + sp.exp(eta) * sp.expint(1, eta)) / eta)  # E[s_b] = 0: (1/b + E[X])/η, times b


def test_a_rational_factor_that_cancels_against_the_density_is_cancelled():
    """The shifted Gompertz law in u = e^{−bx}: its score's 1/(1 + η(1 − u)) meets the density's 1 + η(1 − u)."""
    integrand = u * sp.log(u) / (u * eta - eta - 1) * sp.exp(-eta * u) * (1 + eta - eta * u)
    assert log_power_terms(integrand, u) == [(-1, 1, 1, eta)]
    assert log_power_terms(sp.log(u) * sp.exp(-eta * u) / (1 + eta - eta * u), u) is None  # one that stays


alpha = sp.Symbol("alpha", positive=True)


@pytest.mark.parametrize("order, base, n", [(3 - 1 / alpha, 1 - 1 / alpha, 2), (-1 / alpha, 1 - 1 / alpha, -1),
                                            (1 - 1 / alpha, 1 - 1 / alpha, 0), (sp.Rational(5, 2), sp.S.Half, 2),
                                            (alpha + sp.Rational(1, 3), alpha + sp.Rational(1, 3), 0)])
def test_every_order_of_a_class_has_one_base(order, base, n):
    assert base_order(order) == (base, n)


@pytest.mark.parametrize("k", [0, 1, 2])
@pytest.mark.parametrize("order", [3 - 1 / alpha, -1 / alpha - 1, 2 - 2 / alpha])
def test_the_order_recurrence_agrees_with_mpmath(k, order):
    """∂ᵏΓ(o, z)/∂oᵏ written through the base order agrees with mpmath's derivative of Γ(o, z) in o."""
    z, at = sp.Rational(13, 10), {alpha: sp.Rational(7, 10)}
    o = float(order.subs(at))
    expected = mpmath.diff(lambda t: mpmath.gammainc(t, 1.3, mpmath.inf), o, k)
    assert float(order_derivative(k, order, z).subs(at).evalf(30)) == pytest.approx(float(expected), rel=1e-10)
    assert not order_derivative(k, order, z).has(sp.uppergamma(order.subs(at), z))


@pytest.mark.parametrize("alpha_value", [sp.Rational(1, 2), sp.Integer(1), sp.Rational(5, 2)])
def test_a_logarithm_on_the_tail_with_any_power(alpha_value):
    """∫₁^∞ u^{−1/α} log u e^{−u} du for α = 1/2 (s = −2), α = 1 (s = −1: the split at 0 has a pole there) and
    α = 5/2: the order derivative of Γ(1 − 1/α, 1) is regular at each."""
    integrand = u ** (-1 / alpha) * sp.log(u) * sp.exp(-u)
    value = incomplete_gamma_integral(log_power_terms(integrand, u), sp.S.One, sp.oo, _sign)
    assert value.has(sp.meijerg) and not value.has(sp.uppergamma(2 - 1 / alpha, 1))
    numeric = mpmath.quad(lambda t: t ** (-1 / float(alpha_value)) * mpmath.log(t) * mpmath.exp(-t), [1, mpmath.inf])
    assert float(value.subs(alpha, alpha_value).evalf(30)) == pytest.approx(float(numeric), rel=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("order", [-2, -1, 0, 1, 3])
def test_integer_orders_need_no_meijer_g(k, order):
    """At an integer order the derivative is written with ψ-constants, E₁ and ₘFₘ(1, …; 2, …; −z) (mpmath evaluates
    SymPy's degenerate Meijer G-functions there by perturbation, seconds each)."""
    value = order_derivative(k, sp.Integer(order), sp.Rational(13, 10))
    assert not value.has(sp.meijerg)
    expected = mpmath.diff(lambda t: mpmath.gammainc(t, 1.3, mpmath.inf), order, k)
    assert float(value.evalf(30)) == pytest.approx(float(expected), rel=1e-12)


@pytest.mark.parametrize("integrand", [
    pytest.param(sp.exp(-eta * u) / (u + a), id="e1"),
    pytest.param(u**2 * sp.log(u) ** 2 * sp.exp(-eta * u) / (1 + u), id="power-lindley-atom"),
    pytest.param(sp.sqrt(u) * sp.log(u) * sp.exp(-eta * u) / (2 * u + 3), id="half-integer-power"),
])
def test_the_stieltjes_transform_of_the_gamma_kernel(integrand):
    """∫₀^∞ uˢ logᵏu e^{−ηu}/(u + c) du = ∂ᵏ/∂sᵏ [Γ(s + 1) cˢ e^{cη} Γ(−s, cη)]; s = 0: e^{cη}E₁(cη)."""
    value = stieltjes_integral(*stieltjes_terms(integrand, u), _sign)
    assert float(value.subs(POINT).evalf(30)) == pytest.approx(_quad(integrand, sp.S.Zero, sp.oo), rel=1e-11)
    if integrand.has(a):
        assert same(value, sp.exp(a * eta) * sp.expint(1, a * eta))


def test_a_gamma_kernel_on_the_half_line_after_cancelling():
    """The power Lindley law in u = x^α is a Lindley law θ²(1 + u)e^{−θu}/(θ + 1): E[u log u/(1 + u)] cancels to a
    complete Gamma integral, E[u² log²u/(1 + u)²] to a Stieltjes one (Ghitany et al. 2013's I_αα)."""
    theta = sp.Symbol("theta", positive=True)
    lindley = theta**2 * (1 + u) * sp.exp(-theta * u) / (theta + 1)
    m = model(lindley, u, [theta], sp.Interval.open(0, sp.oo), "lindley-in-u")
    ctx = Context.of(m)
    v = ctx.data[0]
    engine = Engine(ctx, Budget.of(20), Config())
    for g in (v * sp.log(v) / (1 + v), v**2 * sp.log(v) ** 2 / (1 + v) ** 2, sp.log(v)):
        r = strategy("atom", "incomplete-gamma")(engine, g)
        assert r is not None and r.strategies == ("incomplete-gamma",)
        at = {theta: sp.Rational(9, 10)}
        numeric = mpmath.quad(sp.lambdify(u, (g * lindley).xreplace({v: u}).subs(at), "mpmath"), [0, 1, mpmath.inf])
        assert float(r.value.subs(at).evalf(30)) == pytest.approx(float(numeric), rel=1e-11)


def test_a_growing_exponential_on_a_bounded_interval_comes_out_real():
    """∫₀¹ log(u)·e^{mu} du: the rate −m < 0 gives Φ₂,₀(−m) = (E₁(−m) + log(−m) + γ)/(−m), whose iπ cancel; written as
    (log m − Ei(m) + γ)/(−m) (NumPy gives NaN for log(−m)), and equal to quadrature."""
    m = sp.Symbol("m", positive=True)
    value = incomplete_gamma_integral(log_power_terms(sp.log(u) * sp.exp(m * u), u), sp.S.Zero, sp.S.One, _sign)
    assert not value.has(sp.I) and not any((-e.args[0]).is_positive for e in value.atoms(sp.log))
    assert value.has(sp.Ei)
    at = sp.Rational(7, 5)
    expected = mpmath.quad(lambda v: mpmath.log(v) * mpmath.exp(at * v), [0, 1])
    assert float(value.subs(m, at)) == pytest.approx(float(expected), rel=1e-13)


@pytest.mark.slow
def test_the_exponential_poisson_law_has_real_numeric_information():
    """The exponential–Poisson law (Kuş 2007, *Comput. Stat. Data Anal.* 51), density mβe^{−m−βx+m·e^{−βx}}/(1 − e^{−m})
    on (0, ∞): in u = e^{−βx} its entries are integrals of e^{mu} on (0, 1). Its I_mβ and I_ββ held log(−m) + E₁(−m)
    and the numeric code gave NaN; now log m − Ei(m), and every entry equals quadrature."""
    import symfisher as sf

    x = sp.Symbol("x", real=True)
    m, beta = sp.symbols("m beta", positive=True)
    density = m * beta / (1 - sp.exp(-m)) * sp.exp(-m - beta * x + m * sp.exp(-beta * x))
    model_ = sf.Model.from_pdf(density, x, [m, beta], sp.Interval.open(0, sp.oo), name="exponential-poisson")
    d = sf.derive(model_)
    assert d.closed and d.equality.status == "proved" and not d.fisher.has(sp.I)
    at = {m: sp.Rational(7, 5), beta: sp.Rational(13, 10)}
    score = [sp.diff(model_.logpdf, p) for p in model_.params]
    numeric = d.lambdify().fisher(1.4, 1.3)
    for i, j in ((0, 0), (0, 1), (1, 1)):
        f = sp.lambdify(x, (score[i] * score[j] * density).subs(at), "mpmath")
        expected = float(mpmath.quad(f, [0, 1, 10, mpmath.inf]))
        assert numeric[i, j] == pytest.approx(expected, rel=1e-10)
