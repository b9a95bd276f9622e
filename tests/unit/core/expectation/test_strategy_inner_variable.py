"""Strategy "inner-variable" (strategies/inner.py): E[f(X)] = E[F(T)] for T = g(X) when the score sees the data only
through a monotone g, so that the whole entry, not its atoms, changes variables."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

import symfisher as sf
from _strategy_cases import EXPONENTIAL, NORMAL_SCALE, apply, model, same, x, xr

mu = sp.Symbol("mu", real=True)
s = sp.Symbol("s", positive=True)
u = sp.Symbol("u", positive=True)
UNIT = sp.Interval.open(0, 1)
LOGIT = sp.log(u / (1 - u))
LOGIT_NORMAL = sf.Model.from_pdf(sp.exp(-(LOGIT - mu)**2 / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi) * u * (1 - u)),
                                 u, [mu, s], UNIT, name="logit-normal")
LOG_CAUCHY = sf.Model.from_pdf(s / (sp.pi * x * (s**2 + (sp.log(x) - mu)**2)), x, [mu, s], sp.Interval.open(0, sp.oo),
                               name="log-Cauchy")


def _quadrature_fisher(logpdf, data, params, at, lo, hi):
    """I(θ) by adaptive quadrature of the score's outer product (SciPy's QUADPACK), at the point ``at``."""
    score = sp.lambdify(data, [sp.diff(logpdf, p).subs(at) for p in params], "numpy")
    pdf = sp.lambdify(data, sp.exp(logpdf).subs(at), "numpy")
    k = len(params)
    return np.array([[integrate.quad(lambda t: score(t)[i] * score(t)[j] * pdf(t), lo, hi, limit=200)[0]
                      for j in range(k)] for i in range(k)])


def test_the_logit_normal_law_is_a_normal_law_in_the_logit():
    """log(X/(1 − X)) ~ N(μ, s²): I = diag(1/s², 2/s²), the normal law's (the information of a θ-free one-to-one map
    of the data is the same: Lehmann & Casella 1998, Theory of Point Estimation, §2.5). E[log X] alone has no closed
    form: every entry is closed whole, in t."""
    d = sf.derive(LOGIT_NORMAL)
    assert d.closed, d.strategies
    assert same(d.fisher[0, 0], 1 / s**2) and same(d.fisher[1, 1], 2 / s**2) and same(d.fisher[0, 1], 0)
    assert all(v.startswith("inner-variable") for k, v in d.strategies.items() if k[0] == "fisher")
    assert d.equality.status == "proved"
    quad = _quadrature_fisher(LOGIT_NORMAL.logpdf, u, [mu, s], {mu: 0.4, s: 0.8}, 0, 1)
    assert np.allclose(quad, [[1 / 0.64, 0], [0, 2 / 0.64]], rtol=1e-8, atol=1e-10)


def test_the_log_cauchy_law_is_a_cauchy_law_in_log_x():
    """log X ~ Cauchy(μ, s): I = diag(1/(2s²), 1/(2s²)), the Cauchy law's. Quadrature in x meets the mass spread
    over x up to e^(10⁶); the check is done in t = log x (QUADPACK over ℝ)."""
    d = sf.derive(LOG_CAUCHY)
    assert same(d.fisher[0, 0], 1 / (2 * s**2)) and same(d.fisher[1, 1], 1 / (2 * s**2)) and same(d.fisher[0, 1], 0)
    assert d.strategies[("fisher", 0, 0)].startswith("inner-variable+location-scale")
    t = sp.Symbol("t", real=True)
    in_t = sp.log(s / (sp.pi * (s**2 + (t - mu)**2)))
    quad = _quadrature_fisher(in_t, t, [mu, s], {mu: -0.3, s: 1.7}, -np.inf, np.inf)
    assert np.allclose(quad, np.eye(2) / (2 * 1.7**2), rtol=1e-8)


def test_the_entry_is_taken_in_t_with_the_density_of_t():
    r = apply("expression", "inner-variable", LOGIT_NORMAL, (sp.log(u) - sp.log(1 - u) - mu)**2)
    assert r is not None and same(r.value, s**2)
    assert "inner variable t = log(u) - log(1 - u)" in str(r.detail).replace("−", "-")


@pytest.mark.parametrize("m, f", [
    (EXPONENTIAL, x),  # the score's data part is x itself: nothing to change
    (LOGIT_NORMAL, sp.sin(u)),  # f is not a function of the logit
    (NORMAL_SCALE, xr**2),  # g = x² is not one-to-one on ℝ (two inverses ±√t)
], ids=["affine", "not-through-g", "not-monotone"])
def test_does_not_apply(m, f):
    assert apply("expression", "inner-variable", m, f) is None


def test_a_wrong_map_is_refused_by_the_numeric_check():
    """g(x) = log x on (0, 1) maps onto (−∞, 0); a density that is not normalized there fails the mass check."""
    from symfisher.core.expectation.base import Context
    from symfisher.core.expectation.strategies.inner import change

    a = sp.Symbol("a", positive=True)
    bad = model(2 * a * u**(a - 1), u, [a], UNIT, "twice too heavy")  # integrates to 2, unvalidated
    ctx = Context.of(bad)
    assert change(ctx, sp.log(ctx.data[0])) is None
    ctx = Context.of(model(a * u**(a - 1), u, [a], UNIT, "power function"))
    found = change(ctx, sp.log(ctx.data[0]))
    assert found is not None and found[2].support[found[0]] == sp.Interval.open(-sp.oo, 0)


def test_the_ends_of_the_map_are_limits_taken_term_by_term_unless_infinities_cancel():
    from symfisher.core.expectation.strategies.inner import _limit

    v = sp.Dummy("v", positive=True)
    assert _limit(sp.log(v) - sp.log(1 - v), v, 0, "+") == -sp.oo
    assert _limit(sp.log(v) - sp.log(1 - v), v, 1, "-") == sp.oo
    assert _limit(sp.log(v) - sp.log(2 * v) + v, v, 0, "+") == -sp.log(2)  # ∞ − ∞: SymPy's limit of the whole
