"""Direct integration / summation with SymPy, under a hard time limit, checked by quadrature.

SymPy's convergence conditions are kept with the result (:func:`with_conditions`), and a result on a polar
branch (Meijer-G integration answers ∫₁^∞ log(u)·e^{−ηu} du with log(η e^{iπ}) − Ei(η e^{iπ})) is written on the
principal one, with E₁: :func:`principal`.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation, settle_conditions, with_conditions
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note
from symfisher.errors import BudgetExceeded


#: ValueErrors by which SymPy's integrate declines: evalf inside integrate, and a Piecewise integrand whose
#: pieces leave part of the range undefined (the triangular law's score, with its ordered parameters)
SYMPY_CANNOT = ("complex zero with unknown accuracy", "Can't integrate across undefined region")


def _outermost_series(expr: sp.Basic) -> set[sp.Basic]:
    """The ``Sum`` and ``Integral`` atoms of ``expr`` not inside another one."""
    if isinstance(expr, (sp.Sum, sp.Integral)):
        return {expr}
    return set().union(*(_outermost_series(a) for a in expr.args))


#: seconds for SymPy to sum a series (or do an integral) inside an integrand, before integrating it
SERIES_SECONDS = 1.0


def _evaluated(series: sp.Expr) -> sp.Expr | None:
    """``series.doit()``, or ``None`` when SymPy leaves a series or an integral in it (outside a
    ``Piecewise``, whose conditions :func:`with_conditions` reads from the integral)."""
    try:
        value = series.doit()
    except NotImplementedError:
        return None
    return None if value.has(sp.Sum, sp.Integral) and not isinstance(value, sp.Piecewise) else value


def _series_evaluated(engine, expr: sp.Expr) -> sp.Expr | None:
    """``expr`` with its series and integrals summed / integrated, as SymPy's ``integrate`` and
    ``summation`` do first (``doit``), each within :data:`SERIES_SECONDS` and once per model (the
    density's series is in every atom); ``None`` when one stays unevaluated.

    The result would hold that one too and be no closed form: SymPy does not interchange an infinite
    series with an integral (``Integral.doit`` returns it as it is), after seconds in ``manualintegrate``
    and Meijer-G (7.7 s on a log-gamma series density), and trying to sum that series took 8 s.
    """
    every = _outermost_series(expr)
    if any(engine.memo.get(("series evaluated", series), True) is None for series in every):
        return None  # known to stay unevaluated: the other series need not be tried
    done = {}
    for series in every:
        key = ("series evaluated", series)
        if key not in engine.memo:
            full = engine.budget.slice(SERIES_SECONDS) >= SERIES_SECONDS
            try:
                engine.memo[key] = engine.hard(_evaluated, series, seconds=SERIES_SECONDS)
            except BudgetExceeded:
                if full:  # it had its whole time: a later atom would wait as long for nothing
                    engine.memo[key] = None
                return None
        if engine.memo[key] is None:
            return None
        done[series] = engine.memo[key]
    return expr.xreplace(done)


def principal(value: sp.Expr) -> sp.Expr:
    """``value`` without ``exp_polar``: Ei of a polar argument written with E₁ (Ei(z e^{iπ}) = −E₁(z) + iπ),
    logarithms of polar products expanded (log(z e^{iπ}) = log z + iπ), then the polar numbers made ordinary.
    The same value (each step is an identity on the branch SymPy chose); unchanged if a polar number remains.

    >>> eta = sp.Symbol("eta", positive=True)
    >>> polar = eta * sp.exp_polar(sp.I * sp.pi)
    >>> principal(sp.log(polar) - sp.Ei(polar))
    log(eta) + expint(1, eta)
    """
    if not value.has(sp.exp_polar):
        return value
    out = sp.unpolarify(sp.expand_log(value.rewrite(sp.expint), force=True))
    return value if out.has(sp.exp_polar) else out


def _direct(expr, limits, discrete):
    try:
        r = sp.summation(expr, *limits) if discrete else sp.integrate(expr, *limits, conds="piecewise")
    except NotImplementedError:  # SymPy's "cannot": e.g. a Piecewise antiderivative needing a limit at a variable point
        return None
    except ValueError as exc:  # SymPy's other ways of saying "cannot" (see SYMPY_CANNOT)
        if any(text in str(exc) for text in SYMPY_CANNOT):
            return None
        raise
    return with_conditions(r)


def _for_summation(summand: sp.Expr, data) -> tuple[sp.Expr, dict]:
    """The summand in the forms SymPy's ``summation`` knows, and the map back: a beta function of a count as gamma
    functions, and each exponential of the parameters alone as one positive symbol (the negative binomial
    regression's (αe^η/(αe^η + 1))^y is summed as (αw/(αw + 1))^y, which SymPy does not do with e^{β₀ + β₁z})."""
    summand = summand.replace(lambda e: isinstance(e, sp.beta) and e.has(*data),
                              lambda e: sp.gamma(e.args[0]) * sp.gamma(e.args[-1]) / sp.gamma(e.args[0] + e.args[-1]))
    powers = sorted((e for e in summand.atoms(sp.exp) if not e.has(*data) and e.is_positive and e.free_symbols),
                    key=sp.default_sort_key)
    named = {e: sp.Dummy("w", positive=True) for e in powers}
    return summand.xreplace(named), {w: e for e, w in named.items()}


@register("integrate", "atom")
def integrate(engine, g: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    limits = [(x, ctx.support[x].inf, ctx.support[x].sup) for x in ctx.data]
    if any(isinstance(ctx.support[x], sp.FiniteSet) for x in ctx.data):
        return None
    g, density = _series_evaluated(engine, g), _series_evaluated(engine, ctx.density)
    if g is None or density is None:
        return None
    summand, back = (_for_summation(g * density, ctx.data) if ctx.discrete else (g * density, {}))
    found = engine.hard(_direct, summand, limits, ctx.discrete)
    if found is None:
        return None
    value, conditions = found
    if back:  # bases on one denominator while w is a positive symbol: (1 − αw/(αw + 1))^(−s) is (αw + 1)^s
        value = value.replace(lambda e: isinstance(e, sp.Pow) and e.base.is_Add and e.base.has(*back),
                              lambda e: sp.Pow(sp.together(e.base), e.exp))
    value, conditions = value.xreplace(back), tuple(c.xreplace(back) for c in conditions)
    value = principal(value)
    status, conditions = settle_conditions(conditions, ctx.domains)
    if status == "diverges" or value.has(sp.nan, sp.zoo) or value in (sp.oo, -sp.oo):
        return None
    if engine.spot_check(g, value, conditions=conditions) is not True:  # SymPy's integrate can be wrong
        return None
    name = "summation" if ctx.discrete else "integrate"
    return Expectation(value, (name,), detail=Note(f"SymPy {name} of the atom", rule=name),
                       conditions=conditions)
