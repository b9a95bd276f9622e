"""Gamma with shape k and scale theta.

Density  f(x) = x^(k-1) e^(-x/theta) / (Gamma(k) theta^k),  x > 0.
Fisher information  I(k, theta) = [[psi1(k), 1/theta], [1/theta, k/theta^2]].
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
k = sp.Symbol("k", positive=True)
theta = sp.Symbol("theta", positive=True)

FAMILY = Family(
    name="gamma-scale",
    title="Gamma (shape k, scale θ)",
    expr=x ** (k - 1) * sp.exp(-x / theta) / (sp.gamma(k) * theta**k),
    data=x,
    params=(k, theta),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[sp.polygamma(1, k), 1 / theta], [1 / theta, k / theta**2]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.6, "
        "Table 6.1 (Three information matrices: Γ(α, β) with scale β)."
    ),
    notes="Scale parametrization: E[X] = kθ. ψ1 = polygamma(1, ·) is the trigamma function.",
)
