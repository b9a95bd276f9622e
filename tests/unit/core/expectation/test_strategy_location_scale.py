"""Strategy "location-scale" (strategies/standardize.py): E_θ[f(X)] = E[f(μ + σY)] with Y from the
parameter-free standard density, computed by an engine of its own (one level down)."""

from __future__ import annotations

import pytest
import sympy as sp

from _strategy_cases import (BERNOULLI, EXPONENTIAL, LAPLACE, NORMAL, NORMAL_SCALE, apply, b, engine_for, mu, n,
                             same, sigma, strategy, x, xr)


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
