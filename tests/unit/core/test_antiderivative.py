"""The information equality at the ends of the support (core/antiderivative.py): ∫ ∂²p/∂θ_i∂θ_j dx is ∂²F/∂θ_i∂θ_j
between the ends, F an antiderivative of p; every F checked against its derivative and against quadrature."""

from __future__ import annotations

import pytest
import sympy as sp

from symfisher import Model
from symfisher.core import antiderivative as at_the_ends
from symfisher.core.deadline import run_with_deadline

x = sp.Symbol("x", positive=True)
a, k, lam, b, s, e = sp.symbols("a k lamda b s epsilon", positive=True)
HALF_LINE = sp.Interval.open(0, sp.oo)
#: Bemmaor & Glady (2012), Management Science 58: F(x) = 1 − ε^s/(ε − 1 + e^{bx})^s
GAMMA_GOMPERTZ = Model.from_pdf(b * s * sp.exp(b * x) * e**s / (e - 1 + sp.exp(b * x)) ** (s + 1), x, [b, s, e],
                                HALF_LINE, name="gamma-gompertz", validate=False)

#: Marshall & Olkin (1997), Biometrika 84: survival αS/(1 − (1 − α)S) for the Weibull survival S = e^{−(x/λ)^k}
MARSHALL_OLKIN_WEIBULL = Model.from_pdf(sp.diff(-a * sp.exp(-(x / lam) ** k) / (1 - (1 - a) * sp.exp(-(x / lam) ** k)),
                                                x), x, [a, k, lam], HALF_LINE, name="marshall-olkin-weibull",
                                        validate=False)


def _all(m: Model) -> list[tuple[int, int]]:
    n = len(m.params)
    return [(i, j) for i in range(n) for j in range(i, n)]


@pytest.mark.slow
@pytest.mark.parametrize("m, cdf", [  # the exponentiated Weibull law's F: its derivation's, in test_generality_probes
    (GAMMA_GOMPERTZ, 1 - e**s / (e - 1 + sp.exp(b * x)) ** s),
    (MARSHALL_OLKIN_WEIBULL, 1 - a * sp.exp(-(x / lam) ** k) / (1 - (1 - a) * sp.exp(-(x / lam) ** k))),
])
def test_the_antiderivative_is_the_literature_cdf_up_to_a_constant(m, cdf):
    """Found in an inner variable y = w(x) (y = (x/λ)^k: a(1 − e^(−y))^(a−1)e^(−y); y = e^{bx}; the Marshall–Olkin
    law over one denominator in y = (x/λ)^k, αe^y/(α + e^y − 1)²), and every entry's ∂²F/∂θ_i∂θ_j has the same limit
    at both ends, so the equality holds where both sides are finite (derive then says "proved": the Marshall–Olkin
    Weibull law in 27 s, inconclusive before)."""
    ((found, datum),) = list(at_the_ends.residual_vanishes_at_the_ends(m, _all(m)))
    assert datum == m.data[0]
    assert sp.simplify(sp.diff(found - cdf, x)) == 0
    assert not sp.simplify(found - cdf).has(x)


XR, XI = sp.Symbol("x", real=True), sp.Symbol("xi", real=True)
D, G_ = sp.Symbol("delta", positive=True), sp.Symbol("gamma", real=True)
EP = sp.Symbol("epsilon", real=True)
#: Jones & Pewsey (2009), Biometrika 96: sinh(δ asinh x − ε) is standard normal
SINH_ARCSINH = (Model.from_pdf(D * sp.cosh(D * sp.asinh(XR) - EP) / sp.sqrt(2 * sp.pi * (1 + XR**2))
                               * sp.exp(-sp.sinh(D * sp.asinh(XR) - EP) ** 2 / 2), XR, [EP, D], sp.S.Reals,
                               name="sinh-arcsinh", validate=False), sp.sinh(D * sp.asinh(XR) - EP))


@pytest.mark.slow
@pytest.mark.parametrize("m, normal", [SINH_ARCSINH], ids=["sinh-arcsinh"])  # Johnson's S_U: test_generality_probes
def test_a_transformed_normal_has_phi_of_its_normal_variable_as_antiderivative(m, normal):
    """F = Φ(h(x)) = (1 + erf(h/√2))/2 up to a constant, and every ∂²F/∂θ_i∂θ_j tends to 0 at ±∞, taken in y =
    asinh((x − ξ)/λ), where x = ξ + λ sinh y (gruntz in x takes 1–4 s a limit, or gives none)."""
    ((found, datum),) = list(at_the_ends.residual_vanishes_at_the_ends(m, _all(m)))
    assert datum == m.data[0]
    assert sp.simplify(found - sp.erf(normal / sp.sqrt(2)) / 2).is_number


