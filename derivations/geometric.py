"""Geometric(p), counting failures before the first success.

Mass function  p(x) = p (1-p)^x,  x = 0, 1, 2, ...
Fisher information  I(p) = 1 / (p^2 (1-p)).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", integer=True, nonnegative=True)
p = sp.Symbol("p", positive=True)

FAMILY = Family(
    name="geometric",
    title="Geometric (failures before first success, success probability p)",
    expr=p * (1 - p) ** x,
    data=x,
    params=(p,),
    support=sp.S.Naturals0,
    fisher=sp.Matrix([[1 / (p**2 * (1 - p))]]),
    source=(
        "Derived from the one-parameter exponential-family identity I(p) = Var(T)·(dη/dp)^2 "
        "(Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.5) "
        "with T = X, η = log(1-p), Var(X) = (1-p)/p^2; the same value is the standard "
        "negative-binomial information r/(p^2 (1-p)) (r = 1 for the geometric)."
    ),
    domain={p: sp.Interval.open(0, 1)},
    notes="X = number of failures before the first success; E[X] = (1-p)/p. "
    "(For the trials-count version on {1, 2, ...} the information is the same.)",
)
