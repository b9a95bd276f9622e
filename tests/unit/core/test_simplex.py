"""Simplex models through the general engine (issue #14 items 2, 3): Dirichlet, multinomial, categorical,
softmax regression with its Kronecker structure — each against its closed form from the literature."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
import sympy.stats as st

from benchmarks.bench_simplex import softmax_parts
from symfisher import Model, derive
from symfisher.core.expectation import engine_for
from symfisher.core.simplify import is_zero


def dirichlet(K: int) -> tuple[Model, tuple[sp.Symbol, ...]]:
    x = sp.symbols(f"x1:{K}", positive=True)
    a = sp.symbols(f"alpha1:{K + 1}", positive=True)
    xs = (*x, 1 - sum(x))
    dens = sp.gamma(sum(a)) / sp.Mul(*map(sp.gamma, a)) * sp.Mul(*[xi ** (ai - 1) for xi, ai in zip(xs, a)])
    return Model.from_pdf(dens, x, a, Model.simplex(x), name=f"dirichlet-{K}", validate=K <= 3), a


def dirichlet_information(a) -> sp.Matrix:
    """I(α) = diag ψ′(α_i) − ψ′(α₀) 11ᵀ (e.g. Minka 2000, "Estimating a Dirichlet distribution")."""
    K = len(a)
    return sp.diag(*[sp.polygamma(1, ai) for ai in a]) - sp.polygamma(1, sum(a)) * sp.ones(K, K)


def multinomial_information(n, p) -> sp.Matrix:
    """I(p_1..p_{K−1}) = n (diag(1/p_i) + (1/p_K) 11ᵀ), p_K = 1 − Σ p_i."""
    K1 = len(p)
    return n * (sp.diag(*[1 / pi for pi in p]) + sp.ones(K1, K1) / (1 - sum(p)))


def assert_equal(a: sp.Matrix, b: sp.Matrix) -> None:
    assert a.shape == b.shape
    assert all(is_zero(a[i, j] - b[i, j]) for i in range(a.rows) for j in range(a.cols)), (a, b)


@pytest.mark.parametrize("K", [3, 4, pytest.param(8, marks=pytest.mark.slow)])
def test_dirichlet_matches_the_literature(K):
    model, a = dirichlet(K)
    d = derive(model)
    assert_equal(d.fisher, dirichlet_information(a))
    assert_equal(d.neg_expected_hessian, dirichlet_information(a))
    assert d.equality.status == "proved"
    assert {s for (kind, *_), s in d.strategies.items() if kind == "fisher"} == {"exponential-family"}


def test_dirichlet_log_moments_come_from_the_log_partition():
    model, a = dirichlet(3)
    engine = engine_for(model)
    x1 = engine.ctx.data[0]
    assert is_zero(engine.expect(sp.log(x1)).value - (sp.digamma(a[0]) - sp.digamma(sum(a))))
    cov = engine.expect(sp.log(x1) ** 2).value - engine.expect(sp.log(x1)).value ** 2
    assert is_zero(cov - (sp.polygamma(1, a[0]) - sp.polygamma(1, sum(a))))


def test_multinomial_with_symbolic_trials_matches_the_literature():
    k = sp.symbols("k1:3", integer=True, nonnegative=True)
    p = sp.symbols("p1:3", positive=True)
    n = sp.Symbol("n", integer=True, positive=True)
    pmf = (sp.factorial(n) / (sp.factorial(k[0]) * sp.factorial(k[1]) * sp.factorial(n - k[0] - k[1]))
           * p[0] ** k[0] * p[1] ** k[1] * (1 - p[0] - p[1]) ** (n - k[0] - k[1]))
    d = derive(Model.from_pdf(pmf, k, p, Model.simplex(k, n)))
    assert_equal(d.fisher, multinomial_information(n, p))
    assert d.equality.status == "proved"


@pytest.mark.slow
def test_multinomial_and_dirichlet_from_sympy_stats():
    p = sp.symbols("p1:3", positive=True)
    m = Model.from_stats(st.Multinomial("M", 5, [p[0], p[1], 1 - p[0] - p[1]]), list(p))
    assert m.name == "Multinomial" and m.data == sp.symbols("m1:3", integer=True, nonnegative=True)
    assert_equal(derive(m).fisher, multinomial_information(5, p))
    a = sp.symbols("a1:4", positive=True)
    md = Model.from_stats(st.Dirichlet("D", list(a)), list(a))
    assert md.name == "Dirichlet" and md.joint_support.condition == (sum(md.data) < 1)
    assert_equal(derive(md).fisher, dirichlet_information(a))


@pytest.mark.parametrize("K", [3, 4])
def test_categorical_one_hot_is_the_multinomial_with_one_trial(K):
    y = sp.symbols(f"y1:{K + 1}", integer=True, nonnegative=True)
    p = sp.symbols(f"p1:{K}", positive=True)
    pmf = sp.Mul(*[pi ** yi for pi, yi in zip((*p, 1 - sum(p)), y)])
    onehot = sp.FiniteSet(*[sp.Tuple(*[int(i == j) for i in range(K)]) for j in range(K)])
    d = derive(Model.from_pdf(pmf, y, p, onehot))
    assert_equal(d.fisher, multinomial_information(1, p))
    assert d.equality.status == "proved"


def softmax(K: int, p: int, validate: bool = True):
    """(model, W, z, η) of softmax regression with K classes and p covariates (the benchmark's model)."""
    return softmax_parts(K, p, validate)


def test_softmax_regression_is_a_kronecker_product():
    model, W, z, eta = softmax(3, 2)
    d = derive(model)
    pi = sp.Matrix([sp.exp(e) / (1 + sum(sp.exp(f) for f in eta)) for e in eta])
    A = sp.diag(*pi) - pi * pi.T
    zz = sp.Matrix(z) * sp.Matrix(z).T
    assert_equal(d.fisher, sp.kronecker_product(A, zz).as_explicit())
    left, right = d.kronecker
    assert_equal(left, A)
    assert right == zz
    assert d.kronecker.swap is False and d.equality.status == "proved"
    assert_equal(d.kronecker.matrix(), d.fisher)


def test_softmax_numeric_functions_form_the_kronecker_product():
    model, W, z, eta = softmax(4, 3)
    num = derive(model).lambdify()
    assert "kron_matrix(" in num.source and "einsum" in num.source
    rng = np.random.default_rng(3)
    Wv, zv = rng.normal(size=(3, 3)), rng.normal(size=(5, 3))  # five covariate vectors at once
    given = {str(s): zv[:, r] for r, s in enumerate(z)}
    F = num.fisher(*Wv.ravel(), **given)
    assert F.shape == (5, 9, 9)
    for i in range(5):
        e = np.exp(Wv @ zv[i])
        pi = e / (1 + e.sum())
        np.testing.assert_allclose(F[i], np.kron(np.diag(pi) - np.outer(pi, pi), np.outer(zv[i], zv[i])),
                                   rtol=1e-12, atol=1e-15)
    y = np.array([0.0, 1.0, 0.0])
    e = np.exp(Wv @ zv[0])
    s = num.score(y, *Wv.ravel(), **{k: v[0] for k, v in given.items()})
    np.testing.assert_allclose(s, np.kron(y - e / (1 + e.sum()), zv[0]), rtol=1e-12, atol=1e-15)


def test_softmax_kronecker_factors_are_kept_in_the_predictors():
    model, W, z, eta = softmax(3, 2)
    kron = derive(model).kronecker
    assert [str(e) for e in kron.predictors] == ["eta1", "eta2"] and list(kron.forms) == eta
    back = dict(zip(kron.predictors, kron.forms))
    for name in ("score", "hessian", "fisher", "neg_expected_hessian"):
        reduced = kron.in_predictors(name)
        assert not reduced.free_symbols & {w for row in W for w in row}
        assert_equal(reduced.xreplace(back), getattr(kron, name))
    e1, e2 = kron.predictors
    pi1 = sp.exp(e1) / (1 + sp.exp(e1) + sp.exp(e2))
    assert is_zero(kron.in_predictors("fisher")[0, 0] - pi1 * (1 - pi1))
    assert kron.scaled(5).in_predictors("fisher") == 5 * kron.in_predictors("fisher")


@pytest.mark.slow
def test_many_weights_build_the_dense_matrices_from_the_factors():
    """k = 32 weights (528 entries): the parent expands the batches, entry (a·p + r, b·p + s) = A_ab z_r z_s exactly."""
    model, W, z, eta = softmax(3, 16, validate=False)  # validating 32 weights alone takes 20 s
    d = derive(model)
    kron, p = d.kronecker, len(z)
    assert d.equality.status == "proved" and kron is not None and "J = I ⊗ c-transpose" in d.steps[-2].detail
    for i, j in [(0, 0), (0, 17), (5, 30), (16, 31), (31, 31)]:
        (a, r), (b, s) = divmod(i, p), divmod(j, p)
        assert d.fisher[i, j] == kron.fisher[a, b] * z[r] * z[s] == d.fisher[j, i]
        assert d.neg_expected_hessian[i, j] == d.fisher[i, j]
        assert is_zero(d.hessian[i, j] - kron.hessian[a, b] * z[r] * z[s])  # H_η simplified (m = 2): same value
    assert is_zero(d.score[17] - kron.score[1] * z[1])
    num = d.lambdify()
    assert "_eta_kernel(" in num.source
    rng = np.random.default_rng(5)
    Wv, zv = rng.normal(size=(2, p)), rng.normal(size=p)
    F = num.fisher(*Wv.ravel(), **{str(s): v for s, v in zip(z, zv)})
    e = np.exp(Wv @ zv)
    pi = e / (1 + e.sum())
    np.testing.assert_allclose(F, np.kron(np.diag(pi) - np.outer(pi, pi), np.outer(zv, zv)), rtol=1e-12, atol=1e-15)


def test_products_of_covariates_and_factors_are_the_canonical_products():
    from symfisher.core.pipeline import _Products

    z1, z2, a, b = sp.symbols("z1 z2 a b", real=True)
    v = -sp.exp(a) * sp.exp(b) / (1 + sp.exp(a) + sp.exp(b)) ** 2
    times = _Products()
    for c in (z1 * z2, z1 ** 2, z2, sp.Integer(1), 2 * z1, a):  # the last two: ordinary multiplication
        for value in (v, 1 + sp.exp(a), sp.exp(b), a * z1 ** 3):
            out = times(c, value)
            assert out == c * value and out.args == (c * value).args
    assert times.direct
