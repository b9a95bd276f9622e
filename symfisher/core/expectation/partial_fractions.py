"""Partial fractions over real linear factors, the first step of the bounded-interval strategies (exponential
integrals, dilogarithms): R(x) = P(x) + Σ C (x − c)^{−k}."""

from __future__ import annotations

from typing import NamedTuple

import sympy as sp
from sympy.polys.polyerrors import BasePolynomialError

#: What SymPy's ``apart`` (and ``Poly``) raise where they cannot split: PolynomialError for a coefficient taken as
#: not constant, CoercionFailed for one that holds an exponential of a covariate (the FGM law with exponential
#: margins given x₂: e^{λ₂x₂} in a coefficient), NotImplementedError for other domains.
APART_FAILURES = (BasePolynomialError, NotImplementedError)


class Pole(NamedTuple):
    """A term C (x − c)^{−k} of the partial fractions (k ≥ 1)."""

    coefficient: sp.Expr
    at: sp.Expr
    order: int


def linear_partial_fractions(rational: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, list[Pole]] | None:
    """(P, poles) with R = P + Σ C (x − c)^{−k}, P a polynomial in x; ``None`` where ``apart`` fails (a coefficient it
    cannot take as a constant) or leaves a factor that is not linear (complex poles).

    >>> x = sp.Symbol("x")
    >>> linear_partial_fractions(x**2 / (2 * x - 1), x)
    (x/2 + 1/4, [Pole(coefficient=1/8, at=1/2, order=1)])
    """
    try:
        terms = sp.Add.make_args(sp.apart(sp.cancel(rational), x))
    except APART_FAILURES:
        return None
    polynomial, poles = sp.S.Zero, []
    for term in terms:
        coeff, power = term.as_independent(x, as_Add=False)
        base, k = power.as_base_exp() if power != 1 else (x, sp.S.Zero)
        if not k.is_Integer or not base.is_polynomial(x) or sp.degree(base, x) != 1:
            return None
        if k >= 0:
            polynomial += term
            continue
        slope, intercept = sp.Poly(base, x).all_coeffs()
        poles.append(Pole(coeff * slope**k, -intercept / slope, int(-k)))
    return polynomial, poles
