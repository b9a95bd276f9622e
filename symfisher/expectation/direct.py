"""Direct integration / summation with SymPy, under a hard time limit, checked by quadrature."""

from __future__ import annotations

import sympy as sp

from .base import Expectation
from .registry import register


def _direct(expr, limits, discrete):
    if discrete:
        r = sp.summation(expr, *limits)
        if isinstance(r, sp.Piecewise):
            r = r.args[0][0]
        return None if r.has(sp.Sum) else r
    r = sp.integrate(expr, *limits, conds="none")
    return None if r.has(sp.Integral) else r


@register("integrate", "atom", expensive=True)
def integrate(engine, g: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    limits = [(x, ctx.support[x].inf, ctx.support[x].sup) for x in ctx.data]
    if any(isinstance(ctx.support[x], sp.FiniteSet) for x in ctx.data):
        return None
    value = engine.hard(_direct, g * ctx.density, limits, ctx.discrete)
    if value is None or value.has(sp.nan, sp.zoo) or value in (sp.oo, -sp.oo):
        return None
    if engine.spot_check(g, value) is not True:  # SymPy's integrate can be wrong: demand agreement
        return None
    name = "summation" if ctx.discrete else "integrate"
    return Expectation(value, (name,), detail=f"SymPy {name} of the atom")
