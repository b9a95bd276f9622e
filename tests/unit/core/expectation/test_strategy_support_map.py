"""Strategy "support-map" (strategies/support.py): a support that is not (0, 1), (0, ∞) or ℝ is mapped
onto one of them exactly (x = a + (b − a)u, x = a/u, x = a + y), bounds depending on θ included."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import BERNOULLI, EXPONENTIAL, UNIFORM, apply, model, n, same, theta, x

xr = sp.Symbol("x", real=True)
SHIFTED_EXPONENTIAL = model(sp.exp(theta - xr), xr, [theta], sp.Interval.open(theta, sp.oo), "shifted-exponential")
PARETO = model(3 * theta**3 / x**4, x, [theta], sp.Interval.open(theta, sp.oo), "pareto-shape-3")


@pytest.mark.parametrize("m, f, expected", [
    pytest.param(UNIFORM, x, theta / 2, id="uniform-mean"),
    pytest.param(UNIFORM, x**2, theta**2 / 3, id="uniform-second-moment"),
    pytest.param(SHIFTED_EXPONENTIAL, xr, theta + 1, id="shifted-exponential-mean"),
    pytest.param(PARETO, x, 3 * theta / 2, id="pareto-mean"),
])
def test_closed_forms(m, f, expected):
    r = apply("expression", "support-map", m, f)
    assert r.strategies[0] == "support-map"
    assert same(r.value, expected)
    assert r.detail.startswith("support map x = ")


def test_uniform_maps_onto_the_unit_interval():
    r = apply("expression", "support-map", UNIFORM, x)
    assert r.detail.startswith("support map x = ") and "density 1 on (0, 1)" in r.detail


@pytest.mark.parametrize("m, f", [
    pytest.param(EXPONENTIAL, x, id="canonical-support"),
    pytest.param(BERNOULLI, n, id="discrete"),
    pytest.param(UNIFORM, theta, id="data-free"),
])
def test_does_not_apply(m, f):
    assert apply("expression", "support-map", m, f) is None


@pytest.mark.slow
def test_power_function_law_on_a_moving_interval_closes_every_entry():
    """α(x − a)^(α−1)/(b − a)^α on (a, b) (sympy.stats' PowerFunction). With u = (x − a)/(b − a) ~ Beta(α, 1),
    E[log u] = −1/α, E[1/u] = α/(α − 1), E[u⁻²] = α/(α − 2), E[log(u)/u] = −α/(α − 1)² give (by hand)
    I = [[1/α², 1/((α − 1)(b − a)), 0], [·, α/((α − 2)(b − a)²), 0], [0, 0, α²/(b − a)²]]. The Mellin kernel
    met (b·u − a·u)^(α−1) and split (−1/(a − b))^α into a wrong branch before; the entries were open."""
    import symfisher as sf
    from symfisher.core.evidence import numeric_expectation

    alpha = sp.Symbol("alpha", positive=True)
    a, b = sp.Symbol("a", negative=True), sp.Symbol("b", positive=True)
    m = sf.Model.from_pdf(alpha * (xr - a) ** (alpha - 1) / (b - a) ** alpha, xr, [alpha, a, b],
                          sp.Interval(a, b), name="power-function")
    d = sf.derive(m)
    w = b - a
    expected = sp.Matrix([[1 / alpha**2, 1 / ((alpha - 1) * w), 0],
                          [1 / ((alpha - 1) * w), alpha / ((alpha - 2) * w**2), 0],
                          [0, 0, alpha**2 / w**2]])
    assert not d.fisher.has(sp.Integral)
    assert all(same(d.fisher[i, j], expected[i, j]) for i in range(3) for j in range(3)), d.fisher
    assert d.equality.status == "refuted"  # the support moves with a and b
    at = {alpha: sp.Rational(213, 200), a: sp.Rational(-111, 200), b: sp.Rational(677, 500)}  # α < 2: E[s_a²] = ∞
    score = [sp.diff(m.logpdf, p) for p in m.params]
    by_quadrature = numeric_expectation(score[1] * score[2], m.density, m.support_map, at)
    assert by_quadrature == pytest.approx(0.0, abs=1e-9)  # was −0.100 in x: mass below the float spacing near a


def test_a_base_with_a_parameter_in_a_denominator_is_factored_not_refused():
    """(1 + u/s)^(−a−1), the Lomax law moved by its support map: SymPy's ``factor_list`` refuses u/s + 1 ("a polynomial
    expected"), which made the support map raise for every entry; numerator and denominator are factored apart."""
    from symfisher.core.expectation.strategies.substitution import factored_bases

    u = sp.Dummy("u", positive=True)
    a, s = sp.symbols("a s", positive=True)
    q = (1 + u / s) ** (-a - 1)
    assert factored_bases(q, u, sp.Interval.open(0, sp.oo), {a: sp.Interval.open(0, sp.oo)}) == q
    w = sp.sqrt(1 - u / s**2 + u**2 / s**2)  # numeric factors of u only: still refused, never raised
    assert factored_bases(w, u, sp.Interval.open(0, 1), {s: sp.Interval.open(0, sp.oo)}) == w


@pytest.mark.slow
def test_lomax_law_on_a_shifted_support_closes_every_entry():
    """a/s·(1 + (x − 1)/s)^(−a−1) on (1, ∞): the Lomax (Pareto II) law moved by one. With T = log(1 + (x − 1)/s) ~
    Exp(a) and E[(1 + (x − 1)/s)^−k] = a/(a + k), its information is (by hand, as in Giles, Feng & Godwin 2013 for
    the Lomax law) [[1/a², −1/(s(a + 1))], [·, a/(s²(a + 2))]]. The entries stayed open while the support map raised
    on every one of them."""
    import symfisher as sf
    from symfisher.core.evidence import numeric_expectation

    a, s = sp.symbols("a s", positive=True)
    m = sf.Model.from_pdf(a / s * (1 + (xr - 1) / s) ** (-a - 1), xr, [a, s], sp.Interval.open(1, sp.oo),
                          name="lomax-shifted")
    d = sf.derive(m)
    expected = sp.Matrix([[1 / a**2, -1 / (s * (a + 1))], [-1 / (s * (a + 1)), a / (s**2 * (a + 2))]])
    assert d.failures == ()
    assert (d.fisher - expected).applyfunc(sp.simplify) == sp.zeros(2, 2)
    assert d.equality.status == "proved"
    at = {a: sp.Rational(5, 2), s: sp.Rational(7, 5)}
    score = [sp.diff(m.logpdf, p) for p in m.params]
    by_quadrature = numeric_expectation(score[0] * score[1], m.density, m.support_map, at)
    assert by_quadrature == pytest.approx(float(expected[0, 1].subs(at)), rel=1e-8)
