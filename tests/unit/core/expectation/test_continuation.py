"""Closed forms found under the conditions of their parts, continued to the whole parameter domain where the whole
integrand converges (symfisher.core.expectation.continuation), and kept under their conditions where it does not."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

import symfisher as sf
from _strategy_cases import engine_for
from symfisher.core.expectation.continuation import _leading, meromorphic, open_conditions

a, c = sp.symbols("a c", positive=True)
x = sp.Symbol("x", positive=True)
u = sp.Symbol("u", positive=True)
POSITIVE = {a: sp.Interval.open(0, sp.oo)}


@pytest.fixture(scope="module")
def exponentiated_exponential() -> sf.Derivation:
    """Gupta & Kundu (2001): p = (a/c)(1 − e^{−x/c})^{a−1} e^{−x/c}. E[s_c²] splits into parts that converge for
    a > 2 only; s_c² p ~ (a³/c^(a+2)) x^(a−1) near 0 and decays exponentially, so I_cc is finite for every a > 0."""
    m = sf.Model.from_pdf(a / c * (1 - sp.exp(-x / c)) ** (a - 1) * sp.exp(-x / c), x, [a, c],
                          sp.Interval.open(0, sp.oo), name="exponentiated-exponential")
    return sf.derive(m, timeout=60)


def _quadrature(d: sf.Derivation, i: int, j: int, point: dict) -> float:
    """E[s_i s_j] at ``point`` by mpmath's tanh-sinh quadrature (the density's x^(a − 1) at 0 included)."""
    score = [sp.lambdify(x, sp.diff(d.model.logpdf, p).subs(point), "mpmath") for p in (a, c)]
    density = sp.lambdify(x, d.model.density.subs(point), "mpmath")
    with mpmath.workdps(20):
        return float(mpmath.quad(lambda v: score[i](v) * score[j](v) * density(v), [0, 1, mpmath.inf]))


def test_the_exponentiated_exponential_information_holds_for_every_shape(exponentiated_exponential):
    d = exponentiated_exponential
    assert d.closed and not d.conditions and not d.entry_conditions
    assert d.equality.status == "proved" and "valid only" not in str(d.equality)
    detail = next(str(s.detail) for s in d.steps if s.stage == "fisher" and s.label == "E[s_c s_c]")
    assert "the parts converge for a > 2" in detail and "analytic continuation" in detail
    fisher = d.lambdify().fisher
    for shape in (0.5, 1.5, 3.0):  # below, between and above the parts' a > 2 and the pole a = 1 of I_ac
        point = {a: shape, c: 1.3}
        numeric = fisher(shape, 1.3)
        for i, j in ((0, 0), (0, 1), (1, 1)):
            assert numeric[i, j] == pytest.approx(_quadrature(d, i, j, point), rel=1e-8)


def test_the_pole_inside_the_domain_is_removable(exponentiated_exponential):
    """I_cc has (a − 2) in its denominator; continued past a = 2 its limit there is finite: (4ζ(3) − 3)/c²."""
    i_cc = exponentiated_exponential.fisher[1, 1]
    assert sp.limit(i_cc, a, 2) == (4 * sp.zeta(3) - 3) / c**2


def test_the_numeric_information_at_the_removable_points_is_the_limit(exponentiated_exponential):
    """At a = 1 (the exponential law) I_ac is 0/0 as written, at a = 2 I_cc: the numeric functions give the limits,
    (π²/6 − 1)/c and (4ζ(3) − 3)/c², not ±inf or NaN; beside them the closed form itself."""
    fisher = exponentiated_exponential.lambdify().fisher
    at_one, at_two = fisher(1.0, 1.3), fisher(2.0, 1.3)
    assert at_one[0, 1] == pytest.approx(float(sp.pi**2 / 6 - 1) / 1.3, rel=1e-14)
    assert at_two[1, 1] == pytest.approx(float(4 * sp.zeta(3) - 3) / 1.3**2, rel=1e-14)
    assert fisher(2.5, 1.3)[1, 1] == pytest.approx(_quadrature(exponentiated_exponential, 1, 1, {a: 2.5, c: 1.3}),
                                                   rel=1e-8)


def test_parts_that_diverge_with_the_whole_keep_their_conditions():
    """E[1/u² + 1/u] under a·u^(a−1) on (0, 1): the parts hold for a > 2 and a > 1, and the whole integrand is of
    order u^(a − 3) at 0: it diverges for a ≤ 2 too, so the conditions stay."""
    engine = engine_for(sf.Model.from_pdf(a * u ** (a - 1), u, [a], sp.Interval.open(0, 1), name="power"))
    t = engine.ctx.data[0]
    result = engine.expect(1 / t**2 + 1 / t)
    assert result.closed and sp.simplify(result.value - (a / (a - 2) + a / (a - 1))) == 0
    assert result.conditions == (a > 2,)


def test_only_meromorphic_closed_forms_are_continued():
    assert meromorphic(sp.polygamma(1, a) / (a - 2) + sp.zeta(3) * sp.gamma(a) ** 2, POSITIVE)
    assert meromorphic(sp.sqrt(a) * sp.log(a) + a ** (a - 1), POSITIVE)  # powers and logarithms of a > 0
    assert not meromorphic(sp.log(a - 1), POSITIVE)  # a branch point at a = 1
    assert not meromorphic(sp.sqrt(a - 2), POSITIVE)
    assert not meromorphic(sp.Abs(a - 1), POSITIVE)
    assert not meromorphic(sp.Piecewise((a, a > 1), (1, True)), POSITIVE)
    assert not meromorphic(sp.polygamma(a, 2), POSITIVE)  # an order that moves with θ


def test_the_leading_order_is_found_factor_by_factor():
    t = sp.Symbol("t", positive=True)
    assert _leading(sp.exp(-t + a * sp.log(1 - sp.exp(-t))) / (sp.exp(t) - 1) ** 2, t) == (1, a - 2)
    coefficient, order = _leading((t / c) ** (a - 1), t)
    assert sp.simplify(coefficient - c ** (1 - a)) == 0 and order == a - 1
    assert _leading(sp.exp(1 / t), t) is None


def test_only_strict_inequalities_bound_an_open_set():
    assert open_conditions((a > 2, a < 5))
    assert not open_conditions((a >= 2,)) and not open_conditions(())
