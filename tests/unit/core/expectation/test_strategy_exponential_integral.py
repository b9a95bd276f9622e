"""Strategy "exponential-integral" (strategies/exponential_integral.py): R(u)·e^{λu} on a bounded interval or on a
half-line with λ < 0, R's poles outside it, as exponential integrals Ei (real poles) and Ci, Si (complex pairs)."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import apply, same

from symfisher import Model
from symfisher.core.expectation.strategies.exponential_integral import rational_exponential_integral

eta = sp.Symbol("eta", positive=True)
u = sp.Symbol("u", positive=True)
#: the shifted Gompertz law in u = e^{−bx} (Bemmaor 1994): density e^{−ηu}(1 + η − ηu) on (0, 1)
SHIFTED_GOMPERTZ_U = Model.from_pdf(sp.exp(-eta * u) * (1 + eta - eta * u), u, [eta], sp.Interval.open(0, 1),
                                    name="shifted-gompertz-in-u")
AT = {eta: sp.Rational(7, 10)}


def _sign(e: sp.Expr) -> int:
    return 1 if e.is_positive else -1 if e.is_negative else 0


@pytest.mark.parametrize("g", [
    pytest.param((1 + eta - eta * u) ** -2, id="simple-pole"),
    pytest.param(u**2 / (1 + eta - eta * u) ** 2, id="with-a-polynomial-part"),
    pytest.param(u / (1 + eta - eta * u) ** 3, id="double-pole-by-parts"),
])
def test_the_shifted_gompertz_law_in_u_against_quadrature(g):
    r = apply("atom", "exponential-integral", SHIFTED_GOMPERTZ_U, g)
    assert r is not None and r.strategies == ("exponential-integral",) and r.value.has(sp.Ei)
    integrand = sp.lambdify(u, (g * SHIFTED_GOMPERTZ_U.density).subs(AT), "mpmath")
    assert float(r.value.subs(AT)) == pytest.approx(float(mpmath.quad(integrand, [0, 1])), rel=1e-12)


def test_the_simple_pole_in_closed_form():
    """E[1/(1 + η − ηU)²] = ∫₀¹ e^{−ηu}/(1 + η − ηu) du = e^{−1−η}(Ei(1 + η) − Ei(1))/η."""
    r = apply("atom", "exponential-integral", SHIFTED_GOMPERTZ_U, (1 + eta - eta * u) ** -2)
    assert same(r.value, sp.exp(-1 - eta) * (sp.Ei(1 + eta) - sp.Ei(1)) / eta)


def test_declines_a_pole_inside_the_interval_or_of_unknown_side():
    assert rational_exponential_integral(1 / (u - sp.Rational(1, 2)), -eta, u, sp.S.Zero, sp.S.One, _sign) is None
    c = sp.Symbol("c", real=True)
    assert rational_exponential_integral(1 / (u - c), -eta, u, sp.S.Zero, sp.S.One, _sign) is None
    # complex poles on a bounded interval: SymPy's integral stays open (after 9 s), so they are not tried
    assert rational_exponential_integral(1 / (u**2 + 1), -eta, u, sp.S.Zero, sp.S.One, _sign) is None
    # on (0, ∞): a real pole at η > 0, and a discriminant 1 − 4η of unknown sign
    assert rational_exponential_integral(1 / (u - eta), -eta, u, sp.S.Zero, sp.oo, _sign) is None
    assert rational_exponential_integral(1 / (u**2 - eta), -eta, u, sp.S.Zero, sp.oo, _sign) is None
    assert rational_exponential_integral(1 / (u**2 + u + eta), -eta, u, sp.S.Zero, sp.oo, _sign) is None


def test_declines_without_a_pole_or_without_decay_on_a_half_line():
    assert apply("atom", "exponential-integral", SHIFTED_GOMPERTZ_U, u) is None  # Euler and incomplete Γ's
    lam, x = sp.Symbol("lamda", positive=True), sp.Symbol("x", positive=True)
    exponential = Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo), name="exponential")
    assert apply("atom", "exponential-integral", exponential, x) is None
    assert apply("atom", "exponential-integral", exponential, sp.exp(2 * lam * x) / (1 + x)) is None  # e^{λx}, λ > 0


def test_a_real_pole_left_of_a_half_line():
    """E[1/(1 + X)] for X ~ Exp(λ): λ∫₀^∞ e^{−λx}/(1 + x) dx = λe^λ E₁(λ) = −λe^λ Ei(−λ) (Abramowitz & Stegun 5.1.28)."""
    lam, x = sp.Symbol("lamda", positive=True), sp.Symbol("x", positive=True)
    exponential = Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo), name="exponential")
    r = apply("atom", "exponential-integral", exponential, 1 / (1 + x))
    assert same(r.value, -lam * sp.exp(lam) * sp.Ei(-lam))


@pytest.mark.parametrize("rational, expected", [
    # Gradshteyn & Ryzhik 3.354.1 with β = 1: (Ci(η) sin η − (Si(η) − π/2) cos η)
    pytest.param(1 / (u**2 + 1), sp.Ci(eta) * sp.sin(eta) - (sp.Si(eta) - sp.pi / 2) * sp.cos(eta), id="G&R-3.354.1"),
    # G&R 3.354.2 with β = 1: −Ci(η) cos η − (Si(η) − π/2) sin η
    pytest.param(u / (u**2 + 1), -sp.Ci(eta) * sp.cos(eta) - (sp.Si(eta) - sp.pi / 2) * sp.sin(eta), id="G&R-3.354.2"),
    pytest.param(1 / (u**2 + 1) ** 2, None, id="a-double-pair-by-parts"),
    pytest.param(u**3 / (u**2 + eta) ** 3 + 1 / (2 + u), None, id="a-triple-pair-and-a-real-pole"),
])
def test_complex_pairs_on_a_half_line(rational, expected):
    """∫₀^∞ R(u) e^{−ηu} du with R's poles in complex pairs: Ci and Si (SymPy), higher powers reduced by parts."""
    value = rational_exponential_integral(rational, -eta, u, sp.S.Zero, sp.oo, _sign)
    assert value is not None and not value.has(sp.Integral, sp.meijerg)
    if expected is not None:
        assert same(value, expected)
    at = {eta: sp.Rational(13, 10)}
    integrand = sp.lambdify(u, (rational * sp.exp(-eta * u)).subs(at), "mpmath")
    assert float(value.subs(at)) == pytest.approx(float(mpmath.quad(integrand, [0, mpmath.inf])), rel=1e-12)


