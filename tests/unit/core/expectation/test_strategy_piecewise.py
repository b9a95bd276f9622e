"""Strategy "piecewise" (strategies/piecewise.py): a density defined on intervals, E = Σ_k P_k E_k over its pieces,
each piece mapped onto (0, 1) or (0, ∞) and taken by the whole engine."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

import symfisher as sf
from _strategy_cases import apply, model, same, xr

c = sp.Symbol("c", real=True)
mu = sp.Symbol("mu", real=True)
s1, s2 = sp.symbols("sigma1 sigma2", positive=True)

# the triangular law on [0, 1] with mode c ∈ (0, 1)
TRIANGULAR = sf.Model.from_pdf(sp.Piecewise((2 * xr / c, (xr >= 0) & (xr < c)),
                                            (2 * (1 - xr) / (1 - c), (xr >= c) & (xr <= 1)), (0, True)),
                               xr, [c], sp.Interval(0, 1), name="triangular", domain={c: sp.Interval.open(0, 1)})
# the two-piece (split) normal with known mode μ: scale σ1 left of μ, σ2 right of it; the last branch is "otherwise"
A = sp.sqrt(2 / sp.pi) / (s1 + s2)
SPLIT_NORMAL = sf.Model.from_pdf(sp.Piecewise((A * sp.exp(-(xr - mu)**2 / (2 * s1**2)), xr < mu),
                                              (A * sp.exp(-(xr - mu)**2 / (2 * s2**2)), True)), xr, [s1, s2], sp.Reals,
                                 name="split normal")


def test_the_mode_of_the_triangular_law():
    """I(c) = P(X < c)/c² + P(X > c)/(1 − c)² = 1/(c(1 − c)): the score is −1/c on [0, c) and 1/(1 − c) on (c, 1].
    The support does not move, but the break point does, and the density is continuous there. Pointwise, ∂s/∂c is
    1/c² and 1/(1 − c)², so −E[H] would be −1/(c(1 − c)) = −I. In the distributional sense (the one used for |x − μ|
    and the asymmetric Laplace), ∂s/∂c also holds −(jump of s at c)·δ(x − c) with jump 1/(1 − c) + 1/c, and
    p(c) = 2 adds 2/(c(1 − c)): −E[H] = I, proved. The order 0 < c < 1 of the break points comes from c's domain."""
    d = sf.derive(TRIANGULAR)
    assert same(d.fisher[0, 0], 1 / (c * (1 - c)))
    assert same(d.neg_expected_hessian[0, 0], 1 / (c * (1 - c))) and same(d.mean_score[0], 0)
    assert d.strategies[("fisher", 0, 0)].startswith("piecewise")
    assert d.strategies[("neg_expected_hessian", 0, 0)].endswith("dirac")
    assert d.equality.status == "proved"
    cv = 0.3  # and by quadrature of the hand-written score, piece by piece
    quad = sum(integrate.quad(lambda t, f=f: f(t), lo, hi, epsabs=1e-14)[0]
               for f, lo, hi in ((lambda t: (1 / cv) ** 2 * 2 * t / cv, 0.0, cv),
                                 (lambda t: (1 / (1 - cv)) ** 2 * 2 * (1 - t) / (1 - cv), cv, 1.0)))
    assert float(d.fisher[0, 0].subs(c, cv)) == pytest.approx(quad, rel=1e-12)


def test_the_split_normal():
    """Two-piece normal with known mode (Gibbons & Mylroie 1973; Wallis 2014, Statistical Science 29(1)):
    I_11 = (2σ1 + 3σ2)/(σ1(σ1 + σ2)²), I_12 = −1/(σ1 + σ2)², I_22 = (3σ1 + 2σ2)/(σ2(σ1 + σ2)²), checked by quadrature
    of the hand-written score; the break point μ is not a parameter, so I = −E[H] is proved."""
    d = sf.derive(SPLIT_NORMAL)
    expected = sp.Matrix([[(2 * s1 + 3 * s2) / (s1 * (s1 + s2)**2), -1 / (s1 + s2)**2],
                          [-1 / (s1 + s2)**2, (3 * s1 + 2 * s2) / (s2 * (s1 + s2)**2)]])
    assert all(same(d.fisher[i, j], expected[i, j]) for i in range(2) for j in range(2))
    assert d.equality.status == "proved"
    v1, v2, m = 0.7, 1.9, 0.3

    def pdf(t):
        return np.sqrt(2 / np.pi) / (v1 + v2) * np.exp(-(t - m)**2 / (2 * (v1 if t < m else v2)**2))

    def score(t):
        return [-1 / (v1 + v2) + ((t - m)**2 / v1**3 if t < m else 0.0),
                -1 / (v1 + v2) + ((t - m)**2 / v2**3 if t >= m else 0.0)]

    quad = [[sum(integrate.quad(lambda t: score(t)[i] * score(t)[j] * pdf(t), lo, hi, epsabs=1e-13)[0]
                 for lo, hi in ((-np.inf, m), (m, np.inf))) for j in range(2)] for i in range(2)]
    got = np.array(expected.subs({s1: v1, s2: v2}), dtype=float)
    np.testing.assert_allclose(got, quad, rtol=1e-9)


