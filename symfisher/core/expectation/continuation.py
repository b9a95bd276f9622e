"""Analytic continuation of a closed form beyond the conditions of its parts.

E[f] = Σ c_i E[g_i] can close under conditions (a > 2) that make every part converge, though the whole integral
converges on more of the parameter domain: the parts' divergences cancel. The exponentiated exponential law's
E[s_c²] splits into parts that converge for a > 2 only, while s_c² p behaves as t^(a − 1) near x = 0. When

* the whole integrand f·p is integrable near every end of the support for every θ of the domain (near a finite
  end as c·t^k with k > −1, t the distance to the end; towards ±∞ as o(x⁻²)), and no denominator, logarithm or
  non-integer power of it has a zero inside the support, so E[f] is an analytic function of θ there, and
* the closed form is meromorphic in θ near the real parameter domain (rational functions, exp, Γ, ψ⁽ⁿ⁾ of a fixed
  order, ζ, B, erf, sin, cos; logarithms and non-integer powers only of expressions positive on the domain),

E[f] and the closed form agree on the open set where the conditions hold, hence on the whole connected domain
(the identity theorem; a meromorphic function's poles do not disconnect it): the conditions are dropped. A pole
of the closed form inside the domain is then removable (the exponentiated exponential law's I_cc at a = 2).
"""

from __future__ import annotations

from typing import Mapping

import sympy as sp
from sympy.core.relational import StrictGreaterThan, StrictLessThan

from symfisher.core.expectation.base import Context
from symfisher.core.signs import sign_on

#: functions of θ that are meromorphic in all their arguments
MEROMORPHIC = (sp.exp, sp.gamma, sp.polygamma, sp.beta, sp.erf, sp.erfc, sp.sin, sp.cos, sp.sinh, sp.cosh)
#: functions of θ analytic where their (last) argument is positive
ANALYTIC_FOR_POSITIVE = (sp.log, sp.loggamma, sp.besseli, sp.besselk, sp.uppergamma, sp.lowergamma, sp.expint)
#: functions of the data with no singularity where their argument is finite
ENTIRE = (sp.exp, sp.erf, sp.erfc, sp.sin, sp.cos, sp.sinh, sp.cosh)
#: functions of the data singular only where their (last) argument is 0 (a negative argument of the logarithm would
#: make the score complex on the support); Γ and ψ of the data, with poles at every negative integer, are not here
SINGULAR_AT_ZERO = (sp.log, sp.besseli, sp.besselk)


def open_conditions(conditions: tuple[sp.Basic, ...]) -> bool:
    """Whether every condition is a strict inequality (the set where they hold is open)."""
    return bool(conditions) and all(isinstance(c, (StrictGreaterThan, StrictLessThan)) for c in conditions)


def meromorphic(value: sp.Expr, domains: Mapping[sp.Symbol, sp.Set]) -> bool:
    """Whether ``value``, a closed form in θ, is meromorphic near the real parameter domain (see the module)."""
    for node in sp.preorder_traversal(value):
        if not node.free_symbols or isinstance(node, (sp.Add, sp.Mul, sp.Symbol)):
            continue
        if isinstance(node, sp.Pow):
            if not (node.exp.is_Integer or sign_on(node.base, domains) == 1):
                return False
        elif isinstance(node, sp.polygamma):
            if node.args[0].free_symbols:  # ψ⁽ⁿ⁾ with an order that depends on θ
                return False
        elif isinstance(node, sp.zeta):
            if len(node.args) == 2 and sign_on(node.args[1], domains) != 1:
                return False
        elif isinstance(node, ANALYTIC_FOR_POSITIVE):
            if sign_on(node.args[-1], domains) != 1:
                return False
        elif not isinstance(node, MEROMORPHIC):
            return False
    return True


