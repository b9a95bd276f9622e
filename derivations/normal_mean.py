"""Normal N(mu, sigma^2) with sigma known; parameter mu only.

Density  f(x) = exp(-(x-mu)^2 / (2 sigma^2)) / (sqrt(2 pi) sigma).
Fisher information  I(mu) = 1/sigma^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)

FAMILY = Family(
    name="normal-mean",
    title="Normal (mean μ; standard deviation σ known)",
    expr=sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma),
    data=x,
    params=(mu,),
    support=sp.S.Reals,
    fisher=sp.Matrix([[1 / sigma**2]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.5 "
        "(Table 5.1: N(ξ, σ^2), I(ξ) = 1/σ^2)."
    ),
    notes="σ > 0 is a known constant (symbol, not a parameter).",
)
