"""Student-t location–scale with nu = 3 degrees of freedom.

Density  f(x) = 2 / (pi sqrt(3) sigma) * (1 + ((x-mu)/sigma)^2 / 3)^(-2),  x real.
Fisher information  I(mu, sigma) = diag(2/(3 sigma^2), 1/sigma^2).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)

_nu = sp.Integer(3)

FAMILY = Family(
    name="student-t3",
    title="Student-t with 3 degrees of freedom (location μ, scale σ)",
    expr=sp.gamma((_nu + 1) / 2)
    / (sp.gamma(_nu / 2) * sp.sqrt(_nu * sp.pi) * sigma)
    * (1 + ((x - mu) / sigma) ** 2 / _nu) ** (-(_nu + 1) / 2),
    data=x,
    params=(mu, sigma),
    support=sp.S.Reals,
    fisher=sp.Matrix([[sp.Rational(2, 3) / sigma**2, 0], [0, 1 / sigma**2]]),
    source=(
        "Lange, Little & Taylor (1989), Robust statistical modeling using the t distribution, "
        "JASA 84(408):881–896 (information with ν fixed): I_μμ = (ν+1)/((ν+3)σ^2), "
        "I_σσ = 2ν/((ν+3)σ^2), evaluated at ν = 3."
    ),
    notes="ν = 3 fixed numerically; σ is the scale (Var X = 3σ^2).",
)
