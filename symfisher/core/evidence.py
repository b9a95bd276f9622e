"""Numeric expectations E_θ[f(X)] at a parameter point, by quadrature (continuous) or summation (discrete).

Used as *evidence*, never as proof: model validation (normalization, positivity), numeric checks of
closed forms, and the values reported in "inconclusive" verdicts.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Iterator, Mapping, Sequence

import mpmath
import numpy as np
import scipy.special
import sympy as sp
from mpmath.libmp import NoConvergence
from sympy.utilities.lambdify import implemented_function

from symfisher.core.polar import mode, polar_integral
from symfisher.core.renaming import as_plain_arguments, renamed
from symfisher.core.series import is_summable, series_sum
from symfisher.core.special_forms import ZetaDerivative, exp_minus_one, zeta_derivatives

_MODULES = ["scipy", "numpy"]

#: What evaluating a density or a closed form numerically raises where it cannot be done: domain and
#: overflow errors, complex or non-numeric values, a function with no numeric form (SymPy's printers
#: raise NotImplementedError), mpmath's non-convergence. Catching these means "no evidence here";
#: anything else (NameError, AttributeError, KeyError ...) is a bug of ours and propagates.
NUMERIC_FAILURES: tuple[type[Exception], ...] = (ArithmeticError, ValueError, TypeError, NotImplementedError,
                                                 NoConvergence)


def _warm() -> None:
    """Import SciPy and fill lambdify's namespace once, in the parent process.

    Symbolic work runs in forked workers (:mod:`symfisher.core.deadline`); a worker inherits what the
    parent imported, so without this every worker would import SciPy again (seconds each).
    """
    import scipy.integrate  # noqa: F401
    import scipy.special  # noqa: F401

    sp.lambdify([], sp.Integer(0), modules=_MODULES)


_warm()
_binomial_call = implemented_function(sp.Function("binom"), scipy.special.binom)  # finite where the Γ ratio overflows
_log_gamma_call = implemented_function(sp.Function("gammaln"), scipy.special.gammaln)  # SciPy's printer: log(gamma(z))
_MAX_TERMS = 200_000
_BLOCK = 2_000


def safe_lambdify(args: Sequence[sp.Symbol], expr: sp.Expr, modules=_MODULES, cse: bool = False):
    """``lambdify`` with the arguments renamed to plain fresh symbols first (:func:`as_plain_arguments`).

    lambdify puts every argument into the generated function's namespace under its name, so a data
    symbol called ``gamma`` or ``beta`` would shadow the gamma/beta functions in the same expression.
    A function the modules have no numeric form for (``DiracDelta`` in NumPy) is printed by its bare
    name and fails only when called; that ``NameError`` becomes ``NotImplementedError`` (one of
    :data:`NUMERIC_FAILURES`), so a ``NameError`` elsewhere still shows a bug. ``cse``: common
    subexpressions computed once (several expressions compiled into one function). A series Σ_{k=a}^{b} t(k)
    is evaluated by :func:`~symfisher.core.series.series_sum` (with NumPy/SciPy modules).
    """
    fresh, expr = as_plain_arguments(args, sp.sympify(expr))
    if modules == _MODULES:  # 1 − e^u → −expm1(u): no 0/0 where u rounds to 0 beside 1
        expr = exp_minus_one(expr)
    if modules == _MODULES and expr.has(sp.binomial):  # SciPy's printer writes Γ(n + 1)/(Γ(k + 1)Γ(n − k + 1)): inf/inf
        expr = expr.replace(lambda e: isinstance(e, sp.binomial), lambda e: _binomial_call(*e.args))  # from n ≈ 170
    if modules == _MODULES and expr.has(sp.Sum):
        calls: dict[sp.Sum, sp.Expr] = {}
        expr = expr.replace(is_summable, lambda s: calls.get(s) or calls.setdefault(s, _series_call(s)))
    if expr.has(sp.Derivative):
        expr = zeta_derivatives(expr).replace(lambda e: isinstance(e, ZetaDerivative), _zeta_derivative_call)
    # Numeric powers such as (297/1000)**(849/1000) stay exact in SymPy as roots of huge integers,
    # which overflow a float in the generated code: evaluate them first.
    numeric = {e: e.evalf(30) for e in expr.atoms(sp.Pow) if e.is_number}
    if expr.has(sp.zoo):  # complex infinity (a Piecewise branch at a pole) has no float: NaN says "no value"
        numeric[sp.zoo] = sp.nan
    try:
        # docstring_limit=0: no docstring printing the expression again (1.5 of lambdify's 2.3 ms on an integrand)
        fn = sp.lambdify(fresh, renamed(expr, numeric) if numeric else expr, modules=modules, cse=cse,
                         docstring_limit=0)
    except KeyError as exc:  # a constant the numeric printers do not know
        raise NotImplementedError(f"no numeric form for {exc.args[0] if exc.args else exc} in {modules}") from exc

    def evaluate(*values):
        try:
            return fn(*values)
        except NameError as exc:
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is None or not tb.tb_frame.f_code.co_filename.startswith("<lambdifygenerated"):
                raise
            raise NotImplementedError(f"no numeric form for {exc.name} in {modules}") from exc

    return evaluate


_SERIES_NAMES = itertools.count()


def _series_call(s: sp.Sum) -> sp.Expr:
    """``s`` as a function of its free symbols that sums its term compiled in (k, free symbols)."""
    (k, start, stop), = s.limits
    free = sorted(s.free_symbols, key=sp.default_sort_key)
    term = safe_lambdify([k, *free], s.function)
    upper = (lambda *values: np.inf) if stop is sp.oo else safe_lambdify(free, stop)

    def total(*values):
        return series_sum(term, int(start), upper(*values), *values)

    return implemented_function(sp.Function(f"series{next(_SERIES_NAMES)}"), total)(*free)


def _zeta_derivative_call(e: ZetaDerivative) -> sp.Expr:
    """ζ⁽ⁿ⁾(s) (the zeta law's score) as a function of s that mpmath evaluates point by point."""
    n, z = int(e.args[0]), e.args[1]
    value = np.vectorize(lambda t: float(mpmath.zeta(t, 1, n)) if t > 1 else np.nan, otypes=[float])
    return implemented_function(sp.Function(f"zeta_derivative{n}"), value)(z)


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
    """Σ fn(k) over a discrete set, outward from the largest term (:func:`_peak`) in both directions, each run until
    its terms fall below 1e-18 of the sum and of the largest term, and no longer grow. Summed from the first value
    instead, the terms of the generalized Poisson law at θ = 561, λ = 0.985 (mean 37,400) were 1e-244 and the sum
    stopped at once. An upward run still not settled after :data:`_MAX_TERMS` terms (a power-law tail: the zeta
    law's E[log² X] at s = 2.2 has 1e-4 of its value beyond 200,000 terms) gets its tail by
    :func:`_euler_maclaurin_tail`. Terms that overflow the floats are the caller's: :func:`_in_log_space`."""
    vals = _values(s)
    if vals is not None:
        return float(np.sum(np.asarray(fn(vals), dtype=float) * np.ones_like(vals)))
    step = abs(int(s.step)) if isinstance(s, sp.Range) else 1
    if not s.inf.is_finite and not s.sup.is_finite:  # Integers: sum both directions from 0
        return _sum_1d(fn, sp.S.Naturals0) + _sum_1d(lambda k: fn(-k), sp.S.Naturals)
    if not s.inf.is_finite:  # a run down to −∞: the same sum in −k
        return _sum_1d(lambda k: fn(-k), sp.Range(-int(s.sup), sp.oo, step))
    start = int(s.inf)
    peak = _peak(fn, start, step)
    below, largest = _run(fn, peak - step, -step, (peak - start) // step, 0.0)[:2]
    above, _, k, block = _run(fn, peak, step, _MAX_TERMS, largest)
    if block is None or step != 1 or not math.isfinite(above):  # settled, or a divergent sum (terms grown to inf)
        return below + above
    return below + above + _euler_maclaurin_tail(fn, float(k), block)


def _peak(fn, start: int, step: int) -> int:
    """The first value plus the offset, among 0 and 1, 2, 5 × powers of ten up to :data:`_MAX_TERMS`, with the
    largest finite |fn| (the first value where none is finite or every one is 0)."""
    offsets = np.array([0.0, *(m * 10.0 ** e for e in range(6) for m in (1, 2, 5))])
    offsets = offsets[offsets < _MAX_TERMS]
    with np.errstate(all="ignore"):
        size = np.abs(_real_or_nan(fn(start + step * offsets)) * np.ones_like(offsets))
    size[~np.isfinite(size)] = 0.0
    return start + step * int(offsets[int(np.argmax(size))]) if np.any(size > 0) else start


def _run(fn, first: int, step: int, count: float, largest: float) -> tuple[float, float, float, np.ndarray | None]:
    """Σ_{j<count} fn(first + step·j) in blocks: (sum, largest |term| so far, the next value, the last block where the
    run is not settled after ``count`` terms, else ``None``). A term that is nan more than 50 values from ``first``
    (inf/inf far out in a tail) counts as 0."""
    total, j = 0.0, 0
    block = None
    while j < count:
        n = int(min(_BLOCK, count - j))
        ks = first + step * np.arange(j, j + n, dtype=float)
        with np.errstate(all="ignore"):
            block = np.asarray(fn(ks), dtype=float) * np.ones_like(ks)
        block = np.where(np.isnan(block) & (np.abs(ks - first) > 50), 0.0, block)
        total += float(np.sum(block))
        j += n
        size = np.abs(block)
        largest = max(largest, float(np.max(size)))
        tail = float(np.max(size[-50:]))
        if tail < 1e-300 and largest == 0.0 or tail < 1e-18 * max(abs(total), largest) and size[-1] <= size[0]:
            return total, largest, first + step * j, None
    return total, largest, first + step * j, (block if j >= _MAX_TERMS else None)


def _euler_maclaurin_tail(fn, k: float, last: np.ndarray) -> float:
    """Σ_{j≥k} f(j) ≈ ∫_k^∞ f + f(k)/2 − f′(k)/12 for terms that decay smoothly (the last block of one sign and
    shrinking in size; else 0, the truncated sum as it was): f between the integers is the compiled term itself."""
    size = np.abs(last)
    if not (np.all(last > 0) or np.all(last < 0)) or not np.all(np.diff(size) <= 0):
        return 0.0
    f = lambda x: float(np.asarray(fn(np.array([x])), dtype=float).ravel()[0])  # noqa: E731
    h = 1e-3 * k
    derivative = (f(k + h) - f(k - h)) / (2 * h)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ∫_k^∞ f(x) dx = k ∫_1^∞ f(k t) dt: QUADPACK's map of the half line wants t ~ 1
        integral = k * _quad(lambda t: f(k * t), 1.0, math.inf)
    tail = integral + f(k) / 2 - derivative / 12
    return tail if math.isfinite(tail) else 0.0


def _finite(fn, *t: float) -> float:
    """fn(*t) as a float; overflow (inf/inf = nan) far out in a tail counts as 0, and so does a pole met at
    an end of the support where the nodes of the last subinterval round onto it (one point: no mass)."""
    try:
        v = float(fn(*t))
    except ZeroDivisionError:
        return 0.0
    if math.isnan(v) and max(map(abs, t)) > 30:
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
    return numeric_expectations(expr, density, support, [point])[0]


def numeric_expectation_or_nan(expr: sp.Expr, density: sp.Expr, support: Mapping[sp.Symbol, sp.Set],
                               point: Mapping[sp.Symbol, sp.Expr]) -> float:
    """:func:`numeric_expectation`, or ``nan`` where it cannot be done at that point (no evidence either way)."""
    try:
        return numeric_expectation(expr, density, support, point)
    except NUMERIC_FAILURES:
        return math.nan


def numeric_expectations(
    expr: sp.Expr,
    density: sp.Expr,
    support: Mapping[sp.Symbol, sp.Set],
    points: Sequence[Mapping[sp.Symbol, sp.Expr]],
) -> list[float]:
    """:func:`numeric_expectation` at each of ``points`` (θ substituted exactly, then compiled: the exact
    integrand keeps the form whose floats behave at the ends of the support)."""
    data = list(support)
    integrand = sp.sympify(expr * density)
    out = []
    for point in points:
        floats = _in_floats(point, 30)
        at = integrand.subs(floats)
        leftover = at.free_symbols - set(data)
        if leftover:
            raise ValueError(f"numeric expectation needs values for {sorted(map(str, leftover))}")
        sets = {x: s.subs(point) if hasattr(s, "subs") else s for x, s in support.items()}
        if len(data) == 1 and _is_discrete(sets[data[0]]):
            fn = _in_log_space(*_gammas_moved(sp.sympify(expr).subs(floats), sp.sympify(density).subs(floats),
                                              data[0]), data[0], sets[data[0]]) or _lambda(data, at)
            out.append(_expectation(fn, data, sets))
            continue
        if len(data) == 1:  # the ends as the same floats as in the integrand, so that x − lo is exactly t
            value = _from_the_ends(at, data[0], support[data[0]].subs(floats))
            out.append(_expectation(_lambda(data, at), data, sets) if value is None else value)
            continue
        fn = _lambda(data, at)  # compiled once for both the polar quadrature and the iterated one
        value = _polar(fn, sp.sympify(density).subs(floats), data) if _on_plane(data, sets) else None
        out.append(_expectation(fn, data, sets) if value is None else value)
    return out


def _on_plane(data: list[sp.Symbol], sets: Mapping[sp.Symbol, sp.Set]) -> bool:
    return len(data) == 2 and all(sets[x] == sp.S.Reals for x in data)


def _polar(fn, density: sp.Expr, data: list[sp.Symbol]) -> float | None:
    """∫ fn over ℝ² in polar coordinates about the density's mode (:mod:`symfisher.core.polar`: heavy tails that
    iterated quadrature misses); ``None`` when that quadrature does not vouch for its value."""
    center = mode(_lambda(data, sp.expand_log(sp.log(density), force=True)))
    if center is None:
        return None
    return polar_integral(lambda a, b: _finite(fn, a, b), center)


def _from_the_ends(integrand: sp.Expr, x: sp.Symbol, s: sp.Set) -> float | None:
    """∫ integrand over an interval with a finite end, in t = x − lo (and t = hi − x) from each finite end up to the
    middle: an integrable singularity (x − lo)^(−0.93) there holds mass below the spacing of floats near lo, which
    quadrature in x cannot see (a tenth of E[s_a s_b] for the power-function law at α = 1.065); in t it can.
    ``None`` for a set that is not such an interval."""
    if not isinstance(s, sp.Interval) or _is_discrete(s) or not (s.inf.is_finite or s.sup.is_finite):
        return None
    t = sp.Dummy("t", nonnegative=True)
    lo, hi = s.inf, s.sup
    if lo.is_finite and hi.is_finite:
        mid = (lo + hi) / 2
        pieces = [(integrand.subs(x, lo + t), mid - lo), (integrand.subs(x, hi - t), hi - mid)]
    elif lo.is_finite:
        pieces = [(integrand.subs(x, lo + t), sp.oo)]
    else:
        pieces = [(integrand.subs(x, hi - t), sp.oo)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(sum(_half_line(piece, t) if length == sp.oo else _quad(_lambda([t], piece), 0.0, float(length))
                         for piece, length in pieces))


def _quad(fn, lo: float, hi: float) -> float:
    """∫ fn from lo to hi by QUADPACK, a non-finite value of fn counting as no mass (a pole met at an end)."""
    return _quad_with_error(fn, lo, hi)[0]


def _quad_with_error(fn, lo: float, hi: float) -> tuple[float, float]:
    from scipy import integrate

    return integrate.quad(lambda t: _finite(fn, t), lo, hi, limit=200, epsabs=1e-13, epsrel=1e-11)


LOG_SCALE_ERROR = 1e-9  # QUADPACK's error estimate on (0, ∞) above which the integral is redone in u = log t


def _half_line(piece: sp.Expr, t: sp.Symbol) -> float:
    """∫ piece dt over (0, ∞). A density spread over many orders of magnitude (log-Cauchy: 1/(t(1 + log² t)))
    defeats QUADPACK's map of the half line onto (0, 1); when its own error estimate says so, the integral is
    redone in u = log t, ∫ piece(eᵘ) eᵘ du over ℝ (written symbolically, so that log eᵘ = u holds where eᵘ
    leaves the floats; SymPy does that for a real u, no forced expansion), and the estimate with the smaller
    error is kept."""
    value, err = _quad_with_error(_lambda([t], piece), 0.0, math.inf)
    if err <= LOG_SCALE_ERROR * max(1.0, abs(value)):
        return value
    u = sp.Dummy("u", real=True)
    in_log = piece.subs(t, sp.exp(u)) * sp.exp(u)
    log_value, log_err = _quad_with_error(_lambda([u], in_log), -math.inf, math.inf)
    return log_value if log_err < err else value


def _gammas_moved(f: sp.Expr, density: sp.Expr, k: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """(f, p) with f's factors Γ(k + c)ᵉ and (k + c)!ᵉ moved into p, where :func:`_in_log_space` takes their logs:
    Γ(k + r + t)/Γ(k + r) under the negative binomial law is inf/inf from k ≈ 170 on."""
    moved = [m for m in sp.Mul.make_args(f) if isinstance(m.as_base_exp()[0], (sp.gamma, sp.factorial))
             and m.has(k) and m.as_base_exp()[1].is_number]
    if not moved:
        return f, density
    return f / sp.Mul(*moved), density * sp.Mul(*moved)


def _in_log_space(f: sp.Expr, density: sp.Expr, k: sp.Symbol, s: sp.Set):
    """k ↦ f(k)·exp(log p(k)) with log p expanded (powers and products split, log k! as log Γ(k + 1)): finite where
    p's factors overflow, (θ + λk)^(k−1)/k! of the generalized Poisson law from k ≈ 170 on, so that a sum over
    10⁵ terms needs no term in arbitrary precision. ``None`` unless it agrees with p to 1e-9 wherever p is a
    float above 1e-300 at probe values of the set (the expansion assumed positive bases), or has no log to split."""
    log_p = sp.expand_log(sp.log(density), force=True)
    log_p = log_p.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.factorial),
                          lambda e: _log_gamma_call(e.args[0].args[0] + 1))
    log_p = log_p.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.gamma),
                          lambda e: _log_gamma_call(e.args[0].args[0]))
    if isinstance(log_p, sp.log):
        return None
    try:  # f and log p compiled apart: SymPy folds exp(−log Γ(k + 1)) back into 1/Γ(k + 1)
        factor, log_term, plain = (safe_lambdify([k], e) for e in (f, log_p, density))
        first, step, _ = _walk(s)
        ks = first + step * np.array([0.0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144])
        with np.errstate(all="ignore"):
            p = np.asarray(plain(ks), dtype=float) * np.ones_like(ks)
            q = np.exp(_real_or_nan(log_term(ks)))
    except (*NUMERIC_FAILURES, SyntaxError):
        return None
    usable = np.isfinite(p) & (p > 1e-300)
    if not np.any(usable) or not np.allclose(q[usable], p[usable], rtol=1e-9, atol=0.0):
        return None

    def term(ks: np.ndarray) -> np.ndarray:
        """The log form where it is real, else p as written (log (a − k)² = 2 log(a − k) is nan for k > a)."""
        f_k = _real_or_nan(factor(ks))
        logs = _real_or_nan(log_term(ks))
        return np.where(np.isnan(logs), f_k * _real_or_nan(plain(ks)), f_k * np.exp(logs))

    return term


