"""Erlang with known integer shape k and rate lambda.

Density  f(x) = lambda^k x^(k-1) e^(-lambda x) / (k-1)!,  x > 0.
Fisher information  I(lambda) = k / lambda^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
k = sp.Symbol("k", integer=True, positive=True)
lam = sp.Symbol("lambda", positive=True)

FAMILY = Family(
    name="erlang",
    title="Erlang (integer shape k known, rate λ)",
    expr=lam**k * x ** (k - 1) * sp.exp(-lam * x) / sp.factorial(k - 1),
    data=x,
    params=(lam,),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[k / lam**2]]),
    source=(
        "Gamma with known shape: Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., "
        "Springer, Sec. 2.6, Table 6.1 (Γ(α, β): I_ββ = α/β^2 in the scale form; in the rate "
        "form the same value α/λ^2 by the reparametrization λ = 1/β)."
    ),
    notes="k is a known positive integer (symbol, not a parameter). Sum of k Exponential(λ).",
)
