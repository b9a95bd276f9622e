"""Logistic with location mu and scale s.

Density  f(x) = e^(-(x-mu)/s) / (s (1 + e^(-(x-mu)/s))^2),  x real.
Fisher information  I(mu, s) = diag(1/(3 s^2), (pi^2 + 3)/(9 s^2)).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
s = sp.Symbol("s", positive=True)

_e = sp.exp(-(x - mu) / s)

FAMILY = Family(
    name="logistic",
    title="Logistic (location μ, scale s)",
    expr=_e / (s * (1 + _e) ** 2),
    data=x,
    params=(mu, s),
    support=sp.S.Reals,
    fisher=sp.Matrix([[1 / (3 * s**2), 0], [0, (sp.pi**2 + 3) / (9 * s**2)]]),
    source=(
        "Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, Vol. 2, "
        "2nd ed., Wiley, Ch. 23 (logistic; maximum-likelihood estimation, asymptotic variances "
        "3s^2/n and 9s^2/((π^2+3)n))."
    ),
    notes="s is the scale (Var X = π^2 s^2 / 3).",
)
