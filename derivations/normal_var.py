"""Normal N(mu, v), parametrized by mean mu and variance v = sigma^2.

Density  f(x) = exp(-(x-mu)^2 / (2 v)) / sqrt(2 pi v),  x real.
Fisher information  I(mu, v) = diag(1/v, 1/(2 v^2)).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
v = sp.Symbol("v", positive=True)

FAMILY = Family(
    name="normal-var",
    title="Normal (mean μ, variance v = σ²)",
    expr=sp.exp(-((x - mu) ** 2) / (2 * v)) / sp.sqrt(2 * sp.pi * v),
    data=x,
    params=(mu, v),
    support=sp.S.Reals,
    fisher=sp.Matrix([[1 / v, 0], [0, 1 / (2 * v**2)]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.5 "
        "(Table 5.1: N(ξ, σ^2) with I(σ^2) = 1/(2σ^4)); Casella & Berger (2002), Statistical "
        "Inference, 2nd ed., Sec. 7.3.2 (normal variance Cramér–Rao bound 2σ^4/n)."
    ),
    notes="Second parameter is the variance v = σ², not σ; compare `normal`.",
)
