"""JAX and PyTorch backends: every special function the engine emits, every catalog family against NumPy,
float64 by default, and the transformations (jax.jit, jax.vmap, jax.grad; torch autograd).

The catalog cases need no derivation: the score and Hessian are derivatives of the catalog's log-density and
I(θ), −E[H] its literature matrix (the engine's results are checked against the same matrices elsewhere), so
the whole catalog runs in seconds. ``test_catalog_derivations_on_the_backends`` (slow) repeats it with the
engine's own derivations.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp

import symfisher as sf
import symfisher.catalog as catalog
from symfisher.core.points import domain_of, draw, parameter_points
from symfisher.errors import NotSupportedError
from symfisher.numeric._arraylib import build, dtype_name
from symfisher.numeric.compiler import compile_function, get_backend

BACKENDS = ["jax", "torch"]
RTOL = 1e-12
a, b = sp.symbols("a b", positive=True)
t = sp.Symbol("t", real=True)
n = sp.Symbol("n", integer=True, nonnegative=True)


def _lib(backend):
    lib = pytest.importorskip(backend)
    if backend == "jax":
        lib.config.update("jax_enable_x64", True)
    return lib


def _np(value):
    return np.asarray(value.detach() if hasattr(value, "detach") else value, dtype=float)


# ---------------------------------------------------------------------------------------------- special functions
# (expression, point); reference: mpmath through SymPy's evalf at 30 digits
SPECIAL = [
    (sp.polygamma(0, a), {a: 0.7}), (sp.polygamma(1, a), {a: 0.7}), (sp.polygamma(2, a), {a: 3.3}),
    (sp.polygamma(3, a), {a: 1.9}), (sp.polygamma(5, a), {a: 2.4}), (sp.loggamma(a), {a: 12.5}),
    (sp.log(sp.gamma(a)), {a: 0.3}), (sp.gamma(a), {a: 4.2}), (sp.gamma(t), {t: -1.5}), (sp.gamma(t), {t: -0.5}),
    (sp.beta(a, b), {a: 2.5, b: 17.0}), (sp.log(sp.beta(a, b)), {a: 2.5, b: 17.0}), (sp.erf(t), {t: -0.4}),
    (sp.erfc(t), {t: 1.7}), (sp.erfinv(t), {t: 0.3}), (sp.zeta(a), {a: 2.5}), (sp.zeta(a, b), {a: 3.5, b: 1.7}),
    (sp.besseli(0, a), {a: 1.3}), (sp.besseli(1, a), {a: 2.2}), (sp.besseli(2, a), {a: 2.2}),
    (sp.besseli(3, a), {a: 4.0}), (sp.lowergamma(a, b), {a: 2.5, b: 1.2}), (sp.uppergamma(a, b), {a: 2.5, b: 1.2}),
    (sp.uppergamma(t, b), {t: -2.33, b: 1.0}), (sp.uppergamma(t, b), {t: -1.0, b: 1.3}),  # below 0: the recurrence
    # (from E₁ at the order 0 for an integer order)
    (sp.hyper([1, 1, 1], [2, 2, 2], t), {t: -1.3}), (sp.hyper([1, 1], [2, 2], t), {t: -20.0}),  # JAX: unit_hyper,
    (sp.hyper([1, 1, 1, 1], [2, 2, 2, 2], t), {t: 3.5}),  # both sides of its switch at −8
    (sp.expint(1, a), {a: 0.4}), (sp.expint(1, a), {a: 3.5}), (sp.expint(3, a), {a: 0.6}),
    (sp.expint(2, a), {a: 7.5}), (sp.LambertW(a), {a: 0.8}), (sp.LambertW(a), {a: 40.0}),
    (sp.LambertW(t), {t: -0.3}), (sp.Heaviside(t), {t: -2.0}), (sp.Heaviside(t), {t: 0.0}),
    (sp.Heaviside(t), {t: 3.0}), (sp.Heaviside(t, 1), {t: 0.0}), (sp.DiracDelta(t), {t: 0.5}),
    (sp.factorial(n), {n: 6}), (sp.log(sp.factorial(n)), {n: 60}), (sp.binomial(a, b), {a: 9.0, b: 4.0}),
    (sp.log(sp.binomial(a, b)), {a: 90.0, b: 40.0}), (sp.Min(a, b), {a: 1.0, b: 2.0}),
    (sp.Max(a, b, 3), {a: 1.0, b: 2.0}), (sp.Abs(t) * sp.sign(t), {t: -0.75}),
    (sp.Piecewise((a, t > 0), (b, True)), {t: -1.0, a: 1.0, b: 2.0}), (sp.besselk(0, a), {a: 1.1}),
    (sp.Ei(a), {a: 1.4}), (sp.sinc(t), {t: 0.9}),
]
# what a library lacks (a NotSupportedError naming the function when compiled)
MISSING = {"jax": {"besselk"}, "torch": {"Ei"}}


def _id(case):
    return sp.sstr(case[0])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("expr, point", SPECIAL, ids=[_id(c) for c in SPECIAL])
def test_special_functions_match_mpmath(backend, expr, point):
    lib = _lib(backend)
    args = sorted(expr.free_symbols, key=str)
    if type(expr).__name__ in MISSING[backend]:
        with pytest.raises(NotSupportedError, match=rf"^compiled has no .* form: {re_escape(sp.sstr(expr))}$"):
            compile_function(args, expr, backend=backend)
        return
    fn = compile_function(args, expr, backend=backend)
    values = [point[s] for s in args]
    tensors = [lib.asarray(v, dtype=lib.float64) if backend == "torch" else lib.numpy.asarray(v, dtype=float)
               for v in values]
    got = float(_np(fn(*tensors)))
    want = sp.N(expr.subs(point), 30)
    want = math.inf if want == sp.zoo or want == sp.oo else float(want)
    assert got == pytest.approx(want, rel=RTOL, abs=0 if want else 1e-300), sp.sstr(expr)


def re_escape(text):
    import re

    return re.escape(text)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("expr, x0", [(sp.LambertW(a), 0.8), (sp.polygamma(1, a), 2.5), (sp.besseli(2, a), 1.7),
                                      (sp.gamma(a), 3.2), (sp.expint(1, a), 0.6), (sp.erf(a), 0.4)],
                         ids=lambda v: sp.sstr(v) if isinstance(v, sp.Basic) else str(v))
def test_derivatives_of_the_special_functions(backend, expr, x0):
    """Autodiff of the generated code equals the symbolic derivative (own implementations included)."""
    lib = _lib(backend)
    fn = compile_function([a], expr, backend=backend)
    want = float(sp.N(sp.diff(expr, a).subs(a, x0), 30))
    if backend == "jax":
        got = float(lib.grad(fn)(x0))
    else:
        v = lib.tensor(x0, dtype=lib.float64, requires_grad=True)
        fn(v).backward()
        got = float(v.grad)
    assert got == pytest.approx(want, rel=1e-10)


# ---------------------------------------------------------------------------------------------- the catalog
CONSTANTS = {"n": 7, "r": 3, "nu": 5, "x_m": 1.5, "sigma": 1.5, "mu": 0.3, "k": 3}  # symbols of a family that are neither data, parameters nor covariates


@dataclass(frozen=True)
class Closed:
    """What the backends read from a derivation: the model (log p), s, H, I(θ) and −E[H]."""

    model: SimpleNamespace
    score: sp.Matrix
    hessian: sp.Matrix
    fisher: sp.Matrix
    neg_expected_hessian: sp.Matrix


def _fix(name, model, exprs):
    args = {*model.data, *model.params, *model.given}
    free = set().union(*(sp.sympify(e).free_symbols for e in exprs)) - args
    return {s: sp.nsimplify(CONSTANTS[str(s)]) for s in free}


def _closed(name, model, score, hessian, fisher, neh):
    subs = _fix(name, model, [model.logpdf, *score, *hessian, *fisher, *neh])
    m = SimpleNamespace(name=model.name, data=model.data, params=model.params, given=model.given,
                        logpdf=model.logpdf.xreplace(subs))
    return Closed(m, *(sp.Matrix(q).xreplace(subs) for q in (score, hessian, fisher, neh)))


@lru_cache(maxsize=None)
def literature(name):
    family = catalog.get(name)
    model = family.model()
    score = sp.Matrix([sp.diff(model.logpdf, p) for p in model.params])
    hessian = sp.hessian(model.logpdf, model.params)
    fisher = family.fisher.xreplace(dict(zip((*family.params, *family.given), (*model.params, *model.given))))
    return _closed(name, model, score, hessian, fisher, fisher)


def _point(name, q, seed=11):
    """Parameters and covariates (domains of the model) and a data point where log p is finite."""
    model = catalog.get(name).model()
    theta = parameter_points(model.params, model.domain_map, 1, seed)[0]
    rng = random.Random(seed)
    params = [float(theta[p]) for p in model.params]
    given = {str(g): float(draw(domain_of(g), rng)) for g in model.given}
    logp = build(q, "numpy").logpdf
    support = dict(model.support)
    for _ in range(200):
        xs = []
        for s in model.data:
            dom = support.get(s, domain_of(s))
            dom = dom.xreplace({**theta, **_fix(name, model, [dom.inf, dom.sup])}) if isinstance(dom, sp.Set) else dom
            xs.append(float(draw(dom if dom.is_subset(sp.S.Reals) else domain_of(s), rng, bool(s.is_integer))))
        x = np.array(xs) if len(xs) > 1 else xs[0]
        with np.errstate(all="ignore"):
            finite = np.isfinite(logp(x, *params, **given))
        if finite:
            return x, params, given
    raise AssertionError(f"{name}: no data point with finite log p")


QUANTITIES = ("logpdf", "score", "hessian", "fisher", "neg_expected_hessian")


def _compare(name, q, backend):
    lib = _lib(backend)
    ref, model = build(q, "numpy"), build(q, backend)
    assert model.dtype == "float64"
    x, params, given = _point(name, q)
    for key in QUANTITIES:
        call = (lambda m: getattr(m, key)(*params, **given)) if key in ("fisher", "neg_expected_hessian") else \
            (lambda m: getattr(m, key)(x, *params, **given))
        want, got = call(ref), call(model)
        assert str(got.dtype).endswith("float64"), (name, key, got.dtype)
        atol = 1e-14 * max(1.0, float(np.max(np.abs(want), initial=0.0, where=np.isfinite(want))))  # round-off of 0
        np.testing.assert_allclose(_np(got), want, rtol=RTOL, atol=atol, err_msg=f"{name} {key} ({backend})")
    return lib, model, x, params, given


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", catalog.names())
def test_every_catalog_family_matches_numpy(backend, name):
    _compare(name, literature(name), backend)


JIT_FAMILIES = ["gamma-rate", "beta", "von-mises", "student-t", "logistic-regression", "bivariate-normal", "weibull"]


def _fd(f, v, h=1e-6):
    return (f(v + h) - f(v - h)) / (2 * h)


@pytest.mark.parametrize("name", JIT_FAMILIES)
def test_jax_jit_vmap_grad(name):
    jax = _lib("jax")
    jnp = jax.numpy
    q = literature(name)
    ref, model = build(q, "numpy"), build(q, "jax")
    x, params, given = _point(name, q)
    # jit: the same values
    for key in ("score", "hessian"):
        got = jax.jit(lambda xx, *ps: getattr(model, key)(xx, *ps, **given))(x, *params)
        np.testing.assert_allclose(np.asarray(got), getattr(ref, key)(x, *params, **given), rtol=RTOL)
    np.testing.assert_allclose(np.asarray(jax.jit(lambda *ps: model.fisher(*ps, **given))(*params)),
                               ref.fisher(*params, **given), rtol=RTOL)
    # vmap over three data points: each row the NumPy value
    xs = jnp.stack([jnp.asarray(x)] * 3) * jnp.asarray([1.0, 1.0, 1.0]).reshape((3,) + (1,) * np.ndim(x))
    rows = jax.vmap(lambda xx: model.score(xx, *params, **given))(xs)
    np.testing.assert_allclose(np.asarray(rows), np.stack([ref.score(x, *params, **given)] * 3), rtol=RTOL)
    # grad of log p is the score; the Jacobian of the score is the Hessian (and agrees with finite differences)
    score = jax.grad(lambda ps: model.logpdf(x, *ps, **given))(jnp.asarray(params))
    np.testing.assert_allclose(np.asarray(score), ref.score(x, *params, **given), rtol=1e-10, atol=1e-12)
    hess = jax.jacfwd(lambda ps: model.score(x, *ps, **given))(jnp.asarray(params))
    np.testing.assert_allclose(np.asarray(hess), ref.hessian(x, *params, **given), rtol=1e-10, atol=1e-12)
    fd = _fd(lambda v: ref.logpdf(x, v, *params[1:], **given), params[0])
    assert float(score[0]) == pytest.approx(float(fd), rel=1e-6, abs=1e-8)
    # grad of a Fisher entry against finite differences
    g = jax.grad(lambda p0: model.fisher(p0, *params[1:], **given)[-1, -1])(params[0])
    fd = _fd(lambda v: ref.fisher(v, *params[1:], **given)[-1, -1], params[0])
    assert float(g) == pytest.approx(float(fd), rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", JIT_FAMILIES)
def test_torch_autograd(name):
    torch = _lib("torch")
    q = literature(name)
    ref, model = build(q, "numpy"), build(q, "torch")
    x, params, given = _point(name, q)
    # torch differentiates ψ with its own trigamma (off by ~4e-10), hence 1e-8
    ps = torch.tensor(params, dtype=torch.float64, requires_grad=True)
    (score,) = torch.autograd.grad(model.logpdf(x, *ps, **given), ps)
    np.testing.assert_allclose(score.numpy(), ref.score(x, *params, **given), rtol=1e-8, atol=1e-12)
    hess = torch.autograd.functional.jacobian(lambda p: model.score(x, *p, **given), ps.detach())
    np.testing.assert_allclose(hess.numpy(), ref.hessian(x, *params, **given), rtol=1e-8, atol=1e-12)
    p0 = torch.tensor(params[0], dtype=torch.float64, requires_grad=True)
    entry = model.fisher(p0, *params[1:], **given)[-1, -1]
    (g,) = torch.autograd.grad(entry, p0) if entry.requires_grad else (torch.tensor(0.0),)
    fd = _fd(lambda v: ref.fisher(v, *params[1:], **given)[-1, -1], params[0])
    assert float(g) == pytest.approx(float(fd), rel=1e-6, abs=1e-8)


# ---------------------------------------------------------------------------------------------- precision switch
@pytest.mark.parametrize("backend", BACKENDS)
def test_float32_on_request(backend):
    _lib(backend)
    q = literature("gamma-rate")
    model = build(q, backend, dtype="float32")
    out = model.fisher(2.5, 1.5)
    assert model.dtype == "float32" and str(out.dtype).endswith("float32")
    np.testing.assert_allclose(_np(out), build(q, "numpy").fisher(2.5, 1.5), rtol=1e-6)


def test_dtype_names():
    assert [dtype_name(d) for d in (None, "float64", "float32", np.float32)] == ["float64", "float64", "float32",
                                                                                "float32"]
    with pytest.raises(NotSupportedError, match=r"^dtype must be 'float64' or 'float32', got 'int8'$"):
        dtype_name("int8")


@pytest.mark.parametrize("backend", BACKENDS)
def test_lambdify_takes_the_dtype(backend):
    from symfisher.numeric.compiler import lambdify_derivation

    _lib(backend)
    model = lambdify_derivation(literature("normal"), backend, dtype="float32")
    assert model.dtype == "float32" and model.backend == backend
    with pytest.raises(NotSupportedError, match=r"^backend 'numpy' computes in float64 only, got dtype 'float32'$"):
        lambdify_derivation(literature("normal"), "numpy", dtype="float32")


@pytest.mark.parametrize("backend", BACKENDS)
def test_unsupported_orders_are_named(backend):
    _lib(backend)
    printer = get_backend(backend).printer()
    with pytest.raises(NotSupportedError, match=r"^polygamma of order 1/2 has no .* form \(integer orders only\)$"):
        printer.doprint(sp.polygamma(sp.Rational(1, 2), a))


@pytest.mark.parametrize("backend, library", [("jax", "JAX"), ("torch", "PyTorch")])
def test_other_hypergeometric_functions_have_no_array_form(backend, library):
    _lib(backend)
    with pytest.raises(NotSupportedError, match=rf"^hyper\(\(1, 2\), \(3, 3\), a\) has no {library} form \(only mFm"):
        get_backend(backend).printer().doprint(sp.hyper([1, 2], [3, 3], a))


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_the_gompertz_information_on_the_backends_matches_numpy(backend):
    """The Gompertz law's I(b, η) holds E₁(η) and ₃F₃(1, 1, 1; 2, 2, 2; −η): JAX and PyTorch evaluate both (E₁,
    unit_hyper) and agree with the NumPy functions, on both sides of unit_hyper's switch at −8."""
    _lib(backend)
    x = sp.Symbol("x", positive=True)
    model = sf.Model.from_pdf(a * b * sp.exp(a * x + b - b * sp.exp(a * x)), x, [a, b], sp.Interval.open(0, sp.oo))
    d = sf.derive(model, timeout=60)
    array_fn, numpy_fn = d.lambdify(backend=backend), d.lambdify()
    for point in ((1.3, 0.7), (0.4, 12.5)):
        np.testing.assert_allclose(_np(array_fn.fisher(*point)), np.asarray(numpy_fn.fisher(*point)), rtol=1e-12)


