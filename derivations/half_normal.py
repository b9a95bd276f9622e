"""Half-normal with scale sigma.

Density  f(x) = sqrt(2/pi) / sigma * exp(-x^2 / (2 sigma^2)),  x > 0.
Fisher information  I(sigma) = 2 / sigma^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
sigma = sp.Symbol("sigma", positive=True)

FAMILY = Family(
    name="half-normal",
    title="Half-normal (scale σ)",
    expr=sp.sqrt(2 / sp.pi) / sigma * sp.exp(-(x**2) / (2 * sigma**2)),
    data=x,
    params=(sigma,),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[2 / sigma**2]]),
    source=(
        "Derived: X = |Z| with Z ~ N(0, σ^2) and the density is the N(0, σ^2) density doubled, "
        "so the score in σ coincides with the normal one and I(σ) = 2/σ^2 (Lehmann & Casella "
        "(1998), Theory of Point Estimation, 2nd ed., Sec. 2.6, Table 6.1, N(ξ, σ^2) entry I_σσ)."
    ),
    notes="σ is the scale of the parent normal; E[X] = σ√(2/π).",
)
