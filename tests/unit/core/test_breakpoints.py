"""Break points that move with θ: the jump term of the distributional derivative, and the verdict on such laws."""

from __future__ import annotations

import sympy as sp

import symfisher as sf
from symfisher.core.breakpoints import (Break, break_of, continuous_at_breaks, distributional_diff, hessian_entry,
                                       jump_variable)

y = sp.Symbol("y", real=True)
mu = sp.Symbol("mu", real=True)
a, b = sp.symbols("a b", positive=True)

AL_SCORE = sp.Piecewise((a, y >= mu), (-1 / a, True))  # s_μ of the asymmetric Laplace with κ = a
AL = sp.Piecewise((sp.exp(-a * (y - mu)), y >= mu), (sp.exp((y - mu) / a), True)) / (a + 1 / a)
TWO_PIECE = sp.sqrt(2 / sp.pi) / (a + b) * sp.Piecewise((sp.exp(-(y - mu) ** 2 / (2 * a**2)), y < mu),
                                                        (sp.exp(-(y - mu) ** 2 / (2 * b**2)), True))
LINE = ((y, sp.Reals),)
JUMPS = sp.Piecewise((sp.exp(-(y - mu)) / 2, y >= mu), (sp.exp(2 * (y - mu)), True))  # ½ above μ, 1 below


def test_the_break_point_and_its_sides_are_read_off_the_condition():
    assert break_of(AL_SCORE, y) == Break(mu, -1 / a, a)
    assert break_of(sp.Piecewise((1, y < mu), (2, True)), y) == Break(mu, 1, 2)
    assert break_of(sp.Piecewise((1, 2 * mu - y > 0), (2, True)), y) == Break(2 * mu, 1, 2)  # −y: slope −1
    assert break_of(3 + AL_SCORE, y) == Break(mu, 3 - 1 / a, 3 + a)  # folded into one Piecewise


def test_no_break_point_without_a_two_branch_relation_linear_in_the_data():
    assert break_of(y**2, y) is None
    assert break_of(sp.Piecewise((1, y**2 < mu), (2, True)), y) is None
    assert break_of(sp.Piecewise((1, y < 0), (2, y < mu), (3, True)), y) is None
    assert break_of(sp.Piecewise((1, sp.Eq(y, mu)), (2, True)), y) is None


def test_the_derivative_of_a_jumping_score_has_the_jump_at_the_break_point():
    """∂/∂μ Piecewise((a, y ≥ μ), (−1/a, True)) = −(a + 1/a)δ(y − μ): 0 on each branch, the jump where they meet."""
    d = distributional_diff(AL_SCORE, mu, y)
    assert sp.simplify(d - (-(a + 1 / a) * sp.DiracDelta(y - mu))) == 0
    assert distributional_diff(AL_SCORE, a, y) == sp.diff(AL_SCORE, a)  # the break point does not move with a


def test_a_score_continuous_at_the_break_point_has_no_jump_term():
    s_mu = sp.Piecewise(((y - mu) / a**2, y < mu), ((y - mu) / b**2, True))  # the two-piece normal's
    assert not distributional_diff(s_mu, mu, y).has(sp.DiracDelta)


def test_continuity_of_the_density_decides_which_derivative_the_hessian_takes():
    assert continuous_at_breaks(AL, LINE, (mu, a)) and continuous_at_breaks(TWO_PIECE, LINE, (mu, a, b))
    assert not continuous_at_breaks(JUMPS, LINE, (mu,))
    assert not continuous_at_breaks(sp.Piecewise((1, y < 1), (2, True)), LINE, (mu,))  # no θ in the break point
    assert hessian_entry(AL_SCORE, mu, jump_variable(LINE, AL, (mu, a))).has(sp.DiracDelta)
    jump_score = sp.Piecewise((1, y >= mu), (-2, True))
    assert hessian_entry(jump_score, mu, jump_variable(LINE, JUMPS, (mu,))) == 0  # irregular: the pointwise derivative


