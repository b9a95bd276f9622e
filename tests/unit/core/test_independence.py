"""Independent blocks: log p = Σ_b ℓ_b(x_b, θ_b) makes cross-block entries E[s_i] E[s_j] and H_ij = 0."""

from __future__ import annotations

import sympy as sp

import symfisher as sf
from benchmarks.bench import scale_models, spot_check
from symfisher.core.expectation import Context
from symfisher.core.structure.independence import independent_blocks

x1, x2, m1, m2 = sp.symbols("x1 x2 mu1 mu2", real=True)
s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
REALS = {x1: sp.S.Reals, x2: sp.S.Reals}


def _normal(x, m, s):
    return -(x - m) ** 2 / (2 * s**2) - sp.log(s) - sp.log(2 * sp.pi) / 2


def test_two_normals_are_two_blocks_and_the_information_is_block_diagonal():
    model = sf.Model.from_logpdf(_normal(x1, m1, s1) + _normal(x2, m2, s2), (x1, x2), (m1, s1, m2, s2), REALS)
    blocks = independent_blocks(Context.of(model))
    assert blocks[m1] == blocks[s1] != blocks[m2] == blocks[s2]
    d = sf.derive(model)
    assert d.fisher == sp.diag(1 / s1**2, 2 / s1**2, 1 / s2**2, 2 / s2**2)
    assert d.equality.status == "proved"
    assert d.strategies[("fisher", 0, 2)] == "independence"
    assert d.strategies[("fisher", 0, 0)] != "independence"
    assert spot_check(d).startswith("ok")


def test_a_shared_parameter_joins_the_blocks():
    s = sp.Symbol("sigma", positive=True)
    model = sf.Model.from_logpdf(_normal(x1, m1, s) + _normal(x2, m2, s), (x1, x2), (m1, m2, s), REALS)
    assert independent_blocks(Context.of(model)) is None
    d = sf.derive(model)
    assert d.fisher == sp.diag(1 / s**2, 1 / s**2, 4 / s**2)


def test_an_irregular_block_keeps_its_nonzero_mean_score():
    """x1 ~ Uniform(0, θ) beside x2 ~ N(μ, 1): E[s_θ s_μ] = E[s_θ] E[s_μ] = (−1/θ)·0 = 0."""
    theta = sp.Symbol("theta", positive=True)
    u = sp.Symbol("u", positive=True)
    model = sf.Model.from_logpdf(-sp.log(theta) + _normal(x2, m1, 1), (u, x2), (theta, m1),
                                 {u: sp.Interval.open(0, theta), x2: sp.S.Reals})
    d = sf.derive(model)
    assert d.mean_score[0] == -1 / theta
    assert d.fisher[0, 1] == 0 and d.strategies[("fisher", 0, 1)] == "independence"
    assert d.equality.status == "refuted"


def test_mvn_mean_cross_entries_are_free():
    d = sf.derive(scale_models("mvn-mean", 6))
    assert d.fisher == sp.eye(6) and d.equality.status == "proved"
    assert sum(v == "independence" for k, v in d.strategies.items() if k[0] == "fisher") == 15


def test_mvn_mean_with_symbolic_precision_needs_no_inverse():
    """N(μ, Λ⁻¹) with a full symbolic 6×6 precision Λ: s = Λ(x − μ), E[s sᵀ] = Λ by integration by parts."""
    d = sf.derive(scale_models("mvn-precision", 6))
    lam = {(i, j): sp.Symbol(f"lambda_{i + 1}_{j + 1}", positive=i == j, real=True) for i in range(6) for j in range(i, 6)}
    assert d.fisher == sp.Matrix(6, 6, lambda i, j: lam[(min(i, j), max(i, j))])
    assert d.equality.status == "proved"
    assert d.strategies[("fisher", 1, 4)] == "slepian-bangs"
    assert "no inverse needed" in next(s.detail for s in d.steps if s.stage == "fisher")