@pytest.mark.slow
def test_the_xgamma_law_closes_with_sine_and_cosine_integrals():
    """The xgamma law (Sen, Maiti & Chandra 2016, *J. Stat. Theory Appl.*), density θ²/(1 + θ)·(1 + θx²/2)·e^{−θx} on
    (0, ∞): s = 2/θ − 1/(1 + θ) + x²/(2 + θx²) − x, and E[x⁴/(2 + θx²)²] is ∫₀^∞ x⁴e^{−θx}/(2 + θx²) dx, which holds
    Ci(√(2θ)) and Si(√(2θ)). Its entries stayed open before; now proved, and equal to quadrature."""
    import symfisher as sf

    theta, x = sp.Symbol("theta", positive=True), sp.Symbol("x", positive=True)
    density = theta**2 / (1 + theta) * (1 + theta * x**2 / 2) * sp.exp(-theta * x)
    m = sf.Model.from_pdf(density, x, [theta], sp.Interval.open(0, sp.oo), name="xgamma")
    d = sf.derive(m)
    assert d.closed and d.equality.status == "proved" and d.fisher[0, 0].has(sp.Ci, sp.Si)
    assert "exponential-integral" in d.strategies[("fisher", 0, 0)]
    score = sp.diff(m.logpdf, theta)
    for at in (sp.Rational(3, 2), sp.Rational(1, 5), 4):
        f = sp.lambdify(x, (score**2 * density).subs(theta, at), "mpmath")
        expected = float(mpmath.quad(f, [0, 1, mpmath.inf]))
        assert float(d.fisher[0, 0].subs(theta, at)) == pytest.approx(expected, rel=1e-10)
        assert d.lambdify().fisher(float(at))[0, 0] == pytest.approx(expected, rel=1e-10)
