"""Poisson regression (log link) with intercept and one covariate z (conditional on z).

Mass function  p(y | z) = mu^y e^(-mu) / y!,  mu = exp(beta0 + beta1 z),  y = 0, 1, 2, ...
Fisher information (one observation)
  I(beta0, beta1) = mu [[1, z], [z, z^2]].
"""

import sympy as sp

from symfisher.catalog._family import Family

y = sp.Symbol("y", integer=True, nonnegative=True)
z = sp.Symbol("z", real=True)
beta0 = sp.Symbol("beta0", real=True)
beta1 = sp.Symbol("beta1", real=True)

_mu = sp.exp(beta0 + beta1 * z)

FAMILY = Family(
    name="poisson-regression",
    title="Poisson regression, log link (intercept β0, slope β1; covariate z given)",
    expr=_mu**y * sp.exp(-_mu) / sp.factorial(y),
    data=y,
    params=(beta0, beta1),
    support=sp.S.Naturals0,
    fisher=sp.Matrix([[_mu, _mu * z], [_mu * z, _mu * z**2]]),
    source=(
        "McCullagh & Nelder (1989), Generalized Linear Models, 2nd ed., Chapman & Hall, "
        "Ch. 2 (GLM Fisher information X^T W X) and Ch. 6 (log-linear models for counts: "
        "W = diag(μ) for the canonical log link)."
    ),
    given=(z,),
    notes="μ = E[y | z] = exp(β0 + β1 z). The information is conditional on the covariate z.",
)
