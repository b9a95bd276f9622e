"""Sums of rational functions in lowest terms by ring arithmetic, and the zero test built on it."""

from __future__ import annotations

import pytest
import sympy as sp

from symfisher.core.lowest_terms import factored_lowest_terms, vanishes
from symfisher.core.simplify import is_zero, zero_as_rational_function

a, b = sp.symbols("a b", positive=True)


def _beta_binomial_like(n: int) -> sp.Expr:
    """Σ_k w_k (Σ_j 1/(a + j) − Σ_j 1/(a + b + j))² with rational weights: the shape of the beta-binomial's I_aa."""
    total = sp.S.Zero
    for k in range(n + 1):
        weight = sp.binomial(n, k) * sp.rf(a, k) * sp.rf(b, n - k) / sp.rf(a + b, n)
        score = sum(1 / (a + j) for j in range(k)) - sum(1 / (a + b + j) for j in range(n))
        total += weight * score**2
    return total


@pytest.mark.parametrize("expr", [
    1 / a - 1 / (a + 1),
    (a**2 - 1) / (a + 1) + b / (a * b),
    (1 / a + 1 / b) ** 2 * a * b / (a + b),
    (2 * a - 2) / (4 * a**2 - 4),
    _beta_binomial_like(3),
])
def test_the_form_of_factor(expr):
    """The value of ``expr``, numerator and denominator factored over ℚ, with no common factor: SymPy's ``factor``."""
    got = factored_lowest_terms(expr)
    assert sp.expand(sp.factor(expr) - got) == 0 or sp.cancel(sp.factor(expr) - got) == 0
    num, den = sp.fraction(got)
    assert sp.gcd(sp.expand(num), sp.expand(den)).is_number


def test_a_long_sum_over_many_linear_factors():
    """n = 5: six terms over 15 linear factors (where SymPy's factor expands the numerator as an expression)."""
    expr = _beta_binomial_like(5)
    got = factored_lowest_terms(expr)
    point = {a: sp.Rational(3, 7), b: sp.Rational(11, 5)}
    assert got.subs(point) == expr.subs(point)  # exact rational arithmetic
    assert sp.fraction(got)[1] == sp.factor(sp.fraction(got)[1])


@pytest.mark.parametrize("expr", [sp.exp(a) / (a + 1), sp.sqrt(a) + 1 / a, 0.5 / a, sp.pi / a, a**b])
def test_other_expressions_are_declined(expr):
    assert factored_lowest_terms(expr) is None and not vanishes(expr)


def test_zero_as_a_rational_function_of_its_atoms():
    """Functions, constants and roots are indeterminates of their own: ψ′(a)·(1/a − 1/(a + 1)) − ψ′(a)/(a(a + 1)) is
    0 whatever ψ′(a) is; sin²a + cos²a − 1 is 0 only by an identity this test does not know."""
    f = sp.polygamma(1, a)
    assert zero_as_rational_function(f * (1 / a - 1 / (a + 1)) - f / (a * (a + 1)))
    assert zero_as_rational_function(sp.pi * sp.sqrt(b) / (a + 1) - sp.sqrt(b) * sp.pi * a / (a**2 + a))
    assert not zero_as_rational_function(sp.sin(a) ** 2 + sp.cos(a) ** 2 - 1)
    assert is_zero(sp.sin(a) ** 2 + sp.cos(a) ** 2 - 1)  # the other forms still decide it
    assert vanishes(_beta_binomial_like(5) - factored_lowest_terms(_beta_binomial_like(5)))
    assert not vanishes(_beta_binomial_like(5) - factored_lowest_terms(_beta_binomial_like(4)))