def _real_or_nan(values) -> np.ndarray:
    """Float values, ``nan`` where a value is complex (log p of a signed weight: log(1 − p) at p > 1)."""
    values = np.asarray(values)
    if np.iscomplexobj(values):
        return np.where(values.imag == 0, values.real, np.nan)
    return values.astype(float)


def _expectation(fn, data: list[sp.Symbol], sets: Mapping[sp.Symbol, sp.Set]) -> float:
    """∫ fn over the sets (Σ for discrete ones): the quadrature of :func:`numeric_expectations` at one point."""
    from scipy import integrate

    discrete = [_is_discrete(sets[x]) for x in data]
    if any(discrete) and not all(discrete):  # Σ over the discrete axes of ∫ over the continuous ones
        inner = [x for x, d in zip(data, discrete) if not d]
        outer = [x for x, d in zip(data, discrete) if d]

        def integral(*values: float) -> float:
            fixed = dict(zip(outer, values))
            return _expectation(lambda *t: fn(*(fixed[x] if x in fixed else t[inner.index(x)] for x in data)),
                                inner, sets)

        return _expectation(np.vectorize(integral, otypes=[float]), outer, sets)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if all(discrete):
            if len(data) == 1:
                return _sum_1d(fn, sets[data[0]])
            grids = [_values(sets[x]) if _values(sets[x]) is not None else np.arange(0, 400.0) for x in data]
            return float(sum(fn(*combo) for combo in itertools.product(*grids)))
        if len(data) == 1:
            return float(_quad(fn, *_bounds(sets[data[0]])))
        ranges = [_bounds(sets[x]) for x in data]
        value, _err = integrate.nquad(lambda *t: _finite(fn, *t), ranges, opts={"limit": 100})
        return float(value)


