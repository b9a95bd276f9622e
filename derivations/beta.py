"""Beta(a, b).

Density  f(x) = x^(a-1) (1-x)^(b-1) / B(a, b),  0 < x < 1.
Fisher information
  I(a, b) = [[psi1(a) - psi1(a+b), -psi1(a+b)], [-psi1(a+b), psi1(b) - psi1(a+b)]]
with psi1 the trigamma function.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
a = sp.Symbol("a", positive=True)
b = sp.Symbol("b", positive=True)

_t = sp.polygamma(1, a + b)

FAMILY = Family(
    name="beta",
    title="Beta (shapes a, b)",
    expr=x ** (a - 1) * (1 - x) ** (b - 1) * sp.gamma(a + b) / (sp.gamma(a) * sp.gamma(b)),
    data=x,
    params=(a, b),
    support=sp.Interval.open(0, 1),
    fisher=sp.Matrix(
        [[sp.polygamma(1, a) - _t, -_t], [-_t, sp.polygamma(1, b) - _t]]
    ),
    source=(
        "Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer, Sec. 2.6, "
        "Table 6.1 (Three information matrices: B(α, β))."
    ),
    notes="Both shapes are parameters; ψ1 = polygamma(1, ·) is the trigamma function.",
)
