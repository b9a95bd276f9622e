"""Supports written inside the density: indicator factors, and values that are not numbers.

A density such as ``Heaviside(θ − x)·Heaviside(x + θ)/(2θ)`` on ℝ is Uniform(−θ, θ): its *effective*
support {x : p(x | θ) > 0} = (−θ, θ) depends on θ, although the declared support ℝ does not. Such a
model is irregular (E[s] ≠ 0, I ≠ −E[H]), and treating the indicators as smooth factors gives
``DiracDelta(0)`` in the "closed forms". This module

* moves indicator factors into the support where their region solves to an interval
  (:func:`absorb_indicators`),
* names the indicator functions that remain and tie the data to θ (:func:`theta_indicators`), so the
  verdict never calls such a model regular, and
* finds the parts of a parameter-only expression that are not numbers (:func:`non_numbers`):
  ``DiracDelta(…)``, ``zoo``, ``nan``, or an infinity inside a larger expression.
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from symfisher.core.breakpoints import continuous_at_breaks, linear_root, segments
from symfisher.core.signs import sign_on

INDICATORS = (sp.Heaviside, sp.Piecewise, sp.sign, sp.Max, sp.Min, sp.floor, sp.ceiling, sp.DiracDelta,
              sp.frac, sp.KroneckerDelta)


def theta_indicators(expr: sp.Expr, data: Sequence[sp.Symbol], params: Sequence[sp.Symbol],
                     support: Sequence[tuple[sp.Symbol, sp.Set]] = (),
                     domains: Sequence[tuple[sp.Symbol, sp.Set]] = ()) -> list[sp.Expr]:
    """The indicator-like sub-expressions (Heaviside, Piecewise, sign, Max, Min, …) of ``expr`` that
    involve both a data symbol and a parameter (a Piecewise: in its conditions): places where the effective support
    may move with θ. A Piecewise whose branches meet continuously at its break points y₀(θ) (the two-piece normal)
    moves no support and is not listed: its Hessian carries the jump terms (:mod:`symfisher.core.breakpoints`);
    ``support``, the (data symbol, set) pairs, tells continuous data (where that holds) from counts; ``domains``, the
    parameters' declared domains, may order the break points."""
    data_set, param_set = set(data), set(params)

    def where(f):  # a Piecewise switches where its conditions do (θ in a branch's value moves no boundary)
        if isinstance(f, sp.Piecewise):
            return set().union(*(c.free_symbols for _, c in f.args))
        return f.free_symbols

    def moves_no_support(f):
        return isinstance(f, sp.Piecewise) and continuous_at_breaks(f, tuple(support), tuple(params), tuple(domains))

    found = [f for f in expr.atoms(*INDICATORS) if where(f) & data_set and where(f) & param_set
             and not moves_no_support(f)]
    return sorted(found, key=sp.default_sort_key)


def non_numbers(expr: sp.Expr) -> list[sp.Expr]:
    """Parts of a parameter-only expression that make it not a (finite or infinite) number.

    ``DiracDelta(0)`` or ``DiracDelta(θ)`` is a distribution, not a value; ``zoo`` and ``nan`` are
    undefined; ``oo`` inside a larger expression (``oo·θ − 2``) is not a closed form either. An entry
    that *is* ±∞ is a value (infinite information) and is not listed.
    """
    expr = sp.sympify(expr)
    if expr in (sp.oo, -sp.oo):
        return []
    # an unevaluated Integral/Sum is an open entry, not a non-number: its limits may well be ±∞
    expr = expr.xreplace({e: sp.Dummy() for e in expr.atoms(sp.Integral, sp.Sum)})
    bad: list[sp.Expr] = sorted(expr.atoms(sp.DiracDelta), key=sp.default_sort_key)
    bad += [a for a in (sp.zoo, sp.nan) if expr.has(a)]
    if expr.has(sp.oo, -sp.oo):
        bad.append(sp.oo)
    return bad


