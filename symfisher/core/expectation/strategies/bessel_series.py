"""Bessel generating functions: E[g] for a count on all of ℤ when g·p is a sum of terms C·xᵐ·tˣ·B_{±x+j}(z), B the
modified Bessel function I or the Bessel function J (the Skellam law p(x) = e^{−μ₁−μ₂}(μ₁/μ₂)^{x/2} I_x(2√(μ₁μ₂)),
whose score holds I_{x±1}(z)/I_x(z): times p, one Bessel function is left).

    Σ_{k∈ℤ} tᵏ I_k(z) = e^{(z/2)(t + 1/t)}  (DLMF 10.35.1),    Σ_{k∈ℤ} tᵏ J_k(z) = e^{(z/2)(t − 1/t)}  (DLMF 10.12.1):

Laurent series that converge absolutely for every t ≠ 0, so they may be differentiated term by term: a shifted order
is a factor, Σ tᵏ B_{k+j}(z) = t^{−j} G(t, z), and xᵐ is (t ∂/∂t)ᵐ of it. A negative order is turned round by
I_{−n} = I_n and J_{−n} = (−1)ⁿ J_n at integer n. Every value is spot-checked by summation.
"""

from __future__ import annotations

from functools import partial

import sympy as sp

from symfisher.core.expectation.base import Expectation, confirmed, linear_in
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq, listed
from symfisher.core.signs import signed_on

SECONDS = 2.0  # the derivatives and the sum of closed forms, in a worker of their own
_k = sp.Symbol("k", integer=True)
_t, _z = sp.symbols("t z", positive=True)
#: the identities the strategy uses, as the proofs show them
KERNELS = {
    sp.besseli: eq(sp.Sum(_t**_k * sp.besseli(_k, _z), (_k, -sp.oo, sp.oo)), sp.exp(_z * (_t + 1 / _t) / 2)),
    sp.besselj: eq(sp.Sum(_t**_k * sp.besselj(_k, _z), (_k, -sp.oo, sp.oo)), sp.exp(_z * (_t - 1 / _t) / 2)),
}
_SIGN = {sp.besseli: 1, sp.besselj: -1}  # G(t, z) = e^{(z/2)(t + sign/t)}


def on_integers(ctx) -> sp.Symbol | None:
    """x for one count whose support is all of ℤ; ``None`` otherwise."""
    if not ctx.univariate:
        return None
    (x, support), = ctx.support.items()
    whole = support == sp.S.Integers or (isinstance(support, sp.Range) and support.inf is sp.S.NegativeInfinity
                                         and support.sup is sp.S.Infinity and support.step == 1)
    return x if whole else None


def bessel_terms(integrand: sp.Expr, x: sp.Symbol) -> list[tuple] | None:
    """The terms (C, m, t, B, j, z) of integrand = Σ C·xᵐ·tˣ·B_{x+j}(z), C, t, z free of x, m ≥ 0 and j integers,
    B = besseli or besselj; ``None`` for another shape (no Bessel factor, two of them, a power of one, an order
    x + ν with ν not an integer).

    >>> x = sp.Symbol("x", integer=True)
    >>> a, z = sp.symbols("a z", positive=True)
    >>> bessel_terms(3 * x * a**(x / 2) * sp.besseli(x + 1, z), x)
    [(3, 1, sqrt(a), besseli, 1, z)]
    """
    terms = []
    for term in sp.Add.make_args(sp.expand(integrand)):
        found = _one_term(term, x)
        if found is None:
            return None
        terms.append(found)
    return terms


def _one_term(term: sp.Expr, x: sp.Symbol) -> tuple | None:
    coeff, m, t, bessel = sp.Integer(1), 0, sp.Integer(1), None
    for f in sp.Mul.make_args(term):
        base, e = f.as_base_exp()
        if not f.has(x):
            coeff *= f
        elif base == x and e.is_Integer and e > 0:
            m += int(e)
        elif isinstance(f, (sp.besseli, sp.besselj)) and bessel is None and not f.args[1].has(x):
            bessel = f
        else:  # tˣ: a power or an exponential whose exponent is linear in x
            exponent, base = (f.args[0], sp.E) if isinstance(f, sp.exp) else (e, base)
            slope, const = linear_in(exponent, x)
            if slope is None or base.has(x):
                return None
            coeff, t = coeff * base**const, t * base**slope
    if bessel is None:
        return None
    order, z = bessel.args
    slope, j = linear_in(order, x)
    if slope == -1:  # B_{−x+j} = B_{x−j}, times (−1)^{x−j} for J
        j = -j
        if bessel.func is sp.besselj:
            coeff, t = coeff * (-1) ** j, -t
    elif slope != 1:
        return None
    return (coeff, m, t, bessel.func, j, z) if j.is_integer else None  # Σ tᵏ I_{k+ν}: no generating function


def bessel_sum(terms, nonzero) -> sp.Expr | None:
    """Σ C·(τ ∂/∂τ)ᵐ [τ^{−j} G(τ, z)] at τ = t over the terms; ``None`` unless every t is proved nonzero."""
    tau = sp.Dummy("tau")
    total = sp.Integer(0)
    for coeff, m, t, func, j, z in terms:
        if not nonzero(t):
            return None
        f = tau ** (-j) * sp.exp(z * (tau + _SIGN[func] / tau) / 2)
        for _ in range(m):
            f = sp.expand(tau * sp.diff(f, tau))
        total += coeff * f.subs(tau, t)
    return sp.powsimp(sp.expand(total, power_base=False, log=False), combine="exp")


@register("bessel-generating", "atom")
def bessel_generating(engine, g: sp.Expr) -> Expectation | None:
    """E[g] over ℤ by the generating functions of I_k and J_k."""
    ctx = engine.ctx
    x = on_integers(ctx)
    if x is None:
        return None
    integrand = g * ctx.density
    if not integrand.has(sp.besseli, sp.besselj):
        return None
    terms = bessel_terms(integrand, x)  # cheap, in-process: no worker for the atoms of other shapes
    if terms is None:
        return None
    value = engine.hard(bessel_sum, terms, partial(signed_on, ctx.domains), seconds=SECONDS)
    if not confirmed(engine, g, value):
        return None
    kernels = [KERNELS[f] for f in sorted({term[3] for term in terms}, key=str)]
    detail = Note.of(*listed(kernels, " and "), ", differentiated term by term", rule="bessel-generating")
    return Expectation(value, ("bessel-generating",), detail=detail)
