"""Location–scale reduction: E_θ[f(X)] = E[f(μ + σY)] with Y from the parameter-free standard density.

A parameter μ is a location when p(x | θ) depends on x and μ only through x − μ, and σ a scale when
p(x | θ) = f((x − μ)/σ)/σ. Both are checked by substitution: p(μ + σy)·σ must be free of μ and σ.
The location may also be an expression c in a covariate or a known constant, read off a sum a·x + b inside
log p (c = −b/a, with 1/a as a scale when a > 0): an offset x − m, a regression's μz with one coefficient, a
precision τ in τx − τm; then p(c + σy)·σ must be free of every symbol of c and σ.
The standardized model (shape parameters kept) gets an engine of its own, so its atoms are
integrals of fixed functions instead of θ-dependent ones.
"""

from __future__ import annotations

import itertools

import sympy as sp

from symfisher.core.expectation.base import Expectation, force_log
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq
from symfisher.core.simplify import logs_as_powers, numerically_nonzero

MAX_READ_OFF = 6  # locations read off the sums of log p (each costs a substitution and an expansion)


def _tidy(expr: sp.Expr, y: sp.Symbol) -> sp.Expr:
    """Factor the bases of data-dependent powers so θ-factors split off: (σ²+σ²y²)⁻² → σ⁻⁴(1+y²)⁻²."""
    def fix(e):
        if e.is_Pow and e.base.has(y) and e.base.is_Add:
            return sp.factor(e.base) ** e.exp
        return e

    return expr.replace(lambda e: e.is_Pow and e.base.has(y) and e.base.is_Add, fix)


def _log_contents(expr: sp.Expr) -> sp.Expr:
    """log(σ − σy) → log(σ(1 − y)), so that expanding the logarithm splits off log σ; a sum with a number term
    (log(1 + y²/ν), the standard form) is left as it is."""
    def has_content(e: sp.Expr) -> bool:
        return isinstance(e, sp.log) and e.args[0].is_Add and not any(t.is_Number for t in e.args[0].args)

    return expr.replace(has_content, lambda e: sp.log(sp.factor_terms(e.args[0])))


def _read_off(ctx, x) -> list[tuple[sp.Expr, sp.Expr | None]]:
    """(c, 1/a or ``None``) from the sums a·x + b (a, b free of x, b ≠ 0) inside log p: the location c = −b/a and,
    when a is positive, its scale 1/a; only a c that holds a covariate or a known constant (at most
    ``MAX_READ_OFF`` of them)."""
    found: list = []
    for node in sp.preorder_traversal(ctx.logpdf):
        if len(found) >= MAX_READ_OFF:
            break
        if not (node.is_Add and node.has(x)):
            continue
        b = sp.Add(*(t for t in node.args if not t.has(x)))
        a = sp.cancel((node - b) / x)
        if b == 0 or a.has(x) or a == 0:
            continue
        c = sp.cancel(-b / a)
        if not c.free_symbols & set(ctx.others) or c.is_real is False or c in (f for f, _ in found):
            continue  # in parameters alone, c is one (tried before) or a linear predictor's business
        found.append((c, sp.cancel(1 / a) if a.is_positive and a != 1 else None))
    return found


def _candidates(ctx, x):
    """(location, scale) pairs to try, those that standardize most first: a parameter location and a parameter
    scale, a location read off log p with a scale, then a location or a scale alone."""
    real = [p for p in ctx.params if p.is_real and not p.is_positive]
    pos = [p for p in ctx.params if p.is_positive]
    read = _read_off(ctx, x)
    yield from itertools.product(real, pos)
    for c, inverse_slope in read:
        yield from ((c, p) for p in pos if p != inverse_slope)
        if inverse_slope is not None:
            yield c, inverse_slope
    yield from ((loc, None) for loc in real)
    yield from ((None, scale) for scale in pos)
    yield from ((c, None) for c, _ in read)


