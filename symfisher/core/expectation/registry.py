"""The ordered strategy registry.

Two levels, each tried in a fixed order until one returns a result (``None`` means "does not
apply"): *expression* strategies see the whole E[f], *atom* strategies one term g(x) of the linear
split f = Σ c_i(θ) g_i(x). Registration order is the order of trial.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

import sympy as sp

if TYPE_CHECKING:
    from symfisher.core.expectation.base import Expectation
    from symfisher.core.expectation.engine import Engine

StrategyFn = Callable[["Engine", sp.Expr], Optional["Expectation"]]

EXPRESSION: list[tuple[str, StrategyFn]] = []
ATOM: list[tuple[str, StrategyFn]] = []
EXPENSIVE: set[str] = set()  # atom strategies tried only after the cheap ones failed on every atom


def register(name: str, level: str, expensive: bool = False) -> Callable[[StrategyFn], StrategyFn]:
    """Decorator adding a strategy at ``level`` ("expression" or "atom").

    ``expensive`` atom strategies (long symbolic integration) run in a second pass, see
    :meth:`symfisher.core.expectation.engine.Engine.by_linearity`.
    """
    table = {"expression": EXPRESSION, "atom": ATOM}[level]

    def deco(fn: StrategyFn) -> StrategyFn:
        if any(n == name for n, _ in table):
            raise ValueError(f"strategy {name!r} registered twice")
        table.append((name, fn))
        if expensive:
            EXPENSIVE.add(name)
        return fn

    return deco


def names(level: str) -> list[str]:
    """Strategy names at ``level``, in the order they are tried."""
    return [n for n, _ in {"expression": EXPRESSION, "atom": ATOM}[level]]
