"""Rayleigh with scale sigma.

Density  f(x) = (x / sigma^2) exp(-x^2 / (2 sigma^2)),  x > 0.
Fisher information  I(sigma) = 4 / sigma^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
sigma = sp.Symbol("sigma", positive=True)

FAMILY = Family(
    name="rayleigh",
    title="Rayleigh (scale σ)",
    expr=x / sigma**2 * sp.exp(-(x**2) / (2 * sigma**2)),
    data=x,
    params=(sigma,),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[4 / sigma**2]]),
    source=(
        "Derived: X^2 ~ Exponential(mean 2σ^2), so s = -2/σ + X^2/σ^3 and "
        "I(σ) = Var(X^2)/σ^6 = 4/σ^2; see Johnson, Kotz & Balakrishnan (1994), Continuous "
        "Univariate Distributions, Vol. 1, 2nd ed., Ch. 18, Sec. 10 (Rayleigh) for the moments."
    ),
    notes="E[X^2] = 2σ^2. Weibull with shape 2 and scale σ√2.",
)
