"""Numeric Slepian–Bangs for Gaussian models whose Σ⁻¹ stays a matrix expression (Σ too large to invert symbolically).

I_ij = ∂_iμᵀ Σ⁻¹ ∂_jμ + ½ tr(Σ⁻¹ ∂_iΣ Σ⁻¹ ∂_jΣ) at each parameter point, from one Cholesky
factorisation Σ = LLᵀ and triangular solves; Σ⁻¹ itself is never formed:

* only the lower triangles of Σ and of the derivative matrices are evaluated (what LAPACK reads),
  into work arrays reused from call to call;
* B_i = L⁻¹ ∂_iΣ L⁻ᵀ (LAPACK ``sygst``: two-sided triangular solves), so that
  tr(Σ⁻¹∂_iΣ Σ⁻¹∂_jΣ) = tr(B_i B_j) = Σ_ab (B_i)_ab (B_j)_ab;
* a derivative that is a combination a Σ + b I of Σ and the identity (found symbolically once: the
  signal variance and the noise variance of a kernel) needs no solve of its own:
  B_i = a I + b G with G = L⁻¹L⁻ᵀ, formed only as far as the traces used need it (``_Basis``):
  tr G = ‖L⁻¹‖²_F from ``trtri`` alone, tr G² and tr(G B) with ``lauum`` too, both on J L J (J reverses
  the order: L's memory read backwards, one contiguous copy), because ``lauum`` forms the other
  product, WᵀW = Σ⁻¹; the triangular inverse is the one inverse used (a BLAS building block), never Σ⁻¹;
* the mean term: u_i = L⁻¹ ∂_iμ (``trtrs``), ∂_iμᵀΣ⁻¹∂_jμ = u_iᵀu_j;
* every trace of a product of two symmetric matrices is one ``ddot`` over the contiguous memory of
  their triangles (from SciPy's BLAS, the library the LAPACK calls run on), and no n×n array is
  allocated per call: Σ, ∂Σ, B and G live in work arrays of the thread, overwritten in place.

Exact-arithmetic floor, for a kernel with one general derivative and a noise term (the
squared-exponential GP: ∂_vΣ = (Σ − τ²I)/v and ∂_τ²Σ = I are "a Σ + b I", ∂_ℓΣ is general):
``potrf`` n³/3 + ``sygst`` n³ + ``trtri`` n³/3 + ``lauum`` n³/3 = 2n³ flops, six times one Cholesky's
n³/3 (``sygst``'s n³ is the two-sided solve tr(Σ⁻¹∂_ℓΣ Σ⁻¹∂_ℓΣ) needs; tr G² = tr Σ⁻² and
tr(G B_ℓ) = tr(Σ⁻²∂_ℓΣ) need G itself, hence ``lauum``), plus n(n + 1)/2 exponentials for Σ and ∂_ℓΣ
together. Measured at n = 500 (``python -m benchmarks.bench_gaussian --rows gp --repeat 10``, 2 cores,
OpenBLAS, best of 10, 2026-12-05): ``fisher`` 6.57 ms beside SciPy ``cho_factor`` 1.22 ms (5.4×); alone,
``potrf`` 1.12 + ``sygst`` 2.66 + ``trtri`` 0.96 + ``lauum`` 0.76 = 5.50 ms (4.5× ``cho_factor``: these routines
run at about ``potrf``'s rate per flop) and Σ, ∂Σ 0.51 ms (4.9× with them): the issue's ≤ 5× (6.10 ms) leaves
0.09 ms beyond the four calls and the kernel entries, where the call spends 0.56 ms (copies, traces, the Python
between the calls).

The functions accept arrays of parameter values (broadcast together) and return shape (..., k, k).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy as sp
from scipy.linalg import blas, cho_solve, lapack, solve_triangular

from symfisher.core.structure.gaussian import GaussianStructure, matrix_names, numeric_covariance
from symfisher.errors import ModelError, NotSupportedError

__all__ = ["GaussianNumericModel", "gaussian_numeric_model", "linear_in_sigma"]


def _flat(X: np.ndarray) -> np.ndarray:
    """The elements of a Fortran-ordered array in memory order (a view)."""
    return X.reshape(-1, order="F")


def _diag_dot(X: np.ndarray, Y: np.ndarray) -> float:
    """Σ_a X_aa Y_aa (n numbers: no BLAS call)."""
    return float(np.multiply(np.diagonal(X), np.diagonal(Y)).sum())


def _tr_lower(X: np.ndarray, Y: np.ndarray) -> float:
    """tr(XY) for symmetric X, Y held as lower triangles of Fortran arrays (strict upper triangles zero):
    2 Σ_{a≥b} X_ab Y_ab − Σ_a X_aa Y_aa, one ``ddot`` over the contiguous memory.

    SciPy's BLAS, not NumPy's ``dot``: the LAPACK calls run on SciPy's OpenBLAS, and a call into NumPy's
    own OpenBLAS right after one waits for the other library's threads, which still spin on the cores.
    """
    return 2.0 * float(blas.ddot(_flat(X), _flat(Y))) - _diag_dot(X, Y)


class _Basis:
    """G = L⁻¹L⁻ᵀ (B of the identity) of one factor L, computed as far as the traces asked for need.

    LAPACK's ``lauum`` forms XᵀX of a lower (XXᵀ of an upper) triangle — Σ⁻¹ = WᵀW from W = L⁻¹, not
    G = WWᵀ. With J the reversal of the order, J L J is upper triangular and J G J = (JWJ)(JWJ)ᵀ with
    JWJ = (JLJ)⁻¹, and J X J of a Fortran array is its memory read backwards: one contiguous reversed
    copy of L, then ``trtri`` and ``lauum`` on the upper triangle, in place in a work array.

    * tr G = ‖W‖²_F needs only ``trtri`` (n³/3 flops);
    * tr G² = ‖G‖²_F and tr(G B) = Σ_ab G_ab B_ab also need ``lauum`` (n³/3 flops); G's lower triangle
      is J G J's upper triangle read backwards, so tr(G B) is one BLAS ``ddot`` with a negative stride.
    """

    def __init__(self, L: np.ndarray, work: np.ndarray) -> None:
        self._L, self._work = L, work
        self._state = 0  # 0: nothing, 1: JWJ in work, 2: JGJ in work
        self._tr = self._sq = 0.0
        self._with: dict = {}

    def trace(self) -> float:
        """tr G = ‖L⁻¹‖²_F."""
        if self._state == 0:
            np.copyto(_flat(self._work), _flat(self._L)[::-1])  # J L J: upper triangle, strict lower zero
            lapack.dtrtri(self._work, lower=0, overwrite_c=1)  # J W J
            w = _flat(self._work)
            self._tr = float(blas.ddot(w, w))
            self._state = 1
        return self._tr

    def _product(self) -> np.ndarray:
        if self._state < 2:
            self.trace()
            lapack.dlauum(self._work, lower=0, overwrite_c=1)  # (JWJ)(JWJ)ᵀ = J G J, upper triangle
            self._sq = _tr_lower(self._work, self._work)  # the same formula holds for two upper triangles
            self._state = 2
        return self._work

    def trace_square(self) -> float:
        """tr G² = tr Σ⁻²."""
        self._product()
        return self._sq

    def trace_with(self, Bm: np.ndarray) -> float:
        """tr(G B) for B symmetric, held as a lower triangle (Fortran order)."""
        if id(Bm) not in self._with:
            JGJ = self._product()
            dot = blas.ddot(_flat(JGJ), _flat(Bm), incx=-1)  # Σ_{a≥b} G_ab B_ab
            self._with[id(Bm)] = 2.0 * float(dot) - _diag_dot(JGJ[::-1, ::-1], Bm)
        return self._with[id(Bm)]


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
        """An n×n Fortran-ordered work array of this thread, reused across calls (fresh ones cost page faults)."""
        store = self._work.__dict__
        if name not in store:
            store[name] = np.zeros((n, n), order="F")
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
        triangular solves, in place); B of the identity, G = WWᵀ, only where a derivative aΣ + bI has
        b ≠ 0 (``_Basis``). Symmetric matrices are held as lower triangles (the strict upper triangle
        zero), so tr(XY) = 2 Σ_{a≥b} X_ab Y_ab − Σ_a X_aa Y_aa, one contiguous dot product."""
        L, derivs = self._factor(theta)
        k, n = len(self.params), self.n
        B: list = []
        for kind, data in self._plan:
            if kind == "zero":
                B.append(None)
            elif kind == "linear":
                a, b = (float(v(*theta)) for v in data)
                B.append(("linear", a, b))
            else:
                Bm, info = lapack.dsygst(derivs[data], L, itype=1, lower=1, overwrite_a=1)
                B.append(("matrix", Bm, float(np.trace(Bm))))
        basis = _Basis(L, self._buffer("basis", n))

        def trace_pair(s: Any, t: Any) -> float:  # tr(B_s B_t)
            if s is None or t is None:
                return 0.0
            if s[0] == "linear" and t[0] == "linear":  # (a₁I + b₁G)(a₂I + b₂G)
                _, a1, b1 = s
                _, a2, b2 = t
                out = a1 * a2 * n
                if a1 * b2 + a2 * b1:
                    out += (a1 * b2 + a2 * b1) * basis.trace()
                if b1 * b2:
                    out += b1 * b2 * basis.trace_square()
                return float(out)
            if s[0] == "linear":
                s, t = t, s
            if t[0] == "linear":  # B_s (aI + bG)
                _, a, b = t
                return float(a * s[2] + (b * basis.trace_with(s[1]) if b else 0.0))
            return _tr_lower(s[1], t[1])

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
                    v += float(blas.ddot(u[i], u[j]))
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
