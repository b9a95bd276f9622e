"""Generated numeric code stays finite and accurate where e^η overflows (logistic regression at |η| = 800)."""

from __future__ import annotations

import importlib.util
from functools import lru_cache

import mpmath

import numpy as np
import pytest
import sympy as sp

from _numeric_cases import derivation, numeric
from symfisher.numeric.compiler import Expit, Log1p, NumericPrinter, Softplus, stabilize
from symfisher.export.code import export_code
from symfisher.numeric.sample import SampleModel

u = sp.Symbol("u", real=True)
y = sp.Symbol("y", real=True)
z = sp.Symbol("z", real=True)
R = sp.Symbol("R", positive=True)

# (b0, b1, z): η = b0 + b1·z of ±800 (both ways of getting there), ±700 (normal floats) and ±30
POINTS = [(800, 1, 0), (-800, 1, 0), (0, 400, 2), (0, 400, -2), (0, -400, 2), (700, 1, 0), (-700, 1, 0),
          (30, 0, 1), (-30, 0, 1), (0.5, -0.25, 3)]


@lru_cache(maxsize=None)
def _mp_function(expr: sp.Expr):
    d = derivation("logistic-regression")
    return sp.lambdify([*d.model.data, *d.model.params, *d.model.given], expr, modules="mpmath")


def _reference(expr: sp.Expr, y_value: int, b0, b1, zv) -> float:
    """``expr`` of logistic regression at the point by mpmath at 1000 digits (no cancellation left), as a float."""
    with mpmath.workdps(1000):
        return float(_mp_function(sp.sympify(expr))(*(mpmath.mpf(v) for v in (y_value, b0, b1, zv))))


def _references(y_value: int, b0, b1, zv) -> dict[str, np.ndarray]:
    d = derivation("logistic-regression")

    def mat(m):
        return np.array([[_reference(m[i, j], y_value, b0, b1, zv) for j in range(2)] for i in range(2)])

    return {"logpdf": np.array(_reference(d.model.logpdf, y_value, b0, b1, zv)),
            "score": np.array([_reference(e, y_value, b0, b1, zv) for e in d.score]),
            "hessian": mat(d.hessian), "fisher": mat(d.fisher), "neh": mat(d.neg_expected_hessian)}


def _values(mod, y_value: int, b0, b1, zv) -> dict[str, np.ndarray]:
    return {"logpdf": mod.logpdf(float(y_value), b0, b1, z=zv), "score": mod.score(float(y_value), b0, b1, z=zv),
            "hessian": mod.hessian(float(y_value), b0, b1, z=zv), "fisher": mod.fisher(b0, b1, z=zv),
            "neh": mod.neg_expected_hessian(b0, b1, z=zv)}


def _assert_matches(got: dict, want: dict, atol: float = 0.0) -> None:
    """Finite, and within rtol 1e-12 (log p and s also within ``atol``: y − expit(η) cancels for y = 1, η ≫ 0)."""
    for key, value in want.items():
        assert np.all(np.isfinite(got[key])), (key, got[key])
        tol = atol if key in ("logpdf", "score") else 0.0
        np.testing.assert_allclose(got[key], value, rtol=1e-12, atol=tol, err_msg=key)


@pytest.mark.parametrize("y_value", [0, 1])
@pytest.mark.parametrize("point", POINTS, ids=[f"eta={b0 + b1 * zv:g}({b0},{b1},{zv})" for b0, b1, zv in POINTS])
def test_logistic_regression_is_finite_and_accurate_at_large_eta(point, y_value):
    eta = abs(point[0] + point[1] * point[2])
    atol = 0.0 if eta == 800 else 2e-16 * (1 + eta)  # at |η| = 800: rtol 1e-12 on every value
    _assert_matches(_values(numeric("logistic-regression"), y_value, *point), _references(y_value, *point), atol)


def test_logistic_regression_large_eta_values():
    num = numeric("logistic-regression")
    assert num.fisher(800.0, 1.0, z=0.0).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert num.score(0.0, 800.0, 1.0, z=0.0).tolist() == [-1.0, 0.0]
    assert num.logpdf(0.0, 800.0, 1.0, z=0.0) == -800.0
    assert num.logpdf(1.0, -800.0, 1.0, z=0.0) == -800.0
    assert num.fisher(-700.0, 1.0, z=1.0)[0, 0] == pytest.approx(np.exp(-701.0), rel=1e-12)
    eta = np.linspace(-800.0, 800.0, 1601)
    f = num.fisher(eta, 0.0, z=1.0)
    assert np.all(np.isfinite(f)) and np.all(f[:, 0, 0] >= 0) and f[800, 0, 0] == 0.25


