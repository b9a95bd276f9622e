"""Direct integration / summation with SymPy, under a hard time limit, checked by quadrature.

SymPy's convergence conditions are kept with the result (:func:`with_conditions`).
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation, settle_conditions, with_conditions
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note


#: ValueErrors by which SymPy's integrate declines: evalf inside integrate, and a Piecewise integrand whose
#: pieces leave part of the range undefined (the triangular law's score, with its ordered parameters)
SYMPY_CANNOT = ("complex zero with unknown accuracy", "Can't integrate across undefined region")


def _direct(expr, limits, discrete):
    try:
        r = sp.summation(expr, *limits) if discrete else sp.integrate(expr, *limits, conds="piecewise")
    except NotImplementedError:  # SymPy's "cannot": e.g. a Piecewise antiderivative needing a limit at a variable point
        return None
    except ValueError as exc:  # SymPy's other ways of saying "cannot" (see SYMPY_CANNOT)
        if any(text in str(exc) for text in SYMPY_CANNOT):
            return None
        raise
    return with_conditions(r)


@register("integrate", "atom")
def integrate(engine, g: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    limits = [(x, ctx.support[x].inf, ctx.support[x].sup) for x in ctx.data]
    if any(isinstance(ctx.support[x], sp.FiniteSet) for x in ctx.data):
        return None
    found = engine.hard(_direct, g * ctx.density, limits, ctx.discrete)
    if found is None:
        return None
    value, conditions = found
    status, conditions = settle_conditions(conditions, ctx.domains)
    if status == "diverges" or value.has(sp.nan, sp.zoo) or value in (sp.oo, -sp.oo):
        return None
    if engine.spot_check(g, value) is not True:  # SymPy's integrate can be wrong: demand agreement
        return None
    name = "summation" if ctx.discrete else "integrate"
    return Expectation(value, (name,), detail=Note(f"SymPy {name} of the atom", rule=name),
                       conditions=conditions)
