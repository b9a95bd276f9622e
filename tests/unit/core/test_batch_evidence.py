"""Many expectations at once (the verdict's evidence for open entries): the same values as one-by-one QUADPACK,
``nan`` where an integral diverges, and ``None`` where the route does not apply."""

import math

import pytest
import sympy as sp

from symfisher.core.batch_evidence import kinks, numeric_expectations_many
from symfisher.core.evidence import numeric_expectations

x = sp.Symbol("x", real=True)
a, b, c = sp.symbols("a b c", real=True)


def _triangular():
    """Triangular law on (a, b) with mode c: a density with a kink at c, and support ends that move."""
    pdf = sp.Piecewise((2 * (x - a) / ((b - a) * (c - a)), (x >= a) & (x < c)),
                       (2 * (b - x) / ((b - a) * (b - c)), (x >= c) & (x <= b)), (0, True))
    return pdf, {x: sp.Interval(a, b)}


def test_piecewise_moments_match_one_by_one_quadrature_and_the_exact_values():
    pdf, support = _triangular()
    points = [{a: sp.Rational(-1), b: sp.Rational(3), c: sp.Rational(1, 2)},
              {a: sp.Rational(2), b: sp.Rational(7, 2), c: sp.Rational(3)}]
    exprs = [sp.Integer(1), x, x**2, sp.log(x - a)]
    many = numeric_expectations_many(exprs, pdf, support, points)
    for f, values in zip(exprs, many):
        assert values == pytest.approx(numeric_expectations(f, pdf, support, points), rel=1e-9, abs=1e-12)
    for n, p in enumerate(points):
        mean = (p[a] + p[b] + p[c]) / 3  # E[X] of the triangular law
        second = (p[a]**2 + p[b]**2 + p[c]**2 + p[a] * p[b] + p[a] * p[c] + p[b] * p[c]) / 6
        assert many[0][n] == pytest.approx(1.0, rel=1e-12)
        assert many[1][n] == pytest.approx(float(mean), rel=1e-12)
        assert many[2][n] == pytest.approx(float(second), rel=1e-12)


def test_the_kinks_are_the_switching_points_of_the_conditions():
    pdf, _ = _triangular()
    assert set(kinks([pdf, sp.Abs(x - 2 * b)], x)) == {a, c, b, 2 * b}


def test_a_divergent_integral_is_nan_and_an_integrable_end_singularity_is_kept():
    """Under p = 2x on (0, 1), E[1/x²] = ∫ 2/x diverges (logarithmically, at the end where the nodes crowd);
    E[x^(−1.8)] = ∫ 2x^(−0.8) = 10 converges, with most of its mass near 0."""
    p = sp.Symbol("p", positive=True)
    values = numeric_expectations_many([1 / x**2, x ** (-p)], 2 * x, {x: sp.Interval(0, 1)}, [{p: sp.Rational(9, 5)}])
    assert math.isnan(values[0][0])
    assert values[1][0] == pytest.approx(10.0, rel=1e-7)


def test_the_whole_line_and_a_half_line():
    """Normal(μ, 1) on ℝ: E[(x − μ)²] = 1, E[x] = μ; Exp(λ) on (0, ∞): E[x²] = 2/λ²."""
    mu, lam = sp.Symbol("mu", real=True), sp.Symbol("lambda", positive=True)
    normal = sp.exp(-(x - mu) ** 2 / 2) / sp.sqrt(2 * sp.pi)
    values = numeric_expectations_many([(x - mu) ** 2, x], normal, {x: sp.S.Reals}, [{mu: sp.Rational(3, 2)}])
    assert values == [pytest.approx([1.0], rel=1e-10), pytest.approx([1.5], rel=1e-10)]
    values = numeric_expectations_many([x**2], lam * sp.exp(-lam * x), {x: sp.Interval(0, sp.oo)}, [{lam: 4}])
    assert values == [pytest.approx([2 / 16], rel=1e-10)]


