"""Laws on a finite support that nobody catalogued: summed point by point, and the information equality proved (from
Σ_x p(x | θ) = 1 where the residual of the two closed forms is too long to simplify in time)."""

from __future__ import annotations

import mpmath
import sympy as sp

import symfisher as sf
from symfisher.core.derivation import _sums_to_one

k = sp.Symbol("k", integer=True, nonnegative=True)
a, b = sp.symbols("a b", positive=True)
N = 5


def _beta_binomial() -> sf.Model:
    return sf.Model.from_pdf(sp.binomial(N, k) * sp.beta(k + a, N - k + b) / sp.beta(a, b), k, [a, b],
                             sp.Range(0, N + 1), name="beta-binomial-5")


def _summed_fisher(point: dict) -> list[list[float]]:
    """E[s sᵀ] = Σ_k s(k) s(k)ᵀ p(k) at the point, in mpmath (ψ(k + a) − ψ(a) … from the Beta functions)."""
    mpmath.mp.dps = 30
    av, bv = (mpmath.mpf(str(point[s])) for s in (a, b))
    out = [[mpmath.mpf(0)] * 2 for _ in range(2)]
    for kv in range(N + 1):
        p = mpmath.binomial(N, kv) * mpmath.beta(kv + av, N - kv + bv) / mpmath.beta(av, bv)
        s = [mpmath.digamma(kv + av) - mpmath.digamma(N + av + bv) - mpmath.digamma(av) + mpmath.digamma(av + bv),
             mpmath.digamma(N - kv + bv) - mpmath.digamma(N + av + bv) - mpmath.digamma(bv) + mpmath.digamma(av + bv)]
        for i in range(2):
            for j in range(2):
                out[i][j] += s[i] * s[j] * p
    return [[float(v) for v in row] for row in out]


def test_the_beta_binomial_closes_by_finite_sums_and_is_proved():
    """Beta-binomial with n = 5 on Range(0, 6) (the support a user writes): every entry a finite sum, I(θ) equal to
    the numeric sum at two points, and the equality proved. The residual E[s sᵀ] + E[H], sums of reciprocals of 15
    linear factors, is 0 as a rational function put over its factored common denominator in a polynomial ring
    (where ``expand`` had run out of its time, and the proof had come from Σ_k p(k) = 1 alone; it had been
    inconclusive after 26 s before that, the entries left to the time budget as unevaluated sums)."""
    model = _beta_binomial()
    d = sf.derive(model)
    assert all(s in ("finite-support", "data-free") for s in d.strategies.values()), dict(d.strategies)
    assert d.equality.status == "proved", d.equality.reason
    assert d.equality.residual == sp.zeros(2, 2)
    for point in ({a: sp.Rational(3, 2), b: sp.Rational(5, 2)}, {a: sp.Rational(7, 10), b: 4}):
        expected = _summed_fisher(point)
        got = d.fisher.subs(point).evalf(30)
        for i in range(2):
            for j in range(2):
                assert abs(float(got[i, j]) - expected[i][j]) <= 1e-12 * max(1.0, abs(expected[i][j]))
    # the other proof, which needs no residual: Σ_k p(k) = 1 identically
    assert _sums_to_one(model, sf.Config.defaults(), d.fisher, d.neg_expected_hessian)


def test_a_catalogued_finite_law_keeps_its_simplified_residual():
    """The binomial with n = 3: the residual simplifies at once, and the proof says so."""
    p = sp.Symbol("p", positive=True)
    d = sf.derive(sf.Model.from_pdf(sp.binomial(3, k) * p**k * (1 - p) ** (3 - k), k, [p], sp.Range(0, 4),
                                    domain={p: sp.Interval.open(0, 1)}, name="binomial-3"))
    assert d.equality.status == "proved" and d.equality.residual is not None
    assert sp.simplify(d.fisher[0, 0] - 3 / (p * (1 - p))) == 0
