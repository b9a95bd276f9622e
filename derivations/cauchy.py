"""Cauchy with location x0 and scale gamma.

Density  f(x) = 1 / (pi gamma (1 + ((x - x0)/gamma)^2)),  x real.
Fisher information  I(x0, gamma) = diag(1/(2 gamma^2), 1/(2 gamma^2)).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
x0 = sp.Symbol("x0", real=True)
gamma = sp.Symbol("gamma", positive=True)

FAMILY = Family(
    name="cauchy",
    title="Cauchy (location x₀, scale γ)",
    expr=1 / (sp.pi * gamma * (1 + ((x - x0) / gamma) ** 2)),
    data=x,
    params=(x0, gamma),
    support=sp.S.Reals,
    fisher=sp.Matrix([[1 / (2 * gamma**2), 0], [0, 1 / (2 * gamma**2)]]),
    source=(
        "Johnson, Kotz & Balakrishnan (1994), Continuous Univariate Distributions, Vol. 1, "
        "2nd ed., Wiley, Ch. 16 (Cauchy; estimation). Also the ν = 1 case of the Student-t "
        "information of Lange, Little & Taylor (1989), JASA 84:881–896."
    ),
    notes="γ is the half-width at half-maximum (scale), not γ^2.",
)
