"""Model validation: the density is non-negative and normalized, checked at random parameter points.

Numeric checks here only ever *reject* a model; a symbolic proof of normalization is a regularity
fact recorded by :func:`symfisher.derive`. A rejection names a parameter point and what the density
integrates (sums) to there, so that claim must be true: for one data variable a mass ≠ 1 from the fast
screen is recomputed by methods without its blind spots (quadrature scaled to the density around its
mode, in floats and in arbitrary precision; sums outward from the mode with overflowing terms redone in
arbitrary precision, and Levin-accelerated sums for slow tails) and reported only when two agree.
"""

from __future__ import annotations

import cmath
import math
import warnings
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np
import sympy as sp

from symfisher.core.deadline import Budget, now, run_with_deadline
from symfisher.core.points import is_discrete_set, parameter_points
from symfisher.core.evidence import (NUMERIC_FAILURES, levin_sum, log_density, partial_sum, safe_lambdify, scaled_mass,
                                     total_mass)
from symfisher.errors import BudgetExceeded, ModelError
from symfisher.core.structure import joint as _joint
from symfisher.core.note import written_set
from symfisher.core.valid_domain import ValidInterval, valid_interval

if TYPE_CHECKING:
    from symfisher.core.model import Model

NORMALIZATION_TOL = 1e-6
NUMERIC_SECONDS = 20.0
CUBATURE_SECONDS = 1.0  # per point, for several data variables: iterated quadrature over a simplex with a density
# singular at its faces (Dirichlet) or a triple sum (negative multinomial) ran 15-18 s a point and rarely finished;
# where the mass is found (the other joint families of sympy.stats; the plane, in polar coordinates, since the
# bivariate t's mass took 1 s and more by iterated quadrature), it takes 0.01-0.45 s
NOT_NORMALIZED = (
    "model {name}: the density is not normalized: it {verb} {mass} over {support} at {point}; "
    "a density must integrate (a mass function sum) to 1 for every parameter value"
)
AGREE = 0.1  # two estimates confirm a mass m when they differ by less than this fraction of |m − 1|
HUGE_LOG = 690.0
TOO_LARGE = ("model {name}: the density is not normalized: it is about 10^{digits:.0f} at {where} with {point}, "
             "far too large for a density (check exponents and the normalizing constant)")
NEGATIVE = "model {name}: the density is negative or not real ({value:.4g}) at {where}"
CONSTRAINED = ("; if the data {data} are constrained jointly, give their joint support (support=Model.simplex(data) "
               "for a simplex, a FiniteSet of Tuples, a ConditionSet)")


def _data_probes(s: sp.Set, point: dict) -> list[float]:
    s = s.subs(point) if s.free_symbols else s
    lo, hi = float(s.inf), float(s.sup)
    if isinstance(s, sp.FiniteSet):
        return [float(v) for v in s.args]
    discrete = isinstance(s, sp.Range) or s in (sp.S.Naturals, sp.S.Naturals0, sp.S.Integers)
    if discrete:
        start = lo if math.isfinite(lo) else -3.0
        stop = hi if math.isfinite(hi) else start + 8
        return [float(v) for v in np.arange(start, min(stop, start + 8) + 1)]
    if math.isinf(lo) and math.isinf(hi):
        return [-3.1, -1.3, -0.4, 0.2, 0.9, 2.7]
    if math.isinf(hi):
        return [lo + d for d in (0.05, 0.4, 1.1, 2.9, 7.3)]
    if math.isinf(lo):
        return [hi - d for d in (0.05, 0.4, 1.1, 2.9, 7.3)]
    return [lo + (hi - lo) * f for f in (0.03, 0.27, 0.5, 0.71, 0.97)]


def _probes(model: Model, point: dict):
    """Data points at which the density is probed (inside the joint support when there is one)."""
    if model.joint_support is not None:
        return _joint.joint_probes(model.joint_support, list(model.data), model.support_map, point)
    grids = [_data_probes(s, point) for _, s in model.support]
    if len(grids) > 1:
        return zip(*grids)
    (_, s), = model.support
    return ((g,) for g in grids[0] + _dense_probes(s, point))


DENSE_PROBES = 41  # evenly spread data points beside the five probes, for one continuous variable on an interval


