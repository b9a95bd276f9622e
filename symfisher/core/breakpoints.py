"""Break points that move with θ: a ``Piecewise`` in the data whose branches meet at points x = y₀(θ).

The two-piece normal and the asymmetric Laplace of quantile regression are written as p₋(x) below y₀(θ) and
p₊(x) above; Huber's least favourable density has a Gaussian centre and exponential tails, with break points at
μ ± k. A ``Piecewise`` whose branches are intervals in x (relations linear in x, slopes of known sign, ends in an
order that holds for every θ) splits the line into segments, and each end between two segments is a break point.
SymPy differentiates a ``Piecewise`` branch by branch, which is the derivative almost everywhere. In the
distributional sense (the one SymPy uses for |x − μ|, ∂²|x − μ|/∂μ² = 2δ(x − μ)), f = f₋ + (f₊ − f₋)·H(x − y₀)
has one more term:

    ∂f/∂θ = (∂f/∂θ branch by branch) − (f₊ − f₋)(y₀)·∂y₀/∂θ·δ(x − y₀).

With several break points there is one such term for each. Applied to the score, the term is the jump of s at the
break point. It is what makes −E[H] equal E[s sᵀ] for
the asymmetric Laplace (whose score jumps at x = μ); it vanishes for the two-piece normal (whose score does not).
Applied to a continuous density it vanishes (:func:`continuous_at_breaks`): such a break point moves no support.
"""

from __future__ import annotations

import functools
from typing import NamedTuple, Sequence

import sympy as sp

from symfisher.core.deadline import run_with_deadline
from symfisher.core.points import is_discrete_set
from symfisher.core.signs import sign_on
from symfisher.core.simplify import is_zero, tidy
from symfisher.errors import BudgetExceeded

RELATIONS = (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)
SECONDS = 2.0  # for deciding that a jump is zero
Domains = tuple[tuple[sp.Symbol, sp.Set], ...]  # the parameters' declared domains, as (symbol, set) pairs


class Break(NamedTuple):
    """x = ``point`` splits ``below`` (the value for x < point) from ``above`` (x > point)."""

    point: sp.Expr
    below: sp.Expr
    above: sp.Expr

    def gap(self, x: sp.Symbol) -> sp.Expr:
        """above − below at the break point (x the data symbol): 0 where the two sides meet. Where a side is not
        defined at the point (sin(x − μ)/(x − μ) at x = μ), its one-sided limit; an unevaluated ``Limit`` where
        SymPy cannot take it within :data:`SECONDS` (a jump never silently taken as absent)."""
        jump = (self.above - self.below).subs(x, self.point)
        if not jump.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return jump
        sides = [(self.above, "+"), (self.below, "-")]
        try:
            above, below = run_with_deadline(_one_sided, (sides, x, self.point), SECONDS)
        except BudgetExceeded:
            above, below = (sp.Limit(e, x, self.point, d) for e, d in sides)
        return above - below


def _one_sided(sides: list[tuple[sp.Expr, str]], x: sp.Symbol, point: sp.Expr) -> list[sp.Expr]:
    """The one-sided limit of each (expression, direction) at x → point; unevaluated where SymPy leaves it open."""
    out = []
    for e, direction in sides:
        value = e.subs(x, point)
        if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            try:
                value = sp.limit(e, x, point, direction)
            except (NotImplementedError, ValueError, TypeError):
                value = sp.Limit(e, x, point, direction)
        out.append(value)
    return out


def as_piecewise(expr: sp.Expr) -> sp.Piecewise | None:
    """``expr`` as one ``Piecewise`` (factors and terms outside moved into its branches: c·Piecewise((e₁, c₁),
    (e₂, True)) is Piecewise((c e₁, c₁), (c e₂, True))), or None when it has no ``Piecewise``."""
    if isinstance(expr, sp.Piecewise):
        return expr
    if not expr.has(sp.Piecewise):
        return None
    folded = sp.piecewise_fold(expr)
    return folded if isinstance(folded, sp.Piecewise) else None


def linear_root(expr: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, bool] | None:
    """(c, rising) for expr = a·(x − c) with a free of x and of known sign (rising: a > 0); None otherwise."""
    d = sp.expand(expr)
    slope = d.coeff(x)
    rest = d - slope * x
    if rest.has(x) or slope == 0 or slope.is_positive is None and slope.is_negative is None:
        return None
    return -rest / slope, bool(slope.is_positive)