def absorb_indicators(
    density: sp.Expr, data: Sequence[sp.Symbol], support: Sequence[tuple[sp.Symbol, sp.Set]],
    params: Sequence[sp.Symbol],
) -> tuple[sp.Expr, tuple[tuple[sp.Symbol, sp.Set], ...]] | None:
    """Move indicator factors of a univariate continuous density into its support.

    p = g·1{x ∈ A(θ)} on S equals g on S ∩ A(θ) (up to a null set, which no expectation sees).
    Factors handled: ``Heaviside(u)`` (region u > 0), ``(1 + sign(u))/2``, and ``Piecewise((g, c),
    (0, True))`` (region c), where the region solves to an interval in x. Returns the new density
    and support, or ``None`` when nothing could be moved (other indicators stay for the verdict to
    flag with :func:`theta_indicators`).
    """
    if len(data) != 1 or len(support) != 1:
        return None
    x, domain = support[0]
    if not isinstance(domain, sp.Interval) and domain != sp.S.Reals:
        return None  # discrete data: the boundary points carry mass, so indicators cannot be dropped
    params_set = set(params)
    kept, region, moved = [], domain, False
    for factor in sp.Mul.make_args(sp.factor_terms(density)):
        base, exponent = factor.as_base_exp()
        if not (base.free_symbols & {x} and base.free_symbols & params_set and base.has(*INDICATORS)):
            kept.append(factor)
            continue
        split = _indicator_region(base, x)
        if split is None or not (exponent.is_positive and exponent.is_number):
            kept.append(factor)
            continue
        value, where = split
        new_region = _intersect(region, where, x)
        if new_region is None:
            kept.append(factor)
            continue
        region, moved = new_region, True
        kept.append(value ** exponent)
    if not moved:
        return None
    return sp.Mul(*kept), ((x, region),)


def _indicator_region(base: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Set] | None:
    """(value on the region, region in x) for an indicator factor, or ``None``."""
    if base.has(sp.sign) and not base.has(sp.Heaviside, sp.Piecewise):
        rewritten = sp.simplify(base.rewrite(sp.Heaviside))
        if not rewritten.has(sp.sign):
            base = rewritten
    coeff, base = base.as_coeff_Mul()
    if isinstance(base, sp.Heaviside) and coeff.is_positive:
        where = _solve(base.args[0] > 0, x)
        return None if where is None else (coeff, where)
    if isinstance(base, sp.Piecewise) and len(base.args) == 2:
        (value, cond), (other, last) = base.args
        if other == 0 and last == sp.true and not value.has(*INDICATORS):
            where = _solve(cond, x)
            return None if where is None else (coeff * value, where)
    return None


def _solve(condition: sp.Basic, x: sp.Symbol) -> sp.Set | None:
    if isinstance(condition, sp.And):  # a ∧ b: the intersection of the two regions
        region: sp.Set | None = sp.S.Reals
        for part in condition.args:
            where = _solve(part, x)
            region = None if where is None or region is None else _intersect(region, where, x)
        return region
    try:
        where = sp.solveset(condition, x, sp.S.Reals)
    except (NotImplementedError, ValueError, TypeError):
        return None
    return where if isinstance(where, sp.Interval) and x not in where.free_symbols else None


def _intersect(region: sp.Set, where: sp.Set, x: sp.Symbol) -> sp.Set | None:
    """region ∩ where as one interval with bounds free of x, deciding the order of symbolic bounds."""
    lo = _extreme(sp.Max, region.inf, where.inf)
    hi = _extreme(sp.Min, region.sup, where.sup)
    if lo is None or hi is None:
        return None
    out = sp.Interval.open(lo, hi)
    return out if isinstance(out, sp.Interval) and x not in out.free_symbols else None


def _extreme(pick, a: sp.Expr, b: sp.Expr) -> sp.Expr | None:
    """``max(a, b)`` / ``min(a, b)`` when SymPy can decide it from the assumptions, else ``None``."""
    value = pick(a, b)
    return value if not isinstance(value, (sp.Max, sp.Min)) else None


