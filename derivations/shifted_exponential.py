"""Shifted (two-parameter) exponential: location theta, rate lambda; non-regular in theta.

Density  f(x) = lambda exp(-lambda (x - theta)),  x >= theta.
E[s s^T] = diag(lambda^2, 1/lambda^2) in the order (theta, lambda), while
-E[H] = [[0, -1], [-1, 1/lambda^2]].
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
theta = sp.Symbol("theta", real=True)
lam = sp.Symbol("lambda", positive=True)

FAMILY = Family(
    name="shifted-exponential",
    title="Shifted exponential (location θ, rate λ)",
    expr=lam * sp.exp(-lam * (x - theta)),
    data=x,
    params=(theta, lam),
    support=sp.Interval(theta, sp.oo),
    fisher=sp.Matrix([[lam**2, 0], [0, 1 / lam**2]]),
    source=(
        "Derived directly (elementary): s_θ = λ on the support, s_λ = 1/λ - (X - θ) with "
        "X - θ ~ Exponential(λ), giving E[s s^T] = diag(λ^2, 1/λ^2); the failure of the "
        "regularity conditions when the support depends on the parameter is discussed in "
        "Casella & Berger (2002), Statistical Inference, 2nd ed., Sec. 7.3.2 (Example 7.3.13) "
        "and Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Sec. 2.5."
    ),
    equality="refuted",
    notes=(
        "fisher holds E[s s^T]. The support [θ, ∞) depends on θ: E[s_θ] = λ ≠ 0, "
        "E[s_θ^2] = λ^2 while -E[H_θθ] = 0, and -E[H_θλ] = -1 while E[s_θ s_λ] = 0; "
        "the λ-block (1/λ^2) agrees. The information equality fails."
    ),
)
