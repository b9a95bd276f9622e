"""Strategy "exponential-family" (strategies/expfamily.py), at both levels: moments of the sufficient statistic
from the log-partition, E[T_j m(T)] = ∂E[m]/∂η_j + (∂A/∂η_j) E[m], with no integral."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import (BERNOULLI, EXPONENTIAL, LAPLACE, NORMAL, POISSON, POS, UNIFORM, apply, b, k, lam, model,
                             mu, n, p, same, sigma, x, xr)


@pytest.mark.parametrize("model, f, expected", [
    pytest.param(EXPONENTIAL, x, 1 / lam, id="exponential-mean"),
    pytest.param(EXPONENTIAL, x**2, 2 / lam**2, id="exponential-second-moment"),
    pytest.param(EXPONENTIAL, (1 / lam - x) ** 2, 1 / lam**2, id="exponential-fisher-information"),
    pytest.param(NORMAL, xr**2, mu**2 + sigma**2, id="normal-second-moment"),
    pytest.param(NORMAL, (xr - mu) ** 4, 3 * sigma**4, id="normal-fourth-central-moment"),
    pytest.param(POISSON, n**2, lam**2 + lam, id="poisson-second-moment"),
    pytest.param(POISSON, (n / lam - 1) ** 2, 1 / lam, id="poisson-fisher-information"),
    pytest.param(BERNOULLI, n, p, id="bernoulli-mean"),
])
def test_expression_closed_forms(model, f, expected):
    r = apply("expression", "exponential-family", model, f)
    assert r.strategies == ("exponential-family",)
    assert same(r.value, expected)
    assert r.detail.startswith("exponential family (")


def test_expression_detail_names_the_natural_parameter_and_statistic():
    r = apply("expression", "exponential-family", EXPONENTIAL, x)
    assert r.detail.startswith("exponential family (") and "η = -lambda, T = x" in r.detail


@pytest.mark.parametrize("model, g, expected", [
    pytest.param(EXPONENTIAL, sp.Integer(1), 1, id="one"),
    pytest.param(EXPONENTIAL, x, 1 / lam, id="statistic"),
    pytest.param(EXPONENTIAL, x**3, 6 / lam**3, id="power-of-the-statistic"),
    pytest.param(NORMAL, xr**3, mu**3 + 3 * mu * sigma**2, id="normal-third-moment"),
])
def test_atom_closed_forms(model, g, expected):
    r = apply("atom", "exponential-family", model, g)
    assert r.strategies == ("exponential-family",)
    assert same(r.value, expected)


@pytest.mark.parametrize("level, model, f", [
    pytest.param("expression", LAPLACE, xr, id="laplace-is-not-an-exponential-family"),
    pytest.param("expression", UNIFORM, x, id="support-depends-on-theta"),
    pytest.param("expression", EXPONENTIAL, sp.log(x), id="not-a-monomial-in-T"),
    pytest.param("atom", EXPONENTIAL, sp.sqrt(x), id="fractional-power-of-T"),
    pytest.param("atom", EXPONENTIAL, sp.exp(-x), id="function-of-T"),
])
def test_does_not_apply(level, model, f):
    assert apply(level, "exponential-family", model, f) is None


# Laws that are exponential families only at a fixed value of some parameters θ_R (the carrier h(x, θ_R)):
# the recursion differentiates along the other parameters only.
r = sp.Symbol("r", positive=True)
NEGATIVE_BINOMIAL = model(sp.gamma(r + n) / (sp.gamma(r) * sp.factorial(n)) * p**r * (1 - p)**n, n, [r, p],
                          sp.S.Naturals0, "negative-binomial")  # log Γ(r + n): r is held
WEIBULL = model(k / lam * (x / lam)**(k - 1) * sp.exp(-(x / lam)**k), x, [k, lam], POS, "weibull")  # T = x^k


@pytest.mark.parametrize("law, f, expected", [
    pytest.param(NEGATIVE_BINOMIAL, n, r * (1 - p) / p, id="negative-binomial-mean"),
    pytest.param(NEGATIVE_BINOMIAL, n**2, r * (1 - p) / p**2 + (r * (1 - p) / p)**2, id="negative-binomial-second"),
    pytest.param(NEGATIVE_BINOMIAL, (r / p - n / (1 - p))**2, r / (p**2 * (1 - p)), id="negative-binomial-I_pp"),
    pytest.param(LAPLACE, sp.Abs(xr - mu), b, id="laplace-at-fixed-location"),
    pytest.param(WEIBULL, x**(2 * k), 2 * lam**(2 * k), id="weibull-at-fixed-shape"),
])
def test_exponential_family_at_fixed_carrier_parameters(law, f, expected):
    r_ = apply("expression", "exponential-family", law, f)
    assert r_ is not None and r_.strategies == ("exponential-family",)
    assert same(r_.value, expected)
    held = {NEGATIVE_BINOMIAL: "r", LAPLACE: "mu", WEIBULL: "k"}[law]
    assert r_.detail.startswith(f"exponential family at fixed {held} (")


def test_a_statistic_of_a_held_parameter_is_not_differentiated_along_it():
    """E[log Γ(r + n)] needs ∂/∂r, where the carrier moves: not this strategy's."""
    assert apply("expression", "exponential-family", NEGATIVE_BINOMIAL, sp.loggamma(r + n)) is None
    assert apply("atom", "exponential-family", NEGATIVE_BINOMIAL, sp.polygamma(0, r + n)) is None


TOPP_LEONE = model(2 * b * (1 - x) * (x * (2 - x)) ** (b - 1), x, [b], sp.Interval.open(0, 1), "topp-leone")


def test_terms_with_one_natural_parameter_are_one_statistic():
    """(b − 1)(log x + log(2 − x)) of the Topp–Leone law: one statistic T = log x + log(2 − x), η = b − 1, A = −log b;
    the score 1/b + T has E = 0 and E[s²] = Var T = A″ = 1/b², with no integral."""
    s = 1 / b + sp.log(x) + sp.log(2 - x)
    assert same(apply("expression", "exponential-family", TOPP_LEONE, s).value, 0)
    r = apply("expression", "exponential-family", TOPP_LEONE, s**2)
    assert same(r.value, 1 / b**2)
    assert "T = log(x) + log(2 - x)" in r.detail


def test_an_expression_that_sees_one_term_of_a_summed_statistic_alone_does_not_apply():
    assert apply("expression", "exponential-family", TOPP_LEONE, sp.log(x) ** 2) is None
