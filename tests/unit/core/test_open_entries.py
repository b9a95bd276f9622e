"""Entries no strategy closes: labelled "numeric, no closed form", and evaluated numerically.

A two-component normal mixture w·N(0, 1) + (1 − w)·N(m, 1) has no closed-form Fisher information;
the derivation must still say which entries are open and give working numeric functions for them.
"""

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from symfisher import Model, derive
from symfisher.core.expectation.base import NO_CLOSED_FORM

x = sp.Symbol("x", real=True)
m = sp.Symbol("m", real=True)
w = sp.Symbol("w", positive=True)


def _phi(t):
    return np.exp(-t * t / 2) / np.sqrt(2 * np.pi)


def _fisher_by_quadrature(wv: float, mv: float) -> np.ndarray:
    """E[s sᵀ] of the mixture by direct quadrature of the hand-written score (tails beyond ±30: < 1e-190)."""

    def score(t):
        p = wv * _phi(t) + (1 - wv) * _phi(t - mv)
        return np.array([(_phi(t) - _phi(t - mv)) / p, (1 - wv) * (t - mv) * _phi(t - mv) / p]), p

    def entry(i, j):
        return integrate.quad(lambda t: (lambda s, p: s[i] * s[j] * p)(*score(t)), -30.0, 30.0 + mv, points=[0.0, mv],
                              epsabs=1e-13, epsrel=1e-11)[0]

    return np.array([[entry(0, 0), entry(0, 1)], [entry(0, 1), entry(1, 1)]])


@pytest.fixture(scope="module")
def mixture():
    pdf = w * sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi) + (1 - w) * sp.exp(-(x - m)**2 / 2) / sp.sqrt(2 * sp.pi)
    return derive(Model.from_pdf(pdf, x, [w, m], sp.Reals, domain={w: sp.Interval.open(0, 1)}, name="mixture"))


@pytest.mark.slow
def test_open_entries_are_labelled_numeric(mixture):
    assert not mixture.closed
    assert mixture.strategies[("fisher", 0, 0)] == NO_CLOSED_FORM == "numeric, no closed form"
    open_keys = [key for key, s in mixture.strategies.items() if key[0] == "fisher" and NO_CLOSED_FORM in s]
    assert open_keys == [("fisher", 0, 0), ("fisher", 0, 1), ("fisher", 1, 1)]
    assert mixture.equality.status == "inconclusive"  # never "proved" from entries that did not close


@pytest.mark.slow
def test_open_entries_evaluate_numerically_and_vectorised(mixture):
    f = mixture.lambdify()
    got = f.fisher(np.array([0.3, 0.5]), np.array([1.0, 2.0]))
    assert got.shape == (2, 2, 2)
    for n, (wv, mv) in enumerate([(0.3, 1.0), (0.5, 2.0)]):
        np.testing.assert_allclose(got[n], _fisher_by_quadrature(wv, mv), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(f.neg_expected_hessian(0.3, 1.0), got[0], rtol=1e-7, atol=1e-10)
