"""Numeric evidence: lambdified expressions that SymPy's printers cannot print become no-evidence, not a crash."""

import math

import sympy as sp

from symfisher.core.evidence import safe_lambdify


def test_complex_infinity_in_a_piecewise_branch_evaluates_to_nan():
    """A triangular density's score has 1/(x − a) in a branch, which SymPy turns into zoo at x = a: the
    printer has no float for zoo (it raised KeyError 'ComplexInfinity' inside the verdict)."""
    x = sp.Symbol("x", real=True)
    expr = sp.Piecewise((sp.zoo, x < 0), (x + 1, True))
    fn = safe_lambdify([x], expr)
    assert math.isnan(fn(-1.0))
    assert fn(2.0) == 3.0
