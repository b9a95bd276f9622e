"""Exponential with rate lambda.

Density  f(x) = lambda e^(-lambda x),  x > 0.
Fisher information  I(lambda) = 1 / lambda^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
lam = sp.Symbol("lambda", positive=True)

FAMILY = Family(
    name="exponential",
    title="Exponential (rate λ)",
    expr=lam * sp.exp(-lam * x),
    data=x,
    params=(lam,),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[1 / lam**2]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.5 "
        "(Table 5.1, gamma entry I = α/β^2 in the rate form with α = 1); Johnson, Kotz & "
        "Balakrishnan (1994), Continuous Univariate Distributions, Vol. 1, 2nd ed., Ch. 19."
    ),
    notes="Rate parametrization: E[X] = 1/λ.",
)
