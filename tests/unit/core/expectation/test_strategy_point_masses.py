"""Strategy "point-masses" (strategies/point_masses.py): a count law with Eq(k, c) branches is its point masses
plus the "otherwise" branch extended to the whole support, whose expectations come from the engine."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import POISSON, apply, lam, model, n, p, same

ZIP = model(sp.Piecewise((p + (1 - p) * sp.exp(-lam), sp.Eq(n, 0)), ((1 - p) * sp.exp(-lam) * lam**n / sp.factorial(n),
                                                                       True)),
            n, [p, lam], sp.S.Naturals0, "zero-inflated-poisson")
HURDLE = model(sp.Piecewise((p, sp.Eq(n, 0)), ((1 - p) * lam**n / ((sp.exp(lam) - 1) * sp.factorial(n)), True)),
               n, [p, lam], sp.S.Naturals0, "hurdle-poisson")
NOT_NORMALIZED = model(sp.Piecewise((p, sp.Eq(n, 0)), (sp.exp(-lam) * lam**n / sp.factorial(n), True)),
                       n, [p, lam], sp.S.Naturals0, "mass-1-plus-p-minus-e^-lambda")


@pytest.mark.parametrize("m, f, expected", [
    pytest.param(ZIP, n, (1 - p) * lam, id="zip-mean"),
    pytest.param(ZIP, n**2, (1 - p) * (lam + lam**2), id="zip-second-moment"),
    pytest.param(ZIP, sp.Piecewise((1, sp.Eq(n, 0)), (0, True)), p + (1 - p) * sp.exp(-lam), id="zip-zeros"),
    # E[K] of the hurdle law: (1 − p) times the zero-truncated Poisson mean λ/(1 − e^{−λ})
    pytest.param(HURDLE, n, (1 - p) * lam / (1 - sp.exp(-lam)), id="hurdle-mean"),
])
def test_closed_forms(m, f, expected):
    r = apply("expression", "point-masses", m, f)
    assert r is not None and r.closed and r.strategies[0] == "point-masses"
    assert same(r.value, expected), r.value


def test_detail_names_the_point_masses_and_the_law_of_the_rest():
    r = apply("expression", "point-masses", ZIP, n)
    assert r.detail.startswith("point masses n = 0 (mass p + (1 - p)*exp(-lambda)); the last branch, summed over the "
                               "whole support, has mass 1 - p and, divided by it, the law "
                               "lambda**n*exp(-lambda)/factorial(n)"), r.detail


@pytest.mark.parametrize("m", [
    pytest.param(POISSON, id="no-piecewise"),
    pytest.param(NOT_NORMALIZED, id="masses-do-not-sum-to-one"),
])
def test_does_not_apply(m):
    assert apply("expression", "point-masses", m, n) is None


def test_kronecker_deltas_become_point_mass_branches():
    """Model.from_pdf on a discrete support writes KroneckerDelta(k, c) as Eq(k, c) branches (indicators.py)."""
    written = p * sp.KroneckerDelta(n, 0) + (1 - sp.KroneckerDelta(n, 0)) * (
        (1 - p) * sp.exp(-lam) * lam**n / sp.factorial(n) / (1 - sp.exp(-lam)))
    m = model(written, n, [p, lam], sp.S.Naturals0, "hurdle-poisson-with-deltas")
    assert m.density == sp.Piecewise((p, sp.Eq(n, 0)), ((1 - p) * sp.exp(-lam) * lam**n / sp.factorial(n)
                                                          / (1 - sp.exp(-lam)), True))
    r = apply("expression", "point-masses", m, n)
    assert r is not None and same(r.value, (1 - p) * lam / (1 - sp.exp(-lam)))


def test_kronecker_deltas_stay_on_a_continuous_support():
    xr, mu = sp.Symbol("x", real=True), sp.Symbol("mu", real=True)
    density = (1 + sp.KroneckerDelta(xr, 0)) * sp.exp(-(xr - mu) ** 2 / 2) / sp.sqrt(2 * sp.pi)
    assert model(density, xr, [mu], sp.S.Reals, "continuous").density == density
