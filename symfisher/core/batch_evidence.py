"""Many numeric expectations E_θ[f_k(X)] of one univariate continuous model at once, as evidence.

The integrands f_k·p are compiled into one function of (x, θ) that returns them all, common
subexpressions shared, and integrated together by double-exponential (tanh-sinh) quadrature, every
node of a piece in one vectorised call. The symbolic work and the compilation are done once for all
integrands and all parameter points, not once per integrand and point: on the trapezoidal law,
substituting the point into each Piecewise integrand and compiling it had taken 0.6–3 s an integrand,
and QUADPACK (or ``scipy.integrate.quad_vec``) calling the compiled function node by node cost as much.

As in :func:`symfisher.core.evidence.numeric_expectations`, an interval with a finite end is integrated
in t = x − lo (and t = hi − x) from that end, substituted symbolically (x − lo is t exactly), so an
integrable singularity at the end keeps its mass: tanh-sinh nodes reach t = e^(−634) there. The interval
is cut where a Piecewise condition, or the argument of Abs, sign or Heaviside, changes sign in x, so each
piece is smooth inside. A value is kept only where it is converged: the same within
:data:`TOLERANCE` at half the nodes and with the outermost nodes left out (a divergent integral, such as
E[s²] = ∞, fails the second test); else it is ``nan``, no evidence. The density is integrated beside them: a
value that is not finite where p's share of the mass is negligible (p below 1e-150, say, where x^a underflows)
counts as no mass, and a point where ∫p converges to a value other than 1 gives no values.

For one discrete variable on a run of integers (a ``Range``, ℕ₀) the integrands are compiled the same way, once,
and summed by :func:`~symfisher.core.series.series_sum` at every point at once; a sum that does not settle there
(a term that overflows, a power-law tail) is done again by :func:`~symfisher.core.evidence.numeric_expectation_or_nan`
at that point alone. On the negative binomial law's three open entries at two points: one compilation instead of six.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Mapping, Sequence

import numpy as np
import sympy as sp

from symfisher.core.deadline import now
from symfisher.core.evidence import NUMERIC_FAILURES, numeric_expectation_or_nan, safe_lambdify
from symfisher.core.points import is_discrete_set
from symfisher.core.quadrature import expect
from symfisher.core.special_forms import tame_logs
from symfisher.core.series import series_sum


def numeric_expectations_many(
    exprs: Sequence[sp.Expr],
    density: sp.Expr,
    support: Mapping[sp.Symbol, sp.Set],
    points: Sequence[Mapping[sp.Symbol, sp.Expr]],
    logpdf: sp.Expr | None = None,
    deadline: float | None = None,
) -> list[list[float]] | None:
    """``[[E_θ[f] at each point] for f in exprs]``, or ``None`` where this route does not apply: data that
    are not one variable on an interval or a box of 2–3 axes, a value that is not a float, symbols the points
    leave free (the caller then takes :func:`~symfisher.core.evidence.numeric_expectations` one by one).
    ``logpdf``: log p written so that it stays finite where p underflows (the engine's checked expansion); used by
    the box route, else log of ``density``. ``deadline`` (``now()``): the box route starts no point that
    would end after it (such points are ``nan``)."""
    if not exprs or not points:
        return None
    syms = sorted(set(points[0]), key=sp.default_sort_key)
    free = set(syms) | set(support)
    if any(sp.sympify(f * density).free_symbols - free for f in exprs) or \
            any(s.free_symbols - set(syms) for s in support.values()):
        return None
    if len(support) != 1:
        return _nested(exprs, density, support, syms, points, logpdf, deadline)
    (x, s), = support.items()
    integrands = [sp.sympify(f) * density for f in exprs]
    if is_discrete_set(s):
        return _sums(exprs, integrands, density, x, s, syms, points)
    if not isinstance(s, sp.Interval):
        return None
    pieces = _pieces((*integrands, density), x, s, tuple(syms))  # p last: where it is 0 there is no mass, ∫p = 1
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            columns = [_mass_checked(pieces.integrate([np.float64(point[v]) for v in syms])) for point in points]
    except NUMERIC_FAILURES:
        return None
    return [[float(column[k]) for column in columns] for k in range(len(exprs))]


def _mass_checked(column: np.ndarray) -> np.ndarray:
    """The integrals of a column whose last entry is ∫p: all ``nan`` where ∫p converged to a value other than 1
    (the quadrature missed where p lies: the exponentiated Weibull law at a = 3·10⁴, a spike of width 1/a)."""
    mass = column[-1]
    return column[:-1] if not math.isfinite(mass) or abs(mass - 1.0) <= MASS_TOLERANCE else \
        np.full(column.size - 1, np.nan)


BATCH_TERMS = 2_000  # terms summed at once; a sum not settled by then (a power-law tail) is done by itself


def _sums(exprs, integrands, density, x, s, syms, points) -> list[list[float]] | None:
    """The discrete case of :func:`numeric_expectations_many`: Σ over k from s.inf to s.sup, every integrand at every
    point in one call per block of k (``None`` unless ``s`` is a run of integers with a finite first element)."""
    run = s if isinstance(s, sp.Range) else sp.Range(s.inf, sp.oo) if s in (sp.S.Naturals, sp.S.Naturals0) else None
    if run is None or run.step != 1 or not (run.inf.is_Integer and (run.sup is sp.oo or run.sup.is_finite)):
        return None
    term = safe_lambdify([x, *syms], sp.Tuple(*integrands), cse=True)
    stop = safe_lambdify(syms, run.sup) if run.sup is not sp.oo else (lambda *v: np.inf)
    values = [np.array([float(point[v]) for point in points]) for v in syms]

    def block(k: np.ndarray, _rows: np.ndarray, *v: np.ndarray) -> np.ndarray:  # (k, integrand, point)
        shape = (k.shape[0], 1, len(points))
        parts = [np.broadcast_to(np.asarray(e), shape) for e in term(k, *v)]
        if any(np.iscomplexobj(e) and np.any(e.imag[np.isfinite(e)] != 0) for e in parts):
            raise TypeError("a complex value of a term")
        return np.concatenate([e.real for e in parts], axis=1)

    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            last = np.broadcast_to(np.asarray(stop(*values), dtype=float), (len(points),))
            sums = series_sum(block, int(run.inf), last, np.zeros((len(integrands), 1)), *values,
                              max_terms=BATCH_TERMS)
    except NUMERIC_FAILURES:
        return None
    return [[float(v) if math.isfinite(v) else numeric_expectation_or_nan(f, density, {x: s}, point)
             for v, point in zip(row, points)] for f, row in zip(exprs, sums)]


NESTED_AXES = (2, 3)  # data axes of the box route (core.quadrature.expect nests 1–3 axes)


def is_box(support: Mapping[sp.Symbol, sp.Set]) -> bool:
    """Whether the support is a box of 2–3 axes, each an interval or a set of integers (the box route)."""
    return len(support) in NESTED_AXES and all(isinstance(s, sp.Interval) or is_discrete_set(s)
                                               for s in support.values())


def _nested(exprs, density, support, syms, points, logpdf, deadline) -> list[list[float]] | None:
    """The box route of :func:`numeric_expectations_many`: 2–3 data axes, each an interval or a run of integers
    whose ends are numbers at each point, all integrands of a point in one nested quadrature
    (:func:`symfisher.core.quadrature.expect`: the inner axes vectorised over the nodes of the outer ones, the
    plane in polar coordinates, a sum in blocks until its terms are negligible), the mass ∫p with them. A value
    whose error estimate is above :data:`NESTED_RTOL` of it is ``nan``, no evidence, and so is every value at a
    point where the mass is not 1 (the density is no density there, or the quadrature missed where it lies)."""
    data = list(support)
    if not is_box(support):
        return None
    logp = tame_logs(sp.log(density) if logpdf is None else logpdf)
    f = safe_lambdify([*data, *syms], sp.Tuple(sp.Integer(1), *exprs), cse=True)  # the mass first
    log_p = safe_lambdify([*data, *syms], logp)
    columns, last = [], NESTED_SECONDS
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            for point in points:
                start = now()
                if deadline is not None and start + last > deadline:  # as long as the last point took
                    columns.append(np.full(len(exprs), np.nan))
                    continue
                theta = [np.float64(point[v]) for v in syms]
                axes = [_axis(s.subs(point)) for s in support.values()]
                if None in axes:
                    return None

                def fn(*xs: np.ndarray, theta=theta) -> np.ndarray:
                    return np.stack([np.broadcast_to(np.asarray(v, dtype=float), xs[0].shape)
                                     for v in f(*xs, *theta)], axis=-1)

                value, error = expect(fn, lambda *xs, theta=theta: log_p(*xs, *theta), axes,
                                      seconds=NESTED_SECONDS, clock=now)
                good = np.isfinite(value) & (error <= NESTED_RTOL * np.maximum(1.0, np.abs(value)))
                mass_found = good[0] and abs(value[0] - 1.0) <= MASS_TOLERANCE  # else the quadrature missed mass
                columns.append(np.where(good[1:] & mass_found, value[1:], np.nan))
                last = max(NESTED_SECONDS, now() - start)
    except NUMERIC_FAILURES:
        return None
    return [[float(column[k]) for column in columns] for k in range(len(exprs))]


NESTED_SECONDS = 1.5  # per point (half at rtol 1e-11, then 1e-7: core.quadrature.expect)
NESTED_RTOL = 1e-4  # a value is kept where its error estimate is below this, relative (the kink of a Laplace law's
# density at its centre leaves 1e-5 after 1.5 s); both sides of an entry come from the same nodes
MASS_TOLERANCE = 1e-6  # |∫p − 1| at most this, or none of the point's values is kept (no mass missed, p a density)


def _axis(s: sp.Set) -> tuple[float, float, bool, np.ndarray | None] | None:
    """(lo, hi, discrete, finitely many values or None) of one axis of a box (core.quadrature's axes)."""
    if isinstance(s, sp.FiniteSet):
        values = np.array(sorted(float(v) for v in s.args))
        return float(values[0]), float(values[-1]), True, values
    lo, hi = s.inf, s.sup
    if not (lo.is_number and hi.is_number):
        return None
    return float(lo), float(hi), bool(is_discrete_set(s)), None


@functools.lru_cache(maxsize=8)
def _pieces(integrands: tuple[sp.Expr, ...], x: sp.Symbol, s: sp.Interval, syms: tuple[sp.Symbol, ...]) -> _Pieces:
    """The integrands compiled once for every call with them: the verdict's evidence at more points, in a worker
    forked from the one that compiled them at the first (the noncentral beta law's twelve series: 1.1 s each time)."""
    return _Pieces(list(integrands), x, s, list(syms))


class _Pieces:
    """The integrands, the density p last, compiled for the pieces of the support: from the lower end in
    t = x − lo, from the upper end in t = hi − x, and in x between the cuts."""

    def __init__(self, integrands: list[sp.Expr], x: sp.Symbol, s: sp.Interval, syms: list[sp.Symbol]) -> None:
        t = sp.Dummy("t", nonnegative=True)
        self.lo, self.hi = s.inf, s.sup
        self.bounds = safe_lambdify(syms, sp.Tuple(self.lo, self.hi))
        roots = kinks(integrands, x)
        self.cuts = safe_lambdify(syms, sp.Tuple(*roots)) if roots else None

        def compiled(var, exprs):
            return safe_lambdify([var, *syms], sp.Tuple(*exprs), cse=True)

        # an end that is not ±∞ is finite at every point (t0³ is, though SymPy cannot tell for a plain t0)
        self.from_lo = compiled(t, [g.xreplace({x: self.lo + t}) for g in integrands]) if self.lo != -sp.oo else None
        self.from_hi = compiled(t, [g.xreplace({x: self.hi - t}) for g in integrands]) if self.hi != sp.oo else None
        self.inner = compiled(x, integrands)
        self.size = len(integrands)

    def integrate(self, values: list[float]) -> np.ndarray:
        """∫ of every integrand at one parameter point (``nan`` where not converged)."""
        lo, hi = (float(v) for v in self.bounds(*values))
        unmapped = (math.isfinite(lo) and self.from_lo is None) or (math.isfinite(hi) and self.from_hi is None)
        if not lo <= hi or unmapped:
            return np.full(self.size, np.nan)  # bounds that are not a range here: no evidence
        cuts = [] if self.cuts is None else np.atleast_1d(np.asarray(self.cuts(*values), dtype=complex))
        cuts = sorted({float(c.real) for c in cuts if c.imag == 0 and lo < c.real < hi})
        if not cuts and math.isfinite(lo) and math.isfinite(hi):
            cuts = [(lo + hi) / 2]
        total = np.zeros(self.size)
        if math.isfinite(lo):
            total = total + _segment(self.from_lo, values, 0.0, 1.0, cuts[0] - lo if cuts else math.inf)
        if math.isfinite(hi):
            total = total + _segment(self.from_hi, values, 0.0, 1.0, hi - cuts[-1] if cuts else math.inf)
        for a, b in zip(cuts, cuts[1:]):
            total = total + _segment(self.inner, values, a, 1.0, b - a)
        # an infinite end: from the last cut (or from 0 on the whole line) outwards
        if not math.isfinite(hi) and (cuts or not math.isfinite(lo)):
            total = total + _segment(self.inner, values, cuts[-1] if cuts else 0.0, 1.0, math.inf)
        if not math.isfinite(lo) and (cuts or not math.isfinite(hi)):
            total = total + _segment(self.inner, values, cuts[0] if cuts else 0.0, -1.0, math.inf)
        return np.asarray(total, dtype=float)


# tanh-sinh on (0, 1): s = σ(π sinh u), u on a grid of STEP up to ±REACH (σ(−π sinh 6) = e^(−634))
STEP, REACH, SHORT_REACH = 1 / 64, 6.0, 5.0
FAR = 30.0  # beyond this distance from a piece's start a non-finite value counts as no mass
NEGLIGIBLE = 1e-100  # nor where p's share of the mass is below this, relative: f·p matters there only if |f| > 1e93
TOLERANCE = 1e-7  # relative to ∫|f|: half the nodes, and the reach cut to SHORT_REACH, agree this well
_U = np.arange(-REACH, REACH + STEP / 2, STEP)
_S = 1 / (1 + np.exp(-np.pi * np.sinh(_U)))  # σ(z)
_W = STEP * np.pi * np.cosh(_U) * _S / (1 + np.exp(np.pi * np.sinh(_U)))  # STEP·dσ/du = STEP·π cosh u·σ(z)σ(−z)
_HALF = (np.arange(_U.size) - _U.size // 2) % 2 == 0
_SHORT = np.abs(_U) <= SHORT_REACH


def _unit(values: np.ndarray) -> np.ndarray:
    """∫_0^1 of each row of ``values`` (the integrands at the nodes _S), ``nan`` where not converged."""
    fine = values @ _W
    half = values[:, _HALF] @ (2 * _W[_HALF])
    short = values[:, _SHORT] @ _W[_SHORT]
    scale = np.abs(values) @ _W + 1e-300  # relative to ∫|f|: a zero integral's round-off passes, a divergent tail not
    ok = (np.abs(fine - half) <= TOLERANCE * scale) & (np.abs(fine - short) <= TOLERANCE * scale)
    return np.where(ok, fine, np.nan)


def _segment(fn, values: list[float], start: float, sign: float, length: float) -> np.ndarray:
    """∫ over v = start + sign·t, t from 0 to ``length`` (∞: [0, 1] and [1, ∞) by t = 1/s), of fn(v, θ)."""
    def at(v: np.ndarray, jacobian: np.ndarray | float) -> np.ndarray:
        rows = []
        for e in fn(v, *values):
            e = np.broadcast_to(np.asarray(e), v.shape)
            if np.iscomplexobj(e) and np.any(e.imag[np.isfinite(e)] != 0):
                raise TypeError("a complex value of the integrand")
            rows.append(e.real.astype(float))
        out = np.array(rows) * jacobian
        # no mass where a value is not finite at the outermost nodes (a pole met at an end), far out (an overflow
        # in a tail, |v − start| > FAR as for QUADPACK), or where p (the last row) is negligible: its node's share of
        # ∫p at most NEGLIGIBLE of the largest (the exponentiated Weibull law: 0/0 where x^a underflows beside 0,
        # inf/inf where e^(x^a) overflows in the tail, where p is below 1e-150); elsewhere nan stays: no evidence
        share = np.abs(out[-1]) * _W
        tiny = share <= NEGLIGIBLE * np.max(share, initial=0.0, where=np.isfinite(share))
        negligible = ~_SHORT | (np.abs(v - start) > FAR) | tiny
        return np.where(np.isfinite(out) | ~negligible, out, 0.0)

    if math.isinf(length):
        return _unit(at(start + sign * _S, 1.0)) + _unit(at(start + sign / _S, 1 / _S**2))
    return length * _unit(at(start + sign * length * _S, 1.0))


def kinks(integrands: Sequence[sp.Expr], x: sp.Symbol) -> list[sp.Expr]:
    """Where an integrand may have a kink or a jump, as expressions in θ: the roots, linear in x, of the
    sides of Piecewise conditions and of the arguments of Abs, sign and Heaviside."""
    sides: dict[sp.Expr, None] = {}
    for g in integrands:
        for p in g.atoms(sp.Piecewise):
            for _, cond in p.args:
                sides.update((r.lhs - r.rhs, None) for r in cond.atoms(sp.core.relational.Relational))
        sides.update((f.args[0], None) for f in g.atoms(sp.Abs, sp.sign, sp.Heaviside))
    roots: dict[sp.Expr, None] = {}
    for side in sides:
        if not side.has(x):
            continue
        try:
            poly = sp.Poly(side, x)
        except sp.PolynomialError:
            continue
        if poly.degree() == 1:
            a, b = poly.all_coeffs()
            roots[-b / a] = None
    return list(roots)
