"""Strategy "parametric" (strategies/parametric.py): E[log(h)ᵐ g] = ∂ᵐ/∂tᵐ E[h^t g] at t = 0, the family E[h^t g]
computed by the engine itself. Every closed form is also checked against quadrature at a point."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import BERNOULLI, GAMMA_SHAPE, apply, k, lam, model, n, same, x, xr
from symfisher.core.expectation.strategies.parametric import log_factor

a = sp.Symbol("a", positive=True)
b = sp.Symbol("b", positive=True)
c = sp.Symbol("c", positive=True)
nu = sp.Symbol("nu", positive=True)
UNIT, POS = sp.Interval.open(0, 1), sp.Interval.open(0, sp.oo)

BURR = model(c * k * x ** (c - 1) * (1 + x**c) ** (-k - 1), x, [c, k], POS, "burr-xii")
LOMAX = model(lam * (1 + x) ** (-lam - 1), x, [lam], POS, "lomax")
KUMARASWAMY = model(a * b * x ** (a - 1) * (1 - x**a) ** (b - 1), x, [a, b], UNIT, "kumaraswamy")
STUDENT = model(sp.gamma((nu + 1) / 2) / (sp.sqrt(nu * sp.pi) * sp.gamma(nu / 2)) * (1 + xr**2 / nu) ** (-(nu + 1) / 2),
                xr, [nu], sp.S.Reals, "student-t")


def quadrature(m, g, point):
    """E[g] under m at the parameter point, by mpmath quadrature over the support."""
    (data, support), = m.support
    f = sp.lambdify(data, (g * m.density).subs(point), "mpmath")
    lo, hi = (mpmath.mpf(float(e)) if e.is_finite else (mpmath.inf if e > 0 else -mpmath.inf)
              for e in (support.inf, support.sup))
    return mpmath.quad(f, [lo, 0, hi] if support.inf == -sp.oo else [lo, hi])


CASES = [
    # E[log(1 + X^c)] = 1/k: log(1 + X^c) is Exponential(k) under Burr XII (Kleiber & Kotz 2003, §6.2)
    pytest.param(BURR, sp.log(1 + x**c), 1 / k, {c: 1.7, k: 2.3}, id="burr-log-binomial"),
    pytest.param(BURR, sp.log(1 + x**c) ** 2, 2 / k**2, {c: 1.7, k: 2.3}, id="burr-log-binomial-squared"),
    pytest.param(LOMAX, sp.log(1 + x), 1 / lam, {lam: 2.5}, id="lomax-log"),
    # E[log(1 − X^a)] = ψ(b) − ψ(b + 1) = −1/b: 1 − X^a is Beta(b, 1) under Kumaraswamy (Jones 2009, §2)
    pytest.param(KUMARASWAMY, sp.log(1 - x**a), -1 / b, {a: 1.3, b: 0.7}, id="kumaraswamy-log-one-minus-power"),
    # E[log(1 + T²/ν)] = ψ((ν + 1)/2) − ψ(ν/2) (Lange, Little & Taylor 1989, JASA 84, appendix)
    pytest.param(STUDENT, sp.log(1 + xr**2 / nu), sp.polygamma(0, (nu + 1) / 2) - sp.polygamma(0, nu / 2),
                 {nu: 3.5}, id="student-log-quadratic"),
    # E[X^c log X/(1 + X^c)] for Burr XII via h = x: ∂/∂t of a Beta-prime integral with a symbolic exponent
    pytest.param(BURR, x**c * sp.log(x) / (1 + x**c), (sp.polygamma(0, 2) - sp.polygamma(0, k)) / (c * (k + 1)),
                 {c: 1.7, k: 2.3}, id="burr-log-x-weighted"),
]


@pytest.mark.parametrize("m, g, expected, point", CASES)
def test_closed_forms(m, g, expected, point):
    r = apply("atom", "parametric", m, g)
    assert r is not None and r.strategies[0] == "parametric" and len(r.strategies) > 1
    assert same(r.value, expected)
    assert float(r.value.subs(point).evalf()) == pytest.approx(float(quadrature(m, g, point)), rel=1e-8)


def test_detail_states_the_family():
    r = apply("atom", "parametric", LOMAX, sp.log(1 + x))
    assert r.detail.startswith("parametric transform E[log(X + 1)] = ∂/∂t E[(X + 1)**t] at t = 0, with ")
    assert r.detail.rule == "parametric transform"


def test_log_factor_takes_the_highest_power():
    assert log_factor(sp.log(x) * sp.log(1 + x) ** 2, x) == (1 + x, 2, sp.log(x))
    assert log_factor(x**2, x) is None


@pytest.mark.parametrize("m, g", [
    pytest.param(BERNOULLI, sp.log(1 + n), id="discrete"),
    pytest.param(GAMMA_SHAPE, x**2, id="no-logarithm"),
    pytest.param(GAMMA_SHAPE, sp.log(sp.exp(-x) + x**3), id="family-not-in-closed-form"),
])
def test_does_not_apply(m, g):
    assert apply("atom", "parametric", m, g) is None
