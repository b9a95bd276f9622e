"""Strategy "finite-support" (strategies/finite.py): E[f(X)] = Σ_{x ∈ S} f(x) p(x) over a finite support."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import BERNOULLI, EXPONENTIAL, POISSON, apply, n, p, same
from symfisher.core.model import Model

y = sp.Symbol("y", integer=True, nonnegative=True)
TWO_BERNOULLI = Model((n + y) * sp.log(p) + (2 - n - y) * sp.log(1 - p), (n, y), (p,),
                      ((n, sp.FiniteSet(0, 1)), (y, sp.FiniteSet(0, 1))), name="two-bernoulli")
SCORE = n / p - (1 - n) / (1 - p)


@pytest.mark.parametrize("model, f, expected", [
    pytest.param(BERNOULLI, n, p, id="bernoulli-mean"),
    pytest.param(BERNOULLI, n**2, p, id="bernoulli-second-moment"),
    pytest.param(BERNOULLI, (n - p) ** 2, p * (1 - p), id="bernoulli-variance"),
    pytest.param(BERNOULLI, SCORE, 0, id="bernoulli-score-mean-zero"),
    pytest.param(BERNOULLI, SCORE**2, 1 / (p * (1 - p)), id="bernoulli-fisher-information"),
    pytest.param(TWO_BERNOULLI, n * y, p**2, id="two-bernoulli-product"),
    pytest.param(TWO_BERNOULLI, n + y, 2 * p, id="two-bernoulli-sum"),
])
def test_closed_forms(model, f, expected):
    r = apply("expression", "finite-support", model, f)
    assert r.strategies == ("finite-support",)
    assert same(r.value, expected)
    assert r.closed and r.conditions == ()


def test_detail_counts_the_points():
    assert apply("expression", "finite-support", TWO_BERNOULLI, n).detail == "summing over the 2·2 support points"


@pytest.mark.parametrize("model, f", [
    pytest.param(EXPONENTIAL, EXPONENTIAL.data[0], id="interval-support"),
    pytest.param(POISSON, n, id="infinite-discrete-support"),
    pytest.param(Model(n * sp.log(p) - 65 * sp.log(p) / 2, (n,), (p,), ((n, sp.FiniteSet(*range(65))),)), n,
                 id="more-than-64-points"),
])
def test_does_not_apply(model, f):
    assert apply("expression", "finite-support", model, f) is None


a, b = sp.symbols("a b", positive=True)
BETA_BINOMIAL_2 = Model.from_pdf(sp.binomial(2, y) * sp.beta(y + a, 2 - y + b) / sp.beta(a, b), y, [a, b],
                                 sp.Range(0, 3), name="beta-binomial-2", validate=False)


def test_a_range_with_numeric_ends_is_summed_point_by_point():
    """Range(0, 3): E[Y] = 2a/(a + b) and E[Y²] = 2a(2a + b + 2)/((a + b)(a + b + 1)) for the beta-binomial, n = 2."""
    r = apply("expression", "finite-support", BETA_BINOMIAL_2, y)
    assert r.strategies == ("finite-support",) and same(r.value, 2 * a / (a + b))
    assert same(apply("expression", "finite-support", BETA_BINOMIAL_2, y**2).value,
                2 * a * (2 * a + b + 2) / ((a + b) * (a + b + 1)))
    assert r.detail == "summing over the 3 support points"