def deltas_as_branches(density: sp.Expr, data: Sequence[sp.Symbol]) -> sp.Expr:
    """A mass function written with ``KroneckerDelta(k, c)`` (c free of k) as the ``Piecewise`` of its point masses:
    ``Piecewise((p(c₁), Eq(k, c₁)), …, (p with every δ = 0, True))``, the form whose point masses the engine splits
    off (zero-inflated laws); any other density unchanged.

    >>> k, w = sp.Symbol("k", integer=True, nonnegative=True), sp.Symbol("w", positive=True)
    >>> deltas_as_branches(w * sp.KroneckerDelta(k, 0) + (1 - w) * 2**-(k + 1), [k])
    Piecewise((w/2 + 1/2, Eq(k, 0)), (2**(-k - 1)*(1 - w), True))
    """
    if len(data) != 1:
        return density
    k = data[0]
    deltas = sorted((d for d in density.atoms(sp.KroneckerDelta) if d.has(k)), key=sp.default_sort_key)
    points: list[sp.Expr] = []
    for delta in deltas:
        i, j = delta.args
        c = j if i == k else i if j == k else None
        if c is None or c.has(k):
            return density
        if c not in points:
            points.append(c)
    if not points:
        return density
    rest = density.xreplace({d: sp.S.Zero for d in deltas})
    return sp.Piecewise(*[(density.subs(k, c), sp.Eq(k, c)) for c in points], (rest, True))


def steps_as_branches(density: sp.Expr, data: Sequence[sp.Symbol], log: bool = False) -> sp.Expr:
    """A density written with unit steps ``Heaviside(a(x − c))`` at one break point c (free of x, the sign of a
    known), nonzero on both sides, as ``Piecewise((p above c, x >= c), (p below c, True))``: the form the piecewise
    strategy splits (the asymmetric Laplace as text, e^{−a(y−μ)}H(y − μ) + e^{(y−μ)/a}H(μ − y), over a + 1/a).
    H(c − x) = 1 − H(x − c) away from c, which no expectation sees. Any other density unchanged (a single step that
    cuts the support off, Heaviside(θ − x)/θ, is left to :func:`absorb_indicators`). ``log``: ``density`` is a
    log-density, where a side may be 0 (quantile regression's check loss, log p = c − u(τ − H(−u)), u = (y − μ)/σ).

    >>> x, m = sp.Symbol("x", real=True), sp.Symbol("m", real=True)
    >>> steps_as_branches(sp.exp(-(x - m)) * sp.Heaviside(x - m) / 2 + sp.exp(x - m) * sp.Heaviside(m - x) / 2, [x])
    Piecewise((exp(m - x)/2, m <= x), (exp(-m + x)/2, True))
    """
    if len(data) != 1:
        return density
    x = data[0]
    steps = [h for h in density.atoms(sp.Heaviside) if h.has(x)]
    roots = {h: linear_root(h.args[0], x) for h in steps}
    if any(r is None for r in roots.values()):
        return density
    found = {sp.cancel(c) for c, _ in roots.values()}
    rising = {h: up for h, (_, up) in roots.items()}
    if len(found) != 1:
        return density
    c = found.pop()
    up = sp.Dummy("H")
    stepped = density.xreplace({h: up if rising[h] else 1 - up for h in steps})
    above, below = stepped.subs(up, 1), stepped.subs(up, 0)
    if not log and (above == 0 or below == 0):
        return density
    return sp.Piecewise((above, x >= c), (below, True))


