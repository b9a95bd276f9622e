"""Partial fractions, the first step of the strategies that integrate a rational function times a known kernel
(exponential integrals, dilogarithms): R(x) = P(x) + Σ C (x − c)^{−k} + Σ (Ax + B)/q(x)^k, q quadratic."""

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


class Split(NamedTuple):
    """R = polynomial + Σ poles + Σ quadratic, each term of ``quadratic`` (Ax + B)/q(x)^k with q of degree 2 (irreducible
    over the coefficients: no rational root, though one may be real for some θ)."""

    polynomial: sp.Expr
    poles: list[Pole]
    quadratic: list[tuple[sp.Expr, sp.Expr, int]]  # (A x + B, q, k)


def partial_fractions(rational: sp.Expr, x: sp.Symbol) -> Split | None:
    """The partial fractions of R in x over linear and quadratic factors; ``None`` where ``apart`` fails (a coefficient
    it cannot take as a constant) or leaves a factor of degree three or more.

    >>> x, t = sp.Symbol("x"), sp.Symbol("t", positive=True)
    >>> partial_fractions(x**4 / (1 + t * x**2 / 2), x)
    Split(polynomial=2*x**2/t - 4/t**2, poles=[], quadratic=[(8/t**2, t*x**2 + 2, 1)])
    """
    try:
        terms = sp.Add.make_args(sp.apart(sp.cancel(rational), x))
    except APART_FAILURES:
        return None
    polynomial, poles, quadratic = sp.S.Zero, [], []
    for term in terms:
        numerator, denominator = sp.fraction(sp.factor_terms(term))
        if not denominator.has(x):
            if not numerator.is_polynomial(x):
                return None
            polynomial += term
            continue
        scale, power = denominator.as_independent(x, as_Add=False)
        base, k = power.as_base_exp()
        if not k.is_Integer or k < 1 or not base.is_polynomial(x) or not numerator.is_polynomial(x):
            return None
        degree = sp.degree(base, x)
        if degree == 1 and not numerator.has(x):
            slope, intercept = sp.Poly(base, x).all_coeffs()
            poles.append(Pole(numerator / (scale * slope**k), -intercept / slope, int(k)))
        elif degree == 2 and sp.degree(numerator, x) <= 1:
            quadratic.append((sp.expand(numerator / scale), base, int(k)))
        else:
            return None
    return Split(polynomial, poles, quadratic)


def linear_partial_fractions(rational: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, list[Pole]] | None:
    """(P, poles) with R = P + Σ C (x − c)^{−k}, P a polynomial in x; ``None`` where ``apart`` fails (a coefficient it
    cannot take as a constant) or leaves a factor that is not linear (complex poles).

    >>> x = sp.Symbol("x")
    >>> linear_partial_fractions(x**2 / (2 * x - 1), x)
    (x/2 + 1/4, [Pole(coefficient=1/8, at=1/2, order=1)])
    """
    split = partial_fractions(rational, x)
    return None if split is None or split.quadratic else (split.polynomial, split.poles)
