"""Strategy "substitution" (strategies/substitution.py): change variables (u = x^k, u = e^{cx}, u = |x|,
u = F(x)), then reuse the whole engine on the new density."""

from __future__ import annotations

import pytest
import sympy as sp

import symfisher as sf
from _strategy_cases import BERNOULLI, LAPLACE, POS, UNIFORM, apply, model, mu, n, same, sigma, x, xr

RAYLEIGH = model(x / sigma**2 * sp.exp(-x**2 / (2 * sigma**2)), x, [sigma], POS, "rayleigh")
GUMBEL = model(sp.exp(-(xr - mu) - sp.exp(-(xr - mu))), xr, [mu], sp.S.Reals, "gumbel")
ETA = sp.Symbol("eta", positive=True)
GOMPERTZ = model(sigma * ETA * sp.exp(ETA) * sp.exp(sigma * x) * sp.exp(-ETA * sp.exp(sigma * x)), x, [sigma, ETA], POS,
                 "gompertz")  # rate sigma: u = e^{σx} maps (0, ∞) onto (1, ∞), where u − 1 ~ Exp(η)


@pytest.mark.parametrize("m, g, expected", [
    pytest.param(RAYLEIGH, x**2, 2 * sigma**2, id="rayleigh-second-moment"),
    pytest.param(RAYLEIGH, x**4, 8 * sigma**4, id="rayleigh-fourth-moment"),
    pytest.param(GUMBEL, sp.exp(-xr), sp.exp(-mu), id="gumbel-exp"),
    pytest.param(GUMBEL, sp.exp(-2 * xr), 2 * sp.exp(-2 * mu), id="gumbel-exp-squared"),
    pytest.param(GOMPERTZ, sp.exp(sigma * x), 1 + 1 / ETA, id="gompertz-exp-on-a-half-line"),
    pytest.param(GOMPERTZ, sp.exp(2 * sigma * x), 1 + 2 / ETA + 2 / ETA**2, id="gompertz-exp-squared"),
])
def test_closed_forms(m, g, expected):
    r = apply("atom", "substitution", m, g)
    assert r.strategies[0] == "substitution" and len(r.strategies) > 1  # then what the substituted engine used
    assert same(r.value, expected)
    assert r.detail.startswith("substitution u = ")


def test_rayleigh_becomes_exponential_under_u_equal_x_squared():
    r = apply("atom", "substitution", RAYLEIGH, x**2)
    assert r.detail.startswith("substitution u = x**")
    assert r.strategies == ("substitution", "exponential-family")


@pytest.mark.parametrize("m, g", [
    pytest.param(BERNOULLI, n, id="discrete"),
    pytest.param(UNIFORM, x, id="support-depends-on-theta"),
    pytest.param(LAPLACE, sp.DiracDelta(xr - mu), id="a-point-mass"),
])
def test_does_not_apply(m, g):
    assert apply("atom", "substitution", m, g) is None


T0 = sp.Symbol("t0")  # no assumptions: the indicator x < t0 + 1 stays in the density (it is not absorbed)
T0_REAL = sp.Symbol("t0", real=True)


def uniform_up_to(t: sp.Symbol) -> sf.Model:
    """U(0, t + 1) written as a Piecewise on (0, ∞), t ∈ (−1, ∞) (an adversarial-suite model)."""
    density = sp.Piecewise((1 / (t + 1), xr < t + 1), (0, True))
    return sf.Model.from_pdf(density, xr, [t], POS, domain={t: sp.Interval.open(-1, sp.oo)}, validate=False,
                             timeout=3.0)


def test_a_cdf_with_no_inverse_on_the_unit_interval_does_not_apply():
    """Regression: the CDF of the Piecewise density inverts to Piecewise((…, u(t0 + 1) ≤ 0), (nan, True));
    substituting it raised "Invalid NaN comparison". No inverse on (0, 1): the candidate is dropped."""
    assert apply("atom", "substitution", uniform_up_to(T0), xr) is None


