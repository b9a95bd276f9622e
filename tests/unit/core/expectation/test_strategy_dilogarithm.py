"""Strategy "dilogarithm" (strategies/dilogarithm.py): R(x)·log(α + βx) on a bounded interval, in partial fractions,
as dilogarithms Li₂."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import same, strategy

from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.strategies.dilogarithm import log_rational_integral

v = sp.Symbol("v")
theta = sp.Symbol("theta", real=True)
HALF = sp.Rational(1, 2)


def _sign(e: sp.Expr) -> int:
    return 1 if e.is_positive else -1 if e.is_negative else 0


@pytest.mark.parametrize("rational, linear", [
    pytest.param(1 / (v - 3), 1 + v, id="pole-outside-log-positive-there"),
    pytest.param(1 / (v + 2), 1 + 2 * v, id="pole-outside-log-negative-there"),
    pytest.param(1 / (v + 1), 1 + v, id="pole-where-the-log-argument-is-zero"),
    pytest.param(1 / (2 * v - 1), 1 + (1 - 2 * v) / 3, id="pole-inside-where-the-log-vanishes"),
    pytest.param(v**3 / (2 * v - 1), 1 - (1 - 2 * v) / 4, id="pole-inside-with-a-polynomial-part"),
    pytest.param(v / (v + sp.Rational(1, 3)) ** 3, 3 - v, id="triple-pole-outside-by-parts"),
    pytest.param(v**2 / (v + 1), 2 + v / 2, id="polynomial-part-and-a-pole"),
    pytest.param(v**3 + 1, 2 + v, id="polynomial-only"),
])
def test_against_quadrature(rational, linear):
    value = log_rational_integral(rational, linear, v, sp.S.Zero, sp.S.One, _sign)
    assert value is not None and not value.has(sp.Integral)
    integrand = sp.lambdify(v, rational * sp.log(linear), "mpmath")
    mpmath.mp.dps = 30
    assert float(value.evalf(30)) == pytest.approx(float(mpmath.quad(integrand, [0, HALF, 1])), rel=1e-12, abs=1e-14)


def test_declines_a_pole_inside_where_the_log_does_not_vanish_and_higher_poles_inside():
    """∫₀¹ log(2 + v)/(v − ½) dv diverges (log(5/2)/(v − ½) is not integrable); so does a double pole at ½ even where
    the logarithm vanishes there; a pole on an unknown side and a logarithm not known positive are declined too."""
    assert log_rational_integral(1 / (2 * v - 1), 2 + v, v, sp.S.Zero, sp.S.One, _sign) is None
    assert log_rational_integral((2 * v - 1) ** -2, 1 + (1 - 2 * v) / 3, v, sp.S.Zero, sp.S.One, _sign) is None
    c = sp.Symbol("c", real=True)
    assert log_rational_integral(1 / (v - c), 1 + v, v, sp.S.Zero, sp.S.One, _sign) is None
    assert log_rational_integral(1 / (v - 3), 1 + c * v, v, sp.S.Zero, sp.S.One, _sign) is None


#: the marginal law of one coordinate of the FGM copula: uniform on (0, 1), with θ ∈ (−1, 1) known to the engine
u = sp.Symbol("u", positive=True)
UNIFORM = Context(data=(u,), to_user={u: u}, logpdf=sp.S.Zero, density=sp.S.One, support={u: sp.Interval.open(0, 1)},
                  params=(), others=(theta,), domains={theta: sp.Interval.open(-1, 1)}, label="uniform")


def _dilogarithm(g: sp.Expr):
    return strategy("atom", "dilogarithm")(Engine(UNIFORM, Budget.of(10), Config()), g)


def test_the_fgm_copula_outer_integral():
    """E[log(1 + θ − 2θU)/(2U − 1)] for U uniform: the pole at ½ is where the logarithm vanishes, and the integral is
    ½∫_{−1}^{1} log(1 − θw)/w dw = (Li₂(−θ) − Li₂(θ))/2."""
    r = _dilogarithm(sp.log(1 + theta - 2 * theta * u) / (2 * u - 1))
    assert r is not None and r.strategies == ("dilogarithm",)
    assert same(r.value, (sp.polylog(2, -theta) - sp.polylog(2, theta)) / 2)


def test_declines_without_a_pole_or_a_logarithm():
    assert _dilogarithm(sp.log(2 + theta * u)) is None  # no pole: other strategies
    assert _dilogarithm(1 / (2 - u)) is None
