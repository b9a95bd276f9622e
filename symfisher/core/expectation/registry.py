"""The strategy registry: an explicit ``ORDER`` of trial, and the functions registered under it.

Two levels, each tried in the order of ``ORDER`` until one strategy returns a result (``None``
means "does not apply"): *expression* strategies see the whole E[f], *atom* strategies one term
g(x) of the linear split f = Σ c_i(θ) g_i(x). Registering a name that ``ORDER`` does not list is an
error, so the order in which strategies are tried never depends on the order of imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping, Optional

import sympy as sp

if TYPE_CHECKING:
    from symfisher.core.expectation.base import Expectation
    from symfisher.core.expectation.engine import Engine

StrategyFn = Callable[["Engine", sp.Expr], Optional["Expectation"]]

ORDER: Mapping[str, tuple[str, ...]] = {
    "expression": (
        "joint-support",       # strategies/joint.py (only for data with a joint support; answers all of them)
        "finite-support",      # strategies/finite.py
        "elementary-bessel",   # strategies/bessel_half.py (Bessel functions of half-integer order written out: then
                               # every other strategy on the elementary model)
        "gaussian",            # strategies/gaussian.py
        "gaussian-parts",      # strategies/gaussian.py
        "elliptical",          # strategies/elliptical.py (p a function of one quadratic form: radius and direction)
        "exponential-family",  # strategies/expfamily.py
        "piecewise",           # strategies/piecewise.py (a density defined on intervals: the pieces one by one)
        "point-masses",        # strategies/point_masses.py (a count law with Eq(k, c) branches: zero-inflated laws)
        "inner-variable",      # strategies/inner.py (t = g(x) when the score sees x only through g; before location-scale,
                               # whose standardized model would still see log(x/σ): the Benini law closes in t only)
        "location-scale",      # strategies/standardize.py
        "atoms-first",         # strategies/atoms_first.py (the cheap atom strategies, for a short time, before the
                               # support map's change of variables)
        "trigonometric",       # strategies/trigonometric.py (f·p a trigonometric polynomial: before the linear split)
        "incomplete-gamma",    # strategies/incomplete_gamma.py (f·p = Σ C uˢ logᵏu e^{−ηu} on (a, ∞): before the
                               # support map moves it elsewhere)
        "support-map",         # strategies/support.py
        "conditional",         # strategies/conditional.py (two continuous data on a box: E[f] = E_y[E[f | y]], each
                               # integral by the whole engine; the FGM copula)
    ),
    "atom": (
        "exponential-family",  # strategies/expfamily.py
        "gaussian-mgf",        # strategies/gaussian_mgf.py (q(x)·e^{cx} under one normal law: the square completed)
        "gaussian-erf",        # strategies/gaussian_erf.py (q(x)·e^{Q(x)}·erf(αx + β) on ℝ: Stein's identity; the
                               # skew-normal law's moments)
        "dirac",               # strategies/dirac.py
        "symmetry",            # strategies/symmetry.py
        "trigonometric",       # strategies/trigonometric.py (a trigonometric polynomial in one angle on an interval)
        "polylogarithm",       # strategies/polylog.py (polynomial × rational function of e^{−λx}: only with a factor
                               # 1 + c·e^{−λx}, c ≠ 0, so Euler integrals stay with the next strategy)
        "hurwitz-zeta",        # strategies/hurwitz.py (xˢ e^{ρx}/(e^{γx} − 1) on (0, ∞), rates not commensurate:
                               # Γ(s + 1)γ^{−s−1}ζ(s + 1, 1 − ρ/γ), polygamma at integer s; the weighted exponential law)
        "euler-integral",      # strategies/euler.py
        "gaussian-tail",       # strategies/gaussian_tail.py (rational × exp(quadratic) on a half-line or a bounded
                               # interval: incomplete Γ)
        "incomplete-gamma",    # strategies/incomplete_gamma.py (uˢ logᵏu e^{−ηu} on (a, ∞) or (0, a), a > 0: ∂ᵏ/∂sᵏ of
                               # an incomplete Γ, hypergeometric functions; the Gompertz law after u = e^{bx})
        "exponential-integral",  # strategies/exponential_integral.py (R(u)·e^{λu} on a bounded interval or a half-line,
                                 # R's poles outside it: Ei, and Ci, Si at complex pairs; the shifted Gompertz law after
                                 # u = e^{−bx}, the xgamma law)
        "dilogarithm",         # strategies/dilogarithm.py (R(x)·log(α + βx) on a bounded interval, a pole of R outside
                               # it or where the log vanishes: Li₂; the FGM copula's outer integral)
        "bessel-k",            # strategies/bessel_k.py (xˢ e^{−ax − b/x} on (0, ∞): K_s, elementary at half-integer s)
        "bessel-gaussian",     # strategies/bessel_gaussian.py (x^{μ−1} e^{−px²} I_ν(cx) or J_ν on (0, ∞): Weber's first
                               # exponential integral, Kummer's function; the Rice law's moments)
        "bessel-generating",   # strategies/bessel_series.py (C·xᵐ·tˣ·I_{x+j}(z) or J over all of ℤ: Σ tᵏI_k(z) =
                               # e^{(z/2)(t+1/t)} differentiated term by term; the Skellam law)
        "reciprocal-symmetry", # strategies/reciprocal.py (a law invariant under x → c/x: the symmetrized integrand over
                               # w = √x − √c/√x; Birnbaum–Saunders becomes a Gaussian in w)
        "transform",           # strategies/transform.py
        "substitution",        # strategies/substitution.py
        "digamma",             # strategies/digamma.py (ψ(x + c)·g as ∂/∂t E[Γ(x + c + t)/Γ(x + c)·g] at t = 0: the
                               # negative binomial law's E[ψ(k + r)] = ψ(r) − log p)
        "parametric",          # strategies/parametric.py (log h·g as ∂/∂t E[h^t g] at t = 0: after the direct ones)
        "parity",              # strategies/parity.py (odd atoms "symmetry" could not bound: E[sign·g] finite)
        "integrate",           # strategies/direct.py
        "meijer-g",            # strategies/meijerg.py (SymPy's Meijer-G integration, top level only, a few seconds)
    ),
}
EXPENSIVE = frozenset({"integrate", "meijer-g"})  # atom strategies tried only after the cheap ones failed on every atom

_REGISTERED: dict[str, dict[str, StrategyFn]] = {level: {} for level in ORDER}


def register(name: str, level: str) -> Callable[[StrategyFn], StrategyFn]:
    """Decorator adding a strategy at ``level`` ("expression" or "atom") under a name ``ORDER`` lists.

    Raises:
        ValueError: Unknown level, a name missing from ``ORDER[level]``, or a name registered twice.
    """
    if level not in ORDER:
        raise ValueError(f"unknown strategy level {level!r}; levels: {', '.join(ORDER)}")
    if name not in ORDER[level]:
        raise ValueError(f"strategy {name!r} is not in registry.ORDER[{level!r}]; add it there to say when it is tried")

    def deco(fn: StrategyFn) -> StrategyFn:
        if name in _REGISTERED[level]:
            raise ValueError(f"strategy {name!r} registered twice at level {level!r}")
        _REGISTERED[level][name] = fn
        return fn

    return deco


def strategies(level: str) -> list[tuple[str, StrategyFn]]:
    """(name, function) at ``level`` in the order of ``ORDER``.

    Raises:
        RuntimeError: A name in ``ORDER`` has no registered function (its module was not imported).
    """
    missing = [n for n in ORDER[level] if n not in _REGISTERED[level]]
    if missing:
        raise RuntimeError(f"strategies {', '.join(missing)} are in registry.ORDER but not registered; "
                           "import symfisher.core.expectation.strategies")
    return [(n, _REGISTERED[level][n]) for n in ORDER[level]]


def names(level: str) -> list[str]:
    """Strategy names at ``level``, in the order they are tried."""
    return list(ORDER[level])
