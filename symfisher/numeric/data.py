"""Data sets for the numeric layer: tables to arrays, and rows checked against the model.

One place for what every function that sums over observations (``mle``, ``empirical_fisher``,
``observed_information``, the optimizers) does with its data:

- :func:`columns` reads a pandas ``DataFrame`` (columns by symbol name) or a dict of arrays
  (keys: symbols or names) as name → column, without importing pandas;
- :func:`data_arrays` gives each data symbol and covariate of a model its 1-D float array;
- :func:`check_rows` refuses the first row whose data value lies outside the model's support, or
  whose covariate lies outside its declared domain, with a one-line
  :class:`~symfisher.errors.ModelError` naming the row (0-based position), the symbol and the value.

Membership is decided per set, vectorized: intervals (bounds may be parameters or covariates:
checked where their values are known, skipped where not), finite sets, ranges, the integers and
naturals, unions and intersections. A set it cannot decide is not checked, so a refusal is always
right: ``y = 2`` for a logistic regression on {0, 1}, ``x = -1`` for an exponential on (0, ∞),
``x = 1.5`` for a Poisson count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

from symfisher.errors import ModelError, NotSupportedError
from symfisher.numeric.compiler import compile_function

__all__ = ["columns", "data_arrays", "check_rows", "first_outside", "describe_set", "OUTSIDE"]

OUTSIDE = "model {name}: row {row} of the data: {role}{symbol} = {value} is outside {what} {set}"


def is_table(data: Any) -> bool:
    """Whether ``data`` is a pandas DataFrame (or another table with named columns)."""
    return hasattr(data, "columns") and hasattr(data, "iloc") and not isinstance(data, Mapping)


def columns(data: Any) -> dict[str, Any] | None:
    """Column name → values for a DataFrame or a mapping (keys symbols or names); ``None`` for an array.

    >>> columns({sp.Symbol("x"): [1.0], "z": [2.0]})
    {'x': [1.0], 'z': [2.0]}
    """
    if is_table(data):
        return {str(c): data[c].to_numpy() for c in data.columns}
    if isinstance(data, Mapping):
        return {(k.name if isinstance(k, sp.Symbol) else str(k)): v for k, v in data.items()}
    return None


def data_arrays(model: Any, data: Any, values: Mapping[sp.Symbol, float] | None = None
                ) -> tuple[dict[sp.Symbol, np.ndarray], int]:
    """Data symbol / covariate → 1-D float array, and the sample size, checked row by row.

    Args:
        model: The :class:`~symfisher.core.model.Model`.
        data: A 1-D array when the model has one data symbol and no covariates; else a pandas
            DataFrame or a dict whose keys are the data and covariate symbols (or their names).
        values: Known values of other symbols (constants such as a binomial n) for the support check.

    Raises:
        ModelError: A missing column, arrays of unequal length, nan or inf, or a row outside the
            support (see :func:`check_rows`).

    >>> x = sp.Symbol("x", integer=True, nonnegative=True); lam = sp.Symbol("lam", positive=True)
    >>> from symfisher.core.model import Model
    >>> m = Model.from_pdf(lam**x * sp.exp(-lam) / sp.factorial(x), x, [lam], sp.S.Naturals0)
    >>> data_arrays(m, [0, 3, 1])[1]
    3
    >>> data_arrays(m, [0, 3, 1.5])
    Traceback (most recent call last):
    ...
    symfisher.errors.ModelError: model model: row 2 of the data: x = 1.5 is outside the support Naturals0 of x
    """
    needed = (*model.data, *model.given)
    table = columns(data)
    if table is not None:
        missing = [s for s in needed if s.name not in table]
        if missing:
            raise ModelError(f"model {model.name}: the data have no column {missing[0]} "
                             f"(columns: {', '.join(table) or 'none'})")
        out = {s: table[s.name] for s in needed}
    else:
        if len(needed) != 1:
            raise ModelError(f"model {model.name}: pass the data as a DataFrame or a dict with keys "
                             f"{', '.join(map(str, needed))}")
        out = {needed[0]: data}
    arrays = {s: _floats(model, s, v) for s, v in out.items()}
    sizes = {a.size for a in arrays.values()}
    if len(sizes) != 1 or 0 in sizes:
        raise ModelError(f"model {model.name}: the data arrays must be non-empty and of equal length, "
                         f"got lengths {sorted(sizes)}")
    for s, a in arrays.items():
        if not np.all(np.isfinite(a)):
            row = int(np.flatnonzero(~np.isfinite(a))[0])
            raise ModelError(f"model {model.name}: row {row} of the data: {s} = {a[row]:g}; the data for {s} "
                             "contain nan or inf")
    check_rows(model, arrays, values)
    return arrays, sizes.pop()


def _floats(model: Any, s: sp.Symbol, v: Any) -> np.ndarray:
    try:
        a = np.asarray(v)
        if a.dtype.kind not in "biuf":
            raise TypeError(a.dtype)
        return a.astype(float).ravel()
    except (TypeError, ValueError):
        raise ModelError(f"model {model.name}: the data for {s} must be real numbers, got "
                         f"{type(v).__name__}") from None


def check_rows(model: Any, arrays: Mapping[sp.Symbol, Any], values: Mapping[sp.Symbol, Any] | None = None,
               offset: int = 0) -> None:
    """Refuse the first row outside the support (data) or the declared domain (covariates).

    Args:
        model: The model.
        arrays: Symbol → 1-D array of n values (data symbols and covariates; missing ones unchecked).
        values: Known parameter and constant values (scalars), and covariates given as one value;
            support bounds that need unknown values are not checked.
        offset: Added to the row numbers in messages (for data read in blocks).

    Raises:
        ModelError: ``model M: row i of the data: y = 2 is outside the support {0, 1} of y``.
    """
    bad = first_outside(model, arrays, values, offset)
    if bad is not None:
        raise ModelError(bad[1])


def first_outside(model: Any, arrays: Mapping[sp.Symbol, Any], values: Mapping[sp.Symbol, Any] | None = None,
                  offset: int = 0) -> tuple[int, str] | None:
    """(row, message) of the first row outside the support or a covariate's domain, else ``None``;
    :func:`check_rows` without raising (for blocks checked in parallel). NaN is not checked here."""
    env = dict(values or {})
    env.update({s: np.asarray(a, dtype=float) for s, a in arrays.items()})
    first = None
    for s, r, role, what in _ranges(model):
        if s not in arrays:
            continue
        a = np.asarray(arrays[s], dtype=float)
        bad = np.flatnonzero(~(_inside(r, a, env, s) | np.isnan(a)))
        if bad.size and (first is None or bad[0] < first[0]):
            first = (int(bad[0]), s, r, role, what)
    if first is None:
        return None
    row, s, r, role, what = first
    value = np.asarray(arrays[s], dtype=float)[row]
    where = f"{describe_set(r)} of {s}" if role == "" else describe_set(r)
    return row + offset, OUTSIDE.format(name=model.name, row=row + offset, role=role, symbol=s, value=f"{value:g}",
                                        what=what, set=where)


def _ranges(model: Any) -> list[tuple[sp.Symbol, sp.Set, str, str]]:
    """(symbol, set, role in messages, what the set is) for each data symbol and covariate."""
    out = [(x, s, "", "the support") for x, s in model.support]
    domains = model.domain_map
    out += [(z, domains[z], "covariate ", "its domain") for z in model.given if z in domains]
    return out


def describe_set(s: sp.Set) -> str:
    """A set as a user writes it: ``(0, oo)``, ``[0, 1)``, ``{0, 1}``, ``Naturals0``.

    >>> describe_set(sp.Interval.Ropen(0, 1)), describe_set(sp.FiniteSet(0, 1))
    ('[0, 1)', '{0, 1}')
    """
    if s == sp.S.Reals:
        return "Reals"
    if isinstance(s, sp.Interval):
        return f"{'(' if s.left_open else '['}{s.inf}, {s.sup}{')' if s.right_open else ']'}"
    return str(s)


# ------------------------------------------------------------------------------- membership
def _inside(s: sp.Set, a: np.ndarray, env: Mapping[sp.Symbol, Any], me: sp.Symbol) -> np.ndarray:
    """True where a value lies in ``s`` *or membership cannot be decided* (so False is always right)."""
    if s == sp.S.Reals:
        return np.isfinite(a)
    if s in (sp.S.Naturals0, sp.S.Naturals, sp.S.Integers):
        whole = a == np.floor(a)
        low = {sp.S.Naturals0: 0.0, sp.S.Naturals: 1.0}.get(s, -np.inf)
        return whole & (a >= low)
    if isinstance(s, sp.Interval):
        lo, hi = _value(s.inf, env, me), _value(s.sup, env, me)
        ok = np.ones(a.shape, dtype=bool)
        if lo is not None:
            ok &= (a > lo) if s.left_open else (a >= lo)
        if hi is not None:
            ok &= (a < hi) if s.right_open else (a <= hi)
        return ok
    if isinstance(s, sp.FiniteSet):
        elements = [_value(e, env, me) for e in s.args]
        if any(e is None or np.ndim(e) for e in elements):
            return np.ones(a.shape, dtype=bool)
        return np.isin(a, np.array(elements, dtype=float))
    if isinstance(s, sp.Range):
        return _inside_range(s, a, env, me)
    if isinstance(s, sp.Union):
        return np.logical_or.reduce([_inside(p, a, env, me) for p in s.args])
    if isinstance(s, sp.Intersection):
        return np.logical_and.reduce([_inside(p, a, env, me) for p in s.args])
    return np.ones(a.shape, dtype=bool)  # not decided here: not refused


def _inside_range(s: sp.Range, a: np.ndarray, env: Mapping[sp.Symbol, Any], me: sp.Symbol) -> np.ndarray:
    start, stop, step = (_value(e, env, me) for e in (s.start, s.stop, s.step))
    if start is None or step is None or np.ndim(start) or np.ndim(step):  # symbolic start or step: integers only
        return a == np.floor(a)
    ok = ((a - start) % step == 0) & ((a >= start) if step > 0 else (a <= start))
    if stop is not None:
        ok &= (a < stop) if step > 0 else (a > stop)
    return ok


def _value(e: sp.Expr, env: Mapping[sp.Symbol, Any], me: sp.Symbol) -> Any:
    """A bound's value: a float, an array (bounds with covariates), or ``None`` when some symbol is unknown."""
    if e.is_number:
        return float(e)
    free = e.free_symbols
    if me in free or not free <= set(env):
        return None
    names = sorted(free, key=str)
    try:
        fn = compile_function(names, e, name="bound")
        with np.errstate(all="ignore"):
            return np.asarray(fn(*(np.asarray(env[n], dtype=float) for n in names)), dtype=float)
    except (TypeError, ValueError, NameError, ZeroDivisionError, NotSupportedError):  # a bound NumPy cannot
        # evaluate: unchecked
        return None
