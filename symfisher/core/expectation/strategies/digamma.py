"""The digamma function as a derivative: E[ψ(u)·rest] = ∂/∂t E[Γ(u + t)/Γ(u)·rest] at t = 0, u = x + c.

ψ(u) = ∂/∂t log Γ(u + t) at t = 0, and Γ(u + t)/Γ(u) is the factor whose expectation is a sum or an integral
of the law's own kind with a shifted parameter: the negative binomial law p(k) ∝ Γ(k + r)/k!·pʳ(1 − p)ᵏ has
E[Γ(k + r + t)/Γ(k + r)] = Γ(r + t)/(Γ(r)pᵗ), so E[ψ(k + r)] = ψ(r) − log p, and E[k·ψ(k + r)] in the same way.
The scores of laws with a count inside a gamma function (negative binomial, beta-binomial, beta-geometric) hold
such atoms.

Soundness, as for the parametric transform: the value is used only when every convergence condition of
E[Γ(u + t)/Γ(u)·rest] holds strictly at t = 0. Then the sum or integral converges on a neighbourhood of t = 0
(Γ(u + t)/Γ(u) ~ uᵗ for large u), is analytic there and may be differentiated under the sign, and a formula
derived for t > 0 has the same derivative at 0 as the function itself.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.parametric import at_zero, conditions_at_zero
from symfisher.core.note import ExpectedValue, Note, eq

T_NEAR_ZERO = sp.Interval.open(0, sp.Rational(1, 4))  # where t is drawn: the value at t = 0 is what is used


def digamma_factor(g: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(u, rest) with g = ψ(u)·rest, u = x + c (c free of x) and rest free of ψ(u); ``None`` otherwise.

    >>> k, r = sp.Symbol("k", integer=True), sp.Symbol("r", positive=True)
    >>> digamma_factor(k * sp.polygamma(0, k + r), k)
    (k + r, k)
    """
    found = [f for f in sp.Mul.make_args(g) if isinstance(f, sp.polygamma) and f.args[0] == 0
             and sp.expand(f.args[1] - x).free_symbols.isdisjoint({x})]
    if len(found) != 1:
        return None
    u = found[0].args[1]
    rest = g / found[0]
    if rest.has(sp.polygamma(0, u)) or rest.has(sp.loggamma(u)):
        return None
    return u, rest


@register("digamma", "atom")
def digamma(engine, g: sp.Expr) -> Expectation | None:
    """E[ψ(x + c)·rest] = ∂/∂t E[Γ(x + c + t)/Γ(x + c)·rest] at t = 0, E[…] from the whole engine."""
    ctx = engine.ctx
    if not ctx.univariate or getattr(engine, "digamma_level", 0) or g.has(sp.DiracDelta):
        return None
    found = digamma_factor(g, ctx.data[0])
    if found is None:
        return None
    u, rest = found
    t = engine.cached("digamma-t", lambda: sp.Dummy("t", positive=True))
    family = engine.child(replace(ctx, domains={**ctx.domains, t: T_NEAR_ZERO}))  # its spot checks draw t there
    family.digamma_level = 1
    r = family.atom(sp.gamma(u + t) / sp.gamma(u) * rest)
    if not r.closed or r.value.has(sp.Piecewise) or r.value in (sp.oo, -sp.oo):
        return None
    status, conditions = conditions_at_zero(engine, r.conditions, t)
    if status == "diverges":
        return None
    value = at_zero(engine, sp.diff(r.value, t), t)
    if value is None or value.has(t):
        return None
    tu, X = sp.Symbol("t"), sp.Symbol("X")
    uu, ru = u.xreplace({ctx.data[0]: X}), rest.xreplace({ctx.data[0]: X})
    family = ExpectedValue(sp.gamma(uu + tu) / sp.gamma(uu) * ru)
    detail = Note.of("digamma as a derivative ", eq(ExpectedValue(sp.polygamma(0, uu) * ru), sp.Derivative(family, tu)),
                     " at t = 0, with ", eq(family, r.value.xreplace({t: tu})), *(("; ", r.detail) if r.detail else ()),
                     rule="digamma as a derivative")
    return Expectation(value, ("digamma", *r.strategies), detail=detail, conditions=conditions)
