"""The cheap atom strategies on E[f], for a short time, before the support map changes variables.

E[Σ c_i(θ) g_i(X)] = Σ c_i(θ) E[g_i(X)], each E[g_i] by the cheap atom strategies only (no direct
integration): when every atom closes, the entry is closed without a change of variables. The support map
builds a new model and runs an engine on it (seconds): on a bounded Pareto law it spent the entry's whole
time, before the atoms were tried, on E[log x] = ∂/∂t E[x^t] at t = 0, a power integral that costs 0.03 s.
The try is cut after :data:`SECONDS` (a cheap strategy can still take seconds on an atom nothing closes:
E[log x] under the logit-normal law); atoms are memoized, so the later linear split repeats nothing.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.support import maps_support

SECONDS = 1.5


@register("atoms-first", "expression")
def atoms_first(engine, f: sp.Expr) -> Expectation | None:
    if not engine.top:  # a transformed model's engine: its linear split comes soon enough (ExGaussian: 1 s more)
        return None
    if not maps_support(engine.ctx):  # no support map to go before: the linear split comes next anyway, with every
        return None  # atom strategy (the Fisher z law's entries spent 1.5 s here first, on an atom it cannot close)
    expensive, engine.expensive = engine.expensive, False
    try:
        with engine.within(SECONDS, hard=True):
            result = engine.by_linearity(f)
    finally:
        engine.expensive = expensive
    return result if result.closed else None
