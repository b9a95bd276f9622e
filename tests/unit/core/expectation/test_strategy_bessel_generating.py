"""Strategy "bessel-generating" (strategies/bessel_series.py): Σ_{k∈ℤ} C·kᵐ·tᵏ·B_{k+j}(z) from the generating
functions of I_k and J_k, and the recurrence that writes Bessel functions of the data's order through two adjacent
ones (special_forms.adjacent_bessel_orders)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from _strategy_cases import apply, model, same
from symfisher.core.expectation.strategies.bessel_series import bessel_sum, bessel_terms
from symfisher.core.special_forms import adjacent_bessel_orders

k = sp.Symbol("x", integer=True)
mu1, mu2, t, z = sp.symbols("mu1 mu2 t z", positive=True)
#: Skellam (1946): the difference of two independent Poisson counts with means μ₁ and μ₂
SKELLAM = sp.exp(-mu1 - mu2) * (mu1 / mu2) ** (k / 2) * sp.besseli(k, 2 * sp.sqrt(mu1 * mu2))
POINT = {mu1: sp.Rational(13, 10), mu2: sp.Rational(39, 10), t: sp.Rational(7, 5), z: sp.Rational(9, 4)}


def _sum_over_integers(summand: sp.Expr, at: dict) -> float:
    """Σ over |x| ≤ 60 with SciPy's Bessel functions: at these points the terms beyond are below 1e-40 (mpmath's nsum
    over ℤ took 20–35 s per sum beside the test suite)."""
    xs = np.arange(-60.0, 61.0)  # floats: (−1)^(x−1) at negative x
    return float(np.sum(sp.lambdify(k, summand.subs(at), "scipy")(xs)))


def _nonzero(e: sp.Expr) -> bool:
    return bool(e.is_nonzero)


@pytest.mark.parametrize("func", [sp.besseli, sp.besselj])
@pytest.mark.parametrize("m, j", [(0, 0), (1, 0), (2, 0), (0, 2), (1, -1), (3, 1)])
def test_the_generating_function_sums_agree_with_a_direct_sum(func, m, j):
    summand = k**m * t**k * func(k + j, z)
    value = bessel_sum(bessel_terms(summand, k), _nonzero)
    assert not value.has(sp.besseli, sp.besselj, sp.Sum)
    assert float(value.subs(POINT)) == pytest.approx(_sum_over_integers(summand, POINT), rel=1e-12)


@pytest.mark.parametrize("func", [sp.besseli, sp.besselj])
def test_a_negative_order_is_turned_round(func):
    summand = k * t**k * func(1 - k, z)  # I_{1−k} = I_{k−1}; J_{1−k} = (−1)^{k−1} J_{k−1}
    value = bessel_sum(bessel_terms(summand, k), _nonzero)
    assert float(value.subs(POINT)) == pytest.approx(_sum_over_integers(summand, POINT), rel=1e-12)


@pytest.mark.parametrize("integrand", [t**k * sp.besseli(k, z) ** 2, t**k * sp.besseli(2 * k, z),
                                       t**k * sp.besseli(k, k * z), sp.log(k**2 + 1) * sp.besseli(k, z),
                                       t**k * sp.besseli(k, z) / sp.besseli(k + 1, z), t**k * sp.besselk(k, z),
                                       t**k * sp.besseli(k + sp.Rational(1, 2), z), t**k * sp.besseli(k + z, z)])
def test_other_shapes_are_not_parsed(integrand):
    assert bessel_terms(integrand, k) is None


def test_the_skellam_moments_are_the_literature_values():
    """E[X] = μ₁ − μ₂ and Var X = μ₁ + μ₂ (Skellam 1946), E[X³] from the cumulants κ₃ = μ₁ − μ₂."""
    m = model(SKELLAM, k, [mu1, mu2], sp.S.Integers, "skellam")
    mean, second, third = (apply("atom", "bessel-generating", m, k**n) for n in (1, 2, 3))
    assert mean.strategies == ("bessel-generating",) and mean.detail.rule == "bessel-generating"
    assert same(mean.value, mu1 - mu2)
    assert same(second.value, mu1 + mu2 + (mu1 - mu2) ** 2)
    kappa = mu1 - mu2, mu1 + mu2, mu1 - mu2
    assert same(third.value, kappa[2] + 3 * kappa[1] * kappa[0] + kappa[0] ** 3)


def test_a_ratio_times_the_density_is_one_bessel_function():
    """E[X·I_{X+1}(z)/I_X(z)] under the Skellam law: p cancels the denominator, one generating function is left."""
    w = 2 * sp.sqrt(mu1 * mu2)
    m = model(SKELLAM, k, [mu1, mu2], sp.S.Integers, "skellam")
    r = apply("atom", "bessel-generating", m, k * sp.besseli(k + 1, w) / sp.besseli(k, w))
    assert not r.value.has(sp.besseli)
    expected = _sum_over_integers(k * sp.besseli(k + 1, w) / sp.besseli(k, w) * SKELLAM, POINT)
    assert float(r.value.subs(POINT)) == pytest.approx(expected, rel=1e-12)


def test_it_declines_a_count_on_the_naturals_and_a_square():
    m = model(SKELLAM, k, [mu1, mu2], sp.S.Integers, "skellam")
    w = 2 * sp.sqrt(mu1 * mu2)
    assert apply("atom", "bessel-generating", m, (sp.besseli(k + 1, w) / sp.besseli(k, w)) ** 2) is None
    n = sp.Symbol("n", integer=True, nonnegative=True)
    poisson = model(mu1**n * sp.exp(-mu1) / sp.factorial(n), n, [mu1], sp.S.Naturals0, "poisson")
    assert apply("atom", "bessel-generating", poisson, n * sp.besseli(n, mu1)) is None


@pytest.mark.parametrize("func", [sp.besseli, sp.besselj])
@pytest.mark.parametrize("shift", [-3, -1, 2, 4])
def test_the_recurrence_writes_an_order_through_two_adjacent_ones(func, shift):
    written = adjacent_bessel_orders(func(k + shift, z), [k], anchor=func(k, z))
    assert written.atoms(func) <= {func(k, z), func(k + 1, z)}
    at = {k: 3, z: sp.Rational(9, 4)}
    assert float(written.subs(at)) == pytest.approx(float(func(3 + shift, sp.Rational(9, 4)).evalf(30)), rel=1e-13)


def test_the_recurrence_leaves_other_bessel_functions_alone():
    """Orders free of the data (the von Mises law's I₀(κ), I₁(κ)) and arguments that hold it stay as they are."""
    kappa = sp.Symbol("kappa", positive=True)
    expr = sp.besseli(0, kappa) + sp.besseli(2, kappa) + sp.besseli(k + 2, k * z) + sp.besseli(k, z)
    assert adjacent_bessel_orders(expr, [k], anchor=sp.besseli(k, z)) == expr
