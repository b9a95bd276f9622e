"""Point masses on a count law: E[f(K)] = Σ_j f(c_j) p(c_j) + w·E_q[f_d(K)] − Σ_j f_d(c_j) p_d(c_j).

A mass function written as p(k) = p_j for k = c_j (``Eq(k, c_j)`` branches of a ``Piecewise``) and p_d(k)
otherwise (the zero-inflated and zero-modified Poisson, negative binomial, … laws) is a mixture of its point
masses and of the "otherwise" branch, extended to the whole support: with w = Σ_{k∈S} p_d(k) and q = p_d/w,
Σ_{k∉C} f_d p_d = w·E_q[f_d] − Σ_j f_d(c_j) p_d(c_j), where f_d is f's "otherwise" branch (each ``Piecewise`` of
f taken under the same conditions, as the score's are). E_q comes from the whole engine, one level deeper, on the
count law q (the Poisson law for the zero-inflated Poisson). w follows from Σ p = 1, w = 1 − Σ_j (p_j − p_d(c_j)),
and is checked against the numeric Σ_{k∈S} p_d(k) of ``evidence.total_mass`` at sampled parameter points.
An E_q that stays open is kept as it is (its series over q), unless the atoms of f under p itself close.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.evidence import total_mass
from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.breakpoints import as_piecewise
from symfisher.core.expectation.strategies.piecewise import SAMPLE_SEEDS, branch_under, real_number
from symfisher.core.note import Note

MAX_POINTS = 8  # point masses handled one by one


def _split(engine):
    """([(c_j, condition, p_j)], p_d, w, engine of q = p_d/w) of the context's mass function, or None."""
    ctx = engine.ctx
    k = ctx.data[0]
    p, support = as_piecewise(ctx.density), ctx.support[k]
    if p is None or isinstance(support, sp.FiniteSet) or p.args[-1][1] != sp.true:
        return None
    points = []
    for value, cond in p.args[:-1]:
        if not isinstance(cond, sp.Eq) or value.has(sp.Piecewise):
            return None
        c = cond.rhs if cond.lhs == k else cond.lhs if cond.rhs == k else None
        if c is None or c.has(k) or any(c == q for q, _, _ in points):
            return None
        points.append((c, cond, value))
    default = p.args[-1][0]
    if not points or len(points) > MAX_POINTS or default.has(sp.Piecewise):
        return None
    w = sp.factor(sp.cancel(1 - sp.Add(*[pj.subs(k, c) - default.subs(k, c) for c, _, pj in points])))  # Σ p = 1
    if w == 0:
        return None
    for seed in SAMPLE_SEEDS:  # the c_j lie in the support, and Σ_{k∈S} p_d(k) = w numerically
        point = engine.ctx.point(engine.config.seed + seed)
        here = support.subs(point)  # Range(0, n + 1) at a drawn n
        at = [real_number(c, point) for c, _, _ in points]
        if any(v is None or v != round(v) or here.contains(int(v)) is not sp.true for v in at):
            return None
        expected = real_number(w, point)
        summed = engine.hard(total_mass, default, {k: here}, point)
        if expected is None or summed is None or not abs(summed - expected) <= 1e-9 * max(1.0, abs(expected)):  # NaN
            return None
    q = sp.powsimp(default / w)  # the branch's own factors: (1 − q)³qᵏ, not expanded (exponential families stay visible)
    sub = ctx.in_variable(k, q, support, ctx.to_user[k], f"{ctx.label}, the law of its last branch")
    return points, default, w, engine.child(sub)


@register("point-masses", "expression")
def point_masses(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if not ctx.univariate or not ctx.discrete or engine.depth > 0 or not ctx.density.has(sp.Piecewise):
        return None
    found = engine.cached("point-masses", lambda: _split(engine))
    if found is None:
        return None
    points, default, w, sub = found
    k = ctx.data[0]
    fd = branch_under(f, sp.true) if f.has(sp.Piecewise) else f
    if fd is None:
        return None
    # the branches of the score hold p_d'/p_d unreduced: qᵏ(k + 1)(…)/(q²ᵏ(k + 1)²) cancels to a rational function
    # of k; q^(1−k)·(q^(k−1) + …) reduces once distributed
    # the first form's open result where none closes: the zero-inflated negative binomial law's E_q[ψ(K + r)²]
    # keeps E_q[ψ′(K + r)], the series −E[H]_rr holds as well, so that the verdict sees the two cancel
    r, tried = None, []
    for form in (sp.cancel, lambda g: g, lambda g: sp.powsimp(sp.expand_mul(g))):
        g = form(fd)
        if g not in tried:
            tried.append(g)
            found = sub.expect(g)
            r = found if r is None or found.closed else r
            if r.closed:
                break
    if r.value in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        return None
    if not r.closed:  # the atoms of f under the mass function itself may still close (a direct sum)
        whole = engine.by_linearity(f)
        if whole.closed:
            return whole
    total = w * r.value
    for c, cond, pj in points:
        fj = branch_under(f, cond) if f.has(sp.Piecewise) else f
        if fj is None:
            return None
        at_c = (fj * pj - fd * default).subs(k, c)
        if at_c.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return None
        total += at_c
    k_user = ctx.to_user[k]
    masses = Note.join(", ", [Note.of(sp.Eq(k_user, c), " (mass ", pj, ")") for c, _, pj in points])
    detail = Note.of("point masses ", masses, "; the last branch, summed over the whole support, has mass ", w,
                     " and, divided by it, the law ", sub.ctx.density.xreplace({k: k_user}), ": ", r.detail or "closed",
                     rule="point masses")
    return Expectation(total, ("point-masses", *r.strategies), r.closed, detail=detail, conditions=r.conditions)
