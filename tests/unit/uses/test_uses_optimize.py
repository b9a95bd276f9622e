"""Generated updates: Fisher scoring reaches the MLE in far fewer iterations than gradient ascent."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from _uses_cache import derived
from scipy import optimize, stats

import symfisher as sf
from symfisher.uses import (fisher_scoring_step, gradient_ascent_step, iterate, natural_gradient_step,
                            newton_step)

RNG = np.random.default_rng(7)


def test_gamma_scoring_versus_gradient_ascent():
    d = derived("gamma-rate")
    x = RNG.gamma(3.0, 1 / 2.0, size=500)
    scoring = iterate(fisher_scoring_step(d), [1.0, 1.0], x)
    newton = iterate(newton_step(d), [1.0, 1.0], x)
    ascent = iterate(gradient_ascent_step(d, lr=1.0), [1.0, 1.0], x, max_iter=50_000)
    a_ref, _, scale_ref = stats.gamma.fit(x, floc=0)
    assert scoring.converged and scoring.theta == pytest.approx([a_ref, 1 / scale_ref], rel=1e-4)
    assert newton.theta == pytest.approx(scoring.theta, rel=1e-8)
    assert ascent.converged and ascent.theta == pytest.approx(scoring.theta, rel=1e-4)
    print(f"gamma: scoring {scoring.iterations}, newton {newton.iterations}, gradient ascent {ascent.iterations}")
    assert scoring.iterations <= 12 and ascent.iterations >= 10 * scoring.iterations


def test_logistic_regression_scoring_versus_gradient_ascent():
    d = derived("logistic-regression")
    z = RNG.normal(size=500)
    y = (RNG.random(500) < 1 / (1 + np.exp(-(0.5 + 1.2 * z)))).astype(float)
    data = {"y": y, "z": z}
    scoring = iterate(fisher_scoring_step(d), [0.0, 0.0], data)
    ascent = iterate(gradient_ascent_step(d, lr=1.0), [0.0, 0.0], data, max_iter=50_000)

    def nll(b):
        eta = b[0] + b[1] * z
        return np.sum(np.logaddexp(0, eta) - y * eta)

    ref = optimize.minimize(nll, [0.0, 0.0], method="BFGS", options={"gtol": 1e-10}).x
    assert scoring.theta == pytest.approx(ref, abs=1e-5)
    assert ascent.theta == pytest.approx(ref, abs=1e-5)
    print(f"logistic regression: scoring {scoring.iterations}, gradient ascent {ascent.iterations}")
    assert scoring.iterations <= 10 and ascent.iterations >= 10 * scoring.iterations


def test_natural_gradient_with_unit_step_is_scoring():
    d = derived("gamma-rate")
    x = RNG.gamma(2.0, 1.0, size=100)
    theta = np.array([1.5, 0.7])
    assert natural_gradient_step(d, lr=1.0)(theta, x) == pytest.approx(fisher_scoring_step(d)(theta, x), rel=1e-12)
    half = natural_gradient_step(d, lr=0.5)(theta, x)
    assert half == pytest.approx(theta + 0.5 * (fisher_scoring_step(d)(theta, x) - theta), rel=1e-12)


def test_generated_code_uses_cse():
    rule = fisher_scoring_step(derived("logistic-regression"))
    src = rule.numeric.source("fisher")
    assert src.startswith("def fisher(y, z, beta0, beta1):") and "x0 = " in src


def test_errors():
    with pytest.raises(sf.ModelError, match=r"^the step size lr must be a positive number, got 0$"):
        natural_gradient_step(derived("gamma-rate"), lr=0)
    with pytest.raises(sf.ModelError, match=r"^model gamma-rate: the start \[-1\.0, 1\.0\] is outside the parameter "
                       r"domain$"):
        iterate(fisher_scoring_step(derived("gamma-rate")), [-1.0, 1.0], np.ones(3))


def test_a_newton_step_that_descends_is_not_taken_for_convergence():
    """Plain Newton on the Rice law at (ν, σ) = (1.5, 1): −H has a negative eigenvalue and the step descends; halved
    60 times it had changed θ by 10⁻¹², within the tolerance, and iterate said "converged" at the start."""
    x = sp.Symbol("x", positive=True)
    nu, sigma = sp.symbols("nu sigma", positive=True)
    d = sf.derive(sf.Model.from_pdf(x / sigma**2 * sp.exp(-(x**2 + nu**2) / (2 * sigma**2))
                                    * sp.besseli(0, x * nu / sigma**2), x, [nu, sigma], sp.Interval(0, sp.oo),
                                    name="rice"))
    rng = np.random.default_rng(1)
    data = np.hypot(rng.normal(2.0, 0.7, 500), rng.normal(0.0, 0.7, 500))
    r = iterate(newton_step(d), [1.5, 1.0], data)
    assert not r.converged and r.iterations == 1
    np.testing.assert_allclose(r.theta, [1.5, 1.0], rtol=1e-9)
