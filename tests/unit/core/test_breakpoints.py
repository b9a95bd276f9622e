"""Break points that move with θ: the jump term of the distributional derivative, and the verdict on such laws."""

from __future__ import annotations

import sympy as sp

import symfisher as sf
from symfisher.core.breakpoints import (Break, break_of, breaks_of, continuous_at_breaks, deltas_off_their_branch,
                                       distributional_diff, hessian_entry, jump_variable)

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


k = sp.Symbol("k", positive=True)
HUBER_RHO = sp.Piecewise((k * (mu - y) - k**2 / 2, y < mu - k), ((y - mu) ** 2 / 2, y <= mu + k),
                         (k * (y - mu) - k**2 / 2, True))  # Huber's ρ_k(y − μ): three branches, breaks at μ ± k


def test_several_break_points_are_read_in_order():
    assert breaks_of(HUBER_RHO, y) == (Break(mu - k, k * (mu - y) - k**2 / 2, (y - mu) ** 2 / 2),
                                       Break(mu + k, (y - mu) ** 2 / 2, k * (y - mu) - k**2 / 2))
    assert break_of(HUBER_RHO, y) is None  # not one break point
    interval_first = sp.Piecewise((1, (y > mu) & (y < mu + 1)), (2, True))  # an And: two ends, "otherwise" around
    assert breaks_of(interval_first, y) == (Break(mu, 2, 1), Break(mu + 1, 1, 2))
    assert breaks_of(sp.Piecewise((1, y < 0), (2, y < mu), (3, True)), y) is None  # 0 < μ unknown: no order


def test_break_points_ordered_by_declared_domains():
    """0 < μ holds on μ's declared domain (0, 1) though not by its assumptions; 1 − μ > 0 needs the domain's upper
    end. A domain on both sides of 0 orders nothing."""
    three = sp.Piecewise((1, y < 0), (2, y < mu), (3, y < 1), (4, True))
    assert breaks_of(three, y, ((mu, sp.Interval.open(0, 1)),)) == (Break(0, 1, 2), Break(mu, 2, 3), Break(1, 3, 4))
    reversed_ends = sp.Piecewise((1, y < 1), (2, y < mu), (3, True))  # μ > 1 on (1, 2): the second branch is void
    assert breaks_of(reversed_ends, y, ((mu, sp.Interval.open(1, 2)),)) == (Break(1, 1, 2), Break(mu, 2, 3))
    assert breaks_of(three, y, ((mu, sp.Interval.open(-1, 1)),)) is None


def test_a_score_undefined_off_the_support_has_no_jump_there():
    """The score of a density written Piecewise((g, y < μ), (0, True)) is 0/0 above μ: that branch has no value
    (nan), and the break point at μ carries no jump term (the density itself jumps there: the support moves)."""
    score = sp.Piecewise((-1 / mu, y < mu), (sp.nan, True))
    assert breaks_of(score, y) == (Break(mu, -1 / mu, sp.nan),)
    assert distributional_diff(score, mu, y) == sp.diff(score, mu)


def test_continuity_at_every_moving_break_point():
    density = sp.exp(-HUBER_RHO)  # continuous at μ ± k
    assert continuous_at_breaks(density, LINE, (mu,))
    hessian = hessian_entry(sp.diff(-HUBER_RHO, mu), mu, jump_variable(LINE, density, (mu,)))
    assert not hessian.has(sp.DiracDelta)  # the score −ρ'(y − μ)·(−1) is continuous too
    jumps_once = sp.Piecewise((sp.exp(y - mu), y < mu), (sp.exp(mu - y) / 2, y < mu + 1), (sp.exp(mu - y), True))
    assert not continuous_at_breaks(jumps_once, LINE, (mu,))  # continuous at μ, not at μ + 1


