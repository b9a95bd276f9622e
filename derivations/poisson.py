"""Poisson(lambda).

Mass function  p(x) = lambda^x e^(-lambda) / x!,  x = 0, 1, 2, ...
Fisher information  I(lambda) = 1 / lambda.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", integer=True, nonnegative=True)
lam = sp.Symbol("lambda", positive=True)

FAMILY = Family(
    name="poisson",
    title="Poisson (mean λ)",
    expr=lam**x * sp.exp(-lam) / sp.factorial(x),
    data=x,
    params=(lam,),
    support=sp.S.Naturals0,
    fisher=sp.Matrix([[1 / lam]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.5 "
        "(Table 5.1: P(λ), I(λ) = 1/λ)."
    ),
    notes="λ = E[X] = Var[X].",
)