def _in_floats(point: Mapping[sp.Symbol, sp.Expr], digits: int) -> dict[sp.Symbol, sp.Expr]:
    """The point with its fractions as floats of ``digits`` digits: exact, a power a^b of two fractions with
    large denominators sends SymPy into factoring huge integers (minutes); integers stay exact."""
    return {s: sp.Float(v, digits) if isinstance(v, sp.Rational) and not v.is_integer else v for s, v in point.items()}


def numeric_value(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Expr], digits: int = 30) -> complex | float:
    """High-precision value of a closed form at a point (``nan`` when it does not evaluate)."""
    at = _in_floats(point, digits + 15)
    try:
        expr = sp.sympify(expr)
        value = sp.N((zeta_derivatives(expr) if expr.has(sp.Derivative) else expr).subs(at), digits)
        if value.free_symbols or value.has(sp.Integral, sp.Sum):
            return math.nan
        c = complex(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, NoConvergence):  # mpmath's ₃F₃ at −z, z ≫ 1
        return math.nan
    return c.real if abs(c.imag) <= 1e-20 * max(1.0, abs(c.real)) else c


# ---------------------------------------------------------------- total mass, checked two ways
# Plain quadrature over (-oo, oo) misses the mass of a density far narrower or wider than 1, or far
# from 0; a truncated sum misses the tail of a slowly decaying mass function; float gamma functions
# overflow. The functions below are independent second opinions used before a model is rejected.

