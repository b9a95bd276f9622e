"""Infinite Fisher information, and closed forms that hold only where their integrals converge.

The generalized normal location family p(x | μ) ∝ exp(−|x − μ|^k) has score ∓k|x − μ|^{k−1};
E[s²] = k² E|Y|^{2k−2} is finite exactly when k > 1/2: then I(μ) = k(k − 1)Γ(1 − 1/k)/Γ(1/k)
(Nadarajah 2005, J. Appl. Stat. 32, "A generalized normal distribution", Sect. 3), and I(μ) = ∞ for
k ≤ 1/2 (the integrand behaves like 1/|y| or worse at the mode).
"""

from __future__ import annotations

import math

import pytest
import sympy as sp
from scipy.integrate import quad

import symfisher as sf
from symfisher.core.simplify import exp_as_rational, is_zero
from symfisher.core.expectation.base import settle_conditions, with_conditions
from symfisher.core.expectation.strategies.euler import euler_integral, settle

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
k = sp.Symbol("k", positive=True)


def _gn(shape) -> sf.Model:
    return sf.Model.from_pdf(shape / (2 * sp.gamma(1 / shape)) * sp.exp(-sp.Abs(x - mu) ** shape), x, [mu], sp.S.Reals,
                             name="generalized-normal-location", validate=False)


@pytest.fixture(scope="module")
def symbolic_shape():
    return sf.derive(_gn(k), timeout=60)


def test_closed_form_carries_its_convergence_condition(symbolic_shape):
    d = symbolic_shape
    assert d.entry_conditions[("fisher", 0, 0)] == (k > sp.Rational(1, 2),)
    assert d.entry_conditions[("neg_expected_hessian", 0, 0)] == (k > 1,)  # k|y|^(k−1)δ(y) vanishes only there
    assert d.conditions == (k > 1,)  # all closed forms together
    assert is_zero(d.fisher[0, 0] - k * (k - 1) * sp.gamma(1 - 1 / k) / sp.gamma(1 / k))
    assert is_zero(d.neg_expected_hessian[0, 0] - d.fisher[0, 0])
    assert "Valid for: I(θ) for k > 1/2; −E[H] for k > 1" in str(d)
    assert not d.infinite


@pytest.mark.parametrize("shape", [0.75, 1.5, 3.0])
def test_closed_form_matches_quadrature_where_it_holds(symbolic_shape, shape):
    """E[s²] = 2∫₀^∞ k² y^{2k−2} p(y) dy by scipy's quad (it copes with the y^{−1/2} singularity at 0)."""
    closed = float(symbolic_shape.fisher[0, 0].subs(k, shape))
    density = lambda t: shape / (2 * math.gamma(1 / shape)) * math.exp(-(t**shape))  # noqa: E731
    numeric = 2 * quad(lambda t: shape**2 * t ** (2 * shape - 2) * density(t), 0, math.inf, limit=200)[0]
    assert closed == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize("shape", [sp.Rational(1, 2), sp.Rational(1, 3)])
def test_divergent_information_is_reported_as_infinite(shape):
    d = sf.derive(_gn(shape), timeout=60)
    assert d.fisher[0, 0] == sp.oo
    assert d.infinite
    assert d.equality.status == "inconclusive"
    assert "infinite" in d.equality.reason
    assert "The Fisher information is infinite" in str(d)
    assert "diverges" in next(s.detail for s in d.steps if s.stage == "fisher")


def test_settle_decides_euler_integrals():
    t = sp.Symbol("t", positive=True)
    assert settle(euler_integral(t**2 * sp.exp(-t), t, 0, sp.oo)) == ("converges", ())
    assert settle(euler_integral(t ** (k - 2) * sp.exp(-t), t, 0, sp.oo)) == ("conditional", (k > 1,))
    assert settle(euler_integral(t**-1 * sp.exp(-t), t, 0, sp.oo))[0] == "diverges"
    assert settle(euler_integral(-(t**-2) * (1 - t), t, 0, 1))[0] == "diverges"


def test_exp_rewriting_never_moves_a_factor_out_of_its_integral():
    yv = sp.Dummy("y", real=True)
    open_entry = sp.Integral(sp.exp(-sp.sqrt(sp.Abs(yv))) / sp.Abs(yv), (yv, -sp.oo, sp.oo)) / 4
    assert exp_as_rational(open_entry) is None


def test_sympy_convergence_conditions_are_kept_and_decided_on_the_domain():
    nu = sp.Symbol("nu", positive=True)
    p = sp.Symbol("p", positive=True)
    t = sp.Symbol("t", positive=True)
    piecewise = sp.integrate(t ** (nu - 2) * sp.exp(-t), (t, 0, sp.oo), conds="piecewise")
    assert with_conditions(piecewise) == (sp.gamma(nu - 1), (nu > 1,))
    assert with_conditions(sp.Integral(sp.exp(-(t**t)), (t, 0, 1))) is None
    assert settle_conditions((nu > 1,), {}) == ("conditional", (nu > 1,))
    assert settle_conditions((sp.Abs(p - 1) < 1,), {p: sp.Interval.open(0, 1)}) == ("converges", ())
    assert settle_conditions((p < 0,), {})[0] == "diverges"
    # |α·p + β| < k is read as an interval directly (no inequality solver): (0, 2) here, not all of p > 0
    assert settle_conditions((sp.Abs(p - 1) < 1,), {}) == ("conditional", (sp.Abs(p - 1) < 1,))
    assert settle_conditions((sp.Abs(3 * p - 9) <= 1,), {p: sp.Interval.open(0, 1)})[0] == "diverges"
    assert settle_conditions((sp.Abs(2 - 3 * p) <= 1,), {p: sp.Interval(sp.Rational(1, 2), 1)}) == ("converges", ())
