"""Maximum likelihood with observed and expected information: standard errors and Wald intervals.

At the MLE θ̂ of ℓ(θ) = Σ_i log p(x_i | θ):

- observed information  J(θ̂) = −∇²ℓ(θ̂) = −Σ_i H(x_i; θ̂);
- expected information   F(θ̂) = Σ_i I(θ̂; z_i) = n·I(θ̂) (without covariates);
- standard errors        se_j = √[(J⁻¹)_jj] or √[(F⁻¹)_jj];
- Wald intervals         θ̂_j ± z_{(1+level)/2} · se_j.

Both informations estimate the same limit, so the two kinds of interval agree to O_p(n^{-1/2}) relative
error; for canonical exponential families without covariates they coincide exactly at θ̂
(Poisson: θ̂ = x̄, se = √(x̄/n)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Sequence

import numpy as np
import sympy as sp

from symfisher.errors import ModelError, NotSupportedError, RegularityError
from symfisher.numeric.sample import SampleModel
from symfisher.uses.optimize import UpdateRule, damped_newton_rule, iterate, scoring_rule

__all__ = ["MLEResult", "mle", "standard_errors", "wald_intervals"]

Kind = Literal["observed", "expected"]


@dataclass(frozen=True)
class MLEResult:
    """A fitted model.

    Attributes:
        params: The parameters θ.
        estimate: θ̂ (array, parameter order).
        loglik: ℓ(θ̂).
        observed_information: −∇²ℓ(θ̂), k×k.
        expected_information: Σ_i I(θ̂; z_i), k×k (``None`` without a closed-form I(θ)).
        n: Sample size.
        iterations: Updates taken by the optimizer.
        converged: Whether the optimizer met its tolerance (after SciPy's, also at a strict local maximum).
        method: "fisher-scoring", "newton" or "scipy-<method>".
        model_name: The model's name.
    """

    params: tuple[sp.Symbol, ...]
    estimate: np.ndarray
    loglik: float
    observed_information: np.ndarray
    expected_information: np.ndarray | None
    n: int
    iterations: int
    converged: bool
    method: str
    model_name: str = "model"
    numeric: SampleModel | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, float]:
        """Parameter name → estimate."""
        return {p.name: float(v) for p, v in zip(self.params, self.estimate)}

    def __repr__(self) -> str:
        est = ", ".join(f"{p} = {v:.6g}" for p, v in zip(self.params, self.estimate))
        return f"MLEResult({self.model_name}: {est}; n = {self.n}; {self.method}, {self.iterations} iterations)"


def _scipy_fit(num: SampleModel, cols, n, start) -> tuple[np.ndarray, int, bool, str]:
    from scipy.optimize import minimize

    bounds = [(None if not math.isfinite(lo) else lo + (1e-10 if lo_open else 0.0),
               None if not math.isfinite(hi) else hi - (1e-10 if hi_open else 0.0))
              for lo, hi, lo_open, hi_open in num._fns["bounds"]]

    def f(t):
        v = num.loglik(t, cols, n)
        return -v if np.isfinite(v) else 1e300

    res = minimize(f, start, jac=lambda t: -num.score(t, cols, n), method="L-BFGS-B", bounds=bounds)
    return np.asarray(res.x, dtype=float), int(res.nit), bool(res.success), "scipy-L-BFGS-B"


def _stationary(num: SampleModel, theta: np.ndarray, cols, n: int) -> bool:
    """Whether θ is a strict local maximum to the optimizer's precision: −H(θ) positive definite and the Newton
    decrement gᵀ(−H)⁻¹g, twice the rise in ℓ a Newton step would bring, below 10⁻⁸(1 + |ℓ|). L-BFGS-B reports
    success where its line search stalls (on the Rice law, at a point with a score of 300)."""
    g, J = num.score(theta, cols, n), -num.hessian(theta, cols, n)
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(J))):
        return False
    try:
        factor = np.linalg.cholesky(J)
    except np.linalg.LinAlgError:
        return False
    decrement = float(np.sum(np.linalg.solve(factor, g) ** 2))
    return decrement <= 1e-8 * (1.0 + abs(num.loglik(theta, cols, n)))


def mle(model_or_derivation: Any, data: Any, start: Sequence[float] | None = None, *,
        constants: Mapping | None = None, tol: float = 1e-10, max_iter: int = 500) -> MLEResult:
    """The maximum-likelihood estimate θ̂ = argmax_θ Σ_i log p(x_i | θ), numerically.

    Fisher scoring θ ← θ + F(θ)⁻¹∇ℓ (with step halving) when I(θ) has a closed form, Newton otherwise (damped
    where −H is not positive definite, so that every step ascends);
    ``scipy.optimize.minimize`` (L-BFGS-B within the domain) when those do not converge.

    Args:
        model_or_derivation: A Model or a Derivation (a Derivation supplies I(θ) for scoring and the
            expected information).
        data: A 1-D array of observations, or a dict {data/covariate symbol or name: array}.
        start: Starting point (default: a point inside the parameter domain).
        constants: Values of free constants of the model (e.g. a known σ).
        tol: Relative step tolerance.
        max_iter: Most scoring iterations.

    Raises:
        ModelError: Bad data or start.

    >>> import numpy as np, sympy as sp
    >>> from symfisher import Model, derive
    >>> x = sp.Symbol("x", integer=True, nonnegative=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam**x * sp.exp(-lam) / sp.factorial(x), x, [lam], sp.S.Naturals0))
    >>> fit = mle(d, np.array([2, 4, 3, 7]))
    >>> round(float(fit.estimate[0]), 8)                      # the sample mean
    4.0
    """
    num = SampleModel.of(model_or_derivation, constants)
    cols, n = num.arrays(data)
    start_v = num.default_start() if start is None else np.asarray(start, dtype=float).ravel()
    rule = UpdateRule("fisher-scoring", "θ + F(θ)⁻¹ ∇ℓ", 1.0, num, scoring_rule) if num.has_fisher \
        else UpdateRule("newton", "θ + (μI − H(θ))⁻¹ ∇ℓ, μ ≥ 0 least with μI − H positive definite", 1.0, num,
                        damped_newton_rule)
    try:
        r = iterate(rule, start_v, data, tol=tol, max_iter=max_iter)
        theta, its, ok, method = r.theta, r.iterations, r.converged, rule.name
    except RegularityError:
        theta, its, ok, method = start_v, 0, False, rule.name
    if not ok or not np.all(np.isfinite(theta)):
        theta, its, ok, method = _scipy_fit(num, cols, n, start_v)
        ok = ok and _stationary(num, theta, cols, n)
    observed = -num.hessian(theta, cols, n)
    expected = num.fisher(theta, cols, n) if num.has_fisher else None
    return MLEResult(num.params, theta, num.loglik(theta, cols, n), observed, expected, n, its, ok, method,
                     num.model.name, num)


def _fit(obj: Any, data: Any, start, constants) -> MLEResult:
    if isinstance(obj, MLEResult):
        if data is not None:
            raise ModelError("pass either a fitted MLEResult or a model with data, not both")
        return obj
    if data is None:
        raise ModelError("standard errors need a fitted MLEResult, or a model or derivation with data")
    return mle(obj, data, start, constants=constants)


def standard_errors(fit: Any, data: Any = None, *, kind: Kind = "observed", start: Sequence[float] | None = None,
                    constants: Mapping | None = None) -> np.ndarray:
    """Standard errors √diag(J(θ̂)⁻¹) (observed) or √diag(F(θ̂)⁻¹) (expected information).

    Args:
        fit: An :class:`MLEResult`, or a Model/Derivation (then ``data`` is fitted first).
        data: The observations when ``fit`` is a model.
        kind: "observed" (−∇²ℓ at θ̂) or "expected" (n·I(θ̂)).

    Raises:
        RegularityError: The information at θ̂ is singular.
        NotSupportedError: kind="expected" without a closed-form I(θ).

    >>> import numpy as np, sympy as sp
    >>> from symfisher import Model, derive
    >>> x = sp.Symbol("x", integer=True, nonnegative=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam**x * sp.exp(-lam) / sp.factorial(x), x, [lam], sp.S.Naturals0))
    >>> float(standard_errors(d, np.array([2, 4, 3, 7]), kind="expected")[0])   # √(x̄/n) = √(4/4)
    1.0
    """
    if kind not in ("observed", "expected"):
        raise ModelError(f"kind must be 'observed' or 'expected', got {kind!r}")
    f = _fit(fit, data, start, constants)
    info = f.observed_information if kind == "observed" else f.expected_information
    if info is None:
        raise NotSupportedError(f"model {f.model_name}: no closed-form I(θ), so no expected information; "
                                "use kind='observed' or fit a Derivation")
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        raise RegularityError(f"model {f.model_name}: the {kind} information at θ̂ is singular") from None
    var = np.diag(cov)
    if np.any(var <= 0) or not np.all(np.isfinite(var)):
        raise RegularityError(f"model {f.model_name}: the {kind} information at θ̂ = {f.estimate.tolist()} is not "
                              "positive definite (θ̂ is not a strict maximum)")
    return np.sqrt(var)


def wald_intervals(fit: Any, data: Any = None, level: float = 0.95, *, kind: Kind = "observed",
                   start: Sequence[float] | None = None, constants: Mapping | None = None) -> np.ndarray:
    """Wald intervals θ̂_j ± z_{(1+level)/2} se_j, one row [lower, upper] per parameter.

    >>> import numpy as np, sympy as sp
    >>> from symfisher import Model, derive
    >>> x = sp.Symbol("x", integer=True, nonnegative=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam**x * sp.exp(-lam) / sp.factorial(x), x, [lam], sp.S.Naturals0))
    >>> np.round(wald_intervals(d, np.array([2, 4, 3, 7]), 0.95), 4)          # 4 ± 1.96·1
    array([[2.04, 5.96]])
    """
    from scipy.stats import norm

    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise ModelError(f"level must be a probability in (0, 1), got {level!r}")
    f = _fit(fit, data, start, constants)
    se = standard_errors(f, kind=kind)
    z = float(norm.ppf((1 + level) / 2))
    return np.column_stack([f.estimate - z * se, f.estimate + z * se])
