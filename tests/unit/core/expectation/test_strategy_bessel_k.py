"""Strategy "bessel-k" (strategies/bessel_k.py): Σ C·x^{s−1}·e^{−ax − b/x} on (0, ∞) as 2(b/a)^{s/2} K_s(2√(ab)),
elementary at half-integer orders."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import model, same, strategy
from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.strategies.bessel_k import bessel_k, gig_integral, gig_terms

x = sp.Symbol("x", positive=True)
a, b, alpha = sp.symbols("a b alpha", positive=True)
POINT = {a: sp.Rational(7, 10), b: sp.Rational(9, 4), alpha: sp.Rational(3, 5)}
#: the Birnbaum–Saunders law with unit scale (Birnbaum & Saunders 1969): (y^{−1/2} + y^{−3/2}) e^{−(y + 1/y − 2)/(2α²)}
BIRNBAUM_SAUNDERS = (1 / sp.sqrt(x) + x ** sp.Rational(-3, 2)) * sp.exp(-(x + 1 / x - 2) / (2 * alpha**2)) \
    / (2 * alpha * sp.sqrt(2 * sp.pi))


def _sign(e: sp.Expr) -> int:
    return 1 if e.is_positive else -1 if e.is_negative else 0


def _quad(f: sp.Expr) -> float:
    return float(mpmath.quad(sp.lambdify(x, f.subs(POINT), "mpmath"), [0, 1, mpmath.inf]))


@pytest.mark.parametrize("order", [sp.Rational(n, 2) for n in (-7, -3, -1, 1, 3, 5, 9)] + [sp.Integer(0), sp.Integer(2)])
def test_bessel_k_agrees_with_mpmath(order):
    z = sp.Rational(13, 10)
    value = bessel_k(order, z)
    assert float(value) == pytest.approx(float(mpmath.besselk(float(order), 1.3)), rel=1e-13)
    assert value.has(sp.besselk) == (order.q != 2)  # elementary exactly at the half-integers


@pytest.mark.parametrize("g", [sp.Integer(1), x, 1 / x, x**2, 1 / x**2, sp.sqrt(x), x**3 + 2 / x])
def test_the_birnbaum_saunders_moments(g):
    value = gig_integral(gig_terms(g * BIRNBAUM_SAUNDERS, x), _sign)
    assert value.has(sp.besselk) == (g == sp.sqrt(x))  # √x: orders 0 and 1, not half-integers
    assert float(value.subs(POINT)) == pytest.approx(_quad(g * BIRNBAUM_SAUNDERS), rel=1e-12)


def test_the_birnbaum_saunders_mean_is_the_literature_value():
    """E[Y] = 1 + α²/2 with unit scale (Birnbaum & Saunders 1969), and E[1/Y] the same (Y and 1/Y share the law)."""
    for g in (x, 1 / x):
        assert same(gig_integral(gig_terms(g * BIRNBAUM_SAUNDERS, x), _sign), 1 + alpha**2 / 2)


def test_an_integer_order_keeps_the_bessel_function():
    """E[X] under the generalized inverse Gaussian law with p = 1: K₂/K₁ (Jørgensen 1982)."""
    density = x ** 0 * sp.exp(-(a * x + b / x) / 2) * sp.sqrt(a / b) / (2 * sp.besselk(1, sp.sqrt(a * b)))
    value = gig_integral(gig_terms(x * density, x), _sign)
    assert same(value, sp.sqrt(b / a) * sp.besselk(2, sp.sqrt(a * b)) / sp.besselk(1, sp.sqrt(a * b)))


@pytest.mark.parametrize("integrand", [x * sp.exp(-a * x), sp.exp(-b / x) / x**2, sp.exp(-a * x - b / x) / (1 + x),
                                       sp.log(x) * sp.exp(-a * x - b / x), sp.exp(-a * x**2 - b / x)])
def test_other_shapes_are_not_parsed(integrand):
    assert gig_terms(integrand, x) is None


def test_it_declines_unproved_signs():
    c = sp.Symbol("c", real=True)
    assert gig_integral(gig_terms(sp.exp(-c * x - b / x), x), _sign) is None


def test_the_strategy_on_a_model():
    m = model(BIRNBAUM_SAUNDERS, x, [alpha], sp.Interval.open(0, sp.oo), "birnbaum-saunders-unit")
    ctx = Context.of(m)
    y = ctx.data[0]
    r = strategy("atom", "bessel-k")(Engine(ctx, Budget.of(10), Config()), y**2)
    assert r.strategies == ("bessel-k",) and r.detail.rule == "bessel-k"
    assert same(r.value, 1 + 2 * alpha**2 + 3 * alpha**4 / 2)  # E[Y²] (Birnbaum & Saunders 1969)
    assert strategy("atom", "bessel-k")(Engine(Context.of(model(a * sp.exp(-a * x), x, [a], sp.Interval.open(0, sp.oo),
                                                                  "exponential")), Budget.of(10), Config()), y) is None
