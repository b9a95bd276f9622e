"""Gumbel (type I extreme value, maxima) with location mu and scale beta.

Density  f(x) = (1/beta) exp(-(z + e^(-z))),  z = (x - mu)/beta,  x real.
Fisher information, with Euler's constant gamma_E,
  I(mu, beta) = (1/beta^2) [[1, gamma_E - 1], [gamma_E - 1, (1-gamma_E)^2 + pi^2/6]].
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
beta = sp.Symbol("beta", positive=True)

_z = (x - mu) / beta
_g = sp.EulerGamma

FAMILY = Family(
    name="gumbel",
    title="Gumbel, maxima (location μ, scale β)",
    expr=sp.exp(-(_z + sp.exp(-_z))) / beta,
    data=x,
    params=(mu, beta),
    support=sp.S.Reals,
    fisher=sp.Matrix([[1, _g - 1], [_g - 1, (1 - _g) ** 2 + sp.pi**2 / 6]]) / beta**2,
    source=(
        "Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, Vol. 2, "
        "2nd ed., Wiley, Ch. 22 (extreme value distributions; maximum-likelihood estimation "
        "of the type I location and scale)."
    ),
    notes="Maximum (right-skewed) Gumbel; E[X] = μ + γ_E β. γ_E = EulerGamma.",
)
