"""Core pipeline: derive, fisher_information, check, verdicts."""

from __future__ import annotations

import pytest
import sympy as sp

import symfisher as sf

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
theta = sp.Symbol("theta", positive=True)
lam = sp.Symbol("lambda", positive=True)
NORMAL = sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)


@pytest.fixture(scope="module")
def normal():
    return sf.derive(sf.Model.from_pdf(NORMAL, data=x, params=[mu, sigma], support=sp.Reals))


def test_normal_closed_forms(normal):
    assert normal.fisher == sp.Matrix([[1 / sigma**2, 0], [0, 2 / sigma**2]])
    assert normal.neg_expected_hessian == normal.fisher
    assert sp.simplify(normal.score[0] - (x - mu) / sigma**2) == 0
    assert sp.simplify(normal.hessian[1, 1] - (1 / sigma**2 - 3 * (x - mu) ** 2 / sigma**4)) == 0
    assert normal.equality.status == "proved"
    assert "E[s] = 0" in normal.equality.reason and "support independent" in normal.equality.reason
    assert normal.mean_score == sp.Matrix([0, 0])
    assert normal.strategies[("fisher", 1, 1)] == "exponential-family"


def test_derivation_is_immutable(normal):
    with pytest.raises(AttributeError):
        normal.fisher = None  # type: ignore[misc]
    assert isinstance(normal.fisher, sp.ImmutableMatrix)
    assert "proved" in repr(normal)


def test_uniform_is_refuted_with_reason_and_point():
    d = sf.derive(sf.Model.from_pdf(1 / theta, x, [theta], sp.Interval(0, theta)))
    assert d.fisher == sp.Matrix([[theta**-2]])
    assert d.neg_expected_hessian == sp.Matrix([[-(theta**-2)]])
    assert d.equality.status == "refuted"
    assert "depends on theta" in d.equality.reason
    assert d.equality.counterexample is not None and theta in d.equality.counterexample
    assert d.mean_score == sp.Matrix([-1 / theta])


def test_shifted_exponential_refuted():
    xp = sp.Symbol("x", real=True)
    d = sf.derive(sf.Model.from_pdf(lam * sp.exp(-lam * (xp - theta)), xp, [theta], sp.Interval(theta, sp.oo)))
    assert d.fisher == sp.Matrix([[lam**2]])
    assert d.neg_expected_hessian == sp.Matrix([[0]])
    assert d.equality.status == "refuted"


def test_iid_scales_information():
    xi = sp.Symbol("x", integer=True, nonnegative=True)
    n = sp.Symbol("n", positive=True, integer=True)
    m = sf.Model.from_pdf(lam**xi * sp.exp(-lam) / sp.factorial(xi), xi, [lam], sp.S.Naturals0).iid(n)
    d = sf.derive(m)
    assert d.fisher == sp.Matrix([[n / lam]])
    assert isinstance(d.score[0], sp.Sum)


@pytest.mark.parametrize("method", ["outer", "hessian", "auto"])
def test_fisher_information_methods(method):
    xp = sp.Symbol("x", positive=True)
    m = sf.Model.from_pdf(lam * sp.exp(-lam * xp), xp, [lam], sp.Interval.open(0, sp.oo))
    assert sf.fisher_information(m, method=method) == sp.Matrix([[lam**-2]])


def test_check_proves_true_and_refutes_textbook_slips():
    m = sf.Model.from_pdf(NORMAL, data=x, params=[mu, sigma], support=sp.Reals)
    assert sf.check(m, sp.Matrix([[1 / sigma**2, 0], [0, 2 / sigma**2]])).status == "proved"
    for wrong in ([[1 / sigma**2, 0], [0, 1 / sigma**2]],      # forgot the 2
                  [[1 / sigma, 0], [0, 2 / sigma**2]],         # wrong power
                  [[1 / sigma**2, 1 / sigma], [1 / sigma, 2 / sigma**2]]):  # spurious off-diagonal
        v = sf.check(m, sp.Matrix(wrong))
        assert v.status == "refuted", wrong
        assert v.counterexample and v.evidence


def test_timeout_returns_inconclusive_quickly():
    import time

    m = sf.Model.from_pdf(NORMAL, data=x, params=[mu, sigma], support=sp.Reals)
    t0 = time.monotonic()
    d = sf.derive(m, timeout=0.3)
    assert time.monotonic() - t0 < 3.0
    assert d.equality.status in ("inconclusive", "proved")


