"""Strategy "meijer-g" (strategies/meijerg.py): SymPy's Meijer-G integration of an atom under a small hard limit,
accepted only when quadrature agrees."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import EXPONENTIAL, LAPLACE, UNIFORM, apply, lam, x, xr


def test_exponential_integral_weight():
    # E[1/(1 + X)] for X ~ Exponential(λ) is λ e^λ E₁(λ) (Abramowitz & Stegun 5.1.28 with t = 1 + x)
    r = apply("atom", "meijer-g", EXPONENTIAL, 1 / (1 + x))
    assert r is not None and r.strategies == ("meijer-g",) and r.detail.rule == "meijer-g"
    value = float(r.value.subs(lam, 1.7).evalf())
    assert value == pytest.approx(float(1.7 * mpmath.exp(1.7) * mpmath.e1(1.7)), rel=1e-10)


@pytest.mark.parametrize("m, g", [
    pytest.param(LAPLACE, sp.Abs(xr), id="absolute-values-are-left-to-other-strategies"),
    pytest.param(UNIFORM, x, id="support-depends-on-theta"),
])
def test_does_not_apply(m, g):
    assert apply("atom", "meijer-g", m, g) is None
