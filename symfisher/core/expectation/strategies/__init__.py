"""The expectation strategies, one module each; importing this package registers them all.

The order in which they are tried is ``registry.ORDER``, not the order of these imports.
"""

from symfisher.core.expectation.strategies import (  # noqa: F401
    atoms_first,
    bessel_half,
    bessel_k,
    dirac,
    direct,
    elliptical,
    euler,
    expfamily,
    exponential_integral,
    finite,
    gaussian,
    gaussian_erf,
    gaussian_mgf,
    gaussian_tail,
    hurwitz,
    incomplete_gamma,
    inner,
    joint,
    meijerg,
    parametric,
    parity,
    piecewise,
    point_masses,
    polylog,
    reciprocal,
    standardize,
    substitution,
    support,
    symmetry,
    transform,
    trigonometric,
)
