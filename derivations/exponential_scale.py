"""Exponential with scale (mean) theta.

Density  f(x) = (1/theta) e^(-x/theta),  x > 0.
Fisher information  I(theta) = 1 / theta^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
theta = sp.Symbol("theta", positive=True)

FAMILY = Family(
    name="exponential-scale",
    title="Exponential (scale / mean θ)",
    expr=sp.exp(-x / theta) / theta,
    data=x,
    params=(theta,),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[1 / theta**2]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.6, "
        "Table 6.1 (gamma Γ(α, β) with scale β: I_ββ = α/β^2, here α = 1); Johnson, Kotz & "
        "Balakrishnan (1994), Continuous Univariate Distributions, Vol. 1, 2nd ed., Ch. 19."
    ),
    notes="Scale parametrization: E[X] = θ. Reparametrization θ = 1/λ of `exponential`.",
)