# ---------------------------------------------------------------------------------------------- engine derivations
@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_catalog_derivations_on_the_backends(backend):
    """The engine's own derivations of every catalog family, on the backend, against NumPy's NumericModel."""
    from _uses_cache import derived

    for name in catalog.names():
        d = derived(name)
        q = _closed(name, d.model, d.score, d.hessian, d.fisher, d.neg_expected_hessian)
        if any(e.has(sp.Integral, sp.Sum) for e in (*q.fisher, *q.neg_expected_hessian)):
            continue  # open entries: quadrature, NumPy only
        _compare(name, q, backend)


# ---------------------------------------------------------------------------------------------- fork safety
def test_derive_after_jax_started_uses_the_fork_server_without_a_warning():
    """JAX's runtime runs threads (and warns on every fork): derive's workers then come from the fork server.
    pytest runs with filterwarnings=error, so a fork here would fail the test."""
    jax = _lib("jax")
    from symfisher.core import deadline
    from symfisher.core.derivation import derive

    jax.numpy.ones(2).sum().block_until_ready()  # the runtime (and its threads) is up
    assert deadline.start_method() == "forkserver"
    d = derive(catalog.get("exponential").model(), timeout=60)
    assert d.fisher == sp.Matrix([[1 / catalog.get("exponential").model().params[0] ** 2]])
