"""Gamma with shape alpha and unit rate (scale 1).

Density  f(x) = x^(alpha-1) e^(-x) / Gamma(alpha),  x > 0.
Fisher information  I(alpha) = psi1(alpha)  (trigamma).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
alpha = sp.Symbol("alpha", positive=True)

FAMILY = Family(
    name="gamma-shape",
    title="Gamma (shape α, rate 1)",
    expr=x ** (alpha - 1) * sp.exp(-x) / sp.gamma(alpha),
    data=x,
    params=(alpha,),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[sp.polygamma(1, alpha)]]),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.6, "
        "Table 6.1 (Γ(α, β): I_αα = ψ'(α), here with β = 1 known)."
    ),
    notes="Scale/rate fixed at 1; only the shape is a parameter.",
)
