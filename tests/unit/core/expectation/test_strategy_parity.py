"""Strategy "parity" (strategies/parity.py): an odd atom under an even density vanishes when E[sign(X)·g] closes
(absolutely) by the cheap strategies — where "symmetry" cannot bound |g| by continuity."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import GAMMA_SHAPE, apply, model, x, xr

beta = sp.Symbol("beta", positive=True)
EXP_POWER = model(beta / (2 * sp.gamma(1 / beta)) * sp.exp(-sp.Abs(xr) ** beta), xr, [beta], sp.S.Reals, "exp-power")
SKEWED = model(sp.exp(-beta * xr - sp.exp(-beta * xr)) * beta, xr, [beta], sp.S.Reals, "gumbel")


@pytest.mark.parametrize("g", [
    pytest.param(sp.Abs(xr) ** (beta - 1) * sp.sign(xr), id="not-continuous-at-0-for-beta-below-1"),
    pytest.param(sp.Abs(xr) ** (2 * beta - 1) * sp.log(sp.Abs(xr)) * sp.sign(xr), id="a-log-factor"),
])
def test_odd_atoms_vanish(g):
    r = apply("atom", "parity", EXP_POWER, g)
    assert r is not None and r.value == 0 and r.strategies[0] == "parity"
    assert r.conditions == ()  # E|g| < ∞ for every beta > 0
    assert r.detail.rule == "parity"


@pytest.mark.parametrize("m, g", [
    pytest.param(EXP_POWER, sp.Abs(xr) ** beta, id="even-atom"),
    pytest.param(SKEWED, xr, id="density-not-even"),
    pytest.param(EXP_POWER, sp.sin(xr) * sp.Abs(xr) ** beta, id="oscillating"),
    pytest.param(GAMMA_SHAPE, x, id="support-not-the-real-line"),
])
def test_does_not_apply(m, g):
    assert apply("atom", "parity", m, g) is None
