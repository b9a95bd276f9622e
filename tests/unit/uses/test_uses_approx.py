"""Diagonal Fisher approximation and the EWC penalty."""

from __future__ import annotations

import math

import pytest
import sympy as sp
from _uses_cache import derived

import symfisher as sf
from symfisher.uses import diagonal_fisher, ewc_penalty


def test_normal_diagonal_is_exact():
    r = diagonal_fisher(derived("normal"), at={"mu": 0, "sigma": 2})
    sigma = derived("normal").params[1]
    assert r.diagonal == sp.diag(1 / sigma**2, 2 / sigma**2)
    assert r.relative_error == 0 and r.relative_error_at == 0.0


def test_gamma_rate_relative_error():
    d = derived("gamma-rate")
    alpha, beta = d.params
    r = diagonal_fisher(d, at=[2, 1])
    expected = sp.sqrt(2 / beta**2) / sp.sqrt(sp.polygamma(1, alpha) ** 2 + 2 / beta**2 + alpha**2 / beta**4)
    assert abs(sp.N(r.relative_error.subs({alpha: 3, beta: sp.Rational(1, 2)}) - expected.subs(
        {alpha: 3, beta: sp.Rational(1, 2)}), 30)) < 1e-25
    psi1 = math.pi**2 / 6 - 1
    assert r.relative_error_at == pytest.approx(math.sqrt(2 / (psi1**2 + 2 + 4)), rel=1e-12)


def test_ewc_penalty_normal():
    d = derived("normal")
    mu, sigma = d.params
    pen = ewc_penalty(d, {"mu": 1, "sigma": 2}, strength=4)
    assert sp.expand(pen.expr - 2 * ((mu - 1) ** 2 / 4 + 2 * (sigma - 2) ** 2 / 4)) == 0
    assert pen.weights == (0.25, 0.5)
    assert pen([1.0, 2.0]) == 0.0
    assert pen([3.0, 3.0]) == pytest.approx(2 * (0.25 * 4 + 0.5 * 1))


def test_ewc_penalty_regression_averages_covariates():
    d = derived("logistic-regression")
    pen = ewc_penalty(d, [0, 0], covariates={"z": [-1.0, 1.0, 3.0]})
    assert pen.weights == pytest.approx((0.25, 0.25 * (1 + 1 + 9) / 3))
    with pytest.raises(sf.ModelError, match=r"^model logistic-regression: F_beta1beta1 depends on the covariate z; "
                       r"pass covariates=\{\.\.\.\} \(arrays of the old task's covariates\)$"):
        ewc_penalty(d, [0, 0])
