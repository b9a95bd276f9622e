"""Location–scale reduction: E_θ[f(X)] = E[f(μ + σY)] with Y from the parameter-free standard density.

A parameter μ is a location when p(x | θ) depends on x and μ only through x − μ, and σ a scale when
p(x | θ) = f((x − μ)/σ)/σ. Both are checked by substitution: p(μ + σy)·σ must be free of μ and σ.
The standardized model (shape parameters kept) gets an engine of its own, so its atoms are
integrals of fixed functions instead of θ-dependent ones.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation, force_log
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq
from symfisher.core.simplify import numerically_nonzero


def _tidy(expr: sp.Expr, y: sp.Symbol) -> sp.Expr:
    """Factor the bases of data-dependent powers so θ-factors split off: (σ²+σ²y²)⁻² → σ⁻⁴(1+y²)⁻²."""
    def fix(e):
        if e.is_Pow and e.base.has(y) and e.base.is_Add:
            return sp.factor(e.base) ** e.exp
        return e

    return expr.replace(lambda e: e.is_Pow and e.base.has(y) and e.base.is_Add, fix)


def _candidates(ctx):
    real = [p for p in ctx.params if p.is_real and not p.is_positive]
    pos = [p for p in ctx.params if p.is_positive]
    for loc in real + [None]:
        for scale in pos + [None]:
            if loc is not None or scale is not None:
                yield loc, scale


def standard_support(s: sp.Interval, mu: sp.Expr, sig: sp.Expr, params) -> sp.Interval | None:
    """The support of y = (x − μ)/σ for x in the interval ``s``, or ``None`` when it still depends on a parameter
    (the raised-cosine law's [μ − s, μ + s] becomes [−1, 1]; a location on (0, ∞) moves the end)."""
    ends = [e if e.is_infinite else sp.cancel((e - mu) / sig) for e in (s.inf, s.sup)]
    if any(e.free_symbols & set(params) for e in ends):
        return None
    return sp.Interval(*ends, s.left_open, s.right_open)


def find(ctx):
    """(location, scale, standardized Context) or ``None``."""
    if not ctx.univariate or ctx.discrete:
        return None
    x = ctx.data[0]
    s = ctx.support[x]
    if not isinstance(s, sp.Interval):
        return None
    for loc, scale in _candidates(ctx):
        mu = loc if loc is not None else sp.Integer(0)
        sig = scale if scale is not None else sp.Integer(1)
        support = standard_support(s, mu, sig, ctx.params)
        if support is None:
            continue
        y = sp.Dummy("y", real=True, **({"positive": True} if support.inf.is_nonnegative else {}))
        std = force_log(ctx.logpdf.xreplace({x: mu + sig * y}) + sp.log(sig))
        std = sp.expand(std, power_exp=False, mul=True, multinomial=False, log=False)
        gone = {p for p in (loc, scale) if p is not None}
        if std.free_symbols & gone:
            if any(numerically_nonzero(sp.diff(std, p)) for p in std.free_symbols & gone):
                continue  # the log-density still varies with it: no simplify removes it
            try:
                std = sp.simplify(std)
            except ValueError:  # piecewise_simplify builds Max(nan, ·) from indicator densities (Max(0, sign(θ − |x|)))
                continue
            if std.free_symbols & gone:
                continue
        density = sp.powsimp(sp.expand(sp.exp(std), power_exp=True, deep=False))
        sub = ctx.in_variable(y, density, support, sp.Symbol("y", real=True), f"standardized {ctx.label}", std)
        return loc, scale, sub
    return None


@register("location-scale", "expression")
def location_scale(engine, f: sp.Expr) -> Expectation | None:
    if engine.depth > 0:
        return None
    found = engine.cached("location-scale", lambda: find(engine.ctx))
    if found is None:
        return None
    loc, scale, sub_ctx = found
    sub = engine.cached("location-scale-engine", lambda: engine.child(sub_ctx))
    x, y = engine.ctx.data[0], sub_ctx.data[0]
    mu = loc if loc is not None else 0
    sig = scale if scale is not None else 1
    g = _tidy(sp.expand_log(f.xreplace({x: mu + sig * y}), force=True), y)
    inner = sub.expect(g)
    what: list = []
    for kind, p in (("location", loc), ("scale", scale)):
        if p is not None:
            what += [" and " if what else "", kind + " ", p]
    y_user = sp.Symbol("y")
    detail = Note.of(*what, ": ", eq(sp.Symbol("x"), mu + sig * y_user), " with ", y_user, " from the standard density ",
                     sub_ctx.density.xreplace({y: y_user}), *(("; ", inner.detail) if inner.detail else ()),
                     rule="location-scale")
    return Expectation(inner.value, ("location-scale", *inner.strategies), inner.closed, detail, inner.conditions)
