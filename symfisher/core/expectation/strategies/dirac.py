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
from symfisher.core.signs import settle_relations


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
    inside = all(end is None or ctx.sign(end) == 1 for end in (x0 - s.inf if s.inf.is_finite else None,
                                                                s.sup - x0 if s.sup.is_finite else None))
    if s != sp.S.Reals and not inside:  # the root strictly inside, by the assumptions or the parameters' domains
        return None
    if not a.is_nonzero:
        return None
    value, conditions = _value_at(h * ctx.density, x, x0, ctx.domains)
    if value is None:
        return None
    value = value / sp.Abs(a)
    xu = ctx.to_user.get(x, x)
    sifted = ExpectedValue(sp.Function("h")(xu) * sp.DiracDelta(xu - x0.xreplace(ctx.to_user)))
    return Expectation(sp.simplify(value), ("dirac",), conditions=conditions,
                       detail=Note.of("sifting property: ", eq(sifted, sp.Symbol("h") * sp.Symbol("p")), " at ",
                                      eq(xu, x0.xreplace(ctx.to_user)), rule="sifting property"))


def _value_at(g: sp.Expr, x: sp.Symbol, x0: sp.Expr, domains) -> tuple[sp.Expr | None, tuple[sp.Basic, ...]]:
    """g(x₀) and the conditions on θ under which it holds, where g = |x − x₀|^e·r(x) near x₀; ``None``: unknown.
    Branch conditions at x₀ (a mode c ∈ (0, 1): c ≤ 1) are decided on the parameters' ``domains``."""
    direct = settle_relations(g.subs(x, x0), domains)
    if _finite(direct):
        return direct, ()
    e, rest = _power_part(sp.expand_power_base(g), x, x0)
    if e == 0 or not _finite(rest.replace(sp.sign, lambda _: sp.S.One).subs(x, x0)):  # |sign| ≤ 1
        return None, ()
    if e.is_positive:
        return sp.S.Zero, ()
    if e.is_negative or e.is_number:  # an infinite term: left to the divergence checks
        return None, ()
    return sp.S.Zero, ((e > 0).simplify(),)


def _finite(value: sp.Expr) -> bool:
    """No ∞, no nan and no 0^e with e unknown in sign (SymPy leaves 0**(beta - 1) unevaluated)."""
    return not value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) and not any(p.base == 0 for p in value.atoms(sp.Pow))


def _power_part(g: sp.Expr, x: sp.Symbol, x0: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(e, r) with g = |x − x₀|^e·r, from the factors |±(x − x₀)|^k and (±(x − x₀))^k (the latter's sign kept
    in r)."""
    e, rest = sp.S.Zero, []
    shift = sp.expand(x - x0)
    for f in sp.Mul.make_args(g):
        base, k = f.as_base_exp()
        absolute = isinstance(base, sp.Abs)
        inner = base.args[0] if absolute else base
        if sp.expand(inner**2 - shift**2) != 0 or not (absolute or k.is_integer):  # ±(x − x₀) only
            rest.append(f)
            continue
        e += k
        if not absolute:
            rest.append(sp.sign(base) ** k)
    return e, sp.Mul(*rest)
