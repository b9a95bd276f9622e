"""Finite support: E[f(X)] = Σ_{x ∈ S} f(x) p(x), summed term by term (exact, no limits)."""

from __future__ import annotations

import itertools

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note


@register("finite-support", "expression")
def finite_support(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    sets = [ctx.support[x] for x in ctx.data]
    if not all(isinstance(s, sp.FiniteSet) for s in sets):
        return None
    if sum(len(s) for s in sets) > 64:
        return None
    total = sp.Integer(0)
    for combo in itertools.product(*[s.args for s in sets]):
        sub = dict(zip(ctx.data, combo))
        total += (f * ctx.density).xreplace(sub)
    n = "·".join(str(len(s)) for s in sets)
    return Expectation(total, ("finite-support",),
                       detail=Note(f"summing over the {n} support points", rule="finite sum"))
