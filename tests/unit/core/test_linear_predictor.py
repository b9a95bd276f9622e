"""Linear predictors: log p = g(x, Jθ) gives s = Jᵀ s_φ, H = Jᵀ H_φ J and I = Jᵀ I_φ J."""

from __future__ import annotations

import pytest
import sympy as sp

import symfisher as sf
from symfisher.core.simplify import is_zero
from benchmarks.bench import scale_models, spot_check
from symfisher.core.structure.linear_predictor import find_linear_predictors

x, y, z = sp.symbols("x y z", real=True)
b0, b1, g0, g1 = sp.symbols("beta0 beta1 gamma0 gamma1", real=True)


def test_glm_has_one_predictor():
    eta = b0 + b1 * z
    lp = find_linear_predictors(y * eta - sp.log(1 + sp.exp(eta)), sp.exp(y * eta) / (1 + sp.exp(eta)), (b0, b1), (y,))
    assert lp.forms == (b0 + b1 * z,)
    assert lp.jacobian == sp.Matrix([[1, z]])
    assert lp.logpdf.free_symbols == {y, lp.symbols[0]}
    assert not (lp.density.free_symbols & {b0, b1, z})


def test_two_predictors_and_scaled_forms():
    """Mean β0 + β1 z and log-scale γ0 + γ1 z; 2(γ0 + γ1 z) is recognised as the same predictor."""
    logp = -(x - b0 - b1 * z) ** 2 / (2 * sp.exp(2 * (g0 + g1 * z))) - (g0 + g1 * z)
    lp = find_linear_predictors(logp, sp.exp(logp), (b0, b1, g0, g1), (x,))
    assert set(lp.forms) == {b0 + b1 * z, g0 + g1 * z}
    assert lp.jacobian.shape == (2, 4)


def test_no_predictor_when_a_parameter_also_appears_alone():
    a, b = sp.symbols("a b", real=True)
    assert find_linear_predictors(-(x - a - b) ** 2 / 2 - a**2, sp.Integer(1), (a, b), (x,)) is None
    mu, sigma = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    assert find_linear_predictors(-(x - mu) ** 2 / (2 * sigma**2) - sp.log(sigma), sp.Integer(1), (mu, sigma), (x,)) is None


def test_heteroscedastic_normal_regression_matches_the_literature():
    """I = Jᵀ diag(e^{-2η₂}, 2) J for N(β0 + β1 z, e^{2(γ0 + γ1 z)}) (e.g. Aitkin 1987, Appl. Stat. 36)."""
    logp = -(x - b0 - b1 * z) ** 2 / (2 * sp.exp(2 * (g0 + g1 * z))) - (g0 + g1 * z) - sp.log(2 * sp.pi) / 2
    d = sf.derive(sf.Model.from_logpdf(logp, x, (b0, b1, g0, g1), sp.S.Reals, given=[z], validate=False))
    w = sp.exp(-2 * (g0 + g1 * z))
    expected = sp.Matrix([[w, w * z, 0, 0], [w * z, w * z**2, 0, 0], [0, 0, 2, 2 * z], [0, 0, 2 * z, 2 * z**2]])
    assert all(is_zero(a - b) for a, b in zip(d.fisher, expected))
    assert d.equality.status == "proved"
    assert all(v.startswith("linear-predictor") for v in d.strategies.values())
    assert spot_check(d).startswith("ok")


def test_logistic_regression_p8_is_z_zT_times_the_bernoulli_weight():
    d = sf.derive(scale_models("logistic", 8), timeout=60)
    zs = sp.symbols("z1:9", real=True)
    eta = sum(b * zi for b, zi in zip(sp.symbols("beta1:9", real=True), zs))
    weight = sp.exp(eta) / (1 + sp.exp(eta)) ** 2
    assert d.closed and d.equality.status == "proved"
    for i, j in ((0, 0), (2, 5), (7, 7)):
        assert is_zero(d.fisher[i, j] - zs[i] * zs[j] * weight)
    assert d.hessian[2, 5] != 0 and is_zero(d.hessian[2, 5] + zs[2] * zs[5] * weight)
    assert d.strategies[("fisher", 2, 5)] == "linear-predictor+finite-support"
    assert "eta = " in d.steps[-2].detail


def test_catalog_regressions_go_through_the_predictor_and_check_numerically():
    import symfisher.catalog as derivations

    for name in ("logistic-regression", "poisson-regression"):
        fam = derivations.get(name)
        d = sf.derive(fam.model())
        assert all(is_zero(a - b) for a, b in zip(d.fisher, fam.fisher)), name
        assert spot_check(d).startswith("ok"), name


def _gamma_glm():
    """Gamma regression with log link: mean e^η, shape ν (McCullagh & Nelder 1989, Ch. 8)."""
    yv, nu = sp.Symbol("y", positive=True), sp.Symbol("nu", positive=True)
    eta = b0 + b1 * z
    logp = nu * sp.log(nu) - nu * eta + (nu - 1) * sp.log(yv) - nu * yv * sp.exp(-eta) - sp.loggamma(nu)
    model = sf.Model.from_logpdf(logp, yv, (b0, b1, nu), sp.Interval.open(0, sp.oo), given=[z], validate=False)
    return model, sp.Matrix([[nu, nu * z, 0], [nu * z, nu * z**2, 0], [0, 0, sp.polygamma(1, nu) - 1 / nu]])


def _negative_binomial_glm():
    """Negative binomial regression, r = 3 fixed, mean e^η (Hilbe 2011, Negative Binomial Regression, Ch. 8)."""
    yv = sp.Symbol("y", integer=True, nonnegative=True)
    eta = b0 + b1 * z
    mean = sp.exp(eta)
    logp = sp.log(sp.binomial(yv + 2, yv)) + 3 * sp.log(3 / (3 + mean)) + yv * sp.log(mean / (3 + mean))
    model = sf.Model.from_logpdf(logp, yv, (b0, b1), sp.S.Naturals0, given=[z], validate=False)
    w = 3 * mean / (3 + mean)  # W = r μ / (r + μ)
    return model, sp.Matrix([[w, w * z], [w * z, w * z**2]])


@pytest.mark.parametrize("make", [_gamma_glm, _negative_binomial_glm], ids=["gamma-glm", "negative-binomial-glm"])
def test_chain_rule_agrees_with_the_direct_route(make, monkeypatch):
    """The same model derived with and without the linear-predictor reduction: equal at random points."""
    from symfisher.core import pipeline
    from symfisher.core.points import parameter_points
    from symfisher.core.evidence import numeric_value

    model, literature = make()
    reduced = sf.derive(model)
    assert all(is_zero(a - b) for a, b in zip(reduced.fisher, literature))
    assert reduced.strategies[("fisher", 0, 1)].startswith("linear-predictor")
    monkeypatch.setattr(pipeline, "_predictors", lambda m: None)
    direct = sf.derive(model)
    assert not direct.strategies[("fisher", 0, 1)].startswith("linear-predictor")
    assert reduced.closed and direct.closed
    symbols = sorted(model.logpdf.free_symbols - set(model.data), key=str)
    for point in parameter_points(symbols, model.domain_map, 2, 5):
        for a, b in zip(reduced.fisher, direct.fisher):
            assert numeric_value(a, point) == pytest.approx(numeric_value(b, point), rel=1e-10, abs=1e-12)
    assert spot_check(reduced).startswith("ok")
