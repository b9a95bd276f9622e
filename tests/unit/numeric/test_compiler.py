"""The one numeric compiler: compile_function / compiled_source, and no other way from SymPy to numeric code."""

from __future__ import annotations

import ast
import gc
import inspect
import linecache
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from scipy import special, stats

from symfisher import NotSupportedError
from symfisher.numeric.compiler import Expit, Log1p, Softplus, compile_function, compiled_source, get_backend

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
eta = sp.Symbol("eta", real=True)
alpha = sp.Symbol("alpha", positive=True)

NORMAL_LOGPDF = -(x - mu) ** 2 / (2 * sigma**2) - sp.log(sigma) - sp.log(2 * sp.pi) / 2
IDENTIFIER = (r"is not a Python identifier \(only arguments of the generated code, renamed to identifiers, may appear "
              r"in it\)$")


# ---------------------------------------------------------------------------------------------- values and shapes
def test_scalar_expression_vectorises():
    f = compile_function([x, mu, sigma], NORMAL_LOGPDF)
    xs = np.linspace(-3, 3, 7)
    got = f(xs, 0.5, 2.0)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64 and got.shape == (7,)
    np.testing.assert_allclose(got, stats.norm(0.5, 2.0).logpdf(xs), rtol=1e-14)
    grid = f(xs[:, None], np.array([0.0, 1.0]), 2.0)  # broadcasting like NumPy
    assert grid.shape == (7, 2)
    assert float(f(1.0, 0.0, 1.0)) == pytest.approx(stats.norm.logpdf(1.0), rel=1e-15)


def test_constant_results_take_the_broadcast_shape():
    f = compile_function([mu, sigma], [1 / sigma**2, sp.Integer(0), 2 / sigma**2])
    values = f(np.zeros(4), 2.0)
    assert [v.shape for v in values] == [(4,), (4,), (4,)]
    assert [v.tolist() for v in values] == [[0.25] * 4, [0.0] * 4, [0.5] * 4]
    assert compile_function([mu], sp.Integer(3))(np.zeros((2, 3))).tolist() == [[3.0] * 3] * 2


def test_matrix_expression():
    fisher = sp.Matrix([[1 / sigma**2, 0], [0, 2 / sigma**2]])
    f = compile_function([mu, sigma], fisher, name="fisher")
    at_points = f(np.zeros(3), np.array([1.0, 2.0, 4.0]))
    assert at_points.shape == (3, 2, 2)
    np.testing.assert_array_equal(at_points[1], [[0.25, 0.0], [0.0, 0.5]])
    assert f(0.0, 2.0).shape == (2, 2)
    rect = compile_function([sigma], sp.Matrix([[sigma, 1, 2]]))(np.array([5.0, 6.0]))
    assert rect.tolist() == [[[5.0, 1.0, 2.0]], [[6.0, 1.0, 2.0]]]


def test_special_functions_use_the_numeric_printer():
    f = compile_function([alpha], [sp.polygamma(1, alpha), sp.loggamma(alpha), sp.digamma(alpha)])
    a = np.array([0.5, 3.0, 40.0])
    tri, lg, dg = f(a)
    np.testing.assert_allclose(tri, special.polygamma(1, a), rtol=2e-15)
    np.testing.assert_array_equal(lg, special.gammaln(a))
    np.testing.assert_array_equal(dg, special.digamma(a))
    assert "trigamma(alpha)" in compiled_source([alpha], sp.polygamma(1, alpha))


# ---------------------------------------------------------------------------------------------- stable rewrites
def test_logistic_terms_are_finite_at_large_eta():
    terms = [sp.log(1 + sp.exp(eta)), sp.exp(eta) / (1 + sp.exp(eta)), sp.exp(eta) / (1 + sp.exp(eta)) ** 2,
             sp.log(1 + sp.exp(-eta)), 1 - sp.exp(eta) / (1 + sp.exp(eta))]
    f = compile_function([eta], terms)  # an overflow warning would be an error (filterwarnings = error)
    softplus, expit, dexpit, softplus_neg, expit_neg = f(np.array([-800.0, 0.0, 800.0]))
    assert softplus.tolist() == [0.0, np.log(2.0), 800.0]
    assert expit.tolist() == [0.0, 0.5, 1.0]
    assert dexpit.tolist() == [0.0, 0.25, 0.0]
    assert softplus_neg.tolist() == [800.0, np.log(2.0), 0.0]
    assert expit_neg.tolist() == [1.0, 0.5, 0.0]
    src = compiled_source([eta], terms)
    assert "numpy.logaddexp(0, " in src and "scipy.special.expit(" in src and "exp(eta)" not in src


