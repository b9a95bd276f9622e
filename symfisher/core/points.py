"""Random parameter points and data points inside their domains (for numeric evidence)."""

from __future__ import annotations

import math
import random
from typing import Callable, Iterable, Mapping

import sympy as sp


def _to_float(v: sp.Expr) -> float:
    try:
        return float(v)
    except TypeError:
        return math.nan


def _rational(v: float) -> sp.Rational:
    return sp.Rational(round(v * 1000), 1000)


def domain_of(sym: sp.Symbol) -> sp.Set:
    """The set a symbol ranges over, read from its SymPy assumptions."""
    if sym.is_integer:
        if sym.is_positive:
            return sp.S.Naturals
        if sym.is_nonnegative:
            return sp.S.Naturals0
        return sp.S.Integers
    if sym.is_positive:
        return sp.Interval.open(0, sp.oo)
    if sym.is_nonnegative:
        return sp.Interval(0, sp.oo)
    if sym.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    return sp.S.Reals


def is_discrete_set(s: sp.Set) -> bool:
    """Whether a support set is discrete (sums) rather than continuous (integrals)."""
    if isinstance(s, (sp.Range, sp.FiniteSet)):
        return True
    if s in (sp.S.Naturals, sp.S.Naturals0, sp.S.Integers):
        return True
    if isinstance(s, sp.Intersection) and any(a in (sp.S.Integers, sp.S.Naturals0) for a in s.args):
        return True
    return False


MAX_FINITE_POINTS = 64  # a support summed point by point


def finite_points(support: sp.Set) -> tuple | None:
    """The points of a finite support: a ``FiniteSet``, or a ``Range`` with numeric ends (the beta-binomial's
    Range(0, n + 1) at a number n), at most ``MAX_FINITE_POINTS``; None otherwise."""
    if isinstance(support, sp.FiniteSet):
        return support.args
    if isinstance(support, sp.Range) and support.size.is_number and support.size <= MAX_FINITE_POINTS:
        return tuple(support)
    return None


def draw(domain: sp.Set, rng: random.Random, integer: bool = False) -> sp.Rational:
    """One exact rational value well inside ``domain`` (away from its edges)."""
    if integer or isinstance(domain, (sp.Range,)) or domain in (sp.S.Naturals, sp.S.Naturals0, sp.S.Integers):
        lo = domain.inf if domain.inf.is_finite else sp.Integer(-3)
        lo = max(_to_float(lo), 1.0) if domain.is_subset(sp.S.Naturals0) else _to_float(lo)
        return sp.Integer(int(lo) + rng.randint(0, 6))
    if isinstance(domain, sp.FiniteSet):
        return rng.choice(sorted(domain.args, key=_to_float))
    lo, hi = _to_float(domain.inf), _to_float(domain.sup)
    if math.isinf(lo) and math.isinf(hi):
        return _rational(rng.uniform(-1.5, 1.5))
    if math.isinf(hi):
        return _rational(lo + rng.uniform(0.6, 2.5)) if lo == 0 else _rational(lo + rng.uniform(0.5, 2.0))
    if math.isinf(lo):
        return _rational(hi - rng.uniform(0.5, 2.0))
    return _rational(lo + (hi - lo) * rng.uniform(0.15, 0.85))


def _accepted(draw_point: Callable[[int], dict], count: int, valid: Callable | None, tries: int) -> list[dict]:
    """Up to ``count`` points ``draw_point(number accepted so far)`` that ``valid`` accepts, in
    ``count * tries`` draws at most."""
    points: list[dict] = []
    for _ in range(count * tries):
        if len(points) == count:
            break
        point = draw_point(len(points))
        if valid is None or valid(point):
            points.append(point)
    return points


def parameter_points(
    symbols: Iterable[sp.Symbol],
    domains: Mapping[sp.Symbol, sp.Set],
    count: int,
    seed: int,
    valid: Callable | None = None,
    tries: int = 40,
) -> list[dict[sp.Symbol, sp.Rational]]:
    """``count`` random points, each accepted by ``valid(point)`` (when given)."""
    rng = random.Random(seed)
    symbols = list(symbols)

    def point(_: int) -> dict:
        return {s: draw(domains.get(s, domain_of(s)), rng, bool(s.is_integer)) for s in symbols}

    return _accepted(point, count, valid, tries)


SPREAD_DENOMINATOR = 999_983  # a prime: drawn values are never multiples of 1/1000 (or any round grid)


def _spread_value(domain: sp.Set, rng: random.Random, mode: int) -> sp.Rational:
    """One value of ``domain``: ordinary (mode 0), close to an edge (1) or far out (2)."""
    lo, hi = _to_float(domain.inf), _to_float(domain.sup)
    magnitude = (rng.uniform(0.2, 4.0), 10 ** rng.uniform(-3, -0.5), 10 ** rng.uniform(1, 7))[mode]
    far = mode > 0
    if math.isinf(lo) and math.isinf(hi):
        v = rng.choice((-1, 1)) * magnitude
    elif math.isinf(hi):
        v = lo + magnitude
    elif math.isinf(lo):
        v = hi - magnitude
    else:
        u = 10 ** rng.uniform(-4, 0) if far else rng.uniform(0.1, 0.9)
        u = u if rng.random() < 0.5 else 1 - u
        v = lo + (hi - lo) * min(max(u, 1e-4), 1 - 1e-4)
    value = sp.Rational(round(v * SPREAD_DENOMINATOR), SPREAD_DENOMINATOR)
    return value if value in domain else draw(domain, rng)


def spread_points(
    symbols: Iterable[sp.Symbol],
    domains: Mapping[sp.Symbol, sp.Set],
    count: int,
    seed: int,
    valid: Callable | None = None,
    tries: int = 40,
) -> list[dict[sp.Symbol, sp.Rational]]:
    """``count`` points for refuting a claim, in turn of ordinary size, close to an edge of the domain
    (10⁻³ … 0.3 from it) and far out (10 … 10⁷), at values off every decimal grid."""
    rng = random.Random(seed)
    symbols = list(symbols)

    def point(accepted: int) -> dict:
        mode = accepted % 3
        out = {}
        for s in symbols:
            domain = domains.get(s, domain_of(s))
            if s.is_integer or is_discrete_set(domain):
                out[s] = draw(domain, rng, True) + (rng.randint(0, 10**rng.randint(1, 3)) if mode else 0)
                if out[s] not in domain:
                    out[s] = draw(domain, rng, True)
            else:
                out[s] = _spread_value(domain, rng, mode)
        return out

    return _accepted(point, count, valid, tries)
