"""Inverse Gaussian (Wald) with mean mu and shape lambda.

Density  f(x) = sqrt(lambda / (2 pi x^3)) exp(-lambda (x - mu)^2 / (2 mu^2 x)),  x > 0.
Fisher information  I(mu, lambda) = diag(lambda/mu^3, 1/(2 lambda^2)).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
mu = sp.Symbol("mu", positive=True)
lam = sp.Symbol("lambda", positive=True)

FAMILY = Family(
    name="inverse-gaussian",
    title="Inverse Gaussian (mean μ, shape λ)",
    expr=sp.sqrt(lam / (2 * sp.pi * x**3)) * sp.exp(-lam * (x - mu) ** 2 / (2 * mu**2 * x)),
    data=x,
    params=(mu, lam),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[lam / mu**3, 0], [0, 1 / (2 * lam**2)]]),
    source=(
        "Chhikara & Folks (1989), The Inverse Gaussian Distribution, Marcel Dekker, Ch. 4 "
        "(maximum-likelihood estimation); Johnson, Kotz & Balakrishnan (1994), Continuous "
        "Univariate Distributions, Vol. 1, 2nd ed., Ch. 15."
    ),
    notes="E[X] = μ, Var X = μ^3/λ. μ and λ are orthogonal parameters.",
)