def test_a_delta_off_its_branch_is_zero():
    """SymPy's ∂²(k|y − μ|)/∂μ² = 2kδ(y − μ) in the branch |y − μ| > k: y = μ lies in the branch before it."""
    inside = (y - mu >= -k) & (y - mu <= k)
    h = sp.Piecewise((-1, inside), (-2 * k * sp.DiracDelta(y - mu), True))
    assert deltas_off_their_branch(h, y) == sp.Piecewise((-1, inside), (0, True))
    kept = sp.Piecewise((-2 * k * sp.DiracDelta(y - mu), inside), (0, True))  # δ at μ, inside its own branch
    assert deltas_off_their_branch(kept, y) == kept


def test_huber_written_with_absolute_values_is_proved():
    """ρ_k with |u| in the condition and in the tails (the textbook form), u = y − μ, k = 3/2: the condition becomes
    an interval, the δ of |u|'' off its branch drops, and I_μμ = √(2π) erf(k/√2)/C (Huber 1964), proved."""
    kk = sp.Rational(3, 2)
    u = y - mu
    norm = sp.sqrt(2 * sp.pi) * sp.erf(kk / sp.sqrt(2)) + 2 * sp.exp(-kk**2 / 2) / kk
    rho = sp.Piecewise((u**2 / 2, sp.Abs(u) <= kk), (kk * sp.Abs(u) - kk**2 / 2, True))
    d = sf.derive(sf.Model.from_logpdf(-rho - sp.log(norm), y, [mu]))  # no support given: ℝ from y's assumptions
    assert d.equality.status == "proved", d.equality.reason
    assert not d.hessian[0, 0].has(sp.DiracDelta)
    assert sp.simplify(d.fisher[0, 0] - sp.sqrt(2 * sp.pi) * sp.erf(kk / sp.sqrt(2)) / norm) == 0


def test_absolute_value_conditions_become_intervals():
    from symfisher.core.indicators import abs_conditions_as_intervals

    s = sp.Symbol("s", positive=True)
    inside = sp.Piecewise((1, sp.Abs((y - mu) / s) <= k), (2, True))  # |u|/s: a positive factor outside |·|
    got = abs_conditions_as_intervals(inside, [y])
    assert breaks_of(got, y) == (Break(mu - k * s, 2, 1), Break(mu + k * s, 1, 2))
    outside = sp.Piecewise((2, sp.Abs(y - mu) > k), (1, True))  # the complement first: the branches swap
    assert breaks_of(abs_conditions_as_intervals(outside, [y]), y) == (Break(mu - k, 2, 1), Break(mu + k, 1, 2))
    for unchanged in (sp.Piecewise((1, sp.Abs(y**2 - mu) <= k), (2, True)),  # not linear in y
                      sp.Piecewise((1, sp.Abs(y - mu) <= y), (2, True)),  # y on both sides
                      sp.Piecewise((2, sp.Abs(y - mu) > k), (1, y < 0), (3, True))):  # a complement among three
        assert abs_conditions_as_intervals(unchanged, [y]) == unchanged


def test_quantile_regression_at_a_symbolic_quantile_level():
    """τ a known constant with its range given, domain={τ: (0, 1)}: the pieces decay at the rates τ/s and (1 − τ)/s,
    which the masses see with τ = 1/(1 + t), t > 0. I = diag(τ(1 − τ)/s², 1/s²) (Yu & Zhang 2005), proved; without
    the range, τ(1 − τ) > 0 is unknown and the entries stay open."""
    s, tau = sp.symbols("s tau", positive=True)
    u = (y - mu) / s
    logpdf = sp.log(tau * (1 - tau) / s) - u * (tau - sp.Heaviside(-u))
    model = sf.Model.from_logpdf(logpdf, y, [mu, s], sp.Reals, domain={tau: sp.Interval.open(0, 1)})
    assert model.constants == (tau,) and dict(model.domain)[tau] == sp.Interval.open(0, 1)
    d = sf.derive(model)
    assert d.equality.status == "proved", d.equality.reason
    assert sp.simplify(d.fisher - sp.diag(tau * (1 - tau) / s**2, 1 / s**2)) == sp.zeros(2, 2)


