"""Strategy "substitution" (strategies/substitution.py): change variables (u = x^k, u = e^{cx}, u = |x|,
u = F(x)), then reuse the whole engine on the new density."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import BERNOULLI, LAPLACE, POS, UNIFORM, apply, model, mu, n, same, sigma, x, xr

RAYLEIGH = model(x / sigma**2 * sp.exp(-x**2 / (2 * sigma**2)), x, [sigma], POS, "rayleigh")
GUMBEL = model(sp.exp(-(xr - mu) - sp.exp(-(xr - mu))), xr, [mu], sp.S.Reals, "gumbel")


@pytest.mark.parametrize("m, g, expected", [
    pytest.param(RAYLEIGH, x**2, 2 * sigma**2, id="rayleigh-second-moment"),
    pytest.param(RAYLEIGH, x**4, 8 * sigma**4, id="rayleigh-fourth-moment"),
    pytest.param(GUMBEL, sp.exp(-xr), sp.exp(-mu), id="gumbel-exp"),
    pytest.param(GUMBEL, sp.exp(-2 * xr), 2 * sp.exp(-2 * mu), id="gumbel-exp-squared"),
])
def test_closed_forms(m, g, expected):
    r = apply("atom", "substitution", m, g)
    assert r.strategies[0] == "substitution" and len(r.strategies) > 1  # then what the substituted engine used
    assert same(r.value, expected)
    assert r.detail.startswith("substitution u = ")


def test_rayleigh_becomes_exponential_under_u_equal_x_squared():
    r = apply("atom", "substitution", RAYLEIGH, x**2)
    assert r.detail.startswith("substitution u = x**")
    assert r.strategies == ("substitution", "exponential-family")


@pytest.mark.parametrize("m, g", [
    pytest.param(BERNOULLI, n, id="discrete"),
    pytest.param(UNIFORM, x, id="support-depends-on-theta"),
    pytest.param(LAPLACE, sp.DiracDelta(xr - mu), id="a-point-mass"),
])
def test_does_not_apply(m, g):
    assert apply("atom", "substitution", m, g) is None
