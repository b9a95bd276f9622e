"""Binomial(n, p) with the number of trials n fixed (known).

Mass function  p(x) = C(n, x) p^x (1-p)^(n-x),  x = 0, ..., n.
Fisher information  I(p) = n / (p (1-p)).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", integer=True, nonnegative=True)
n = sp.Symbol("n", integer=True, positive=True)
p = sp.Symbol("p", positive=True)

FAMILY = Family(
    name="binomial",
    title="Binomial (n trials fixed, success probability p)",
    expr=sp.binomial(n, x) * p**x * (1 - p) ** (n - x),
    data=x,
    params=(p,),
    support=sp.Range(0, n + 1),
    fisher=sp.Matrix([[n / (p * (1 - p))]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.5 "
        "(Table 5.1: b(p, n), I(p) = n/(pq)); Casella & Berger (2002), Statistical Inference, "
        "2nd ed., Sec. 7.3.2."
    ),
    domain={p: sp.Interval.open(0, 1)},
    notes="n is a known positive integer (a symbol, not a parameter); p = success probability.",
)