_DECADES = 10.0 ** np.arange(-12.0, 12.25, 0.25)
_DROP = 2.0  # a scale: the distance at which log p has fallen by this much from the mode
_MP_DPS = 20


def _mp_real(value) -> "mpmath.mpf":
    import mpmath

    value = mpmath.mpmathify(value)
    return value.real if isinstance(value, mpmath.mpc) else value


def log_density(fmp):
    """x ↦ log p(x) in arbitrary precision (no underflow far from the mode); −inf where p ≤ 0."""
    import mpmath

    def logp(x: float) -> float:
        try:
            v = _mp_real(fmp(mpmath.mpf(x)))
            return float(mpmath.log(v)) if v > 0 else -math.inf
        except NUMERIC_FAILURES:  # not evaluable here
            return -math.inf
    return logp


def _probes(lo: float, hi: float) -> np.ndarray:
    """Abscissae over 24 orders of magnitude (both signs, and near finite ends) inside (lo, hi)."""
    pts = [np.array([0.0]), _DECADES, -_DECADES]
    if math.isfinite(lo):
        pts.append(lo + _DECADES)
    if math.isfinite(hi):
        pts.append(hi - _DECADES)
    if math.isfinite(lo) and math.isfinite(hi):
        pts.append(lo + (hi - lo) * np.linspace(0.005, 0.995, 41))
    x = np.unique(np.concatenate(pts))
    return x[(x > lo) & (x < hi)]


