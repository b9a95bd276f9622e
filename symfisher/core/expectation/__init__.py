"""Expectation strategies, tried in registration order (see :mod:`.registry`)."""

from __future__ import annotations

from symfisher.core.expectation.strategies import finite, gaussian, expfamily, standardize, support  # noqa: F401  (expression strategies, in order)
from symfisher.core.expectation.strategies import dirac, symmetry, euler, transform, substitution, direct  # noqa: F401  (atom strategies, in order)
from symfisher.core.expectation.base import Context, Expectation
from symfisher.core.expectation.engine import Engine, engine_for

__all__ = ["Context", "Engine", "Expectation", "engine_for"]
