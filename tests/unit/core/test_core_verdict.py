"""symfisher.core.verdict: three-valued verdicts and the sound matrix comparison behind them."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from symfisher.core import verdict as verdict_module
from symfisher.core.verdict import Evidence, Verdict, clearly_differ, compare_numerically, matrices_equal

lam = sp.Symbol("lambda", positive=True)
sigma = sp.Symbol("sigma", positive=True)
x = sp.Symbol("x", positive=True)
mu = sp.Symbol("mu", real=True)
POINTS = [{lam: sp.Rational(3, 2)}, {lam: sp.Integer(7)}]


# ---------------------------------------------------------------------------------------------- invariants
@pytest.mark.parametrize("kwargs, message", [
    pytest.param(dict(status="maybe", reason="r"), r"unknown verdict status 'maybe'", id="unknown-status"),
    pytest.param(dict(status="refuted", reason="r"), r"a refuted verdict needs a counterexample",
                 id="refuted-without-counterexample"),
    pytest.param(dict(status="proved", reason="r", residual=sp.ImmutableMatrix([[sp.DiracDelta(0)]])),
                 r"a proved verdict cannot rest on entries that are not numbers", id="proved-on-dirac-delta"),
    pytest.param(dict(status="proved", reason="r", residual=sp.ImmutableMatrix([[sp.oo * mu - 2]])),
                 r"a proved verdict cannot rest on entries that are not numbers", id="proved-on-infinity-term"),
])
def test_invariants(kwargs, message):
    with pytest.raises(ValueError, match=rf"^{message}$"):
        Verdict(**kwargs)


@pytest.mark.parametrize("verdict, truth", [
    pytest.param(Verdict("proved", "r", sp.ImmutableMatrix([[0]])), True, id="proved"),
    pytest.param(Verdict("refuted", "r", counterexample={lam: 1}), False, id="refuted"),
    pytest.param(Verdict("inconclusive", "r"), False, id="inconclusive"),
])
def test_only_proved_is_true(verdict, truth):
    assert bool(verdict) is truth


def test_repr_and_markdown():
    verdict = Verdict("proved", "the residual is 0")
    assert repr(verdict) == "Verdict(proved: the residual is 0)"
    assert verdict._repr_markdown_() == "**proved** — the residual is 0"


def test_with_conditions_on_a_proof_says_where_it_holds():
    verdict = Verdict("proved", "the residual is 0").with_conditions((lam > 1,))
    assert verdict.conditions == (lam > 1,)
    assert verdict.reason == "the residual is 0; valid only for lambda > 1"
    assert repr(verdict) == "Verdict(proved [for lambda > 1]: the residual is 0; valid only for lambda > 1)"


def test_with_conditions_adds_only_new_conditions():
    verdict = Verdict("proved", "r").with_conditions((lam > 1,))
    assert verdict.with_conditions((lam > 1,)) is verdict
    assert verdict.with_conditions(()) is verdict
    both = verdict.with_conditions((lam > 1, sigma < 2))
    assert both.conditions == (lam > 1, sigma < 2)
    assert both.reason.endswith("; valid only for lambda > 1 and sigma < 2")


def test_with_conditions_leaves_the_reason_of_other_verdicts():
    verdict = Verdict("inconclusive", "unsure").with_conditions((lam > 1,))
    assert (verdict.status, verdict.reason, verdict.conditions) == ("inconclusive", "unsure", (lam > 1,))
    assert repr(verdict) == "Verdict(inconclusive [for lambda > 1]: unsure)"


# ---------------------------------------------------------------------------------------------- clearly_differ
@pytest.mark.parametrize("left, right, differ", [
    pytest.param([1.0], [1.0], False, id="equal"),
    pytest.param([1.0], [1.0 + 1e-12], False, id="rounding"),
    pytest.param([1.0], [1.001], True, id="relative-1e-3"),
    pytest.param([1e-14], [2e-14], True, id="tiny-but-relatively-different"),
    pytest.param([1.0, 1e-25], [1.0, 0.0], False, id="below-the-floor-of-the-largest-entry"),
    pytest.param([1e-25], [0.0], True, id="alone-not-below-the-floor"),
    pytest.param([math.inf], [math.inf], False, id="same-infinity"),
    pytest.param([math.inf], [1.0], True, id="infinity-versus-finite"),
    pytest.param([-math.inf], [math.inf], True, id="opposite-infinities"),
    pytest.param([1j], [1j], False, id="complex-equal"),
    pytest.param([], [], False, id="empty"),
])
def test_clearly_differ(left, right, differ):
    assert clearly_differ(left, right) is differ


# ---------------------------------------------------------------------------------------------- compare_numerically
def test_compare_numerically_finds_the_first_witness():
    evidence, witness = compare_numerically(sp.Matrix([[1 / lam]]), sp.Matrix([[2 / lam]]), POINTS)
    assert [e.point for e in evidence] == POINTS
    assert evidence[0].left == pytest.approx((2 / 3,)) and evidence[0].right == pytest.approx((4 / 3,))
    assert witness is evidence[0]
    assert str(witness) == "at lambda=3/2: max |difference| = 0.667 (relative 0.5)"
    assert Evidence({}, (4e13, 1.0), (4e13 + 0.0078, 1.0), 0.0078).max_rel_diff == pytest.approx(1.95e-16)
    assert Evidence({}, (0.0,), (0.0,), 0.0).max_rel_diff == 0.0


def test_compare_numerically_without_a_difference():
    evidence, witness = compare_numerically(sp.Matrix([[1 / lam]]), sp.Matrix([[lam / lam**2]]), POINTS)
    assert witness is None
    assert [e.max_abs_diff for e in evidence] == [0.0, 0.0]
    assert isinstance(evidence[1], Evidence) and evidence[1].left == pytest.approx((1 / 7,))


# ---------------------------------------------------------------------------------------------- matrices_equal
def test_matrices_equal_proved_on_a_1x1():
    verdict = matrices_equal(sp.Matrix([[1 / lam**2]]), sp.Matrix([[lam**-2]]), POINTS, "I = -E[H]")
    assert verdict.status == "proved"
    assert verdict.reason == "I = -E[H]: the residual simplifies to the zero matrix"
    assert verdict.residual == sp.ImmutableMatrix([[0]])
    assert verdict.evidence == ()


def test_matrices_equal_proved_where_the_same_open_series_cancels():
    """ψ′(λ) − E[ψ′(K + λ)] on both sides (the negative binomial law's I_rr): the series cancels in the residual, and
    the reason says the equality holds wherever it is finite; twice the series on one side is not proved."""
    k = sp.Symbol("k", integer=True, nonnegative=True)
    series = sp.Sum(sp.polygamma(1, k + lam) * lam**k * sp.exp(-lam) / sp.factorial(k), (k, 0, sp.oo))
    left = sp.Matrix([[sp.polygamma(1, lam) - series]])
    proved = matrices_equal(left, sp.Matrix([[-(series - sp.polygamma(1, lam))]]), POINTS, "I = -E[H]")
    assert proved.status == "proved" and proved.residual == sp.zeros(1, 1)
    assert "wherever these are finite" in str(proved.reason)
    other = matrices_equal(left, sp.Matrix([[sp.polygamma(1, lam) - 2 * series]]), POINTS, "I = -E[H]")
    assert other.status == "inconclusive" and "no closed form" in str(other.reason)


def test_matrices_equal_proved_on_a_symmetric_2x2():
    """Normal (μ, σ): diag(1/σ², 2/σ²) against the same matrix written differently."""
    left = sp.Matrix([[1 / sigma**2, 0], [0, 2 / sigma**2]])
    right = sp.Matrix([[sigma**-2, 0], [0, (1 + 1) * sigma / sigma**3]])
    verdict = matrices_equal(left, right, [{sigma: 2}], "normal", symmetric=True, facts=("support fixed",))
    assert verdict.status == "proved"
    assert verdict.residual == sp.ImmutableMatrix.zeros(2, 2)
    assert verdict.facts == ("support fixed",)


def test_matrices_equal_refuted_with_a_counterexample():
    verdict = matrices_equal(sp.Matrix([[1 / lam**2]]), sp.Matrix([[2 / lam**2]]), POINTS, "I = -E[H]",
                             irregular_reason="the support depends on lambda")
    assert verdict.status == "refuted"
    assert verdict.reason == "I = -E[H]: they differ at lambda = 3/2 by up to 0.444444; the support depends on lambda"
    assert verdict.counterexample == {lam: sp.Rational(3, 2)}
    assert len(verdict.evidence) == 2
    assert sp.simplify(verdict.residual[0, 0] + 1 / lam**2) == 0


def test_matrices_equal_refutes_on_an_off_diagonal_entry():
    left = sp.Matrix([[1 / lam, 0], [0, 1]])
    right = sp.Matrix([[1 / lam, 1], [1, 1]])
    verdict = matrices_equal(left, right, POINTS, "I", symmetric=True)
    assert verdict.status == "refuted"
    assert verdict.residual == sp.ImmutableMatrix([[0, -1], [-1, 0]])


def test_matrices_equal_inconclusive_when_the_difference_is_below_rounding():
    tiny = sp.Rational(1, 10**25)
    verdict = matrices_equal(sp.Matrix([[1 / lam**2]]), sp.Matrix([[1 / lam**2 + tiny]]), POINTS, "I = -E[H]")
    assert verdict.status == "inconclusive"
    assert verdict.reason == ("I = -E[H]: the residual does not simplify to zero but vanishes numerically at 2 "
                              "random points (tried lambda ∈ [1.5, 7]; evidence, not proof)")
    assert len(verdict.evidence) == 2 and verdict.counterexample is None


def test_matrices_equal_proves_a_residual_whose_short_form_is_zero(monkeypatch):
    """The zero test gave up (as on a loaded machine), yet the residual's short form for the reader is 0: proved."""
    monkeypatch.setattr(verdict_module, "zero_test", lambda expr, seconds: (None, False))
    verdict = matrices_equal(sp.Matrix([[1 / lam + 1 / (lam + 1)]]), sp.Matrix([[(2 * lam + 1) / (lam * (lam + 1))]]),
                             POINTS, "I = -E[H]")
    assert verdict.status == "proved" and verdict.residual == sp.zeros(1, 1)


def test_matrices_equal_takes_a_second_look_where_the_zero_test_ran_out(monkeypatch):
    """ψ(λ + 1) − ψ(λ) − 1/λ, whose short form keeps ψ: with the first zero test run out of time (simulated), the
    second look proves it; without one, and where the cell's test finished undecided, it stays inconclusive."""
    left = sp.Matrix([[sp.polygamma(0, lam + 1) + 1 / lam**2]])
    right = sp.Matrix([[sp.polygamma(0, lam) + 1 / lam + 1 / lam**2]])
    monkeypatch.setattr(verdict_module, "zero_test", lambda expr, seconds: (None, True))
    assert matrices_equal(left, right, POINTS, "I", second_look_seconds=10.0).status == "proved"
    assert matrices_equal(left, right, POINTS, "I").status == "inconclusive"
    monkeypatch.setattr(verdict_module, "zero_test", lambda expr, seconds: (None, False))
    assert matrices_equal(left, right, POINTS, "I", second_look_seconds=10.0).status == "inconclusive"


@pytest.mark.parametrize("left, undefined", [
    pytest.param(sp.DiracDelta(0), "DiracDelta(0)", id="dirac-delta-at-0"),
    pytest.param(sp.DiracDelta(mu) / lam, "DiracDelta(mu)", id="dirac-delta-of-theta"),
    pytest.param(sp.zoo, "zoo", id="zoo"),
    pytest.param(sp.oo * mu - 2, "oo", id="infinity-inside-an-expression"),
])
def test_matrices_equal_inconclusive_on_entries_that_are_not_numbers(left, undefined):
    verdict = matrices_equal(sp.Matrix([[left]]), sp.Matrix([[1]]), POINTS, "I = -E[H]")
    assert verdict.status == "inconclusive"
    assert verdict.reason == (f"I = -E[H]: entries contain {undefined}, which is not a number (a derivative of an "
                              "indicator or an undefined value), so nothing can be proved")
    assert verdict.residual is None and verdict.evidence == ()


def test_matrices_equal_inconclusive_on_unevaluated_expectations():
    open_entry = sp.Integral(x * sp.exp(-lam * x), (x, 0, 1))
    verdict = matrices_equal(sp.Matrix([[1, 0], [0, open_entry]]), sp.Matrix([[1, 0], [0, 1 / lam]]), POINTS, "I")
    assert verdict.status == "inconclusive"
    assert verdict.reason == ("I: entries (2,2) have no closed form (unevaluated expectations), so the identity "
                              "could not be decided symbolically")


def test_matrices_equal_unevaluated_expectation_over_an_infinite_range():
    open_entry = sp.Integral(x**2 * lam * sp.exp(-lam * x), (x, 0, sp.oo))
    verdict = matrices_equal(sp.Matrix([[open_entry]]), sp.Matrix([[2 / lam**2]]), POINTS, "I")
    assert verdict.reason == ("I: entries (1,1) have no closed form (unevaluated expectations), so the identity "
                              "could not be decided symbolically")
