"""Gamma with shape alpha and rate beta.

Density  f(x) = beta^alpha x^(alpha-1) e^(-beta x) / Gamma(alpha),  x > 0.
Fisher information  I(alpha, beta) = [[psi1(alpha), -1/beta], [-1/beta, alpha/beta^2]].
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
alpha = sp.Symbol("alpha", positive=True)
beta = sp.Symbol("beta", positive=True)

FAMILY = Family(
    name="gamma-rate",
    title="Gamma (shape α, rate β)",
    expr=beta**alpha * x ** (alpha - 1) * sp.exp(-beta * x) / sp.gamma(alpha),
    data=x,
    params=(alpha, beta),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[sp.polygamma(1, alpha), -1 / beta], [-1 / beta, alpha / beta**2]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.6, "
        "Table 6.1 (Γ(α, β) in the scale form, I = [[ψ'(α), 1/β], [1/β, α/β^2]]), "
        "transformed to the rate β' = 1/β via I' = J^T I J with J = diag(1, -1/β'^2)."
    ),
    notes="Rate parametrization: E[X] = α/β. ψ1 = polygamma(1, ·) is the trigamma function.",
)
