"""Helpers shared by the ``uses`` modules: argument checks, parameter points, numeric data."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import sympy as sp

from symfisher.errors import ModelError, NotSupportedError


def as_derivation(obj: Any, timeout: float = 60.0):
    """A :class:`~symfisher.core.derivation.Derivation` from a Derivation or a Model (derived here)."""
    from symfisher.core.derivation import Derivation, derive
    from symfisher.core.model import Model

    if isinstance(obj, Derivation):
        return obj
    if isinstance(obj, Model):
        return derive(obj, timeout)
    raise ModelError(f"expected a symfisher Model or Derivation, got {type(obj).__name__}")


def require_closed(matrix: sp.MatrixBase, model_name: str, what: str = "Fisher information") -> None:
    """Raise :class:`NotSupportedError` when ``matrix`` still holds unevaluated expectations."""
    if matrix.has(sp.Integral, sp.Sum):
        raise NotSupportedError(f"model {model_name}: the {what} has entries without a closed form "
                                "(unevaluated expectations); derive with a larger timeout")


def point_map(params: Sequence[sp.Symbol], theta: Mapping | Sequence | np.ndarray, what: str) -> dict:
    """Parameter → value, from a mapping (keys Symbols or names) or a sequence in parameter order."""
    if isinstance(theta, Mapping):
        by_name = {str(k): v for k, v in theta.items()}
        missing = [str(p) for p in params if p not in theta and p.name not in by_name]
        if missing:
            raise ModelError(f"{what}: no value for parameter {missing[0]}")
        return {p: sp.sympify(theta[p] if p in theta else by_name[p.name]) for p in params}
    values = list(np.atleast_1d(np.asarray(theta, dtype=object)))
    if len(values) != len(params):
        raise ModelError(f"{what}: expected {len(params)} value(s) for {', '.join(map(str, params))}, got {len(values)}")
    return {p: sp.sympify(v) for p, v in zip(params, values)}


def data_arrays(model, data: Any) -> tuple[dict[sp.Symbol, np.ndarray], int]:
    """Data symbol / covariate → 1-D float array, and the sample size.

    ``data`` is a 1-D array when the model has one data symbol and no covariates, else a mapping
    whose keys are the data and covariate symbols (or their names).
    """
    needed = (*model.data, *model.given)
    if isinstance(data, Mapping):
        by_name = {str(k): v for k, v in data.items()}
        out = {}
        for s in needed:
            if s in data:
                out[s] = data[s]
            elif s.name in by_name:
                out[s] = by_name[s.name]
            else:
                raise ModelError(f"model {model.name}: the data has no values for {s}")
    else:
        if len(needed) != 1:
            raise ModelError(f"model {model.name}: pass the data as a dict with keys "
                             f"{', '.join(map(str, needed))}")
        out = {needed[0]: data}
    arrays = {s: np.asarray(v, dtype=float).ravel() for s, v in out.items()}
    sizes = {a.size for a in arrays.values()}
    if len(sizes) != 1 or 0 in sizes:
        raise ModelError(f"model {model.name}: the data arrays must be non-empty and of equal length, "
                         f"got lengths {sorted(sizes)}")
    for s, a in arrays.items():
        if not np.all(np.isfinite(a)):
            raise ModelError(f"model {model.name}: the data for {s} contain nan or inf")
    return arrays, sizes.pop()


def constants_of(model) -> list[sp.Symbol]:
    """Free symbols of the model that are neither data, parameters nor covariates."""
    known = set(model.data) | set(model.params) | set(model.given)
    free = model.logpdf.free_symbols.union(*(s.free_symbols for _, s in model.support))
    return sorted(free - known, key=str)
