"""MLE, observed vs expected information, standard errors and Wald intervals on simulated data."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
import sympy as sp
from _uses_cache import derived
from scipy import stats
from scipy.special import polygamma

import symfisher.catalog as derivations
import symfisher as sf
from symfisher.uses import mle, standard_errors, wald_intervals

RNG = np.random.default_rng(20261125)
Z95 = 1.959963984540054


def test_poisson_mle_is_the_mean():
    x = RNG.poisson(3.2, size=400)
    fit = mle(derived("poisson"), x)
    m, n = x.mean(), x.size
    assert fit.estimate[0] == pytest.approx(m, rel=1e-10) and fit.converged and fit.n == n
    for kind in ("observed", "expected"):
        assert standard_errors(fit, kind=kind)[0] == pytest.approx(math.sqrt(m / n), rel=1e-8)
        lo, hi = wald_intervals(fit, level=0.95, kind=kind)[0]
        assert (lo, hi) == pytest.approx((m - Z95 * math.sqrt(m / n), m + Z95 * math.sqrt(m / n)), rel=1e-8)
    assert fit.observed_information[0, 0] == pytest.approx(fit.expected_information[0, 0], rel=1e-8)


def test_normal_mle_and_standard_errors():
    x = RNG.normal(1.5, 2.0, size=300)
    fit = mle(derived("normal"), x)
    mu_hat, s_hat, n = x.mean(), x.std(), x.size          # MLE of σ divides by n
    assert fit.estimate == pytest.approx([mu_hat, s_hat], rel=1e-9)
    for kind in ("observed", "expected"):
        assert standard_errors(fit, kind=kind) == pytest.approx([s_hat / math.sqrt(n), s_hat / math.sqrt(2 * n)],
                                                                rel=1e-7)


def test_gamma_mle_matches_scipy_and_informations():
    x = RNG.gamma(3.0, 1 / 2.0, size=800)                 # shape 3, rate 2
    fit = mle(derived("gamma-rate"), x)
    a_ref, _, scale_ref = stats.gamma.fit(x, floc=0)
    a, b = fit.estimate
    assert a == pytest.approx(a_ref, rel=1e-4) and b == pytest.approx(1 / scale_ref, rel=1e-4)
    n = x.size
    expected = n * np.array([[polygamma(1, a), -1 / b], [-1 / b, a / b**2]])
    assert fit.expected_information == pytest.approx(expected, rel=1e-9)
    assert fit.observed_information == pytest.approx(expected, rel=1e-6)   # equal at the MLE (canonical statistic)
    se = standard_errors(fit, kind="expected")
    assert se == pytest.approx(np.sqrt(np.diag(np.linalg.inv(expected))), rel=1e-9)
    assert fit.method == "fisher-scoring" and fit.iterations < 15


def test_model_without_derivation_uses_newton_and_has_no_expected_information():
    x = RNG.exponential(0.5, size=200)
    fit = mle(derivations.get("exponential").model(), x)
    assert fit.estimate[0] == pytest.approx(1 / x.mean(), rel=1e-9) and fit.method == "newton"
    assert standard_errors(fit)[0] == pytest.approx(fit.estimate[0] / math.sqrt(x.size), rel=1e-7)
    with pytest.raises(sf.NotSupportedError, match=r"^model exponential: no closed-form I\(θ\), so no expected "
                       r"information; use kind='observed' or fit a Derivation$"):
        standard_errors(fit, kind="expected")


def test_logistic_regression_observed_equals_expected():
    z = RNG.normal(size=400)
    y = (RNG.random(400) < 1 / (1 + np.exp(-(0.3 - 0.8 * z)))).astype(float)
    fit = mle(derived("logistic-regression"), {"y": y, "z": z})
    assert fit.observed_information == pytest.approx(fit.expected_information, rel=1e-9)   # canonical link
    score = [np.sum(y - 1 / (1 + np.exp(-(fit.estimate[0] + fit.estimate[1] * z)))) ]
    assert abs(score[0]) < 1e-8


def test_constants_and_errors():
    x = RNG.normal(0.7, 3.0, size=50)
    fit = mle(derived("normal-mean"), x, constants={"sigma": 3.0})
    assert fit.estimate[0] == pytest.approx(x.mean()) and standard_errors(fit)[0] == pytest.approx(3 / math.sqrt(50))
    with pytest.raises(sf.ModelError, match=r"^model normal-mean: give a numeric value for the constant sigma "
                       r"\(constants=\{sigma: \.\.\.\}\)$"):
        mle(derived("normal-mean"), x)
    with pytest.raises(sf.ModelError, match=r"^model logistic-regression: the data have no column z \(columns: y\)$"):
        mle(derived("logistic-regression"), {"y": [0, 1]})
    with pytest.raises(sf.ModelError, match=r"^level must be a probability in \(0, 1\), got 95$"):
        wald_intervals(fit, level=95)
    assert sp.Symbol("sigma", positive=True) not in fit.params


def test_mle_refuses_a_response_outside_the_support_and_accepts_a_dataframe():
    import pandas as pd

    rng = np.random.default_rng(11)
    z = rng.normal(size=300)
    y = (rng.random(300) < 1 / (1 + np.exp(-(-0.4 + 1.1 * z)))).astype(int)
    d = derived("logistic-regression")
    from_dict = mle(d, {"y": y, "z": z})
    from_frame = mle(d, pd.DataFrame({"z": z, "y": y}))
    np.testing.assert_array_equal(from_frame.estimate, from_dict.estimate)
    np.testing.assert_array_equal(from_frame.observed_information, from_dict.observed_information)
    bad = y.copy()
    bad[41] = 2
    with pytest.raises(sf.ModelError, match=r"^model logistic-regression: row 41 of the data: y = 2 is outside the "
                                            r"support \{0, 1\} of y$"):
        mle(d, pd.DataFrame({"y": bad, "z": z}))
    with pytest.raises(sf.ModelError, match=r"^model poisson: row 2 of the data: x = 1.5 is outside the support "
                                            r"Naturals0 of x$"):
        mle(derived("poisson"), np.array([0.0, 3.0, 1.5]))


@functools.lru_cache(maxsize=1)
def _rice() -> sf.Derivation:
    """The Rice law x/σ² e^{−(x² + ν²)/(2σ²)} I₀(xν/σ²): I(θ) holds an open expectation, so mle runs Newton."""
    x = sp.Symbol("x", positive=True)
    nu, sigma = sp.symbols("nu sigma", positive=True)
    return sf.derive(sf.Model.from_pdf(x / sigma**2 * sp.exp(-(x**2 + nu**2) / (2 * sigma**2))
                                       * sp.besseli(0, x * nu / sigma**2), x, [nu, sigma], sp.Interval(0, sp.oo),
                                       name="rice"))


@pytest.mark.parametrize("truth, start", [((2.0, 0.7), (1.5, 1.0)), ((2.0, 0.7), None),
                                          ((300.0, 10.0), None), ((300.0, 10.0), (1.5, 1.0))])
def test_the_rice_mle_from_starts_where_minus_h_is_not_positive_definite(truth, start):
    """At (1.5, 1) and at the default start −H has a negative eigenvalue: the Newton step descended, was halved to
    nothing and taken for convergence at the start. Damped Newton reaches θ̂ (the score vanishes there, and scipy's
    own fit agrees where it does not overflow); at ν = 300, σ = 10 the arguments xν/σ² ≈ 900 overflow I₀ and I₁
    unless scaled (ive)."""
    d = _rice()
    rng = np.random.default_rng(1)
    data = np.hypot(rng.normal(truth[0], truth[1], 500), rng.normal(0.0, truth[1], 500))
    fit = mle(d, data, start=start)
    assert fit.converged and fit.method == "newton"
    score = d.lambdify().score(data, *fit.estimate).sum(axis=0)
    assert np.all(np.abs(score) <= 1e-6 * np.abs(np.diag(fit.observed_information)))
    if truth[0] < 100:  # scipy's own fit overflows at ν = 300 (it ends near 0 there)
        b, _, scale = stats.rice.fit(data, floc=0)
        np.testing.assert_allclose(fit.estimate, [b * scale, scale], rtol=1e-4)  # scipy's optimizer stops earlier
    np.testing.assert_allclose(fit.estimate, truth, rtol=0.1)
    assert np.all(np.isfinite(wald_intervals(fit)))


def test_a_fit_that_scipy_ends_away_from_a_maximum_is_not_converged():
    """L-BFGS-B reports success where its line search stalls; mle checks the point: −H positive definite and a
    Newton decrement below 10⁻⁸(1 + |ℓ|)."""
    from symfisher.numeric.sample import SampleModel
    from symfisher.uses.estimate import _stationary

    d = _rice()
    data = np.hypot(np.random.default_rng(1).normal(2.0, 0.7, 200), np.random.default_rng(2).normal(0.0, 0.7, 200))
    num = SampleModel.of(d, None)
    cols, n = num.arrays(data)
    fit = mle(d, data)
    assert _stationary(num, fit.estimate, cols, n)
    assert not _stationary(num, np.array([1.529, 0.776]), cols, n)  # a score of about 100 there
    assert not _stationary(num, np.array([1.5, 1.0]), cols, n)  # −H is not positive definite there
