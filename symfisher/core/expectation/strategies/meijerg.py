"""Meijer-G integration: SymPy's ``integrate(..., meijerg=True)`` on the atom, under a small hard time limit.

Writing both factors of g·p as Meijer G-functions turns ∫₀^∞ g p dx into one G-function of the parameters
(Gradshteyn & Ryzhik 7.811), which SymPy reduces to Gamma, hypergeometric, incomplete-Gamma and exponential
integral closed forms; on a finite support it works the same way after SymPy's own shift. It covers kernels the
Euler integrals and transforms do not (exp(−η e^{bx}) of the Gompertz law, Bessel and error-function weights)
and is fast when it works, so it runs only at the top level, only after the cheap strategies, and gets a few
seconds. Like ``integrate``, the value is accepted only with SymPy's convergence conditions settled on the
parameter domain and agreement with quadrature at a random point.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import KINKED, Expectation, settle_conditions, with_conditions
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note

SECONDS = 2.0  # the hard limit of one Meijer-G integration (less when the atom timeout is smaller)


def _meijerg(expr: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr):
    try:
        r = sp.integrate(expr, (x, lo, hi), meijerg=True, conds="piecewise")
    except (NotImplementedError, ValueError, TypeError):  # SymPy's "cannot" (no G-function form, a bad evalf)
        return None
    return with_conditions(r)


@register("meijer-g", "atom")
def meijer_g(engine, g: sp.Expr) -> Expectation | None:
    """E[g] as one Meijer G-function integral, when SymPy finds it within :data:`SECONDS`."""
    ctx = engine.ctx
    if engine.depth > 0 or ctx.interval is None or ctx.support_depends_on_params or g.has(*KINKED):
        return None
    x, s = ctx.interval
    found = engine.hard(_meijerg, g * ctx.density, x, s.inf, s.sup, seconds=min(SECONDS, engine.config.atom_timeout))
    if found is None:
        return None
    value, conditions = found
    status, conditions = settle_conditions(conditions, ctx.domains)
    if status == "diverges" or value.has(sp.nan, sp.zoo, sp.Integral) or value in (sp.oo, -sp.oo):
        return None
    if engine.spot_check(g, value, conditions=conditions) is not True:  # like integrate: demand agreement
        return None
    return Expectation(value, ("meijer-g",), detail=Note("SymPy's Meijer-G integration of the atom", rule="meijer-g"),
                       conditions=conditions)
