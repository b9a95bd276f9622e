"""symfisher.core.simplify's zero tests: a residual that is 0 is recognised quickly, one that is not is never called 0."""

from __future__ import annotations

import sympy as sp

from symfisher.core.simplify import (LARGE_NODES, exp_monomials, is_zero, numerically_nonzero, powers_of_one_generator,
                                     zero_as_rational_function, zero_over_generators, zero_test)
from symfisher.core.special_forms import rational_betas, special_arguments_in_lowest_terms
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


a, b, p = sp.symbols("a b p", positive=True)


def _shifted(k: int) -> sp.Expr:
    """p + k as an untidied entry leaves it: (a·p + k·a)/a."""
    return (a * p + k * a) / a


#: p B(p, 3) + 2p B(p + 1, 2) + p B(p + 2, 1) − 1 + ψ(p + 1) − ψ(p) − 1/p = 0, with the arguments not in lowest terms
#: (the Dagum law's residual E[s_a²] − E[−H_aa] when a worker's time ran out before the entries were tidied)
UNTIDIED = (p * sp.beta(p, 3) + 2 * p * sp.beta(_shifted(1), p + 3 - _shifted(1))
            + p * sp.beta(_shifted(2), p + 3 - _shifted(2)) - 1
            + sp.polygamma(0, _shifted(1)) - sp.polygamma(0, p) - 1 / p)


def test_special_functions_of_arguments_not_in_lowest_terms_are_recognised_as_zero():
    lowest = special_arguments_in_lowest_terms(UNTIDIED)
    assert lowest.atoms(sp.beta) == {sp.beta(p, 3), sp.beta(p + 1, 2), sp.beta(p + 2, 1)}
    assert sp.polygamma(0, p + 1) in lowest.atoms(sp.polygamma)
    assert rational_betas(sp.beta(p + 2, 1) + sp.beta(2, p)) == 1 / (p + 2) + 1 / (p * (p + 1))
    assert is_zero(UNTIDIED, 5.0) is True
    assert zero_test(UNTIDIED + 1 / p**3, 5.0) == (False, False)  # 1/p³ left over: nonzero at a point, at once


def test_powers_of_one_base_are_powers_of_one_generator():
    """b^a, b^(2a), b^(−a) as g, g², g⁻¹ of one g: (b^(2a) − 1)/(b^a − 1) − b^a − 1 vanishes as a rational function of
    g, not of three independent indeterminates; a power with a float coefficient keeps a generator of its own."""
    mapping = powers_of_one_generator([b**a, b ** (2 * a), b ** (-a), sp.sqrt(b), b ** sp.Rational(3, 2)])
    g, h = mapping[b**a], mapping[sp.sqrt(b)]
    assert (mapping[b ** (2 * a)], mapping[b ** (-a)], mapping[b ** sp.Rational(3, 2)]) == (g**2, 1 / g, h**3)
    assert zero_as_rational_function((b ** (2 * a) - 1) / (b**a - 1) - b**a - 1)
    assert not zero_as_rational_function((b ** (2 * a) - 1) / (b**a - 1) - b**a)
    floats = powers_of_one_generator([b ** (0.5 * a), b ** (1.5 * a)])
    assert len(set(floats.values())) == 2 and all(v.is_Symbol for v in floats.values())
