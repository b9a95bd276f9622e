"""Dilogarithms: ∫_a^b R(x) log(α + βx) dx on a bounded interval, R rational with real poles, α + βx > 0 on [a, b].

Partial fractions of R leave a polynomial, whose integral against log L (L = α + βx) is elementary in L, and terms
(x − c)^{−k}. With t = x − c, A = L(c) the linear factor at the pole and γ = β/A:

    ∫ log L/t dt = log A·log|t| − Li₂(−γt)                      (A > 0: L = A(1 + γt), 1 + γt > 0 on the interval),
    ∫ log L/t dt = log(−A)·log|t| + log²(−γt)/2 + Li₂(−1/(γt))   (A < 0: then −γt > 1 on the interval),
    ∫ log L/t dt = log²(βt)/2                                    (A = 0: L = βt).

A pole in [a, b] leaves the integral finite only where the logarithm vanishes there, A = 1, and only for k = 1:
∫_a^b log(1 + γt)/t dt = Li₂(−γ(a − c)) − Li₂(−γ(b − c)). The Farlie–Gumbel–Morgenstern copula's information,
(1/θ³)∫₀¹ (log(1 + θ − 2θv) − log(1 − θ + 2θv))/(2v − 1) dv − 1/θ², is of this kind (poles at v = ½). A higher
pole outside [a, b] goes down by parts: ∫ log L·t^{−k} = −log L·t^{1−k}/(k − 1) + β/(k − 1) ∫ t^{1−k}/L, the last a
rational integral. Every value is checked by quadrature.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from symfisher.core.expectation.base import Expectation, bounded_interval, confirmed
from symfisher.core.expectation.partial_fractions import linear_partial_fractions
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note

SECONDS = 2.0  # partial fractions and the rational integrals, in a worker of their own


def log_factor(integrand: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(L, R) with integrand = R(x)·log L(x), L linear and R rational in x; ``None`` otherwise (cheap)."""
    factors = sp.Mul.make_args(sp.factor_terms(integrand))
    logs = [f for f in factors if isinstance(f, sp.log) and f.has(x)]
    if len(logs) != 1:
        return None
    linear = sp.expand(logs[0].args[0])
    rational = sp.Mul(*[f for f in factors if f is not logs[0]])
    if not linear.is_polynomial(x) or sp.degree(linear, x) != 1 or not rational.is_rational_function(x):
        return None
    return linear, rational


def _polynomial_part(poly: sp.Expr, linear: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """∫_a^b P(x) log L dx in w = L: P as a polynomial in w, ∫ wʲ log w dw = w^{j+1}(log w/(j + 1) − 1/(j + 1)²)."""
    beta, alpha = sp.Poly(linear, x).all_coeffs()
    w = sp.Dummy("w", positive=True)
    in_w = sp.Poly(sp.expand(poly.subs(x, (w - alpha) / beta)), w)
    antiderivative = sp.Add(*[m * w ** (j + 1) * (sp.log(w) / (j + 1) - sp.Rational(1, (j + 1) ** 2))
                              for (j,), m in in_w.terms()]) / beta
    return antiderivative.subs(w, linear.subs(x, b)) - antiderivative.subs(w, linear.subs(x, a))


def _simple_pole(c: sp.Expr, linear: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr, inside: bool,
                 sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    """∫_a^b log L/(x − c) dx by the module docstring's antiderivatives; ``None`` where its case cannot be told."""
    beta = sp.Poly(linear, x).all_coeffs()[0]
    A = sp.simplify(linear.subs(x, c))
    ta, tb = a - c, b - c
    if inside:
        return sp.polylog(2, -beta * ta) - sp.polylog(2, -beta * tb) if sp.simplify(A - 1) == 0 else None
    if A == 0:
        return (sp.log(beta * tb) ** 2 - sp.log(beta * ta) ** 2) / 2
    gamma, side = beta / A, sign(tb)

    def at(t: sp.Expr) -> sp.Expr:
        if sign(A) > 0:
            return sp.log(A) * sp.log(side * t) - sp.polylog(2, -gamma * t)
        return sp.log(-A) * sp.log(side * t) + sp.log(-gamma * t) ** 2 / 2 + sp.polylog(2, -1 / (gamma * t))

    return at(tb) - at(ta) if sign(A) != 0 else None


def log_rational_integral(rational: sp.Expr, linear: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr,
                          sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    """∫_a^b R(x) log L(x) dx, or ``None`` where a pole's side, the sign of L(c) or a factor is not known, a pole in
    [a, b] is not integrable (module docstring), or partial fractions fail.

    >>> v, sign = sp.Symbol("v"), lambda e: 1 if e.is_positive else -1 if e.is_negative else 0
    >>> log_rational_integral(1 / (2 * v - 1), 1 + (1 - 2 * v) / 2, v, sp.S.Zero, sp.S.One, sign)  # Li₂(½) = π²/12 − log²2/2
    -pi**2/24 + polylog(2, -1/2)/2 + log(2)**2/4
    """
    if not all(sign(linear.subs(x, end)) > 0 for end in (a, b)):
        return None
    split = linear_partial_fractions(rational, x)
    if split is None:
        return None
    polynomial, poles = split
    total = _polynomial_part(polynomial, linear, x, a, b) if polynomial != 0 else sp.S.Zero
    for pole in poles:
        part = _pole(pole.at, pole.order, linear, x, a, b, sign)
        if part is None:
            return None
        total += pole.coefficient * part
    return total


def _pole(c: sp.Expr, k: int, linear: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr,
          sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    """∫_a^b log L·(x − c)^{−k} dx: a simple pole by :func:`_simple_pole`, a higher one outside [a, b] by parts (the
    boundary terms, then a rational integral); ``None`` for a higher pole in [a, b], where it diverges."""
    outside = {sign(a - c), sign(b - c)} in ({1}, {-1})
    if k == 1:
        return _simple_pole(c, linear, x, a, b, not outside, sign)
    if not outside:
        return None
    beta = sp.Poly(linear, x).all_coeffs()[0]
    ends = -(sp.log(linear.subs(x, b)) * (b - c) ** (1 - k) - sp.log(linear.subs(x, a)) * (a - c) ** (1 - k))
    rest = sp.integrate(sp.apart(beta * (x - c) ** (1 - k) / linear, x), (x, a, b), conds="none")
    return None if rest.has(sp.Integral) else (ends + rest) / (k - 1)


@register("dilogarithm", "atom")
def dilogarithm(engine, g: sp.Expr) -> Expectation | None:
    """E[g] when g·p is a rational function times log of a linear function on a bounded interval, with a pole."""
    ctx = engine.ctx
    found = bounded_interval(ctx, g)
    if found is None:
        return None
    x, s = found
    shape = log_factor(g * ctx.density, x)
    if shape is None or not sp.denom(sp.together(shape[1])).has(x):
        return None
    linear, rational = shape
    value = engine.hard(log_rational_integral, rational, linear, x, s.inf, s.sup, ctx.sign, seconds=SECONDS)
    if not confirmed(engine, g, value):
        return None
    detail = Note.of("a rational function times the logarithm of a linear one, in partial fractions: dilogarithms Li₂",
                     rule="dilogarithm")
    return Expectation(value, ("dilogarithm",), detail=detail)