def test_p_of_the_form_g_of_h_times_h_prime_needs_no_inverse_of_h():
    """A normal variable γ + δ(x + x³/3), with no elementary inverse: p = φ(h)·h′, so g = φ is found with h by
    dividing p by h′, and F = Φ(h) passes both guards."""
    h = G_ + D * (XR + XR**3 / 3)
    p = D * (1 + XR**2) * sp.exp(-h**2 / 2) / sp.sqrt(2 * sp.pi)
    ((g, y, inner),) = list(at_the_ends._outer_factors(p, XR, 2.0))
    assert inner == h and sp.simplify(g - sp.exp(-y**2 / 2) / sp.sqrt(2 * sp.pi)) == 0
    F = at_the_ends._antiderivative(p, XR, -sp.oo, sp.oo, 2.0)
    assert sp.simplify(F - sp.erf(h / sp.sqrt(2)) / 2).is_number
    m = Model.from_pdf(p, XR, [G_, D], sp.S.Reals, name="cubic-normal", validate=False)
    assert at_the_ends._matches_quadrature(m, F, XR, -sp.oo, sp.oo)


def test_in_the_inner_variable_of_an_asinh_inverse_pairs_cancel():
    """x = ξ + λ sinh y: asinh((x − ξ)/λ) is y and √(1 + ((x − ξ)/λ)²) is cosh y, for real y."""
    y = sp.Dummy("y", real=True)
    expr = sp.asinh((XR - XI) / lam) ** 2 / sp.sqrt(1 + ((XR - XI) / lam) ** 2)
    assert at_the_ends._in_y(expr, XR, XI + lam * sp.sinh(y)) == y**2 / sp.cosh(y)


def test_a_power_of_a_monotone_base_that_starts_at_zero_is_monotone():
    """(1 − e^(−λx))^a: SymPy does not decide the sign of its derivative, but its base increases from 0 at x = 0, so it
    is positive inside and the power increases; solved as 1 − e^(−λx) = y^(1/a), where solve finds no x in the power,
    and its log(−1/(y^(1/a) − 1)) written −log(1 − y^(1/a))."""
    w = (1 - sp.exp(-lam * x)) ** a
    at = sp.Dummy("x", positive=True)
    assert at_the_ends._direction(w, x, at, sp.S.Zero, sp.oo) is True
    assert at_the_ends._direction(1 / w, x, at, sp.S.Zero, sp.oo) is False
    assert at_the_ends._direction((1 - sp.exp(-lam * x)) ** (a - 1), x, at, sp.S.Zero, sp.oo) is None  # sign of a − 1
    ((found, x_of_y, y, increasing),) = [v for v in at_the_ends._inner_variables(w, x, sp.S.Zero, sp.oo) if v[0] == w]
    assert increasing and x_of_y == -sp.log(1 - y ** (1 / a)) / lam


def test_the_kumaraswamy_exponential_antiderivative_is_found_in_the_power():
    """Cordeiro & de Castro (2011): F = 1 − (1 − (1 − e^(−λx))^a)^b. In y = (1 − e^(−λx))^a the density is
    b(1 − y)^(b−1); in y = e^(−λx) and in x, manualintegrate found nothing (7 s for the two)."""
    cdf = 1 - (1 - (1 - sp.exp(-lam * x)) ** a) ** b
    found = at_the_ends._antiderivative(sp.diff(cdf, x), x, sp.S.Zero, sp.oo, 2.0)
    assert found is not None and not sp.simplify(found - cdf).has(x)


def test_terms_over_one_denominator_where_that_is_shorter():
    y = sp.Symbol("y", positive=True)
    S = sp.exp(-y)
    two_terms = a * (1 - a) * S**2 / (1 - (1 - a) * S) ** 2 + a * S / (1 - (1 - a) * S)
    assert sp.simplify(at_the_ends._over_one_denominator(two_terms) - a * sp.exp(y) / (a + sp.exp(y) - 1) ** 2) == 0
    assert at_the_ends._over_one_denominator(a * sp.exp(-y)) == a * sp.exp(-y)


