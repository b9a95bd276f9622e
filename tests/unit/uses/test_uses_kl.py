"""KL(p_θ ‖ p_{θ+δ}) = ½ δᵀ I(θ) δ + O(‖δ‖³), proved from the closed-form KL."""

from __future__ import annotations

import pytest
import sympy as sp
from _uses_cache import derived

from symfisher.uses import kl_expansion


@pytest.mark.parametrize("name, kl", [
    ("normal", lambda mu, s, dm, ds: sp.log((s + ds) / s) + (s**2 + dm**2) / (2 * (s + ds) ** 2) - sp.Rational(1, 2)),
    ("bernoulli", lambda p, d: p * sp.log(p / (p + d)) + (1 - p) * sp.log((1 - p) / (1 - p - d))),
    ("poisson", lambda lam, d: lam * sp.log(lam / (lam + d)) + d),
    ("exponential", lambda lam, d: sp.log(lam / (lam + d)) + d / lam),
])
def test_proved_with_the_textbook_kl(name, kl):
    d = derived(name)
    r = kl_expansion(d)
    assert r.status == "proved" and r.method == "exact" and bool(r)
    assert r.terms[0] == 0 and r.terms[1] == 0
    delta = sp.Matrix(r.delta)
    assert sp.simplify(r.terms[2] - (delta.T * d.fisher * delta)[0, 0] / 2) == 0
    expected = kl(*d.params, *r.delta)
    point = {s: sp.Rational(3, 10) if s.name.startswith("delta") else sp.Rational(7, 5) if s.name != "p"
             else sp.Rational(2, 5) for s in (r.kl - expected).free_symbols}
    point = {s: (v / 10 if s.name.startswith("delta") else v) for s, v in point.items()}
    assert abs(sp.N((r.kl - expected).subs(point), 30)) < 1e-25


def test_uniform_is_refuted():
    r = kl_expansion(derived("uniform"))
    (theta,) = derived("uniform").params
    assert r.status == "refuted" and r.counterexample is not None
    assert r.terms[1] == r.delta[0] / theta                 # a first-order term: KL = log(1 + δ/θ)
    assert "support depends on theta" in r.reason
