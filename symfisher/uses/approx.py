"""The diagonal Fisher approximation (Adam, EWC) and the elastic-weight-consolidation penalty.

Deep-learning methods keep only diag I(θ): Adam's second-moment estimate v ≈ E[g ⊙ g] is (for
per-example gradients of the log-likelihood) the diagonal of the empirical Fisher, and elastic
weight consolidation (Kirkpatrick et al., 2017) penalizes moving parameter i away from the old
optimum θ* by ½ Σ_i F_ii(θ*) (θ_i − θ*_i)². The diagonal is exact when I(θ) is diagonal (orthogonal
parameters, e.g. normal (μ, σ)); its error is measured by ‖I − diag I‖_F / ‖I‖_F.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy as sp

from symfisher.core.deadline import run_with_deadline
from symfisher.core.evidence import numeric_value
from symfisher.errors import BudgetExceeded, ModelError
from symfisher.numeric.compiler import compile_function
from symfisher.uses._common import as_derivation, point_map, require_closed

__all__ = ["DiagonalFisher", "EWCPenalty", "diagonal_fisher", "ewc_penalty"]


@dataclass(frozen=True)
class DiagonalFisher:
    """diag I(θ) and how far it is from the full matrix.

    Attributes:
        diagonal: diag I(θ) as a k×k diagonal matrix.
        full: The full I(θ).
        relative_error: ‖I − diag I‖_F / ‖I‖_F, symbolic (0 when I is diagonal).
        relative_error_at: Its value at ``point`` (``None`` without a point).
        point: The parameter point used, if any.
    """

    diagonal: sp.ImmutableMatrix
    full: sp.ImmutableMatrix
    relative_error: sp.Expr
    relative_error_at: float | None = None
    point: Mapping[sp.Symbol, sp.Expr] | None = None

    def __repr__(self) -> str:
        at = f"; {self.relative_error_at:.4g} at the point" if self.relative_error_at is not None else ""
        return f"DiagonalFisher(diag = {sp.sstr(list(self.diagonal.diagonal()))}; relative error {sp.sstr(self.relative_error)}{at})"


def _frobenius_ratio(full: sp.Matrix) -> sp.Expr:
    k = full.rows
    off = sum(full[i, j] ** 2 for i in range(k) for j in range(k) if i != j)
    total = sum(full[i, j] ** 2 for i in range(k) for j in range(k))
    if full.has(sp.cosh, sp.sinh, sp.tanh):
        off, total = off.rewrite(sp.exp), total.rewrite(sp.exp)
    if off == 0 or sp.simplify(off) == 0:
        return sp.Integer(0)
    return sp.simplify(sp.sqrt(sp.simplify(off) / sp.simplify(total)))


def diagonal_fisher(derivation: Any, at: Mapping | Sequence | None = None, timeout: float = 10.0) -> DiagonalFisher:
    """The diagonal approximation diag I(θ), with its relative error ‖I − diag I‖_F / ‖I‖_F.

    Args:
        derivation: A :class:`~symfisher.core.derivation.Derivation` (or a Model, derived here).
        at: Optional parameter point (and values of covariates/constants) for a numeric error.
        timeout: Seconds allowed for simplifying the error.

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x, lam = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True)
    >>> r = diagonal_fisher(derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo))))
    >>> r.diagonal, r.relative_error      # one parameter: the diagonal is the whole matrix
    (Matrix([[lambda**(-2)]]), 0)
    """
    d = as_derivation(derivation)
    full = sp.ImmutableMatrix(d.fisher)
    require_closed(full, d.model.name)
    diag = sp.ImmutableMatrix(sp.diag(*full.diagonal()))
    try:
        err = run_with_deadline(_frobenius_ratio, (sp.Matrix(full),), timeout)
    except BudgetExceeded:
        k = full.rows
        err = sp.sqrt(sum(full[i, j] ** 2 for i in range(k) for j in range(k) if i != j)
                      / sum(e**2 for e in full))
    value, point = None, None
    if at is not None:
        if isinstance(at, Mapping):
            point = {**point_map(d.params, {k: v for k, v in at.items()}, f"model {d.model.name}"),
                     **{sp.Symbol(k) if isinstance(k, str) else k: sp.sympify(v) for k, v in at.items()}}
            point = {s: v for s, v in point.items() if not isinstance(s, str)}
            by_name = {str(k): v for k, v in point.items()}
            point = {s: by_name[s.name] for s in err.free_symbols | set(d.params) if s.name in by_name}
        else:
            point = point_map(d.params, at, f"model {d.model.name}")
        missing = sorted(map(str, err.free_symbols - set(point)))
        if missing:
            raise ModelError(f"model {d.model.name}: the point has no value for {missing[0]}")
        value = float(numeric_value(err, point))
    return DiagonalFisher(diag, full, err, value, point)


@dataclass(frozen=True)
class EWCPenalty:
    """The elastic-weight-consolidation penalty (λ/2) Σ_i F_ii(θ*) (θ_i − θ*_i)².

    Attributes:
        expr: The penalty as a SymPy expression in the parameters.
        weights: F_ii(θ*) per parameter (floats).
        theta_star: The old optimum θ* (floats, parameter order).
        params: The parameters.
        function: The penalty as a NumPy function of the parameters (one positional argument each), compiled by
            :func:`~symfisher.numeric.compiler.compile_function`.
    """

    expr: sp.Expr
    weights: tuple[float, ...]
    theta_star: tuple[float, ...]
    params: tuple[sp.Symbol, ...]
    function: Callable = field(repr=False, compare=False)

    def __call__(self, theta: Sequence[float]) -> float:
        """The penalty at θ."""
        return float(self.function(*np.asarray(theta, dtype=float).ravel()))

    def __repr__(self) -> str:
        return f"EWCPenalty({sp.sstr(self.expr)})"


def ewc_penalty(derivation: Any, theta_star: Mapping | Sequence, strength: float = 1.0, *,
                covariates: Mapping | None = None, constants: Mapping | None = None) -> EWCPenalty:
    """The EWC penalty (λ/2) Σ_i F_ii(θ*) (θ_i − θ*_i)², with F = I(θ) at the old optimum θ*.

    Args:
        derivation: A :class:`~symfisher.core.derivation.Derivation` (or a Model, derived here).
        theta_star: θ* (dict or values in parameter order).
        strength: λ.
        covariates: For regression models, arrays of the old task's covariates; F_ii is averaged over them.
        constants: Values of free constants of the model.

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x, lam = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True)
    >>> pen = ewc_penalty(derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo))), [2])
    >>> pen.expr, pen([3.0])            # ½ · (1/4) · (λ − 2)²
    ((lambda - 2)**2/8, 0.125)
    """
    d = as_derivation(derivation)
    require_closed(d.fisher, d.model.name)
    if not (isinstance(strength, (int, float)) and strength >= 0):
        raise ModelError(f"the EWC strength must be a non-negative number, got {strength!r}")
    star = point_map(d.params, theta_star, f"model {d.model.name}")
    by_name = {str(k): v for k, v in (constants or {}).items()}
    # known values: the model's constants (Model.constants) and a symbolic number of observations n
    fixed = (*d.model.constants, *sorted(sp.sympify(d.model.n_obs).free_symbols, key=str))
    known = {c: sp.sympify(by_name[c.name]) for c in fixed if c.name in by_name}
    weights, exact = [], []
    for i, p in enumerate(d.params):
        f = d.fisher[i, i].xreplace(star).xreplace(known)
        cov = [s for s in d.model.given if s in f.free_symbols]
        rest = sorted(map(str, f.free_symbols - set(cov)))
        if rest:
            raise ModelError(f"model {d.model.name}: F_{p}{p}(θ*) still depends on {rest[0]}; pass constants={{...}}")
        if cov:
            if not covariates:
                raise ModelError(f"model {d.model.name}: F_{p}{p} depends on the covariate {cov[0]}; pass "
                                 "covariates={...} (arrays of the old task's covariates)")
            cov_names = {str(k): v for k, v in covariates.items()}
            missing = [c.name for c in cov if c.name not in cov_names]
            if missing:
                raise ModelError(f"model {d.model.name}: covariates has no values for {missing[0]}")
            fn = compile_function(cov, f, name=f"F_{i}{i}")
            w = float(np.mean(fn(*[np.asarray(cov_names[c.name], dtype=float) for c in cov])))
            exact.append(sp.Float(w, 15))
        else:
            w = float(f)
            exact.append(sp.simplify(f) if all(v.is_Rational for v in star.values()) else sp.Float(w, 15))
        if not (math.isfinite(w) and w >= 0):
            raise ModelError(f"model {d.model.name}: F_{p}{p}(θ*) = {w} is not a finite non-negative weight")
        weights.append(w)
    expr = sp.nsimplify(strength) / 2 * sum(w * (p - star[p]) ** 2 for w, p in zip(exact, d.params))
    fn = compile_function(list(d.params), expr, name="ewc_penalty")
    return EWCPenalty(sp.factor_terms(expr), tuple(weights), tuple(float(star[p]) for p in d.params), d.params, fn)
