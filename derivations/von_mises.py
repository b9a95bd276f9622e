"""von Mises (circular normal) with mean direction mu and concentration kappa.

Density  f(x) = exp(kappa cos(x - mu)) / (2 pi I0(kappa)),  -pi <= x <= pi.
With A(kappa) = I1(kappa)/I0(kappa), the Fisher information is
  I(mu, kappa) = diag(kappa A(kappa), A'(kappa)),  A'(kappa) = 1 - A(kappa)/kappa - A(kappa)^2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
kappa = sp.Symbol("kappa", positive=True)

_A = sp.besseli(1, kappa) / sp.besseli(0, kappa)

FAMILY = Family(
    name="von-mises",
    title="von Mises (mean direction μ, concentration κ)",
    expr=sp.exp(kappa * sp.cos(x - mu)) / (2 * sp.pi * sp.besseli(0, kappa)),
    data=x,
    params=(mu, kappa),
    support=sp.Interval(-sp.pi, sp.pi),
    fisher=sp.Matrix([[kappa * _A, 0], [0, 1 - _A / kappa - _A**2]]),
    source=(
        "Mardia & Jupp (2000), Directional Statistics, Wiley, Ch. 5 (point estimation; "
        "inference for the von Mises distribution: asymptotic variances 1/(nκA(κ)) and "
        "1/(nA'(κ)))."
    ),
    notes=(
        "x is an angle in [-π, π]; μ is real (the density is 2π-periodic in μ, so the "
        "integral over any full period is the same). A(κ) = I1(κ)/I0(κ) and "
        "A'(κ) = 1 - A/κ - A^2 (modified Bessel functions, besseli)."
    ),
)
