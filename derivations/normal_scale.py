"""Normal N(mu, sigma^2) with mu known; parameter sigma (standard deviation) only.

Density  f(x) = exp(-(x-mu)^2 / (2 sigma^2)) / (sqrt(2 pi) sigma).
Fisher information  I(sigma) = 2/sigma^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)

FAMILY = Family(
    name="normal-scale",
    title="Normal (standard deviation σ; mean μ known)",
    expr=sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma),
    data=x,
    params=(sigma,),
    support=sp.S.Reals,
    fisher=sp.Matrix([[2 / sigma**2]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.6, "
        "Table 6.1 (N(ξ, σ^2): I_σσ = 2/σ^2)."
    ),
    notes="μ is a known real constant (symbol, not a parameter).",
)
