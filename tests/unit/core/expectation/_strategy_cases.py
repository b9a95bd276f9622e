"""Shared by the one-strategy tests (tests/unit/core/expectation/test_strategy_*.py): tiny models, and a way
to call one registered strategy directly on an expression in the model's data symbols."""

from __future__ import annotations

import dataclasses

import sympy as sp

from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import Context, Engine, Expectation, registry
from symfisher.core.model import Model
from symfisher.core.simplify import is_zero

x = sp.Symbol("x", positive=True)
xr = sp.Symbol("x", real=True)
n = sp.Symbol("n", integer=True, nonnegative=True)
lam = sp.Symbol("lambda", positive=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
b = sp.Symbol("b", positive=True)
p = sp.Symbol("p", positive=True)
k = sp.Symbol("k", positive=True)
theta = sp.Symbol("theta", positive=True)
POS = sp.Interval.open(0, sp.oo)


def model(density: sp.Expr, data: sp.Symbol, params, support: sp.Set, name: str) -> Model:
    """A model from its density, unvalidated (the strategies' tests need no normalization check)."""
    return Model.from_pdf(density, data, params, support, name=name, validate=False)


EXPONENTIAL = model(lam * sp.exp(-lam * x), x, [lam], POS, "exponential")
BERNOULLI = Model(n * sp.log(p) + (1 - n) * sp.log(1 - p), (n,), (p,), ((n, sp.FiniteSet(0, 1)),), name="bernoulli")
POISSON = model(lam**n * sp.exp(-lam) / sp.factorial(n), n, [lam], sp.S.Naturals0, "poisson")
NORMAL = Model(-(xr - mu) ** 2 / (2 * sigma**2) - sp.log(sigma) - sp.log(2 * sp.pi) / 2, (xr,), (mu, sigma),
               ((xr, sp.S.Reals),), name="normal")
NORMAL_MEAN = Model(-(xr - mu) ** 2 / 2 - sp.log(2 * sp.pi) / 2, (xr,), (mu,), ((xr, sp.S.Reals),), name="normal-mean")
NORMAL_SCALE = Model(-xr**2 / (2 * sigma**2) - sp.log(sigma) - sp.log(2 * sp.pi) / 2, (xr,), (sigma,),
                     ((xr, sp.S.Reals),), name="normal-scale")
LAPLACE = Model(-sp.Abs(xr - mu) / b - sp.log(2 * b), (xr,), (mu, b), ((xr, sp.S.Reals),), name="laplace")
LAPLACE_SCALE = Model(-sp.Abs(xr) / b - sp.log(2 * b), (xr,), (b,), ((xr, sp.S.Reals),), name="laplace-scale")
GAMMA_SHAPE = model(x ** (k - 1) * sp.exp(-x) / sp.gamma(k), x, [k], POS, "gamma-shape")
UNIFORM = model(sp.Heaviside(theta - x) / theta, x, [theta], POS, "uniform")  # support (0, θ)


def strategy(level: str, name: str):
    """The function registered under ``name`` at ``level``, looked up in the order of registry.ORDER."""
    found = dict(registry.strategies(level))
    assert name in found, (level, name, list(found))
    return found[name]


def engine_for(m: Model, config: Config | None = None, seconds: float = 10.0) -> Engine:
    return Engine(Context.of(m), Budget.of(seconds), config or Config())


def apply(level: str, name: str, m: Model, f: sp.Expr, config: Config | None = None,
          seconds: float = 10.0) -> Expectation | None:
    """The strategy ``name`` on E[f] under ``m`` (f in the user's data symbols), value in the user's symbols;
    ``config`` and ``seconds``: the engine's limits (default ``Config()``) and budget."""
    engine = engine_for(m, config, seconds)
    to_dummy = {user: dummy for dummy, user in engine.ctx.to_user.items()}
    result = strategy(level, name)(engine, sp.sympify(f).xreplace(to_dummy))
    if result is None:
        return None
    return dataclasses.replace(result, value=result.value.xreplace(dict(engine.ctx.to_user)))


def same(a: sp.Expr, b: sp.Expr) -> bool:
    """a and b are the same closed form: their difference simplifies to exactly 0 (ψ(a) − ψ(a + 1) = −1/a
    needs ``expand_func``)."""
    difference = sp.sympify(a) - b
    decided = is_zero(difference)
    return decided is True or (decided is None and sp.simplify(sp.expand_func(difference)) == 0)
