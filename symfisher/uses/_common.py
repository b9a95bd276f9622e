"""Helpers shared by the ``uses`` modules: argument checks, parameter points, numeric data."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import sympy as sp

from symfisher.errors import ModelError, NotSupportedError


def as_derivation(obj: Any, timeout: float = 60.0):
    """A :class:`~symfisher.core.derivation.Derivation` from a Derivation or a Model (derived here, or from the cache)."""
    from symfisher.cache import derive_cached
    from symfisher.core.derivation import Derivation
    from symfisher.core.model import Model

    if isinstance(obj, Derivation):
        return obj
    if isinstance(obj, Model):
        return derive_cached(obj, timeout)
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