def test_exported_logistic_regression_is_stable(tmp_path):
    path = export_code(derivation("logistic-regression"), tmp_path / "logreg.py")
    spec = importlib.util.spec_from_file_location("logreg", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for point in [(800, 1, 0), (-800, 1, 0), (0, 400, -2)]:
        for y_value in (0, 1):
            _assert_matches(_values(mod, y_value, *point), _references(y_value, *point))
    text = path.read_text()
    assert "numpy.logaddexp(0, " in text and "scipy.special.expit(" in text


def test_sample_model_is_stable_at_large_eta():
    d = derivation("logistic-regression")
    sm = SampleModel.of(d)
    cols, n = sm.arrays({"y": [0.0, 1.0], "z": [0.0, 0.0]})
    theta = np.array([800.0, 1.0])
    assert sm.loglik(theta, cols, n) == -800.0
    assert sm.score(theta, cols, n).tolist() == [-1.0, 0.0]
    np.testing.assert_array_equal(sm.hessian(theta, cols, n), np.zeros((2, 2)))
    np.testing.assert_array_equal(sm.fisher(theta, cols, n), np.zeros((2, 2)))


# ---------------------------------------------------------------------------------------------- the rewrite pass
STABLE = [
    (sp.log(1 + sp.exp(u)), Softplus(u), "numpy.logaddexp(0, u)"),
    (y * u - sp.log(sp.exp(u) + 1), y * u - Softplus(u), "u*y - numpy.logaddexp(0, u)"),
    (sp.exp(u) / (1 + sp.exp(u)), Expit(u), "scipy.special.expit(u)"),
    (1 / (1 + sp.exp(-u)), Expit(u), "scipy.special.expit(u)"),
    (sp.exp(u) / (1 + sp.exp(u)) ** 2, Expit(u) * Expit(-u), "scipy.special.expit(-u)*scipy.special.expit(u)"),
    (-z * sp.exp(u) / (sp.exp(u) + 1) ** 2, -z * Expit(u) * Expit(-u), None),
    (y - sp.exp(u) / (sp.exp(u) + 1), y - Expit(u), "y - scipy.special.expit(u)"),
    (sp.exp(2 * u) / (1 + sp.exp(u)) ** 3, Expit(u) ** 2 * Expit(-u), None),
    (sp.exp(-u) / (1 + sp.exp(-u)) ** 2, Expit(u) * Expit(-u), None),
    (1 - 1 / (1 + sp.exp(-u)), Expit(-u), "scipy.special.expit(-u)"),
    (sp.log(sp.exp(u) / (1 + sp.exp(u))), -Softplus(-u), "-numpy.logaddexp(0, -u)"),
    (sp.log(1 + y**2), Log1p(y**2), "numpy.log1p((y*y))"),
    (sp.log(1 - y), Log1p(-y), "numpy.log1p(-y)"),
    (sp.exp(u) * (1 + sp.exp(u)), sp.exp(u) * (1 + sp.exp(u)), None),  # nothing to gain: unchanged
    (sp.log(y + 2), sp.log(y + 2), "numpy.log(y + 2)"),
]


@pytest.mark.parametrize("expr,want,code", STABLE, ids=[str(e) for e, _, _ in STABLE])
def test_stabilize_rewrites(expr, want, code):
    got = stabilize(expr)
    assert got == want
    if code is not None:
        assert NumericPrinter().doprint(got) == code


@pytest.mark.parametrize("expr,want,code", STABLE, ids=[str(e) for e, _, _ in STABLE])
def test_stabilize_keeps_the_value(expr, want, code):
    rng = np.random.default_rng(5)
    for _ in range(4):
        point = {u: sp.Rational(int(rng.integers(-40, 40)), 7), y: sp.Rational(int(rng.integers(-6, 6)), 13),
                 z: sp.Rational(int(rng.integers(-9, 9)), 5)}
        a, b = sp.N(expr.xreplace(point), 40), sp.N(stabilize(expr).xreplace(point), 40)
        assert abs(complex(a) - complex(b)) <= 1e-30 * max(1.0, abs(complex(a)))


def test_stable_functions_differentiate_and_evaluate():
    assert sp.diff(Softplus(u), u) == Expit(u)
    assert sp.diff(Expit(u), u) == Expit(u) * Expit(-u)
    assert sp.diff(Log1p(u), u) == 1 / (1 + u)
    assert float(sp.N(Softplus(sp.Integer(800)), 30)) == 800.0
    assert float(sp.N(Expit(sp.Integer(-800)) * sp.exp(800), 30)) == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_optional_backends_still_work(backend):
    pytest.importorskip(backend)
    m = derivation("logistic-regression").lambdify(backend)
    np.testing.assert_allclose(np.asarray(m.fisher(0.3, -0.5, z=1.5)), numeric("logistic-regression").fisher(
        0.3, -0.5, z=1.5), rtol=1e-10)


def test_a_logarithm_of_gamma_functions_is_printed_as_a_sum_of_log_gammas():
    """log binomial(r + x − 1, x) as gammaln(r + x) − gammaln(r) − gammaln(x + 1): finite at x = 500, where
    Γ(r + x) overflows and the ratio the printer wrote before was inf/inf."""
    from symfisher.numeric.compiler import prepare

    r, x = sp.Symbol("r", positive=True), sp.Symbol("x", integer=True, nonnegative=True)
    code = NumericPrinter().doprint(prepare(sp.log(sp.binomial(r + x - 1, x))))
    assert "gammaln" in code and "gamma(" not in code.replace("gammaln(", "")
    import scipy.special

    value = eval(code, {"scipy": scipy, "numpy": np, "r": 2.5, "x": 500})  # noqa: S307 - our own printed code
    assert np.isclose(value, float(sp.log(sp.binomial(sp.Rational(5, 2) + 499, 500)).evalf(30)), rtol=1e-13)
    w = sp.Symbol("w", real=True)  # a factor of unknown sign is split off only as SymPy allows (Γ(r) > 0)
    assert prepare(sp.log(w * sp.gamma(r))) == sp.log(w) + sp.loggamma(r)
    assert prepare(sp.log(w**r * sp.gamma(r + w))) == sp.log(w**r * sp.gamma(r + w))


def test_one_minus_an_exponential_is_printed_as_expm1():
    """c(1 − e^u) → −c·expm1(u): x/(1 − e^(−x)) is 1 at x = 1e-20, where 1 − e^(−x) rounds to 0."""
    from symfisher.numeric.compiler import compile_function, prepare

    x = sp.Symbol("x", positive=True)
    assert NumericPrinter().doprint(prepare(2 - 2 * sp.exp(-x))) == "-2*numpy.expm1(-x)"
    assert compile_function([x], [x / (1 - sp.exp(-x))])(1e-20)[0] == 1.0
    torch = pytest.importorskip("torch")
    assert float(compile_function([x], [x / (1 - sp.exp(-x))], backend="torch")(torch.tensor(1e-20))[0]) == 1.0



@pytest.mark.parametrize("expr, value", [
    (sp.log(sp.besseli(0, z)), 1000.0),                   # I₀(1000) ≈ 10^432: log I₀ from ive
    (sp.besseli(1, z) / sp.besseli(0, z), 1000.0),        # the Rice score's ratio: inf/inf before
    (sp.besseli(1, z) ** 2 / sp.besseli(0, z) ** 2, 900.0),
    ((sp.besseli(0, z) + sp.besseli(2, z)) / (2 * sp.besseli(0, z)), 800.0),  # I₁′/I₀: e^z(…)·e^{−z}, not inf·0
    (sp.besselk(1, R) / sp.besselk(0, R), 800.0),         # K₀(800) ≈ 10^−349 underflows to 0 (K: for R > 0)
    (sp.exp(-(z - 3) ** 2 / 2 - 3 * z) * sp.besseli(0, 3 * z), 2000.0),  # a Gaussian kernel times I₀: one exponential
    (sp.besseli(0, z), 3.0), (sp.besselk(2, R), 0.5),      # ordinary arguments: the same values
])
def test_bessel_functions_of_large_arguments_are_finite_and_accurate(expr, value):
    """I_ν(z) as ive(ν, z)·e^{|z|} and K_ν(z) as kve(ν, z)·e^{−z}, their exponentials merged with the product's and
    cancelled in ratios, log(c·e^u) as log c + u: finite and accurate where I_ν overflows or K_ν underflows."""
    from symfisher.numeric.compiler import compile_function

    (arg,) = expr.free_symbols
    got = float(compile_function([arg], expr)(value))
    with mpmath.workdps(60):
        want = float(sp.lambdify(arg, expr, "mpmath")(mpmath.mpf(value)))
    assert np.isfinite(got) and got == pytest.approx(want, rel=1e-12)


def test_bessel_functions_of_a_symbol_of_unknown_sign_are_left_as_they_are():
    w = sp.Symbol("w")  # complex: |w| is not its real part, so the scaled forms do not apply
    assert stabilize(sp.besseli(0, w)) == sp.besseli(0, w)
    assert stabilize(sp.besselk(0, z)) == sp.besselk(0, z)  # K needs z > 0
