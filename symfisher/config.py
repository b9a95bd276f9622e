"""Frozen configuration with ``defaults()`` and ``merge()``."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Config:
    """Knobs of a derivation.

    Attributes:
        timeout: Hard wall-clock bound for a whole :func:`symfisher.core.derivation`, in seconds.
        atom_timeout: Hard bound for one fallback integral/sum (run in a worker process).
        simplify_timeout: Hard bound for simplifying one matrix entry.
        normalization_timeout: Bound for the symbolic normalization check of a model.
        numeric_points: Random parameter points used for numeric evidence.
        max_expression_ops: Size limit (``count_ops``) on an expression before it is expanded.
        seed: Seed of the random parameter points (reproducible evidence).
    """

    timeout: float = 60.0
    atom_timeout: float = 4.0
    simplify_timeout: float = 5.0
    normalization_timeout: float = 3.0
    numeric_points: int = 8
    max_expression_ops: int = 20_000
    seed: int = 20261124

    @classmethod
    def defaults(cls) -> Config:
        """The default configuration."""
        return cls()

    def merge(self, **overrides: Any) -> Config:
        """A copy with ``overrides`` applied; ``None`` values are ignored.

        Raises:
            TypeError: On an unknown option name.
        """
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TypeError(f"unknown Config option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})
