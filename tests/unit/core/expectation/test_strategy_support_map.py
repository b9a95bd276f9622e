"""Strategy "support-map" (strategies/support.py): a support that is not (0, 1), (0, ∞) or ℝ is mapped
onto one of them exactly (x = a + (b − a)u, x = a/u, x = a + y), bounds depending on θ included."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import BERNOULLI, EXPONENTIAL, UNIFORM, apply, model, n, same, theta, x

xr = sp.Symbol("x", real=True)
SHIFTED_EXPONENTIAL = model(sp.exp(theta - xr), xr, [theta], sp.Interval.open(theta, sp.oo), "shifted-exponential")
PARETO = model(3 * theta**3 / x**4, x, [theta], sp.Interval.open(theta, sp.oo), "pareto-shape-3")


@pytest.mark.parametrize("m, f, expected", [
    pytest.param(UNIFORM, x, theta / 2, id="uniform-mean"),
    pytest.param(UNIFORM, x**2, theta**2 / 3, id="uniform-second-moment"),
    pytest.param(SHIFTED_EXPONENTIAL, xr, theta + 1, id="shifted-exponential-mean"),
    pytest.param(PARETO, x, 3 * theta / 2, id="pareto-mean"),
])
def test_closed_forms(m, f, expected):
    r = apply("expression", "support-map", m, f)
    assert r.strategies[0] == "support-map"
    assert same(r.value, expected)
    assert r.detail.startswith("support map x = ")


def test_uniform_maps_onto_the_unit_interval():
    r = apply("expression", "support-map", UNIFORM, x)
    assert r.detail.startswith("support map x = ") and "density 1 on Interval.open(0, 1)" in r.detail


@pytest.mark.parametrize("m, f", [
    pytest.param(EXPONENTIAL, x, id="canonical-support"),
    pytest.param(BERNOULLI, n, id="discrete"),
    pytest.param(UNIFORM, theta, id="data-free"),
])
def test_does_not_apply(m, f):
    assert apply("expression", "support-map", m, f) is None
