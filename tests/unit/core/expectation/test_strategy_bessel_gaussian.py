"""Strategy "bessel-gaussian" (strategies/bessel_gaussian.py): Σ C·x^{μ−1}·e^{−px²}·B_ν(cx) on (0, ∞), B = I or J, by
Weber's first exponential integral (Gradshteyn & Ryzhik 6.631.1), Kummer's function written out where it reduces."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import model, same, strategy
from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.strategies.bessel_gaussian import weber_integral, weber_terms
from symfisher.core.special_forms import adjacent_bessel_orders

x = sp.Symbol("x", positive=True)
a, s, lam = sp.symbols("a s lamda", positive=True)
POINT = {a: sp.Rational(13, 10), s: sp.Rational(7, 10), lam: sp.Rational(9, 5)}
#: the Rice law in a = ν and s = σ² (Rice 1944): x/σ² e^{−(x² + ν²)/(2σ²)} I₀(xν/σ²)
RICE = x / s * sp.exp(-(x**2 + a**2) / (2 * s)) * sp.besseli(0, a * x / s)
#: the noncentral χ² law with 4 degrees of freedom as it is written, ½ e^{−(x + λ)/2} (x/λ)^{1/2} I₁(√(λx))
NONCENTRAL_CHI2 = sp.exp(-(x + lam) / 2) * sp.sqrt(x / lam) * sp.besseli(1, sp.sqrt(lam * x)) / 2


def _sign(e: sp.Expr) -> int:
    return 1 if e.is_positive else -1 if e.is_negative else 0


def _quad(f: sp.Expr) -> float:
    return float(mpmath.quad(sp.lambdify(x, f.subs(POINT), "mpmath"), [0, 1, 4, mpmath.inf]))


@pytest.mark.parametrize("bessel", [sp.besseli, sp.besselj])
@pytest.mark.parametrize("mu, nu", [(4, 0), (3, 1), (sp.Rational(5, 2), sp.Rational(17, 10)), (1, 2),
                                    (sp.Rational(1, 2), sp.Rational(3, 10))])
def test_weber_integral_agrees_with_quadrature(bessel, mu, nu):
    integrand = 3 * x ** (mu - 1) * sp.exp(-a * x**2 + 2) * bessel(nu, lam * x)
    value = weber_integral(weber_terms(integrand, x), _sign)
    assert float(value.subs(POINT)) == pytest.approx(_quad(integrand), rel=1e-12)


@pytest.mark.parametrize("g, moment", [(x**2, a**2 + 2 * s), (x**4, a**4 + 8 * a**2 * s + 8 * s**2),
                                       (x * sp.besseli(1, a * x / s) / sp.besseli(0, a * x / s), a)])
def test_the_rice_moments_are_the_literature_values(g, moment):
    """E[R²] = ν² + 2σ², E[R⁴] = ν⁴ + 8ν²σ² + 8σ⁴ (Rice 1944), and E[R I₁/I₀] = ν, the score's mean."""
    value = weber_integral(weber_terms(g * RICE, x), _sign)
    assert same(value, moment)
    assert not value.has(sp.hyper)


def test_a_half_power_argument_is_substituted_first():
    """The noncentral χ² law with k = 4: E[X] = k + λ and E[X²] = 2(k + 2λ) + (k + λ)² (Johnson, Kotz & Balakrishnan
    1995, ch. 29), after u = √x."""
    k = 4
    assert same(weber_integral(weber_terms(x * NONCENTRAL_CHI2, x), _sign), k + lam)
    assert same(weber_integral(weber_terms(x**2 * NONCENTRAL_CHI2, x), _sign), 2 * (k + 2 * lam) + (k + lam) ** 2)


def test_a_non_elementary_kummer_function_is_kept_and_right():
    """E[R] of the Rice law: σ√(π/2) L_{1/2}(−ν²/(2σ²)), Bessel functions of ν²/(4σ²) (Rice 1944)."""
    value = weber_integral(weber_terms(x * RICE, x), _sign)
    assert value.has(sp.besseli)
    assert float(value.subs(POINT)) == pytest.approx(_quad(x * RICE), rel=1e-12)


