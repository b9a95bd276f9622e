"""Strategy "digamma" (strategies/digamma.py): E[ψ(x + c)·g] = ∂/∂t E[Γ(x + c + t)/Γ(x + c)·g] at t = 0, the family
computed by the engine itself. Every closed form is also checked against a sum at a point."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import apply, model, n, p, same
from symfisher.core.expectation.strategies.digamma import digamma_factors
from symfisher.core.model import Model

r = sp.Symbol("r", positive=True)
a = sp.Symbol("a", positive=True)
b = sp.Symbol("b", positive=True)

NEGATIVE_BINOMIAL = Model.from_pdf(sp.gamma(n + r) / (sp.factorial(n) * sp.gamma(r)) * p**r * (1 - p) ** n, n, [r, p],
                                   sp.S.Naturals0, domain={p: sp.Interval.open(0, 1)}, name="negative-binomial",
                                   validate=False)
YULE_SIMON = model(r * sp.beta(n, r + 1), n, [r], sp.Range(1, sp.oo), "yule-simon")
BETA_GEOMETRIC = model(sp.beta(a + 1, b + n - 1) / sp.beta(a, b), n, [a, b], sp.Range(1, sp.oo), "beta-geometric")


def series(m, g, point, method: str = "r+s") -> float:
    """E[g] under m at the parameter point, by mpmath's sum over the support (``method="euler-maclaurin"`` where the
    terms decay as a power of k: the default extrapolation was 5·10⁻⁷ off on the beta-geometric law's tail)."""
    (data, support), = m.support
    term = sp.lambdify(data, (g * m.density).subs(point), "mpmath")
    with mpmath.workdps(20):
        return float(mpmath.nsum(term, [int(support.inf), mpmath.inf], method=method))


CASES = [
    # E[ψ(Y + r)] = ψ(r) − log p: the score of r has mean zero (Lawless 1987, Canad. J. Statist. 15, §2)
    pytest.param(NEGATIVE_BINOMIAL, sp.polygamma(0, n + r), sp.polygamma(0, r) - sp.log(p), {r: 2.3, p: 0.35},
                 id="negative-binomial"),
    # E[Y ψ(Y + r)] = ∂/∂r E[Y] + (ψ(r) − log p) E[Y], E[Y] = r(1 − p)/p
    pytest.param(NEGATIVE_BINOMIAL, n * sp.polygamma(0, n + r),
                 (1 - p) / p + (sp.polygamma(0, r) - sp.log(p)) * r * (1 - p) / p, {r: 0.6, p: 0.7},
                 id="negative-binomial-times-the-count"),
    # E[ψ(K + ρ + 1)] = ψ(ρ + 1) + 1/ρ under the Yule–Simon law (its score 1/ρ + ψ(ρ + 1) − ψ(K + ρ + 1) has mean
    # zero): the family Γ(u)/Γ(u + t), Γ(u) being below in ρB(k, ρ + 1); Γ(u + t)/Γ(u) sums to a ₃F₂ at 1
    pytest.param(YULE_SIMON, sp.polygamma(0, n + r + 1), sp.polygamma(0, r + 1) + 1 / r, {r: 4.5},
                 id="yule-simon-by-the-falling-family"),
    # E[ψ(K + b − 1)] = ψ(b) + 1/a under the beta-geometric law (the beta function of the count as gammas)
    pytest.param(BETA_GEOMETRIC, sp.polygamma(0, n + b - 1), sp.polygamma(0, b) + 1 / a, {a: 6.5, b: 1.4},
                 id="beta-geometric"),
]


@pytest.mark.parametrize("m, g, expected, point", CASES)
def test_closed_forms(m, g, expected, point):
    found = apply("atom", "digamma", m, g)
    assert found is not None and found.strategies[0] == "digamma" and len(found.strategies) > 1
    assert not found.conditions, found.conditions  # SymPy's (r ≥ 1 ∧ |p − 1| < 1) ∨ (r < 1 ∧ …) holds on p ∈ (0, 1)
    assert same(found.value, expected)
    assert float(found.value.subs(point)) == pytest.approx(series(m, g, point), rel=1e-9)


def test_detail_states_the_family():
    found = apply("atom", "digamma", NEGATIVE_BINOMIAL, sp.polygamma(0, n + r))
    assert "digamma as a derivative" in str(found.detail)


@pytest.mark.parametrize("g", [
    pytest.param(sp.polygamma(0, n + r) ** 3, id="a-cube"),
    pytest.param(sp.polygamma(1, n + r), id="trigamma"),
    pytest.param(sp.polygamma(0, 2 * n + r), id="a-slope-other-than-one"),
    pytest.param(sp.polygamma(0, n + r) ** 2 * sp.polygamma(0, n + 1), id="a-square-times-another-digamma"),
])
def test_declines(g):
    assert apply("atom", "digamma", NEGATIVE_BINOMIAL, g) is None


def test_a_square_is_the_second_derivative_less_the_trigamma_expectation():
    """E[ψ(Y + r)²] = ∂²/∂t² E[Γ(Y + r + t)/Γ(Y + r)] − E[ψ′(Y + r)] = ψ′(r) + (ψ(r) − log p)² − E[ψ′(Y + r)]; the last
    has no closed form (Lawless 1987 writes I_rr with it), so the value keeps it as a series, summed here."""
    g = sp.polygamma(0, n + r) ** 2
    found = apply("atom", "digamma", NEGATIVE_BINOMIAL, g)
    assert found is not None and not found.closed and found.strategies[0] == "digamma"
    (series_left,) = found.value.atoms(sp.Sum)
    assert same(found.value + series_left, sp.polygamma(1, r) + (sp.polygamma(0, r) - sp.log(p)) ** 2)
    assert series_left.function / NEGATIVE_BINOMIAL.density == sp.polygamma(1, n + r)
    point = {r: 1.7, p: 0.45}
    closed_part = float((found.value + series_left).subs(point))
    assert closed_part - series(NEGATIVE_BINOMIAL, sp.polygamma(1, n + r), point) == pytest.approx(
        series(NEGATIVE_BINOMIAL, g, point), rel=1e-9)