def _mode(logp, lo: float, hi: float) -> float | None:
    """argmax log p: the best probe, refined by bounded Brent between its neighbours."""
    from scipy.optimize import minimize_scalar

    xs = _probes(lo, hi)
    vals = np.array([logp(x) for x in xs])
    if not xs.size or not np.isfinite(vals).any():
        return None
    i = int(np.nanargmax(np.where(np.isfinite(vals), vals, -np.inf)))
    a, b = (xs[i - 1] if i else lo), (xs[i + 1] if i + 1 < xs.size else hi)
    a, b = (a if math.isfinite(a) else xs[i] - 1e12), (b if math.isfinite(b) else xs[i] + 1e12)
    res = minimize_scalar(lambda x: -logp(x) if math.isfinite(logp(x)) else 1e300, bounds=(a, b),
                          method="bounded", options={"xatol": 1e-15 * max(1.0, abs(xs[i])), "maxiter": 400})
    return float(res.x) if -res.fun >= vals[i] else float(xs[i])


def _scale(logp, m: float, end: float, sign: float) -> float:
    """Distance from the mode ``m`` towards ``end`` at which log p has dropped by :data:`_DROP`."""
    top = logp(m)
    for d in _DECADES:
        if sign * (m + sign * d) >= sign * end:
            return abs(end - m)
        if logp(m + sign * d) < top - _DROP:
            return float(d)
    return float(min(_DECADES[-1], abs(end - m)))


