"""Strategy "integrate" (strategies/direct.py): SymPy's integrate / summation under a hard time limit,
accepted only when quadrature agrees."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import BERNOULLI, EXPONENTIAL, POISSON, apply, lam, n, same, x


@pytest.mark.parametrize("m, g, expected, name", [
    pytest.param(EXPONENTIAL, x, 1 / lam, "integrate", id="exponential-mean"),
    pytest.param(EXPONENTIAL, x**2, 2 / lam**2, "integrate", id="exponential-second-moment"),
    pytest.param(EXPONENTIAL, sp.exp(-x), lam / (lam + 1), "integrate", id="exponential-laplace-transform"),
    pytest.param(POISSON, n, lam, "summation", id="poisson-mean"),
])
def test_closed_forms(m, g, expected, name):
    r = apply("atom", "integrate", m, g)
    assert r.strategies == (name,)
    assert same(r.value, expected)
    assert r.detail == f"SymPy {name} of the atom"


@pytest.mark.parametrize("m, g", [
    pytest.param(BERNOULLI, n, id="finite-support"),
    pytest.param(EXPONENTIAL, 1 / x, id="divergent"),
])
def test_does_not_apply(m, g):
    assert apply("atom", "integrate", m, g) is None
