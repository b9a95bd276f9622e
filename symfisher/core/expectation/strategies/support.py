"""Support maps: move a support that is not (0, 1), (0, ∞) or ℝ onto one of them, exactly.

* (a, b) finite:      x = a + (b − a)·u,  u ∈ (0, 1);
* (a, ∞), a > 0:      x = a/u,            u ∈ (0, 1)   (Pareto-type tails become Beta kernels);
* (a, ∞):             x = a + y,          y ∈ (0, ∞)   (shifted / threshold models);
* (−∞, b):            x = b − y,          y ∈ (0, ∞).

The bounds may depend on θ (Uniform(0, θ), shifted exponential): for a fixed θ the change of
variables is just a substitution in the integral, q(u) = p(x(u))·|x'(u)|, and the mapped model has
a fixed support, so every other strategy applies to it. Results are checked by quadrature.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq

CANONICAL = (sp.Interval.open(0, 1), sp.Interval(0, 1), sp.Interval.open(0, sp.oo), sp.Interval(0, sp.oo), sp.S.Reals)


def _maps(s: sp.Set, density: sp.Expr, data: sp.Symbol):
    """(label, u, x(u), target support, |x'(u)|) for each applicable map, best first. On (a, ∞) with a > 0, x = a/u
    comes first (Pareto-type tails), unless the density is a function of x − a alone: a threshold model (the
    three-parameter log-normal), which the shift x = a + y turns into its two-parameter law."""
    lo, hi = s.inf, s.sup
    unit, half = sp.Interval.open(0, 1), sp.Interval.open(0, sp.oo)
    u = sp.Dummy("u", positive=True)
    x, v, y = sp.Symbol("x"), sp.Symbol("u"), sp.Symbol("y")
    if lo.is_finite and hi.is_finite:  # hi − lo > 0 on a support that is not empty: the Jacobian without Abs
        yield Note.of(eq(x, lo + (hi - lo) * v)), u, lo + (hi - lo) * u, unit, hi - lo
    elif lo.is_finite and hi is sp.oo:
        shift = (Note.of(eq(x, lo + y)), u, lo + u, half, sp.Integer(1))
        threshold = not density.xreplace({data: lo + u}).free_symbols & lo.free_symbols
        if threshold:
            yield shift
        if lo.is_positive:
            yield Note.of(eq(x, lo / v)), u, lo / u, unit, lo / u**2
        if not threshold:
            yield shift
    elif lo is -sp.oo and hi.is_finite:
        yield Note.of(eq(x, hi - y)), u, hi - u, half, sp.Integer(1)


def maps_support(ctx) -> bool:
    """The support map has a change of variables for this model: one continuous variable on an interval that is not
    already ℝ, (0, ∞) or (0, 1)."""
    if not ctx.univariate or ctx.discrete:
        return False
    s = ctx.support[ctx.data[0]]
    return isinstance(s, sp.Interval) and s not in CANONICAL


@register("support-map", "expression")
def support_map(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if engine.depth > 1 or not maps_support(ctx) or not f.has(ctx.data[0]):
        return None
    x = ctx.data[0]
    s = ctx.support[x]
    from symfisher.core.expectation.strategies.substitution import canonical_in, substituted

    def build():
        out = []
        for label, u, inverse, target, jacobian in _maps(s, ctx.density, x):
            sub_ctx = substituted(ctx, u, inverse, target, jacobian=jacobian)
            if sub_ctx is not None:
                out.append((label, u, inverse, engine.child(sub_ctx, sibling_without="support-map")))
        return out

    for label, u, inverse, sub in engine.cached("support-maps", build):
        r = sub.expect(canonical_in(f.xreplace({x: inverse}), u, sub.ctx.support[u]))
        if not r.closed or engine.spot_check(f, r.value, conditions=r.conditions) is False:
            continue
        density = sub.ctx.density.xreplace({u: sp.Symbol("u")})
        detail = Note.of("support map ", label, ", density ", density, " on ", sub.ctx.support[u],
                         *(("; ", r.detail) if r.detail else ()), rule="support map")
        return Expectation(r.value, ("support-map", *r.strategies), detail=detail, conditions=r.conditions)
    return None
