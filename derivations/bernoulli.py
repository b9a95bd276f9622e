"""Bernoulli(p).

Mass function  p(x) = p^x (1-p)^(1-x),  x in {0, 1},  0 < p < 1.
Fisher information  I(p) = 1 / (p (1-p)).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", integer=True, nonnegative=True)
p = sp.Symbol("p", positive=True)

FAMILY = Family(
    name="bernoulli",
    title="Bernoulli (success probability p)",
    expr=p**x * (1 - p) ** (1 - x),
    data=x,
    params=(p,),
    support=sp.FiniteSet(0, 1),
    fisher=sp.Matrix([[1 / (p * (1 - p))]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.5 "
        "(binomial b(p, n) entry I(p) = n/(pq), here n = 1); also Casella & Berger (2002), "
        "Statistical Inference, 2nd ed., Sec. 7.3.2."
    ),
    domain={p: sp.Interval.open(0, 1)},
    notes="P(X = 1) = p. Single Bernoulli trial.",
)