# ---------------------------------------------------------------------------------------------- the source
SOURCES = [
    ([sigma], 2 / sigma**2, "I_00", "def I_00(sigma):\n    return 2/(sigma*sigma)\n"),
    ([x, mu, sigma], NORMAL_LOGPDF, "logp",
     "def logp(x, mu, sigma):\n"
     "    return -numpy.log(sigma) - 1/2*numpy.log(2*numpy.pi) - 1/2*((-mu + x)*(-mu + x))/(sigma*sigma)\n"),
    ([eta], sp.log(1 + sp.exp(eta)), "compiled", "def compiled(eta):\n    return numpy.logaddexp(0, eta)\n"),
    ([alpha], sp.log(sp.gamma(alpha)), "lg", "def lg(alpha):\n    return scipy.special.gammaln(alpha)\n"),
    ([sigma], sp.Matrix([[1 / sigma**2, 0], [0, 2 / sigma**2]]), "I",
     "def I(sigma):\n    x0 = (1/(sigma*sigma))\n    return [x0, 0, 0, 2*x0]\n"),
    ([sp.Symbol('x"""'), sp.Symbol("lambda")], sp.Symbol('x"""') * sp.Symbol("lambda"), "f",
     "def f(x___, lambda_):\n    return lambda_*x___\n"),
    ([sp.Symbol("numpy"), sp.Symbol("f")], sp.Symbol("numpy") + sp.Symbol("f"), "f",
     "def f(numpy_, f_):\n    return f_ + numpy_\n"),
]


@pytest.mark.parametrize("args,expr,name,source", SOURCES)
def test_compiled_source(args, expr, name, source):
    assert compiled_source(args, expr, name) == source
    f = compile_function(args, expr, name=name)
    assert inspect.getsource(f) == source  # registered in linecache, as lambdify does
    assert f.__name__ == name


def test_cse_can_be_switched_off():
    expr = [sp.exp(x) * sigma, sp.exp(x) / sigma]
    assert "x0 = " in compiled_source([x, sigma], expr)
    assert compiled_source([x, sigma], expr, cse=False) == ("def compiled(x, sigma):\n"
                                                           "    return [sigma*numpy.exp(x), numpy.exp(x)/sigma]\n")


def test_free_symbols_do_not_collide_with_cse_temporaries():
    x0 = sp.Symbol("x0", positive=True)  # a constant named like cse's first temporary
    expr = [sp.exp(x) * x0, sp.exp(x) / x0]
    src = compiled_source([x], expr)
    assert "    x1 = numpy.exp(x)\n" in src
    assert compile_function([x, x0], expr)(0.0, 2.0) == [2.0, 0.5]


def test_source_is_in_linecache_until_the_function_goes():
    f = compile_function([sigma], 1 / sigma)
    filename = f.__wrapped__.__code__.co_filename
    assert filename.startswith("<symfisher-compiled-") and "".join(linecache.getlines(filename)) == inspect.getsource(f)
    del f
    gc.collect()
    assert filename not in linecache.cache


def test_latexify_reads_the_compiled_function():
    latexify = pytest.importorskip("latexify")
    f = compile_function([sigma], 2 / sigma**2, name="I_00")
    assert latexify.get_latex(f, use_math_symbols=True, use_signature=False) == r"\frac{2}{\sigma \sigma}"


# ---------------------------------------------------------------------------------------------- refusals
EVIL = ["a b", 'x"""', "__import__('os').system('touch pwned') or 1", "x;y", "a\nb"]


