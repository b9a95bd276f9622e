"""Strategy "dirac" (strategies/dirac.py): the sifting property E[h(X)·δ(aX + c)] = h(x₀)·p(x₀)/|a|."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import BERNOULLI, LAPLACE, UNIFORM, apply, b, mu, n, same, theta, x, xr


@pytest.mark.parametrize("g, expected", [
    pytest.param(sp.DiracDelta(xr - mu), 1 / (2 * b), id="laplace-density-at-mu"),
    pytest.param(xr * sp.DiracDelta(xr - mu), mu / (2 * b), id="times-a-function"),
    pytest.param(sp.DiracDelta(2 * xr - 2 * mu), 1 / (4 * b), id="scaled-argument"),
    pytest.param(sp.DiracDelta(mu - xr) / b, 1 / (2 * b**2), id="laplace-minus-expected-hessian"),
])
def test_closed_forms(g, expected):
    r = apply("atom", "dirac", LAPLACE, g)
    assert r.strategies == ("dirac",)
    assert same(r.value, expected)


def test_detail_states_the_point():
    r = apply("atom", "dirac", LAPLACE, sp.DiracDelta(xr - mu))
    assert r.detail.startswith("sifting property: ") and r.detail.endswith(" at x = mu")


@pytest.mark.parametrize("model, g", [
    pytest.param(LAPLACE, xr, id="no-delta"),
    pytest.param(LAPLACE, sp.DiracDelta(xr - mu) * sp.DiracDelta(xr + mu), id="two-deltas"),
    pytest.param(LAPLACE, sp.DiracDelta(xr**2 - mu), id="nonlinear-argument"),
    pytest.param(LAPLACE, sp.DiracDelta(xr - mu, 1), id="derivative-of-delta"),
    pytest.param(UNIFORM, sp.DiracDelta(x - theta), id="root-on-the-boundary"),
    pytest.param(UNIFORM, sp.DiracDelta(x - 2 * theta), id="root-outside-the-support"),
    pytest.param(BERNOULLI, sp.DiracDelta(n), id="discrete"),
])
def test_does_not_apply(model, g):
    assert apply("atom", "dirac", model, g) is None


shape = sp.Symbol("beta", positive=True)


@pytest.mark.parametrize("g, expected, conditions", [
    pytest.param(sp.Abs(xr - mu)**shape / sp.Abs(xr - mu) * sp.DiracDelta(xr - mu), 0, (shape > 1,),
                 id="vanishing-power-of-a-symbolic-shape"),
    pytest.param(sp.Abs(mu - xr)**(shape + 1) / (xr - mu) * sp.DiracDelta(xr - mu), 0, (),
                 id="vanishing-power-whatever-the-shape"),
    pytest.param(sp.Abs(xr - mu) * sp.sign(xr - mu)**2 / (xr - mu)**2 * sp.Abs(xr - mu)**2 * sp.DiracDelta(xr - mu),
                 0, (), id="bounded-sign-factors"),
])
def test_a_vanishing_power_at_the_root_is_zero_under_its_condition(g, expected, conditions):
    """The generalized normal's −∂²/∂μ² log p holds β|x − μ|^(β−1)·δ(x − μ): 0 for β > 1 (where −E[H] exists)."""
    r = apply("atom", "dirac", LAPLACE, g)
    assert r.value == expected and r.conditions == conditions


@pytest.mark.parametrize("g", [
    pytest.param(sp.DiracDelta(xr - mu) / sp.Abs(xr - mu), id="infinite-power"),
    pytest.param(sp.Abs(xr - mu)**(-shape) * sp.DiracDelta(xr - mu), id="negative-symbolic-power"),
])
def test_an_infinite_value_at_the_root_is_declined(g):
    assert apply("atom", "dirac", LAPLACE, g) is None


def test_a_root_inside_a_bounded_support_by_the_parameter_domain():
    """The Laplace law truncated to [−1, 1] with its location μ ∈ (−1, 1) declared as a domain (no assumption says
    it): the root μ is inside, so E[δ(x − μ)] = p(μ) = 1/Z. Before, only assumptions were read and the strategy
    declined: the truncated Laplace was inconclusive; it is proved, I(0.3) = 0.9668662929666 as quadrature gives."""
    import symfisher as sf

    mass = 2 - sp.exp(-(1 + mu)) - sp.exp(-(1 - mu))
    density = sp.Piecewise((sp.exp(-(xr - mu)), xr >= mu), (sp.exp(xr - mu), True)) / mass
    m = sf.Model.from_pdf(density, xr, [mu], sp.Interval(-1, 1), domain={mu: sp.Interval.open(-1, 1)})
    r = apply("atom", "dirac", m, sp.DiracDelta(xr - mu))
    assert r is not None and same(r.value, 1 / mass)
    assert apply("atom", "dirac", m, sp.DiracDelta(xr - mu - 3)) is None  # μ + 3 > 1: outside
    d = sf.derive(m)
    assert d.equality.status == "proved", d.equality.reason
    assert float(d.fisher[0, 0].subs(mu, sp.Rational(3, 10))) == pytest.approx(0.96686629296663, rel=1e-12)
