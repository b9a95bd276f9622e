"""Cramér–Rao bounds and Jeffreys priors against closed forms."""

from __future__ import annotations

import pytest
import sympy as sp
from _uses_cache import derived

import symfisher as sf
from symfisher.uses import cramer_rao_bound, jeffreys_prior

n = sp.Symbol("n", positive=True, integer=True)


def test_poisson_bound_and_delta_method():
    d = derived("poisson")
    (lam,) = d.params
    assert cramer_rao_bound(d, n) == sp.Matrix([[lam / n]])
    assert cramer_rao_bound(d, n, g=sp.sqrt(lam)) == 1 / (4 * n)        # variance-stabilizing
    assert cramer_rao_bound(d, 4, at=[2]) == sp.Matrix([[sp.Rational(1, 2)]])


def test_normal_bound_and_function_of_parameters():
    d = derived("normal")
    mu, sigma = d.params
    assert cramer_rao_bound(d, n) == sp.Matrix([[sigma**2 / n, 0], [0, sigma**2 / (2 * n)]])
    # coefficient of variation g = σ/μ: ∇g = (−σ/μ², 1/μ)
    bound = cramer_rao_bound(d, n, g=sigma / mu)
    assert sp.simplify(bound - (sigma**4 / mu**4 + sigma**2 / (2 * mu**2)) / n) == 0
    G = cramer_rao_bound(d, 1, g=[mu, sigma**2])
    assert G == sp.Matrix([[sigma**2, 0], [0, 2 * sigma**4]])


def test_singular_information_raises():
    with pytest.raises(sf.RegularityError, match=r"^model logistic-regression: the Fisher information is singular "
                       r"\(det I\(θ\) = 0 for every θ\), so the Cramér–Rao bound does not exist: the parameters "
                       r"beta0, beta1 are not all identifiable$"):
        cramer_rao_bound(derived("logistic-regression"))


def test_singular_at_a_point():
    x = sp.Symbol("x", real=True)
    a = sp.Symbol("a", real=True)
    m = sf.Model.from_pdf(sp.exp(-(x - a**3) ** 2 / 2) / sp.sqrt(2 * sp.pi), x, [a], sp.S.Reals, name="cubic")
    d = sf.derive(m)                                    # I(a) = 9 a⁴: singular at a = 0
    assert cramer_rao_bound(d) == sp.Matrix([[1 / (9 * a**4)]])
    with pytest.raises(sf.RegularityError, match=r"^model cubic: the Fisher information is singular \(det I = 0 at "
                       r"a = 0\), so the Cramér–Rao bound does not exist: the parameters a are not all identifiable$"):
        cramer_rao_bound(d, at={a: 0})


def test_bad_n():
    with pytest.raises(sf.ModelError, match=r"^model poisson: n must be a positive integer number of observations, "
                       r"got -2$"):
        cramer_rao_bound(derived("poisson"), -2)


def test_jeffreys_bernoulli_is_beta_half_half():
    j = jeffreys_prior(derived("bernoulli"))
    (p,) = j.params
    assert j.proper is True and j.normalizer == sp.pi
    for v in (sp.Rational(1, 10), sp.Rational(1, 2), sp.Rational(4, 5)):
        assert sp.N(j.density.subs(p, v) - 1 / sp.sqrt(v * (1 - v)), 30) == 0
        beta_half = v ** (-sp.Rational(1, 2)) * (1 - v) ** (-sp.Rational(1, 2)) / sp.beta(sp.S.Half, sp.S.Half)
        assert abs(sp.N(j.normalized.subs(p, v) - beta_half, 30)) < 1e-25
    assert "proper" in repr(j)


def test_jeffreys_normal_location_is_flat_and_improper():
    j = jeffreys_prior(derived("normal-mean"))
    (mu,) = j.params
    assert j.density.free_symbols.isdisjoint({mu})        # flat in μ
    assert j.proper is False and j.normalized is None
    assert "does not depend on mu" in j.reason


def test_jeffreys_poisson_and_normal():
    j = jeffreys_prior(derived("poisson"))
    assert j.density == 1 / sp.sqrt(j.params[0]) and j.proper is False
    j = jeffreys_prior(derived("normal"))
    mu, sigma = j.params
    assert j.density == sp.sqrt(2) / sigma**2 and j.proper is False
