"""Strategy "gaussian" (strategies/gaussian.py): polynomial moments of multivariate Gaussian data by Stein's
identity."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import NORMAL, apply, same, xr
from symfisher.core.model import Model

x1, x2 = sp.symbols("x1 x2", real=True)
m1, m2 = sp.symbols("mu1 mu2", real=True)
rho = sp.Symbol("rho", real=True)
REALS2 = ((x1, sp.S.Reals), (x2, sp.S.Reals))
TWO_MEANS = Model(-(x1 - m1) ** 2 / 2 - (x2 - m2) ** 2 / 2 - sp.log(2 * sp.pi), (x1, x2), (m1, m2), REALS2,
                  name="two-means")
CORRELATED = Model(-(x1**2 - 2 * rho * x1 * x2 + x2**2) / (2 * (1 - rho**2)) - sp.log(2 * sp.pi)
                   - sp.log(1 - rho**2) / 2, (x1, x2), (rho,), REALS2, domain=((rho, sp.Interval.open(-1, 1)),),
                   name="correlated")


@pytest.mark.parametrize("model, f, expected", [
    pytest.param(TWO_MEANS, x1, m1, id="mean"),
    pytest.param(TWO_MEANS, x1 * x2, m1 * m2, id="independent-product"),
    pytest.param(TWO_MEANS, (x1 - m1) ** 2, 1, id="variance"),
    pytest.param(TWO_MEANS, (x1 - m1) ** 4, 3, id="fourth-central-moment"),
    pytest.param(TWO_MEANS, (x1 - m1) ** 3 * (x2 - m2), 0, id="odd-central-moment"),
    pytest.param(TWO_MEANS, x1**2 * x2**2, (1 + m1**2) * (1 + m2**2), id="raw-fourth-moment"),
    pytest.param(CORRELATED, x1 * x2, rho, id="covariance"),
    pytest.param(CORRELATED, x1**2 * x2**2, 1 + 2 * rho**2, id="isserlis"),
])
def test_closed_forms(model, f, expected):
    r = apply("expression", "gaussian", model, f)
    assert r.strategies == ("gaussian",)
    assert same(r.value, expected)
    assert r.detail.startswith("Gaussian data: moments by Stein's identity")


@pytest.mark.parametrize("model, f", [
    pytest.param(NORMAL, xr, id="one-variable"),
    pytest.param(TWO_MEANS, sp.exp(x1), id="not-a-polynomial"),
    pytest.param(Model(-(x1 - m1) ** 2 / 2 - sp.Abs(x2 - m2), (x1, x2), (m1, m2), REALS2), x1, id="not-quadratic"),
])
def test_does_not_apply(model, f):
    assert apply("expression", "gaussian", model, f) is None
