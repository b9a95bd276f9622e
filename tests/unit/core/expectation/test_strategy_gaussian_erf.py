"""Strategy "gaussian-erf" (strategies/gaussian_erf.py): ∫ q(x) e^{Q(x)} erf(αx + β) dx on ℝ by Stein's identity."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import NORMAL, apply, mu, same, sigma, xr

from symfisher import Model
from symfisher.core.expectation.strategies.gaussian_erf import erf_moment

a = sp.Symbol("a", real=True)
y = sp.Symbol("y", real=True)
#: the skew-normal law 2φ(y)Φ(ay) (Azzalini 1985), with Φ written as (1 + erf(·/√2))/2
SKEW_NORMAL = Model.from_pdf(sp.exp(-y**2 / 2) / sp.sqrt(2 * sp.pi) * (1 + sp.erf(a * y / sp.sqrt(2))), y, [a],
                             sp.Reals, name="skew-normal")
DELTA = a / sp.sqrt(1 + a**2)


@pytest.mark.parametrize("g, expected", [
    pytest.param(sp.Integer(1), 1, id="mass"),
    pytest.param(y, sp.sqrt(2 / sp.pi) * DELTA, id="mean"),
    pytest.param(y**2, 1, id="second-moment"),
    pytest.param(y**3, sp.sqrt(2 / sp.pi) * DELTA * (3 - DELTA**2), id="third-moment"),
    # y·φ(ay)/Φ(ay): the density's 1 + erf cancels, leaving an odd Gaussian integral (the mean score's atom)
    pytest.param(y * sp.exp(-a**2 * y**2 / 2) / (1 + sp.erf(a * y / sp.sqrt(2))), 0, id="cancelled-against-density"),
])
def test_skew_normal_moments(g, expected):
    """Azzalini (1985), "A class of distributions which includes the normal ones", Scand. J. Statist. 12, 171-178:
    E[Y] = √(2/π) δ and E[Y³] = √(2/π) δ (3 − δ²) with δ = a/√(1 + a²); E[Y²] = 1 as for the normal law."""
    r = apply("atom", "gaussian-erf", SKEW_NORMAL, g)
    assert r is not None and r.strategies == ("gaussian-erf",)
    assert same(r.value, expected)
    assert r.detail.rule == "Stein's identity"


def test_an_error_function_in_the_atom_under_a_normal_law():
    """E[X erf(X)] under N(μ, σ²), against mpmath at a point."""
    r = apply("atom", "gaussian-erf", NORMAL, xr * sp.erf(xr))
    point = {mu: sp.Rational(3, 10), sigma: sp.Rational(6, 5)}
    quad = mpmath.quad(lambda t: t * mpmath.erf(t) * mpmath.npdf(t, 0.3, 1.2), [-mpmath.inf, mpmath.inf])
    assert float(r.value.subs(point)) == pytest.approx(float(quad), rel=1e-12)


@pytest.mark.parametrize("n", range(6))
def test_the_recursion_against_quadrature(n):
    value = erf_moment(n, sp.Rational(7, 10), sp.Rational(-3, 10))
    quad = mpmath.quad(lambda t: t**n * mpmath.exp(-t**2 / 2) * mpmath.erf(0.7 * t - 0.3), [-mpmath.inf, mpmath.inf])
    assert float(value) == pytest.approx(float(quad), rel=1e-12, abs=1e-14)


lam, s = sp.Symbol("lamda", positive=True), sp.Symbol("s", positive=True)
#: the exponentially modified Gaussian law X = N(μ, s²) + Exp(λ), as sympy.stats.ExGaussian writes it
EX_GAUSSIAN = Model.from_pdf(lam / 2 * sp.exp(lam * (lam * s**2 + 2 * mu - 2 * y) / 2)
                             * sp.erfc((lam * s**2 + mu - y) / (sp.sqrt(2) * s)), y, [mu, s, lam], sp.Reals,
                             name="ex-gaussian")


@pytest.mark.parametrize("g, expected", [
    pytest.param(sp.Integer(1), 1, id="mass"),
    pytest.param(y, mu + 1 / lam, id="mean"),
    pytest.param(y**2, s**2 + 1 / lam**2 + (mu + 1 / lam) ** 2, id="second-moment"),
    pytest.param((y - mu - 1 / lam) ** 3, 2 / lam**3, id="third-central-moment"),
])
def test_ex_gaussian_moments_by_parts(g, expected):
    """The exponential's e^{−λy} times erfc, integrated by parts into Gaussian moments: the moments of a sum of
    independent N(μ, s²) and Exp(λ) (mean μ + 1/λ, variance s² + 1/λ², third cumulant 2/λ³: Grushka 1972,
    "Characterization of exponentially modified Gaussian peaks in chromatography", Anal. Chem. 44, 1733-1738)."""
    r = apply("atom", "gaussian-erf", EX_GAUSSIAN, g)
    assert r is not None and r.strategies == ("gaussian-erf",)
    assert same(r.value, expected)


def test_a_reflected_ex_gaussian_law_pairs_its_terms_the_other_way():
    """p(−y): e^{λy}(1 + erf(·)) pairs as R e^{λy} erfc(−u); E[Y] = −(μ + 1/λ), against quadrature at a point."""
    reflected = Model.from_pdf(EX_GAUSSIAN.density.subs(y, -y), y, [mu, s, lam], sp.Reals, name="reflected")
    r = apply("atom", "gaussian-erf", reflected, y)
    point = {mu: sp.Rational(3, 10), s: sp.Rational(4, 5), lam: sp.Rational(17, 10)}
    density = sp.lambdify(y, y * reflected.density.subs(point), "mpmath")
    assert float(r.value.subs(point)) == pytest.approx(float(mpmath.quad(density, [-mpmath.inf, 0, mpmath.inf])),
                                                        rel=1e-12)


def test_a_divergent_pair_is_declined():
    """∫ e^{−λy} dy (P without its R = −P) diverges at −∞: no value, where its erfc would have one."""
    assert apply("atom", "gaussian-erf", EX_GAUSSIAN, sp.exp(-lam * y) / EX_GAUSSIAN.density) is None
    with_erfc = sp.exp(-lam * y) * sp.erfc(-y) / EX_GAUSSIAN.density  # ∫ e^{−λy} erfc(−y) dy = 2e^{λ²/4}/λ
    assert same(apply("atom", "gaussian-erf", EX_GAUSSIAN, with_erfc).value, 2 * sp.exp(lam**2 / 4) / lam)


@pytest.mark.parametrize("g", [
    pytest.param(sp.erf(a * y)**2, id="a-square-of-erf"),
    pytest.param(y**2 / (1 + sp.erf(a * y / sp.sqrt(2)))**2, id="erf-below-after-cancelling"),
    pytest.param(sp.erf(y**2), id="erf-of-a-quadratic"),
])
def test_declines_what_it_cannot_close(g):
    assert apply("atom", "gaussian-erf", SKEW_NORMAL, g) is None


def test_declines_without_an_error_function_or_off_the_line():
    assert apply("atom", "gaussian-erf", NORMAL, xr**2) is None  # gaussian-mgf and the moments close it
    yp, s = sp.Symbol("y", positive=True), sp.Symbol("s", positive=True)
    half = Model.from_pdf(sp.sqrt(2 / sp.pi) / s * sp.exp(-yp**2 / (2 * s**2)), yp, [s], sp.Interval.open(0, sp.oo),
                          name="half-normal")
    assert apply("atom", "gaussian-erf", half, sp.erf(yp)) is None  # a half-line: gaussian-tail's
