"""Expectation strategies, tried in registration order (see :mod:`.registry`)."""

from __future__ import annotations

from . import finite, gaussian, expfamily, standardize, support  # noqa: F401  (expression strategies, in order)
from . import dirac, symmetry, euler, transform, substitution, direct  # noqa: F401  (atom strategies, in order)
from .base import Context, Expectation
from .engine import Engine, engine_for

__all__ = ["Context", "Engine", "Expectation", "engine_for"]
