"""Standard bivariate normal with unknown correlation rho (means 0, variances 1 known).

Density  f(x, y) = exp(-(x^2 - 2 rho x y + y^2) / (2 (1 - rho^2))) / (2 pi sqrt(1 - rho^2)).
Fisher information  I(rho) = (1 + rho^2) / (1 - rho^2)^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
rho = sp.Symbol("rho", real=True)

FAMILY = Family(
    name="bivariate-normal",
    title="Bivariate normal (correlation ρ; zero means, unit variances known)",
    expr=sp.exp(-(x**2 - 2 * rho * x * y + y**2) / (2 * (1 - rho**2)))
    / (2 * sp.pi * sp.sqrt(1 - rho**2)),
    data=(x, y),
    params=(rho,),
    support={x: sp.S.Reals, y: sp.S.Reals},
    fisher=sp.Matrix([[(1 + rho**2) / (1 - rho**2) ** 2]]),
    source=(
        "Fosdick & Raftery (2012), Estimating the correlation in bivariate normal data with "
        "known variances and small sample sizes, The American Statistician 66(1):34–41 "
        "(Cramér–Rao bound (1-ρ^2)^2/(n(1+ρ^2))); also the (ρ, ρ) entry of the general "
        "Gaussian formula I_ij = ½ tr(Σ^-1 ∂_iΣ Σ^-1 ∂_jΣ), Kay (1993), Fundamentals of "
        "Statistical Signal Processing, Vol. I, Sec. 3.9."
    ),
    domain={rho: sp.Interval.open(-1, 1)},
    notes="Means 0 and variances 1 are known; only the correlation -1 < ρ < 1 is estimated.",
)
