"""Logistic regression with intercept and one covariate z (conditional on z).

Log mass function  log p(y | z) = y eta - log(1 + e^eta),  eta = beta0 + beta1 z,  y in {0, 1}.
Fisher information (one observation)
  I(beta0, beta1) = pi (1 - pi) [[1, z], [z, z^2]],  pi = 1 / (1 + e^(-eta)).
"""

import sympy as sp

from symfisher.catalog._family import Family

y = sp.Symbol("y", integer=True, nonnegative=True)
z = sp.Symbol("z", real=True)
beta0 = sp.Symbol("beta0", real=True)
beta1 = sp.Symbol("beta1", real=True)

_eta = beta0 + beta1 * z
_pi = 1 / (1 + sp.exp(-_eta))
_w = _pi * (1 - _pi)

FAMILY = Family(
    name="logistic-regression",
    title="Logistic regression (intercept β0, slope β1; covariate z given)",
    expr=y * _eta - sp.log(1 + sp.exp(_eta)),
    data=y,
    params=(beta0, beta1),
    support=sp.FiniteSet(0, 1),
    fisher=sp.Matrix([[_w, _w * z], [_w * z, _w * z**2]]),
    source=(
        "McCullagh & Nelder (1989), Generalized Linear Models, 2nd ed., Chapman & Hall, "
        "Ch. 2 (GLM Fisher information X^T W X) and Ch. 4 (binary data: W = diag(π(1-π)) for "
        "the canonical logit link)."
    ),
    given=(z,),
    kind="logpdf",
    notes=(
        "Log-likelihood of a single (y, z) pair given z; η = β0 + β1 z is the logit of "
        "π = P(y = 1 | z). The information is conditional on the covariate z."
    ),
)
