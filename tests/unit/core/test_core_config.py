"""symfisher.config: the frozen Config, its defaults, merge, range checks and strict mode from the environment."""

from __future__ import annotations

import dataclasses
import math

import pytest

from symfisher.config import STRICT_ENV, Config
from symfisher.errors import ConfigError, SymfisherError

DEFAULTS = [
    ("timeout", 60.0),
    ("atom_timeout", 4.0),
    ("entry_timeout", 4.0),
    ("open_timeout", 4.0),
    ("simplify_timeout", 5.0),
    ("normalization_timeout", 3.0),
    ("numeric_points", 8),
    ("max_expression_ops", 20_000),
    ("seed", 20261124),
    ("try_scale", 1.0),
]


@pytest.mark.parametrize("name, value", DEFAULTS)
def test_defaults(name, value):
    assert getattr(Config.defaults(), name) == value


def test_defaults_equal_a_plain_config_and_are_frozen():
    config = Config.defaults()
    assert config == Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.timeout = 1.0  # type: ignore[misc]


def test_merge_returns_a_copy_with_the_overrides():
    base = Config()
    merged = base.merge(timeout=5, numeric_points=2)
    assert (merged.timeout, merged.numeric_points) == (5, 2)
    assert merged.atom_timeout == base.atom_timeout
    assert base.timeout == 60.0


def test_merge_ignores_none():
    assert Config().merge(timeout=None, seed=None) == Config()


def test_merge_rejects_an_unknown_option():
    known = "atom_timeout, entry_timeout, max_expression_ops, normalization_timeout, numeric_points, open_timeout, seed, " \
            "simplify_timeout, strict, timeout, try_scale"
    with pytest.raises(ConfigError, match=rf"^unknown Config option\(s\): bogus, colour; known: {known}$"):
        Config().merge(colour=1, bogus=2)


TIME_LIMITS = ("timeout", "atom_timeout", "entry_timeout", "open_timeout", "simplify_timeout", "normalization_timeout")


@pytest.mark.parametrize("name", TIME_LIMITS)
@pytest.mark.parametrize("value, shown", [
    pytest.param(0, "0", id="zero"),
    pytest.param(-1.5, "-1.5", id="negative"),
    pytest.param(math.inf, "inf", id="infinite"),
    pytest.param(math.nan, "nan", id="nan"),
    pytest.param(True, "True", id="bool"),
    pytest.param("5", "'5'", id="string"),
])
def test_time_limits_must_be_positive_finite_numbers(name, value, shown):
    with pytest.raises(ConfigError, match=rf"^Config\.{name} must be a positive number of seconds, got {shown}$"):
        Config(**{name: value})


@pytest.mark.parametrize("name", ["timeout", "atom_timeout"])
def test_merge_checks_the_range_too(name):
    with pytest.raises(ConfigError, match=rf"^Config\.{name} must be a positive number of seconds, got -1$"):
        Config().merge(**{name: -1})


@pytest.mark.parametrize("name", ["numeric_points", "max_expression_ops"])
@pytest.mark.parametrize("value, shown", [
    pytest.param(0, "0", id="zero"),
    pytest.param(2.0, "2.0", id="float"),
    pytest.param(False, "False", id="bool"),
])
def test_counts_must_be_positive_integers(name, value, shown):
    with pytest.raises(ConfigError, match=rf"^Config\.{name} must be a positive integer, got {shown}$"):
        Config(**{name: value})


def test_config_errors_are_symfisher_and_value_errors():
    with pytest.raises(ConfigError) as info:
        Config(timeout=0)
    assert isinstance(info.value, SymfisherError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize("env, strict", [
    pytest.param("1", True, id="one"),
    pytest.param("0", False, id="zero"),
    pytest.param("yes", False, id="other-text"),
    pytest.param(None, False, id="unset"),
])
def test_strict_defaults_from_the_environment(monkeypatch, env, strict):
    if env is None:
        monkeypatch.delenv(STRICT_ENV, raising=False)
    else:
        monkeypatch.setenv(STRICT_ENV, env)
    assert Config().strict is strict
    assert Config(strict=not strict).strict is (not strict)


def test_the_test_suite_runs_strict():
    assert Config().strict is True


@pytest.mark.parametrize("value, shown", [(0, "0"), (math.inf, "inf"), ("2", "'2'")])
def test_the_try_scale_must_be_a_positive_factor(value, shown):
    with pytest.raises(ConfigError, match=rf"^Config\.try_scale must be a positive factor, got {shown}$"):
        Config(try_scale=value)


def test_a_strategy_try_lasts_try_scale_times_its_seconds():
    """Engine.within(s): the entry's deadline at most s·try_scale away (a loaded machine's tests raise the factor)."""
    import time

    import sympy as sp

    from symfisher.core.deadline import Budget
    from symfisher.core.expectation import Context, Engine
    from symfisher.core.model import Model

    x, lam = sp.Symbol("x", positive=True), sp.Symbol("lam", positive=True)
    model = Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval(0, sp.oo))
    for scale in (1.0, 3.0):
        engine = Engine(Context.of(model), Budget.of(60), Config(try_scale=scale))
        engine._clock.deadline = time.monotonic() + 50
        with engine.within(2.0):
            assert engine._clock.deadline - time.monotonic() == pytest.approx(2.0 * scale, abs=0.5)
