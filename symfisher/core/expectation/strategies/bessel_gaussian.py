"""Weber's first exponential integral: E[g] when g·p is a sum of terms C·x^{μ−1}·e^{−px²}·B_ν(cx) on (0, ∞), B the
Bessel function I or J (the Rice law, the noncentral χ law of any degrees of freedom: a Bessel factor in a
Gaussian kernel).

    ∫₀^∞ x^{μ−1} e^{−px²} J_ν(cx) dx = c^ν Γ((μ + ν)/2) / (2^{ν+1} p^{(μ+ν)/2} Γ(ν + 1)) · M((μ + ν)/2, ν + 1, −c²/(4p))

for p > 0 and μ + ν > 0 (Gradshteyn & Ryzhik 6.631.1), M Kummer's function ₁F₁; for I_ν the argument of M is
+c²/(4p) (I_ν(z) = i^{−ν} J_ν(iz)). SymPy's ``hyperexpand`` writes M with exponentials, error functions and Bessel
functions of c²/(8p) where it can (M(2, 1, z) = (1 + z)eᶻ: the Rice law's E[X²] = a² + 2σ²). A term without a
Bessel factor is the Gaussian moment (ν = 0, c = 0). Where the Bessel arguments are c·xʰ (h = ½: the noncentral χ²
law's I_ν(√(λx)) beside e^{−x/2}), u = xʰ comes first. Every value is spot-checked by quadrature.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import KINKED, Expectation, closed_by_terms, split_product
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq

SECONDS = 2.0  # the sum of closed forms (hyperexpand), in a worker of its own
BESSEL = (sp.besseli, sp.besselj)
_x, _m, _nu, _p, _c = sp.symbols("x mu nu p c", positive=True)
#: the identity the strategy uses, as the proofs show it (Gradshteyn & Ryzhik 6.631.1), Kummer's function as M (its
#: arguments on the note's line: ₁F₁ printed inline had made the identity wider than the page)
KERNEL = eq(sp.Integral(_x ** (_m - 1) * sp.exp(-_p * _x**2) * sp.besselj(_nu, _c * _x), (_x, 0, sp.oo)),
            sp.Mul(sp.Symbol("M") * _c**_nu * sp.gamma((_m + _nu) / 2),
                   sp.Pow(2 ** (_nu + 1) * _p ** ((_m + _nu) / 2) * sp.gamma(_nu + 1), -1, evaluate=False),
                   evaluate=False))

Term = tuple[sp.Expr, sp.Expr, sp.Expr, type | None, sp.Expr, sp.Expr]  # (C, μ, p, B, ν, c)


def weber_terms(integrand: sp.Expr, x: sp.Symbol) -> list[Term] | None:
    """The terms (C, μ, p, B, ν, c) of integrand = Σ C·x^{μ−1}·e^{−px²}·B_ν(cx), C, μ, p, ν, c free of x
    (B ``None`` for a term without a Bessel factor), after u = xʰ where the Bessel arguments are c·xʰ; ``None`` for
    another shape, or where no term has a Bessel factor (the Gaussian moments alone are the Euler integrals').
    Cheap: asked before starting a worker."""
    h = _argument_power(integrand, x)
    if h is None:
        return None
    if h != 1:  # u = xʰ: ∫ f(x) dx = ∫ f(u^{1/h}) u^{1/h − 1}/h du, the Bessel argument linear in u
        u = sp.Dummy("u", positive=True)
        integrand, x = integrand.xreplace({x: u ** (1 / h)}) * u ** (1 / h - 1) / h, u
    expanded = sp.expand(sp.powsimp(sp.expand_power_base(integrand, force=True), combine="exp"), power_base=False,
                         log=False)
    terms = []
    for term in sp.Add.make_args(expanded):
        coeff, power, exponent, rest = split_product(term, x)
        exponent = sp.expand(exponent)
        if not exponent.is_polynomial(x) or sp.degree(exponent, x) != 2:
            return None
        minus_p, linear, constant = sp.Poly(exponent, x).all_coeffs()
        if linear != 0 or len(rest) > 1:
            return None
        kind, nu, c = None, sp.Integer(0), sp.Integer(0)
        if rest:
            factor = rest[0]
            if not isinstance(factor, BESSEL) or factor.args[0].has(x):
                return None
            kind, (nu, argument) = type(factor), factor.args
            c = sp.expand(argument / x)
            if c.has(x) or c == 0:
                return None
        terms.append((coeff * sp.exp(constant), power + 1, -minus_p, kind, nu, c))
    return terms


def _argument_power(integrand: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """h > 0 with every Bessel function of the integrand of an argument c·xʰ (h = ½: the noncentral χ² law's
    I_ν(√(λx))), else ``None``."""
    powers = set()
    for factor in integrand.atoms(*BESSEL):
        c, h = factor.args[1].as_coeff_exponent(x)
        if c.has(x) or not (h.is_Rational and h.is_positive):
            return None
        powers.add(h)
    return powers.pop() if len(powers) == 1 else None


def weber_integral(terms: list[Term], sign) -> sp.Expr | None:
    """Σ ∫₀^∞ C·x^{μ−1}·e^{−px²}·B_ν(cx) dx over the terms; ``None`` unless p > 0 and μ + ν > 0 are proved, and c > 0
    where ν is not an integer, and not for a negative ν (``sign``: the sign of an expression in θ on the parameter
    domain, 0 when unknown)."""
    total = sp.Integer(0)
    for coeff, mu, p, kind, nu, c in terms:
        if sign(p) != 1 or sign(mu + nu) != 1 or not (nu.is_integer or sign(c) == 1) or nu.is_negative:
            return None  # (a negative order: Γ(ν + 1) and M's ν + 1 have poles; SymPy writes I₋ₙ as Iₙ anyway)
        if kind is None:  # the Gaussian moment Γ(μ/2)/(2p^{μ/2})
            total += coeff * sp.gamma(mu / 2) / (2 * p ** (mu / 2))
            continue
        z = (c**2 if kind is sp.besseli else -c**2) / (4 * p)
        kummer = sp.hyperexpand(sp.hyper([(mu + nu) / 2], [nu + 1], z))
        total += coeff * c**nu * sp.gamma((mu + nu) / 2) / (2 ** (nu + 1) * p ** ((mu + nu) / 2) * sp.gamma(nu + 1)) \
            * kummer
    return sp.powsimp(total, combine="exp")


@register("bessel-gaussian", "atom")
def bessel_gaussian(engine, g: sp.Expr) -> Expectation | None:
    """E[g] by Weber's first exponential integral: Kummer's function, elementary where it reduces."""
    ctx = engine.ctx
    x = ctx.positive_half_line
    if x is None or g.has(*KINKED) or not ctx.density.has(*BESSEL):
        return None
    value = closed_by_terms(engine, g, x, weber_terms, weber_integral, SECONDS)
    if value is None:
        return None
    detail = Note.of(KERNEL, ", M = ₁F₁((μ + ν)/2; ν + 1; −c²/(4p)); for I in place of J, +c²/(4p)",
                     rule="bessel-gaussian")
    return Expectation(value, ("bessel-gaussian",), detail=detail)