WARING = model(b * sp.gamma(n + a) * sp.gamma(a + b) / (sp.gamma(a) * sp.gamma(n + a + b + 1)), n, [a, b],
               sp.S.Naturals0, "waring")
BETA_NEGATIVE_BINOMIAL = model(sp.gamma(r + n) / (sp.factorial(n) * sp.gamma(r)) * sp.beta(a + r, b + n)
                               / sp.beta(a, b), n, [r, a, b], sp.S.Naturals0, "beta-negative-binomial")


@pytest.mark.parametrize("m, g, point", [
    # Γ(k + b − 1) above and Γ(k + a + b) below (B(a + 1, k + b − 1)): rising in one, falling in the other
    pytest.param(BETA_GEOMETRIC, sp.polygamma(0, n + b - 1) * sp.polygamma(0, n + a + b), {a: 3.5, b: 1.7},
                 id="beta-geometric"),
    pytest.param(WARING, sp.polygamma(0, n + a) * sp.polygamma(0, n + a + b + 1), {a: 1.3, b: 4.2}, id="waring"),
    pytest.param(BETA_NEGATIVE_BINOMIAL, sp.polygamma(0, n + r) * sp.polygamma(0, n + b), {r: 2.2, a: 3.1, b: 0.8},
                 id="beta-negative-binomial-both-above"),
])
def test_a_product_of_two_digammas_is_their_mixed_derivative(m, g, point):
    """E[ψ(u)ψ(v)·rest] = σ_uσ_v ∂²/∂t∂s E[ratio_u(t)·ratio_v(s)·rest] at t = s = 0: closed, no ψ′ term left, and
    equal to the series summed at a point (the beta-geometric law's E[ψ(K + b − 1)ψ(K + a + b)] had stayed open, so
    its information equality was only inconclusive)."""
    found = apply("atom", "digamma", m, g)
    assert found is not None and found.closed and found.strategies[0] == "digamma"
    assert not found.conditions, found.conditions
    assert "digamma as a derivative" in str(found.detail)
    assert float(found.value.subs(point)) == pytest.approx(series(m, g, point, "euler-maclaurin"), rel=1e-9)


def test_several_counts_by_a_shift_of_the_parameter_that_absorbs_the_ratio():
    """The negative multinomial law Γ(k₀ + x₁ + x₂)/(Γ(k₀)x₁!x₂!)·p₀^k₀ p₁^x₁ p₂^x₂ (p₀ = 1 − p₁ − p₂): its total
    x₁ + x₂ is negative binomial (k₀, p₀) (Johnson, Kotz & Balakrishnan 1997, ch. 36), so E[ψ(k₀ + x₁ + x₂)] =
    ψ(k₀) − log p₀, and E[x₁ψ(k₀ + x₁ + x₂)] = ∂/∂t[Γ(k₀ + t)p₀^(−t)/Γ(k₀)·(k₀ + t)p₁/p₀] at 0. SymPy does not sum
    the family over ℕ₀²; k₀ → k₀ + t turns Γ(k₀ + Σx) into Γ(k₀ + Σx + t), which absorbs the ratio."""
    from sympy.stats import NegativeMultinomial

    k0, p1, p2 = sp.Symbol("k0", positive=True), *sp.symbols("p1 p2", positive=True)
    law = Model.from_stats(NegativeMultinomial("X", k0, [p1, p2]), [k0, p1, p2])
    x1, x2 = law.data
    p0 = 1 - p1 - p2
    mean_log = sp.polygamma(0, k0) - sp.log(p0)
    for g, expected in ((sp.polygamma(0, k0 + x1 + x2), mean_log),
                        (x1 * sp.polygamma(0, k0 + x1 + x2), p1 / p0 + mean_log * k0 * p1 / p0)):
        found = apply("atom", "digamma", law, g)
        assert found is not None and found.closed and found.strategies[:2] == ("digamma", "parameter-shift")
        assert same(found.value, expected), found.value
        assert "absorbs the ratio" in str(found.detail)
    # its square keeps E[ψ′(k₀ + x₁ + x₂)], a series over ℕ₀² with no closed form
    square = apply("atom", "digamma", law, sp.polygamma(0, k0 + x1 + x2) ** 2)
    assert square is not None and not square.closed
    (series_left,) = square.value.atoms(sp.Sum)
    assert same(square.value + series_left, mean_log**2 + sp.polygamma(1, k0))


def test_digamma_factors():
    assert digamma_factors(n**2 * sp.polygamma(0, n + r), n) == (((n + r, 1),), n**2)
    assert digamma_factors(sp.polygamma(0, n + r) ** 2 / (n + 1), n) == (((n + r, 2),), 1 / (n + 1))
    u, v = n + r, n + r + 2
    assert digamma_factors(n * sp.polygamma(0, u) * sp.polygamma(0, v), n) in ((((u, 1), (v, 1)), n),
                                                                               (((v, 1), (u, 1)), n))
    assert digamma_factors(sp.polygamma(0, r), n) is None
    assert digamma_factors(sp.polygamma(0, u) ** 2 * sp.polygamma(0, v), n) is None
    m = sp.Symbol("m", integer=True, nonnegative=True)
    assert digamma_factors(sp.polygamma(0, r + n + m), (n, m)) == (((r + n + m, 1),), 1)
    assert digamma_factors(sp.polygamma(0, r + n - m), (n, m)) is None  # a coefficient other than 1
