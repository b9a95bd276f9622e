"""Exponential integrals: ∫_a^b R(u) e^{λu} du on a bounded interval, or on a half-line (a, ∞) with λ < 0, R rational
with no pole in the closed interval.

Partial fractions leave powers uⁿ, whose integrals are elementary, terms (u − c)^{−k} at real poles c:

    ∫_a^b e^{λu}/(u − c) du = e^{λc} (Ei(λ(b − c)) − Ei(λ(a − c)))        (c outside [a, b]: no pole on the way),
    ∫_a^b e^{λu}(u − c)^{−k} du = [−e^{λu}(u − c)^{1−k}/(k − 1)]_a^b + λ/(k − 1) ∫_a^b e^{λu}(u − c)^{1−k} du,

with Ei(−∞) = 0 and e^{λb} → 0 at b = ∞ (λ < 0), and terms (Au + B)/q(u)^k at a pair of complex poles (q of
degree 2 with a negative discriminant on the parameter domain), each integrated by SymPy (Ci and Si:
∫₀^∞ e^{−pu}/(u² + β²) du = (Ci(pβ) sin(pβ) − (Si(pβ) − π/2) cos(pβ))/β, Gradshteyn & Ryzhik 3.354.1).

The shifted Gompertz law in u = e^{−bx}, density e^{−ηu}(1 + η − ηu) on (0, 1): its score's 1/(1 + η − ηu) gives
E[1/(1 + η − ηu)²] = ∫₀¹ e^{−ηu}/(1 + η − ηu) du = e^{−1−η}(Ei(1 + η) − Ei(1))/η. The xgamma law (Sen, Maiti &
Chandra 2016), density θ²/(1 + θ)·(1 + θx²/2)·e^{−θx} on (0, ∞): its score's x²/(2 + θx²) gives Ci and Si. Every value
is checked by quadrature.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from symfisher.core.expectation.base import Expectation, confirmed, fixed_interval
from symfisher.core.expectation.partial_fractions import partial_fractions
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.gaussian_tail import quadratic_exponent
from symfisher.core.note import Note

SECONDS = 2.0  # partial fractions with symbolic coefficients, in a worker of its own
PAIR_SECONDS = 4.0  # a denominator of degree 2 or more, where complex pairs may be: SymPy integrates each (~0.5 s)


def _at_ends(antiderivative: Callable[[sp.Expr], sp.Expr], a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """F(b) − F(a), with F(∞) = 0 (every antiderivative here holds e^{λu}, λ < 0, or Ei(λ(u − c)) → Ei(−∞) = 0)."""
    return (sp.S.Zero if b is sp.oo else antiderivative(b)) - antiderivative(a)


def _power(n: int, lam: sp.Expr, u: sp.Symbol, a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """∫_a^b uⁿ e^{λu} du = [e^{λu} Σ_k (−1)^k n!/(n − k)! u^{n−k}/λ^{k+1}]_a^b."""
    antiderivative = sp.exp(lam * u) * sp.Add(*[(-1) ** k * sp.ff(n, k) * u ** (n - k) / lam ** (k + 1)
                                                 for k in range(n + 1)])
    return _at_ends(lambda e: antiderivative.subs(u, e), a, b)


def _pole(k: int, c: sp.Expr, lam: sp.Expr, a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """∫_a^b e^{λu}(u − c)^{−k} du for c outside [a, b] (module docstring)."""
    if k == 1:
        return sp.exp(lam * c) * _at_ends(lambda e: sp.Ei(lam * (e - c)), a, b)
    ends = -_at_ends(lambda e: sp.exp(lam * e) * (e - c) ** (1 - k), a, b) / (k - 1)
    return ends + lam / (k - 1) * _pole(k - 1, c, lam, a, b)


def _complex_pair(numerator: sp.Expr, q: sp.Expr, k: int, lam: sp.Expr, u: sp.Symbol, a: sp.Expr,
                  sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    """∫_a^∞ e^{λu}(Au + B)/q(u)^k du (λ < 0), where q has no real root for any θ of the domain (its discriminant is
    negative there); ``None`` otherwise or where SymPy leaves an integral or a Meijer G.

    k = 1 by SymPy's integrate (Ci, Si). k > 1 by parts first: with S ≡ −P/((k − 1)q′) mod q (q′ is invertible mod q,
    q being irreducible), e^{λu}P/q^k = (e^{λu}S/q^{k−1})′ + e^{λu}T/q^{k−1}, T = (P + (k − 1)Sq′)/q − λS − S′ a
    polynomial; SymPy answers the higher powers only with Meijer G functions."""
    alpha, beta, gamma = sp.Poly(q, u).all_coeffs()
    if sign(beta**2 - 4 * alpha * gamma) != -1:
        return None
    if k > 1:
        S = sp.rem(sp.expand(-numerator * sp.invert(sp.diff(q, u), q, u) / (k - 1)), q, u)
        T = sp.cancel((numerator + (k - 1) * S * sp.diff(q, u)) / q) - lam * S - sp.diff(S, u)
        rest = rational_exponential_integral(T / q ** (k - 1), lam, u, a, sp.oo, sign)
        return None if rest is None else rest - sp.exp(lam * a) * S.subs(u, a) / q.subs(u, a) ** (k - 1)
    value = sp.S.Zero
    for (j,), c in sp.Poly(numerator, u).terms():  # A and B apart: SymPy is slow on (A + Bu)/q (over 100 s)
        value += c * sp.integrate(u**j * sp.exp(lam * u) / q, (u, a, sp.oo), conds="none")
    return None if value.has(sp.Integral, sp.meijerg) else value


def rational_exponential_integral(rational: sp.Expr, lam: sp.Expr, u: sp.Symbol, a: sp.Expr, b: sp.Expr,
                                  sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    """∫_a^b R(u) e^{λu} du (b = ∞ only with λ < 0), or ``None`` where a pole may lie in [a, b] (``sign``: of an
    expression in θ on the parameter domain, 0 when unknown), a factor has degree three or more, or partial fractions
    fail.

    >>> u, eta = sp.Symbol("u"), sp.Symbol("eta", positive=True)
    >>> sign = lambda e: 1 if e.is_positive else -1 if e.is_negative else 0
    >>> sp.factor(rational_exponential_integral(1 / (1 + eta - eta * u), -eta, u, sp.S.Zero, sp.S.One, sign))
    -(-Ei(eta + 1) + Ei(1))*exp(-1)*exp(-eta)/eta
    >>> rational_exponential_integral(1 / (u + 1), -eta, u, sp.S.Zero, sp.oo, sign)
    -exp(eta)*Ei(-eta)
    """
    split = partial_fractions(rational, u)
    if split is None:
        return None
    total = sp.Add(*[m * _power(int(j), lam, u, a, b) for (j,), m in sp.Poly(split.polynomial, u).terms()])
    for pole in split.poles:
        sides = {sign(a - pole.at)} if b is sp.oo else {sign(a - pole.at), sign(b - pole.at)}
        if sides not in ({1}, {-1}) or (b is sp.oo and sides != {1}):
            return None
        total += pole.coefficient * _pole(pole.order, pole.at, lam, a, b)
    for numerator, q, k in split.quadratic:  # SymPy's integrals over bounded intervals stay open (9 s for 1/(u² + 1))
        pair = _complex_pair(numerator, q, k, lam, u, a, sign) if b is sp.oo else None
        if pair is None:
            return None
        total += pair
    return total


@register("exponential-integral", "atom")
def exponential_integral(engine, g: sp.Expr) -> Expectation | None:
    """E[g] when g·p is a rational function with a pole times e^{λu + μ} on a bounded interval or on (a, ∞) with
    λ < 0 (without a pole, Euler and incomplete-Gamma integrals apply)."""
    ctx = engine.ctx
    found = fixed_interval(ctx, g)
    if found is None or not found[1].inf.is_finite or not (found[1].sup.is_finite or found[1].sup is sp.oo):
        return None
    u, s = found
    shape = quadratic_exponent(g * ctx.density, u, degree=1)
    if shape is None:
        return None
    exponent, rational = shape
    lam, shift = sp.Poly(exponent, u).all_coeffs()
    denominator = sp.denom(sp.together(rational))
    if not denominator.has(u) or ctx.sign(lam) not in ((-1,) if s.sup is sp.oo else (1, -1)):
        return None
    value = engine.hard(rational_exponential_integral, rational, lam, u, s.inf, s.sup, ctx.sign,
                        seconds=PAIR_SECONDS if sp.degree(denominator, u) > 1 else SECONDS)
    value = None if value is None else sp.exp(shift) * value
    if not confirmed(engine, g, value):
        return None
    detail = Note.of("a rational function times an exponential, in partial fractions: exponential integrals Ei"
                     + (", and Ci, Si at complex poles" if value.has(sp.Ci, sp.Si) else ""), rule="exponential integral")
    return Expectation(value, ("exponential-integral",), detail=detail)
