"""Frozen configuration with ``defaults()`` and ``merge()``."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields, replace
from typing import Any

from symfisher.errors import ConfigError

STRICT_ENV = "SYMFISHER_STRICT"  # "1": strategies' unexpected exceptions are raised (the test suite sets it)


@dataclass(frozen=True)
class Config:
    """Knobs of a derivation.

    ``timeout`` is wall-clock time. The other limits are seconds of work: the steps they bound run in worker
    processes, whose clocks count the CPU time they use (:func:`symfisher.core.deadline.now`), so a machine shared
    with other jobs gives the same result, later, up to ``timeout``.

    Attributes:
        timeout: Hard wall-clock bound for a whole :func:`symfisher.derive`, in seconds.
        atom_timeout: Hard bound for one fallback integral/sum (run in a worker process).
        entry_timeout: Bound on the expectation of one entry (E[s_i], E[s_i s_j] or E[−H_ij]): an entry no
            strategy closes within it is left open, to be evaluated numerically, so that one hard entry
            cannot spend the budget of the others.
        open_timeout: Time the entries left open may spend together: once one entry was left open, each
            further entry gets what they have not yet used of it (at most ``entry_timeout``). Once it is
            spent, each further entry gets a tenth of ``entry_timeout`` and the cheap strategies only (no
            integration in a worker): the atoms no strategy closes are known by then, so an entry made of
            them fails at once, while an entry with a fast route still closes (an expression strategy
            that closed none of the earlier entries is skipped).
        simplify_timeout: Hard bound for simplifying one matrix entry.
        normalization_timeout: Bound for the symbolic normalization check of a model.
        try_scale: Factor on the strategies' own time caps inside an entry (a Mellin transform's 1.5 s try, a
            model of the radius's 2.5 s): 1 keeps the caps tuned for speed; a larger one makes results that
            a loaded machine would cut short come out anyway (the test suite's checks of closed forms).
        numeric_points: Random parameter points used for numeric evidence.
        max_expression_ops: Size limit (``count_ops``) on an expression before it is expanded.
        seed: Seed of the random parameter points (reproducible evidence).
        strict: Raise an expectation strategy's unexpected exception (a bug) instead of recording it
            on the derivation; defaults to ``SYMFISHER_STRICT=1`` in the environment.

    Raises:
        ConfigError: A time limit that is not a positive finite number, or a count below 1.
    """

    timeout: float = 60.0
    atom_timeout: float = 4.0
    entry_timeout: float = 4.0
    open_timeout: float = 4.0
    simplify_timeout: float = 5.0
    normalization_timeout: float = 3.0
    try_scale: float = 1.0
    numeric_points: int = 8
    max_expression_ops: int = 20_000
    seed: int = 20261124
    strict: bool = field(default_factory=lambda: os.environ.get(STRICT_ENV) == "1")

    def __post_init__(self) -> None:
        for name in ("timeout", "atom_timeout", "entry_timeout", "open_timeout", "simplify_timeout",
                     "normalization_timeout", "try_scale"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 < value < math.inf):
                unit = "factor" if name == "try_scale" else "number of seconds"
                raise ConfigError(f"Config.{name} must be a positive {unit}, got {value!r}")
        for name in ("numeric_points", "max_expression_ops"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"Config.{name} must be a positive integer, got {value!r}")

    @classmethod
    def defaults(cls) -> Config:
        """The default configuration."""
        return cls()

    def merge(self, **overrides: Any) -> Config:
        """A copy with ``overrides`` applied; ``None`` values are ignored.

        Raises:
            ConfigError: On an unknown option name (also a ``TypeError``, as before).
        """
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ConfigError(f"unknown Config option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})
