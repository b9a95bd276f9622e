"""Strategy "transform" (strategies/transform.py): one generating function in closed form, then derivatives —
Mellin E[X^t(1−X)^u] on positive supports, the MGF on ℝ, the PGF on ℕ₀."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import (GAMMA_SHAPE, NORMAL_MEAN, POISSON, UNIFORM, apply, k, lam, model, mu, n, same, x, xr)

a = sp.Symbol("a", positive=True)
POWER = model(a * x ** (a - 1), x, [a], sp.Interval.open(0, 1), "power-function")  # Beta(a, 1)


@pytest.mark.parametrize("m, g, expected, name", [
    pytest.param(GAMMA_SHAPE, sp.log(x), sp.polygamma(0, k), "transform:mellin", id="gamma-log-moment"),
    pytest.param(GAMMA_SHAPE, sp.log(x) ** 2, sp.polygamma(1, k) + sp.polygamma(0, k) ** 2, "transform:mellin",
                 id="gamma-log-second-moment"),
    pytest.param(GAMMA_SHAPE, x * sp.log(x), k * sp.polygamma(0, k + 1), "transform:mellin", id="gamma-x-log-x"),
    pytest.param(POWER, sp.log(x), -1 / a, "transform:mellin", id="beta-log-moment"),
    pytest.param(POWER, sp.log(1 - x), sp.polygamma(0, 1) - sp.polygamma(0, a + 1), "transform:mellin",
                 id="beta-log-one-minus-x"),
    pytest.param(POISSON, n**2, lam**2 + lam, "transform:pgf", id="poisson-second-moment"),
    pytest.param(POISSON, n**3, lam**3 + 3 * lam**2 + lam, "transform:pgf", id="poisson-third-moment"),
    pytest.param(NORMAL_MEAN, xr * sp.exp(xr), (mu + 1) * sp.exp(mu + sp.Rational(1, 2)), "transform:mgf",
                 id="normal-x-exp-x"),
])
def test_closed_forms(m, g, expected, name):
    r = apply("atom", "transform", m, g)
    assert r.strategies == (name,)
    assert same(r.value, expected)


def test_detail_states_the_generating_function():
    r = apply("atom", "transform", POISSON, n**2)
    assert r.detail == "probability generating function G(z) = exp(lambda*(z - 1))"


@pytest.mark.parametrize("m, g", [
    pytest.param(GAMMA_SHAPE, x * sp.exp(-x), id="not-a-mellin-atom"),
    pytest.param(NORMAL_MEAN, sp.log(sp.Abs(xr)), id="not-an-mgf-atom"),
    pytest.param(POISSON, sp.factorial(n), id="not-a-polynomial-count"),
    pytest.param(UNIFORM, x, id="support-depends-on-theta"),
])
def test_does_not_apply(m, g):
    assert apply("atom", "transform", m, g) is None


z = sp.Symbol("z", positive=True)
p, r = sp.Symbol("p", positive=True), sp.Symbol("r", positive=True)


@pytest.mark.parametrize("term, expected, conditions", [
    pytest.param(sp.binomial(n + r - 1, n) * p**r * (1 - p)**n * z**n, p**r * (1 - (1 - p) * z) ** (-r),
                 (sp.Abs(z * (1 - p)) < 1,), id="negative-binomial-pgf"),  # 1F0(r; ; (1 − p)z)
    pytest.param(sp.exp(-lam) * lam**n * z**n / sp.factorial(n), sp.exp(lam * (z - 1)), (), id="poisson-pgf"),  # 0F0
    pytest.param(p * (1 - p)**n * z**n, p / (1 - (1 - p) * z), (sp.Abs(z * (1 - p)) < 1,), id="geometric-pgf"),
])
def test_hypergeometric_sums(term, expected, conditions):
    from symfisher.core.expectation.strategies.transform import hypergeometric_sum

    value, conds = hypergeometric_sum(term, n)
    assert same(value, expected)
    assert [sp.simplify(c.lhs - d.lhs) == 0 for c, d in zip(conds, conditions)] == [True] * len(conditions)


@pytest.mark.parametrize("term", [
    pytest.param(sp.factorial(n) * z**n, id="divergent: 2F0"),
    pytest.param(z ** (n**2), id="ratio not rational"),
    pytest.param(n * z**n, id="zero first term"),
])
def test_hypergeometric_sums_left_to_summation(term):
    from symfisher.core.expectation.strategies.transform import hypergeometric_sum

    assert hypergeometric_sum(term, n) is None


def test_the_mellin_transform_takes_a_power_of_x_minus_one():
    """E[log(x)/(x − 1)] under Beta(a, b) = −(a + b − 1)(ψ(a) − ψ(a + b − 1))/(b − 1): (x − 1)^k is (−1)^k (1 − x)^k
    for an integer k (the four-parameter Beta law's score)."""
    b = sp.Symbol("b", positive=True)
    beta = model(x ** (a - 1) * (1 - x) ** (b - 1) / sp.beta(a, b), x, [a, b], sp.Interval.open(0, 1), "beta")
    r = apply("atom", "transform", beta, sp.log(x) / (x - 1))
    psi = lambda z: sp.polygamma(0, z)  # noqa: E731
    assert r is not None and same(r.value, -(a + b - 1) * (psi(a) - psi(a + b - 1)) / (b - 1))