def _breaks(logp_at, span: float) -> list[float]:
    """t-breakpoints 0, 1, 4, 16, … of the substitution x = m ± d·t, up to the end ``span`` (in t)
    or until p(x)·t is below 1e-25·p(m) (``logp_at(t)`` = log p(m ± d·t)); the last piece runs to ``span``."""
    ts, t, top = [0.0], 1.0, logp_at(0.0)
    while t < span and t < 1e18:
        ts.append(t)
        if logp_at(t) + math.log(t) < top - 57.6:  # 57.6 = log 1e25
            break
        t *= 4.0
    ts.append(span)
    return ts


def _sides(fmp, lo: float, hi: float):
    """(mode, [(sign, scale, t-breaks), …]) for the two sides of the mode, or ``None``."""
    logp = log_density(fmp)
    m = _mode(logp, lo, hi)
    if m is None:
        return None
    sides = []
    for sign, end in ((1.0, hi), (-1.0, lo)):
        span_x = abs(end - m)
        if span_x == 0:
            continue
        d = _scale(logp, m, end, sign)
        sides.append((sign, d, _breaks(lambda t, s=sign, d=d: logp(m + s * d * t), span_x / d)))
    return m, sides


def scaled_mass(density: sp.Expr, x: sp.Symbol, s: sp.Set) -> tuple[float, "mpmath.mpf", float] | None:
    """∫ p over the interval ``s`` by pieces around the mode, each side in its own scale:
    ∫ p = Σ_± d± ∫ p(m ± d± t) dt with t-breaks 0, 1, 4, 16, … (see :func:`_breaks`).

    Returns (the float quadrature, the mpmath tanh-sinh quadrature, its error estimate), or ``None``
    when the density cannot be located (zero or not evaluable at every probe).
    """
    import mpmath
    from scipy import integrate

    lo, hi = _bounds(s)
    ffl = _lambda([x], density)
    fmp = safe_lambdify([x], density, "mpmath")
    with mpmath.workdps(_MP_DPS), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        found = _sides(fmp, lo, hi)
        if found is None:
            return None
        m, sides = found
        total_fl, total_mp, err_mp = 0.0, mpmath.mpf(0), mpmath.mpf(0)
        for sign, d, ts in sides:
            g = (lambda t, s_=sign, d=d: d * _finite(lambda u: ffl(m + s_ * d * u), t))
            total_fl += sum(integrate.quad(g, a, b, limit=200, epsabs=1e-14, epsrel=1e-11)[0]
                            for a, b in zip(ts, ts[1:]))
            gm = (lambda t, s_=sign, d=d: d * _mp_real(fmp(m + s_ * d * t)))
            v, e = mpmath.quad(gm, [mpmath.mpf(t) for t in ts], error=True, maxdegree=8)
            total_mp, err_mp = total_mp + _mp_real(v), err_mp + abs(e)
    return float(total_fl), total_mp, float(err_mp)