def test_absolute_values_on_branches_where_their_sign_is_known():
    """|x − μ| and sign(x − μ) inside a branch that lies on one side of μ lose their bars; where the branch holds on
    both sides of the root (Huber's "otherwise" around μ ± k), or the order is unknown, they stay."""
    from symfisher.core.indicators import abs_resolved_on_branches

    two_sided = sp.Piecewise((sp.Abs(y - mu) + sp.sign(mu - y), y < mu), (2 * sp.Abs(y - mu), True))
    assert abs_resolved_on_branches(two_sided, [y]) == sp.Piecewise((mu - y + 1, y < mu), (2 * (y - mu), True))
    shifted = sp.Piecewise((sp.Abs(y - mu), y > mu + k), (0, True))  # above μ + k > μ, with k positive
    assert abs_resolved_on_branches(shifted, [y]) == sp.Piecewise((y - mu, y > mu + k), (0, True))
    huber = sp.Piecewise((sp.Abs(y - mu), y < mu - k), (1, y <= mu + k), (k * sp.Abs(y - mu), True))
    assert abs_resolved_on_branches(huber, [y]) == sp.Piecewise((mu - y, y < mu - k), (1, y <= mu + k),
                                                                (k * (y - mu), True))
    for unchanged in (sp.Piecewise((sp.Abs(y - mu), y < a), (1, True)),  # a − μ of unknown sign
                      sp.Piecewise((1, y < mu - k), (sp.Abs(y - mu), y <= mu + k), (2, True))):  # root inside
        assert abs_resolved_on_branches(unchanged, [y]) == unchanged


def test_the_asymmetric_laplace_written_with_absolute_values_is_the_same_law():
    """ρ_τ written as τ|x − μ| above μ and (1 − τ)|x − μ| below it, as some texts do: SymPy's ∂|x − μ|/∂μ inside the
    branches would hold sign(0) = 0 at the break point and δ(x − μ) in the branch above it, and −E[H] had stayed an
    open integral holding δ; with the bars resolved on each side, I = diag(τ(1 − τ)/σ², 1/σ²) is proved."""
    tau, s = sp.Rational(1, 4), sp.Symbol("s", positive=True)
    pdf = tau * (1 - tau) / s * sp.Piecewise((sp.exp(-(1 - tau) * sp.Abs(y - mu) / s), y < mu),
                                             (sp.exp(-tau * sp.Abs(y - mu) / s), True))
    d = sf.derive(sf.Model.from_pdf(pdf, y, [mu, s], sp.Reals, name="al-abs"))
    assert d.equality.status == "proved", d.equality.reason
    assert d.fisher == sp.diag(tau * (1 - tau) / s**2, 1 / s**2) == d.neg_expected_hessian


def test_a_side_undefined_at_its_break_point_jumps_by_its_one_sided_limit():
    """sin(x − μ)/(x − μ) below μ, 2 above: substituting x = μ gives nan, which had dropped the jump (and so the point
    mass −δ(x − μ) of ∂/∂μ); the one-sided limit 1 gives the jump 2 − 1 = 1."""
    xs, m = sp.Symbol("x", real=True), sp.Symbol("mu", real=True)
    pw = sp.Piecewise((sp.sin(xs - m) / (xs - m), xs < m), (2, True))
    (found,) = breaks_of(pw, xs)
    assert found.gap(xs) == 1
    derivative = distributional_diff(pw, m, xs)
    assert derivative.coeff(sp.DiracDelta(xs - m)) == -1 or derivative.coeff(sp.DiracDelta(m - xs)) == -1
    unknown = Break(m, sp.Function("f")(xs) / (xs - m), sp.Integer(2))  # no limit SymPy can take: kept unevaluated
    assert unknown.gap(xs).has(sp.Limit)
