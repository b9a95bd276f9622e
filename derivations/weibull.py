"""Weibull with shape k and scale lambda.

Density  f(x) = (k/lambda) (x/lambda)^(k-1) exp(-(x/lambda)^k),  x > 0.
Fisher information, with Euler's constant gamma_E,
  I(k, lambda) = [[((1-gamma_E)^2 + pi^2/6) / k^2, -(1-gamma_E)/lambda],
                  [-(1-gamma_E)/lambda,             k^2/lambda^2]].
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
k = sp.Symbol("k", positive=True)
lam = sp.Symbol("lambda", positive=True)

_g = sp.EulerGamma

FAMILY = Family(
    name="weibull",
    title="Weibull (shape k, scale λ)",
    expr=(k / lam) * (x / lam) ** (k - 1) * sp.exp(-((x / lam) ** k)),
    data=x,
    params=(k, lam),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix(
        [
            [((1 - _g) ** 2 + sp.pi**2 / 6) / k**2, -(1 - _g) / lam],
            [-(1 - _g) / lam, k**2 / lam**2],
        ]
    ),
    source=(
        "Johnson, Kotz & Balakrishnan (1994), Continuous Univariate Distributions, Vol. 1, "
        "2nd ed., Wiley, Ch. 21 (Weibull; maximum-likelihood estimation and its asymptotic "
        "covariance). Also follows from the Gumbel (minimum) information of log X, location "
        "log λ and scale 1/k."
    ),
    notes=(
        "Scale λ (not λ^k or 1/λ). With U = (X/λ)^k ~ Exp(1): s_λ = (k/λ)(U-1), "
        "s_k = 1/k + log(U)(1-U)/k. γ_E = EulerGamma."
    ),
)
