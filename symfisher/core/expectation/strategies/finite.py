"""Finite support: E[f(X)] = Σ_{x ∈ S} f(x) p(x), summed term by term (exact, no limits)."""

from __future__ import annotations

import itertools

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note
from symfisher.core.points import MAX_FINITE_POINTS, finite_points


@register("finite-support", "expression")
def finite_support(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    sets = [finite_points(ctx.support[x]) for x in ctx.data]
    if any(s is None for s in sets) or sum(len(s) for s in sets) > MAX_FINITE_POINTS:
        return None
    total = sp.Integer(0)
    for combo in itertools.product(*sets):
        sub = dict(zip(ctx.data, combo))
        total += (f * ctx.density).xreplace(sub)
    n = "·".join(str(len(s)) for s in sets)
    return Expectation(total, ("finite-support",),
                       detail=Note(f"summing over the {n} support points", rule="finite sum"))

