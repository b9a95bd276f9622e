"""Negative binomial(r, p) with r fixed, counting failures before the r-th success.

Mass function  p(x) = C(x+r-1, x) p^r (1-p)^x,  x = 0, 1, 2, ...
Fisher information  I(p) = r / (p^2 (1-p)).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", integer=True, nonnegative=True)
r = sp.Symbol("r", positive=True)
p = sp.Symbol("p", positive=True)

FAMILY = Family(
    name="negative-binomial",
    title="Negative binomial (r fixed, success probability p)",
    expr=sp.binomial(x + r - 1, x) * p**r * (1 - p) ** x,
    data=x,
    params=(p,),
    support=sp.S.Naturals0,
    fisher=sp.Matrix([[r / (p**2 * (1 - p))]]),
    source=(
        "Derived from the one-parameter exponential-family identity I(p) = Var(T)·(dη/dp)^2 "
        "(Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.5) "
        "with T = X, η = log(1-p), Var(X) = r(1-p)/p^2; the same value is the standard "
        "negative-binomial information r/(p^2 (1-p)) (r = 1 for the geometric)."
    ),
    domain={p: sp.Interval.open(0, 1)},
    notes="X = number of failures before the r-th success; r > 0 is a known constant "
    "(a symbol, not a parameter; need not be an integer). E[X] = r(1-p)/p.",
)
