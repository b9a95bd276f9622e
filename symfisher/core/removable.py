"""Removable singularities of a closed form inside the parameter domain, with the value that fills each.

A closed form such as the exponentiated exponential law's I_ac = (a(ψ(a) − 1 + γ) + 1)/(a c (a − 1)) is 0/0 at
a = 1, where the information is finite (the limit, (π²/6 − 1)/c): evaluated there as written it gives ±inf or NaN.
Each factor (p − r)^(−m) of a denominator, linear or polynomial in one parameter p with a rational root r inside
p's domain, is a candidate; the point is removable where the limits from both sides agree and are finite.
"""

from __future__ import annotations

from typing import Mapping

import sympy as sp

MAX_CANDIDATES = 4  # points tried per expression (each limit takes about a second)


def candidate_points(expr: sp.Expr, domains: Mapping[sp.Symbol, sp.Set]) -> list[tuple[sp.Symbol, sp.Rational]]:
    """(p, r) for the rational roots r inside p's domain of the one-parameter polynomial denominators of ``expr``."""
    found: list[tuple[sp.Symbol, sp.Rational]] = []
    for node in sp.preorder_traversal(expr):
        if not (isinstance(node, sp.Pow) and node.exp.is_Integer and node.exp < 0):
            continue
        symbols = node.base.free_symbols & set(domains)
        if len(node.base.free_symbols) != 1 or len(symbols) != 1:
            continue
        (p,) = symbols
        if not node.base.is_polynomial(p):
            continue
        for root in sp.Poly(node.base, p).ground_roots():
            if root.is_Rational and domains[p].contains(root) is sp.true and (p, root) not in found:
                found.append((p, root))
    return found[:MAX_CANDIDATES]


def removable_points(expr: sp.Expr, domains: Mapping[sp.Symbol, sp.Set]) -> tuple[tuple[sp.Symbol, sp.Rational,
                                                                                           sp.Expr], ...]:
    """(p, r, value) for each removable singularity p = r of ``expr`` inside the domain (see the module): the limit
    there, the same from both sides and finite (the other parameters kept symbolic)."""
    out = []
    for p, r in candidate_points(expr, domains):
        try:
            above, below = (sp.limit(expr, p, r, direction) for direction in ("+", "-"))
        except (NotImplementedError, ValueError, TypeError, sp.PoleError):
            continue
        if above.has(sp.Limit, sp.oo, -sp.oo, sp.zoo, sp.nan) or sp.simplify(above - below) != 0:
            continue
        out.append((p, r, sp.simplify(above)))
    return tuple(out)


def removable_points_of(exprs: tuple[sp.Expr, ...], domains: Mapping[sp.Symbol, sp.Set]) -> tuple[tuple, ...]:
    """:func:`removable_points` of each expression (one call for a worker)."""
    return tuple(removable_points(e, domains) for e in exprs)
