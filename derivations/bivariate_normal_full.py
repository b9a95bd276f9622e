"""Bivariate normal with all five parameters (mu1, mu2, sigma1, sigma2, rho).

Density, with u = (x - mu1)/sigma1, w = (y - mu2)/sigma2,
  f(x, y) = exp(-(u^2 - 2 rho u w + w^2) / (2 (1 - rho^2))) / (2 pi sigma1 sigma2 sqrt(1 - rho^2)).
Fisher information (order mu1, mu2, sigma1, sigma2, rho; D = 1 - rho^2): block diagonal,
  means block  = Sigma^-1 = (1/D) [[1/sigma1^2, -rho/(sigma1 sigma2)], [., 1/sigma2^2]],
  scale block  = [[(2-rho^2)/(sigma1^2 D), -rho^2/(sigma1 sigma2 D), -rho/(sigma1 D)],
                  [.,                      (2-rho^2)/(sigma2^2 D),   -rho/(sigma2 D)],
                  [.,                      .,                        (1+rho^2)/D^2]].
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
mu1 = sp.Symbol("mu1", real=True)
mu2 = sp.Symbol("mu2", real=True)
sigma1 = sp.Symbol("sigma1", positive=True)
sigma2 = sp.Symbol("sigma2", positive=True)
rho = sp.Symbol("rho", real=True)

_u = (x - mu1) / sigma1
_w = (y - mu2) / sigma2
_D = 1 - rho**2
_s12 = sigma1 * sigma2

FAMILY = Family(
    name="bivariate-normal-full",
    title="Bivariate normal (means μ1, μ2; standard deviations σ1, σ2; correlation ρ)",
    expr=sp.exp(-(_u**2 - 2 * rho * _u * _w + _w**2) / (2 * _D))
    / (2 * sp.pi * sigma1 * sigma2 * sp.sqrt(_D)),
    data=(x, y),
    params=(mu1, mu2, sigma1, sigma2, rho),
    support={x: sp.S.Reals, y: sp.S.Reals},
    fisher=sp.Matrix(
        [
            [1 / (sigma1**2 * _D), -rho / (_s12 * _D), 0, 0, 0],
            [-rho / (_s12 * _D), 1 / (sigma2**2 * _D), 0, 0, 0],
            [0, 0, (2 - rho**2) / (sigma1**2 * _D), -(rho**2) / (_s12 * _D), -rho / (sigma1 * _D)],
            [0, 0, -(rho**2) / (_s12 * _D), (2 - rho**2) / (sigma2**2 * _D), -rho / (sigma2 * _D)],
            [0, 0, -rho / (sigma1 * _D), -rho / (sigma2 * _D), (1 + rho**2) / _D**2],
        ]
    ),
    source=(
        "Entries of the general Gaussian information formula "
        "I_ij = ∂_iμ^T Σ^-1 ∂_jμ + ½ tr(Σ^-1 ∂_iΣ Σ^-1 ∂_jΣ), Kay (1993), Fundamentals of "
        "Statistical Signal Processing, Vol. I: Estimation Theory, Prentice Hall, Sec. 3.9, "
        "evaluated for Σ = [[σ1^2, ρσ1σ2], [ρσ1σ2, σ2^2]]; the (ρ, ρ) entry agrees with "
        "Fosdick & Raftery (2012), The American Statistician 66(1):34–41."
    ),
    domain={rho: sp.Interval.open(-1, 1)},
    notes=(
        "σ1, σ2 are standard deviations (not variances); -1 < ρ < 1. Means are orthogonal "
        "to (σ1, σ2, ρ)."
    ),
)