def _member(s: sp.Set, v: float) -> int:
    """The element of the discrete set ``s`` nearest to ``v``."""
    lo, hi = _bounds(s)
    step = int(s.step) if isinstance(s, sp.Range) else 1
    first = int(s.inf) if math.isfinite(lo) else (int(s.sup) if math.isfinite(hi) else 0)
    k = first + step * round((min(max(v, lo), hi) - first) / step)
    return int(min(max(k, lo), hi))


def _discrete_mode(fmp, s: sp.Set) -> int:
    """argmax of the mass function over ``s``: the best of probes over 24 orders of magnitude, then a
    ternary search between its neighbours (assumes unimodality there)."""
    logp = log_density(fmp)
    lo, hi = _bounds(s)
    cand = sorted({_member(s, v) for v in (*_probes(lo - 0.5, hi + 0.5), lo, hi) if math.isfinite(v)})
    vals = [logp(k) for k in cand]
    i = int(np.argmax(vals))
    a, b = cand[max(i - 1, 0)], cand[min(i + 1, len(cand) - 1)]
    step = abs(int(s.step)) if isinstance(s, sp.Range) else 1
    while b - a > 2 * step:
        m1, m2 = _member(s, a + (b - a) / 3), _member(s, b - (b - a) / 3)
        if m1 == m2:
            break
        if logp(m1) < logp(m2):
            a = m1
        else:
            b = m2
    return max((k for k in range(a, b + 1, step) if k in s), key=logp, default=cand[i])


def _runs(s: sp.Set, mode: int) -> list[tuple[int, int, float]]:
    """(first value, step, count) of the two one-sided runs covering ``s`` outward from ``mode``."""
    lo, hi = _bounds(s)
    step = abs(int(s.step)) if isinstance(s, sp.Range) else 1
    up = math.floor((hi - mode) / step) + 1 if math.isfinite(hi) else math.inf
    down = math.floor((mode - lo) / step) if math.isfinite(lo) else math.inf
    return [r for r in ((mode, step, up), (mode - step, -step, down)) if r[2] > 0]


def _terms(fn, fmp, ks: np.ndarray) -> np.ndarray:
    """p at the values ``ks`` in floats; a value that overflows is recomputed in arbitrary precision."""
    import mpmath

    block = np.asarray(fn(ks), dtype=float) * np.ones_like(ks)
    for i in np.flatnonzero(~np.isfinite(block)):
        try:
            block[i] = float(_mp_real(fmp(mpmath.mpf(int(ks[i])))))
        except NUMERIC_FAILURES:  # stays nan: the sum is then no evidence
            pass
    return block


def _run_sum(fn, fmp, first: int, step: int, count: float) -> tuple[float, bool, bool]:
    """Σ_{j<count} p(first + step·j): (partial sum, reached the end or terms < 1e-18 of it, all ≥ 0)."""
    total, nonneg, k, size = 0.0, True, 0, 64
    while k < min(count, _MAX_TERMS):
        n, size = int(min(size, count - k)), min(2 * size, _BLOCK)  # small blocks first: few repairs
        block = _terms(fn, fmp, first + step * np.arange(k, k + n, dtype=float))
        nonneg = nonneg and bool(np.all(block >= 0))
        total += float(np.sum(block))
        k += n
        if total > 0 and np.max(np.abs(block[-50:])) < 1e-18 * total:
            return total, True, nonneg
    return total, k >= count, nonneg


def _discrete(density: sp.Expr, x: sp.Symbol, s: sp.Set):
    """(float p, mpmath p, the runs of ``s`` outward from the mode of p)."""
    fn, fmp = _lambda([x], density), safe_lambdify([x], density, "mpmath")
    return fn, fmp, _runs(s, _discrete_mode(fmp, s))


def partial_sum(density: sp.Expr, x: sp.Symbol, s: sp.Set) -> tuple[float, bool, bool]:
    """Σ p over the discrete set ``s`` term by term, outward from the mode (a term that overflows a
    float is recomputed in arbitrary precision).

    Returns (the sum, whether it is complete: every term, or the last ones below 1e-18 of it; whether
    every term was ≥ 0, which makes it a lower bound of the full sum).
    """
    import mpmath

    with warnings.catch_warnings(), np.errstate(all="ignore"), mpmath.workdps(_MP_DPS):
        warnings.simplefilter("ignore")
        vals = _values(s)
        if vals is not None and vals.size <= _MAX_TERMS:
            fn, fmp = _lambda([x], density), safe_lambdify([x], density, "mpmath")
            block = _terms(fn, fmp, vals)
            return float(np.sum(block)), True, bool(np.all(block >= 0))
        fn, fmp, runs = _discrete(density, x, s)
        parts = [_run_sum(fn, fmp, *r) for r in runs]
    return sum(p[0] for p in parts), all(p[1] for p in parts), all(p[2] for p in parts)


