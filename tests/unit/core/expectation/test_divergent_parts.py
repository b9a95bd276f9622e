"""An integrand split into parts of which several diverge: the whole integral's behaviour at the ends of the support
decides (Engine._diverging_end), never the parts' signs alone."""

from __future__ import annotations

import numpy as np
import sympy as sp

import symfisher as sf
from _strategy_cases import engine_for

x = sp.Symbol("x", real=True)
u = sp.Symbol("u", positive=True)
R = sp.Symbol("R", positive=True)
a = sp.Symbol("a", positive=True)
SEMICIRCLE = sf.Model.from_pdf(2 * sp.sqrt(R**2 - x**2) / (sp.pi * R**2), x, [R], sp.Interval(-R, R), name="semicircle")


def test_the_semicircle_law_has_infinite_information():
    """s = R/(R² − x²) − 2/R: E[s²] holds R²·E[(R² − x²)^−2], ∫ (R² − x²)^−3/2 near ±R, so I(R) = +∞ (the support
    moves with R; after the map onto (0, 1) the parts are Beta integrals of both signs, several of them ∞)."""
    d = sf.derive(SEMICIRCLE)
    assert d.fisher[0, 0] == sp.oo and d.neg_expected_hessian[0, 0] == sp.oo and d.infinite
    assert d.lambdify().fisher(1.3)[0, 0] == np.inf


def test_parts_that_diverge_while_the_whole_converges_stay_open():
    """1/u − 1/(u(1 + u)) = 1/(1 + u) under a·u^(a−1): both parts diverge for a ≤ 1, the whole never does."""
    engine = engine_for(sf.Model.from_pdf(a * u**(a - 1), u, [a], sp.Interval.open(0, 1), name="power"))
    t = engine.ctx.data[0]
    assert engine._diverging_end(1 / t - 1 / (t * (1 + t))) == 0
    assert engine._diverging_end(1 / t**2 + 1 / t) == 0  # k = a − 3: not a number, so not proved divergent
    tilted = 2 * u + 2 * a * u * (2 * u - sp.Rational(4, 3))  # mass 1; p ~ 2(1 − 4a/3)·u at 0, > 0 for a < 1/2
    fixed = engine_for(sf.Model.from_pdf(tilted, u, [a], sp.Interval.open(0, 1), domain={a: sp.Interval.open(0, sp.Rational(1, 2))},
                                         name="tilted"))
    v = fixed.ctx.data[0]
    assert fixed._diverging_end(v**-4 - v**-3) == 1  # ~ 2(1 − 4a/3)·u^−3 at 0
    assert fixed._diverging_end(v**-3 - v**-4) == -1
