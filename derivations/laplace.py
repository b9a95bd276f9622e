"""Laplace (double exponential) with location mu and scale b.

Density  f(x) = exp(-|x-mu| / b) / (2 b),  x real.
Fisher information  I(mu, b) = diag(1/b^2, 1/b^2).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
b = sp.Symbol("b", positive=True)

FAMILY = Family(
    name="laplace",
    title="Laplace (location μ, scale b)",
    expr=sp.exp(-sp.Abs(x - mu) / b) / (2 * b),
    data=x,
    params=(mu, b),
    support=sp.S.Reals,
    fisher=sp.Matrix([[1 / b**2, 0], [0, 1 / b**2]]),
    source=(
        "Kotz, Kozubowski & Podgórski (2001), The Laplace Distribution and Generalizations, "
        "Birkhäuser, Ch. 2 (classical Laplace: Fisher information matrix diag(1/s^2, 1/s^2)); "
        "Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, Vol. 2, "
        "2nd ed., Ch. 24."
    ),
    notes=(
        "Scale b (variance 2b^2). The log-density is not differentiable at x = μ; the score "
        "s_μ = sign(x-μ)/b exists a.e. and E[s s^T] = diag(1/b^2, 1/b^2). The information "
        "equality I = -E[H] holds when ∂²/∂μ² |x-μ| = 2δ(x-μ) is taken in the distributional "
        "sense (DiracDelta, as SymPy's diff produces); the pointwise a.e. second derivative "
        "would give -E[H_μμ] = 0."
    ),
)