def test_the_piecewise_uniform_is_never_proved():
    """The same model derived end to end: the indicator keeps θ in the density; the piecewise strategy takes it as
    one piece on (0, t0 + 1) (a density with θ in its break point), and with t0 real the indicator becomes the
    support (0, t0 + 1): both give the irregular U(0, θ) results I = 1/θ², −E[H] = −1/θ², E[s] = −1/θ, refuted."""
    d = sf.derive(uniform_up_to(T0))
    assert d.failures == ()
    assert same(d.fisher[0, 0], 1 / (T0 + 1)**2) and same(d.neg_expected_hessian[0, 0], -1 / (T0 + 1)**2)
    assert "piecewise" in d.strategies[("fisher", 0, 0)]
    assert d.equality.status == "refuted"
    d = sf.derive(uniform_up_to(T0_REAL))
    theta = T0_REAL + 1
    assert d.model.support_map[xr] == sp.Interval.open(0, theta)
    assert same(d.fisher[0, 0], 1 / theta**2)
    assert same(d.neg_expected_hessian[0, 0], -1 / theta**2)
    assert same(d.mean_score[0], -1 / theta)
    assert d.equality.status == "refuted"


def test_a_decaying_exponential_on_a_half_line_maps_onto_the_unit_interval():
    """The exponentiated exponential law α(1 − e^{−x})^{α−1}e^{−x} (Gupta & Kundu 2001): u = e^{−x} maps (0, ∞) onto
    (0, 1), where it is a Beta(1, α) law, so E[X] = ψ(α + 1) − ψ(1); the whole I(α, σ) closes and agrees with
    quadrature."""
    import math

    from scipy.integrate import quad

    alpha = sp.Symbol("alpha", positive=True)
    std = model(alpha * (1 - sp.exp(-x)) ** (alpha - 1) * sp.exp(-x), x, [alpha], POS, "exponentiated-exponential")
    assert same(apply("atom", "substitution", std, x).value, sp.polygamma(0, alpha + 1) + sp.EulerGamma)
    scaled = sf.Model.from_pdf(alpha / sigma * (1 - sp.exp(-x / sigma)) ** (alpha - 1) * sp.exp(-x / sigma), x,
                               [alpha, sigma], POS, name="exponentiated-exponential")
    d = sf.derive(scaled, timeout=30)
    assert d.closed and d.equality.status == "proved"
    point = {alpha: 2.7, sigma: 1.4}
    score = [sp.lambdify(x, sp.diff(scaled.logpdf, t).subs(point)) for t in (alpha, sigma)]
    density = sp.lambdify(x, scaled.density.subs(point))
    for i in range(2):
        for j in range(2):
            numeric = quad(lambda v: score[i](v) * score[j](v) * density(v), 0, math.inf)[0]
            assert float(d.fisher[i, j].subs(point)) == pytest.approx(numeric, rel=1e-9)


def test_the_inner_function_of_an_exponent_is_a_candidate():
    """exp(1 − (1 + λx)^α) (Nadarajah & Haghighi 2011): u = (1 + λx)^α maps (0, ∞) onto (1, ∞), where the law is
    e^{1−u}; exp(λ − λe^{x^β}) (Chen 2000): u = e^{x^β} maps it onto (1, ∞), where it is λe^{λ(1−u)}."""
    from symfisher.config import Config
    from symfisher.core.deadline import Budget
    from symfisher.core.expectation import Context, Engine
    from symfisher.core.expectation.strategies.substitution import _candidates, substituted

    alpha, beta, lam = sp.symbols("alpha beta lambda", positive=True)
    cases = [(alpha * lam * (1 + lam * x) ** (alpha - 1) * sp.exp(1 - (1 + lam * x) ** alpha), [alpha, lam],
              (1 + lam * x) ** alpha, lambda v: sp.exp(1 - v)),
             (lam * beta * x ** (beta - 1) * sp.exp(x**beta + lam * (1 - sp.exp(x**beta))), [lam, beta],
              sp.exp(x**beta), lambda v: lam * sp.exp(lam * (1 - v)))]
    for density, params, h, law in cases:
        ctx = Context.of(model(density, x, params, POS, "inner"))
        h = h.xreplace({x: ctx.data[0]})
        found = [(u, inverse, target, rest) for _, u, inverse, target, _, *rest in
                 _candidates(Engine(ctx, Budget.of(20), Config())) if rest]  # |dx/du| known: only these
        (u, inverse, target, rest), = found
        assert target == sp.Interval.open(1, sp.oo)
        assert same(sp.powdenest(h.subs(ctx.data[0], inverse), force=True), u)
        sub = substituted(ctx, u, inverse, target, False, *rest)
        assert same(sub.density, law(u))


