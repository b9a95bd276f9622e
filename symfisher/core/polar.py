"""∫ f over the whole plane in polar coordinates about the density's mode: x = c + r(cos φ, sin φ),

    ∫∫ f(x) dx = ∫₀^{2π} ∫₀^∞ f(c + r(cos φ, sin φ)) r dr dφ.

Iterated quadrature in x₁ and x₂ (``scipy.integrate.nquad``) maps each axis onto a bounded interval on its own;
a density whose tails fall off as a power of the distance (the bivariate t) keeps mass along directions that
neither map resolves: E[x₁²] of a bivariate t with ν = 2.7 came out 4.99786 (true 5.01429, 0.3 % off) with an
error estimate of 2e-7, in 6.8 s. About the mode the tail is one-dimensional, r ↦ r f(c + r e_φ), which
QUADPACK's map of (0, ∞) resolves, and the integrand is smooth in φ: 5.01428571428572 in 0.15 s.
"""

from __future__ import annotations

import math
import warnings
from typing import Callable

import numpy as np

QUAD = dict(limit=200, epsabs=1e-13, epsrel=1e-11)
TRUSTED_ERROR = 1e-8  # the outer quadrature's own error estimate, relative, above which no value is returned
GRID = (0.0, -0.3, 0.3, -1.0, 1.0, -3.0, 3.0, -10.0, 10.0, -30.0, 30.0)  # where the mode is first looked for
HUGE = 700.0  # log p beyond this is a pole


def mode(log_density: Callable[[float, float], float]) -> tuple[float, float] | None:
    """The point of highest density: the best of a coarse grid, refined by Nelder–Mead on −log p (log p itself,
    so that a density that underflows on the whole grid still leads there); ``None`` when log p is not finite
    anywhere on the grid."""
    from scipy.optimize import minimize

    def cost(z) -> float:
        try:
            v = float(log_density(z[0], z[1]))
        except (ArithmeticError, ValueError, TypeError):
            return math.inf
        return math.inf if math.isnan(v) else -min(v, HUGE)  # a pole (log p = ∞) is a mode too

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        start = min(((a, b) for a in GRID for b in GRID), key=cost)
        if not math.isfinite(cost(start)):
            return None
        found = minimize(cost, np.array(start), method="Nelder-Mead",
                         options={"xatol": 1e-6, "fatol": 1e-10, "maxiter": 400})
    best = (float(found.x[0]), float(found.x[1]))
    return best if cost(best) <= cost(start) else start


def polar_integral(f: Callable[[float, float], float], center: tuple[float, float]) -> float | None:
    """∫∫ f over ℝ² in polar coordinates about ``center``; ``None`` when the error estimate of the outer quadrature,
    or of a radial one, exceeds :data:`TRUSTED_ERROR` of its value (no evidence: the caller falls back)."""
    from scipy import integrate

    c1, c2 = center

    def ray(phi: float) -> float:  # NaN (so no value at all) where the radial quadrature does not vouch for itself
        cos, sin = math.cos(phi), math.sin(phi)
        value, error = integrate.quad(lambda r: r * f(c1 + r * cos, c2 + r * sin), 0.0, math.inf, **QUAD)
        return value if error <= TRUSTED_ERROR * max(1.0, abs(value)) else math.nan

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        value, error = integrate.quad(ray, 0.0, 2 * math.pi, points=(math.pi / 2, math.pi, 3 * math.pi / 2), **QUAD)
    if not (math.isfinite(value) and error <= TRUSTED_ERROR * max(1.0, abs(value))):
        return None
    return float(value)
