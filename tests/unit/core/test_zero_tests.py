"""symfisher.core.simplify's zero tests: a residual that is 0 is recognised quickly, one that is not is never called 0."""

from __future__ import annotations

import sympy as sp

from symfisher.core.simplify import LARGE_NODES, exp_monomials, is_zero, numerically_nonzero, zero_over_generators
from symfisher.core.size import more_nodes_than

mu = sp.Symbol("mu", real=True)
s = sp.Symbol("s", positive=True)
PHI = lambda t: (1 + sp.erf(t / sp.sqrt(2))) / 2  # noqa: E731


def test_exponentials_become_powers_of_independent_generators():
    mapping, back = exp_monomials(sp.exp(-(1 - mu) ** 2 / (2 * s**2)) + sp.exp(-mu**2 / (2 * s**2)))
    assert len(back) == 3  # exp(μ²/s²), exp(μ/s²), exp(1/s²), each to the power its coefficients' denominator needs
    for e, v in mapping.items():
        assert sp.simplify(v.xreplace(back) - e) == 0


def test_the_truncated_normal_mass_identity_cancels_over_generators():
    """The derivative of the mass of N(μ, s²) on (0, 1), written two ways: with erf(−z) and erf(z − 1) as SymPy leaves
    them, and as the difference of two normal densities."""
    mass = PHI((1 - mu) / s) - PHI(-mu / s)
    by_parts = (sp.exp(-mu**2 / (2 * s**2)) - sp.exp(-(1 - mu) ** 2 / (2 * s**2))) / (s * sp.sqrt(2 * sp.pi))
    residual = sp.diff(mass, mu) / mass - by_parts / (sp.erf(sp.sqrt(2) * (mu - 1) / (2 * s)) / -2
                                                       + sp.erf(sp.sqrt(2) * mu / (2 * s)) / 2)
    assert zero_over_generators(residual)
    assert is_zero(residual, 5.0) is True
    assert not zero_over_generators(residual + sp.exp(mu / s**2) * 10**-20)  # exact: not 0 by rounding


def test_a_large_nonzero_residual_is_found_nonzero_quickly_and_a_large_zero_one_is_not():
    big = sp.Add(*[sp.exp(-(j - mu) ** 2 / (2 * s**2)) * sp.erf((mu + j) / s) ** 2 for j in range(80)])
    assert more_nodes_than(big, LARGE_NODES)  # through the compiled mpmath function
    assert numerically_nonzero(big)
    assert not numerically_nonzero(big - big.expand())


def test_a_zero_sum_is_not_found_nonzero_and_a_function_mpmath_lacks_goes_to_n():
    """erfc(z) + erf(z) − 1 written apart, times e^{z²}: 0, small (by N) and large (by mpmath at 30 and 60 digits,
    where N would raise its precision chasing the cancellation); an undefined function has no value, so no claim."""
    z = (mu + 1) / s
    zero = sp.exp(z**2) * (sp.erfc(z) + sp.erf(z) - 1) + sp.exp(mu) * (sp.erfc(-z) - sp.erf(z) - 1)
    assert not numerically_nonzero(zero)
    large = sp.Add(*[zero.subs(mu, mu + j) for j in range(30)], evaluate=False)
    assert more_nodes_than(large, LARGE_NODES) and not numerically_nonzero(large)
    assert numerically_nonzero(large + sp.besselk(sp.Rational(1, 3), s) ** 2)
    assert numerically_nonzero(sp.Function("f")(mu) ** 2 + 1 + 0 * s) is False  # f unknown: no value, no claim
    assert numerically_nonzero(sp.lowergamma(s, mu**2) + 1)