def interval_of(cond, x: sp.Symbol) -> tuple[sp.Expr | None, sp.Expr | None] | None:
    """(lower end or None, upper end or None) of a condition that is an interval in x: ``True``, or a relation (an
    ``And`` of at most one per side) linear in x with a slope of known sign; None otherwise."""
    if cond == sp.true:
        return None, None
    ends: dict[bool, sp.Expr] = {}
    for rel in cond.args if isinstance(cond, sp.And) else (cond,):
        if not isinstance(rel, RELATIONS):
            return None
        root = linear_root(rel.lhs - rel.rhs, x)  # the relation is d < 0 or d > 0 (or with equality)
        if root is None:
            return None
        point, rising = root
        holds_above = isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)) == rising
        if holds_above in ends:
            return None
        ends[holds_above] = sp.expand(point)  # μ − kσ, not σ(−k + μ/σ)
    return ends.get(True), ends.get(False)


def _ordered(points: list[sp.Expr], domains: Domains = ()) -> list[sp.Expr] | None:
    """The distinct points in increasing order, when every difference has a sign known for all θ (from the
    assumptions, or on the declared ``domains``: 0 < c < 1 for a mode c ∈ (0, 1)); None otherwise."""
    distinct: list[sp.Expr] = []
    for point in points:
        if all(sp.expand(point - q) != 0 for q in distinct):
            distinct.append(point)
    where = dict(domains)
    above: dict[tuple[int, int], bool] = {}  # (i, j): point j lies above point i
    for i, p_i in enumerate(distinct):
        for j in range(i + 1, len(distinct)):
            sign = sign_on(sp.expand(distinct[j] - p_i), where)
            if sign == 0:
                return None
            above[i, j], above[j, i] = sign > 0, sign < 0
    order = sorted(range(len(distinct)), key=functools.cmp_to_key(lambda i, j: 1 if above[j, i] else -1))
    return [distinct[i] for i in order]


class Segments(NamedTuple):
    """The line cut at the ordered ``points``; segment j lies between points[j − 1] and points[j] (−∞ and ∞ at the
    ends), and the ``Piecewise`` takes its branch ``branch[j]`` (an index into its arguments) there."""

    points: list[sp.Expr]
    branch: list[int]


def segments(pw: sp.Piecewise, x: sp.Symbol, domains: Domains = ()) -> Segments | None:
    """The segments of a ``Piecewise`` whose branches are intervals in x (:func:`interval_of`; ``Eq`` branches have
    measure zero and are skipped) with ends in an order that holds on the parameters' ``domains`` (:func:`_ordered`),
    each on the first branch that holds there; None otherwise (or without a break point)."""
    branches = []
    for i, (value, cond) in enumerate(pw.args):
        if isinstance(cond, sp.Eq):
            continue
        ends = interval_of(cond, x)
        if ends is None:
            return None
        branches.append((i, ends))
    points = _ordered([e for _, ends in branches for e in ends if e is not None], domains)
    if not points:
        return None
    index = {point: i for i, point in enumerate(points)}

    def on_segment(j: int) -> int | None:
        for i, (lo, hi) in branches:
            if (lo is None or _position(lo, index) <= j - 1) and (hi is None or _position(hi, index) >= j):
                return i
        return None

    found = [on_segment(j) for j in range(len(points) + 1)]
    return None if any(i is None for i in found) else Segments(points, found)


@functools.lru_cache(maxsize=256)
def breaks_of(expr: sp.Expr, x: sp.Symbol, domains: Domains = ()) -> tuple[Break, ...] | None:
    """The break points of ``expr``, in increasing order, when it is (after folding) a ``Piecewise`` with
    :func:`segments`: each with the values on its two sides; None otherwise. Cached: the Hessian asks it of the same
    score s_i once for every θ_j."""
    folded = as_piecewise(expr)
    if folded is None or any(value.has(sp.Piecewise) for value, _ in folded.args):
        return None
    found = segments(folded, x, domains)
    if found is None:
        return None
    # the score 0/0 where the density is 0, off its support: no value, no jump
    values = [sp.nan if v.has(sp.nan, sp.zoo) else v for v in (folded.args[i].expr for i in found.branch)]
    return tuple(Break(point, values[j], values[j + 1]) for j, point in enumerate(found.points)
                 if values[j] != values[j + 1])


