"""Strategy "gaussian-parts" (strategies/gaussian.py): Gaussian data whose precision P is not inverted;
E[(P(x − m))_a h(x)] = E[∂h/∂x_a] by integration by parts."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import apply, same
from symfisher.core.model import Model

x1, x2 = sp.symbols("x1 x2", real=True)
m1, m2 = sp.symbols("mu1 mu2", real=True)
a = sp.Symbol("a", real=True)  # a precision SymPy cannot sign: the moment strategy ("gaussian") declines
REALS2 = ((x1, sp.S.Reals), (x2, sp.S.Reals))
PRECISION = Model(-a * (x1 - m1) ** 2 / 2 - (x2 - m2) ** 2 / 2 + sp.log(a) / 2 - sp.log(2 * sp.pi), (x1, x2), (m1, m2),
                  REALS2, name="unsigned-precision")
TWO_MEANS = Model(-(x1 - m1) ** 2 / 2 - (x2 - m2) ** 2 / 2 - sp.log(2 * sp.pi), (x1, x2), (m1, m2), REALS2,
                  name="two-means")
S1, S2 = a * x1 - a * m1, x2 - m2  # the scores of μ1, μ2: rows of P(x − m)


@pytest.mark.parametrize("f, expected", [
    pytest.param(S1**2, a, id="fisher-11-is-P11"),
    pytest.param(S2**2, 1, id="fisher-22-is-P22"),
    pytest.param(S1 * S2, 0, id="fisher-12-is-P12"),
    pytest.param(S1, 0, id="score-mean"),
    pytest.param(S1**2 * S2**2, a, id="product-of-squares"),
])
def test_closed_forms(f, expected):
    r = apply("expression", "gaussian-parts", PRECISION, f)
    assert r.strategies == ("gaussian",)  # recorded under the family's name, as the moment strategy does
    assert same(r.value, expected)
    assert r.detail.startswith("Gaussian data, integration by parts")


@pytest.mark.parametrize("model, f", [
    pytest.param(TWO_MEANS, (x1 - m1) ** 2, id="moment-strategy-applies"),
    pytest.param(PRECISION, sp.exp(x1), id="not-a-polynomial"),
    pytest.param(PRECISION, x1 + x2, id="not-a-row-of-the-precision"),
])
def test_does_not_apply(model, f):
    assert apply("expression", "gaussian-parts", model, f) is None
