"""Strategy "symmetry" (strategies/symmetry.py): under a density even about 0 on ℝ, E[g(X)] = 0 for odd,
absolutely integrable g."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import EXPONENTIAL, LAPLACE_SCALE, NORMAL, NORMAL_SCALE, apply, x, xr


@pytest.mark.parametrize("model, g", [
    pytest.param(NORMAL_SCALE, xr, id="normal-first-moment"),
    pytest.param(NORMAL_SCALE, xr**3, id="normal-third-moment"),
    pytest.param(NORMAL_SCALE, xr**5 - 2 * xr, id="odd-polynomial"),
    pytest.param(LAPLACE_SCALE, sp.sign(xr), id="laplace-sign"),
    pytest.param(LAPLACE_SCALE, xr * sp.Abs(xr), id="laplace-x-abs-x"),
])
def test_odd_integrands_have_mean_zero(model, g):
    r = apply("atom", "symmetry", model, g)
    assert r.strategies == ("symmetry",)
    assert r.value == 0
    assert r.detail == "odd integrand under a density symmetric about 0"


@pytest.mark.parametrize("model, g", [
    pytest.param(NORMAL_SCALE, xr**2, id="even-integrand"),
    pytest.param(NORMAL_SCALE, xr + 1, id="neither-odd-nor-even"),
    pytest.param(NORMAL, xr, id="density-not-even"),
    pytest.param(EXPONENTIAL, x, id="support-not-the-real-line"),
    pytest.param(LAPLACE_SCALE, xr**2 * sp.sign(xr) * sp.exp(xr**2), id="not-integrable"),
])
def test_does_not_apply(model, g):
    assert apply("atom", "symmetry", model, g) is None


def test_the_strategy_answers_where_workers_come_from_a_fork_server(monkeypatch):
    """Where JAX's runtime runs, workers start from a fork server, which can only run a function it can import: the
    integrability test, a function nested in the strategy, had failed there ("Can't pickle local object")."""
    monkeypatch.setenv("SYMFISHER_START_METHOD", "forkserver")
    r = apply("atom", "symmetry", NORMAL_SCALE, xr**3)
    assert r is not None and r.value == 0