def _position(point: sp.Expr, index: dict) -> int:
    """The rank of ``point`` among the ordered break points (equal up to expansion)."""
    return next(i for q, i in index.items() if sp.expand(point - q) == 0)


def break_of(expr: sp.Expr, x: sp.Symbol, domains: Domains = ()) -> Break | None:
    """The break point of ``expr`` when it has exactly one (:func:`breaks_of`); None otherwise."""
    found = breaks_of(expr, x, domains)
    return found[0] if found and len(found) == 1 else None


def distributional_diff(expr: sp.Expr, theta: sp.Symbol, x: sp.Symbol, domains: Domains = ()) -> sp.Expr:
    """∂expr/∂θ with a term −(f₊ − f₋)(y₀)·∂y₀/∂θ·δ(x − y₀) for each break point y₀(θ) (none where f does not jump)."""
    out = deltas_off_their_branch(sp.diff(expr, theta), x)
    for found in breaks_of(expr, x, domains) or ():
        moves = sp.diff(found.point, theta)
        if moves == 0:
            continue
        jump = found.gap(x)
        if jump.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or is_zero(jump, SECONDS):
            continue
        out -= tidy(jump * moves, SECONDS) * sp.DiracDelta(x - found.point)
    return out


def deltas_off_their_branch(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """``expr`` with each δ(x − y₀) (and its derivatives) removed from a ``Piecewise`` branch that does not hold at
    x = y₀ (an earlier condition is true there, or its own is false): SymPy's ∂²|x − μ|/∂μ² = 2δ(x − μ) in the branch
    |x − μ| > k of Huber's ρ is 0 as a distribution, since x = μ lies in the branch before it."""
    if not (expr.has(sp.Piecewise) and expr.has(sp.DiracDelta)):
        return expr

    def sift(pw: sp.Piecewise) -> sp.Piecewise:
        branches = []
        for i, (value, cond) in enumerate(pw.args):
            off = {}
            for delta in value.atoms(sp.DiracDelta):
                root = linear_root(delta.args[0], x)
                if root is None:
                    continue
                at = root[0]
                if cond.subs(x, at) == sp.false or any(c.subs(x, at) == sp.true for _, c in pw.args[:i]):
                    off[delta] = sp.S.Zero
            branches.append((value.xreplace(off) if off else value, cond))
        return sp.Piecewise(*branches)

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), sift)


@functools.lru_cache(maxsize=64)
def continuous_at_breaks(density: sp.Expr, support: tuple[tuple[sp.Symbol, sp.Set], ...],
                         params: tuple[sp.Symbol, ...], domains: Domains = ()) -> bool:
    """The density of one continuous data symbol (``support``: its (symbol, set) pair) is one ``Piecewise`` with break
    points, some moving with θ, where its branches agree: they move no support (E[s] = 0 stays provable), and the
    Hessian's jump terms make it regular. (Count data have no density at a point: never.)"""
    if len(support) != 1 or is_discrete_set(support[0][1]):
        return False
    x = support[0][0]
    moving = [b for b in breaks_of(density, x, domains) or () if b.point.free_symbols & set(params)]
    return bool(moving) and all(is_zero(b.gap(x), SECONDS) for b in moving)


class Jumps(NamedTuple):
    """Where the Hessian carries jump terms: the data symbol ``x``, and the ``domains`` that order its break points."""

    x: sp.Symbol
    domains: Domains


def jump_variable(support: Sequence[tuple[sp.Symbol, sp.Set]], density: sp.Expr, params: Sequence[sp.Symbol],
                  domains: Domains = ()) -> Jumps | None:
    """The data symbol at whose break points the Hessian carries jump terms (:func:`continuous_at_breaks`), with the
    domains that order them; None where it has none (a density that jumps there is irregular: its derivatives stay the
    pointwise ones)."""
    domains = tuple(domains)
    return Jumps(support[0][0], domains) if continuous_at_breaks(density, tuple(support), tuple(params), domains) \
        else None


def hessian_entry(score_i: sp.Expr, theta: sp.Symbol, jumps: Jumps | None) -> sp.Expr:
    """H_ij = ∂s_i/∂θ_j, with the jump terms of s_i at its break points (:func:`jump_variable`; None: none)."""
    return sp.diff(score_i, theta) if jumps is None else distributional_diff(score_i, theta, *jumps)
