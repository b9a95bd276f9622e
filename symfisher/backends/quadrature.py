"""Numeric expectations E_θ[f(X)] at a parameter point, by quadrature (continuous) or summation (discrete).

Used as *evidence*, never as proof: model validation (normalization, positivity), numeric checks of
closed forms, and the values reported in "inconclusive" verdicts.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Mapping, Sequence

import numpy as np
import sympy as sp

_MODULES = ["scipy", "numpy"]


def _warm() -> None:
    """Import SciPy and fill lambdify's namespace once, in the parent process.

    Symbolic work runs in forked workers (:mod:`symfisher._deadline`); a worker inherits what the
    parent imported, so without this every worker would import SciPy again (seconds each).
    """
    import scipy.integrate  # noqa: F401
    import scipy.special  # noqa: F401

    sp.lambdify([], sp.Integer(0), modules=_MODULES)


_warm()
_MAX_TERMS = 200_000
_BLOCK = 2_000


def safe_lambdify(args: Sequence[sp.Symbol], expr: sp.Expr, modules=_MODULES):
    """``lambdify`` with the arguments renamed to fresh dummies first.

    lambdify puts every argument into the generated function's namespace under its name, so a data
    symbol called ``gamma`` or ``beta`` would shadow the gamma/beta functions in the same expression.
    """
    fresh = [sp.Dummy(f"arg{i}") for i in range(len(args))]
    expr = sp.sympify(expr).xreplace(dict(zip(args, fresh)))
    # Numeric powers such as (297/1000)**(849/1000) stay exact in SymPy as roots of huge integers,
    # which overflow a float in the generated code: evaluate them first.
    numeric = {e: e.evalf(30) for e in expr.atoms(sp.Pow) if e.is_number}
    return sp.lambdify(fresh, expr.xreplace(numeric) if numeric else expr, modules=modules)


def _lambda(args: Sequence[sp.Symbol], expr: sp.Expr):
    return safe_lambdify(list(args), expr)


def _bounds(s: sp.Set) -> tuple[float, float]:
    return float(s.inf), float(s.sup)


def _is_discrete(s: sp.Set) -> bool:
    return isinstance(s, (sp.Range, sp.FiniteSet)) or s in (sp.S.Naturals, sp.S.Naturals0, sp.S.Integers)


def _values(s: sp.Set) -> np.ndarray | None:
    """All values of a finite discrete set, or ``None`` when it is infinite."""
    if isinstance(s, sp.FiniteSet):
        return np.array([float(v) for v in s.args])
    if isinstance(s, sp.Range) and s.size.is_finite:
        return np.arange(int(s.inf), int(s.sup) + 1, int(s.step)).astype(float)
    return None


def _sum_1d(fn, s: sp.Set) -> float:
    vals = _values(s)
    if vals is not None:
        return float(np.sum(np.asarray(fn(vals), dtype=float) * np.ones_like(vals)))
    start = int(s.inf) if s.inf.is_finite else None
    if start is None:  # Integers: sum both directions from 0
        return _sum_1d(fn, sp.S.Naturals0) + _sum_1d(lambda k: fn(-k), sp.S.Naturals)
    total, k = 0.0, start
    while k - start < _MAX_TERMS:
        ks = np.arange(k, k + _BLOCK, dtype=float)
        with np.errstate(all="ignore"):
            block = np.asarray(fn(ks), dtype=float) * np.ones_like(ks)
        block = np.where(np.isnan(block) & (ks > start + 50), 0.0, block)
        total += float(np.sum(block))
        if np.max(np.abs(block[-50:])) < 1e-300 or (np.max(np.abs(block[-50:])) < 1e-18 * max(1.0, abs(total))):
            break
        k += _BLOCK
    return total


def _finite(value, t: float) -> float:
    """The integrand as a float; overflow (inf/inf = nan) far out in a tail counts as 0."""
    v = float(value)
    if math.isnan(v) and abs(t) > 30:
        return 0.0
    return v


def numeric_expectation(
    expr: sp.Expr,
    density: sp.Expr,
    support: Mapping[sp.Symbol, sp.Set],
    point: Mapping[sp.Symbol, sp.Expr],
) -> float:
    """∫ expr·p over the support (or Σ for discrete data) at the parameter ``point``.

    Args:
        expr: The function of the data to average.
        density: The density / mass function p(x | θ).
        support: Data symbol → support set (bounds may depend on parameters).
        point: Values of every parameter and covariate.
    """
    from scipy import integrate

    data = list(support)
    integrand = sp.sympify(expr * density).subs(point)
    sets = {x: s.subs(point) if hasattr(s, "subs") else s for x, s in support.items()}
    leftover = integrand.free_symbols - set(data)
    if leftover:
        raise ValueError(f"numeric expectation needs values for {sorted(map(str, leftover))}")
    fn = _lambda(data, integrand)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if all(_is_discrete(sets[x]) for x in data):
            if len(data) == 1:
                return _sum_1d(fn, sets[data[0]])
            grids = [_values(sets[x]) if _values(sets[x]) is not None else np.arange(0, 400.0) for x in data]
            return float(sum(fn(*combo) for combo in itertools.product(*grids)))
        if len(data) == 1:
            lo, hi = _bounds(sets[data[0]])
            value, _err = integrate.quad(lambda t: _finite(fn(t), t), lo, hi, limit=200, epsabs=1e-13, epsrel=1e-11)
            return float(value)
        ranges = [_bounds(sets[x]) for x in data]
        value, _err = integrate.nquad(lambda *t: _finite(fn(*t), max(t, key=abs)), ranges, opts={"limit": 100})
        return float(value)


def numeric_value(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Expr], digits: int = 30) -> complex | float:
    """High-precision value of a closed form at a point (``nan`` when it does not evaluate)."""
    try:
        value = sp.N(sp.sympify(expr).subs(point), digits)
        if value.free_symbols or value.has(sp.Integral, sp.Sum):
            return math.nan
        c = complex(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return math.nan
    return c.real if abs(c.imag) <= 1e-20 * max(1.0, abs(c.real)) else c
