"""Pareto (type I) with shape alpha and known scale x_m.

Density  f(x) = alpha x_m^alpha / x^(alpha+1),  x >= x_m.
Fisher information  I(alpha) = 1 / alpha^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
alpha = sp.Symbol("alpha", positive=True)
x_m = sp.Symbol("x_m", positive=True)

FAMILY = Family(
    name="pareto",
    title="Pareto (shape α, scale x_m known)",
    expr=alpha * x_m**alpha / x ** (alpha + 1),
    data=x,
    params=(alpha,),
    support=sp.Interval(x_m, sp.oo),
    fisher=sp.Matrix([[1 / alpha**2]]),
    source=(
        "Derived: log(X/x_m) ~ Exponential(rate α), so s = 1/α - log(X/x_m) and "
        "I(α) = Var(log(X/x_m)) = 1/α^2; Arnold (2015), Pareto Distributions, 2nd ed., "
        "CRC, Ch. 5 (estimation); Johnson, Kotz & Balakrishnan (1994), Continuous Univariate "
        "Distributions, Vol. 1, 2nd ed., Ch. 20."
    ),
    notes=(
        "x_m is a known constant, not a parameter, so the support [x_m, ∞) does not depend on "
        "the parameter α: the model is regular in α and the information equality holds."
    ),
)