@pytest.mark.parametrize("name", EVIL)
def test_refuses_free_symbols_that_are_not_identifiers(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = sp.Symbol(name, positive=True)
    with pytest.raises(NotSupportedError, match=rf"^compiled: symbol {re.escape(repr(name))} {IDENTIFIER}"):
        compile_function([x], x * evil)
    with pytest.raises(NotSupportedError, match=rf"^compiled: entry 1: symbol {re.escape(repr(name))} {IDENTIFIER}"):
        compiled_source([x], [x, sp.log(evil)])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", EVIL)
def test_arguments_with_any_name_are_renamed(name):
    arg = sp.Symbol(name, positive=True)
    f = compile_function([arg, x], arg * x + 1)
    assert f(2.0, 3.0) == 7.0
    assert inspect.getsource(f).splitlines()[0].isascii()


@pytest.mark.parametrize("name", ["numpy", "scipy", "trigamma", "builtins", "a b", "def", "", "f()"])
def test_refuses_bad_function_names(name):
    message = rf"^compile_function: the function name {re.escape(repr(name))} is not a free Python identifier$"
    with pytest.raises(NotSupportedError, match=message):
        compile_function([x], x, name=name)


def test_refuses_what_is_not_sympy():
    with pytest.raises(NotSupportedError, match=r"^compile_function: '__import__\(\"os\"\)' of type str is not a SymPy "
                                                r"expression$"):
        compile_function([x], '__import__("os")')
    with pytest.raises(NotSupportedError, match=r"^compile_function: argument 'x' of type str is not a SymPy Symbol$"):
        compile_function(["x"], x)
    with pytest.raises(NotSupportedError, match=r"^compile_function: the arguments \[x, x\] repeat a symbol$"):
        compile_function([x, x], x)
    with pytest.raises(NotSupportedError, match=r"^compiled has no NumPy/SciPy form: Integral\(exp\(-x\*\*2\), x\)$"):
        compile_function([x], sp.Integral(sp.exp(-x**2), x))


def test_backends():
    with pytest.raises(NotSupportedError, match=r"^unknown backend 'cupy'; available: numpy, jax, torch$"):
        compile_function([x], x, backend="cupy")
    for lib in ("jax", "torch"):
        try:
            __import__(lib)
        except ImportError:
            with pytest.raises(NotSupportedError, match=rf"^backend '{lib}' needs the package '{lib}', which is not "
                                                        r"installed$"):
                compile_function([x], x, backend=lib)
        else:  # pragma: no cover - only where the library is installed
            module = __import__(lib)  # raw compiled functions take the library's arrays (torch: tensors only)
            u = module.tensor(800.0, dtype=module.float64) if lib == "torch" else 800.0
            assert float(compile_function([eta], sp.log(1 + sp.exp(eta)), backend=lib)(u)) == 800.0


@pytest.mark.parametrize("backend,softplus,expit,log1p", [
    ("numpy", "numpy.logaddexp(0, u)", "scipy.special.expit(u)", "numpy.log1p(u)"),
    ("jax", "jax.numpy.logaddexp(0, u)", "jax.scipy.special.expit(u)", "jax.numpy.log1p(u)"),
    ("torch", "torch.nn.functional.softplus(u, beta=1.0, threshold=40.0)", "torch.sigmoid(u)", "torch.log1p(u)"),
])
def test_every_backend_prints_the_stable_functions_and_checks_names(backend, softplus, expit, log1p):
    u = sp.Symbol("u", real=True)
    printer = get_backend(backend).printer()  # printing needs no library
    assert [printer.doprint(e) for e in (Softplus(u), Expit(u), Log1p(u))] == [softplus, expit, log1p]
    with pytest.raises(NotSupportedError, match=rf"^symbol 'a b' {IDENTIFIER}"):
        printer.doprint(sp.Symbol("a b") + u)


# ---------------------------------------------------------------------------------------------- one compiler
@pytest.mark.parametrize("name", ["logistic-regression", "gamma-rate"])
def test_numeric_model_kernels_are_compiled_sources(name):
    from _numeric_cases import derivation

    d = derivation(name)
    m = d.model
    num = d.lambdify()
    data_args, theta_args = [*m.data, *m.params, *m.given], [*m.params, *m.given]
    k = len(m.params)
    upper = [(i, j) for i in range(k) for j in range(i, k)]
    assert compiled_source(data_args, [m.logpdf], "_logpdf_kernel") in num.source
    assert compiled_source(data_args, list(d.score), "_score_kernel") in num.source
    assert compiled_source(data_args, [d.hessian[i, j] for i, j in upper], "_hessian_kernel") in num.source
    assert compiled_source(theta_args, [d.fisher[i, j] for i, j in upper], "_fisher_kernel") in num.source


def test_sample_model_agrees_with_numeric_model():
    from _numeric_cases import derivation

    from symfisher.numeric.sample import SampleModel

    d = derivation("logistic-regression")
    sm, num = SampleModel.of(d), d.lambdify()
    y, z = np.array([0.0, 1.0, 1.0]), np.array([-2.0, 0.5, 3.0])
    cols, n = sm.arrays({"y": y, "z": z})
    for theta in ([0.3, -0.7], [800.0, 1.0]):
        np.testing.assert_allclose(sm.score(np.array(theta), cols, n), num.score(y, *theta, z=z).sum(axis=0),
                                   rtol=1e-14, atol=1e-300)
        np.testing.assert_allclose(sm.hessian(np.array(theta), cols, n), num.hessian(y, *theta, z=z).sum(axis=0),
                                   rtol=1e-14, atol=1e-300)
    assert sm.source("fisher").startswith("def fisher(y, z, beta0, beta1):")


def _lambdify_uses(path: Path) -> list[int]:
    """Lines of ``path`` that call or import SymPy's ``lambdify`` (``sp.lambdify``, ``sympy.lambdify``, a bare
    ``lambdify`` name, ``from sympy… import lambdify``); ``derivation.lambdify()`` is the method, not SymPy's."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "lambdify":
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in ("sp", "sympy"):
                lines.append(node.lineno)
        elif isinstance(node, ast.Name) and node.id == "lambdify":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sympy"):
            lines += [node.lineno for a in node.names if a.name == "lambdify"]
    return sorted(lines)


def test_no_lambdify_outside_the_compiler():
    package = Path(__file__).resolve().parents[3] / "symfisher"
    # TEMPORARY allowance: the LaTeX appendix (export/latex/appendix.py: numeric_functions, numeric_latex) still calls
    # sympy.lambdify; it moves to compile_function / compiled_source with the export/latex split. Remove it then.
    temporary = ("export/latex.py", "export/latex/")
    found = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel == "numeric/compiler.py":  # the one compiler itself
            continue
        if rel.startswith("core/"):  # the core keeps its own evidence quadrature (core/evidence.py)
            continue
        if rel.startswith(temporary):
            continue
        lines = _lambdify_uses(path)
        if rel == "ngboost.py":  # 50-digit mpmath reference values for the metric's accuracy bound, not numeric code
            source = path.read_text(encoding="utf-8").splitlines()
            lines = [n for n in lines if 'modules="mpmath"' not in source[n - 1]]
        if lines:
            found[rel] = lines
    assert found == {}, f"sympy.lambdify outside numeric/compiler.py (use compile_function): {found}"


def test_infinite_series_compile_to_a_summing_function():
    """Σ_k over an infinite range: lambdify would print sum(… for k in range(0, inf + 1)) and lift terms in k out
    of the sum by cse; the compiler calls series_sum on the term compiled as a function of (k, θ)."""
    k = sp.Symbol("k", integer=True, nonnegative=True)
    lam = sp.Symbol("lamda", positive=True)
    pmf = sp.exp(-lam) * lam**k / sp.factorial(k)
    logp = sp.log(sp.Sum(pmf * alpha**k, (k, 0, sp.oo)))
    source = compiled_source([alpha, lam], logp, "logp")
    assert "def logp_series0_term(k, alpha, lamda):" in source
    assert "series_sum(logp_series0_term, 0, numpy.inf, alpha, lamda)" in source
    f = compile_function([alpha, lam], [logp, sp.Sum(pmf * k, (k, 1, sp.oo))])
    got = f(np.array([0.5, 2.0]), 3.0)
    np.testing.assert_allclose(got[0], 3.0 * (np.array([0.5, 2.0]) - 1), rtol=1e-13)
    np.testing.assert_allclose(got[1], 3.0, rtol=1e-13)  # the Poisson mean, summed from k = 1


def test_a_sum_up_to_a_limit_in_the_data_and_zeta_compile():
    """Σ_{j=0}^{⌊x/2⌋} (the Hermite law's pmf) has a limit that is an array; ζ(s) (the zeta law) is SciPy's zeta;
    complex infinity in a piecewise branch at a pole (the triangular law's score) is NaN there."""
    j = sp.Symbol("j", integer=True, nonnegative=True)
    n = sp.Symbol("n", nonnegative=True)
    f = compile_function([n, alpha], [sp.Sum(alpha**j, (j, 0, sp.floor(n / 2))), sp.zeta(alpha),
                                      sp.Piecewise((sp.zoo, sp.Eq(n, 1)), (n, True))])
    got = f(np.array([1.0, 5.0]), 2.0)
    np.testing.assert_array_equal(got[0], [1.0, 7.0])
    np.testing.assert_allclose(got[1], np.pi**2 / 6, rtol=1e-15)
    assert np.isnan(got[2][0]) and got[2][1] == 5.0


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4])
def test_zeta_derivative_agrees_with_mpmath(n):
    import mpmath

    from symfisher.numeric._runtime import zeta_derivative

    s = np.array([1.001, 1.1, 1.5, 2.0, 3.0, 7.5, 20.0, 40.0])
    reference = np.array([float(mpmath.zeta(v, 1, n)) for v in s])
    assert np.max(np.abs(zeta_derivative(n, s) / reference - 1)) < 1e-13
    assert np.isnan(zeta_derivative(n, np.array([1.0, 0.5]))).all()


def test_the_zeta_law_has_numeric_functions_and_exported_code(tmp_path):
    from sympy.stats import Zeta

    from symfisher import Model, derive, export_code

    s = sp.Symbol("s", positive=True)
    d = derive(Model.from_stats(Zeta("X", s), [s]))
    expected = [0.350452487877413, 0.172280711506]  # (ζζ″ − ζ′²)/ζ² at s = 2.5, 3 (mpmath)
    assert np.allclose(d.lambdify().fisher([2.5, 3.0])[:, 0, 0], expected, rtol=1e-12)
    path = export_code(d, tmp_path / "zeta_fisher.py")
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - our own generated module
    assert "import mpmath" not in path.read_text()
    assert np.allclose(namespace["fisher"](np.array([2.5, 3.0]))[:, 0, 0], expected, rtol=1e-12)
