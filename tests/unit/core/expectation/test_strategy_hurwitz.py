"""Strategy "hurwitz-zeta" (strategies/hurwitz.py): Σ C·xˢ·e^{ρx}/(e^{γx} − 1) on (0, ∞) as
Γ(s + 1)γ^{−s−1}ζ(s + 1, 1 − ρ/γ), polygamma functions at integer s."""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp

import symfisher as sf
from _strategy_cases import model, same, strategy
from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.strategies.hurwitz import hurwitz_integral, hurwitz_terms

x = sp.Symbol("x", positive=True)
alpha, lam, g = sp.symbols("alpha lambda gamma", positive=True)
POINT = {alpha: sp.Rational(7, 10), lam: sp.Rational(13, 10), g: sp.Rational(9, 4)}
#: the weighted exponential law (Gupta & Kundu 2009)
WEIGHTED = (alpha + 1) / alpha * lam * sp.exp(-lam * x) * (1 - sp.exp(-alpha * lam * x))


def _sign(e: sp.Expr) -> int:
    return 1 if e.is_positive else -1 if e.is_negative else 0


def _quad(f: sp.Expr) -> float:
    with mpmath.workdps(30):
        return float(mpmath.quad(sp.lambdify(x, f.subs(POINT), "mpmath"), [0, 1, mpmath.inf]))


@pytest.mark.parametrize("integrand", [
    pytest.param(x**2 * sp.exp(-lam * x) / (1 - sp.exp(-g * x)), id="one-minus-a-decaying-exponential"),
    pytest.param(x * sp.exp(-lam * x) / (sp.exp(g * x) - 1), id="a-growing-exponential-minus-one"),
    pytest.param(sp.sqrt(x) * sp.exp(-lam * x) / (1 - sp.exp(-g * x)), id="half-integer-power"),
    pytest.param(x**3 / (sp.exp(g * x) - 1), id="planck"),  # Γ(4)ζ(4)/γ⁴ = π⁴/(15γ⁴)
])
def test_closed_forms_agree_with_quadrature(integrand):
    value = hurwitz_integral(*hurwitz_terms(integrand, x), _sign)
    assert float(value.subs(POINT).evalf(30)) == pytest.approx(_quad(integrand), rel=1e-12)


def test_integer_powers_give_polygamma_and_planck_gives_pi_to_the_fourth():
    value = hurwitz_integral(*hurwitz_terms(x**3 / (sp.exp(g * x) - 1), x), _sign)
    assert same(value, sp.pi**4 / (15 * g**4))
    assert hurwitz_integral(*hurwitz_terms(x * sp.exp(-lam * x) / (1 - sp.exp(-g * x)), x), _sign).has(sp.polygamma)


@pytest.mark.parametrize("integrand", [sp.exp(-lam * x) / (1 - sp.exp(-g * x)),  # s = 0: diverges at 0
                                       x * sp.exp(g * x) / (sp.exp(g * x) - 1)])  # ρ = γ: diverges at ∞
def test_it_declines_what_diverges(integrand):
    assert hurwitz_integral(*hurwitz_terms(integrand, x), _sign) is None


@pytest.mark.parametrize("integrand", [x * sp.exp(-lam * x) / (1 + sp.exp(-g * x)), x * sp.exp(-lam * x) / (1 + x),
                                       x * sp.exp(-lam * x) * sp.log(x) / (1 - sp.exp(-g * x))])
def test_other_shapes_are_not_parsed(integrand):
    assert hurwitz_terms(integrand, x) is None


def test_the_weighted_exponential_atom():
    """E[x² e^{−2αλx}/(1 − e^{−αλx})²]: one factor 1 − e^{−αλx} cancels against the density, the other is the
    Hurwitz kernel with rate γ = αλ: −(α + 1)ψ″(2 + 1/α)/(α⁴λ²)."""
    ctx = Context.of(model(WEIGHTED, x, [alpha, lam], sp.Interval.open(0, sp.oo), "weighted-exponential"))
    y = ctx.data[0]
    atom = y**2 * sp.exp(-2 * alpha * lam * y) / (1 - sp.exp(-alpha * lam * y)) ** 2
    r = strategy("atom", "hurwitz-zeta")(Engine(ctx, Budget.of(10), Config()), atom)
    assert r.strategies == ("hurwitz-zeta",) and r.detail.rule == "hurwitz-zeta"
    assert same(r.value, -(alpha + 1) * sp.polygamma(2, 2 + 1 / alpha) / (alpha**4 * lam**2))


def test_the_weighted_exponential_law_closes():
    """(α + 1)/α · λe^{−λx}(1 − e^{−αλx}) (Gupta & Kundu 2009): closed and proved, I(θ) equal to quadrature, and
    I_λλ → 1/λ² as α → ∞ (the exponential law)."""
    from scipy.integrate import quad

    m = sf.Model.from_pdf(WEIGHTED, x, [alpha, lam], sp.Interval.open(0, sp.oo), name="weighted-exponential")
    d = sf.derive(m, timeout=30)
    assert d.closed and d.equality.status == "proved", dict(d.strategies)
    assert any("hurwitz-zeta" in v for v in d.strategies.values())
    point = {alpha: 0.7, lam: 1.3}
    score = [sp.lambdify(x, sp.diff(m.logpdf, t).subs(point)) for t in (alpha, lam)]
    density = sp.lambdify(x, m.density.subs(point))
    for i in range(2):
        for j in range(i, 2):
            numeric = quad(lambda v: score[i](v) * score[j](v) * density(v), 0, math.inf)[0]
            assert float(d.fisher[i, j].subs(point)) == pytest.approx(numeric, rel=1e-9)
    far = d.fisher[1, 1].subs({alpha: sp.Integer(10) ** 6, lam: 1}).evalf(50)  # SymPy's limit cannot take it
    assert float(far) == pytest.approx(1.0, rel=1e-5)