def test_an_end_whose_finiteness_sympy_cannot_tell():
    """Shifted exponential on [t0³, ∞) with a plain symbol t0 (``(t0**3).is_finite`` is None): E[x] = t0³ + 1/λ."""
    t0, lam = sp.Symbol("t0"), sp.Symbol("lambda", positive=True)
    values = numeric_expectations_many([x], lam * sp.exp(-lam * (x - t0**3)), {x: sp.Interval(t0**3, sp.oo)},
                                       [{t0: sp.Rational(-3, 2), lam: 2}])
    assert values == [pytest.approx([-27 / 8 + 1 / 2], rel=1e-10)]


def test_not_applicable_gives_none():
    y, z, w = sp.symbols("y z w", real=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    four = numeric_expectations_many([x * y], sp.exp(-x - y - z - w), dict.fromkeys((x, y, z, w), sp.Interval(0, sp.oo)),
                                     [{}])  # nested quadrature has 1–3 axes
    integers = numeric_expectations_many([k], sp.exp(-abs(k)) * (1 - sp.exp(-1)) / (1 + sp.exp(-1)),
                                         {k: sp.S.Integers}, [{}])  # Σ in both directions: the one-by-one route
    free = numeric_expectations_many([x * a], sp.exp(-x), {x: sp.Interval(0, sp.oo)}, [{}])
    assert four is None and integers is None and free is None


def test_a_box_of_two_or_three_axes_is_one_nested_quadrature():
    """Independent exponential and Poisson coordinates: E[x y] = 1/(λμ), E[x²] = 2/λ², E[k] = ν; three Poisson counts
    over ℕ₀³: E[k₁k₂k₃] = ν₁ν₂ν₃. Where p is no density (the mass is not 1) no value is kept."""
    y = sp.Symbol("y", real=True)
    lam, mu, nu = sp.symbols("lambda mu nu", positive=True)
    pdf = lam * mu * sp.exp(-lam * x - mu * y)
    half = {x: sp.Interval(0, sp.oo), y: sp.Interval(0, sp.oo)}
    point = {lam: sp.Rational(3, 2), mu: sp.Rational(2, 5)}
    many = numeric_expectations_many([x * y, x**2], pdf, half, [point, {lam: 2, mu: 5}])
    assert many[0] == pytest.approx([1 / (1.5 * 0.4), 1 / 10], rel=1e-9)
    assert many[1] == pytest.approx([2 / 1.5**2, 2 / 4], rel=1e-9)
    assert numeric_expectations_many([x], 2 * pdf, half, [point]) == [[pytest.approx(float("nan"), nan_ok=True)]]

    k1, k2, k3 = sp.symbols("k1:4", integer=True, nonnegative=True)
    rates = sp.symbols("nu1:4", positive=True)
    poisson = sp.Mul(*(r**c * sp.exp(-r) / sp.factorial(c) for r, c in zip(rates, (k1, k2, k3))))
    at = dict(zip(rates, (sp.Rational(7, 5), sp.Rational(3, 10), sp.Integer(4))))
    many = numeric_expectations_many([k1 * k2 * k3, k3**2], poisson, dict.fromkeys((k1, k2, k3), sp.Naturals0), [at])
    assert many == [[pytest.approx(1.4 * 0.3 * 4, rel=1e-9)], [pytest.approx(4 + 16, rel=1e-9)]]


k = sp.Symbol("k", integer=True, nonnegative=True)


def test_sums_over_the_integers_match_the_exact_moments_at_every_point():
    """Poisson moments on ℕ₀, and binomial ones on {0, …, n} with n a parameter: every sum at every point at once."""
    lam, n, p = sp.Symbol("lambda", positive=True), sp.Symbol("n", positive=True, integer=True), sp.Symbol("p")
    exprs = [sp.Integer(1), k, k**2]
    poisson = numeric_expectations_many(exprs, lam**k * sp.exp(-lam) / sp.factorial(k), {k: sp.Range(0, sp.oo)},
                                        [{lam: sp.Rational(3, 2)}, {lam: 7}])
    assert poisson == [pytest.approx([1, 1], rel=1e-13), pytest.approx([1.5, 7], rel=1e-13),
                       pytest.approx([1.5 + 1.5**2, 7 + 49], rel=1e-13)]
    binomial = numeric_expectations_many(exprs, sp.binomial(n, k) * p**k * (1 - p)**(n - k), {k: sp.Range(0, n + 1)},
                                         [{n: 5, p: sp.Rational(1, 3)}, {n: 12, p: sp.Rational(4, 5)}])
    assert binomial[1] == pytest.approx([5 / 3, 12 * 0.8], rel=1e-13)
    assert binomial[2] == pytest.approx([5 / 3 * 2 / 3 + (5 / 3)**2, 12 * 0.8 * 0.2 + 9.6**2], rel=1e-13)


def test_a_large_binomial_coefficient_and_a_power_law_tail_still_sum():
    """binomial(k + r − 1, k) at r ≈ 561 (Γ(k + r)/Γ(r) is inf/inf in floats; SciPy's binom is not), and a zeta law's
    E[log²(k + 1)], whose power-law tail outlasts the batch and is summed again with its tail at that point."""
    r, p, s = sp.Symbol("r", positive=True), sp.Symbol("p", positive=True), sp.Symbol("s", positive=True)
    negative_binomial = sp.binomial(k + r - 1, k) * p**r * (1 - p)**k
    mean = numeric_expectations_many([k], negative_binomial, {k: sp.Naturals0}, [{r: 561, p: sp.Rational(49, 50)}])
    assert mean == [pytest.approx([561 * (1 / 50) / (49 / 50)], rel=1e-12)]
    zeta = (k + 1)**-s / sp.zeta(s)
    point = [{s: sp.Rational(12, 5)}]
    many = numeric_expectations_many([sp.log(k + 1)**2], zeta, {k: sp.Range(0, sp.oo)}, point)
    assert many == [pytest.approx(numeric_expectations(sp.log(k + 1)**2, zeta, {k: sp.Range(0, sp.oo)}, point),
                                  rel=1e-12)]


@pytest.mark.slow
def test_a_divergent_open_entry_leaves_the_verdict_without_numbers_and_says_why():
    """The arcsine law's E[s_a²] holds E[(x − a)^−2] under a density ∝ (x − a)^−1/2, which diverges at x = a. Left
    open (here: no time for the support map that now closes it as ∞), the verdict stays inconclusive with no
    evidence, where QUADPACK had returned a finite number for it."""
    import symfisher as sf
    from benchmarks.stats_families import family

    no_time = sf.Config.defaults().merge(entry_timeout=0.01, open_timeout=0.01)
    d = sf.derive(family("Arcsin").model(), timeout=60, config=no_time)  # a < b as parameter domains
    assert not d.closed
    assert d.equality.status == "inconclusive" and d.equality.evidence == ()
    assert "had no sampled point where every entry converged (one may be infinite) (no numeric evidence)" \
        in d.equality.reason


def test_no_mass_where_p_underflows_and_no_values_where_the_mass_is_missed():
    """The exponentiated Weibull law's E[s_a²]: the integrand is 0/0 where t^a underflows beside t = 0 and inf/inf
    where e^(t^a) overflows, where p is below 1e-150, and there it counts as no mass (the same value as QUADPACK
    one by one). At a = 3·10⁴ p is a spike of width 1/a that the nodes miss: ∫p ≠ 1, so no values, not wrong ones."""
    t, al, be = sp.Symbol("t", positive=True), *sp.symbols("a b", positive=True)
    pdf = al * be * t ** (al - 1) * (1 - sp.exp(-t**al)) ** (be - 1) * sp.exp(-t**al)
    score = (al * (t**al * (be - 1) - (t**al - 1) * (sp.exp(t**al) - 1)) * sp.log(t) + sp.exp(t**al) - 1) / (
        al * (sp.exp(t**al) - 1))  # as the engine writes ∂ log p/∂a
    support = {t: sp.Interval.open(0, sp.oo)}
    ordinary, spike = {al: sp.Rational(10, 3), be: sp.Rational(11, 4)}, {al: 30000, be: 60000}
    values = numeric_expectations_many([score**2, sp.Integer(1)], pdf, support, [ordinary, spike])
    plain = sp.diff(sp.expand_log(sp.log(pdf), force=True), al) ** 2  # the same function, as QUADPACK can take it
    assert values[0][0] == pytest.approx(numeric_expectations(plain, pdf, support, [ordinary])[0], rel=1e-9)
    assert values[1][0] == pytest.approx(1.0, rel=1e-12)
    assert math.isnan(values[0][1]) and math.isnan(values[1][1])
