"""Strategy "trigonometric" (strategies/trigonometric.py): on a bounded interval, f·p as a polynomial in x, cos φ and
sin φ for one angle φ (sin² = 1 − cos²), integrated by SymPy term by term; at the expression level (the whole E[f])
and on one atom."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy.integrate import quad

from _strategy_cases import apply, model, mu, same, sigma, strategy, theta, xr
from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.strategies.standardize import find
from symfisher.core.model import Model
from symfisher.core.expectation.strategies.trigonometric import (circle_integral, integral, one_angle,
                                                                  trigonometric_polynomial)

u = sp.Symbol("u", real=True)
C, S = sp.symbols("C S")
# the raised-cosine law on [μ − σ, μ + σ] and its standard form on [−1, 1]
RAISED = model((1 + sp.cos(sp.pi * (xr - mu) / sigma)) / (2 * sigma), xr, [mu, sigma],
               sp.Interval(mu - sigma, mu + sigma), "raised-cosine")
# the cardioid law on [−π, π]: a constant plus a cosine, θ ∈ (0, 1/2)
CARDIOID = Model.from_pdf((1 + 2 * theta * sp.cos(xr)) / (2 * sp.pi), xr, [theta], sp.Interval(-sp.pi, sp.pi),
                          domain={theta: sp.Interval.open(0, sp.Rational(1, 2))}, name="cardioid", validate=False)
tan_half = sp.sin(sp.pi * u) / (1 + sp.cos(sp.pi * u))  # tan(πu/2)


def standard(level: str, f: sp.Expr):
    """The strategy on E[f(U)] under the standard raised cosine (1 + cos πu)/2 on [−1, 1], the location-scale
    strategy's standardized model of RAISED."""
    _, _, ctx = find(Context.of(RAISED))
    assert ctx.support == {ctx.data[0]: sp.Interval(-1, 1)}
    y = ctx.data[0]
    r = strategy(level, "trigonometric")(Engine(ctx, Budget.of(10), Config()), f.xreplace({u: y}))
    return None if r is None else r.value.xreplace({y: u})


def _quadrature(f, lo=-1.0, hi=1.0):
    g = sp.lambdify(u, f * (1 + sp.cos(sp.pi * u)) / 2)
    return quad(g, lo + 1e-12, hi - 1e-12, limit=200)[0]


@pytest.mark.parametrize("f, expected", [
    pytest.param(u**2, sp.Rational(1, 3) - 2 / sp.pi**2, id="variance"),  # s²(1/3 − 2/π²), Wikipedia "Raised cosine"
    pytest.param(tan_half**2, sp.Integer(1), id="E-tan-squared-half-angle"),
    pytest.param(u**2 * tan_half**2, sp.Rational(1, 3) + 2 / sp.pi**2, id="with-a-power-of-u"),
    pytest.param(u * tan_half, 1 / sp.pi, id="odd-times-odd"),
    pytest.param(sp.tan(sp.pi * u / 2) ** 2, sp.Integer(1), id="tangent-at-half-the-angle"),
    pytest.param(sp.cos(sp.pi * (2 * u - 1)) * sp.cos(sp.pi * u), -sp.Rational(1, 4), id="a-multiple-with-an-offset"),
])
def test_atoms_under_the_standard_raised_cosine(f, expected):
    value = standard("atom", f)
    assert same(value, expected)
    assert float(expected) == pytest.approx(_quadrature(f), rel=1e-9, abs=1e-12)


def test_a_whole_entry_whose_parts_diverge():
    """E[(πu tan(πu/2) − 1)²] = 1 + π²/3 (σ² I_σσ of the raised cosine), while the split of the score the engine
    differentiates, (πu sin πu − cos πu − 1)²/(1 + cos πu)², has E[1/(1 + cos πu)²] = ∞ among its parts."""
    f = (sp.pi * u * tan_half - 1) ** 2
    value = standard("expression", f)
    assert same(value, 1 + sp.pi**2 / 3)
    assert float(value) == pytest.approx(_quadrature(f), rel=1e-9)
    assert standard("atom", 1 / (1 + sp.cos(sp.pi * u)) ** 2) is None  # that part: 1/(1 + cos πu) is no polynomial


def test_a_support_that_moves_with_the_parameters():
    """The raised cosine's I_μμ = π²/σ², integrated over [μ − σ, μ + σ] with symbolic ends."""
    score_mu = sp.diff(sp.log(1 + sp.cos(sp.pi * (xr - mu) / sigma)), mu)
    r = apply("expression", "trigonometric", RAISED, score_mu**2)
    assert same(r.value, sp.pi**2 / sigma**2)


