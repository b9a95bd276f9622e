"""Numeric evidence: lambdified expressions that SymPy's printers cannot print become no-evidence, not a crash."""

import math

import pytest
import sympy as sp

from symfisher.core.evidence import safe_lambdify


def test_complex_infinity_in_a_piecewise_branch_evaluates_to_nan():
    """A triangular density's score has 1/(x − a) in a branch, which SymPy turns into zoo at x = a: the
    printer has no float for zoo (it raised KeyError 'ComplexInfinity' inside the verdict)."""
    x = sp.Symbol("x", real=True)
    expr = sp.Piecewise((sp.zoo, x < 0), (x + 1, True))
    fn = safe_lambdify([x], expr)
    assert math.isnan(fn(-1.0))
    assert fn(2.0) == 3.0


def test_a_density_spread_over_many_orders_of_magnitude_integrates_to_one_on_the_half_line():
    """The log-Cauchy law 1/(πx(1 + log² x)): QUADPACK on (0, ∞) gets 0.992 (error estimate 5e-5); redone in
    u = log x, where it is a Cauchy law, the mass is 1 to 1e-9 (the tail beyond e^700 included, symbolically)."""
    from symfisher.core.evidence import numeric_expectation

    x, mu, s = sp.Symbol("x", positive=True), sp.Symbol("mu", real=True), sp.Symbol("s", positive=True)
    density = s / (sp.pi * x * (s**2 + (sp.log(x) - mu) ** 2))
    point = {mu: sp.Rational(1, 3), s: sp.Rational(7, 5)}
    mass = numeric_expectation(sp.Integer(1), density, {x: sp.Interval.open(0, sp.oo)}, point)
    assert abs(mass - 1) < 1e-9
    second = numeric_expectation((sp.log(x) - mu) ** 2 / (s**2 + (sp.log(x) - mu) ** 2), density,
                                 {x: sp.Interval.open(0, sp.oo)}, point)
    assert abs(second - 0.5) < 1e-9  # E[Z²/(1 + Z²)] = 1/2 for a standard Cauchy Z


def test_a_power_law_series_gets_its_tail_beyond_the_last_term():
    """Σ_k≥1 log²(k) k^−2.2 / ζ(2.2) = ζ″(2.2)/ζ(2.2): 1e-4 of it lies beyond 200,000 terms."""
    import mpmath

    from symfisher.core.evidence import numeric_expectation

    k = sp.Symbol("k", integer=True, positive=True)
    s = sp.Symbol("s", positive=True)
    value = numeric_expectation(sp.log(k)**2, k**-s / sp.zeta(s), {k: sp.S.Naturals}, {s: sp.Rational(11, 5)})
    exact = float(mpmath.zeta(2.2, 1, 2) / mpmath.zeta(2.2))
    assert abs(value - exact) < 1e-9 * exact


def test_zeta_derivatives_have_numbers():
    from symfisher.core.evidence import numeric_value

    s = sp.Symbol("s", positive=True)
    fisher = (sp.zeta(s) * sp.Derivative(sp.zeta(s), (s, 2)) - sp.Derivative(sp.zeta(s), s)**2) / sp.zeta(s)**2
    assert abs(numeric_value(fisher, {s: sp.Rational(5, 2)}) - 0.350452487877413) < 1e-14
    fn = safe_lambdify([s], fisher)
    assert abs(float(fn(2.5)) - 0.350452487877413) < 1e-13


# The generalized Poisson law (Consul): θ(θ + λk)^(k−1) e^(−θ−λk)/k! on k = 0, 1, …, a mass function for λ < 1.
_theta, _lamda = sp.symbols("theta lamda", positive=True)
_k = sp.Symbol("k", integer=True, nonnegative=True)
_GENERALIZED_POISSON = _theta * (_theta + _lamda * _k) ** (_k - 1) * sp.exp(-_theta - _lamda * _k) / sp.factorial(_k)


def test_a_sum_whose_terms_overflow_the_floats_is_taken_in_log_space():
    """(θ + λk)^(k−1) is inf from k ≈ 170 on at λ = 0.4 while k! is still finite, so the float sum was inf. In log
    space, and outward from its largest term (at θ = 561, λ = 0.985 the mass lies near k = 37,400), E[s_θ²] is
    1/θ − λ/(θ + 2λ): by k·p_θ(k) = (θ/θ′)(θ′ + λj)p_θ′(j) (j = k − 1, θ′ = θ + λ) every E[k^a/(θ + λk)^b] in
    −E[H_θθ] reduces to E[1/(θ + λk)] = (θ + λ − λθ)/(θ(θ + λ))."""
    from symfisher.core.evidence import numeric_expectation

    score = (_k - 1) / (_theta + _lamda * _k) - 1 + 1 / _theta
    for t, lam in ((1.3, 0.4), (0.7, 0.2), (2.5, 0.8), (561.0, 0.985)):
        got = numeric_expectation(score**2, _GENERALIZED_POISSON, {_k: sp.Range(0, sp.oo)}, {_theta: t, _lamda: lam})
        assert got == pytest.approx(1 / t - lam / (t + 2 * lam), rel=1e-12), (t, lam)
