"""Strategy "elementary-bessel" (strategies/bessel_half.py): Bessel functions of half-integer order written out, then
every other strategy on the elementary model."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import apply, same

from symfisher import Model
from symfisher.core.expectation.strategies.bessel_half import elementary, written_out

lam = sp.Symbol("lamda", positive=True)
x = sp.Symbol("x", positive=True)
#: the noncentral χ law with k = 3 degrees of freedom as sympy.stats.ChiNoncentral writes it
NONCENTRAL_CHI_3 = Model.from_pdf(x ** sp.Rational(3, 2) * sp.exp(-(x**2 + lam**2) / 2) * sp.besseli(sp.S.Half, lam * x)
                                  / sp.sqrt(lam), x, [lam], sp.Interval.open(0, sp.oo), name="noncentral-chi-3")


@pytest.mark.parametrize("kind, reference", [(sp.besseli, mpmath.besseli), (sp.besselk, mpmath.besselk),
                                             (sp.besselj, mpmath.besselj)], ids=["I", "K", "J"])
@pytest.mark.parametrize("twice_order", range(-17, 18, 2))
def test_the_recurrences_agree_with_mpmath(kind, reference, twice_order):
    order, z = sp.Rational(twice_order, 2), sp.Rational(13, 10)
    value = elementary(order, z, kind)
    assert not value.has(sp.besseli, sp.besselk, sp.besselj)
    assert complex(value) == pytest.approx(complex(reference(float(order), 1.3)), rel=1e-12)


def test_only_half_integer_orders_are_written_out():
    nu = sp.Symbol("nu", positive=True)
    kept = sp.besseli(0, x) + sp.besselk(nu, x) + sp.besselj(sp.Rational(1, 3), x)
    assert written_out(kept) == kept
    assert written_out(sp.besselk(sp.Rational(-1, 2), x)) == sp.sqrt(2) * sp.sqrt(sp.pi) * sp.exp(-x) / (2 * sp.sqrt(x))


@pytest.mark.parametrize("g, expected", [
    pytest.param(sp.Integer(1), 1, id="mass"),
    pytest.param(x**2, lam**2 + 3, id="second-moment"),  # E[X²] = k + λ² for the noncentral χ law
    # the score's x I′_{1/2}(λx)/I_{1/2}(λx) = x(I_{−1/2} + I_{3/2})/(2 I_{1/2}) = x coth(λx) − 1/(2λ), where
    # E[X coth(λX)] = (λ² + 1)/λ
    pytest.param(x * (sp.besseli(-sp.S.Half, lam * x) + sp.besseli(sp.Rational(3, 2), lam * x))
                 / (2 * sp.besseli(sp.S.Half, lam * x)), lam + 1 / (2 * lam), id="the-score's-bessel-ratio"),
])
def test_the_noncentral_chi_law_with_three_degrees_of_freedom(g, expected):
    r = apply("expression", "elementary-bessel", NONCENTRAL_CHI_3, g)
    assert r.closed and r.strategies[0] == "elementary-bessel"
    assert same(r.value, expected)
    assert r.detail.rule == "elementary Bessel functions"


def test_declines_without_a_half_integer_order():
    rice = Model.from_pdf(x * sp.exp(-(x**2 + lam**2) / 2) * sp.besseli(0, lam * x), x, [lam],
                          sp.Interval.open(0, sp.oo), name="rice")
    assert apply("expression", "elementary-bessel", rice, x**2) is None
