"""Strategy "integrate" (strategies/direct.py): SymPy's integrate / summation under a hard time limit,
accepted only when quadrature agrees."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import BERNOULLI, EXPONENTIAL, POISSON, apply, lam, model, n, same, x


@pytest.mark.parametrize("m, g, expected, name", [
    pytest.param(EXPONENTIAL, x, 1 / lam, "integrate", id="exponential-mean"),
    pytest.param(EXPONENTIAL, x**2, 2 / lam**2, "integrate", id="exponential-second-moment"),
    pytest.param(EXPONENTIAL, sp.exp(-x), lam / (lam + 1), "integrate", id="exponential-laplace-transform"),
    pytest.param(POISSON, n, lam, "summation", id="poisson-mean"),
])
def test_closed_forms(m, g, expected, name):
    r = apply("atom", "integrate", m, g)
    assert r.strategies == (name,)
    assert same(r.value, expected)
    assert r.detail == f"SymPy {name} of the atom"


@pytest.mark.parametrize("m, g", [
    pytest.param(BERNOULLI, n, id="finite-support"),
    pytest.param(EXPONENTIAL, 1 / x, id="divergent"),
])
def test_does_not_apply(m, g):
    assert apply("atom", "integrate", m, g) is None


J = sp.Symbol("j", integer=True, nonnegative=True)


def test_a_series_sympy_sums_is_summed_first():
    """E[Σ_j (−x)^j/j!] = E[e^(−x)] = λ/(λ + 1): SymPy sums the series, then integrates."""
    r = apply("atom", "integrate", EXPONENTIAL, sp.Sum((-x) ** J / sp.factorial(J), (J, 0, sp.oo)))
    assert r.strategies == ("integrate",)
    assert same(r.value, lam / (lam + 1))


def test_a_series_sympy_cannot_sum_is_declined_at_once():
    """Σ_j x^j/((2^j + 1) j!) has no closed form SymPy finds: the result would hold the series (SymPy does not
    interchange it with the integral), so the strategy declines without integrating, and remembers it."""
    from symfisher.core.expectation.engine import engine_for
    from symfisher.core.expectation.strategies.direct import integrate

    series = sp.Sum(x**J / ((2**J + 1) * sp.factorial(J)), (J, 0, sp.oo))
    engine = engine_for(EXPONENTIAL)
    g = series.xreplace(dict((u, d) for d, u in engine.ctx.to_user.items()))
    assert integrate(engine, g) is None
    assert [v for k, v in engine.memo.items() if k[0] == "series evaluated"] == [None]


def test_a_result_on_a_polar_branch_is_written_with_the_exponential_integral():
    """Gompertz's E[x] after u = e^{bx}: E[log U] for U − 1 ~ Exp(η) on (1, ∞) is e^η E₁(η) (Lenart 2014, "The
    moments of the Gompertz distribution"); SymPy's answer, log(η e^{iπ}) − Ei(η e^{iπ}) − log η, holds polar
    numbers, which printers and lambdify cannot take."""
    u = sp.Symbol("u", positive=True)
    shifted = model(lam * sp.exp(lam) * sp.exp(-lam * u), u, [lam], sp.Interval.open(1, sp.oo), "shifted-exponential")
    r = apply("atom", "integrate", shifted, sp.log(u))
    assert not r.value.has(sp.exp_polar)
    assert sp.simplify(r.value - sp.exp(lam) * sp.expint(1, lam)) == 0
