"""Point masses of a derivative: E[h(X)·δ(aX + c)] = h(x₀)·p(x₀)/|a| with x₀ = −c/a.

A log-density with a kink (Laplace: |x − μ|) has a Hessian holding DiracDelta terms when it is
differentiated in the distributional sense, as SymPy's ``diff`` does (∂²|x−μ|/∂μ² = 2δ(x−μ)).
Averaging such a term is a legitimate expectation, the sifting property above, and with it
−E[H] equals E[s sᵀ] (for the Laplace location: 2p(μ)/b = 1/b²). Dropping the deltas (the
pointwise second derivative) would give a different, wrong −E[H]. The root must lie inside the
support (a boundary root would carry only part of the mass); otherwise the strategy declines.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.note import ExpectedValue, Note, eq


def _split(g: sp.Expr, x: sp.Symbol):
    """(h, a, c) with g = h(x)·δ(a x + c), h free of DiracDelta, or ``None``."""
    deltas = [f for f in sp.Mul.make_args(g) if isinstance(f, sp.DiracDelta)]
    if len(deltas) != 1 or len(deltas[0].args) != 1:
        return None
    arg = sp.expand(deltas[0].args[0])
    if not arg.is_polynomial(x) or sp.degree(arg, x) != 1:
        return None
    h = sp.Mul(*[f for f in sp.Mul.make_args(g) if f is not deltas[0]])
    if h.has(sp.DiracDelta):
        return None
    a, c = sp.Poly(arg, x).all_coeffs()
    return h, a, c


@register("dirac", "atom")
def dirac_atom(engine, g: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if not g.has(sp.DiracDelta) or not ctx.univariate or ctx.discrete:
        return None
    x = ctx.data[0]
    parts = _split(g, x)
    if parts is None:
        return None
    h, a, c = parts
    x0 = -c / a
    s = ctx.support[x]
    inside = sp.And(x0 > s.inf, x0 < s.sup) if s.inf.is_finite or s.sup.is_finite else sp.true
    if s != sp.S.Reals and inside is not sp.true:
        return None
    if not a.is_nonzero:
        return None
    value = (h * ctx.density).subs(x, x0) / sp.Abs(a)
    if value.has(sp.nan, sp.zoo):
        return None
    xu = ctx.to_user.get(x, x)
    sifted = ExpectedValue(sp.Function("h")(xu) * sp.DiracDelta(xu - x0.xreplace(ctx.to_user)))
    return Expectation(sp.simplify(value), ("dirac",),
                       detail=Note.of("sifting property: ", eq(sifted, sp.Symbol("h") * sp.Symbol("p")), " at ",
                                      eq(xu, x0.xreplace(ctx.to_user)), rule="sifting property"))
