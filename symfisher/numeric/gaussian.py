"""Numeric Slepian–Bangs for Gaussian models whose Σ⁻¹ stays a matrix expression (Σ too large to invert symbolically).

I_ij = ∂_iμᵀ Σ⁻¹ ∂_jμ + ½ tr(Σ⁻¹ ∂_iΣ Σ⁻¹ ∂_jΣ) at each parameter point, from one Cholesky
factorisation Σ = LLᵀ and triangular solves; Σ⁻¹ itself is never formed:

* only the lower triangles of Σ and of the derivative matrices are evaluated (what LAPACK reads),
  into work arrays reused from call to call;
* B_i = L⁻¹ ∂_iΣ L⁻ᵀ (LAPACK ``sygst``: two-sided triangular solves), so that
  tr(Σ⁻¹∂_iΣ Σ⁻¹∂_jΣ) = tr(B_i B_j) = Σ_ab (B_i)_ab (B_j)_ab;
* a derivative that is a combination a Σ + b I of Σ and the identity (found symbolically once: the
  signal variance and the noise variance of a kernel) needs no solve of its own:
  B_i = a I + b G with G = L⁻¹L⁻ᵀ, formed only when some b ≠ 0, as J G J = (J L⁻ᵀ J)ᵀ(J L⁻ᵀ J)
  (J reverses the order; ``trtri`` inverts the triangular factor J Lᵀ J — the one inverse used, a
  BLAS building block — and ``lauum`` forms the product);
* the mean term: u_i = L⁻¹ ∂_iμ (``trtrs``), ∂_iμᵀΣ⁻¹∂_jμ = u_iᵀu_j.

Cost for a kernel with one general derivative and a noise term (the squared-exponential GP): ``potrf``
n³/3 + ``sygst`` n³ + ``trtri`` n³/3 + ``lauum`` n³/3 = 2n³ flops, six times one Cholesky's.

The functions accept arrays of parameter values (broadcast together) and return shape (..., k, k).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy as sp
from scipy.linalg import cho_solve, lapack, solve_triangular

from symfisher.core.structure.gaussian import GaussianStructure, matrix_names, numeric_covariance
from symfisher.errors import ModelError, NotSupportedError

__all__ = ["GaussianNumericModel", "gaussian_numeric_model", "linear_in_sigma"]


def _dot(X: np.ndarray, Y: np.ndarray) -> float:
    """Σ_ab X_ab Y_ab without copies (both Fortran- or both C-ordered: the same element order)."""
    if X.flags.f_contiguous and Y.flags.f_contiguous or X.flags.c_contiguous and Y.flags.c_contiguous:
        return float(np.dot(X.ravel(order="K"), Y.ravel(order="K")))
    return float(np.einsum("ij,ij->", X, Y))


def linear_in_sigma(body: sp.Expr, dbody: sp.Expr, i: sp.Symbol, j: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(a, b) with ∂Σ = a Σ + b I entrywise (a, b free of the indices), else ``None``.

    ``body`` and ``dbody`` are kernel bodies in the index symbols i, j (``KroneckerDelta(i, j)`` for I).
    """
    off = body.subs(sp.KroneckerDelta(i, j), 0)
    doff = dbody.subs(sp.KroneckerDelta(i, j), 0)
    if doff == 0:
        a = sp.Integer(0)
    elif off == 0:
        return None
    else:
        a = sp.simplify(doff / off)
    if a.has(i, j) or a.has(sp.Indexed):
        return None
    diag = (dbody - a * body).subs(sp.KroneckerDelta(i, j), 1).xreplace({j: i})
    b = sp.simplify(diag)
    if b.has(i, j) or b.has(sp.Indexed):
        return None
    residual = sp.simplify(dbody - a * body - b * sp.KroneckerDelta(i, j))
    return (a, b) if residual == 0 else None