def test_a_law_with_no_closed_antiderivative_gives_nothing():
    """The von Mises law e^{κ cos x}/(2π I₀(κ)): manualintegrate leaves its integral unevaluated."""
    m = Model.from_pdf(sp.exp(k * sp.cos(XR - XI)) / (2 * sp.pi * sp.besseli(0, k)), XR, [XI, k],
                       sp.Interval(-sp.pi, sp.pi), name="von-mises", validate=False)
    assert at_the_ends.applies(m)
    assert list(at_the_ends.residual_vanishes_at_the_ends(m, [(0, 0)])) == []


def test_an_antiderivative_with_a_jump_fails_the_quadrature_guard():
    """atan(1/x) is an antiderivative of −1/(1 + x²) on each side of 0 and jumps by π there: F(d) − F(c) over an
    interval holding 0 is not the integral of p (a Cauchy density on ℝ here), so the route gives nothing."""
    xr = sp.Symbol("x", real=True)
    m = Model.from_pdf(1 / (sp.pi * (1 + (xr - a) ** 2)), xr, [a], sp.S.Reals, name="cauchy", validate=False)
    assert not at_the_ends._matches_quadrature(m, -sp.atan(1 / (xr - a)) / sp.pi, xr, -sp.oo, sp.oo)
    assert at_the_ends._matches_quadrature(m, sp.atan(xr - a) / sp.pi, xr, -sp.oo, sp.oo)


def test_limits_in_an_inner_variable():
    """lim ∂²F/∂k∂λ at x → ∞ and x → 0 for the exponentiated Weibull F: in y = (x/λ)^k (gruntz in x raised
    RecursionError on the power with a symbolic exponent)."""
    assert run_with_deadline(_limits_in_an_inner_variable, (), 120) == [0, 0]  # in a worker: its limits count work


def _limits_in_an_inner_variable() -> list:
    F = (1 - sp.exp(-(x / lam) ** k)) ** a
    inner = at_the_ends._inner_variables(F, x, sp.S.Zero, sp.oo)
    assert any(w == (x / lam) ** k and increasing for w, _, _, increasing in inner)
    G = sp.diff(F, k, lam)
    return [at_the_ends._limit_at(G, x, end, side, lambda: at_the_ends._inner_at(inner, x, end, side))
            for end, side in ((sp.oo, "-"), (sp.S.Zero, "+"))]


def test_continuous_data_on_an_interval_or_a_box_fixed_in_theta():
    n = sp.Symbol("n", integer=True, nonnegative=True)
    assert not at_the_ends.applies(Model.from_pdf(sp.exp(-a) * a**n / sp.factorial(n), n, [a], sp.S.Naturals0,
                                                  name="poisson", validate=False))
    assert not at_the_ends.applies(Model.from_pdf(1 / a, x, [a], sp.Interval.open(0, a), name="uniform",
                                                  validate=False))
    u, v = sp.symbols("u v", positive=True)
    box = Model.from_pdf(1 + a * (1 - 2 * u) * (1 - 2 * v), [u, v], [a], [sp.Interval(0, 1), sp.Interval(0, 1)],
                         name="fgm", validate=False)
    assert [axis for axis, _, _ in at_the_ends._axes(box)] == [u, v]
    simplex = Model.from_pdf(a * (u + v) ** (a - 1), [u, v], [a], Model.simplex([u, v]), name="simplex",
                             validate=False)
    assert not at_the_ends.applies(simplex)


U, V = sp.symbols("u v", positive=True)
THETA = sp.Symbol("theta", positive=True)
UNIT_SQUARE = [sp.Interval.open(0, 1), sp.Interval.open(0, 1)]
#: Clayton (1978), Biometrika 65: C(u, v) = (u^(−θ) + v^(−θ) − 1)^(−1/θ), so ∂C/∂v is an antiderivative in u
CLAYTON = Model.from_pdf((1 + THETA) * (U * V) ** (-THETA - 1) * (U**-THETA + V**-THETA - 1) ** (-1 / THETA - 2),
                         [U, V], [THETA], UNIT_SQUARE, name="clayton", validate=False)
#: Frank (1979), Aequationes Math. 19: C(u, v) = −log(1 + (e^(−θu) − 1)(e^(−θv) − 1)/(e^(−θ) − 1))/θ
FRANK = Model.from_pdf(THETA * (1 - sp.exp(-THETA)) * sp.exp(-THETA * (U + V))
                       / ((1 - sp.exp(-THETA)) - (1 - sp.exp(-THETA * U)) * (1 - sp.exp(-THETA * V))) ** 2,
                       [U, V], [THETA], UNIT_SQUARE, name="frank", validate=False)
