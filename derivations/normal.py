"""Normal N(mu, sigma^2), parametrized by mean mu and standard deviation sigma.

Density  f(x) = exp(-(x-mu)^2 / (2 sigma^2)) / (sqrt(2 pi) sigma),  x real.
Fisher information  I(mu, sigma) = diag(1/sigma^2, 2/sigma^2).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)

FAMILY = Family(
    name="normal",
    title="Normal (mean μ, standard deviation σ)",
    expr=sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma),
    data=x,
    params=(mu, sigma),
    support=sp.S.Reals,
    fisher=sp.Matrix([[1 / sigma**2, 0], [0, 2 / sigma**2]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.6, "
        "Table 6.1 (Three information matrices: N(ξ, σ^2))."
    ),
    notes="Parameters are (μ, σ) with σ the standard deviation (not the variance).",
)