@dataclass(frozen=True)
class GaussianNumericModel:
    """Vectorised numeric functions of a Gaussian derivation in the matrix form.

    Attributes:
        name: The model name.
        params: Parameter names θ (positional arguments).
        given: Covariate names (keyword arguments; none for the matrix form).
        n: The dimension of the data.
        solved: For each θ_i, how ∂Σ/∂θ_i is handled: ``"sygst"`` (two-sided triangular solve),
            ``"a Σ + b I"`` (no solve) or ``"zero"``.
    """

    name: str
    params: tuple[str, ...]
    given: tuple[str, ...]
    n: int
    solved: tuple[str, ...]
    backend: str = "numpy"
    _evaluate: Callable[..., list[np.ndarray]] = field(repr=False, default=None)  # type: ignore[assignment]
    _mean: Callable[..., Any] = field(repr=False, default=None)  # type: ignore[assignment]
    _plan: tuple = field(repr=False, default=())

    # ------------------------------------------------------------------ helpers
    def _points(self, params: Sequence[Any], given: Mapping[str, Any]) -> tuple[tuple[int, ...], np.ndarray]:
        k = len(self.params)
        if len(params) != k:
            raise ModelError(f"model {self.name}: expected {k} parameter value(s) ({', '.join(self.params)}), "
                             f"got {len(params)}")
        if given:
            raise ModelError(f"model {self.name}: unknown keyword argument {sorted(given)[0]!r}; covariates: none")
        try:
            arrays = [np.asarray(p, dtype=float) for p in params]
            shape = np.broadcast_shapes(*(a.shape for a in arrays))
        except (TypeError, ValueError):
            raise ModelError(f"model {self.name}: parameter values must be real numbers or arrays that broadcast "
                             "together") from None
        flat = np.stack([np.broadcast_to(a, shape).ravel() for a in arrays], axis=-1) if shape else \
            np.array([[float(a) for a in arrays]])
        return shape, flat

    def _buffer(self, name: str, n: int) -> np.ndarray:
        """An n×n work array of this thread, reused across calls (fresh ones cost page faults)."""
        store = self._work.__dict__
        if name not in store:
            store[name] = np.zeros((n, n))
        return store[name]

    def _point(self, theta: np.ndarray) -> str:
        return ", ".join(f"{p} = {v:g}" for p, v in zip(self.params, theta))

    def _factor(self, theta: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """L with Σ(θ) = LLᵀ (Fortran order, strict upper triangle zero) and the lower triangles of the
        derivative matrices, from LAPACK ``potrf`` on the lower triangle of Σ (the only part evaluated)."""
        mats = self._evaluate(*theta)
        L, info = lapack.dpotrf(mats[0], lower=1, clean=0, overwrite_a=1)
        # a NaN or ±inf anywhere in the lower triangle reaches the diagonal of L (some BLAS do not report it)
        if info != 0 or not np.all(np.isfinite(np.diagonal(L))):
            finite = np.all(np.isfinite(self._evaluate(*theta)[0]))  # evaluated again: potrf overwrote it
            what = "is not positive definite" if finite else "is not finite"
            raise ModelError(f"model {self.name}: the covariance {what} at {self._point(theta)}")
        return L, mats[1:]

    def _one(self, theta: np.ndarray, hessian_form: bool) -> np.ndarray:
        """I(θ) at one point. Σ⁻¹ is never formed: with Σ = LLᵀ and W = L⁻¹,
        tr(Σ⁻¹X Σ⁻¹Y) = tr(B_X B_Y) with B_X = W X Wᵀ: B of a derivative matrix by ``sygst`` (two-sided
        triangular solves); B of the identity, G = WWᵀ, only when a derivative aΣ + bI has b ≠ 0, as
        J G J = (J Wᵀ J)ᵀ(J Wᵀ J) (``trtri`` and ``lauum`` on the reversed factor; J reverses the
        order): the triangular inverse J Wᵀ J = (J Lᵀ J)⁻¹ is the BLAS building block, never Σ⁻¹.
        Symmetric matrices are held as lower triangles (the strict upper triangle zero), so
        tr(XY) = 2 Σ_{a≥b} X_ab Y_ab − Σ_a X_aa Y_aa."""
        L, derivs = self._factor(theta)
        k, n = len(self.params), self.n

        def tr_sym(X: np.ndarray, Y: np.ndarray) -> float:  # tr(XY), X and Y symmetric, lower triangles
            return 2.0 * _dot(X, Y) - float(np.dot(np.diagonal(X), np.diagonal(Y)))

        B: list = []
        for kind, data in self._plan:
            if kind == "zero":
                B.append(None)
            elif kind == "linear":
                a, b = (float(v(*theta)) for v in data)
                B.append(("linear", a, b))
            else:
                D = derivs[data]
                Bm, info = lapack.dsygst(D, L, itype=1, lower=1, overwrite_a=1)
                B.append(("matrix", Bm, float(np.trace(Bm))))
        G: dict = {}

        def basis() -> tuple[np.ndarray, float, float]:  # J G J (lower), tr G, tr G²
            if not G:
                A = self._buffer("flip", n)  # C order: J L J, so A.T = J Lᵀ J, lower triangular (Fortran order)
                np.copyto(A, L[::-1, ::-1])
                A = A.T
                Wr, info = lapack.dtrtri(A, lower=1, overwrite_c=1)
                JGJ, info = lapack.dlauum(Wr, lower=1, overwrite_c=1)
                G.update(m=JGJ, tr=float(np.trace(JGJ)), sq=tr_sym(JGJ, JGJ))
            return G["m"], G["tr"], G["sq"]

        with_basis: dict = {}

        def tr_with_basis(Bm: np.ndarray) -> float:  # tr(G B) with G = J (J G J) J, once per B
            if id(Bm) not in with_basis:
                X = basis()[0][::-1, ::-1]  # G, upper triangle (a view); Bᵀ: upper triangle of B
                with_basis[id(Bm)] = 2.0 * float(np.einsum("ij,ji->", X, Bm)) \
                    - float(np.dot(np.diagonal(X), np.diagonal(Bm)))
            return with_basis[id(Bm)]

        def trace_pair(s: Any, t: Any) -> float:
            if s is None or t is None:
                return 0.0
            if s[0] == "linear" and t[0] == "linear":
                _, a1, b1 = s
                _, a2, b2 = t
                out = a1 * a2 * n
                if b1 or b2:
                    _, trG, sqG = basis()
                    out += (a1 * b2 + a2 * b1) * trG + b1 * b2 * sqG
                return float(out)
            if s[0] == "linear":
                s, t = t, s
            if t[0] == "linear":
                _, a, b = t
                return float(a * s[2] + (b * tr_with_basis(s[1]) if b else 0.0))
            return tr_sym(s[1], t[1])

        out = np.zeros((k, k))
        dmu = self._mean(*theta) if self._mean is not None else None
        u = None
        if dmu is not None:
            u = [None if d is None else lapack.dtrtrs(L, np.asarray(d, dtype=float).reshape(n), lower=1)[0]
                 for d in dmu]
        for i in range(k):
            for j in range(i, k):
                v = 0.5 * trace_pair(B[i], B[j])
                if u is not None and u[i] is not None and u[j] is not None:
                    v += float(u[i] @ u[j])
                out[i, j] = out[j, i] = v
        if not np.all(np.isfinite(out)):
            raise ModelError(f"model {self.name}: the derivatives of the covariance or the mean are not finite at "
                             f"{self._point(theta)}")
        return out

    def _map(self, params: Sequence[Any], given: Mapping[str, Any], hessian_form: bool) -> np.ndarray:
        shape, flat = self._points(params, given)
        k = len(self.params)
        out = np.stack([self._one(theta, hessian_form) for theta in flat])
        return out.reshape(shape + (k, k))

    # ------------------------------------------------------------------ public
    def fisher(self, *params: Any, **given: Any) -> np.ndarray:
        """I(θ) by Slepian–Bangs with Cholesky solves, shape (..., k, k)."""
        return self._map(params, given, False)

    def neg_expected_hessian(self, *params: Any, **given: Any) -> np.ndarray:
        """−E[H]; for the Gaussian the ∂²Σ terms cancel exactly, so it is evaluated by the same solves."""
        return self._map(params, given, True)

    def logpdf(self, x: Any, *params: Any, **given: Any) -> np.ndarray:
        """log N(x | μ(θ), Σ(θ)) at one parameter point (x: shape (..., n))."""
        shape, flat = self._points(params, given)
        if flat.shape[0] != 1:
            raise NotSupportedError(f"model {self.name}: logpdf takes one parameter point")
        theta = flat[0]
        L, _ = self._factor(theta)
        x = np.asarray(x, dtype=float)
        if x.shape[-1:] != (self.n,):
            raise ModelError(f"model {self.name}: the data need a trailing axis of size {self.n}, got shape {x.shape}")
        mu = self._mean_value(theta)
        r = (x - mu).reshape(-1, self.n).T
        z = solve_triangular(L, r, lower=True, check_finite=False)
        logdet = 2 * np.sum(np.log(np.diag(L)))
        out = -0.5 * np.sum(z * z, axis=0) - 0.5 * logdet - 0.5 * self.n * np.log(2 * np.pi)
        return out.reshape(x.shape[:-1])

    def _mean_value(self, theta: np.ndarray) -> np.ndarray:
        return np.asarray(self._mean_fn(*theta), dtype=float).reshape(self.n) if self._mean_fn else np.zeros(self.n)

    _mean_fn: Callable[..., Any] | None = field(repr=False, default=None)
    _work: threading.local = field(repr=False, compare=False, default_factory=threading.local)

    def score(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise NotSupportedError(f"model {self.name}: the numeric score of a Gaussian with Σ⁻¹ kept as a matrix "
                                "expression is not generated; use fisher / neg_expected_hessian / logpdf")

    hessian = score

    def cho_solve(self, theta: Sequence[float], rhs: np.ndarray) -> np.ndarray:
        """Σ(θ)⁻¹ rhs by the Cholesky factor (a linear solve)."""
        L, _ = self._factor(np.asarray(theta, dtype=float))
        return cho_solve((L, True), rhs, check_finite=False)


def gaussian_numeric_model(d: Any) -> GaussianNumericModel:
    """The numeric functions of a derivation whose model has a Gaussian structure in the matrix form."""
    from symfisher.numeric.compiler import compile_function  # the one compiler (which dispatches here lazily)

    g: GaussianStructure = d.model.gaussian_structure
    if d.model.given:
        raise NotSupportedError(f"model {d.model.name}: covariates with a matrix-form covariance are not supported")
    params = g.params
    names = matrix_names(g)
    cov = g.cov
    plan: list = []
    extra: list = []
    function_matrix = isinstance(cov, sp.FunctionMatrix)
    for i, p in enumerate(params):
        entry = names.get(("dSigma", i))
        if entry is None:
            plan.append(("zero", None))
            continue
        deriv = entry[1]
        found = linear_in_sigma(cov.lamda.expr, deriv, *cov.lamda.variables) if function_matrix else None
        if found is not None:
            a, b = found
            plan.append(("linear", (compile_function(params, a, name="sigma_scale"),
                                    compile_function(params, b, name="sigma_shift"))))
            continue
        plan.append(("matrix", len(extra)))
        extra.append(deriv)
    evaluate = numeric_covariance(cov, params, extra, lower=True)
    dmu = [names.get(("dmu", i)) for i in range(len(params))]
    mean_fn = None if g.mean.is_zero_matrix else compile_function(params, list(g.mean), name="mean")
    mean = None
    if any(e is not None for e in dmu):
        fns = [None if e is None else compile_function(params, list(e[1]), name="mean_derivative") for e in dmu]

        def mean(*theta: float) -> list:
            return [None if f is None else np.asarray(f(*theta), dtype=float) for f in fns]

    solved = tuple({"zero": "zero", "linear": "a Σ + b I", "matrix": "sygst"}[kind] for kind, _ in plan)
    return GaussianNumericModel(d.model.name, tuple(map(str, params)), (), g.n, solved, "numpy", evaluate, mean,
                                tuple(plan), mean_fn)
