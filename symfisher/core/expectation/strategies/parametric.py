"""The parametric transform: E[log(h(X))ᵐ·g(X)] = ∂ᵐ/∂tᵐ E[h(X)ᵗ·g(X)] at t = 0.

Mellin's idea (E[X^t], then derivatives in t give E[log X]) with the inner function h of a log-atom in
place of X: log(1 + c·x^a), log(1 − x^a), log|x − μ|, log(x² + ν) ... The family E[h^t g] is an
expectation like any other, so the engine computes it with t a new symbol (an Euler integral with a
symbolic exponent, a substitution, the Mellin transform), and one derivative in t per power of the
logarithm gives the atom. This covers whole classes at once: every density whose kernel holds powers of
the same h (Beta-prime and Burr kernels hold (1 + x^c)^(−k), Student's t holds (1 + x²/ν)^(−(ν+1)/2)).

Soundness: the value is used only when every convergence condition of E[h^t g] holds strictly at t = 0,
so the integral converges on a neighbourhood of t = 0, is analytic there, and may be differentiated under
the integral sign (|log h|ᵐ h^t ≤ C(h^(t−ε) + h^(t+ε))). A formula that is 0/0 at t = 0 is resolved by a
limit. Nested logarithms of two inner functions are peeled one at a time, at most two levels deep.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation, limits_in_turn, settle_conditions
from symfisher.core.expectation.registry import register
from symfisher.core.note import ExpectedValue, Note, eq

MAX_LEVELS = 2  # nested inner functions peeled (log h₁·log h₂·g needs two)
LIMIT_SECONDS = 1.0  # for the limit at t = 0 of a formula that is 0/0 there


def log_factor(g: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, int, sp.Expr] | None:
    """(h, m, rest) with g = log(h)ᵐ·rest, h the inner function of a logarithm of the data (the one with the
    highest power, then the first in SymPy's order), rest free of log h; ``None`` without such a factor.

    >>> x = sp.Symbol("x", positive=True)
    >>> log_factor(x * sp.log(1 + x**2)**2, x)
    (x**2 + 1, 2, x)
    """
    found: dict[sp.Expr, int] = {}
    rest = []
    for factor in sp.Mul.make_args(g):
        base, e = factor.as_base_exp()
        if isinstance(base, sp.log) and base.args[0].has(x) and e.is_Integer and e > 0:
            found[base.args[0]] = found.get(base.args[0], 0) + int(e)
        else:
            rest.append(factor)
    if not found:
        return None
    h = max(sorted(found, key=sp.default_sort_key), key=lambda k: found[k])
    others = [sp.log(k) ** m for k, m in found.items() if k != h]
    return h, found[h], sp.Mul(*rest, *others)


def _at_zero(engine, value: sp.Expr, t: sp.Symbol | tuple[sp.Symbol, ...]) -> sp.Expr | None:
    """value at t = 0 (every symbol of a tuple t), or its limit there when the formula is 0/0, taken one symbol at
    a time (``None``: no finite value)."""
    ts = t if isinstance(t, tuple) else (t,)
    at = value.subs({u: 0 for u in ts})
    if not at.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return at
    found = engine.hard(limits_in_turn, value, tuple((u, 0) for u in ts), seconds=LIMIT_SECONDS * len(ts))
    return None if found is None or found.has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.Limit) else found


def _conditions_at_zero(engine, conditions, t: sp.Symbol | tuple[sp.Symbol, ...]) -> tuple[str, tuple[sp.Basic, ...]]:
    """The conditions of E[h^t g] at t = 0 (every symbol of a tuple t), as conditions on θ ("diverges" when one
    fails there)."""
    zero = {u: 0 for u in (t if isinstance(t, tuple) else (t,))}
    there = []
    for c in conditions:
        c0 = c.subs(zero)
        if c0 is sp.false:
            return "diverges", ()
        if c0 is not sp.true:
            there.append(c0)
    return settle_conditions(tuple(there), engine.ctx.domains)


def derivative_at_zero(engine, r, t: sp.Symbol | tuple[sp.Symbol, ...], m: int, form: sp.Expr | None = None
                       ) -> tuple[sp.Expr, tuple[sp.Basic, ...]] | None:
    """(∂ᵐ/∂tᵐ at t = 0, the conditions there) of a family's expectation r (its value, or ``form``, the same value
    written otherwise); for a tuple t = (t₁, …), the mixed ∂/∂t₁⋯ once in each at t = 0 (``m`` unused). ``None``
    where r is open or infinite, one of its conditions fails at t = 0, or the derivative has no finite value there."""
    if not r.closed or r.value.has(sp.Piecewise) or r.value in (sp.oo, -sp.oo):
        return None
    status, conditions = _conditions_at_zero(engine, r.conditions, t)
    if status == "diverges":
        return None
    orders = t if isinstance(t, tuple) else ((t, m),)
    value = _at_zero(engine, sp.diff(r.value if form is None else form, *orders), t)
    if value is None or value.has(*(t if isinstance(t, tuple) else (t,))):
        return None
    return value, conditions


@register("parametric", "atom")
def parametric(engine, g: sp.Expr) -> Expectation | None:
    """E[log(h)ᵐ·rest] = ∂ᵐ/∂tᵐ E[h^t·rest] at t = 0, with E[h^t·rest] from the engine's cheap strategies."""
    ctx = engine.ctx
    level = getattr(engine, "parametric_level", 0)
    if not ctx.univariate or ctx.discrete or level >= MAX_LEVELS or g.has(sp.DiracDelta):
        return None
    x = ctx.data[0]
    found = log_factor(g, x)
    if found is None:
        return None
    h, m, rest = found
    t = engine.cached(("parametric-t", level), lambda: sp.Dummy("t", real=True))
    family = sp.powsimp(h**t * rest)
    engine.parametric_level = level + 1
    try:
        r = engine.atom(family, expensive=False)
    finally:
        engine.parametric_level = level
    found = derivative_at_zero(engine, r, t, m)
    if found is None:
        return None
    value, conditions = found
    tu, X = sp.Symbol("t"), sp.Symbol("X")
    hu = h.xreplace({x: X})
    detail = Note.of("parametric transform ", eq(ExpectedValue(sp.log(hu) ** m * rest.xreplace({x: X})),
                                                 sp.Derivative(ExpectedValue(hu**tu * rest.xreplace({x: X})), (tu, m))),
                     " at t = 0, with ", eq(ExpectedValue(hu**tu * rest.xreplace({x: X})), r.value.xreplace({t: tu})),
                     *(("; ", r.detail) if r.detail else ()), rule="parametric transform")
    return Expectation(value, ("parametric", *r.strategies), detail=detail, conditions=conditions)
