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

    def gap(self, x: sp.Symbol) -> sp.Expr:
        """above − below at the break point (x the data symbol): 0 where the two sides meet."""
        return (self.above - self.below).subs(x, self.point)


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


def break_of(expr: sp.Expr, x: sp.Symbol) -> Break | None:
    """The break point of ``expr`` when it is (after folding) ``Piecewise((v, c), (w, True))`` with c a relation
    linear in x whose slope has a known sign; None otherwise."""
    folded = as_piecewise(expr)
    if folded is None or len(folded.args) != 2 or folded.args[1].cond != sp.true:
        return None
    (first, cond), (other, _) = folded.args
    if not isinstance(cond, RELATIONS) or any(v.has(sp.Piecewise, sp.nan, sp.zoo) for v in (first, other)):
        return None  # nan: the score 0/0 off a support written as Piecewise((g, c), (0, True))
    root = linear_root(cond.lhs - cond.rhs, x)  # the condition is d < 0 or d > 0 (or with equality)
    if root is None:
        return None
    point, rising = root
    holds_above = isinstance(cond, (sp.StrictGreaterThan, sp.GreaterThan)) == rising
    below, above = (other, first) if holds_above else (first, other)
    return Break(point, below, above)


def distributional_diff(expr: sp.Expr, theta: sp.Symbol, x: sp.Symbol) -> sp.Expr:
    """∂expr/∂θ with the term −(f₊ − f₋)(y₀)·∂y₀/∂θ·δ(x − y₀) of a break point y₀(θ) (none where f does not jump)."""
    out = sp.diff(expr, theta)
    found = break_of(expr, x)
    if found is None:
        return out
    moves = sp.diff(found.point, theta)
    if moves == 0:
        return out
    jump = found.gap(x)
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
    return bool(is_zero(found.gap(x), SECONDS))


def jump_variable(support: Sequence[tuple[sp.Symbol, sp.Set]], density: sp.Expr,
                  params: Sequence[sp.Symbol]) -> sp.Symbol | None:
    """The data symbol at whose break point the Hessian carries jump terms (:func:`continuous_at_breaks`), else None
    (a density that jumps there is irregular: its derivatives stay the pointwise ones)."""
    return support[0][0] if continuous_at_breaks(density, tuple(support), tuple(params)) else None


def hessian_entry(score_i: sp.Expr, theta: sp.Symbol, x: sp.Symbol | None) -> sp.Expr:
    """H_ij = ∂s_i/∂θ_j, with the jump term of s_i at its break point in ``x`` (:func:`jump_variable`; None: none)."""
    return sp.diff(score_i, theta) if x is None else distributional_diff(score_i, theta, x)