def abs_conditions_as_intervals(expr: sp.Expr, data: Sequence[sp.Symbol]) -> sp.Expr:
    """Each ``Piecewise`` condition |g| ≤ c (or <), g linear in the one data symbol x with a slope of known sign and
    c free of x, written as the interval −c ≤ g ≤ c, which the break points and the piecewise strategy read (Huber's
    ρ(u) = u²/2 for |u| ≤ k, k|u| − k²/2 otherwise); a first branch on |g| > c (or ≥) of a two-branch ``Piecewise``
    swaps places with the "otherwise" branch, on the interval. Any other ``Piecewise`` is unchanged.

    >>> x, m = sp.Symbol("x", real=True), sp.Symbol("m", real=True)
    >>> abs_conditions_as_intervals(sp.Piecewise((1, sp.Abs(x - m) > 2), (x, True)), [x])
    Piecewise((x, (m - x >= -2) & (m - x <= 2)), (1, True))
    """
    if len(data) != 1 or not expr.has(sp.Abs):
        return expr
    x = data[0]

    def interval(cond) -> tuple[sp.Basic, bool] | None:  # (the interval, whether cond is its complement)
        if not isinstance(cond, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)):
            return None
        small, large = cond.lts, cond.gts
        outside = _scaled_abs(large, x) is not None and not small.has(x)
        if not (outside or _scaled_abs(small, x) is not None and not large.has(x)):
            return None
        g, c = (_scaled_abs(large, x), small) if outside else (_scaled_abs(small, x), large)
        if linear_root(g, x) is None:
            return None
        strict = isinstance(cond, (sp.StrictLessThan, sp.StrictGreaterThan)) != outside  # |g| ≥ c: −c < g < c
        lower, upper = (sp.StrictGreaterThan, sp.StrictLessThan) if strict else (sp.GreaterThan, sp.LessThan)
        return sp.And(lower(g, -c), upper(g, c)), outside

    def rewrite(pw: sp.Piecewise) -> sp.Piecewise:
        found = [interval(c) for _, c in pw.args]
        if len(pw.args) == 2 and pw.args[1].cond == sp.true and found[0] is not None and found[0][1]:
            return sp.Piecewise((pw.args[1].expr, found[0][0]), (pw.args[0].expr, True))
        return sp.Piecewise(*[(v, f[0] if f is not None and not f[1] else c)
                              for (v, c), f in zip(pw.args, found)])

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), rewrite)


def abs_resolved_on_branches(expr: sp.Expr, data: Sequence[sp.Symbol],
                             domains: Sequence[tuple[sp.Symbol, sp.Set]] = ()) -> sp.Expr:
    """Each |g| and sign(g), g linear in the one data symbol x, inside a ``Piecewise`` branch on which g keeps one sign
    (every segment of the line where that branch holds lies on one side of g's root: :func:`segments`), written
    without the bars: ±g and ±1. The asymmetric Laplace written with |x − μ| in both branches, broken at μ, then has
    the derivatives of its textbook form, where SymPy's ∂sign(x − μ)/∂μ = −2δ(x − μ) would sit inside a branch and
    the sign at the break point would be sign(0) = 0.

    >>> x, m = sp.Symbol("x", real=True), sp.Symbol("m", real=True)
    >>> abs_resolved_on_branches(sp.Piecewise((sp.Abs(x - m), x < m), (2 * sp.Abs(x - m), True)), [x])
    Piecewise((m - x, m > x), (-2*m + 2*x, True))
    """
    if len(data) != 1 or not expr.has(sp.Abs, sp.sign) or not expr.has(sp.Piecewise):
        return expr
    x, where = data[0], dict(domains)

    def at_least(a: sp.Expr, b: sp.Expr) -> bool:  # a ≥ b for every θ
        return sp.expand(a - b) == 0 or sign_on(sp.expand(a - b), where) == 1

    def side(root: sp.Expr, found, i: int) -> int:  # +1: branch i lies above the root, −1: below, 0: unknown
        spans = [j for j, b in enumerate(found.branch) if b == i]
        ends = found.points
        if spans and all(j > 0 and at_least(ends[j - 1], root) for j in spans):
            return 1
        if spans and all(j < len(ends) and at_least(root, ends[j]) for j in spans):
            return -1
        return 0

    def resolve(pw: sp.Piecewise) -> sp.Piecewise:
        found = segments(pw, x, tuple(domains))
        if found is None:
            return pw
        out = []
        for i, (value, cond) in enumerate(pw.args):
            known = {}
            for f in value.atoms(sp.Abs, sp.sign):
                root = linear_root(f.args[0], x)
                where_sign = side(root[0], found, i) if root is not None else 0
                if where_sign:
                    sign = where_sign if root[1] else -where_sign  # the sign of g on the branch
                    known[f] = sign * f.args[0] if isinstance(f, sp.Abs) else sp.Integer(sign)
            out.append((value.xreplace(known) if known else value, cond))
        return sp.Piecewise(*out)

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), resolve)


def _scaled_abs(e: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """g with e = |g|: e an ``Abs`` times a positive factor free of x (|x − μ|/σ = |(x − μ)/σ|); None otherwise."""
    factor, rest = e.as_independent(x, as_Add=False)
    return factor * rest.args[0] if isinstance(rest, sp.Abs) and factor.is_positive else None
