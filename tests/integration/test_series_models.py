"""A density that is an infinite series (sympy.stats's noncentral beta): numeric functions and exported code work.

Its Fisher information has no closed form; ``d.lambdify()`` evaluates log p, the score and the open entries
with the series summed term by term (``series_sum``). Checked against an independent computation with SciPy:
p(x) = Σ_k Poisson(k; λ/2)·Beta(x; α + k, β), its θ-derivatives by central differences, and
I_ij = ∫ ∂_i p ∂_j p / p dx by QUADPACK.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
import sympy.stats as st
from scipy import integrate, stats

import symfisher as sf
from symfisher.core.expectation.base import NO_CLOSED_FORM
from symfisher.export.code import export_code

pytestmark = pytest.mark.slow
THETA = (2.0, 3.0, 1.5)  # α, β, λ


def density(x: float, alpha: float, beta: float, lam: float) -> float:
    ks = np.arange(200)
    return float(np.sum(stats.poisson.pmf(ks, lam / 2) * stats.beta.pdf(x, alpha + ks, beta)))


def reference_fisher(theta) -> np.ndarray:
    h = 1e-5

    def gradient(x: float) -> np.ndarray:
        out = np.empty(3)
        for i in range(3):
            up, down = list(theta), list(theta)
            up[i] += h
            down[i] -= h
            out[i] = (density(x, *up) - density(x, *down)) / (2 * h)
        return out

    cells = {}
    for i in range(3):
        for j in range(i, 3):
            value = integrate.quad(lambda x: gradient(x)[i] * gradient(x)[j] / density(x, *theta), 0, 1,
                                   epsabs=1e-12, epsrel=1e-10)[0]
            cells[i, j] = cells[j, i] = value
    return np.array([[cells[i, j] for j in range(3)] for i in range(3)])


@pytest.fixture(scope="module")
def derivation():
    a, b, lam = sp.symbols("alpha beta lamda", positive=True)
    return sf.derive(sf.Model.from_stats(st.BetaNoncentral("X", a, b, lam), [a, b, lam]), timeout=20)


def test_numeric_functions_sum_the_series(derivation):
    num = derivation.lambdify()
    xs = np.array([0.1, 0.4, 0.9])
    np.testing.assert_allclose(num.logpdf(xs, *THETA), np.log([density(x, *THETA) for x in xs]), rtol=1e-12)
    want = reference_fisher(THETA)
    np.testing.assert_allclose(num.fisher(*THETA), want, rtol=1e-6)
    np.testing.assert_allclose(num.neg_expected_hessian(*THETA), want, rtol=1e-6)
    assert np.all(num.fisher_error(*THETA) < 1e-9)
    assert {derivation.strategies["fisher", i, j] for i in range(3) for j in range(i, 3)} == {NO_CLOSED_FORM}
    verdict = derivation.equality  # with numbers beside it: quadrature of the series at two points (was not tried)
    assert verdict.status == "inconclusive" and "by quadrature at 2 point(s)" in verdict.reason, verdict.reason
    assert len(verdict.evidence) == 2 and max(e.max_rel_diff for e in verdict.evidence) < 1e-9


def test_exported_module_sums_the_series_without_symfisher(derivation, tmp_path):
    path = export_code(derivation, tmp_path / "noncentral_beta.py")
    runner = ("import importlib.util, json, sys\n"
              f"spec = importlib.util.spec_from_file_location('m', {str(path)!r})\n"
              "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
              "assert 'symfisher' not in sys.modules\n"
              f"print(json.dumps({{'logpdf': m.logpdf(0.4, *{THETA}).tolist(), 'fisher': m.fisher(*{THETA}).tolist()}}))\n")
    proc = subprocess.run([sys.executable, "-I", "-c", runner], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    num = derivation.lambdify()
    assert got["logpdf"] == pytest.approx(float(num.logpdf(0.4, *THETA)), rel=1e-14)
    np.testing.assert_allclose(got["fisher"], num.fisher(*THETA), rtol=1e-12)