COPULAS = {
    "clayton": (CLAYTON, (U**-THETA + V**-THETA - 1) ** (-1 / THETA)),
    "frank": (FRANK, -sp.log(1 + (sp.exp(-THETA * U) - 1) * (sp.exp(-THETA * V) - 1) / (sp.exp(-THETA) - 1)) / THETA),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(COPULAS))
def test_a_copula_is_proved_in_one_datum_with_the_other_held_fixed(name):
    """The antiderivative in u is ∂C/∂v (C the literature copula, up to a function of v): the Clayton copula's as
    G(h(u)) with h = u^(−θ) + v^(−θ) − 1 a base raised to a symbolic power, the Frank copula's by ratint in
    y = e^(−θu); ∂²F/∂θ² has the same limit at u → 0 and u → 1 for every v. Both copulas are exchangeable, so where
    the datum u runs out of its simplification time (under a loaded machine) F = ∂C/∂u in v is the same proof."""
    m, copula = COPULAS[name]
    ((found, datum),) = list(at_the_ends.residual_vanishes_at_the_ends(m, [(0, 0)]))
    other = V if datum == U else U
    difference = sp.diff(found - sp.diff(copula, other), datum)
    assert float(abs(difference.subs({U: 0.3, V: 0.7, THETA: 1.7}))) < 1e-12


def test_the_frank_copula_is_a_rational_function_in_its_inner_variable():
    """In y = e^(−θu) the Frank copula is c/(a + by)²: ratint, with e^(−θ) and e^(−θv) held as symbols, in well under
    a second (manualintegrate gave none in 10 s)."""
    y = sp.Symbol("y", positive=True)
    q = (sp.exp(-THETA) - 1) * sp.exp(-THETA * V) / (-(1 - y) * (1 - sp.exp(-THETA * V)) + 1 - sp.exp(-THETA)) ** 2
    F = at_the_ends._integral(q, y)
    assert sp.simplify(sp.diff(F, y) - q) == 0


Y = sp.Symbol("y", positive=True)


@pytest.mark.parametrize("expr, end, expected", [
    (Y, sp.oo, None),
    (Y * (Y + 3) ** (-2 - 1 / THETA) * sp.log(Y) ** 2, sp.oo, 0),  # SymPy's limit gives ∞ here
    ((2 * Y + 1) / (Y + 5), sp.oo, 2),
    ((Y + 2) ** THETA / (3 * Y + 1) ** THETA, sp.oo, 3**-THETA),
    (sp.log(Y), sp.oo, None),  # log y grows
    (Y**THETA * sp.log(Y) ** 3, 0, 0),
    ((Y + 2) ** -THETA * sp.log(Y + 1), 0, 0),
    ((Y + 2) ** -THETA * sp.log(Y + 4), 0, 2**-THETA * sp.log(4)),
    ((-Y * sp.log(Y) / THETA + sp.log(V)) ** 2 * (Y + 1) ** (-3 - 1 / THETA), sp.oo, 0),
    ((-Y * sp.log(Y) / THETA + sp.log(V)) ** 2 * (Y + 1) ** (-1 - 1 / THETA), sp.oo, None),  # θ > 1: ∞
    (Y**sp.Symbol("c", real=True), sp.oo, None),  # the sign of the exponent is unknown
    (sp.exp(-Y), sp.oo, None),  # not a power law: left to SymPy's limit
    # at 0⁺ an analytic factor as its leading term: 1 − e^{−y} as y, e^{−y} as 1 (the exponentiated Weibull law's)
    (Y**2 * (1 - sp.exp(-Y)) ** (THETA - 1) * sp.exp(-Y) * sp.log(Y) / (1 - sp.exp(-Y)), 0, 0),  # y^θ·log y
    (Y * (1 - sp.exp(-Y)) ** (THETA - 1) * sp.log(Y) / (1 - sp.exp(-Y)), 0, None),  # y^(θ−1)·log y: θ < 1 gives ∞
    (Y ** 3 / (1 - sp.cos(Y)) * sp.log(1 - (1 - Y) ** THETA), 0, 0),  # 1 − cos y as y²/2, the log as log(θy)
    (sp.sin(Y) / Y, 0, 1),
    (((1 - THETA) * Y + Y**2) ** -1 * Y, 0, None),  # the leading coefficient 1 − θ may vanish
])
def test_powers_beat_logarithms(expr, end, expected):
    found = at_the_ends.power_law_limit(expr, Y, end)
    assert found == expected if expected is None else sp.simplify(found - expected) == 0