def _leading(expr: sp.Expr, t: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(c, k) with expr ~ c·t^k as t → 0+ (c ≠ 0), factor by factor: exp(−t + a log(1 − e⁻ᵗ)) is e⁻ᵗ (1 − e⁻ᵗ)^a,
    of order t^a, which SymPy's ``as_leading_term`` cannot expand as a whole."""
    expr = sp.expand_power_exp(expr)
    if isinstance(expr, sp.Mul):
        parts = [_leading(f, t) for f in expr.args]
        if any(p is None for p in parts):
            return None
        return sp.Mul(*(c for c, _ in parts)), sp.Add(*(k for _, k in parts))
    if isinstance(expr, sp.Pow) and not expr.exp.has(t):
        base = _leading(expr.base, t)
        if base is None or not (expr.exp.is_Integer or base[0].is_positive):
            return None
        return base[0] ** expr.exp, base[1] * expr.exp
    if isinstance(expr, sp.exp):
        power, log = expr.args[0].as_independent(t, as_Add=False)
        if isinstance(log, sp.log):  # exp(a log u) = u^a
            return _leading(sp.Pow(log.args[0], power, evaluate=False), t)
        at_zero = expr.args[0].subs(t, 0)
        return (expr.func(at_zero), sp.S.Zero) if at_zero.is_finite else None
    try:
        c, k = sp.expand_power_base(expr.as_leading_term(t), force=True).as_coeff_exponent(t)
    except (NotImplementedError, ValueError, TypeError, sp.PoleError):
        return None
    return None if c.has(t) or k.has(t) or c == 0 else (c, k)


def _no_zero_inside(g: sp.Expr, x: sp.Symbol, inside: sp.Interval) -> bool:
    """Whether every denominator, non-integer power base and singular function argument of ``g`` that depends on
    ``x`` is proved free of zeros in the open interval ``inside`` (``solveset`` gives the empty set)."""
    bases = []
    for node in sp.preorder_traversal(g):
        if not node.has(x) or isinstance(node, (sp.Add, sp.Mul, sp.Symbol)):
            continue
        if isinstance(node, sp.Pow):
            if node.exp.has(x):
                return False
            if not (node.exp.is_Integer and node.exp >= 0):
                bases.append(node.base)
        elif isinstance(node, SINGULAR_AT_ZERO):
            bases.append(node.args[-1])
        elif not isinstance(node, ENTIRE):
            return False
    for base in dict.fromkeys(bases):
        if sp.solveset(base, x, inside) != sp.S.EmptySet:
            return False
    return True


def integrable_ends(ctx: Context, f: sp.Expr) -> tuple[tuple[sp.Expr, sp.Expr | None], ...] | None:
    """For one continuous variable on an interval: each end of the support with the exponent k of f·p ~ c·t^k there
    (``None`` for an infinite end, where x²·f·p → 0), where the whole integrand is integrable at every end for every
    θ of the domain and has no singularity inside; else ``None``."""
    found = ctx.interval
    if found is None:
        return None
    x, support = found
    g = f * ctx.density
    if not _no_zero_inside(g, x, sp.Interval.open(support.inf, support.sup)):
        return None
    t = sp.Dummy("t", positive=True)
    ends = []
    for end, side in ((support.inf, 1), (support.sup, -1)):
        if end.is_finite:
            lead = _leading(g.xreplace({x: end + side * t}), t)
            if lead is None or sign_on(lead[1] + 1, ctx.domains) != 1:
                return None
            ends.append((end, lead[1]))
        else:
            try:
                limit = sp.limit(x**2 * g, x, end)
            except (NotImplementedError, ValueError, TypeError, sp.PoleError):
                return None
            if limit != 0:
                return None
            ends.append((end, None))
    return tuple(ends)


def continued(ctx: Context, f: sp.Expr, value: sp.Expr) -> tuple[tuple[sp.Expr, sp.Expr | None], ...] | None:
    """The ends of :func:`integrable_ends` where E[f] = ``value`` holds on the whole parameter domain by analytic
    continuation (see the module), else ``None``."""
    if not meromorphic(value, ctx.domains):
        return None
    return integrable_ends(ctx, f)