@pytest.mark.slow
def test_the_nadarajah_haghighi_law_closes():
    """α λ (1 + λx)^{α−1} exp(1 − (1 + λx)^α) (Nadarajah & Haghighi 2011): every entry closes (incomplete Gamma functions
    of order 1 − 1/α and 1 − 2/α and their order derivatives, after u = (1 + λx)^α), the identity is proved, I(θ)
    agrees with quadrature, and at α = 1 (the exponential law with rate λ) I_λλ = 1/λ²."""
    import math

    from scipy.integrate import quad

    alpha, lam = sp.symbols("alpha lambda", positive=True)
    m = sf.Model.from_pdf(alpha * lam * (1 + lam * x) ** (alpha - 1) * sp.exp(1 - (1 + lam * x) ** alpha), x,
                          [alpha, lam], POS, name="nadarajah-haghighi")
    d = sf.derive(m, timeout=60)
    assert d.closed and d.equality.status == "proved", d.strategies
    assert all("substitution" in v for v in d.strategies.values() if v != "data-free")
    for point in ({alpha: 2.3, lam: 0.8}, {alpha: 0.6, lam: 1.7}):
        score = [sp.lambdify(x, sp.diff(m.logpdf, t).subs(point)) for t in (alpha, lam)]
        density = sp.lambdify(x, m.density.subs(point))
        for i in range(2):
            for j in range(i, 2):
                numeric = quad(lambda v: score[i](v) * score[j](v) * density(v), 0, math.inf, limit=200)[0]
                assert float(d.fisher[i, j].subs(point).evalf(30)) == pytest.approx(numeric, rel=1e-8), (point, i, j)
    assert same(d.fisher[1, 1].subs(alpha, 1), 1 / lam**2)
    numeric = d.lambdify().fisher(0.6, 1.7)  # Γ(1 − 2/α, 1) at a negative order, in NumPy code
    expected = d.fisher.subs({alpha: 0.6, lam: 1.7}).evalf(30)
    for i in range(2):
        for j in range(2):
            assert float(numeric[i][j]) == pytest.approx(float(expected[i, j]), rel=1e-12)


def test_a_density_in_u_reaches_its_euler_form_without_simplify():
    """exp(c·log b) is b^c by definition: the Lomax density after u = y/(1 + y) becomes α(1 − u)^(α − 1), a form
    the Euler integrals read (and ``simplify`` is skipped); a density with another factor of u is not taken as ready."""
    from symfisher.core.expectation.strategies.substitution import _euler_ready, simplify_powers
    from symfisher.core.simplify import logs_as_powers

    u, a = sp.Symbol("u", positive=True), sp.Symbol("alpha", positive=True)
    q = simplify_powers(logs_as_powers(a * sp.exp(a * sp.log(1 - u)) / (1 - u)))
    assert q == a * (1 - u) ** (a - 1) and _euler_ready(q, u)
    assert logs_as_powers(sp.exp(2 * sp.log(u) - u + 3)) == u**2 * sp.exp(3 - u)
    assert _euler_ready(u ** (a - 1) * sp.exp(-a * u**2) / sp.gamma(a), u)
    assert not _euler_ready(sp.exp(-u) / (1 + u**2), u) and not _euler_ready(sp.log(u) * u, u)


def test_an_absolute_value_on_the_unit_interval_drops_only_without_a_root_inside():
    """|u − 1| = 1 − u on (0, 1), but |2u − 1| changes sign at u = ½ and stays (it had become 1 − 2u, which sent
    E[|x − μ|/σ] of Huber's Gaussian centre, mapped onto (0, 1), to 0)."""
    from symfisher.core.expectation.strategies.substitution import unit_interval

    u = sp.Symbol("u", positive=True)
    kk = sp.Symbol("k", positive=True)
    assert unit_interval(sp.Abs(u - 1), u) == 1 - u
    assert unit_interval(sp.Abs(kk * u + kk), u) == kk * u + kk
    assert unit_interval(sp.Abs(2 * u - 1), u) == sp.Abs(2 * u - 1)
    assert unit_interval(sp.Abs(kk * u - 1), u) == sp.Abs(kk * u - 1)  # a root at 1/k: inside for k > 1
