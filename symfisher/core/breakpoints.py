"""Break points that move with θ: a ``Piecewise`` in the data whose two branches meet at x = y₀(θ).

The two-piece normal and the asymmetric Laplace of quantile regression are written as p₋(x) below y₀(θ) and
p₊(x) above. SymPy differentiates a ``Piecewise`` branch by branch, which is the derivative almost everywhere.
In the distributional sense (the one SymPy uses for |x − μ|, ∂²|x − μ|/∂μ² = 2δ(x − μ)), f = f₋ + (f₊ − f₋)·H(x − y₀)
has one more term:

    ∂f/∂θ = (∂f/∂θ branch by branch) − (f₊ − f₋)(y₀)·∂y₀/∂θ·δ(x − y₀).

Applied to the score, the term is the jump of s at the break point. It is what makes −E[H] equal E[s sᵀ] for
the asymmetric Laplace (whose score jumps at x = μ); it vanishes for the two-piece normal (whose score does not).
Applied to a continuous density it vanishes (:func:`continuous_at_breaks`): such a break point moves no support.
"""

from __future__ import annotations

import functools
from typing import NamedTuple, Sequence

import sympy as sp

from symfisher.core.points import is_discrete_set
from symfisher.core.simplify import is_zero, tidy

RELATIONS = (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)
SECONDS = 2.0  # for deciding that a jump is zero


class Break(NamedTuple):
    """x = ``point`` splits ``below`` (the value for x < point) from ``above`` (x > point)."""

    point: sp.Expr
    below: sp.Expr
    above: sp.Expr


def break_of(expr: sp.Expr, x: sp.Symbol) -> Break | None:
    """The break point of ``expr`` when it is (after folding) ``Piecewise((v, c), (w, True))`` with c a relation
    linear in x whose slope has a known sign; None otherwise."""
    if not expr.has(sp.Piecewise):
        return None
    folded = expr if isinstance(expr, sp.Piecewise) else sp.piecewise_fold(expr)
    if not isinstance(folded, sp.Piecewise) or len(folded.args) != 2 or folded.args[1].cond != sp.true:
        return None
    (first, cond), (other, _) = folded.args
    if not isinstance(cond, RELATIONS) or any(v.has(sp.Piecewise, sp.nan, sp.zoo) for v in (first, other)):
        return None  # nan: the score 0/0 off a support written as Piecewise((g, c), (0, True))
    d = sp.expand(cond.lhs - cond.rhs)  # the condition is d < 0 or d > 0 (or with equality)
    slope = d.coeff(x)
    rest = d - slope * x
    if rest.has(x) or slope == 0 or slope.is_positive is None and slope.is_negative is None:
        return None
    holds_above = isinstance(cond, (sp.StrictGreaterThan, sp.GreaterThan)) == bool(slope.is_positive)
    below, above = (other, first) if holds_above else (first, other)
    return Break(-rest / slope, below, above)


def distributional_diff(expr: sp.Expr, theta: sp.Symbol, x: sp.Symbol) -> sp.Expr:
    """∂expr/∂θ with the term −(f₊ − f₋)(y₀)·∂y₀/∂θ·δ(x − y₀) of a break point y₀(θ) (none where f does not jump)."""
    out = sp.diff(expr, theta)
    found = break_of(expr, x)
    if found is None:
        return out
    moves = sp.diff(found.point, theta)
    if moves == 0:
        return out
    jump = (found.above - found.below).subs(x, found.point)
    if jump.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or is_zero(jump, SECONDS):
        return out
    return out - tidy(jump * moves, SECONDS) * sp.DiracDelta(x - found.point)


@functools.lru_cache(maxsize=64)
def continuous_at_breaks(density: sp.Expr, support: tuple[tuple[sp.Symbol, sp.Set], ...],
                         params: tuple[sp.Symbol, ...]) -> bool:
    """The density of one continuous data symbol (``support``: its (symbol, set) pair) is one ``Piecewise`` with a
    break point y₀(θ) where its two branches agree: the break point moves no support (E[s] = 0 stays provable), and
    the Hessian's jump terms make it regular. (Count data have no density at a point: never.)"""
    if len(support) != 1 or is_discrete_set(support[0][1]):
        return False
    x = support[0][0]
    found = break_of(density, x)
    if found is None or not found.point.free_symbols & set(params):
        return False
    return bool(is_zero((found.above - found.below).subs(x, found.point), SECONDS))


def hessian_entry(score_i: sp.Expr, theta: sp.Symbol, support: Sequence[tuple[sp.Symbol, sp.Set]],
                  density: sp.Expr, params: Sequence[sp.Symbol]) -> sp.Expr:
    """H_ij = ∂s_i/∂θ_j; where the density is continuous at a break point y₀(θ) (:func:`continuous_at_breaks`), with
    the jump term of s_i there. (A density that jumps is irregular: its derivatives stay the pointwise ones.)"""
    if continuous_at_breaks(density, tuple(support), tuple(params)):
        return distributional_diff(score_i, theta, support[0][0])
    return sp.diff(score_i, theta)
