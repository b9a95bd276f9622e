"""Lambdified numeric functions: values against SciPy and finite differences, shapes, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from scipy import special

import symfisher as sf
import symfisher.catalog as derivations
from _numeric_cases import CASES, NAMES, derivation, numeric, points, split
from symfisher import ModelError, NotSupportedError
from symfisher.numeric._runtime import gauss_kronrod, trigamma
from symfisher.numeric.compiler import NumericPrinter
from symfisher.numeric.empirical import empirical_fisher, observed_information

CASE_POINTS = [pytest.param(name, i, id=f"{name}-{i}") for name in NAMES for i in range(2)]


def _data(name: str, n: int = 64, seed: int = 3) -> np.ndarray:
    return CASES[name]["data"](np.random.default_rng(seed), n)


@pytest.mark.parametrize("name,i", CASE_POINTS)
def test_logpdf_matches_scipy(name, i):
    theta, given = split(name, points(name)[i])
    x = _data(name)
    got = numeric(name).logpdf(x, *theta, **given)
    want = CASES[name]["scipy"](x, *theta, *given.values())
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,i", CASE_POINTS)
def test_score_and_hessian_match_finite_differences(name, i):
    theta, given = split(name, points(name)[i])
    num = numeric(name)
    x = _data(name, 16)
    s = num.score(x, *theta, **given)
    h = num.hessian(x, *theta, **given)
    for j in range(len(theta)):
        step = 1e-5 * max(1.0, abs(theta[j]))
        up, down = list(theta), list(theta)
        up[j] += step
        down[j] -= step
        fd_s = (num.logpdf(x, *up, **given) - num.logpdf(x, *down, **given)) / (2 * step)
        np.testing.assert_allclose(s[:, j], fd_s, rtol=1e-6, atol=1e-6)
        fd_h = (num.score(x, *up, **given) - num.score(x, *down, **given)) / (2 * step)
        np.testing.assert_allclose(h[:, :, j], fd_h, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(h, np.swapaxes(h, -1, -2))


@pytest.mark.parametrize("name,i", CASE_POINTS)
def test_fisher_matches_literature(name, i):
    point = points(name)[i]
    theta, given = split(name, point)
    fam = derivations.get(name)
    subs = {s: sp.Float(point[str(s)]) for s in (*fam.params, *fam.given)}
    want = np.array(sp.N(fam.fisher.subs(subs)).tolist(), dtype=float)
    num = numeric(name)
    np.testing.assert_allclose(num.fisher(*theta, **given), want, rtol=1e-8, atol=1e-12)
    if not (name in ("gamma-rate", "weibull") and num.neh_open):
        np.testing.assert_allclose(num.neg_expected_hessian(*theta, **given), want, rtol=1e-8, atol=1e-12)


# ---------------------------------------------------------------------------------------------- shapes
def test_shapes_broadcast_like_numpy():
    num = numeric("normal")
    assert num.score(0.5, 0.0, 1.0).shape == (2,)
    assert num.hessian(0.5, 0.0, 1.0).shape == (2, 2)
    assert num.logpdf(0.5, 0.0, 1.0).shape == ()
    x = np.linspace(-1, 1, 5)
    sigma = np.array([[1.0], [2.0], [3.0]])
    assert num.score(x, 0.0, sigma).shape == (3, 5, 2)
    assert num.hessian(x, np.zeros(5), sigma).shape == (3, 5, 2, 2)
    assert num.logpdf([[0.1, 0.2]], [0.0], 1.0).shape == (1, 2)
    np.testing.assert_allclose(num.score(x, 0.0, sigma)[2, :, 0], x / 9.0, rtol=1e-15)


def test_data_free_entries_come_back_as_full_arrays():
    num = numeric("normal")
    f = num.fisher(np.zeros(4), 2.0)
    assert isinstance(f, np.ndarray) and f.shape == (4, 2, 2)
    np.testing.assert_array_equal(f[:, 0, 1], np.zeros(4))
    np.testing.assert_allclose(f[:, 1, 1], np.full(4, 0.5))
    f0 = num.fisher(0.0, 2.0)
    assert isinstance(f0, np.ndarray) and f0.shape == (2, 2)
    assert f0.tolist() == [[0.25, 0.0], [0.0, 0.5]]
    assert numeric("exponential").fisher([1.0, 2.0]).tolist() == [[[1.0]], [[0.25]]]


def test_covariates_are_keyword_arguments_and_broadcast():
    num = numeric("logistic-regression")
    z = np.array([-1.0, 0.0, 2.0])
    f = num.fisher(0.3, -0.5, z=z)
    assert f.shape == (3, 2, 2)
    eta = 0.3 - 0.5 * z
    w = special.expit(eta) * special.expit(-eta)
    np.testing.assert_allclose(f[:, 0, 1], w * z, rtol=1e-12, atol=1e-15)
    s = num.score(np.array([0.0, 1.0, 1.0]), 0.3, -0.5, z=z)
    np.testing.assert_allclose(s[:, 1], (np.array([0.0, 1.0, 1.0]) - special.expit(eta)) * z, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------------------------- bad input
def test_wrong_number_of_parameters():
    with pytest.raises(ModelError, match=r"^model normal: expected 2 parameter value\(s\) \(mu, sigma\), got 1$"):
        numeric("normal").score(0.0, 1.0)
    with pytest.raises(ModelError, match=r"^model normal: expected 2 parameter value\(s\) \(mu, sigma\), got 3$"):
        numeric("normal").fisher(0.0, 1.0, 2.0)


def test_shapes_that_do_not_broadcast():
    with pytest.raises(ModelError, match=r"^model normal: argument shapes \(3,\), \(4,\), \(\) do not broadcast together$"):
        numeric("normal").score(np.zeros(3), np.zeros(4), 1.0)


@pytest.mark.parametrize("name,args,message", [
    ("normal", (0.0, -1.0), r"^model normal: parameter sigma = -1\.0 is outside its domain \(0, inf\)$"),
    ("normal", (0.0, [1.0, 0.0]), r"^model normal: parameter sigma = 0\.0 is outside its domain \(0, inf\)$"),
    ("bernoulli", (1.5,), r"^model bernoulli: parameter p = 1\.5 is outside its domain \(0, 1\)$"),
    ("bernoulli", (0.0,), r"^model bernoulli: parameter p = 0\.0 is outside its domain \(0, 1\)$"),
])
def test_parameters_outside_their_domain_raise(name, args, message):
    with pytest.raises(ModelError, match=message):
        numeric(name).fisher(*args)
    with pytest.raises(ModelError, match=message):
        numeric(name).score(0.0, *args)


def test_nan_parameters_propagate():
    s = numeric("normal").score(np.array([0.0, 1.0]), 0.0, np.array([np.nan, 1.0]))
    assert np.isnan(s[0]).all() and s[1].tolist() == [1.0, 0.0]


def test_covariate_errors():
    num = numeric("logistic-regression")
    with pytest.raises(ModelError, match=r"^model logistic-regression: covariate 'z' must be given as a keyword argument$"):
        num.fisher(0.0, 1.0)
    with pytest.raises(ModelError, match=r"^model logistic-regression: unknown keyword argument 'w'; covariates: z$"):
        num.fisher(0.0, 1.0, z=1.0, w=2.0)


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_optional_backends_name_the_missing_package(backend):
    try:
        __import__(backend)
    except ImportError:
        with pytest.raises(NotSupportedError, match=rf"^backend '{backend}' needs the package '{backend}', which is not installed$"):
            derivation("normal").lambdify(backend)
    else:  # pragma: no cover - only where the library is installed
        m = derivation("normal").lambdify(backend)
        assert np.allclose(np.asarray(m.fisher(0.0, 2.0)), [[0.25, 0.0], [0.0, 0.5]])


def test_unknown_backend():
    with pytest.raises(NotSupportedError, match=r"^unknown backend 'cupy'; available: numpy, jax, torch$"):
        derivation("normal").lambdify("cupy")


# ---------------------------------------------------------------------------------------------- printer, helpers
@pytest.mark.parametrize("expr,code", [
    ("sigma**(-2)", "(1/(sigma*sigma))"),
    ("sigma**3", "(sigma*sigma*sigma)"),
    ("(x - mu)**2", "((-mu + x)*(-mu + x))"),
    ("1/sigma", "(1/(sigma))"),
    ("sqrt(sigma)", "numpy.sqrt(sigma)"),
    ("polygamma(1, a)", "trigamma(a)"),
    ("polygamma(0, a)", "scipy.special.digamma(a)"),
    ("log(gamma(a))", "scipy.special.gammaln(a)"),
    ("log(factorial(x))", "scipy.special.gammaln(x + 1)"),
    ("pi", "numpy.pi"),
    ("erf(x)", "scipy.special.erf(x)"),
    ("expint(1, eta)", "scipy.special.exp1(eta)"),  # the Gompertz law's I_bη holds e^η E₁(η)
    ("expint(3, eta)", "scipy.special.expn(3, eta)"),
    ("hyper((1, 1, 1), (2, 2, 2), -eta)", "unit_hyper(3, -eta)"),  # the Gompertz law's I_bb
    ("uppergamma(1 - 2/alpha, 1)", "upper_gamma(1 - 2/alpha, 1)"),  # the Nadarajah–Haghighi law's I_λλ
])
def test_printer(expr, code):
    assert NumericPrinter().doprint(sp.sympify(expr)) == code


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5])
def test_unit_hyper_agrees_with_its_integral(m):
    """ₘFₘ(1, …; 2, …; w) = ∫₀¹ (−log t)^{m−1} e^{wt} dt/(m − 1)!, by mpmath at 30 digits (its own series stalls at
    w = −3000), on both sides of the switch at w = −8."""
    import mpmath

    from symfisher.numeric._runtime import unit_hyper

    w = np.array([-1e4, -300.0, -8.5, -8.0, -0.7, 0.0, 2.0, 25.0])
    with mpmath.workdps(30):
        exact = [float(mpmath.quad(lambda t: (-mpmath.log(t)) ** (m - 1) * mpmath.exp(v * t),
                                   [0, mpmath.mpf(1) / max(1.0, abs(v)), 1]) / mpmath.factorial(m - 1)) for v in w]
    np.testing.assert_allclose(unit_hyper(m, w), exact, rtol=1e-13)


def test_upper_gamma_takes_every_real_order():
    """Γ(a, x) for a ≤ 0 too (SciPy's gammaincc: a ≥ 0 only), against mpmath; x = 1 is the Nadarajah–Haghighi law's."""
    import mpmath

    from symfisher.numeric._runtime import upper_gamma

    a = np.array([-3.5, -3.0, -2.33, -1.0, -0.33, 0.0, 0.5, 1.0, 2.7, 7.2])
    for x, rtol in ((0.3, 1e-13), (1.0, 1e-13), (5.0, 1e-12), (20.0, 1e-10)):  # the recurrence down cancels for x ≫ 1
        exact = [float(mpmath.gammainc(v, x, mpmath.inf)) for v in a]
        np.testing.assert_allclose(upper_gamma(a, x), exact, rtol=rtol)
    assert upper_gamma(-1.0, 1.0) == pytest.approx(math.exp(-1) - float(mpmath.e1(1)), rel=1e-14)


def test_other_hypergeometric_functions_have_no_numpy_form():
    from sympy.printing.codeprinter import PrintMethodNotImplementedError

    with pytest.raises(PrintMethodNotImplementedError, match="hyper"):
        NumericPrinter().doprint(sp.hyper([1, 2], [3, 3], sp.Symbol("eta")))


def test_an_exponential_integral_of_noninteger_order_has_no_numpy_form():
    from sympy.printing.codeprinter import PrintMethodNotImplementedError

    with pytest.raises(PrintMethodNotImplementedError, match="expint"):
        NumericPrinter().doprint(sp.expint(sp.Symbol("nu"), sp.Symbol("eta")))


def test_trigamma_is_accurate():
    x = np.concatenate([np.logspace(-6, 10, 400), np.linspace(0.01, 30, 3000), [-0.5, -2.5]])
    np.testing.assert_allclose(trigamma(x), special.polygamma(1, x), rtol=2e-15)
    assert trigamma(1.0) == pytest.approx(math.pi**2 / 6, rel=1e-15)


def test_gauss_kronrod_vector_valued():
    f = lambda x: np.stack([np.exp(-x), x**-0.5, np.log(x) ** 2], axis=-1)  # noqa: E731
    np.testing.assert_allclose(gauss_kronrod(f, 0.0, 1.0, 1e-10), [1 - math.exp(-1), 2.0, 2.0], rtol=1e-8)


# ---------------------------------------------------------------------------------------------- empirical
def test_empirical_fisher_and_observed_information():
    d, num = derivation("normal"), numeric("normal")
    x = np.random.default_rng(1).normal(0.5, 2.0, size=1001)
    s = num.score(x, 0.5, 2.0)
    want = s.T @ s / len(x)
    np.testing.assert_allclose(empirical_fisher(d, x, {"mu": 0.5, "sigma": 2.0}), want, rtol=1e-12)
    np.testing.assert_allclose(empirical_fisher(d, x, {sp.Symbol("mu", real=True): 0.5, "sigma": 2.0}, chunk=7),
                               want, rtol=1e-12)
    obs = observed_information(d, x, {"mu": 0.5, "sigma": 2.0}, chunk=100)
    np.testing.assert_allclose(obs, -num.hessian(x, 0.5, 2.0).sum(axis=0), rtol=1e-12)
    assert obs[0, 0] == pytest.approx(len(x) / 4.0, rel=1e-14)


def test_empirical_with_covariate_per_observation():
    d, num = derivation("logistic-regression"), numeric("logistic-regression")
    rng = np.random.default_rng(2)
    z = rng.normal(size=500)
    y = (rng.random(500) < special.expit(0.2 + 0.7 * z)).astype(float)
    s = num.score(y, 0.2, 0.7, z=z)
    np.testing.assert_allclose(empirical_fisher(d, y, {"beta0": 0.2, "beta1": 0.7, "z": z}, chunk=64),
                               s.T @ s / 500, rtol=1e-12)
    with pytest.raises(ModelError, match=r"^model logistic-regression: covariate z has 3 values for 500 observations$"):
        empirical_fisher(d, y, {"beta0": 0.2, "beta1": 0.7, "z": z[:3]})


def test_empirical_errors():
    d = derivation("normal")
    with pytest.raises(ModelError, match=r"^model normal: no value given for sigma$"):
        empirical_fisher(d, [1.0], {"mu": 0.0})
    with pytest.raises(ModelError, match=r"^chunk must be a positive integer, got 0$"):
        observed_information(d, [1.0], {"mu": 0.0, "sigma": 1.0}, chunk=0)


def test_empirical_accepts_dask_arrays():
    da = pytest.importorskip("dask.array")
    d, num = derivation("gamma-rate"), numeric("gamma-rate")
    x = np.random.default_rng(4).gamma(2.0, size=3000)
    dx = da.from_array(x, chunks=700)
    point = {"alpha": 2.0, "beta": 1.0}
    s = num.score(x, 2.0, 1.0)
    np.testing.assert_allclose(empirical_fisher(d, dx, point), s.T @ s / len(x), rtol=1e-12)
    np.testing.assert_allclose(observed_information(d, dx, point), -num.hessian(x, 2.0, 1.0).sum(axis=0), rtol=1e-12)


# ---------------------------------------------------------------------------------------------- argument types
_REAL = r"must be a real number or array of reals, got "
BAD_VALUES = [
    ("1.0", r"str '1\.0'"),
    (None, r"None"),
    (True, r"bool True"),
    (False, r"bool False"),
    (np.bool_(True), r"bool (np\.)?True_?"),
    (1 + 2j, r"complex \(1\+2j\)"),
    (np.complex128(1.5), r"complex128 (np\.complex128\(1\.5\+0j\)|\(1\.5\+0j\))"),
    ([[1, 2], [3]], r"ragged list \[\[1, 2\], \[3\]\]"),
    (np.array([1, "a"], dtype=object), r"object array containing str 'a'"),
    (np.array([None]), r"object array containing None"),
    (10**400, r"int 1000000000000000000000000000000000000000… \(401 characters\)"),
    ([1.0, 10**400], r"list containing int 1000000000000000000000000000000000000000… \(401 characters\)"),
    (["1.0"], r"list containing str '1\.0'"),
    ((1, "2"), r"tuple containing str '2'"),
    ([True, False], r"list containing bool True"),
    ([1.0, None], r"list containing None"),
    (np.array([1 + 1j]), r"complex128 array containing complex \(1\+1j\)"),
    (np.array(["x"]), r"<U1 array containing str 'x'"),
    (np.array([True]), r"bool array containing bool True"),
    ({"a": 1}, r"dict \{'a': 1\}"),
    (b"1", r"bytes b'1'"),
]


@pytest.mark.parametrize("value,got", BAD_VALUES, ids=[repr(v)[:30] for v, _ in BAD_VALUES])
def test_bad_parameter_values_raise_one_line_model_errors(value, got):
    num = numeric("exponential")
    message = rf"^model exponential: parameter lambda {_REAL}{got}$"
    for call in (lambda: num.fisher(value), lambda: num.neg_expected_hessian(value),
                 lambda: num.score(1.0, value), lambda: num.logpdf(1.0, value), lambda: num.hessian(1.0, value)):
        with pytest.raises(ModelError, match=message):
            call()


@pytest.mark.parametrize("value,got", BAD_VALUES, ids=[repr(v)[:30] for v, _ in BAD_VALUES])
def test_bad_data_and_covariates_raise_one_line_model_errors(value, got):
    with pytest.raises(ModelError, match=rf"^model exponential: data x {_REAL}{got}$"):
        numeric("exponential").score(value, 2.0)
    with pytest.raises(ModelError, match=rf"^model logistic-regression: covariate z {_REAL}{got}$"):
        numeric("logistic-regression").fisher(0.1, 0.2, z=value)
    with pytest.raises(ModelError, match=rf"^model logistic-regression: data y {_REAL}{got}$"):
        numeric("logistic-regression").logpdf(value, 0.1, 0.2, z=1.0)


def test_bad_values_in_empirical_and_cross_check():
    from symfisher.numeric.crosscheck import cross_check

    d = derivation("normal")
    with pytest.raises(ModelError, match=rf"^model normal: data x {_REAL}list containing str 'a'$"):
        empirical_fisher(d, [1.0, "a"], {"mu": 0.0, "sigma": 1.0})
    with pytest.raises(ModelError, match=rf"^model normal: parameter sigma {_REAL}str '1'$"):
        observed_information(d, [1.0, 2.0], {"mu": 0.0, "sigma": "1"})
    with pytest.raises(ModelError, match=rf"^model normal: parameter mu {_REAL}bool True$"):
        cross_check(d, {"mu": True, "sigma": 1.0})
    big = r"int 1000000000000000000000000000000000000000… \(401 characters\)"
    with pytest.raises(ModelError, match=rf"^model normal: parameter sigma {_REAL}{big}$"):
        cross_check(d, {"mu": 0.0, "sigma": 10**400})
    with pytest.raises(ModelError, match=r"^model normal: cross_check needs one number per parameter and covariate$"):
        cross_check(d, {"mu": [0.0, 1.0], "sigma": 1.0})


@pytest.mark.parametrize("value", [2, 2.0, np.float32(2.0), np.int64(2), np.array(2.0), np.array([2, 4]),
                                   np.array([2.0, 4.0], dtype=np.float32), [2, 4], (2.0, 4), [[2.0], [4.0]],
                                   np.array([2.0, 4.0], dtype=object), sp.Float(2.0), sp.Integer(2)],
                         ids=repr)
def test_real_values_of_every_kind_are_accepted(value):
    num = numeric("exponential")
    want = 1.0 / np.asarray(value, dtype=float) ** 2
    np.testing.assert_allclose(num.fisher(value)[..., 0, 0], want, rtol=1e-15)
    np.testing.assert_allclose(num.score(1.0, value)[..., 0], 1.0 / np.asarray(value, dtype=float) - 1.0, rtol=1e-15)


def test_fractions_decimals_and_dask_arrays_are_accepted():
    import decimal
    import fractions

    num = numeric("exponential")
    assert num.fisher(fractions.Fraction(1, 2)).tolist() == [[4.0]]
    assert num.fisher(decimal.Decimal("0.5")).tolist() == [[4.0]]
    da = pytest.importorskip("dask.array")
    np.testing.assert_allclose(num.score(da.from_array(np.array([1.0, 2.0]), chunks=1), 0.5), [[1.0], [0.0]])
    with pytest.raises(ModelError, match=rf"^model exponential: data x {_REAL}Array of dtype complex128$"):
        num.score(da.from_array(np.array([1.0 + 1j]), chunks=1), 0.5)


def test_closed_forms_that_hold_under_conditions_are_infinite_or_nan_outside_them():
    """sympy.stats' power-function law α(x − a)^(α−1)/(b − a)^α on [a, b]: E[s_a²] holds E[(x − a)^−2], which
    converges only for α > 2; the closed form α/((b − a)²(α − 2)) is negative below 2, and had come out of the numeric
    functions as I_aa = −0.051 at α = 0.855. Outside its conditions a diagonal entry of I(θ) is +inf (E[s_a²] ≥ 0
    diverges), an off-diagonal one NaN; inside, the closed form. The same in the exported module and on JAX."""
    import sympy.stats as st

    alpha = sp.Symbol("alpha", positive=True)
    a, b = sp.symbols("a b", real=True)
    d = sf.derive(sf.Model.from_stats(st.PowerFunction("X", alpha, a, b), [alpha, a, b],
                                      domain={a: sp.Interval.open(-sp.oo, 0), b: sp.Interval.open(0, sp.oo)}))
    assert d.entry_conditions[("fisher", 1, 1)] == (alpha > 2,)  # alpha > 1 of another term is implied
    num = d.lambdify()
    low, high = num.fisher(np.array([0.855, 3.3]), -1.771, 2.051)
    assert low[1, 1] == np.inf and np.isnan(low[0, 1]) and np.isnan(low[1, 2])
    assert low[0, 0] == pytest.approx(1 / 0.855**2, rel=1e-14)  # I_αα = 1/α² holds everywhere
    assert high[1, 1] == pytest.approx(3.3 / ((2.051 + 1.771) ** 2 * 1.3), rel=1e-12)
    pytest.importorskip("jax")
    jax_low = np.asarray(d.lambdify(backend="jax").fisher(0.855, -1.771, 2.051))
    assert jax_low[1, 1] == np.inf and np.isnan(jax_low[0, 1])