def _dense_probes(s: sp.Set, point: dict) -> list[float]:
    """:data:`DENSE_PROBES` points across an interval's span (its first 20 units where it is a half-line, [−10, 10]
    on ℝ), off any round grid: the cardioid law (1 + 2ρ cos(x − μ))/(2π) on (−π, π) is negative near x = μ ± π for
    ρ > ½, which the five probes missed: the edge inferred for ρ declared positive was 0.595 (now 0.5015)."""
    s = s.subs(point) if s.free_symbols else s
    if not isinstance(s, sp.Interval) or is_discrete_set(s):
        return []
    lo, hi = float(s.inf), float(s.sup)
    lo, hi = (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else \
        (lo, lo + 20.0) if math.isfinite(lo) else (hi - 20.0, hi) if math.isfinite(hi) else (-10.0, 10.0)
    return [lo + (hi - lo) * f for f in np.linspace(0.0113, 0.9887, DENSE_PROBES)]


def _negative_at(model: Model, point: dict, compiled: Callable[[dict], Callable | None] | None = None
                 ) -> tuple[float, dict] | None:
    """A data point (and value) where the density is negative or not real, else ``None``.

    ``compiled``: point → the density there as a function of the data, from one function of the data and the
    parameters compiled for all the points tried (:func:`_compiled_density`); where it evaluates at every probe, its
    answer stands (a value to report comes from the check without it: the density compiled at this point on its own,
    with the point's exact values substituted first).
    """
    data = list(model.data)
    combos = list(_probes(model, point))
    fast = compiled(point) if compiled is not None else None
    if fast is not None:
        bad = _first_bad(fast, combos, strict=True)
        if bad is not _UNEVALUATED:
            return None if bad is None else (bad[0], dict(zip(data, bad[1])))
    try:
        fn = safe_lambdify(data, model.density.subs(point))
    except (*NUMERIC_FAILURES, SyntaxError):  # lambdify cannot print it: checked symbolically later
        return None
    bad = _first_bad(fn, combos)
    return None if bad is None else (bad[0], dict(zip(data, bad[1])))


def _compiled_density(model: Model, symbols: Sequence[sp.Symbol]) -> Callable[[dict], Callable | None] | None:
    """point → the density at that point as a NumPy function of the data (``None`` where the point's values are
    not all rational numbers), from one function of (data, symbols) compiled once: compiling the density again at
    each point took 5 ms, and finding valid points for Dirichlet's real shapes tries 25. ``None`` where lambdify
    cannot print the density."""
    try:
        fn = safe_lambdify([*model.data, *symbols], model.density)
    except (*NUMERIC_FAILURES, SyntaxError):
        return None

    def at(point: dict) -> Callable | None:
        values = [point[s] for s in symbols]
        if not all(isinstance(v, sp.Rational) for v in values):
            return None
        values = [int(v) if v.is_Integer else float(v) for v in values]
        return lambda *x: fn(*x, *values)

    return at


_UNEVALUATED = (math.nan, ())  # a strict scan's report of a probe where the function did not evaluate


def _first_bad(fn: Callable, combos, strict: bool = False) -> tuple[float | complex, tuple] | None:
    """(value, probe) of the first probe where ``fn(*probe)`` is negative, not real or NaN; ``None`` when there is
    none. A probe where it raises an arithmetic error is skipped, or, with ``strict``, reported as
    :data:`_UNEVALUATED`, as is a NaN then (any failure: the caller checks the point again by other means)."""
    skipped = (ValueError, TypeError, ZeroDivisionError, OverflowError)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for combo in combos:
            try:
                v = complex(fn(*combo))
            except skipped:
                if strict:
                    return _UNEVALUATED
                continue
            except (NameError, NotImplementedError, AttributeError):
                if strict:
                    return _UNEVALUATED
                raise
            if math.isnan(v.real) or math.isnan(v.imag):
                if strict:  # in floats, not necessarily at the exact point (Γ overflowing in a ratio)
                    return _UNEVALUATED
                return v.real, combo
            if abs(v.imag) > 1e-12 or v.real < -1e-12:
                return (v if abs(v.imag) > 1e-12 else v.real), combo
    return None


VALIDATION_SECONDS = 20.0
TIMED_OUT = ("model {name}: validating the density did not finish within {seconds:g} s (evaluating it is "
             "too costly); simplify the density, raise timeout=, or pass validate=False to skip the check")


def validate_model(model: Model, points: int = 2, seed: int = 7, timeout: float = VALIDATION_SECONDS, *,
                   declared: bool = False) -> tuple[ValidInterval, ...]:
    """Raise :class:`ModelError` when the density is negative or not normalized; return the parameter
    intervals inferred where an assumed domain is wider than where the density is one.

    Random parameter points are drawn from the parameter domains; where the domain comes only from
    assumptions (positive, real) and a draw makes the density negative, the draw is retried, so
    only a density negative at *every* tried point is reported; and where such a domain is wider than
    where the density is one (p positive in p^x (1 − p)^(1 − x)), the valid interval of that parameter is
    inferred (:mod:`symfisher.core.valid_domain`), checked like a declared domain and returned, so that
    the model can record it. With ``declared=True`` the domains
    are the user's declaration (models from text): a density negative at any drawn point of them is
    an error naming the point and the declared domain (``p^x (1-p)^(1-x)`` with p ∈ (0, ∞)).
    The whole check runs under a hard wall-clock limit of ``timeout`` seconds (a forked worker, killed at
    the deadline); a normalization integral that alone does not finish in time is skipped (no evidence either way).

    Raises:
        ModelError: The density is negative, not normalized, or ``timeout`` is not a positive number.
        BudgetExceeded: The check did not finish within ``timeout`` seconds.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0 \
            or not math.isfinite(timeout):
        raise ModelError(f"model {model.name}: timeout must be a positive number of seconds, got {timeout!r}")
    seconds = max(0.05, min(timeout * 0.9, timeout - 0.2))  # leave time to kill and reap the worker
    budget = Budget.of(seconds)
    try:
        return run_with_deadline(_validate, (model, points, seed, budget, declared), seconds)
    except BudgetExceeded:
        raise BudgetExceeded(TIMED_OUT.format(name=model.name, seconds=timeout)) from None
    except (ModelError, BudgetExceeded):
        raise
    except RecursionError:
        raise ModelError(f"model {model.name}: the density is nested too deeply to evaluate") from None
    except (MemoryError, OverflowError) as exc:
        raise ModelError(f"model {model.name}: evaluating the density failed ({type(exc).__name__}); "
                         "it is too large") from None
    except Exception as exc:  # noqa: BLE001 - boundary: SymPy/NumPy failed on this (user's) density in the
        # worker: one clear ModelError naming the exception, instead of a crash
        detail = str(exc).splitlines()[0][:80] if str(exc) else ""
        raise ModelError(f"model {model.name}: the density could not be evaluated to validate it "
                         f"({type(exc).__name__}{': ' + detail if detail else ''}); pass validate=False to skip "
                         "the check") from None


def _validate(model: Model, points: int, seed: int, budget: Budget, declared: bool = False,
              label: str = "declared") -> tuple[ValidInterval, ...]:
    """The checks of :func:`validate_model`; returns the intervals inferred for parameters whose assumed
    domain is wider than where the density is one (empty when none)."""
    constants = sorted(model.logpdf.free_symbols.union(*(s.free_symbols for _, s in model.support))
                       - set(model.data) - set(model.params) - set(model.given), key=str)
    symbols = (*model.params, *model.given, *constants)
    domains = model.domain_map
    candidates = parameter_points(symbols, domains, points * 6, seed)
    if not declared:
        narrowed = {s: _narrower(s, d, model) for s, d in domains.items()}
        candidates += parameter_points(symbols, narrowed, points * 6, seed + 1)
    elif label == "declared":  # drawn points keep to the middle 70 % of an interval: its ends are the user's to
        # answer for (not an inferred interval's: one parameter's slice at a point, whose corners may hold no density)
        candidates += _near_the_ends(candidates[:points], {s: d for s, d in domains.items() if s in symbols})
    good, first_bad = [], None
    compiled = _compiled_density(model, symbols)
    for point in candidates:
        bad = _negative_at(model, point, compiled)
        if bad is not None and (declared or first_bad is None):  # a value that may be reported: checked exactly
            bad = _negative_at(model, point)
        if bad is None:
            good.append(point)
            if not declared and (len(good) >= points and any(_negatives(pt) == 0 for pt in good)
                                 or len(good) == INFERENCE_TRIES):
                break
        elif declared and cmath.isfinite(bad[0]):
            _raise_outside_declared(model, point, bad, label)
        elif first_bad is None:
            first_bad = (point, bad)
    if not good:
        point, (value, where) = first_bad
        where_s = ", ".join(f"{k}={v:g}" for k, v in where.items())
        hint = CONSTRAINED.format(data=tuple(model.data)) if len(model.data) > 1 and model.joint_support is None else ""
        raise ModelError(NEGATIVE.format(name=model.name, value=value, where=f"{where_s} with {_fmt(point)}") + hint)
    if not declared:
        _check_given_ends(model, good[:points], compiled)
        inferred = _narrowed(model, good, points, seed, budget)
        if inferred:
            return inferred
    first_round = candidates[:points * 6]  # drawn from the whole domains (the second round keeps to narrower ones)
    spread = _spread_point(model, first_round, good[:points], compiled) if len(model.data) == 1 else None
    for point in good[:points] + ([spread] if spread is not None else []):
        seconds = min(NUMERIC_SECONDS, budget.left() - 0.25)
        if seconds <= 0:
            break
        start = now()
        failure = _mass_failure(model, point, seconds)
        if failure is not None:
            verb, mass = failure
            raise ModelError(NOT_NORMALIZED.format(
                name=model.name, verb=verb, mass=_num(mass),
                support=_joint.describe(model.data, model.support, model.joint_support), point=_fmt(point)))
        if len(model.data) > 1 and now() - start >= CUBATURE_SECONDS:
            break  # the cubature ran out its time at this point (no evidence): at the next it would too
    return ()


INFERENCE_TRIES = 6  # points at which a narrowed domain is inferred, until one validates
NEAR_THE_END = 0.005  # where in a declared bounded interval, from either end, a parameter is also tried


def _near_the_ends(points: list[dict], domains: dict) -> list[dict]:
    """Copies of ``points`` with one parameter moved near an end of its declared bounded interval: the cardioid law
    (1 + 2ρ cos(x − μ))/(2π) declared with ρ ∈ (0, 0.59) is negative for ρ > ½, where no point drawn in the middle
    70 % of the interval lies, so it had been accepted."""
    out = []
    for point in points:
        for s, d in domains.items():
            if not (isinstance(d, sp.Interval) and d.inf.is_finite and d.sup.is_finite) or s.is_integer:
                continue
            lo, hi = float(d.inf), float(d.sup)
            for f in (NEAR_THE_END, 1 - NEAR_THE_END):
                out.append({**point, s: sp.Rational(round((lo + (hi - lo) * f) * 10**6), 10**6)})
    return out


def _check_given_ends(model: Model, good: list[dict], compiled) -> None:
    """Raise where the density is negative near an end of a bounded interval given through ``domain=`` (the Python
    API's declaration), the other parameters held at points where it is a density. Draws outside the middle 70 % of
    such an interval are never made, and a draw where p < 0 is retried, so the cardioid law with
    ``domain={rho: Interval.open(0, 1)}``, negative for ρ > ½, had been accepted.

    Not where the edge moves with the other parameters: a joint constraint no interval can state (the negative
    multinomial law's p₁ + p₂ + p₃ < 1, given as p_i ∈ (0, 1] each)."""
    given = {s: d for s, d in model.domain if s in model.params or s in model.given}
    moving: set[sp.Symbol] = set()  # parameters whose edge moves: their other points need no look
    for anchor in good:
        for s, d in given.items():
            for point in _near_the_ends([anchor], {s: d}) if s not in moving else ():
                bad = _negative_at(model, point, compiled)
                if bad is not None:
                    bad = _negative_at(model, point)  # checked exactly: a value to report
                if bad is None or not cmath.isfinite(bad[0]):
                    continue
                if not _edge_is_fixed(model, s, good):
                    moving.add(s)
                    break
                _raise_outside_declared(model, point, bad, "given", anchor=anchor, param=s)


def _edge_is_fixed(model: Model, param: sp.Symbol, anchors: list[dict]) -> bool:
    """The valid interval of ``param`` is the same along every anchor's slice, a fact about ``param`` alone that its
    domain can state (to 1 %, the data probes' resolution: the cardioid law's edge ½ reads 0.5000 and 0.5007 at two
    values of μ)."""
    found = [v.numeric for anchor in anchors for v in _valid_intervals(model, anchor, [param])]
    if len(found) < len(anchors):  # valid all along some slice, bad near an end of another: the edge moves
        return False
    return all(math.isclose(a, b, rel_tol=1e-2, abs_tol=1e-9) for edges in found for a, b in zip(edges, found[0]))


def _spread_point(model: Model, candidates: list[dict], chosen: list[dict], compiled) -> dict | None:
    """A further point for the mass check, the candidate farthest from the ``chosen`` ones where p ≥ 0: the one
    whose smallest distance to them, Σ_s |log|a_s| − log|b_s|| over the parameters, is largest. A mass that is
    one only on part of the domain is then caught where the two points first drawn both lie in that part: the
    generalized Poisson law θ(θ + λk)^(k−1)e^(−θ−λk)/k! sums to 1 only for λ ≤ 1 (to 0.45 at θ = 1, λ = 2), and
    its first two points had λ = 0.89 and 0.74. ``None`` when no candidate is farther than a factor 1.5."""
    def log_gap(a: dict, b: dict) -> float:
        return sum(abs(math.log(abs(float(a[s]))) - math.log(abs(float(b[s]))))
                   for s in a if s in b and a[s] != 0 and b[s] != 0)

    ranked = sorted((min(log_gap(c, g) for g in chosen), n) for n, c in enumerate(candidates)
                    if chosen and c not in chosen)
    for gap, n in reversed(ranked[-SPREAD_TRIES:]):
        if gap < math.log(1.5):
            return None
        if _negative_at(model, candidates[n], compiled) is None:
            return candidates[n]
    return None


SPREAD_TRIES = 3  # candidates, farthest first, tried for a non-negative density before the spread point is dropped


def _narrower(s: sp.Symbol, domain: sp.Set, model: Model) -> sp.Set:
    """Where a second round of candidate points is drawn for a parameter whose domain comes only from its
    assumptions: (0, 1) for a positive one, (0, ∞) for a real one (shapes of sympy.stats' Dirichlet)."""
    if s in dict(model.domain) or s.is_integer:
        return domain
    if s.is_positive:
        return sp.Interval.open(0, 1)
    return sp.Interval.open(0, sp.oo) if domain == sp.S.Reals else domain


def _negatives(point: dict) -> int:
    """How many of the point's values are negative."""
    return sum(1 for v in point.values() if v < 0)


def _narrowed(model: Model, good: list[dict], points: int, seed: int, budget: Budget) -> tuple[ValidInterval, ...]:
    """The intervals inferred around the first of the ``good`` points whose narrowed model validates
    (every point of the narrowed domain must work, the normalization included); empty when the
    assumed domains need no narrowing. Points with fewer negative values are tried first: where the
    valid set of a parameter has several runs (1/Γ(α) changes sign for α < 0), the run around a point
    with a negative value may hold no density (∫ x^(α − 1) diverges there).

    Raises:
        ModelError: No narrowed model validates (the first failure).
    """
    failure = None
    for point in sorted(good, key=_negatives):
        inferred = _inferred_domains(model, point, good)
        if not inferred:
            if failure is None:
                return ()
            continue
        narrowed_model = replace(model, domain=(*model.domain, *((v.param, v.interval) for v in inferred)))
        try:
            _validate(narrowed_model, points, seed, budget, declared=True, label="inferred")
        except ModelError as exc:
            failure = failure or exc
            continue
        return inferred
    raise failure


def _raise_outside_declared(model: Model, point: dict, bad: tuple[float, dict], label: str = "declared", *,
                            anchor: dict | None = None, param: sp.Symbol | None = None) -> None:
    """The density is negative at ``point`` of the declared domains: say so, naming those domains and,
    where one parameter's valid interval can be found, that interval (of ``param`` alone, through ``anchor``, a
    point where the density is one, when they are given)."""
    value, where = bad
    where_s = ", ".join(f"{k}={v:g}" for k, v in where.items())
    named = dict(model.domain) if label == "given" else model.domain_map
    domains = "; ".join(f"{p} ∈ {written_set(d)}" for p, d in named.items() if p in point)
    along = _valid_intervals(model, anchor or point, [param] if param is not None else None)
    if label == "given":  # through the Python API: edges that do not snap to rationals are worth passing too
        if along:
            v = along[0]
            advice = f"it is a density for {v.describe()}: pass domain={{{v.param}: {_as_given(v)}}}"
        else:
            advice = ("pass the interval where it is a density, e.g. "
                      f"domain={{{param or model.params[0]}: Interval(a, b)}}")
    else:
        found = [v for v in along if v.interval is not None]
        advice = (f"it is a density for {found[0].describe()}: declare "
                  f"{found[0].param}:{written_set(found[0].interval)}" if found
                  else f"declare the interval where it is a density, e.g. {model.params[0]}:(low, high)")
    raise ModelError(NEGATIVE.format(name=model.name, value=value, where=f"{where_s} with {_fmt(point)}")
                     + f", inside the {label} domain ({domains}); {advice}")


def _as_given(v: ValidInterval) -> sp.Interval:
    """The valid interval as a ``domain=`` value: edges found numerically to 6 digits, an edge of the domain as it is."""
    if v.interval is not None:
        return v.interval
    ends = [d if float(d) == e else sp.Float(e, 6) for e, d in zip(v.numeric, (v.assumed.inf, v.assumed.sup))]
    return sp.Interval.open(*ends)


def _valid_intervals(model: Model, point: dict, params=None) -> list[ValidInterval]:
    """For each continuous parameter (of ``params``, default all) on an interval domain that the support
    does not depend on: where the density is valid along it, the others held at ``point``."""
    support_symbols = model.support_symbols
    probes = [tuple(float(v) for v in c) for c in _probes(model, point)]
    out = []
    for p in params if params is not None else model.params:
        dom = model.domain_map[p]
        if p.is_integer or p in support_symbols or not isinstance(dom, sp.Interval) or not probes:
            continue
        try:
            found = valid_interval(model.density, model.data, p, dom, point, probes)
        except (*NUMERIC_FAILURES, SyntaxError):
            continue
        if found is not None:
            out.append(found)
    return out


NOT_AN_INTERVAL = ("model {name}: the density is a density only for {interval} (edges found numerically), but the "
                   "assumptions on {p} allow {p} ∈ {domain} (at {p} = {witness} it is negative or not real); "
                   "declare the domain, e.g. domain={{{p}: Interval.open(a, b)}}")


MOVING_EDGE = ("model {name}: the density is a density only for {interval} at {point}, and that interval moves with "
               "the other symbols, so no interval of {p} is what is missing: declare the domains of {others} "
               "(e.g. domain={{symbol: Interval.open(0, 1)}} for a weight or a probability)")


def _inferred_domains(model: Model, point: dict, good: Sequence[dict] = ()) -> tuple[ValidInterval, ...]:
    """Intervals for the parameters whose domain comes from assumptions only and is wider than where the
    density is a density (p positive in p^x (1 − p)^(1 − x): p ∈ (0, 1)).

    Raises:
        ModelError: An interval's edges are not numbers SymPy can name; where they also move with the other symbols
            (among the ``good`` points), an interval of that parameter is not what is missing, another symbol's
            domain is (a mixture's weight p declared positive only: the edges of a rate move with p).
    """
    explicit = dict(model.domain)
    found = _valid_intervals(model, point, [p for p in model.params if p not in explicit])
    for v in found:
        anchors = [point, *(g for g in good if g is not point)][:2]
        if v.interval is None and len(anchors) == 2 and not _edge_is_fixed(model, v.param, anchors):
            undeclared = [s for s in point if s != v.param and s not in explicit]
            undeclared = [s for s in undeclared if s not in model.params] or undeclared  # a free constant first
            raise ModelError(MOVING_EDGE.format(name=model.name, interval=v.describe(), p=v.param, point=_fmt(point),
                                                others=", ".join(map(str, undeclared)) or "the other symbols"))
        if v.interval is None:
            raise ModelError(NOT_AN_INTERVAL.format(name=model.name, interval=v.describe(), p=v.param,
                                                    domain=written_set(model.domain_map[v.param]),
                                                    witness=v.witness))
    return tuple(found)


def _is_one(mass) -> bool:
    return mass is not None and math.isfinite(mass) and abs(mass - 1) <= NORMALIZATION_TOL * max(1.0, abs(mass))


def _agree(best, other) -> bool:
    """``other`` confirms ``best``: both finite, closer to each other than a tenth of |best − 1|."""
    return other is not None and math.isfinite(best) and math.isfinite(other) \
        and abs(best - other) < AGREE * abs(best - 1)


def _mass_failure(model: Model, point: dict, seconds: float) -> tuple[str, float | str] | None:
    """(verb, mass) when the density is shown not to be normalized at ``point``, else ``None``.

    A fast screen (quadrature over the support, or a sum from its first value) settles the usual case,
    mass = 1. Otherwise, for one data variable, the mass is computed again in ways that do not share
    the screen's blind spots (:func:`_confirm_sum`, :func:`_confirm_integral`), and a mass is reported
    only when two of them agree on it: a claim about a point is never a numerical artefact.
    """
    if len(model.data) > 1:
        seconds = min(seconds, CUBATURE_SECONDS)
    if model.joint_support is not None:
        return _joint_mass_failure(model, point, seconds)
    args = (model.density, model.support_map, point)
    start = now()
    try:  # 1-D quadrature and sums take milliseconds; only cubature over several variables can drag on
        mass = total_mass(*args) if len(model.data) == 1 else run_with_deadline(total_mass, args, seconds)
    except (*NUMERIC_FAILURES, BudgetExceeded):  # numeric failure or time-out is not evidence of a bad model...
        mass = None
    if _is_one(mass):
        return None
    if mass is None or not math.isfinite(mass):
        _check_not_huge(model, point)  # ...unless the density itself is astronomically large (overflow)
    verb = "sums to" if model.discrete else "integrates to"
    if len(model.data) != 1:
        if mass is None or any(is_discrete_set(s) for _, s in model.support):
            return None if mass is None else (verb, mass)
        try:  # one cubature over unbounded ranges misses heavy tails: a second one, mapped, must agree
            other = run_with_deadline(_mapped_mass, args, seconds - (now() - start))
        except (*NUMERIC_FAILURES, BudgetExceeded):
            return None
        return (verb, other) if _agree(other, mass) and not _is_one(other) else None
    (x, s), dens = model.support[0], model.density.subs(point)
    s = s.subs(point) if s.free_symbols else s
    try:
        return _divergent_end(dens, x, s, model.discrete) or (
            _confirm_sum(dens, x, s) if model.discrete else _confirm_integral(dens, x, s, mass))
    except NUMERIC_FAILURES:  # the second opinion failed: no evidence either way
        return None


def _mapped_mass(density: sp.Expr, support, point: dict) -> float | None:
    """∫ p over a product of intervals after mapping each unbounded axis onto a bounded one (x = t/(1 − t²)
    on ℝ, x = a + t/(1 − t) on [a, ∞), x = b − t/(1 − t) on (−∞, b]): its blind spots differ from those of
    QUADPACK's own infinite-range transform (heavy tails, mass far out)."""
    from scipy import integrate

    data = list(support)
    maps = []
    for x in data:
        s = support[x].subs(point) if support[x].free_symbols else support[x]
        lo, hi = float(s.inf), float(s.sup)
        if math.isinf(lo) and math.isinf(hi):
            maps.append(((-1.0, 1.0), lambda t: t / (1 - t * t), lambda t: (1 + t * t) / (1 - t * t) ** 2))
        elif math.isinf(hi):
            maps.append(((0.0, 1.0), lambda t, a=lo: a + t / (1 - t), lambda t: 1 / (1 - t) ** 2))
        elif math.isinf(lo):
            maps.append(((0.0, 1.0), lambda t, b=hi: b - t / (1 - t), lambda t: 1 / (1 - t) ** 2))
        else:
            maps.append(((lo, hi), lambda t: t, lambda t: 1.0))
    fn = safe_lambdify(data, sp.sympify(density).subs(point))

    def integrand(*t):
        v = float(np.real(fn(*(m[1](u) for m, u in zip(maps, t)))))
        jac = math.prod(m[2](u) for m, u in zip(maps, t))
        return v * jac if math.isfinite(v * jac) else 0.0

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        value, _err = integrate.nquad(integrand, [m[0] for m in maps], opts={"limit": 100})
    return float(value)


JOINT_CUBATURE_TOL = 1e-2  # a cubature over a joint support is one estimate: report only a clear miss


def _joint_mass_failure(model: Model, point: dict, seconds: float) -> tuple[str, float] | None:
    """(verb, mass) over a joint support: exact over its points (a finite or count support), by iterated
    quadrature within the joint set for up to three continuous coordinates (within ``seconds``);
    no evidence otherwise."""
    args = (model.density, model.joint_support, model.data, model.support_map, point)
    try:
        mass = run_with_deadline(_joint.joint_mass, args, seconds)
    except (*NUMERIC_FAILURES, BudgetExceeded):  # no numeric evidence either way
        return None
    if mass is None or _is_one(mass) or not math.isfinite(mass):
        return None
    if model.discrete:
        return "sums to", mass
    if abs(mass - 1) <= JOINT_CUBATURE_TOL:
        return None
    try:  # a cubature over a simplex with a density singular at its faces can blow up: a sample must agree
        other = _sampled_joint_mass(model, point)
    except NUMERIC_FAILURES:
        return None
    return ("integrates to", mass) if other is not None and _agree(mass, other) else None


def _sampled_joint_mass(model: Model, point: dict, n: int = 2 ** 14) -> float | None:
    """∫ p over a bounded joint support by quasi-Monte Carlo (Sobol points in its bounding box, kept when
    inside the set); ``None`` for an unbounded box. A rough estimate, only used to confirm a cubature."""
    from scipy.stats import qmc

    data = list(model.data)
    box = []
    for x in data:
        s = model.support_map[x]
        s = s.subs(point) if s.free_symbols else s
        lo, hi = float(s.inf), float(s.sup)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return None
        box.append((lo, hi))
    joint = model.joint_support.xreplace(point) if model.joint_support.free_symbols else model.joint_support
    fn = safe_lambdify(data, (model.density * _joint.indicator(joint, data)).subs(point))
    u = qmc.Sobol(len(data), seed=7).random(n)
    cols = [lo + (hi - lo) * u[:, i] for i, (lo, hi) in enumerate(box)]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = np.real(np.asarray(fn(*cols), dtype=complex)) * np.ones(n)
    values = np.where(np.isfinite(values), values, 0.0)
    return float(values.mean() * math.prod(hi - lo for lo, hi in box))


def _confirm_sum(dens: sp.Expr, x: sp.Symbol, s: sp.Set) -> tuple[str, float] | None:
    """Σ p from the mode outward, term by term (a complete sum stands alone) and by Levin's
    acceleration; failing agreement, a partial sum of non-negative terms above 1 is a lower bound."""
    partial, complete, nonneg = partial_sum(dens, x, s)
    if _is_one(partial):
        return None
    if complete and math.isfinite(partial):
        return "sums to", partial
    levin = levin_sum(dens, x, s)
    levin = None if levin is None else float(levin)
    if _is_one(levin):
        return None
    if levin is not None and _agree(levin, partial):
        return "sums to", levin
    if nonneg and partial > 1 + NORMALIZATION_TOL:
        return "sums to more than", partial
    return None


DECADES = range(2, 13)  # distances 10^±2 … 10^±12 from an end over which a mass that does not shrink is seen
SLACK = 1e-9


def _divergent_end(dens: sp.Expr, x: sp.Symbol, s: sp.Set, discrete: bool = False) -> tuple[str, str] | None:
    """(verb, "∞ (…)") when the mass near an end of ``s`` does not shrink decade by decade: p(x_k)·w_k, with
    x_k at distance w_k = 10^k from 0 towards an infinite end (10^−k from a finite end, continuous data only),
    never decreases over ten decades (log p in arbitrary precision). Then every decade holds at least as much
    as the one before, and ∫ p = ∞: λe^(−λx) or 1/(1 + x) at an infinite end, 1/x² at 0.
    The message names the end, the rate and the size of p at the last point."""
    import mpmath

    try:
        fmp = safe_lambdify([x], dens, "mpmath")
    except (*NUMERIC_FAILURES, SyntaxError):  # not printable for mpmath: no evidence
        return None
    logp = log_density(fmp)
    verb = "sums to" if discrete else "integrates to"
    for end, sign in ((s.inf, -1), (s.sup, 1)):
        infinite = end in (sp.oo, -sp.oo)
        if not infinite and (discrete or not end.is_finite):
            continue
        with mpmath.workdps(30):
            widths = [mpmath.mpf(10) ** (k if infinite else -k) for k in DECADES]
            points = [sign * w if infinite else mpmath.mpf(sp.Float(end, 30)) - sign * w for w in widths]
            logs = [logp(t) + float(mpmath.log(w)) for t, w in zip(points, widths)]
        growing = all(b >= a - SLACK * max(1.0, abs(a)) for a, b in zip(logs, logs[1:]))
        if growing and all(math.isfinite(v) for v in logs):
            near = f"{x} → {'-' if sign < 0 else ''}∞" if infinite else f"{x} → {end}"
            size = (logs[-1] - float(mpmath.log(widths[-1]))) / math.log(10)
            first = (logs[0] - float(mpmath.log(widths[0]))) / math.log(10)
            rate = ("grow" if size > first else f"decay no faster than 1/|{x}|") if infinite \
                else f"grow at least like 1/|{x - end}|"
            return verb, (f"∞ (its values {rate} as {near}: p ≈ 10^{size:.0f} at {x} = "
                          f"{float(points[-1]):.12g})")
    return None


def _confirm_integral(dens: sp.Expr, x: sp.Symbol, s: sp.Set, screen: float | None) -> tuple[str, float] | None:
    """∫ p by pieces scaled to the density around its mode, in floats and in arbitrary precision; the
    latter is reported when it is accurate and the float quadrature (or the screen) agrees with it."""
    found = scaled_mass(dens, x, s)
    if found is None:
        return None
    fl, mp_value, err = found
    if _is_one(fl) or _is_one(float(mp_value)):
        return None
    value = float(mp_value)
    if err < AGREE * abs(value - 1) and (_agree(value, fl) or _agree(value, screen)):
        return "integrates to", value
    return None


def _check_not_huge(model: Model, point: dict) -> None:
    """Raise when log p exceeds :data:`HUGE_LOG` at a probe (evaluated in arbitrary precision).

    A density above e^690 ≈ 1e300 at an ordinary data point cannot integrate to 1 (it would need a
    support narrower than 1e-300); float quadrature only overflows on it, so say so plainly.
    """
    data = list(model.data)
    try:
        fn = safe_lambdify(data, model.logpdf.subs(point), "mpmath")
    except (*NUMERIC_FAILURES, SyntaxError):  # lambdify cannot print it: no evidence
        return
    grids = [_data_probes(s, point) for _, s in model.support]
    for combo in zip(*grids) if len(grids) > 1 else ((g,) for g in grids[0]):
        try:
            v = complex(fn(*combo))
        except NUMERIC_FAILURES:  # not evaluable here: no evidence
            continue
        if abs(v.imag) < 1e-9 and v.real > HUGE_LOG:
            where = ", ".join(f"{k}={c:g}" for k, c in zip(data, combo))
            raise ModelError(TOO_LARGE.format(name=model.name, digits=v.real / math.log(10), where=where,
                                              point=_fmt(point)))


def _fmt(point: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in point.items())


def _num(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:.6g}"
