"""Strategy "atoms-first" (strategies/atoms_first.py): the cheap atom strategies on E[f] before the expression
strategies that change variables; it answers only when every atom closes."""

from __future__ import annotations

import time

import sympy as sp

import symfisher as sf
from _strategy_cases import GAMMA_SHAPE, apply, same, x

a = sp.Symbol("a", positive=True)
low = sp.Symbol("L", positive=True)
high = sp.Symbol("H", positive=True)
BOUNDED_PARETO = sf.Model.from_pdf(a * low**a * x ** (-a - 1) / (1 - (low / high) ** a), x, [a, low, high],
                                   sp.Interval(low, high), domain={low: sp.Interval.open(0, 1),
                                                                   high: sp.Interval.open(1, sp.oo)},
                                   name="bounded Pareto")


def test_every_atom_closes_by_the_cheap_strategies():
    """E[log X] of the bounded Pareto law: ∂/∂t E[X^t] at t = 0, a power integral with parameter ends."""
    r = apply("expression", "atoms-first", BOUNDED_PARETO, sp.log(x) + x)
    assert r.strategies[0] == "linearity" and set(r.strategies[1:]) == {"parametric", "euler-integral"}
    expected = sp.integrate(BOUNDED_PARETO.density * (sp.log(x) + x), (x, low, high), conds="none")
    point = {a: sp.Rational(3, 2), low: sp.Rational(1, 2), high: 3}
    assert abs(float((r.value - expected).subs(point))) < 1e-12


def test_an_atom_left_open_leaves_the_entry_to_the_next_strategies():
    """E[1/(1 + X³)] under a Gamma(k) law has no cheap closed form: no answer (the expensive strategies and the
    changes of variables come after)."""
    assert apply("expression", "atoms-first", GAMMA_SHAPE, x + 1 / (1 + x**3)) is None


def test_the_bounded_pareto_information_is_the_literature_one_within_seconds():
    """The law is an exponential family in log x for fixed ends, so I_aa = Var(log X) = 1/a² − r log²(H/L)/(1 − r)²
    with r = (L/H)^a (the truncated Pareto of Aban, Meerschaert & Panorska 2006, JASA 101, 270–277); the ends'
    scores are free of the data, so I_aL = I_aH = 0 (E[s_a] = 0)."""
    start = time.perf_counter()
    d = sf.derive(BOUNDED_PARETO)
    seconds = time.perf_counter() - start
    r = (low / high) ** a
    assert same(d.fisher[0, 0], 1 / a**2 - r * sp.log(high / low) ** 2 / (1 - r) ** 2)
    assert d.fisher[0, 1] == 0 and d.fisher[0, 2] == 0
    assert "atoms-first" not in d.strategies[("fisher", 0, 0)]  # the strategies that closed it are named
    assert "inner-variable" in d.strategies[("fisher", 0, 0)].split("+")  # closed in t = log x, on (log L, log H)
    assert seconds < 30, seconds  # generous: a regression to the old 60 s budget shows, noise does not
