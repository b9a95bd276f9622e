"""Exception hierarchy: everything symfisher raises is a :class:`SymfisherError`."""

from __future__ import annotations

__all__ = [
    "SymfisherError",
    "ModelError",
    "NotSupportedError",
    "RegularityError",
    "BudgetExceeded",
    "StrategyBug",
    "ConfigError",
]


class SymfisherError(Exception):
    """Root of every error symfisher raises; catch this one type."""


class ModelError(SymfisherError, ValueError):
    """The model (density, symbols, support or parameters) is malformed."""


class NotSupportedError(SymfisherError):
    """A valid request that symfisher cannot handle yet."""


class RegularityError(SymfisherError):
    """A mathematical impossibility: e.g. a singular information matrix where an inverse is needed."""


class BudgetExceeded(SymfisherError, TimeoutError):
    """A symbolic step ran past its time budget (or an expression past its size limit)."""


class StrategyBug(SymfisherError, RuntimeError):
    """An expectation strategy raised an unexpected exception while ``Config.strict`` is on (the tests)."""


class ConfigError(SymfisherError, ValueError, TypeError):
    """A :class:`~symfisher.config.Config` option out of range (a non-positive time limit ...) or unknown."""