def levin_sum(density: sp.Expr, x: sp.Symbol, s: sp.Set) -> "mpmath.mpf | None":
    """Σ p over the discrete set ``s`` by mpmath's ``nsum`` with Levin's transformation on the infinite
    runs outward from the mode (it accelerates geometric and slow power-law tails alike, in arbitrary
    precision); a finite run is summed term by term. ``None`` when that fails or a finite run is too long."""
    import mpmath

    with warnings.catch_warnings(), np.errstate(all="ignore"), mpmath.workdps(_MP_DPS):
        warnings.simplefilter("ignore")
        fn, fmp, runs = _discrete(density, x, s)
        total = mpmath.mpf(0)
        for first, step, count in runs:
            if count < math.inf:
                part, done, _ = _run_sum(fn, fmp, first, step, count)
                if not done:
                    return None
                total += part
                continue
            try:
                total += _mp_real(mpmath.nsum(lambda j, a=first, b=step: fmp(a + b * j), [0, mpmath.inf],
                                              method="levin"))
            except NUMERIC_FAILURES:  # no estimate from this method
                return None
    return total


def _shells(sizes: Sequence[float], limit: int) -> Iterator[list[tuple[int, ...]]]:
    """Index tuples grouped by their sum (0, 1, 2, …), each index below its size; at most ``limit`` in all."""
    count, r = 0, 0
    while count < limit and r <= sum(min(s, limit) for s in sizes):
        ranges = (range(min(int(min(s, limit)), r + 1)) for s in sizes)
        shell = [t for t in itertools.product(*ranges) if sum(t) == r]
        count += len(shell)
        yield shell
        r += 1


def _nth(s: sp.Set, i: int) -> float:
    """The i-th value of a discrete set, counted outward from its first value (Integers: 0, 1, −1, 2, …)."""
    vals = _values(s)
    if vals is not None:
        return float(vals[i])
    first, step, both = _walk(s)
    if both:
        return float((i + 1) // 2 if i % 2 else -(i // 2))
    return float(first + step * i)


def _walk(s: sp.Set) -> tuple[int, int, bool]:
    """(first value, step, two-sided) of a discrete set: from its lower end up, else from its upper end down."""
    step = abs(int(s.step)) if isinstance(s, sp.Range) else 1
    if s.inf.is_finite:
        return int(s.inf), step, False
    if s.sup.is_finite:
        return int(s.sup), -step, False
    return 0, 1, True


def mixed_mass(density: sp.Expr, support: Mapping[sp.Symbol, sp.Set], point: Mapping[sp.Symbol, sp.Expr],
               limit: int = 2_000) -> float | None:
    """Σ over the discrete data of ∫ over the continuous data of p, at ``point`` (cubature over every
    variable would integrate a discrete one over its hull). Discrete values are taken in shells outward
    from the first; ``None`` when the shells have not become negligible (< 1e-12 of the total) within
    ``limit`` values.
    """
    from scipy import integrate

    sets = {x: s.subs(point) if hasattr(s, "subs") else s for x, s in support.items()}
    disc = [x for x in sets if _is_discrete(sets[x])]
    cont = [x for x in sets if x not in disc]
    fn = _lambda([*disc, *cont], sp.sympify(density).subs(point))
    ranges = [_bounds(sets[x]) for x in cont]
    sizes = [len(v) if (v := _values(sets[x])) is not None else math.inf for x in disc]
    total, seen = 0.0, 0
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for shell in _shells(sizes, limit):
            part = 0.0
            for idx in shell:
                ks = [_nth(sets[x], i) for x, i in zip(disc, idx)]
                part += integrate.nquad(lambda *t, ks=ks: _finite(lambda *u: fn(*ks, *u), *t), ranges,
                                        opts={"limit": 100})[0]
            total, seen = total + part, seen + len(shell)
            if seen >= math.prod(sizes) or (total > 0 and abs(part) < 1e-12 * total and seen > 1):
                return float(total)
    return None


def total_mass(density: sp.Expr, support: Mapping[sp.Symbol, sp.Set],
               point: Mapping[sp.Symbol, sp.Expr]) -> float | None:
    """∫ p (Σ for discrete data, Σ∫ for data of both kinds) at ``point``; ``None`` when a sum over
    discrete data mixed with continuous data does not converge (see :func:`mixed_mass`)."""
    kinds = {_is_discrete(s.subs(point) if hasattr(s, "subs") else s) for s in support.values()}
    if len(kinds) > 1:
        return mixed_mass(density, support, point)
    return numeric_expectation(sp.Integer(1), density, support, point)
