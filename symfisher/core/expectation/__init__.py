"""The expectation engine and its strategies, tried in the order of :data:`registry.ORDER`."""

from __future__ import annotations

from symfisher.core.expectation import strategies  # noqa: F401  (registers every strategy)
from symfisher.core.expectation.base import Context, Expectation
from symfisher.core.expectation.engine import Engine, StrategyFailure, engine_for

__all__ = ["Context", "Engine", "Expectation", "StrategyFailure", "engine_for"]
