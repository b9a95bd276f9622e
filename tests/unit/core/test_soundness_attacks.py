"""Regression tests from the adversarial review (issue 11): indicators, non-numbers, conditions, scale.

Each case is an exact reproducer that used to give a false "proved" or miss a refutation.
"""

from __future__ import annotations

import pytest
import sympy as sp

import symfisher as sf
from symfisher.core.points import spread_points
from symfisher.core.indicators import absorb_indicators, non_numbers, theta_indicators
from symfisher.core.verdict import clearly_differ

x = sp.Symbol("x", real=True)
xp = sp.Symbol("x", positive=True)
theta = sp.Symbol("theta", positive=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
k = sp.Symbol("k", positive=True)
H = sp.Heaviside

# Uniform(−θ, θ) written ten ways: each is either moved into the support (then "refuted", as for
# Uniform written with an Interval) or kept and flagged (then "inconclusive"); never "proved".
UNIFORM_FORMS = [
    pytest.param(H(theta - x) * H(x + theta) / (2 * theta), "refuted", id="heaviside-product"),
    pytest.param(H(theta - sp.Abs(x)) / (2 * theta), "refuted", id="heaviside-abs"),
    pytest.param(H(theta**2 - x**2) / (2 * theta), "refuted", id="heaviside-square"),
    pytest.param((1 + sp.sign(theta - x)) * (1 + sp.sign(x + theta)) / (8 * theta), "refuted", id="sign-product"),
    pytest.param(sp.Piecewise((1 / (2 * theta), sp.Abs(x) < theta), (0, True)), "refuted", id="piecewise-abs"),
    pytest.param(sp.Piecewise((1 / (2 * theta), (x < theta) & (x > -theta)), (0, True)), "refuted", id="piecewise-and"),
    pytest.param(sp.Max(0, sp.sign(theta - sp.Abs(x))) / (2 * theta), "inconclusive", id="max-sign", marks=pytest.mark.slow),
    pytest.param(sp.Min(H(theta - x), H(theta + x)) / (2 * theta), "inconclusive", id="min-heaviside", marks=pytest.mark.slow),
    pytest.param(H(theta - x) * sp.Max(0, sp.sign(x + theta)) / (2 * theta), "inconclusive", id="heaviside-max", marks=pytest.mark.slow),
    pytest.param((sp.sign(theta - sp.Abs(x)) + 1) / (4 * theta), "inconclusive", id="sign-abs", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("density", "status"), UNIFORM_FORMS)
def test_uniform_written_with_indicators_is_never_proved(density, status):
    d = sf.derive(sf.Model.from_pdf(density, x, [theta], sp.S.Reals), timeout=30)
    assert d.equality.status == status
    assert "support independent of θ" not in d.equality.facts
    assert "E[s] = 0 (proved)" not in d.equality.facts
    if status == "refuted":
        assert d.model.support == ((x, sp.Interval.open(-theta, theta)),)
        assert d.fisher == sp.Matrix([[1 / theta**2]])  # E[s²] = 1/θ² (Uniform(−θ, θ), score −1/θ)
        assert d.mean_score == sp.Matrix([[-1 / theta]])
        assert d.closed
    else:
        assert "effective support may depend on θ" in d.equality.reason or not d.closed


def test_a_claim_with_dirac_delta_at_zero_is_not_a_number():
    m = sf.Model.from_pdf(H(theta - xp) / theta, xp, [theta], sp.Interval.open(0, sp.oo))
    assert m.support == ((xp, sp.Interval.open(0, theta)),)
    with pytest.raises(sf.ModelError, match=r"^.*DiracDelta\(0\).* which is not a number$"):
        sf.check(m, sp.Matrix([[(2 * theta * sp.DiracDelta(0) - 1) / theta**2]]))


@pytest.mark.parametrize("expr", [sp.DiracDelta(0), theta * sp.DiracDelta(theta - 1), sp.zoo * theta, sp.nan,
                                  sp.oo * mu - 2])
def test_non_numbers_are_found(expr):
    assert non_numbers(expr)


@pytest.mark.parametrize("expr", [sp.oo, -sp.oo, 1 / theta**2, sp.gamma(theta) + sp.Heaviside(theta)])
def test_numbers_are_numbers(expr):
    assert non_numbers(expr) == []


def test_a_verdict_on_non_numbers_is_never_proved():
    from symfisher.core.verdict import matrices_equal

    m = sp.Matrix([[(4 * theta * sp.DiracDelta(0) - 2) / (2 * theta**2)]])
    v = matrices_equal(m, m, [], "self")
    assert v.status == "inconclusive" and "DiracDelta(0)" in v.reason


def test_indicators_of_theta_are_named():
    assert theta_indicators(sp.Max(x, theta) + sp.sign(x), [x], [theta]) == [sp.Max(x, theta)]
    assert absorb_indicators(sp.exp(-sp.Abs(x - theta)), [x], [(x, sp.S.Reals)], [theta]) is None


# ------------------------------------------------------------------------------------------ conditions
def _generalized_normal(shape) -> sf.Model:
    return sf.Model.from_pdf(shape / (2 * sp.gamma(1 / shape)) * sp.exp(-sp.Abs(x - mu) ** shape), x, [mu], sp.S.Reals,
                             validate=False)


def test_check_inherits_the_convergence_condition():
    claim = sp.Matrix([[k * (k - 1) * sp.gamma(1 - 1 / k) / sp.gamma(1 / k)]])
    v = sf.check(_generalized_normal(k), claim, timeout=60)
    assert v.status == "proved"
    assert v.conditions == (k > sp.Rational(1, 2),)
    assert "valid only for k > 1/2" in v.reason and "[for k > 1/2]" in repr(v)


def test_a_finite_claim_against_infinite_information_is_refuted():
    shape = sp.Rational(2, 5)
    formula = (k * (k - 1) * sp.gamma(1 - 1 / k) / sp.gamma(1 / k)).subs(k, shape)
    assert float(formula) == pytest.approx(-0.4267, abs=1e-4)  # the formula is negative where I = ∞
    v = sf.check(_generalized_normal(shape), sp.Matrix([[formula]]), timeout=60)
    assert v.status == "refuted" and "diverges" in v.reason


# ------------------------------------------------------------------------------------------ scale
BIG = 10**7
NORMAL_BIG = sf.Model.from_pdf(sp.exp(-(x - mu) ** 2 / (2 * BIG**2)) / sp.sqrt(2 * sp.pi * BIG**2), x, [mu], sp.S.Reals,
                               validate=False)


@pytest.mark.parametrize("factor", [2, 10, 100, 0, -1])
def test_wrong_claims_on_tiny_information_are_refuted(factor):
    """N(μ, (10⁷)²): I(μ) = 10⁻¹⁴; claims off by a factor are wrong however small they are."""
    assert sf.check(NORMAL_BIG, sp.Matrix([[sp.Integer(factor) / BIG**2]]), timeout=30).status == "refuted"


def test_the_right_claim_on_tiny_information_is_proved():
    assert sf.check(NORMAL_BIG, sp.Matrix([[sp.Integer(1) / BIG**2]]), timeout=30).status == "proved"


def test_a_barely_moving_support_is_refuted():
    y = sp.Symbol("y", positive=True)
    m = sf.Model.from_pdf(1 / (1 + theta / BIG), y, [theta], sp.Interval.open(0, 1 + theta / BIG), validate=False)
    assert sf.derive(m, timeout=30).equality.status == "refuted"


NORMAL = sf.Model.from_pdf(sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2), x, [mu, sigma],
                           sp.S.Reals, validate=False)


@pytest.mark.parametrize("error", [sp.Max(0, sigma - 3), sp.sin(1000 * sp.pi * sigma) ** 2, sp.Max(0, sigma - 1000) / 10**6],
                         ids=["wrong-for-sigma>3", "vanishes-on-a-grid", "wrong-far-out"])
def test_claims_wrong_on_part_of_the_domain_are_refuted(error):
    claim = sp.Matrix([[1 / sigma**2 + error, 0], [0, 2 / sigma**2]])
    v = sf.check(NORMAL, claim, timeout=30)
    assert v.status == "refuted"
    assert v.counterexample is not None


def test_inconclusive_verdicts_say_which_points_were_tried():
    from symfisher.core.verdict import matrices_equal

    left = sp.Matrix([[sp.gamma(sigma + 1) / sp.gamma(sigma)]])
    pts = spread_points([sigma], {}, 6, 1)
    v = matrices_equal(left, sp.Matrix([[sigma]]), pts, "x", simplify_seconds=1e-3)
    assert v.status in ("proved", "inconclusive")
    if v.status == "inconclusive":
        assert "tried sigma ∈ [" in v.reason


def test_spread_points_cover_the_domain_off_the_grid():
    pts = spread_points([sigma, mu], {}, 40, 3)
    values = [float(p[sigma]) for p in pts]
    assert min(values) < 0.2 and max(values) > 1e3
    assert all(p[sigma] > 0 for p in pts)
    assert not any((p[sigma] * 1000).is_integer for p in pts)
    unit = spread_points([theta], {theta: sp.Interval.open(0, 1)}, 40, 3)
    assert all(0 < p[theta] < 1 for p in unit) and min(float(p[theta]) for p in unit) < 0.01


@pytest.mark.parametrize(("left", "right", "differ"), [
    ((1e-14,), (2e-14,), True), ((0.0,), (1e-14,), True), ((1.0,), (1.0 + 1e-13,), False),
    ((1e6, 1e-30), (1e6, 0.0), False), ((float("inf"),), (1.0,), True), ((float("inf"),), (float("inf"),), False),
])
def test_relative_comparison(left, right, differ):
    assert clearly_differ(left, right) is differ
