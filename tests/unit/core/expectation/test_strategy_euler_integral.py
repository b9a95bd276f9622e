"""Strategy "euler-integral" (strategies/euler.py): E[g] when g·p is a Beta, Gamma, Beta-prime, Gaussian or
power integral, with its convergence conditions; a divergent positive kernel gives ±∞."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import (BERNOULLI, EXPONENTIAL, GAMMA_SHAPE, POS, UNIFORM, apply, k, lam, model, n, same, theta,
                             x)

a = sp.Symbol("a", positive=True)
POWER = model(a * x ** (a - 1), x, [a], sp.Interval.open(0, 1), "power-function")  # Beta(a, 1)
LOG_LOGISTIC = model(2 * theta * x / (1 + theta * x**2) ** 2, x, [theta], POS, "beta-prime")
# truncated power laws: the bounded Pareto on [1, 4], a power function on (0, 2)
PARETO_1_4 = model(a * x ** (-a - 1) / (1 - sp.Integer(4) ** -a), x, [a], sp.Interval(1, 4), "bounded-pareto")
POWER_0_2 = model(a * x ** (a - 1) / 2**a, x, [a], sp.Interval.open(0, 2), "power-function-on-(0,2)")


@pytest.mark.parametrize("m, g, expected, conditions", [
    pytest.param(GAMMA_SHAPE, x, k, (), id="gamma-mean"),
    pytest.param(GAMMA_SHAPE, x**2, k * (k + 1), (), id="gamma-second-moment"),
    pytest.param(GAMMA_SHAPE, 1 / x, 1 / (k - 1), (k > 1,), id="gamma-inverse-moment-conditional"),
    pytest.param(EXPONENTIAL, x**3, 6 / lam**3, (), id="exponential-third-moment"),
    pytest.param(POWER, x, a / (a + 1), (), id="beta-integral"),
    pytest.param(POWER, 1 - x, 1 / (a + 1), (), id="beta-integral-with-one-minus-x"),
    pytest.param(LOG_LOGISTIC, sp.Integer(1), 1, (), id="beta-prime-integral"),
    pytest.param(PARETO_1_4, sp.Integer(1), 1, (), id="power-integral-mass"),
    pytest.param(PARETO_1_4, x, a * (4 ** (1 - a) - 1) / ((1 - a) * (1 - sp.Integer(4) ** -a)), (sp.Ne(1 - a, 0),),
                 id="power-integral-mean-with-its-removable-singularity"),
    pytest.param(POWER_0_2, x, 2 * a / (a + 1), (), id="power-integral-from-zero"),
    pytest.param(UNIFORM, x, theta / 2, (), id="power-integral-up-to-a-parameter"),
])
def test_closed_forms(m, g, expected, conditions):
    r = apply("atom", "euler-integral", m, g)
    assert r.strategies == ("euler-integral",)
    assert same(r.value, expected)
    assert r.conditions == conditions


def test_rule_is_the_detail():
    assert apply("atom", "euler-integral", GAMMA_SHAPE, x).detail == "Gamma integral"
    assert apply("atom", "euler-integral", POWER, x).detail == "Beta integral"


def test_the_power_integral_agrees_with_quadrature_and_names_its_rule():
    """E[X] of the bounded Pareto on [1, 4] at a = 3/2 (and at a = 1, the limit of the formula: log 4·4/3)."""
    from scipy import integrate

    r = apply("atom", "euler-integral", PARETO_1_4, x)
    assert r.detail == "power integral"
    density = sp.lambdify(x, x * PARETO_1_4.density.subs(a, sp.Rational(3, 2)))
    assert abs(float(r.value.subs(a, sp.Rational(3, 2))) - integrate.quad(density, 1, 4)[0]) < 1e-12
    assert same(sp.limit(r.value, a, 1), 4 * sp.log(4) / 3)


def test_a_divergent_positive_kernel_is_infinite():
    """E[1/X] under Exponential(λ): ∫ λ e^{−λx}/x dx = ∞."""
    r = apply("atom", "euler-integral", EXPONENTIAL, 1 / x)
    assert r.value == sp.oo and r.strategies == ("euler-integral",)
    assert r.detail.startswith("Gamma integral diverges")


@pytest.mark.parametrize("m, g", [
    pytest.param(GAMMA_SHAPE, sp.log(x), id="logarithm"),
    pytest.param(GAMMA_SHAPE, x + 1, id="a-sum"),
    pytest.param(BERNOULLI, n, id="discrete"),
])
def test_does_not_apply(m, g):
    assert apply("atom", "euler-integral", m, g) is None


def test_a_power_of_x_minus_one_is_a_signed_power_of_one_minus_x():
    """Under Beta(a, b): E[1/(x − 1)] = −(a + b − 1)/(b − 1) and E[1/(x − 1)²] = B(a, b − 2)/B(a, b), as a
    standardized four-parameter Beta law's score writes them, also with its density's constant B(a, b) inside a sum
    (B − xB)."""
    b = sp.Symbol("b", positive=True)
    beta = model(x ** (a - 1) * (1 - x) ** (b - 1) / sp.beta(a, b), x, [a, b], sp.Interval.open(0, 1), "beta")
    assert same(apply("atom", "euler-integral", beta, 1 / (x - 1)).value, -(a + b - 1) / (b - 1))
    second = apply("atom", "euler-integral", beta, 1 / (x - 1) ** 2)
    assert same(second.value, (a + b - 1) * (a + b - 2) / ((b - 1) * (b - 2)))
    from symfisher.core.expectation.strategies.euler import euler_integral

    B = sp.beta(a, b)
    kernel = x ** (a - 1) * (1 - x) ** b / ((x - 1) ** 2 * (B - x * B))  # as the standardized law's integrand came
    assert same(euler_integral(kernel, x, 0, 1).value, sp.beta(a, b - 2) / B)


def test_gaussian_moments_of_a_mixture_component_agree_with_quadrature():
    """Under ½N(μ, 1) + ½N(−μ, 1), the atom x^k e^{−x²/2 + μx}/(2√(2π) p) (a term of ∂²p/∂μ² over p) has
    E = ∫ x^k e^{−x²/2 + μx} dx/(2√(2π)) = e^{μ²/2} E[(Z + μ)^k]/2, Z ~ N(0, 1): k = 0…4 at μ = 0.7, against
    quadrature."""
    import mpmath

    mu = sp.Symbol("mu", real=True)
    mixture = model((sp.exp(-(x - mu) ** 2 / 2) + sp.exp(-(x + mu) ** 2 / 2)) / (2 * sp.sqrt(2 * sp.pi)), x, [mu],
                    sp.Reals, "two-normal-mixture")
    for power in range(5):
        g = x**power * sp.exp(-x**2 / 2 + mu * x) / (2 * sp.sqrt(2 * sp.pi) * mixture.density)
        r = apply("atom", "euler-integral", mixture, g)
        assert r.detail == "Gaussian integral" and r.conditions == ()
        at = float(r.value.subs(mu, sp.Rational(7, 10)))
        numeric = mpmath.quad(lambda t: t**power * mpmath.exp(-t**2 / 2 + 0.7 * t), [-mpmath.inf, mpmath.inf])
        assert at == pytest.approx(float(numeric / (2 * mpmath.sqrt(2 * mpmath.pi))), rel=1e-12)
