"""The sign of a function of θ on the whole parameter domain, from assumptions and declared domains."""

from __future__ import annotations

import itertools
import math
from typing import Mapping

import sympy as sp
from sympy.core.relational import Relational


def sign_on(expr: sp.Expr, domains: Mapping[sp.Symbol, sp.Set], factored: bool = False) -> int:
    """+1 (−1) where SymPy proves ``expr`` positive (negative) for every θ in ``domains``: from the assumptions, else
    with each parameter whose domain is an interval (l, u) written l + t or u − t for a positive t (either covers the
    domain, so a sign proved for every t > 0 holds on it), factor by factor of a product (after ``factor``, once);
    else 0.

    >>> a, c = sp.symbols("a c", real=True)
    >>> domains = {a: sp.Interval.open(-sp.oo, 0), c: sp.Interval.open(0, 1)}
    >>> sign_on(1 / (a - c)**2, domains), sign_on(a - c, domains), sign_on(c - 1 / 2, domains)
    (1, -1, 0)
    """
    if expr.is_positive or expr.is_negative:
        return 1 if expr.is_positive else -1
    if isinstance(expr, sp.Mul):  # factor by factor: each may need its own writing of the parameters
        return math.prod(sign_on(f, domains, factored) for f in expr.args)
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer:
        base = sign_on(expr.base, domains, factored)
        return base if int(expr.exp) % 2 else abs(base)
    choices = []  # per parameter: its writings l + t, u − t (both, for a bounded interval)
    for p in sorted(expr.free_symbols, key=str):
        dom, t = domains.get(p), sp.Dummy("t", positive=True)
        if isinstance(dom, sp.Interval):
            ends = [dom.inf + t] if dom.inf.is_finite else []
            choices.append([(p, e) for e in ends + ([dom.sup - t] if dom.sup.is_finite else [])] or [(p, p)])
    for combo in itertools.islice(itertools.product(*choices), 16):
        shifted = expr.xreplace(dict(combo))
        if shifted.is_positive or shifted.is_negative:
            return 1 if shifted.is_positive else -1
    if not factored:  # an expanded square, (a + b − c − d)² written out
        product = sp.factor(expr)
        return sign_on(product, domains, True) if product != expr else 0
    return 0


def positive_on(domains: Mapping[sp.Symbol, sp.Set], expr: sp.Expr) -> bool:
    """Whether :func:`sign_on` proves ``expr`` positive on ``domains``: a test a worker can be handed (bound with
    ``functools.partial``; a lambda cannot be sent to a fork server's worker)."""
    return sign_on(expr, domains) == 1


def signed_on(domains: Mapping[sp.Symbol, sp.Set], expr: sp.Expr) -> bool:
    """Whether :func:`sign_on` proves a sign of ``expr`` on ``domains`` (see :func:`positive_on`)."""
    return sign_on(expr, domains) != 0


def settle_relations(expr: sp.Expr, domains: Mapping[sp.Symbol, sp.Set]) -> sp.Expr:
    """``expr`` with each relation between functions of θ decided (true or false) where the sign of its two sides'
    difference holds on the whole parameter domain (:func:`sign_on`); a ``Piecewise`` keeps the branches still open.

    >>> c = sp.Symbol("c", positive=True)
    >>> settle_relations(sp.Piecewise((1, c < 0), (2, c <= 1), (3, True)), {c: sp.Interval.open(0, 1)})
    2
    """
    def settled(rel: sp.Basic) -> sp.Basic:
        sign = sign_on(rel.lhs - rel.rhs, domains)
        if sign == 0:
            return rel
        if isinstance(rel, (sp.Eq, sp.Ne)):
            return sp.false if isinstance(rel, sp.Eq) else sp.true
        above = isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan))
        return sp.true if (sign > 0) == above else sp.false

    if not expr.has(Relational):
        return expr
    return expr.replace(lambda e: isinstance(e, Relational) and bool(e.free_symbols), settled)
