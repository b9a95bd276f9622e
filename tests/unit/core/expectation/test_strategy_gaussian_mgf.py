"""Strategy "gaussian-mgf" (strategies/gaussian_mgf.py): E[q(X) e^{cX}] = e^{cm + c²v/2} E[q(Y)], Y ~ N(m + cv, v)."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import EXPONENTIAL, LAPLACE, NORMAL, apply, mu, same, sigma, x, xr

from symfisher.core.expectation.strategies.gaussian_mgf import normal_moment

W = sp.exp(mu + sigma**2 / 2)  # E[e^X] for X ~ N(μ, σ²)


@pytest.mark.parametrize("g, expected", [
    pytest.param(sp.exp(xr), W, id="mgf-at-1"),
    pytest.param(sp.exp(-2 * xr + 1), sp.exp(1 - 2 * mu + 2 * sigma**2), id="mgf-at-minus-2-shifted"),
    pytest.param(xr * sp.exp(xr), (mu + sigma**2) * W, id="tilted-mean"),
    pytest.param(xr**2 * sp.exp(xr), ((mu + sigma**2)**2 + sigma**2) * W, id="tilted-second-moment"),
    pytest.param(sp.exp(xr / 2) * sp.exp(xr / 2) * (xr - mu), sigma**2 * W, id="two-exponentials"),
])
def test_closed_forms(g, expected):
    r = apply("atom", "gaussian-mgf", NORMAL, g)
    assert r.strategies == ("gaussian-mgf",)
    assert same(r.value, expected)


def test_against_quadrature():
    """E[X³ e^{−0.7 X}] under N(0.3, 1.2²), by mpmath."""
    g = xr**3 * sp.exp(-sp.Rational(7, 10) * xr)
    r = apply("atom", "gaussian-mgf", NORMAL, g)
    m, s = mpmath.mpf("0.3"), mpmath.mpf("1.2")
    quad = mpmath.quad(lambda t: t**3 * mpmath.exp(-0.7 * t) * mpmath.npdf(t, m, s), [-mpmath.inf, mpmath.inf])
    assert float(r.value.subs({mu: sp.Rational(3, 10), sigma: sp.Rational(6, 5)})) == pytest.approx(float(quad),
                                                                                                    rel=1e-12)


def test_moments_of_a_normal_law():
    assert [normal_moment(j, mu, sigma**2) for j in range(5)] == [1, mu, mu**2 + sigma**2, mu**3 + 3 * mu * sigma**2,
                                                                  mu**4 + 6 * mu**2 * sigma**2 + 3 * sigma**4]


@pytest.mark.parametrize("model, g", [
    pytest.param(NORMAL, xr**2, id="no-exponential"),
    pytest.param(NORMAL, sp.exp(xr**2 / 8), id="quadratic-exponent"),
    pytest.param(NORMAL, sp.log(1 + xr**2) * sp.exp(xr), id="not-a-polynomial"),
    pytest.param(LAPLACE, sp.exp(xr / 2), id="not-gaussian"),
    pytest.param(EXPONENTIAL, sp.exp(-x), id="half-line"),
])
def test_does_not_apply(model, g):
    assert apply("atom", "gaussian-mgf", model, g) is None
