"""Uniform(0, theta): a non-regular model (support depends on theta).

Density  f(x) = 1/theta,  0 < x < theta.
E[s^2] = 1/theta^2 with s = -1/theta, while -E[d^2 log f / d theta^2] = -1/theta^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
theta = sp.Symbol("theta", positive=True)

FAMILY = Family(
    name="uniform",
    title="Uniform on (0, θ)",
    expr=1 / theta,
    data=x,
    params=(theta,),
    support=sp.Interval.open(0, theta),
    fisher=sp.Matrix([[1 / theta**2]]),
    source=(
        "Casella & Berger (2002), Statistical Inference, 2nd ed., Duxbury, Sec. 7.3.2, "
        "Example 7.3.13 (uniform scale family: E[(∂/∂θ log f)^2] = 1/θ^2, the Cramér–Rao "
        "bound fails because differentiation and integration cannot be interchanged)."
    ),
    equality="refuted",
    notes=(
        "fisher holds E[s s^T] = 1/θ^2 (s = -1/θ on the support). The support (0, θ) depends "
        "on θ, E[s] = -1/θ ≠ 0, and -E[H] = -1/θ^2 ≠ E[s^2]: the information equality fails."
    ),
)
