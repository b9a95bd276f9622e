"""Strategies in strict mode: SymPy's known failures are "does not apply", caught where they happen.

Each case is a SymPy call that raised during the strict-mode sweep of the catalog and the soundness
attacks (issue 12); the strategy must now decline (or answer) without an exception. An unexpected
exception is a ``StrategyBug`` that names the strategy and the call site in symfisher.
"""

from __future__ import annotations

import re

import pytest
import sympy as sp

import symfisher as sf
from symfisher.config import Config
from symfisher.core.expectation import Context, engine_for
from symfisher.core.expectation.strategies import direct, standardize, symmetry, transform
from symfisher.core.expectation.strategies.substitution import substituted
from symfisher.errors import StrategyBug

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
b = sp.Symbol("b", positive=True)
theta = sp.Symbol("theta", positive=True)

LAPLACE_SCALE = sf.Model.from_pdf(sp.exp(-sp.Abs(x) / b) / (2 * b), x, [b], sp.S.Reals, name="laplace-scale")
LAPLACE = sf.Model.from_pdf(sp.exp(-sp.Abs(x - mu) / b) / (2 * b), x, [mu, b], sp.S.Reals, name="laplace")


def _engine(model, strict=True):
    return engine_for(model, config=Config(strict=strict, timeout=30))


def test_config_is_strict_in_the_test_suite():
    assert Config.defaults().strict


# ------------------------------------------------------------------------ symmetry: continuous_domain
def test_symmetry_bounds_a_lone_sign_by_one():
    """E[sign(X)] = 0: |sign| ≤ 1, so only p needs the tail bound (SymPy has no domain for sign)."""
    engine = _engine(LAPLACE_SCALE)
    r = engine.atom(sp.sign(engine.ctx.data[0]))
    assert (r.value, r.strategies) == (0, ("symmetry",))
    assert engine.failures == []


def test_symmetry_declines_where_sympy_cannot_find_the_domain():
    """continuous_domain(x·δ(x)) raises NotImplementedError: not shown integrable, so no answer."""
    engine = _engine(LAPLACE_SCALE)
    xd = engine.ctx.data[0]
    assert symmetry.odd_atom(engine, xd * sp.DiracDelta(xd)) is None


# ------------------------------------------------------------------------ transform: SymPy's conditions
def test_transform_condition_undefined_at_the_point_is_unknown():
    """SymPy's MGF of exp(−|y|)/2 holds where |arg t| ≤ π/2 ∧ |arg t + π| ≤ π/2: arg(0) is nan there."""
    engine = _engine(LAPLACE_SCALE)
    t = sp.Dummy("t", real=True)
    condition = (sp.Abs(sp.arg(t)) <= sp.pi / 2) & (sp.Abs(sp.arg(t) + sp.pi) <= sp.pi / 2)
    assert transform._conditions_at(engine, (condition,), {t: 0}) == ("unknown", ())


# ------------------------------------------------------------------------ integrate: NotImplementedError
def test_direct_integration_declines_what_sympy_cannot_integrate():
    """A Piecewise antiderivative whose evaluation needs a limit at a variable point (SymPy: "not supported")."""
    u = sp.Symbol("u", positive=True)
    integrand = (sp.sign(theta - u * theta) + 1) ** -2 * sp.Piecewise(
        (sp.Rational(1, 2), sp.Eq(u, 1)), ((1 - u + sp.Abs(u - 1)) / (2 * sp.Abs(u - 1)), True))
    assert direct._direct(integrand, [(u, 0, sp.oo)], False) is None


# ------------------------------------------------------------------------ simplify on indicator densities
def test_location_scale_declines_an_indicator_density():
    """simplify(log Max(0, sign(θ − θ|y|))) fails in piecewise_simplify (Max(nan, ·)): no standard form."""
    model = sf.Model.from_pdf(sp.Max(0, sp.sign(theta - sp.Abs(x))) / (2 * theta), x, [theta], sp.S.Reals)
    assert standardize.find(Context.of(model)) is None


def test_support_map_declines_an_indicator_density():
    """The same ValueError from simplify after x = θ − y on Heaviside(θ − x)·Max(0, sign(θ + x))/(2θ)."""
    model = sf.Model.from_pdf(sp.Heaviside(theta - x) * sp.Max(0, sp.sign(theta + x)) / (2 * theta), x, [theta],
                              sp.S.Reals)
    ctx = Context.of(model)
    (support,) = ctx.support.values()
    assert support == sp.Interval.open(-sp.oo, theta)
    u = sp.Dummy("u", positive=True)
    assert substituted(ctx, u, theta - u, sp.Interval.open(0, sp.oo)) is None


# ------------------------------------------------------------------------ a bug names its call site
@pytest.fixture
def broken_even_density(monkeypatch):
    def broken(ctx):
        raise KeyError("boom")

    monkeypatch.setattr(symmetry, "_even_density", broken)


def test_strategy_bug_names_the_strategy_and_the_call_site(broken_even_density):
    engine = _engine(LAPLACE_SCALE)
    with pytest.raises(StrategyBug, match=r"^strategy 'symmetry' raised KeyError: 'boom' "
                       r"\(at symfisher/core/expectation/strategies/symmetry\.py:\d+\)$"):
        engine.atom(engine.ctx.data[0])


def test_a_bug_in_a_child_engine_reaches_the_parent(broken_even_density):
    """Location–scale works in an engine of its own (y = (x − μ)/b); what fails there is reported here."""
    engine = _engine(LAPLACE, strict=False)
    engine.expect(sp.diff(engine.ctx.logpdf, mu))
    assert engine.failures, "the failure in the standardized model's engine was lost"
    assert {f.strategy for f in engine.failures} == {"symmetry"}
    assert all(re.fullmatch(r"symfisher/core/expectation/strategies/symmetry\.py:\d+", f.where)
               for f in engine.failures)