def test_bad_inputs_raise_model_errors():
    with pytest.raises(sf.ModelError, match=r"parameter lambda does not appear"):
        sf.Model.from_pdf(NORMAL, x, [mu, sigma, lam], sp.Reals)
    with pytest.raises(sf.ModelError, match=r"is both data and a parameter"):
        sf.Model.from_pdf(NORMAL, x, [x, sigma], sp.Reals)
    with pytest.raises(sf.ModelError, match=r"must be a SymPy Set"):
        sf.Model.from_pdf(NORMAL, x, [mu, sigma], "reals")
    with pytest.raises(sf.ModelError, match=r"not normalized: it integrates to 2"):
        sf.Model.from_pdf(2 * NORMAL, x, [mu, sigma], sp.Reals)
    with pytest.raises(sf.ModelError, match=r"density is negative"):
        sf.Model.from_pdf(-NORMAL, x, [mu, sigma], sp.Reals)
    with pytest.raises(sf.ModelError, match=r"no support given and data symbol y has no assumptions"):
        y = sp.Symbol("y")
        sf.Model.from_pdf(lam * sp.exp(-lam * y), y, [lam], None)
    with pytest.raises(sf.ModelError, match=r"must be 2×2"):
        sf.check(sf.Model.from_pdf(NORMAL, x, [mu, sigma], sp.Reals), sp.Matrix([[1]]))
    with pytest.raises(sf.ModelError, match=r"derive needs a symfisher Model"):
        sf.derive("normal")  # type: ignore[arg-type]


def test_from_stats_gamma():
    import sympy.stats as st

    k, th = sp.symbols("k theta", positive=True)
    d = sf.derive(sf.Model.from_stats(st.Gamma("X", k, th), params=[k, th]))
    assert sp.simplify(d.fisher - sp.Matrix([[sp.polygamma(1, k), 1 / th], [1 / th, k / th**2]])) == sp.zeros(2)
    assert d.equality.status == "proved"


def test_given_covariate_logistic_regression():
    y = sp.Symbol("y", integer=True, nonnegative=True)
    z = sp.Symbol("z", real=True)
    b0, b1 = sp.symbols("beta0 beta1", real=True)
    eta = b0 + b1 * z
    m = sf.Model.from_logpdf(y * eta - sp.log(1 + sp.exp(eta)), y, [b0, b1], sp.FiniteSet(0, 1), given=[z])
    d = sf.derive(m)
    w = sp.exp(eta) / (1 + sp.exp(eta)) ** 2
    assert sp.simplify(d.fisher - w * sp.Matrix([[1, z], [z, z**2]])) == sp.zeros(2)
    assert d.equality.status == "proved"


def test_open_entries_get_quadrature_evidence():
    """The symmetric two-component mixture ½N(μ, 1) + ½N(−μ, 1) has no closed-form Fisher information; the
    equality is proved by the residual ∫ ∂²p/∂μ² dx = 0, whose atoms x^k e^{−x²/2 ± μx} are Gaussian integrals
    (0.3 s: it had taken 3.8 s through SymPy's integrate, so the verdict depended on the machine's speed)."""
    pdf = (sp.exp(-(x - mu) ** 2 / 2) + sp.exp(-(x + mu) ** 2 / 2)) / (2 * sp.sqrt(2 * sp.pi))
    d = sf.derive(sf.Model.from_pdf(pdf, x, [mu], sp.S.Reals, name="two-normal-mixture"), timeout=30)
    assert not d.closed
    # by the residual's atoms, or by the series both sides share cancelling in the residual of the two sides
    assert d.equality.status == "proved" and d.equality.reason.rule in ("residual in expectation", "open parts cancel")
    assert d.equality.evidence
    for ev in d.equality.evidence:
        assert 0 < ev.left[0] < 1 and ev.left[0] == pytest.approx(ev.right[0], rel=1e-9)


def test_hyperbolic_secant_location_closes_through_u_equals_exp():
    """p(x | μ) = ½ sech(π(x − μ)/2): E[s²] = (π²/4) E[tanh²] = π²/8; with u = e^{−πy/2} the atoms are rational in u
    (partial fractions over 1 + u² = (1 + iu)(1 − iu): the polylogarithm strategy, before the substitution's half-Cauchy
    law in u)."""
    m = sf.Model.from_pdf(sp.sech(sp.pi * (x - mu) / 2) / 2, x, [mu], sp.S.Reals, name="hyperbolic-secant")
    d = sf.derive(m, timeout=30)
    assert d.fisher == sp.Matrix([[sp.pi**2 / 8]]) and d.equality.status == "proved"
    assert "polylogarithm" in d.strategies[("fisher", 0, 0)]
    assert "u = exp(" in next(s.detail for s in d.steps if s.stage == "fisher")
    from benchmarks.bench import spot_check

    assert spot_check(d).startswith("ok")  # quadrature of s² p at a random μ


def test_with_the_equality_proved_both_matrices_show_each_entry_in_its_shorter_form():
    """The Gumbel law's I_ββ and −E[H]_ββ are simplified from different expressions ((γ² − 2γ + 1 + π²/6)/β² and
    ((1 − γ)² + π²/6)/β²); once I = −E[H] is proved both show the shorter, the literature's form (Johnson, Kotz &
    Balakrishnan, Continuous Univariate Distributions 2, ch. 22)."""
    beta = sp.Symbol("beta", positive=True)
    z = (x - mu) / beta
    d = sf.derive(sf.Model.from_logpdf(-sp.log(beta) - z - sp.exp(-z), x, [mu, beta], sp.Reals, name="Gumbel"))
    assert d.equality.status == "proved"
    assert d.fisher == d.neg_expected_hessian
    assert d.fisher[1, 1] == ((1 - sp.EulerGamma) ** 2 + sp.pi**2 / 6) / beta**2
    assert d.fisher[0, 1] == (sp.EulerGamma - 1) / beta**2
