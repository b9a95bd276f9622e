"""Numeric Slepian–Bangs for Gaussian models whose Σ⁻¹ stays a matrix expression (Σ too large to invert symbolically).

I_ij = ∂_iμᵀ Σ⁻¹ ∂_jμ + ½ tr(Σ⁻¹ ∂_iΣ Σ⁻¹ ∂_jΣ) at each parameter point, from one Cholesky
factorisation Σ = LLᵀ and triangular solves, never an explicit inverse:

* B_i = L⁻¹ ∂_iΣ L⁻ᵀ (LAPACK ``sygst``: two-sided triangular solves), so that
  tr(Σ⁻¹∂_iΣ Σ⁻¹∂_jΣ) = tr(B_i B_j) = Σ_ab (B_i)_ab (B_j)_ab;
* a derivative that is a combination a Σ + b I of Σ and the identity (found symbolically once: the
  signal variance and the noise variance of a kernel) needs no solve of its own:
  B_i = a I + b L⁻¹L⁻ᵀ;
* the mean term: u_i = L⁻¹ ∂_iμ, ∂_iμᵀΣ⁻¹∂_jμ = u_iᵀu_j.

The functions accept arrays of parameter values (broadcast together) and return shape (..., k, k).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy as sp
from scipy.linalg import cho_factor, cho_solve, lapack, solve_triangular

from symfisher.core.structure.gaussian import GaussianStructure, matrix_names, numeric_covariance
from symfisher.errors import ModelError, NotSupportedError

__all__ = ["GaussianNumericModel", "gaussian_numeric_model", "linear_in_sigma"]


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

    def _factor(self, theta: np.ndarray) -> tuple[Any, list[np.ndarray]]:
        mats = self._evaluate(*theta)
        S = np.array(mats[0], dtype=float, order="F")
        try:
            c = cho_factor(S, lower=True, check_finite=True, overwrite_a=True)
        except (np.linalg.LinAlgError, ValueError):
            point = ", ".join(f"{p} = {v:g}" for p, v in zip(self.params, theta))
            raise ModelError(f"model {self.name}: the covariance is not positive definite at {point}") from None
        return c, mats[1:]

    def _one(self, theta: np.ndarray, hessian_form: bool) -> np.ndarray:
        (L, lower), derivs = self._factor(theta)
        k, n = len(self.params), self.n
        basis: dict = {}

        def reduced(m: np.ndarray) -> np.ndarray:  # L⁻¹ M L⁻ᵀ (lower triangle filled by sygst), symmetrised
            B = lapack.dsygst(np.array(m, dtype=float, order="F"), L, itype=1, lower=1)[0]
            return np.tril(B) + np.tril(B, -1).T

        def inv_basis() -> np.ndarray:
            if "I" not in basis:
                basis["I"] = reduced(np.eye(n))
            return basis["I"]

        B: list = []
        for i, (kind, data) in enumerate(self._plan):
            if kind == "zero":
                B.append(None)
            elif kind == "linear":
                a, b = (float(v(*theta)) for v in data)
                B.append(("linear", a, b))
            else:
                B.append(("matrix", reduced(derivs[data])))

        def as_matrix(t):
            if t[0] == "matrix":
                return t[1]
            _, a, b = t
            return a * np.eye(n) + (b * inv_basis() if b else 0.0)

        def trace_pair(s, t) -> float:
            if s is None or t is None:
                return 0.0
            if s[0] == "linear" and t[0] == "linear":
                _, a1, b1 = s
                _, a2, b2 = t
                out = a1 * a2 * n
                if b1 or b2:
                    Bi = inv_basis()
                    out += (a1 * b2 + a2 * b1) * np.trace(Bi) + (b1 * b2 * np.sum(Bi * Bi) if b1 and b2 else 0.0)
                return float(out)
            if s[0] == "linear":
                s, t = t, s
            if t[0] == "linear":
                _, a, b = t
                return float(a * np.trace(s[1]) + (b * np.sum(s[1] * inv_basis()) if b else 0.0))
            return float(np.sum(s[1] * t[1]))

        out = np.zeros((k, k))
        dmu = self._mean(*theta) if self._mean is not None else None
        u = None
        if dmu is not None:
            u = [None if d is None else solve_triangular(L, np.asarray(d, dtype=float).reshape(n), lower=True)
                 for d in dmu]
        for i in range(k):
            for j in range(i, k):
                v = 0.5 * trace_pair(B[i], B[j])
                if u is not None and u[i] is not None and u[j] is not None:
                    v += float(u[i] @ u[j])
                out[i, j] = out[j, i] = v
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
        (L, lower), _ = self._factor(theta)
        x = np.asarray(x, dtype=float)
        if x.shape[-1:] != (self.n,):
            raise ModelError(f"model {self.name}: the data need a trailing axis of size {self.n}, got shape {x.shape}")
        mu = self._mean_value(theta)
        r = (x - mu).reshape(-1, self.n).T
        z = solve_triangular(L, r, lower=True)
        logdet = 2 * np.sum(np.log(np.diag(L)))
        out = -0.5 * np.sum(z * z, axis=0) - 0.5 * logdet - 0.5 * self.n * np.log(2 * np.pi)
        return out.reshape(x.shape[:-1])

    def _mean_value(self, theta: np.ndarray) -> np.ndarray:
        return np.asarray(self._mean_fn(*theta), dtype=float).reshape(self.n) if self._mean_fn else np.zeros(self.n)

    _mean_fn: Callable[..., Any] | None = field(repr=False, default=None)

    def score(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise NotSupportedError(f"model {self.name}: the numeric score of a Gaussian with Σ⁻¹ kept as a matrix "
                                "expression is not generated; use fisher / neg_expected_hessian / logpdf")

    hessian = score

    def cho_solve(self, theta: Sequence[float], rhs: np.ndarray) -> np.ndarray:
        """Σ(θ)⁻¹ rhs by the Cholesky factor (a linear solve)."""
        c, _ = self._factor(np.asarray(theta, dtype=float))
        return cho_solve(c, rhs)


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
    evaluate = numeric_covariance(cov, params, extra)
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
