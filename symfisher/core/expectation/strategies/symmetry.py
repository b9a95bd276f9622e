"""Symmetry: under a density even about 0 on ℝ, E[g(X)] = 0 for every odd, absolutely integrable g."""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note


def _even_density(ctx) -> bool:
    x = ctx.data[0]
    p = ctx.logpdf
    return sp.expand(p.xreplace({x: -x}) - p) == 0 or sp.simplify(p.xreplace({x: -x}) - p) == 0


def _integrable_against(g: sp.Expr, p: sp.Expr, x: sp.Symbol) -> bool:
    """The test of :func:`_absolutely_integrable`, in its worker (a module-level function: a fork server's worker
    can only run what it can import)."""
    from sympy.calculus.util import continuous_domain

    try:
        if continuous_domain(g, x, sp.S.Reals) != sp.S.Reals:
            return False
    except NotImplementedError:  # SymPy cannot find the domain of sign, DiracDelta, Heaviside ...
        return False
    if _bounded_rational(g, x):  # continuous on ℝ and O(1) at ±∞: |g| ≤ C, so E|g| ≤ C (no limit needed)
        return True
    try:
        lim = sp.limit(x**2 * sp.Abs(g) * p, x, sp.oo)
    except (ValueError, NotImplementedError) as exc:  # gruntz: "Result depends on the sign of" a symbol
        if "depends on the sign" in str(exc):  # with no sign assumption (ValueError or NotImplementedError)
            return False
        raise
    return bool(lim.is_finite)


def _absolutely_integrable(engine, g: sp.Expr, x: sp.Symbol) -> bool:
    """|g|·p is continuous on ℝ and O(|x|^-2) at infinity (so ∫|g| p < ∞)."""
    ctx = engine.ctx
    # |sign(·)| ≤ 1: a bound for |g| without its sign factors is enough (g = sign(x) alone bounds by 1)
    g = sp.Mul(*[f for f in sp.Mul.make_args(g) if not isinstance(f, sp.sign)])
    return bool(engine.hard(_integrable_against, g, ctx.density, x, seconds=min(4.0, engine.config.atom_timeout)))


def _bounded_rational(g: sp.Expr, x: sp.Symbol) -> bool:
    """g is a rational function of x whose numerator's degree is at most its denominator's: with no pole on ℝ it
    is bounded there, so E|g(X)| is finite under any density (a cheap test before gruntz's limit, which takes
    seconds on Student-t kernels)."""
    if not g.is_rational_function(x):
        return False
    num, den = sp.fraction(sp.cancel(sp.together(g)))
    try:
        return sp.Poly(num, x).degree() <= sp.Poly(den, x).degree()
    except sp.PolynomialError:
        return False


@register("symmetry", "atom")
def odd_atom(engine, g: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if not ctx.univariate or ctx.discrete or ctx.support[ctx.data[0]] != sp.S.Reals:
        return None
    x = ctx.data[0]
    if sp.expand(g.xreplace({x: -x}) + g) != 0:
        return None
    if not engine.cached("even-density", lambda: _even_density(ctx)):
        return None
    if not _absolutely_integrable(engine, g, x):
        return None
    return Expectation(sp.Integer(0), ("symmetry",),
                       detail=Note("odd integrand under a density symmetric about 0", rule="symmetry"))
