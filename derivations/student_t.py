"""Student-t location–scale with known degrees of freedom nu.

Density  f(x) = Gamma((nu+1)/2) / (Gamma(nu/2) sqrt(nu pi) sigma)
                * (1 + ((x-mu)/sigma)^2 / nu)^(-(nu+1)/2),  x real.
Fisher information  I(mu, sigma) = diag((nu+1)/((nu+3) sigma^2), 2 nu/((nu+3) sigma^2)).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
nu = sp.Symbol("nu", positive=True)

FAMILY = Family(
    name="student-t",
    title="Student-t (location μ, scale σ; degrees of freedom ν known)",
    expr=sp.gamma((nu + 1) / 2)
    / (sp.gamma(nu / 2) * sp.sqrt(nu * sp.pi) * sigma)
    * (1 + ((x - mu) / sigma) ** 2 / nu) ** (-(nu + 1) / 2),
    data=x,
    params=(mu, sigma),
    support=sp.S.Reals,
    fisher=sp.Matrix(
        [[(nu + 1) / ((nu + 3) * sigma**2), 0], [0, 2 * nu / ((nu + 3) * sigma**2)]]
    ),
    source=(
        "Lange, Little & Taylor (1989), Robust statistical modeling using the t distribution, "
        "JASA 84(408):881–896 (information for (μ, Ψ) with ν fixed; univariate case, "
        "transformed from Ψ = σ^2 to σ: I_σσ = 4σ^2 · ν/(2(ν+3)σ^4))."
    ),
    notes=(
        "ν > 0 is a known constant (symbol, not a parameter). σ is the scale (not the standard "
        "deviation); for ν = 1 this is the Cauchy, as ν → ∞ the normal."
    ),
)
