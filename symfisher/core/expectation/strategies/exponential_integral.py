"""Exponential integrals: ∫_a^b R(u) e^{λu} du on a bounded interval, R rational with its real poles outside [a, b].

Partial fractions leave powers uⁿ, whose integrals are elementary, and terms (u − c)^{−k}:

    ∫_a^b e^{λu}/(u − c) du = e^{λc} (Ei(λ(b − c)) − Ei(λ(a − c)))        (c outside [a, b]: no pole on the way),
    ∫_a^b e^{λu}(u − c)^{−k} du = [−e^{λu}(u − c)^{1−k}/(k − 1)]_a^b + λ/(k − 1) ∫_a^b e^{λu}(u − c)^{1−k} du.

The shifted Gompertz law in u = e^{−bx}, density e^{−ηu}(1 + η − ηu) on (0, 1): its score's 1/(1 + η − ηu) gives
E[1/(1 + η − ηu)²] = ∫₀¹ e^{−ηu}/(1 + η − ηu) du = e^{−1−η}(Ei(1 + η) − Ei(1))/η. Every value is checked by
quadrature.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from symfisher.core.expectation.base import Expectation, bounded_interval, confirmed
from symfisher.core.expectation.partial_fractions import linear_partial_fractions
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.gaussian_tail import quadratic_exponent
from symfisher.core.note import Note

SECONDS = 2.0  # partial fractions with symbolic coefficients, in a worker of its own


def _power(n: int, lam: sp.Expr, u: sp.Symbol, a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """∫_a^b uⁿ e^{λu} du = [e^{λu} Σ_k (−1)^k n!/(n − k)! u^{n−k}/λ^{k+1}]_a^b."""
    antiderivative = sp.exp(lam * u) * sp.Add(*[(-1) ** k * sp.ff(n, k) * u ** (n - k) / lam ** (k + 1)
                                                 for k in range(n + 1)])
    return antiderivative.subs(u, b) - antiderivative.subs(u, a)


def _pole(k: int, c: sp.Expr, lam: sp.Expr, a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """∫_a^b e^{λu}(u − c)^{−k} du for c outside [a, b] (module docstring)."""
    if k == 1:
        return sp.exp(lam * c) * (sp.Ei(lam * (b - c)) - sp.Ei(lam * (a - c)))
    ends = -(sp.exp(lam * b) * (b - c) ** (1 - k) - sp.exp(lam * a) * (a - c) ** (1 - k)) / (k - 1)
    return ends + lam / (k - 1) * _pole(k - 1, c, lam, a, b)


def bounded_integral(rational: sp.Expr, lam: sp.Expr, u: sp.Symbol, a: sp.Expr, b: sp.Expr,
                     sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    """∫_a^b R(u) e^{λu} du, or ``None`` where a pole may lie in [a, b] (``sign``: of an expression in θ on the
    parameter domain, 0 when unknown), a factor is not linear, or partial fractions fail.

    >>> u, eta = sp.Symbol("u"), sp.Symbol("eta", positive=True)
    >>> sign = lambda e: 1 if e.is_positive else -1 if e.is_negative else 0
    >>> sp.factor(bounded_integral(1 / (1 + eta - eta * u), -eta, u, sp.S.Zero, sp.S.One, sign))
    -(-Ei(eta + 1) + Ei(1))*exp(-1)*exp(-eta)/eta
    """
    split = linear_partial_fractions(rational, u)
    if split is None:
        return None
    polynomial, poles = split
    total = sp.Add(*[m * _power(int(j), lam, u, a, b) for (j,), m in sp.Poly(polynomial, u).terms()])
    for pole in poles:
        if {sign(a - pole.at), sign(b - pole.at)} not in ({1}, {-1}):
            return None
        total += pole.coefficient * _pole(pole.order, pole.at, lam, a, b)
    return total


@register("exponential-integral", "atom")
def exponential_integral(engine, g: sp.Expr) -> Expectation | None:
    """E[g] when g·p is a rational function times e^{λu + μ} on a bounded interval, with a pole of the rational
    function (else Euler and incomplete-Gamma integrals apply)."""
    ctx = engine.ctx
    found = bounded_interval(ctx, g)
    if found is None:
        return None
    u, s = found
    shape = quadratic_exponent(g * ctx.density, u, degree=1)
    if shape is None:
        return None
    exponent, rational = shape
    lam, shift = sp.Poly(exponent, u).all_coeffs()
    if not sp.denom(sp.together(rational)).has(u) or ctx.sign(lam) not in (1, -1):
        return None
    value = engine.hard(bounded_integral, rational, lam, u, s.inf, s.sup, ctx.sign, seconds=SECONDS)
    value = None if value is None else sp.exp(shift) * value
    if not confirmed(engine, g, value):
        return None
    detail = Note.of("a rational function times an exponential, in partial fractions: exponential integrals Ei",
                     rule="exponential integral")
    return Expectation(value, ("exponential-integral",), detail=detail)