def test_a_piece_that_diverges_makes_the_entry_infinite():
    """sympy.stats' triangular law on [a, b] with mode c: p ∝ x − a near a, so E[s_a²] holds E[u^−2] under a density
    ∝ u on the first piece and diverges (+∞, the coefficient's sign read off the domains); likewise at b. The
    entries of c are finite: I_cc = 1/((c − a)(b − c)), I_ab = 1/(b − a)²."""
    import sympy.stats as st

    a, b = sp.symbols("a b", real=True)
    domain = {a: sp.Interval.open(-sp.oo, 0), c: sp.Interval.open(0, 1), b: sp.Interval.open(1, sp.oo)}
    m = sf.Model.from_stats(st.Triangular("X", a, b, c), [a, b, c], domain=domain)
    d = sf.derive(m)
    assert d.fisher[0, 0] == sp.oo and d.fisher[1, 1] == sp.oo and d.infinite
    assert same(d.fisher[2, 2], 1 / ((c - a) * (b - c))) and same(d.fisher[0, 1], 1 / (b - a)**2)
    assert all(v.startswith("piecewise") for v in d.strategies.values())


def test_it_does_not_apply_to_a_density_without_pieces_or_with_pieces_it_cannot_place():
    normal = model(sp.exp(-(xr - mu)**2 / 2) / sp.sqrt(2 * sp.pi), xr, [mu], sp.Reals, "normal")
    assert apply("expression", "piecewise", normal, xr**2) is None
    wavy = model(sp.Piecewise((c, sp.sin(xr) > 0), (1 - c, True)), xr, [c], sp.Interval(0, 1),
                 "wavy")  # a condition that is not an interval in x
    assert apply("expression", "piecewise", wavy, xr) is None


@pytest.mark.parametrize("f, expected", [(sp.Integer(1), 1), (xr, (1 + c) / 3), (xr**2, (1 + c + c**2) / 6)])
def test_moments_of_the_triangular_law(f, expected):
    """E[X] = (a + b + c)/3 and E[X²] = (a² + b² + c² + ab + ac + bc)/6 with a = 0, b = 1 (Johnson, Kotz &
    Balakrishnan, Continuous Univariate Distributions 2, ch. 26)."""
    r = apply("expression", "piecewise", TRIANGULAR, f)
    assert same(r.value, expected)


def test_an_otherwise_branch_on_both_sides_and_ends_with_a_symbolic_slope():
    """Huber's least favourable law with location μ and scale σ: the conditions |x − μ| ≤ kσ have slope 1/σ, and the
    "otherwise" branch (the exponential tails) holds on two parts, each its own piece. P(|u| ≤ k) = √(2π) erf(k/√2)/C
    (Huber 1964) and E[u²] by the pieces, against quadrature."""
    k = sp.Symbol("k", positive=True)
    u = (xr - mu) / s1
    norm = sp.sqrt(2 * sp.pi) * sp.erf(k / sp.sqrt(2)) + 2 * sp.exp(-k**2 / 2) / k
    rho = sp.Piecewise((u**2 / 2, sp.Abs(u) <= k), (k * sp.Abs(u) - k**2 / 2, True))
    huber = sf.Model.from_logpdf(-rho - sp.log(s1 * norm), xr, [mu, s1], sp.Reals, name="huber")
    centre = apply("expression", "piecewise", huber, sp.Piecewise((1, sp.Abs(u) <= k), (0, True)))
    assert same(centre.value, sp.sqrt(2 * sp.pi) * sp.erf(k / sp.sqrt(2)) / norm)
    point = {mu: 0.4, s1: 1.7, k: 1.2}
    r = apply("expression", "piecewise", huber, u**2)
    pdf = sp.lambdify(xr, sp.exp(-rho - sp.log(s1 * norm)).subs(point))
    ends = [0.4 - 1.2 * 1.7, 0.4 + 1.2 * 1.7]
    quad = sum(integrate.quad(lambda t: ((t - 0.4) / 1.7) ** 2 * pdf(t), lo, hi, epsabs=1e-13)[0]
               for lo, hi in ((-np.inf, ends[0]), tuple(ends), (ends[1], np.inf)))
    assert float(r.value.subs(point)) == pytest.approx(quad, rel=1e-10)
