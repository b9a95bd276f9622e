"""Generalized inverse Gaussian integrals: E[g] when g·p is a sum of terms C·xˢ·e^{−ax − b/x} on (0, ∞), a, b > 0
(the Birnbaum–Saunders and generalized inverse Gaussian laws, and the reciprocal and the inverse Gaussian law itself).

    ∫₀^∞ x^{s−1} e^{−ax − b/x} dx = 2 (b/a)^{s/2} K_s(2√(ab))     (Gradshteyn & Ryzhik 3.471.9; Jørgensen 1982),

K_s the modified Bessel function of the second kind, with K_{−s} = K_s. At a half-integer order it is elementary,

    K_{n+½}(z) = √(π/(2z)) e^{−z} Σ_{k=0}^{n} (n + k)!/(k! (n − k)! (2z)ᵏ)     (Abramowitz & Stegun 10.2.15),

so the laws built from x^{±½} and x^{±3/2} close with exponentials and square roots only; other orders keep K_s.
A term without the 1/x (a Gamma integral) or without the x (an inverse-Gamma one) is left to the Euler integrals.
Every value is spot-checked by quadrature.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import KINKED, Expectation, closed_by_terms, split_product
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq

SECONDS = 2.0  # the sum of closed forms, in a worker of its own
_x, _s, _a, _b = sp.symbols("x s a b", positive=True)
#: the identity the strategy uses, as the proofs show it (Gradshteyn & Ryzhik 3.471.9)
KERNEL = eq(sp.Integral(_x ** (_s - 1) * sp.exp(-_a * _x - _b / _x), (_x, 0, sp.oo)),
            2 * (_b / _a) ** (_s / 2) * sp.besselk(_s, 2 * sp.sqrt(_a * _b)))


def bessel_k(order: sp.Expr, z: sp.Expr) -> sp.Expr:
    """K_ν(z), written with e^{−z} and powers of z when ν is a half-integer.

    >>> z = sp.Symbol("z", positive=True)
    >>> bessel_k(sp.Rational(3, 2), z)
    sqrt(2)*sqrt(pi)*(1 + 1/z)*exp(-z)/(2*sqrt(z))
    """
    nu = abs(order) if order.is_number else order
    if not (nu.is_Rational and nu.q == 2):
        return sp.besselk(nu, z)
    n = int(nu - sp.S.Half)
    series = sum(sp.factorial(n + k) / (sp.factorial(k) * sp.factorial(n - k) * (2 * z) ** k) for k in range(n + 1))
    return sp.sqrt(sp.pi / (2 * z)) * sp.exp(-z) * series


def gig_terms(integrand: sp.Expr, x: sp.Symbol) -> list[tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr]] | None:
    """The terms (C, s, a, b) of integrand = Σ C·x^{s−1}·e^{−ax − b/x}, C, s, a, b free of x, a and b nonzero;
    ``None`` for another shape. Cheap: the strategy asks it before starting a worker."""
    expanded = sp.expand(sp.powsimp(sp.expand_power_base(integrand, force=True), combine="exp"), power_base=False,
                         log=False)
    terms = []
    for term in sp.Add.make_args(expanded):
        coeff, power, exponent, rest = split_product(term, x)
        if rest:
            return None
        times_x = sp.expand(exponent * x)
        if not times_x.is_polynomial(x) or sp.degree(times_x, x) != 2:
            return None
        minus_a, c, minus_b = sp.Poly(times_x, x).all_coeffs()
        if minus_b == 0:
            return None
        terms.append((coeff * sp.exp(c), power + 1, -minus_a, -minus_b))
    return terms


def gig_integral(terms, sign) -> sp.Expr | None:
    """Σ C·2(b/a)^{s/2} K_s(2√(ab)) over the terms; ``None`` unless a > 0 and b > 0 are proved (``sign``: the sign of
    an expression in θ on the parameter domain, 0 when unknown)."""
    total = sp.Integer(0)
    for coeff, s, a, b in terms:
        if sign(a) != 1 or sign(b) != 1:
            return None
        total += coeff * 2 * (b / a) ** (s / 2) * bessel_k(s, 2 * sp.sqrt(a * b))
    return total


def _reciprocal_in_exponent(density: sp.Expr, x: sp.Symbol) -> bool:
    """Whether an exponential of the density holds a negative power of x (b/x): the other laws are not tried."""
    return any(p.base == x and p.exp.is_negative for e in density.atoms(sp.exp) for p in e.args[0].atoms(sp.Pow))


@register("bessel-k", "atom")
def bessel_k_atom(engine, g: sp.Expr) -> Expectation | None:
    """E[g] as Bessel functions K_s (elementary at half-integer orders) of 2√(ab)."""
    ctx = engine.ctx
    x = ctx.positive_half_line
    if x is None or g.has(*KINKED) or not _reciprocal_in_exponent(ctx.density, x):
        return None
    value = closed_by_terms(engine, g, x, gig_terms, gig_integral, SECONDS)
    if value is None:
        return None
    detail = Note.of(KERNEL, ", elementary at half-integer s", rule="bessel-k")
    return Expectation(value, ("bessel-k",), detail=detail)
