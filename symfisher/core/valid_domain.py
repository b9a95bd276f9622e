"""Where a density is a density: the interval of a parameter on which p(x | θ) ≥ 0, found numerically.

A parameter's domain read from its assumptions (``positive=True``: (0, ∞)) can be wider than the values
for which the density is one: p^x (1 − p)^(1 − x) with p positive is negative at x = 0 for p > 1. Along
one parameter θ_i, the others held at a point where the density is valid, each value of a grid over
the domain is classified invalid (some probe of the data gives a finite negative or complex value) or
valid (overflow and NaN are no evidence); when the valid values form
one run, its edges are located by bisection and snapped to the simplest rational within
:data:`SNAP_TOLERANCE` (1, 1/2, 2 …). The result is the open interval between them: the interior of the
valid set, where a regular model's parameter lives.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from symfisher.core.note import written_set

__all__ = ["ValidInterval", "valid_interval"]

SNAP_TOLERANCE = 1e-7
BISECTIONS = 60
_POSITIVE_GRID = (1e-3, 1e-2, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.01, 1.1, 1.5, 2.0, 3.0, 5.0, 10.0, 100.0, 1e3)


@dataclass(frozen=True)
class ValidInterval:
    """The valid interval of one parameter and the evidence for the cut.

    Attributes:
        param: The parameter.
        interval: The open interval where the density is valid (``None`` when the edges do not snap to
            rationals: ``numeric`` has them as floats).
        numeric: The edges as floats (lo, hi).
        witness: A value of the parameter outside the interval, inside its assumed domain.
        assumed: The domain the parameter's assumptions give (wider than ``interval``).
    """

    param: sp.Symbol
    interval: sp.Interval | None
    numeric: tuple[float, float]
    witness: sp.Rational
    assumed: sp.Set

    def note(self) -> str:
        """The sentence a result shows for the inference."""
        return (f"{self.describe()} inferred: the assumptions on {self.param} allow "
                f"{written_set(self.assumed)}, but at {self.param} = {self.witness} the density is negative or "
                "not real")

    def describe(self) -> str:
        """``p ∈ (0, 1)``: the interval as a domain declaration reads."""
        if self.interval is not None:
            return f"{self.param} ∈ ({self.interval.inf}, {self.interval.sup})"
        lo, hi = self.numeric
        return f"{self.param} ∈ ({lo:.9g}, {hi:.9g})"


def _grid(domain: sp.Set) -> list[float]:
    lo, hi = float(domain.inf), float(domain.sup)
    if math.isinf(lo) and math.isinf(hi):
        return sorted({*(-v for v in _POSITIVE_GRID), 0.0, *_POSITIVE_GRID})
    if math.isinf(hi):
        return [lo + v for v in _POSITIVE_GRID]
    if math.isinf(lo):
        return [hi - v for v in reversed(_POSITIVE_GRID)]
    return [lo + (hi - lo) * f for f in np.linspace(0.01, 0.99, 17)]


def _snap(edge: float, inside: float, outside: float) -> sp.Rational | None:
    """The simplest rational within SNAP_TOLERANCE of ``edge`` that lies between the bisection's last valid
    and invalid values (or on one of them), else ``None``."""
    value = sp.nsimplify(edge, rational=True, tolerance=SNAP_TOLERANCE)
    lo, hi = min(inside, outside), max(inside, outside)
    slack = SNAP_TOLERANCE * max(1.0, abs(edge))
    return value if lo - slack <= float(value) <= hi + slack and abs(value.q) <= 1000 else None


def _edge(valid: Callable[[float], bool], inside: float, outside: float) -> tuple[float, float]:
    """The last valid and first invalid value after bisecting between them."""
    for _ in range(BISECTIONS):
        mid = (inside + outside) / 2
        if mid in (inside, outside):
            break
        if valid(mid):
            inside = mid
        else:
            outside = mid
    return inside, outside


def _run(marks: list[bool], at: int | None) -> tuple[int | None, int | None]:
    """The first and last index of the run of valid marks: the only one, or (when the valid values
    form several runs, as for 1/Γ(α) on α ∈ ℝ) the one that holds index ``at``."""
    if at is None or not marks[at]:
        first, last = marks.index(True), len(marks) - 1 - marks[::-1].index(True)
        return (first, last) if all(marks[first:last + 1]) else (None, None)
    first = last = at
    while first > 0 and marks[first - 1]:
        first -= 1
    while last < len(marks) - 1 and marks[last + 1]:
        last += 1
    return first, last


def valid_interval(density: sp.Expr, data: Sequence[sp.Symbol], param: sp.Symbol, domain: sp.Set,
                   point: dict, probes: Sequence[tuple[float, ...]]) -> ValidInterval | None:
    """The open interval of ``param`` inside ``domain`` where ``density`` is ≥ 0 at every data probe, the
    other parameters at ``point``; ``None`` when the density is valid on the whole grid or nowhere on it.
    Where the valid values form several runs (the sign of 1/Γ(α) alternates for α < 0), the run that holds
    ``point[param]`` is taken: the interval is then a part of the valid set, on which the model is checked.
    """
    from symfisher.core.evidence import safe_lambdify

    others = {s: v for s, v in point.items() if s != param}
    fn = safe_lambdify([*data, param], density.subs(others))
    columns = [np.array(c, dtype=float) for c in zip(*probes)]

    def values(theta) -> np.ndarray | None:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return np.asarray(fn(*columns, theta), dtype=complex) * np.ones(len(probes))
            except (ValueError, TypeError, ZeroDivisionError, OverflowError, NotImplementedError):
                return None

    def invalid(v: np.ndarray | None) -> bool:
        """Some value is finite and negative or complex (NaN and overflow are no evidence)."""
        if v is None:
            return False
        finite = v[np.isfinite(v)]
        return bool(np.any(finite.real < -1e-12) or np.any(np.abs(finite.imag) > 1e-12 * np.maximum(1, abs(finite))))

    def valid(theta: float) -> bool:
        """No value is shown invalid; where floats give NaN (a negative base to a real power) θ is retried
        as a complex number, which gives the complex value instead."""
        v = values(theta)
        if invalid(v):
            return False
        if v is not None and np.any(np.isnan(v)):
            return not invalid(values(complex(theta)))
        return True

    here = float(point[param]) if param in point else None
    grid = sorted({g for g in (*_grid(domain), *([here] if here is not None else [])) if sp.Float(g) in domain})
    marks = [valid(g) for g in grid]
    if all(marks) or not any(marks):
        return None
    first, last = _run(marks, grid.index(here) if here is not None else None)
    if first is None:
        return None
    lo, hi = float(domain.inf), float(domain.sup)
    lo_edge = hi_edge = None
    if first > 0:
        lo_edge = _edge(valid, grid[first], grid[first - 1])
    if last < len(grid) - 1:
        hi_edge = _edge(valid, grid[last], grid[last + 1])
    lo_num = lo if lo_edge is None else lo_edge[0]
    hi_num = hi if hi_edge is None else hi_edge[0]
    lo_sym = domain.inf if lo_edge is None else _snap(lo_num, *lo_edge)
    hi_sym = domain.sup if hi_edge is None else _snap(hi_num, *hi_edge)
    witness = grid[first - 1] if first > 0 else grid[last + 1]
    interval = None
    if lo_sym is not None and hi_sym is not None:
        interval = sp.Interval(lo_sym, hi_sym, lo_edge is not None or domain.left_open,
                               hi_edge is not None or domain.right_open)
    return ValidInterval(param, interval, (lo_num, hi_num), sp.nsimplify(witness, rational=True), domain)