def test_count_data_have_no_break_point_terms():
    """k ≥ μ for integer k: no density at a point, so no jump term and the Piecewise stays a θ-indicator."""
    k = sp.Symbol("k", integer=True)
    counts = sp.Piecewise((sp.exp(-(k - mu)), k >= mu), (sp.exp(k - mu), True))
    assert not continuous_at_breaks(counts, ((k, sp.S.Naturals0),), (mu,))
    assert hessian_entry(sp.Piecewise((1, k >= mu), (-1, True)), mu,
                         jump_variable(((k, sp.S.Naturals0),), counts, (mu,))) == 0


def test_the_asymmetric_laplace_is_proved_with_its_score_read_branch_by_branch():
    d = sf.derive(sf.Model.from_pdf(AL, y, [mu, a], sp.Reals, name="al"))
    assert isinstance(d.score[0], sp.Piecewise) and sp.simplify(d.score[0] - AL_SCORE) == 0  # not p′/p
    assert d.equality.status == "proved", d.equality.reason
    assert d.hessian[0, 0].has(sp.DiracDelta)
    assert "dirac" in d.strategies[("neg_expected_hessian", 0, 0)]
    assert d.fisher[0, 0] == 1 and d.neg_expected_hessian[0, 0] == 1


def test_a_density_that_jumps_at_a_moving_break_point_is_refuted():
    """½e^{−(y−μ)} above μ, e^{2(y−μ)} below: log p jumps at μ, E[s] = −½ ≠ 0; never proved."""
    d = sf.derive(sf.Model.from_pdf(JUMPS, y, [mu], sp.Reals, name="jumps"))
    assert d.equality.status == "refuted", d.equality.reason
    assert d.mean_score[0] == sp.Rational(-1, 2)
    assert d.fisher[0, 0] == sp.Rational(5, 2) and d.neg_expected_hessian[0, 0] == 0


def test_unit_steps_on_both_sides_of_one_point_become_one_piecewise():
    from symfisher.core.indicators import steps_as_branches

    two_sided = sp.exp(-a * (y - mu)) * sp.Heaviside(2 * y - 2 * mu) + sp.exp((y - mu) / a) * sp.Heaviside(mu - y)
    assert steps_as_branches(two_sided, [y]) == sp.Piecewise((sp.exp(-a * (y - mu)), y >= mu),
                                                             (sp.exp((y - mu) / a), True))
    cut = sp.Heaviside(mu - y) * sp.exp(y - mu)  # one side zero: a support, left to absorb_indicators
    assert steps_as_branches(cut, [y]) == cut
    two_points = sp.Heaviside(y - mu) * sp.exp(-y) + sp.Heaviside(1 - y) * sp.exp(y)
    assert steps_as_branches(two_points, [y]) == two_points


def test_the_check_loss_of_quantile_regression_as_a_log_density():
    """log p = log(τ(1 − τ)/s) − u(τ − H(−u)), u = (y − μ)/s, τ = 1/4: the step's slope −1/s has a known sign, and a
    log-density may be 0 on a side. Proved, I = diag(τ(1 − τ)/s², 1/s²) (Yu & Zhang 2005); it had been inconclusive,
    with δ(y − μ)² in its open entries."""
    s = sp.Symbol("s", positive=True)
    tau = sp.Rational(1, 4)
    u = (y - mu) / s
    model = sf.Model.from_logpdf(sp.log(tau * (1 - tau) / s) - u * (tau - sp.Heaviside(-u)), y, [mu, s], sp.Reals)
    assert isinstance(model.logpdf, sp.Piecewise)
    assert break_of(model.logpdf, y).point == mu
    d = sf.derive(model)
    assert d.equality.status == "proved", d.equality.reason
    assert d.fisher == sp.diag(tau * (1 - tau) / s**2, 1 / s**2)
