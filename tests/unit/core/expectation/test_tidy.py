"""The engine's cheap canonical forms: shifted polygamma arguments as the literature prints them."""

import pytest
import sympy as sp

from symfisher.core.expectation.special_forms import shift_polygammas

a, b = sp.symbols("a b", positive=True)


@pytest.mark.parametrize("value, expected", [
    (sp.polygamma(1, a + 1) + 1 / a**2 - sp.polygamma(1, a + b), sp.polygamma(1, a) - sp.polygamma(1, a + b)),
    (sp.polygamma(0, a + 1) - sp.polygamma(0, a), 1 / a),
    (sp.polygamma(1, a + 2) + 1 / a**2 + 1 / (a + 1)**2, sp.polygamma(1, a)),
    ((a**2 * sp.polygamma(1, a + 1) + 1) / a**2, sp.polygamma(1, a)),
])
def test_shifted_arguments_fold_back(value, expected):
    out = shift_polygammas(value)
    assert out == expected
    assert sp.simplify(sp.expand_func(out - value)) == 0


@pytest.mark.parametrize("value", [
    sp.polygamma(1, a + 1),                       # alone: ψ′(a) − 1/a² would be longer
    sp.polygamma(1, a) + sp.polygamma(1, a + 2),  # both kept: the expansion is longer
    sp.polygamma(1, a + b),                       # no integer shift
])
def test_kept_when_not_shorter(value):
    assert shift_polygammas(value) == value


def test_tidy_keeps_an_expression_that_sympy_cannot_simplify():
    """SymPy's simplify raises StopIteration on a Sum up to floor(x/2) (the Hermite pmf of sympy.stats): the
    expression comes back unchanged instead of failing the derivation."""
    from symfisher.core.simplify import tidy

    a1, a2 = sp.symbols("a1 a2", positive=True)
    x, j = sp.symbols("x j", integer=True, nonnegative=True)
    total = sp.Sum(a1 ** (x - 2 * j) * a2**j / (sp.factorial(j) * sp.factorial(x - 2 * j)), (j, 0, sp.floor(x / 2)))
    score = sp.diff(sp.log(total), a1)
    assert tidy(score) == score