@pytest.mark.parametrize("integrand", [
    x * sp.exp(-a * x**2),                                            # no Bessel factor: the Euler integrals'
    x * sp.exp(-a * x**2 - x) * sp.besseli(0, lam * x),               # a linear term in the exponent
    x * sp.exp(-a * x**2) * sp.besseli(0, lam * x) * sp.besseli(1, lam * x),  # two Bessel factors
    x * sp.exp(-a * x**2) * sp.besseli(0, lam * x + 1),               # an argument not c·xʰ
    x * sp.exp(-a * x**2) * sp.besseli(x, lam),                        # the order holds the data
    x * sp.exp(-a * x**2) * sp.besseli(0, lam * x) / (1 + x),          # another factor
    x * sp.exp(-a * x**2) * sp.besseli(0, lam * x) * sp.besselj(0, lam * sp.sqrt(x)),  # two powers of x
])
def test_other_shapes_are_not_parsed(integrand):
    assert weber_terms(integrand, x) is None


def test_it_declines_unproved_signs_negative_orders_and_divergence_at_zero():
    c = sp.Symbol("c", real=True)
    assert weber_integral(weber_terms(x * sp.exp(-c * x**2) * sp.besseli(0, lam * x), x), _sign) is None
    assert weber_integral(weber_terms(sp.exp(-a * x**2) * sp.besseli(0, lam * x) / x, x), _sign) is None  # μ + ν = 0
    assert weber_integral(weber_terms(x * sp.exp(-a * x**2) * sp.besseli(sp.S.Half, c * x), x), _sign) is None
    assert weber_integral(weber_terms(x * sp.exp(-a * x**2) * sp.besseli(-sp.S.Half, lam * x), x), _sign) is None


def test_the_strategy_on_a_model():
    m = model(RICE, x, [a, s], sp.Interval.open(0, sp.oo), "rice")
    ctx = Context.of(m)
    y = ctx.data[0]
    r = strategy("atom", "bessel-gaussian")(Engine(ctx, Budget.of(10), Config()), y**2)
    assert r.strategies == ("bessel-gaussian",) and r.detail.rule == "bessel-gaussian"
    assert same(r.value, a**2 + 2 * s)
    exponential = model(a * sp.exp(-a * x), x, [a], sp.Interval.open(0, sp.oo), "exponential")
    assert strategy("atom", "bessel-gaussian")(Engine(Context.of(exponential), Budget.of(10), Config()), y) is None


def test_orders_free_of_the_data_are_written_through_the_density_s_pair():
    """I₀(λx) and I₂(λx) beside the density's I₁(λx): I₀ = I₂ + (2/(λx))I₁ (DLMF 10.29.1), so the noncentral χ law's
    information holds one open ratio, I₂/I₁."""
    z = lam * x
    written = adjacent_bessel_orders(sp.besseli(0, z) + sp.besseli(3, z), [x], anchor=sp.besseli(1, z))
    assert written.atoms(sp.besseli) == {sp.besseli(1, z), sp.besseli(2, z)}
    assert float((written - sp.besseli(0, z) - sp.besseli(3, z)).subs({**POINT, x: 1.7})) == pytest.approx(0, abs=1e-12)
    assert adjacent_bessel_orders(sp.besseli(0, lam), [x], anchor=sp.besseli(1, lam)) == sp.besseli(0, lam)


@pytest.mark.parametrize("bessel", [sp.besselj, sp.besselk])
def test_the_recurrence_of_j_and_k_keeps_the_value(bessel):
    """J_{m−1} + J_{m+1} = (2m/z)J_m (DLMF 10.6.1), K_{m−1} − K_{m+1} = −(2m/z)K_m (DLMF 10.29.1): orders 0 and 3
    through the density's pair 1, 2 (the K-distribution's K₀, K₂ beside its K₁)."""
    z = lam * sp.sqrt(x)
    expr = bessel(0, z) + bessel(3, z) ** 2
    written = adjacent_bessel_orders(expr, [x], anchor=bessel(1, z))
    assert written.atoms(bessel) == {bessel(1, z), bessel(2, z)}
    point = {**POINT, x: sp.Rational(17, 10)}
    assert float((written - expr).subs(point).evalf(30)) == pytest.approx(0, abs=1e-20)
