"""Log-normal: log X ~ N(mu, sigma^2).

Density  f(x) = exp(-(log x - mu)^2 / (2 sigma^2)) / (x sigma sqrt(2 pi)),  x > 0.
Fisher information  I(mu, sigma) = diag(1/sigma^2, 2/sigma^2).
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", positive=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)

FAMILY = Family(
    name="lognormal",
    title="Log-normal (log-mean μ, log-standard deviation σ)",
    expr=sp.exp(-((sp.log(x) - mu) ** 2) / (2 * sigma**2)) / (x * sigma * sp.sqrt(2 * sp.pi)),
    data=x,
    params=(mu, sigma),
    support=sp.Interval.open(0, sp.oo),
    fisher=sp.Matrix([[1 / sigma**2, 0], [0, 2 / sigma**2]]),
    source=(
        "Johnson, Kotz & Balakrishnan (1994), Continuous Univariate Distributions, Vol. 1, "
        "2nd ed., Wiley, Ch. 14 (lognormal). Fisher information is invariant under the "
        "parameter-free data transform log X, so it equals the normal N(μ, σ^2) information "
        "of Lehmann & Casella (1998), 2nd ed., Sec. 2.6, Table 6.1."
    ),
    notes="μ, σ are the mean and standard deviation of log X.",
)
