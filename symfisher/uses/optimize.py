"""Second-order updates generated from the closed forms: natural gradient, Fisher scoring, Newton.

With ℓ(θ) = Σ_i log p(x_i | θ), score g = ∇ℓ = Σ_i s(x_i; θ), observed Hessian H = ∇²ℓ and expected
information F = Σ_i I(θ; z_i) (n·I(θ) without covariates):

- natural gradient:  θ ← θ + η Ī(θ)⁻¹ ḡ,  with ḡ = g/n and Ī = F/n (steepest ascent in the Fisher metric);
- Fisher scoring:    θ ← θ + F⁻¹ g  (the natural gradient with η = 1; Newton with H replaced by −F);
- Newton–Raphson:    θ ← θ − H⁻¹ g;
- gradient ascent:   θ ← θ + η ḡ  (the first-order baseline).

The per-observation score, Hessian and I(θ) are compiled by
:func:`symfisher.numeric.compiler.compile_function` (``sympy.lambdify(..., cse=True)`` underneath);
:func:`iterate` runs an update to convergence, halving a step that leaves the parameter domain or
lowers the log-likelihood.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from symfisher.errors import ModelError, NotSupportedError, RegularityError
from symfisher.numeric.sample import SampleModel

__all__ = ["IterationResult", "UpdateRule", "fisher_scoring_step", "gradient_ascent_step", "iterate",
           "natural_gradient_step", "newton_step"]


@dataclass(frozen=True)
class UpdateRule:
    """A generated update θ ← rule(θ, data).

    Attributes:
        name: "natural-gradient", "fisher-scoring", "newton" or "gradient-ascent".
        formula: The update in words, e.g. ``"θ + F⁻¹ ∇ℓ"``.
        lr: The step size η (1 for scoring and Newton).
        numeric: The compiled model (its ``source("score")`` shows the generated code).
    """

    name: str
    formula: str
    lr: float
    numeric: SampleModel = field(repr=False)
    _direction: Callable = field(repr=False, compare=False, default=None)

    @property
    def params(self):
        return self.numeric.params

    def direction(self, theta: np.ndarray, cols: list[np.ndarray], n: int) -> np.ndarray:
        """The step Δθ at θ (the update is θ + Δθ)."""
        return self._direction(self.numeric, np.asarray(theta, dtype=float), cols, n, self.lr)

    def __call__(self, theta: Sequence[float], data: Any) -> np.ndarray:
        """One update on a data set (a 1-D array, or a dict of data and covariate arrays)."""
        cols, n = self.numeric.arrays(data)
        theta = np.asarray(theta, dtype=float)
        return theta + self.direction(theta, cols, n)


def _solve(A: np.ndarray, b: np.ndarray, what: str, model: str) -> np.ndarray:
    try:
        out = np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        raise RegularityError(f"model {model}: the {what} is singular at this θ; no update exists") from None
    return out


def _natural(num, theta, cols, n, lr):
    return lr * _solve(num.fisher(theta, cols, n) / n, num.score(theta, cols, n) / n, "Fisher information",
                       num.model.name)


def scoring_rule(num, theta, cols, n, lr):
    return _solve(num.fisher(theta, cols, n), num.score(theta, cols, n), "Fisher information", num.model.name)


def newton_rule(num, theta, cols, n, lr):
    return -_solve(num.hessian(theta, cols, n), num.score(theta, cols, n), "Hessian", num.model.name)


def damped_newton_rule(num, theta, cols, n, lr):
    """(−H + μI)⁻¹ g: Newton's step where −H is positive definite (μ = 0), else with the least shift μ that makes
    −H + μI so, plus a margin of 10⁻³ of its scale (Levenberg 1944): always an ascent direction. Far from θ̂ the
    observed information need not be positive definite (the Rice law's at its default start), and there the plain
    Newton step descends."""
    J, g = -num.hessian(theta, cols, n), num.score(theta, cols, n)
    if np.all(np.isfinite(J)):
        low = float(np.linalg.eigvalsh(J).min())
        if low <= 0:
            J = J + (1e-3 * max(1.0, float(np.abs(np.diag(J)).max())) - low) * np.eye(len(g))
    return _solve(J, g, "Hessian", num.model.name)


def _gradient(num, theta, cols, n, lr):
    return lr * num.score(theta, cols, n) / n


def _rule(derivation: Any, name: str, formula: str, lr: float, fn, needs_fisher: bool,
          constants: Mapping | None) -> UpdateRule:
    if not (isinstance(lr, (int, float)) and lr > 0):
        raise ModelError(f"the step size lr must be a positive number, got {lr!r}")
    num = SampleModel.of(derivation, constants)
    if needs_fisher and not num.has_fisher:
        raise NotSupportedError(f"model {num.model.name}: {name} needs the Fisher information in closed form; "
                                "pass a Derivation whose fisher has no unevaluated expectations")
    return UpdateRule(name, formula, float(lr), num, fn)


def natural_gradient_step(derivation: Any, lr: float = 1.0, *, constants: Mapping | None = None) -> UpdateRule:
    """The natural-gradient update θ ← θ + η Ī(θ)⁻¹ ḡ(θ) (average score ḡ, average information Ī).

    Args:
        derivation: A :class:`~symfisher.core.derivation.Derivation` with a closed-form Fisher matrix.
        lr: Step size η (η = 1 is Fisher scoring).
        constants: Values of free constants of the model (e.g. a known σ).

    >>> import numpy as np, sympy as sp
    >>> from symfisher import Model, derive
    >>> x, lam = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> step = natural_gradient_step(d, lr=0.5)
    >>> step([1.0], np.array([0.5, 1.5, 2.0]))   # 1 + 0.5·λ²·(1/λ − x̄) = 1 + 0.5·(1 − 4/3)
    array([0.83333333])
    """
    return _rule(derivation, "natural-gradient", "θ + η Ī(θ)⁻¹ ḡ", lr, _natural, True, constants)


def fisher_scoring_step(derivation: Any, *, constants: Mapping | None = None) -> UpdateRule:
    """Fisher scoring θ ← θ + F(θ)⁻¹ Σ_i s(x_i; θ), with F = Σ_i I(θ; z_i).

    >>> import numpy as np, sympy as sp
    >>> from symfisher import Model, derive
    >>> x, lam = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> fisher_scoring_step(d)([1.0], np.array([0.5, 1.5, 2.0]))   # 1 + (1 − 4/3) = 2/3
    array([0.66666667])
    """
    return _rule(derivation, "fisher-scoring", "θ + F(θ)⁻¹ ∇ℓ", 1.0, scoring_rule, True, constants)


def newton_step(derivation: Any, *, constants: Mapping | None = None) -> UpdateRule:
    """Newton–Raphson θ ← θ − H(θ)⁻¹ ∇ℓ(θ) with the observed Hessian H = Σ_i ∇² log p(x_i | θ).

    >>> import numpy as np, sympy as sp
    >>> from symfisher import Model
    >>> x, lam = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True)
    >>> m = Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo))
    >>> newton_step(m)([1.0], np.array([0.5, 1.5, 2.0]))   # H = −n/λ²: same as scoring here
    array([0.66666667])
    """
    return _rule(derivation, "newton", "θ − H(θ)⁻¹ ∇ℓ", 1.0, newton_rule, False, constants)


def gradient_ascent_step(derivation: Any, lr: float = 0.1, *, constants: Mapping | None = None) -> UpdateRule:
    """Plain gradient ascent θ ← θ + η ḡ(θ) on the average log-likelihood (the first-order baseline).

    >>> import numpy as np, sympy as sp
    >>> from symfisher import Model
    >>> x, lam = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True)
    >>> m = Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo))
    >>> gradient_ascent_step(m, lr=0.3)([1.0], np.array([0.5, 1.5, 2.0]))   # 1 + 0.3·(1 − 4/3)
    array([0.9])
    """
    return _rule(derivation, "gradient-ascent", "θ + η ∇ℓ/n", lr, _gradient, False, constants)


@dataclass(frozen=True)
class IterationResult:
    """The outcome of :func:`iterate`.

    Attributes:
        theta: The final parameter vector.
        iterations: Updates taken.
        converged: Whether ‖Δθ‖ ≤ tol·(1 + ‖θ‖) was reached within ``max_iter``.
        loglik: Σ_i log p(x_i | θ) at the end.
        rule: The name of the update.
    """

    theta: np.ndarray
    iterations: int
    converged: bool
    loglik: float
    rule: str

    def __repr__(self) -> str:
        return (f"IterationResult({self.rule}: θ = {np.array2string(self.theta, precision=6)}, "
                f"{self.iterations} iterations, converged={self.converged})")


TINY_STEP = 2.0**-30  # a step halved below this fraction is checked for ascent (one more score evaluation)


def iterate(rule: UpdateRule, theta0: Sequence[float] | None, data: Any, *, tol: float = 1e-8,
            max_iter: int = 10_000, line_search: bool = True) -> IterationResult:
    """Apply ``rule`` until ‖Δθ‖ ≤ tol·(1 + ‖θ‖), halving steps that leave the domain or lower ℓ.

    Args:
        rule: An :class:`UpdateRule`.
        theta0: Starting point (default: a point inside the parameter domain).
        data: The observations (1-D array, or a dict of data and covariate arrays).
        tol: Relative step tolerance.
        max_iter: Most updates.
        line_search: Halve a step (up to 60 times) until θ stays in the domain and ℓ does not decrease.

    >>> import numpy as np, sympy as sp
    >>> from symfisher import Model, derive
    >>> x, lam = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> r = iterate(fisher_scoring_step(d), [1.0], np.array([0.5, 1.5, 2.0]))
    >>> round(float(r.theta[0]), 6), r.converged            # the MLE 1/x̄ = 0.75
    (0.75, True)
    """
    num = rule.numeric
    cols, n = num.arrays(data)
    theta = num.default_start() if theta0 is None else np.asarray(theta0, dtype=float).ravel()
    if theta.size != len(num.params):
        raise ModelError(f"model {num.model.name}: start needs {len(num.params)} value(s), got {theta.size}")
    if not num.inside(theta):
        raise ModelError(f"model {num.model.name}: the start {theta.tolist()} is outside the parameter domain")
    ll = num.loglik(theta, cols, n)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        step = rule.direction(theta, cols, n)
        if not np.all(np.isfinite(step)):
            break
        t = 1.0
        new = theta + step
        new_ll = num.loglik(new, cols, n) if num.inside(new) else -np.inf

        def acceptable() -> bool:
            return bool(num.inside(new) and np.isfinite(new_ll) and new_ll >= ll - 1e-12 * abs(ll))

        if line_search:
            for _ in range(60):
                if acceptable():
                    break
                t /= 2
                new = theta + t * step
                new_ll = num.loglik(new, cols, n) if num.inside(new) else -np.inf
            if not acceptable():  # no step along it keeps θ in the domain with ℓ not lower: no convergence either
                break
            if t < TINY_STEP and float(step @ num.score(theta, cols, n)) <= 0:
                break  # not an ascent direction (Newton where −H is not positive definite): halved to a step too
                # small to see, it had been taken for convergence (the Rice law's fit had stopped at its start)
        done = np.linalg.norm(new - theta) <= tol * (1 + np.linalg.norm(theta))
        theta, ll = new, new_ll
        if done:
            converged = True
            break
    return IterationResult(theta, it, converged, float(ll), rule.name)
