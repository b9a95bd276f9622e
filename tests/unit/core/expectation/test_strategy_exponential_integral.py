"""Strategy "exponential-integral" (strategies/exponential_integral.py): R(u)·e^{λu} on a bounded interval, R's poles
outside it, as exponential integrals Ei."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import apply, same

from symfisher import Model
from symfisher.core.expectation.strategies.exponential_integral import bounded_integral

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
    assert bounded_integral(1 / (u - sp.Rational(1, 2)), -eta, u, sp.S.Zero, sp.S.One, _sign) is None
    c = sp.Symbol("c", real=True)
    assert bounded_integral(1 / (u - c), -eta, u, sp.S.Zero, sp.S.One, _sign) is None
    assert bounded_integral(1 / (u**2 + 1), -eta, u, sp.S.Zero, sp.S.One, _sign) is None  # complex poles


def test_declines_without_a_pole_or_on_an_unbounded_support():
    assert apply("atom", "exponential-integral", SHIFTED_GOMPERTZ_U, u) is None  # Euler and incomplete Γ's
    lam, x = sp.Symbol("lamda", positive=True), sp.Symbol("x", positive=True)
    exponential = Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo), name="exponential")
    assert apply("atom", "exponential-integral", exponential, 1 / (1 + x)) is None
