"""Parity: an odd atom under a density even about 0 vanishes once its even companion is absolutely integrable.

Under an even density on ℝ, sign(Y) and |Y| are independent and sign(Y) = ±1 with probability ½, so for an odd
g, g(Y) = sign(Y)·e(|Y|) with e = sign·g even, and E[g(Y)] = E[sign Y]·E[e(|Y|)] = 0 whenever E|e(Y)| < ∞.
The strategy "symmetry" proves integrability by continuity and a limit, which fails for |y|^(β−1)·sign(y) with
β < 1 or for |y|^β·log|y|·sign(y) (not continuous at 0, yet integrable): here the engine computes E[e] instead.
Its cheap strategies (Euler integrals, the Mellin transform, substitutions, exponential families, the
parametric transform) close an expectation only where the integral converges absolutely (inside an open
region of convergence, where logarithms and powers keep their sign near 0 and ∞), so a closed, finite E[e]
from them proves E|e| < ∞, under the same conditions on θ. SymPy's ``integrate`` is not trusted for this,
nor are oscillating integrands.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation, almost_everywhere
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.symmetry import _even_density
from symfisher.core.note import ExpectedValue, Note, eq

OSCILLATING = (sp.sin, sp.cos, sp.tan, sp.besselj, sp.bessely)
UNTRUSTED = frozenset({"integrate", "summation"})  # may return a conditionally convergent value


@register("parity", "atom")
def parity(engine, g: sp.Expr) -> Expectation | None:
    """E[g] = 0 for an odd g under an even density on ℝ, when E[sign(X)·g] closes (absolutely) by the cheap strategies."""
    ctx = engine.ctx
    if not ctx.univariate or ctx.discrete or ctx.support[ctx.data[0]] != sp.S.Reals:
        return None
    x = ctx.data[0]
    if g.has(*OSCILLATING, sp.DiracDelta) or sp.expand(g.xreplace({x: -x}) + g) != 0:
        return None
    if not engine.cached("even-density", lambda: _even_density(ctx)):
        return None
    even = almost_everywhere(sp.sign(x) * g, ctx)
    r = engine.atom(even, expensive=False)
    if not r.closed or UNTRUSTED & set(r.strategies) or r.value.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        return None
    X = sp.Symbol("X")
    detail = Note.of("odd integrand under a density symmetric about 0, ",
                     eq(ExpectedValue(sp.sign(X) * g.xreplace({x: X})), r.value), " is finite",
                     *(("; ", r.detail) if r.detail else ()), rule="parity")
    return Expectation(sp.Integer(0), ("parity", *r.strategies), detail=detail, conditions=r.conditions)
