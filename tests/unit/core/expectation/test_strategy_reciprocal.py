"""Strategy "reciprocal-symmetry" (strategies/reciprocal.py): a law invariant under x → c/x, E[g] taken as
E[(g(X) + g(c/X))/2] over w = √x − √c/√x."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import model, same, strategy
from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.strategies.reciprocal import _NotInvariant, centre, in_w

x = sp.Symbol("x", positive=True)
w = sp.Symbol("w", real=True)
alpha, beta, lam = sp.symbols("alpha beta lambda", positive=True)
POS = sp.Interval.open(0, sp.oo)
POINT = {alpha: sp.Rational(7, 10), beta: sp.Rational(13, 10), lam: sp.Rational(3, 2)}
#: Birnbaum–Saunders with shape α and scale β (Birnbaum & Saunders 1969): X and β²/X have the same law
BIRNBAUM_SAUNDERS = (sp.sqrt(x / beta) + sp.sqrt(beta / x)) / (2 * alpha * x * sp.sqrt(2 * sp.pi)) \
    * sp.exp(-(x / beta + beta / x - 2) / (2 * alpha**2))
UNIT_BS = BIRNBAUM_SAUNDERS.subs(beta, 1)
#: the generalized inverse Gaussian law with p = 0 and a = b = λ (Jørgensen 1982): X and 1/X have the same law
GIG0 = sp.exp(-lam * (x + 1 / x) / 2) / (2 * x * sp.besselk(0, lam))


def _engine(density, params, name):
    return Engine(Context.of(model(density, x, params, POS, name)), Budget.of(20), Config())


def _quad(f: sp.Expr) -> float:
    return float(mpmath.quad(sp.lambdify(x, f.subs(POINT), "mpmath"), [0, 1, mpmath.inf]))


def test_the_birnbaum_saunders_law_becomes_a_normal_in_w():
    """q(w) = p(x)·dx/dw with w = √x − 1/√x: exactly the N(0, α²) density (the law's definition)."""
    q = in_w(UNIT_BS * 2 * x ** sp.Rational(3, 2) / (x + 1), x, sp.Integer(1), w)
    assert same(q, sp.exp(-w**2 / (2 * alpha**2)) / (sp.sqrt(2 * sp.pi) * alpha))
    assert not q.has(sp.sqrt(w**2 + 4))


@pytest.mark.parametrize("g, expected", [(1 / (1 + x), sp.Rational(1, 2)), (x / (1 + x) ** 2, 1 / (w**2 + 4)),
                                         (1 / (1 + x) ** 2, (w**2 + 2) / (2 * (w**2 + 4))),
                                         (x + 1 / x, w**2 + 2)])
def test_symmetrized_rational_integrands_are_rational_in_w(g, expected):
    assert same(in_w((g + g.subs(x, 1 / x)) / 2, x, sp.Integer(1), w), expected)


def test_a_centre_other_than_one():
    """Under x → 4/x, w = √x − 2/√x and x + 4/x = w² + 4."""
    assert same(in_w(x + 4 / x, x, sp.Integer(4), w), w**2 + 4)


@pytest.mark.parametrize("g", [x, sp.log(x), x / (1 + x) ** 3])
def test_functions_that_are_not_invariant_are_refused(g):
    with pytest.raises(_NotInvariant):
        in_w(g, x, sp.Integer(1), w)


def test_the_centre_is_found_and_proved():
    assert centre(_engine(UNIT_BS, [alpha], "bs-unit")) == 1
    assert centre(_engine(BIRNBAUM_SAUNDERS, [alpha, beta], "bs")) == beta**2
    assert centre(_engine(GIG0, [lam], "gig0")) == 1
    assert centre(_engine(lam * sp.exp(-lam * x), [lam], "exponential")) is None


def test_the_birnbaum_saunders_harmonic_moment_has_the_literature_form():
    """E[1/(1 + Y)²] for unit scale: the erfc term of the Birnbaum–Saunders information (Lemonte, Cribari-Neto &
    Vasconcellos 2007) — here against quadrature; the whole matrix is checked in test_textbook_families."""
    engine = _engine(UNIT_BS, [alpha], "bs-unit")
    y = engine.ctx.data[0]
    r = strategy("atom", "reciprocal-symmetry")(engine, 1 / (1 + y) ** 2)
    assert r is not None and r.strategies[0] == "reciprocal-symmetry" and r.detail.rule == "reciprocal-symmetry"
    assert r.value.has(sp.erfc)
    assert float(r.value.subs(POINT)) == pytest.approx(_quad(UNIT_BS / (1 + x) ** 2), rel=1e-10)


def test_a_symmetric_integrand_of_another_invariant_law():
    """E[1/(1 + X)] = 1/2 for any law invariant under x → 1/x (here a generalized inverse Gaussian)."""
    engine = _engine(GIG0, [lam], "gig0")
    y = engine.ctx.data[0]
    r = strategy("atom", "reciprocal-symmetry")(engine, 1 / (1 + y))
    assert r is not None and r.value == sp.Rational(1, 2)


def test_laws_without_the_symmetry_are_left_to_other_strategies():
    engine = _engine(lam * sp.exp(-lam * x), [lam], "exponential")
    y = engine.ctx.data[0]
    assert strategy("atom", "reciprocal-symmetry")(engine, 1 / (1 + y)) is None
