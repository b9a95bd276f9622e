"""Strategy "location-scale" (strategies/standardize.py): E_θ[f(X)] = E[f(μ + σY)] with Y from the
parameter-free standard density, computed by an engine of its own (one level down)."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import (BERNOULLI, EXPONENTIAL, LAPLACE, NORMAL, NORMAL_SCALE, apply, b, engine_for, model, mu,
                             n, same, sigma, strategy, x, xr)

m = sp.Symbol("m", real=True)  # a covariate or a known constant


def power4(location, scale, params):
    """The exponential-power law of order 4, 2/(s Γ(1/4)) exp(−((x − c)/s)⁴), in no catalog."""
    density = 2 / (scale * sp.gamma(sp.Rational(1, 4))) * sp.exp(-(((xr - location) / scale) ** 4))
    return model(density, xr, params, sp.S.Reals, "power-4")


OFFSET = power4(m, sigma, [sigma])  # x − m, m known
REGRESSION = power4(mu * m, sigma, [mu, sigma])  # one coefficient: no linear predictor of two parameters
tau = sp.Symbol("tau", positive=True)
PRECISION = model(2 * tau / sp.gamma(sp.Rational(1, 4)) * sp.exp(-((tau * xr - tau * m) ** 4)), xr, [tau], sp.S.Reals,
                  "power-4-precision")  # τx − τm: the location m and the scale 1/τ read off as −b/a and 1/a


@pytest.mark.parametrize("model, f, expected", [
    pytest.param(NORMAL, (xr - mu) ** 2, sigma**2, id="normal-variance"),
    pytest.param(NORMAL, ((xr - mu) / sigma**2) ** 2, 1 / sigma**2, id="normal-fisher-mu"),
    pytest.param(NORMAL, xr, mu, id="normal-mean"),
    pytest.param(NORMAL_SCALE, xr**4, 3 * sigma**4, id="normal-scale-only"),
    pytest.param(LAPLACE, sp.Abs(xr - mu), b, id="laplace-mean-absolute-deviation"),
    pytest.param(LAPLACE, (xr - mu) ** 2, 2 * b**2, id="laplace-variance"),
])
def test_closed_forms(model, f, expected):
    r = apply("expression", "location-scale", model, f)
    assert r.strategies[0] == "location-scale" and len(r.strategies) > 1  # then what the standardized engine used
    assert r.closed
    assert same(r.value, expected)


@pytest.mark.parametrize("model, f, expected", [
    # E[(x − c)⁴] = s⁴ Γ(5/4)/Γ(1/4) = s⁴/4, E[(x − c)²] = s² Γ(3/4)/Γ(1/4) for the order-4 law
    pytest.param(OFFSET, (xr - m) ** 4, sigma**4 / 4, id="known-offset"),
    pytest.param(OFFSET, xr, m, id="known-offset-mean"),
    pytest.param(REGRESSION, (xr - mu * m) ** 2 * m**2, m**2 * sigma**2 * sp.gamma(sp.Rational(3, 4))
                 / sp.gamma(sp.Rational(1, 4)), id="coefficient-times-covariate"),
    pytest.param(PRECISION, (xr - m) ** 4, 1 / (4 * tau**4), id="precision"),
])
def test_locations_read_off_log_p(model, f, expected):
    """A location that is no parameter (x − m, x − μm) is read off a sum a·x + b inside log p."""
    r = apply("expression", "location-scale", model, f)
    assert r is not None and r.closed and r.strategies[0] == "location-scale"
    assert same(r.value, expected)


def test_a_location_read_off_names_the_expression():
    r = apply("expression", "location-scale", REGRESSION, xr)
    assert r.detail.startswith("location m*mu and scale sigma: x = m*mu + sigma*y"), r.detail
    r = apply("expression", "location-scale", PRECISION, xr)
    assert r.detail.startswith("location m and scale 1/tau: x = m + y/tau"), r.detail


def test_a_location_read_off_gives_way_when_the_standardized_expectation_stays_open():
    """E[log log(2 + (x − m)²)] has no closed form: "None", so that the later strategies still get E[f] in x."""
    assert apply("expression", "location-scale", OFFSET, sp.log(sp.log(2 + (xr - m) ** 2))) is None


def test_detail_names_the_location_and_the_scale():
    r = apply("expression", "location-scale", NORMAL, (xr - mu) ** 2)
    assert r.detail.startswith("location mu and scale sigma: x = mu + sigma*y with y from the standard density ")


@pytest.mark.parametrize("model, f", [
    pytest.param(EXPONENTIAL, x, id="a-rate-is-not-a-scale"),
    pytest.param(BERNOULLI, n, id="discrete"),
])
def test_does_not_apply(model, f):
    assert apply("expression", "location-scale", model, f) is None


def test_does_not_apply_below_the_top_level():
    """The standardized engine must not standardize again."""
    engine = engine_for(NORMAL)
    engine.depth = 1
    y = engine.ctx.data[0]
    assert strategy("expression", "location-scale")(engine, y**2) is None
