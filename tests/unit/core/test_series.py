"""Infinite series evaluated numerically (series_sum), and through safe_lambdify as the verdict's evidence uses it."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import special, stats

from symfisher.core.evidence import safe_lambdify
from symfisher.core.series import SERIES_BLOCK, SERIES_ZERO_BLOCKS, is_summable, series_sum

k = sp.Symbol("k", integer=True, nonnegative=True)
lam = sp.Symbol("lamda", positive=True)
x = sp.Symbol("x", positive=True)


def test_exponential_series_elementwise():
    lams = np.array([0.0, 0.5, 2.0, 30.0])
    got = series_sum(lambda j, v: v**j / special.factorial(j), 0, np.inf, lams)
    np.testing.assert_allclose(got, np.exp(lams), rtol=1e-14)


def test_poisson_weights_past_their_peak_are_not_cut_short():
    """Weights e^(−λ)λ^k/k! at λ = 100 are ~e^(−100) for small k: a block of them must not end the sum."""
    got = series_sum(lambda j, v: stats.poisson.pmf(j, v), 0, np.inf, np.array([0.1, 100.0, 600.0]))
    np.testing.assert_allclose(got, 1.0, rtol=1e-13)


def test_start_and_alternating_terms():
    assert float(series_sum(lambda j: 2.0**-j, 1, np.inf)) == pytest.approx(1.0, rel=1e-15)
    assert float(series_sum(lambda j: (-0.5) ** j, 0, np.inf)) == pytest.approx(2 / 3, rel=1e-15)


def test_no_value_rather_than_a_wrong_one():
    """A divergent or too slowly converging series, or a term that overflows, gives nan."""
    assert math.isnan(series_sum(lambda j: 1 / (j + 1), 0, np.inf))  # harmonic: diverges
    assert math.isnan(series_sum(lambda j: 1 / (j + 1) ** 2, 0, np.inf))  # converges, but not to 1e-16 in 10⁵ terms
    assert math.isnan(series_sum(lambda j: 1e300 * 10.0**j, 0, np.inf))  # a term overflows


def test_a_sum_of_zeros_is_zero_only_after_many_blocks():
    calls = []

    def term(j):
        calls.append(j[0])
        return np.zeros_like(j)

    assert series_sum(term, 0, np.inf) == 0.0
    assert len(calls) == SERIES_ZERO_BLOCKS
    # zeros that later terms make up for (an underflowed weight) are summed on
    later = series_sum(lambda j: np.where(j >= 3 * SERIES_BLOCK, 2.0**-(j - 3 * SERIES_BLOCK), 0.0), 0, np.inf)
    assert float(later) == pytest.approx(2.0, rel=1e-15)


def test_a_finite_sum_takes_every_term_up_to_its_limit_elementwise():
    """Σ_{j=0}^{⌊x/2⌋} (the Hermite law): the limit varies with x; a finite sum is never cut short, even where
    its terms are tiny before they grow."""
    xs = np.array([0.0, 3.0, 7.0, 300.0])
    got = series_sum(lambda j, v: j * v, 0, np.floor(xs / 2), 2.0)
    np.testing.assert_array_equal(got, [0.0, 2.0, 12.0, 22650.0])
    growing = series_sum(lambda j: np.where(j < 100, 1e-300, 1.0), 0, 149.0)
    assert float(growing) == pytest.approx(50.0, rel=1e-14)
    assert float(series_sum(lambda j: j, 5, 4.0)) == 0.0  # empty


def test_sums_over_one_index_from_an_integer_are_summable():
    assert is_summable(sp.Sum(lam**k, (k, 0, sp.oo)))
    assert is_summable(sp.Sum(lam**k, (k, 0, sp.floor(x / 2))))
    assert not is_summable(sp.Sum(lam**k, (k, lam, sp.oo)))


def test_safe_lambdify_evaluates_a_sum_with_a_limit_in_the_data():
    j = sp.Symbol("j", integer=True, nonnegative=True)
    fn = safe_lambdify([x], sp.Sum(j, (j, 0, sp.floor(x / 2))), cse=True)
    np.testing.assert_array_equal(fn(np.array([1.0, 4.0, 9.0])), [0.0, 3.0, 10.0])


def test_safe_lambdify_evaluates_a_series_with_cse():
    """lambdify alone prints sum(… for k in range(0, inf + 1)) and its cse lifts k + … out of the sum."""
    pmf = sp.exp(-lam) * lam**k / sp.factorial(k)
    logp = sp.log(sp.Sum(pmf * x**k, (k, 0, sp.oo))) + sp.log(sp.Sum(pmf * (k + lam), (k, 0, sp.oo)))
    fn = safe_lambdify([x, lam], logp, cse=True)
    xs = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(fn(xs, 3.0), 3.0 * (xs - 1) + np.log(6.0), rtol=1e-13)
