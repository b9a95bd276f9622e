"""cross_check: Monte Carlo and quadrature agree with the closed forms; it catches wrong ones."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from _numeric_cases import NAMES, derivation, numeric, points
from symfisher import ModelError, NotSupportedError
from symfisher.numeric.crosscheck import CrossCheck, cross_check, sample

CASE_POINTS = [pytest.param(name, i, id=f"{name}-{i}") for name in NAMES for i in range(2)]


@pytest.mark.parametrize("name,i", CASE_POINTS)
def test_monte_carlo_agrees(name, i):
    report = cross_check(derivation(name), points(name)[i], n=200_000, seed=i, method="monte-carlo")
    assert report.passed, report
    assert report.method == "monte-carlo" and report.n == 200_000
    k = len(derivation(name).params)
    assert len(report.entries) == k * (k + 1) + k
    assert all(abs(e.score) < 5 for e in report.entries)


@pytest.mark.parametrize("name,i", CASE_POINTS)
def test_quadrature_agrees(name, i):
    report = cross_check(derivation(name), points(name)[i], method="auto")
    assert report.method == "quadrature" and report.passed, report
    assert max(e.score for e in report.entries) < 1e-6


def test_reproducible_and_readable():
    d = derivation("gamma-rate")
    a = cross_check(d, {"alpha": 2.0, "beta": 0.5}, n=5000, seed=11, method="monte-carlo")
    b = cross_check(d, {sp.Symbol("alpha", positive=True): 2.0, "beta": 0.5}, n=5000, seed=11, method="mc")
    assert a.entries == b.entries
    assert isinstance(a, CrossCheck)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.n = 3  # type: ignore[misc]
    text = repr(a)
    assert text.startswith("CrossCheck(gamma-rate at alpha = 2, beta = 0.5; monte-carlo, n = 5000, seed = 11: passed")
    assert "I[alpha, beta]" in text and "E[s_beta]" in text


def test_detects_a_wrong_closed_form():
    import symfisher.catalog as derivations

    d = derivation("normal")
    wrong = dataclasses.replace(d, fisher=sp.ImmutableMatrix(derivations.get("normal").fisher) * sp.Rational(11, 10))
    for method in ("monte-carlo", "quadrature"):
        report = cross_check(wrong, {"mu": 0.0, "sigma": 1.5}, n=200_000, method=method)
        assert not report.passed
        assert {e.label for e in report.failures} == {"I[mu, mu]", "I[sigma, sigma]"}
        assert "FAILED" in repr(report)


def test_samplers_match_moments():
    rng_mean = np.mean(sample(numeric("beta"), [0.6, 0.9], {}, 200_000, 1))
    assert rng_mean == pytest.approx(0.6 / 1.5, abs=5 * np.sqrt(0.6 * 0.9 / (1.5**2 * 2.5) / 200_000))
    pois = sample(numeric("poisson"), [4.0], {}, 100_000, 2)
    assert set(np.unique(pois)) <= set(np.arange(0.0, 40.0))
    assert pois.mean() == pytest.approx(4.0, abs=5 * np.sqrt(4.0 / 100_000))
    assert np.array_equal(sample(numeric("exponential"), [2.0], {}, 1000, 5),
                          sample(numeric("exponential"), [2.0], {}, 1000, 5))


def test_bad_requests():
    d = derivation("normal")
    with pytest.raises(ModelError, match=r"^model normal: no value given for sigma$"):
        cross_check(d, {"mu": 0.0})
    with pytest.raises(ModelError, match=r"^model normal: 'tau' is not a parameter or covariate \(mu, sigma\)$"):
        cross_check(d, {"mu": 0.0, "sigma": 1.0, "tau": 2.0})
    with pytest.raises(ModelError, match=r"^model normal: parameter sigma = -1\.0 is outside its domain \(0, inf\)$"):
        cross_check(d, {"mu": 0.0, "sigma": -1.0})
    with pytest.raises(ModelError, match=r"^method must be 'auto', 'monte-carlo' or 'quadrature', got 'exact'$"):
        cross_check(d, {"mu": 0.0, "sigma": 1.0}, method="exact")
    with pytest.raises(ModelError, match=r"^n must be an integer ≥ 2, got 1$"):
        cross_check(d, {"mu": 0.0, "sigma": 1.0}, n=1)


def test_multivariate_data():
    import symfisher as sf
    from symfisher.core.verdict import Verdict

    x1, x2, mu = sp.Symbol("x1", real=True), sp.Symbol("x2", real=True), sp.Symbol("mu", real=True)
    model = sf.Model.from_logpdf(-(x1 - mu) ** 2 / 2 - (x2 - mu) ** 2 / 2 - sp.log(2 * sp.pi), [x1, x2], [mu],
                                 {x1: sp.S.Reals, x2: sp.S.Reals}, name="two-normals", validate=False)
    score = sp.ImmutableMatrix([sp.diff(model.logpdf, mu)])
    d = sf.Derivation(model, score, sp.ImmutableMatrix([[sp.diff(score[0], mu)]]), sp.ImmutableMatrix([[2]]),
                      sp.ImmutableMatrix([[2]]), Verdict("proved", "by hand"), sp.ImmutableMatrix([0]))
    report = cross_check(d, {"mu": 0.3})  # quadrature over the plane
    assert report.method == "quadrature" and report.passed, report
    assert [e.estimate for e in report.entries] == pytest.approx([2.0, 2.0, 0.0], abs=1e-12)
    with pytest.raises(NotSupportedError, match=r"^model two-normals: no sampler for 2 data symbols; "
                                                r"use method='quadrature'$"):
        cross_check(d, {"mu": 0.0}, method="monte-carlo")
    wrong = dataclasses.replace(d, fisher=sp.ImmutableMatrix([[3]]))
    assert [e.passed for e in cross_check(wrong, {"mu": 0.3}).entries] == [False, True, True]
    num = d.lambdify()
    x = np.array([[0.5, 1.5], [1.0, -1.0], [0.0, 0.0]])
    np.testing.assert_allclose(num.score(x, 0.25), [[1.5], [-0.5], [-0.5]], rtol=1e-15)
    assert num.fisher(np.zeros(3)).tolist() == [[[2.0]]] * 3
    with pytest.raises(ModelError, match=r"^model two-normals: the data need a trailing axis of size 2 \(x1, x2\), "
                                         r"got shape \(3,\)$"):
        num.score(np.zeros(3), 0.0)
    t = sp.Symbol("t", real=True)
    integral = sp.ImmutableMatrix([[sp.Integral(sp.exp(-t**2) * mu**2, (t, 0, 1))]])
    open_d = dataclasses.replace(d, fisher=integral, neg_expected_hessian=integral)
    open_num = open_d.lambdify()  # open entries over two data axes: nested quadrature (symfisher.core.quadrature)
    np.testing.assert_allclose(open_num.fisher([0.0, 1.5]), [[[2.0]]] * 2, rtol=1e-10)
    assert np.all(open_num.fisher_error(0.0) < 1e-9)


def test_several_data_symbols_on_a_simplex_and_on_finitely_many_points():
    """A Dirichlet (α₁, α₂, α₃) on {x₁, x₂ > 0, x₁ + x₂ < 1}: I = diag ψ′(α_i) − ψ′(α₀) 11ᵀ, checked over the simplex
    (stick-breaking quadrature, the edge singularity x^(α−1) with α < 1 included); a trinomial with n = 4 on the points
    x₁ + x₂ ≤ 4 of its joint support, I = n(diag(1/p) + 1 1ᵀ/p₃)."""
    import symfisher as sf

    a = sp.symbols("alpha1:4", positive=True)
    x = sp.symbols("x1:3", positive=True)
    density = sp.gamma(sum(a)) / sp.Mul(*map(sp.gamma, a)) * x[0] ** (a[0] - 1) * x[1] ** (a[1] - 1) \
        * (1 - x[0] - x[1]) ** (a[2] - 1)
    dirichlet = sf.derive(sf.Model.from_pdf(density, list(x), list(a), sf.Model.simplex(x, 1)))
    report = cross_check(dirichlet, {"alpha1": 0.7, "alpha2": 1.3, "alpha3": 2.1})
    assert report.passed and max(e.score for e in report.entries) < 1e-10, report
    estimate = {e.label: e.estimate for e in report.entries}
    psi1 = lambda v: float(sp.polygamma(1, v))  # noqa: E731
    assert estimate["I[alpha1, alpha1]"] == pytest.approx(psi1(0.7) - psi1(4.1), rel=1e-10)
    assert estimate["I[alpha1, alpha2]"] == pytest.approx(-psi1(4.1), rel=1e-10)

    n, p1, p2 = 4, *sp.symbols("p1 p2", positive=True)
    k1, k2 = sp.symbols("k1 k2", integer=True, nonnegative=True)
    pmf = sp.factorial(n) / (sp.factorial(k1) * sp.factorial(k2) * sp.factorial(n - k1 - k2)) \
        * p1**k1 * p2**k2 * (1 - p1 - p2) ** (n - k1 - k2)
    points = sp.FiniteSet(*[sp.Tuple(i, j) for i in range(n + 1) for j in range(n + 1 - i)])
    trinomial = sf.derive(sf.Model.from_pdf(pmf, [k1, k2], [p1, p2], points, domain={p1: sp.Interval.open(0, 0.5),
                                                                                      p2: sp.Interval.open(0, 0.5)}))
    report = cross_check(trinomial, {"p1": 0.2, "p2": 0.3})
    assert report.passed, report
    estimate = {e.label: e.estimate for e in report.entries}
    assert estimate["I[p1, p1]"] == pytest.approx(n * (1 / 0.2 + 1 / 0.5), rel=1e-12)
    assert estimate["I[p1, p2]"] == pytest.approx(n / 0.5, rel=1e-12)


def test_several_data_symbols_without_a_quadrature_say_why():
    """A law on the unit disc (tilted by e^{θx₁}): a continuous joint support that is not a simplex has no reliable
    quadrature (the box with the disc's indicator): cross_check says so in one line instead of returning a number."""
    import symfisher as sf
    from symfisher.core.verdict import Verdict

    x1, x2 = sp.symbols("x1 x2", real=True)
    theta = sp.Symbol("theta", positive=True)
    disc = sp.ConditionSet(sp.Tuple(x1, x2), x1**2 + x2**2 < 1, sp.Interval(-1, 1) * sp.Interval(-1, 1))
    model = sf.Model.from_logpdf(theta * x1 - sp.log(2 * sp.besseli(1, theta) / theta) - sp.log(sp.pi), [x1, x2],
                                 [theta], disc, name="disc", validate=False)
    one = sp.ImmutableMatrix([[1]])
    d = sf.Derivation(model, sp.ImmutableMatrix([sp.diff(model.logpdf, theta)]),
                      sp.ImmutableMatrix([[sp.diff(model.logpdf, theta, 2)]]), one, one,
                      Verdict("inconclusive", "by hand"), sp.ImmutableMatrix([0]))
    with pytest.raises(NotSupportedError, match=r"^model disc: no quadrature over its support: the continuous joint "
                                                r"support .* is not a simplex"):
        cross_check(d, {"theta": 0.5})
