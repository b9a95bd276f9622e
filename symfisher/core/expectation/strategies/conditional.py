"""The tower rule for two continuous data on a box: E[f] = E_y[E[f | y]].

The marginal density m(y) = ∫ p dx must have a closed form (SymPy, under a time limit, checked to integrate to 1 by
quadrature). Then the conditional law p/m of x, with y held as a covariate, goes to the whole engine (one level
down), and so does its answer h(y) = E[f | y] under the marginal law of y: every univariate strategy applies to
each integral in turn, which no strategy does to the double integral. The Farlie–Gumbel–Morgenstern copula
1 + θ(1 − 2u)(1 − 2v) on the unit square: E[s_θ² | v] is a rational function of u integrated (logarithms in v), and
those logarithms over (0, 1) are dilogarithms, I(θ) = (Li₂(θ) − Li₂(−θ))/(2θ³) − 1/θ².
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.evidence import total_mass
from symfisher.core.expectation.base import Context, Expectation, force_log
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq
from symfisher.errors import BudgetExceeded

MARGINAL_SECONDS = 2.0  # SymPy's integral of the density over the inner variable, once per model and order
MARGINAL_OPERATIONS = 200  # a marginal density larger than this is not simplified, nor used
TRY_SECONDS = 4.0  # the two child engines of one order together (the FGM copula: 1.5 s)
MAX_MISSES = 2  # entries an order may leave open before it is no longer tried (the FGM law with exponential margins)
TIDY_SECONDS = 1.0  # E[f | y] on one denominator (:func:`over_one_denominator`)
#: the functions a density may hold for SymPy to find its marginal: sympy.stats' multivariate Laplace law (Bessel K)
#: and generalized multivariate log-gamma law (a series) had each cost a second in vain
ELEMENTARY = (sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh, sp.tanh)


def _marginal(engine, inner: sp.Symbol, outer: sp.Symbol) -> sp.Expr | None:
    """m(y) = ∫ p dx over the inner variable's range, closed and of mass 1 at a drawn point; else ``None``."""
    ctx = engine.ctx
    s = ctx.support[inner]
    try:
        m = engine.hard(_integrated_out, ctx.density, inner, s.inf, s.sup, seconds=MARGINAL_SECONDS)
    except BudgetExceeded:  # no marginal for this order, remembered (cached) rather than tried again each entry
        return None
    if m is None or m.has(inner) or m.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    mass = total_mass(m, {outer: ctx.support[outer]}, ctx.point(engine.config.seed))
    return m if mass is not None and abs(mass - 1) < 1e-8 else None


def _integrated_out(density: sp.Expr, inner: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> sp.Expr | None:
    """∫_lo^hi p d(inner) by SymPy, simplified; ``None`` where it stays an integral, lies on polar branches (the
    Clayton copula's, 8 KB of polar_lift: not a density to go on with) or is longer than MARGINAL_OPERATIONS."""
    value = sp.integrate(density, (inner, lo, hi), conds="none")
    if value.has(sp.Integral, sp.polar_lift, sp.exp_polar) or sp.count_ops(value) > MARGINAL_OPERATIONS:
        return None
    return sp.simplify(value)


def _conditional_context(ctx: Context, inner: sp.Symbol, outer: sp.Symbol, density: sp.Expr) -> Context:
    """The law of the inner variable given the outer one, which becomes a covariate with its range as domain."""
    params = tuple(p for p in ctx.params if density.has(p))
    return Context(data=(inner,), to_user={inner: ctx.to_user[inner]}, logpdf=force_log(sp.log(density)),
                   density=density, support={inner: ctx.support[inner]}, params=params,
                   others=tuple(sorted(density.free_symbols - {inner} - set(params), key=str)),
                   domains={**ctx.domains, outer: ctx.support[outer]},
                   label=f"{ctx.label} given {ctx.to_user[outer]}")


def over_one_denominator(h: sp.Expr, y: sp.Symbol) -> sp.Expr:
    """h on one denominator, the numerator's terms grouped by their non-rational factors in y (logarithms) and each
    group cancelled against it: SymPy's inner integral of the FGM copula holds (1 − 2v)²·(…)/(4vθ − 2θ) and
    −4(1 − 2v)²(…)/(θ²(2v − 1)²), poles at v = ½ that cancel only in the sum; split term by term they were atoms
    1/(2v − 1), each divergent. Grouped, the log-free part is the constant −1/θ² and each logarithm keeps one pole,
    where it vanishes."""
    numerator, denominator = sp.fraction(sp.cancel(sp.together(h)))
    groups: dict[sp.Expr, list[sp.Expr]] = {}
    for term in sp.Add.make_args(sp.expand(numerator)):
        key = sp.Mul(*[f for f in sp.Mul.make_args(term) if f.has(y) and not f.is_rational_function(y)])
        groups.setdefault(key, []).append(term)
    return sp.Add(*[sp.cancel(sp.Add(*terms) / denominator) for terms in groups.values()])


@register("conditional", "expression")
def conditional(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if engine.depth > 0 or len(ctx.data) != 2 or ctx.discrete or ctx.joint is not None \
            or ctx.support_depends_on_params or not all(isinstance(s, sp.Interval) for s in ctx.support.values()) \
            or ctx.density.has(sp.Sum, sp.Integral) \
            or not all(isinstance(g, ELEMENTARY) for g in ctx.density.atoms(sp.Function)):
        return None
    misses = engine.cached("conditional-misses", dict)  # outer variable → entries it left open
    for outer in reversed(ctx.data):
        inner = ctx.data[0] if outer == ctx.data[1] else ctx.data[1]
        if misses.get(outer, 0) >= MAX_MISSES:
            continue
        m = engine.cached(("marginal", outer), lambda: _marginal(engine, inner, outer))
        if m is None:
            continue
        misses[outer] = misses.get(outer, 0) + 1  # taken back below where the entry closes
        given = engine.cached(("conditional", outer), lambda: _conditional_context(
            ctx, inner, outer, sp.powsimp(sp.cancel(ctx.density / m))))
        of_outer = engine.cached(("marginal-context", outer), lambda: ctx.in_variable(
            outer, m, ctx.support[outer], ctx.to_user[outer], f"{ctx.label}, marginal of {ctx.to_user[outer]}"))
        with engine.within(TRY_SECONDS, hard=True):
            h = engine.child(given).expect(f)
            if not h.closed or any(c.has(outer) for c in h.conditions):  # holds only for some y: not under m
                continue
            r = engine.child(of_outer).expect(engine.hard(over_one_denominator, h.value, outer, seconds=TIDY_SECONDS))
        conditions = (*h.conditions, *r.conditions)
        if not r.closed or engine.spot_check(f, r.value, conditions=conditions) is False:  # the double integral
            continue
        misses[outer] -= 1
        y = ctx.to_user[outer]
        detail = Note.of("tower rule over ", y, ", marginal density ", eq(sp.Function("m")(y), m.xreplace(ctx.to_user)),
                         "; given ", y, ": ", *((h.detail,) if h.detail else ("closed",)),
                         "; then over ", y, ": ", *((r.detail,) if r.detail else ("closed",)), rule="tower rule")
        return Expectation(r.value, ("conditional", *h.strategies, *r.strategies), detail=detail, conditions=conditions)
    return None
