"""Maxwell–Boltzmann with scale a.

Density  f(x) = sqrt(2/pi) x^2 exp(-x^2 / (2 a^2)) / a^3,  x > 0.
Fisher information  I(a) = 6 / a^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
a = sp.Symbol("a", positive=True)

FAMILY = Family(
    name="maxwell",
    title="Maxwell–Boltzmann (scale a)",
    expr=sp.sqrt(2 / sp.pi) * x**2 * sp.exp(-(x**2) / (2 * a**2)) / a**3,
    data=x,
    params=(a,),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[6 / a**2]]),
    source=(
        "Derived: X^2/a^2 ~ χ²_3, so s = -3/a + X^2/a^3 and I(a) = Var(χ²_3)/a^2 = 6/a^2 "
        "(χ² moments: Johnson, Kotz & Balakrishnan (1994), Continuous Univariate "
        "Distributions, Vol. 1, 2nd ed., Ch. 18). Same as the chi distribution with k = 3 "
        "degrees of freedom, I(a) = 2k/a^2."
    ),
    notes="X = a·|Z| with Z ~ N(0, I_3); E[X^2] = 3a^2.",
)
