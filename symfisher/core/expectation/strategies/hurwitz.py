"""Hurwitz zeta integrals: E[g] when g·p is a sum of terms C·xˢ·e^{ρx}/(e^{γx} − 1) on (0, ∞), γ > 0 (the weighted
exponential law of Gupta & Kundu 2009, whose score holds x e^{−αλx}/(1 − e^{−αλx}), with rates ρ and γ that need not
be commensurate: no substitution u = e^{−λx} makes the integrand rational).

Expanding 1/(e^{γx} − 1) = Σ_{n≥1} e^{−nγx} and integrating term by term,

    ∫₀^∞ xˢ e^{ρx}/(e^{γx} − 1) dx = Γ(s + 1) γ^{−s−1} ζ(s + 1, 1 − ρ/γ),     s > 0, γ − ρ > 0,

and at an integer s = k ≥ 1, ζ(k + 1, q) = (−1)^{k+1} ψ⁽ᵏ⁾(q)/k! (DLMF 25.11.12): polygamma functions, which the
engine's canonical form writes through one argument of each class. Every value is spot-checked by quadrature.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from symfisher.core.expectation.base import KINKED, Expectation, confirmed, linear_in, split_product
from symfisher.core.expectation.partial_fractions import APART_FAILURES
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq

SECONDS = 2.0  # the cancel and the sum of closed forms, in a worker of their own
_x, _s, _rho, _gamma = sp.symbols("x s rho gamma", positive=True)
#: the identity the strategy uses, as the proofs show it
KERNEL = eq(sp.Integral(_x**_s * sp.exp(_rho * _x) / (sp.exp(_gamma * _x) - 1), (_x, 0, sp.oo)),
            sp.gamma(_s + 1) * _gamma ** (-_s - 1) * sp.zeta(_s + 1, 1 - _rho / _gamma))


def _exponential_minus_one(factor: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(b, c) when factor = b·(e^{cx} − 1), b and c free of x, c ≠ 0; else ``None``."""
    exps = [e for e in factor.atoms(sp.exp) if e.has(x)]
    if len(exps) != 1 or not factor.is_Add:
        return None
    (e,) = exps
    c, const = linear_in(e.args[0], x)
    if c is None or const != 0:
        return None
    b, rest = sp.expand(factor).as_independent(x, as_Add=True)  # factor = b' + B e^{cx}
    big = sp.cancel(rest / e)
    return (big, c) if not big.has(x) and sp.expand(big + b) == 0 else None


def hurwitz_terms(integrand: sp.Expr, x: sp.Symbol):
    """(terms, γ) with integrand = Σ C·xˢ·e^{ρx}/(e^{γx} − 1), terms (C, s, ρ), γ > 0 not yet checked; ``None`` for
    another shape (one factor e^{cx} − 1 to the power −1 in the denominator, after cancelling)."""
    constant, varying = integrand.as_independent(x, as_Add=False)
    try:
        num, den = sp.fraction(sp.cancel(sp.together(sp.powsimp(varying, combine="exp"))))
        den = sp.factor(den)
    except APART_FAILURES:
        return None
    found, rest = None, sp.Integer(1)
    for f in sp.Mul.make_args(den):
        pair = _exponential_minus_one(f, x) if f.has(x) and f.is_Add else None
        if pair is not None and found is None:
            found = pair
        else:
            rest *= f
    if found is None:
        return None
    b, c = found
    gamma = sp.Abs(c) if c.is_number else (c if c.is_positive else -c if c.is_negative else None)
    if gamma is None:
        return None
    shift = sp.Integer(0) if gamma == c else gamma * x  # e^{−γx} − 1 = −e^{−γx}(e^{γx} − 1)
    sign = 1 if gamma == c else -1
    terms = []
    for term in sp.Add.make_args(sp.expand(sp.powsimp(num * sp.exp(shift) * sign / (rest * b), combine="exp"))):
        coeff, s, exponent, others = split_product(constant * term, x)
        rho, const = linear_in(exponent, x) if exponent.has(x) else (sp.Integer(0), exponent)
        if others or rho is None:
            return None
        terms.append((coeff * sp.exp(const), s, rho))
    return terms, gamma


def hurwitz_integral(terms, gamma: sp.Expr, sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    """Σ C Γ(s + 1) γ^{−s−1} ζ(s + 1, 1 − ρ/γ), as polygamma functions at integer s; ``None`` unless γ > 0, s > 0 and
    γ − ρ > 0 are proved."""
    if sign(gamma) != 1:
        return None
    total = sp.Integer(0)
    for coeff, s, rho in terms:
        if sign(s) != 1 or sign(gamma - rho) != 1:
            return None
        q = sp.cancel(1 - rho / gamma)
        if s.is_Integer:
            zeta = (-1) ** (s + 1) * sp.polygamma(s, q) / sp.factorial(s)
        else:
            zeta = sp.zeta(s + 1, q)
        total += coeff * sp.gamma(s + 1) * gamma ** (-s - 1) * zeta
    return total


def _value(integrand: sp.Expr, x: sp.Symbol, sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    found = hurwitz_terms(integrand, x)
    return None if found is None else hurwitz_integral(*found, sign)


def _minus_one_of_an_exponential(expr: sp.Expr, x: sp.Symbol) -> bool:
    """Whether some sum holds a number and an exponential of x (1 − e^{−γx}): cheap, asked before a worker starts."""
    def shape(a: sp.Expr) -> bool:
        return any(t.is_number for t in a.args) and any(isinstance(f, sp.exp) and f.has(x) for t in a.args
                                                         for f in sp.Mul.make_args(t))

    return any(shape(a) for a in sp.preorder_traversal(expr) if a.is_Add and a.has(x))


@register("hurwitz-zeta", "atom")
def hurwitz_zeta(engine, g: sp.Expr) -> Expectation | None:
    """E[g] as Hurwitz zeta functions (polygamma at integer powers of x)."""
    ctx = engine.ctx
    x = ctx.positive_half_line
    if x is None or g.has(*KINKED):
        return None
    integrand = g * ctx.density
    if not _minus_one_of_an_exponential(integrand, x):
        return None
    value = engine.hard(_value, integrand, x, ctx.sign, seconds=SECONDS)
    if not confirmed(engine, g, value):
        return None
    detail = Note.of(KERNEL, ", at integer s a polygamma function", rule="hurwitz-zeta")
    return Expectation(value, ("hurwitz-zeta",), detail=detail)