def test_the_cardioid_by_residues():
    """E[cos X] = θ under the cardioid law (a trigonometric polynomial); its score 2cos x/(1 + 2θ cos x) keeps a
    denominator in cos x: over the whole period [−π, π], by residues at z = (√(1 − 4θ²) − 1)/(2θ), inside the unit
    circle for θ < 1/2: I(θ) = (1/√(1 − 4θ²) − 1)/θ², here against quadrature at θ = 0.3."""
    assert same(apply("atom", "trigonometric", CARDIOID, sp.cos(xr)).value, theta)
    score = 2 * sp.cos(xr) / (1 + 2 * theta * sp.cos(xr))
    r = apply("expression", "trigonometric", CARDIOID, score**2)
    assert same(r.value, (1 / sp.sqrt(1 - 4 * theta**2) - 1) / theta**2)
    assert "residues" in str(r.detail)
    f = sp.lambdify(xr, (score**2 * (1 + 2 * theta * sp.cos(xr)) / (2 * sp.pi)).subs(theta, 0.3))
    assert float(r.value.subs(theta, 0.3)) == pytest.approx(quad(f, -np.pi, np.pi)[0], rel=1e-12)


def test_the_wrapped_cauchy_law():
    """The wrapped Cauchy law (1 − ρ²)/(2π(1 + ρ² − 2ρ cos(x − μ))) on [−π, π]: I = diag(2ρ², 2)/(1 − ρ²)², the
    information of Kent and Tyler (1988, J. Appl. Statist. 15), from the whole derivation, and against quadrature."""
    import symfisher as sf

    rho = sp.Symbol("rho", positive=True)
    density = (1 - rho**2) / (2 * sp.pi * (1 + rho**2 - 2 * rho * sp.cos(xr - mu)))
    m = sf.Model.from_pdf(density, xr, [mu, rho], sp.Interval(-sp.pi, sp.pi), domain={rho: sp.Interval.open(0, 1)})
    d = sf.derive(m)
    assert same(d.fisher[0, 0], 2 * rho**2 / (1 - rho**2) ** 2) and d.fisher[0, 1] == 0
    assert same(d.fisher[1, 1], 2 / (1 - rho**2) ** 2)
    assert d.equality.status == "proved" and "trigonometric" in d.strategies[("fisher", 1, 1)]
    p = sp.lambdify(xr, density.subs({mu: 0.4, rho: 0.6}))
    s_rho = sp.lambdify(xr, sp.diff(sp.log(density), rho).subs({mu: 0.4, rho: 0.6}))
    assert quad(lambda v: s_rho(v) ** 2 * p(v), -np.pi, np.pi)[0] == pytest.approx(2 / 0.64**2, rel=1e-10)


def test_circle_integral_places_the_poles_by_the_parameter_points():
    """The Poisson kernel ∫ dφ/(1 − 2r cos φ + r²) = 2π/(1 − r²) for |r| < 1; a pole that moves across the circle
    between the points, or lies on it, gives no answer."""
    r = sp.Symbol("r", positive=True)
    kernel = 1 / (1 - 2 * r * C + r**2)
    assert same(circle_integral(kernel, C, S, [{r: 0.3}, {r: 0.9}]), 2 * sp.pi / (1 - r**2))
    assert same(circle_integral(kernel, C, S, [{r: 2.0}, {r: 3.0}]), 2 * sp.pi / (r**2 - 1))
    assert circle_integral(kernel, C, S, [{r: 0.5}, {r: 2.0}]) is None
    assert circle_integral(kernel, C, S, [{r: 1.0}]) is None


@pytest.mark.parametrize("f", [
    pytest.param(sp.cos(sp.sqrt(2) * sp.pi * u), id="no-common-angle"),
    pytest.param(sp.cos(sp.pi * u**2), id="an-angle-not-linear-in-x"),
    pytest.param(sp.exp(sp.cos(sp.pi * u)), id="not-a-rational-function-of-the-cosine"),
])
def test_does_not_apply(f):
    assert standard("atom", f) is None


def test_does_not_apply_on_an_unbounded_support():
    normal = model(sp.exp(-(xr - mu)**2 / 2) / sp.sqrt(2 * sp.pi), xr, [mu], sp.S.Reals, "normal")
    assert apply("atom", "trigonometric", normal, sp.cos(xr)) is None


def test_one_angle_expands_multiples_and_offsets():
    x = sp.Symbol("x")
    R, phi = one_angle(sp.cos(2 * x + sp.pi) * sp.tan(x), x, C, S)
    assert phi == x and sp.simplify(R - (1 - 2 * C**2) * S / C) == 0


def test_the_conjugate_clears_a_sine_from_the_denominator():
    """S/(1 + S) = S(1 − S)/(1 − S²) = (S − S²)/C² = (S − 1 + C²)/C²: a denominator in C remains, so declined; and
    (1 − S²)/(1 + S) = 1 − S after the reduction."""
    x = sp.Symbol("x")
    assert trigonometric_polynomial(S / (1 + S), x, C, S) is None
    assert trigonometric_polynomial(C**2 / (1 + S), x, C, S) == 1 - S


def test_no_residues_for_an_essential_singularity():
    """exp(κ cos φ) = exp(κ(z + 1/z)/2) has an essential singularity at z = 0: not a rational function of cos φ, so
    the von Mises law's E[1] is not summed by residues."""
    kappa = sp.Symbol("kappa", positive=True)
    density = sp.exp(kappa * sp.cos(xr)) / (2 * sp.pi * sp.besseli(0, kappa))
    assert integral(density, xr, -sp.pi, sp.pi, [{kappa: 0.5}, {kappa: 2.0}]) is None