def standard_support(s: sp.Interval, mu: sp.Expr, sig: sp.Expr, params) -> sp.Interval | None:
    """The support of y = (x − μ)/σ for x in the interval ``s``, or ``None`` when it still depends on a parameter
    (the raised-cosine law's [μ − s, μ + s] becomes [−1, 1]; a location on (0, ∞) moves the end)."""
    ends = [e if e.is_infinite else sp.cancel((e - mu) / sig) for e in (s.inf, s.sup)]
    if any(e.free_symbols & set(params) for e in ends):
        return None
    return sp.Interval(*ends, s.left_open, s.right_open)


def find(ctx):
    """(location, scale, standardized Context) or ``None``; the location a parameter (or none) before one read
    off a sum in log p."""
    if not ctx.univariate or ctx.discrete:
        return None
    x = ctx.data[0]
    s = ctx.support[x]
    if not isinstance(s, sp.Interval):
        return None
    for loc, scale in _candidates(ctx, x):
        mu = loc if loc is not None else sp.Integer(0)
        sig = scale if scale is not None else sp.Integer(1)
        support = standard_support(s, mu, sig, ctx.params)
        if support is None:
            continue
        y = sp.Dummy("y", real=True, **({"positive": True} if support.inf.is_nonnegative else {}))
        std = force_log(ctx.logpdf.xreplace({x: mu + sig * y}) + sp.log(sig))
        std = sp.expand(std, power_exp=False, mul=True, multinomial=False, log=False)
        gone = {p for e in (loc, scale) if e is not None for p in e.free_symbols}
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


#: densities up to this many operations are tidied for the note (factoring larger ones could take seconds)
WRITTEN_OPS = 60


def _written(density: sp.Expr) -> sp.Expr:
    """The standard density as the note shows it: exp(c log b) as b^c, powers of one base merged, where that is
    shorter — the generalized Pareto law's (ξy + 1)^(−1 − 1/ξ), not 1/(ξy e^(log(ξy + 1)/ξ) + e^(log(ξy + 1)/ξ)).

    >>> xi, y = sp.symbols("xi y", positive=True)
    >>> _written(1 / (xi * y * sp.exp(sp.log(xi * y + 1) / xi) + sp.exp(sp.log(xi * y + 1) / xi)))
    (xi*y + 1)**(-1 - 1/xi)
    """
    if sp.count_ops(density) > WRITTEN_OPS:
        return density
    powers = logs_as_powers(density)
    return min((density, sp.powsimp(powers), sp.powsimp(sp.factor(powers))), key=sp.count_ops)


@register("location-scale", "expression")
def location_scale(engine, f: sp.Expr) -> Expectation | None:
    if engine.depth > 0:
        return None
    found = engine.cached("location-scale", lambda: find(engine.ctx))
    if found is None:
        return None
    loc, scale, sub_ctx = found
    sub = engine.cached("location-scale-engine", lambda: engine.child(sub_ctx, sibling_without="location-scale"))
    x, y = engine.ctx.data[0], sub_ctx.data[0]
    mu = loc if loc is not None else 0
    sig = scale if scale is not None else 1
    g = _tidy(sp.expand_log(_log_contents(f.xreplace({x: mu + sig * y})), force=True), y)
    inner = sub.expect(g)
    if not inner.closed and not (loc is None or loc in engine.ctx.params):
        return None  # a location read off log p: the other strategies may still close E[f] in x
    what: list = []
    for kind, p in (("location", loc), ("scale", scale)):
        if p is not None:
            what += [" and " if what else "", kind + " ", p]
    y_user = sp.Symbol("y")
    standard = engine.cached("location-scale-density", lambda: _written(sub_ctx.density))
    detail = Note.of(*what, ": ", eq(sp.Symbol("x"), mu + sig * y_user), " with ", y_user, " from the standard density ",
                     standard.xreplace({y: y_user}), *(("; ", inner.detail) if inner.detail else ()),
                     rule="location-scale")
    return Expectation(inner.value, ("location-scale", *inner.strategies), inner.closed, detail, inner.conditions)
