"""NGBoost distributions from symfisher derivations: score, gradient and Fisher metric in closed form.

NGBoost (``pip install ".[ngboost]"``) boosts one regression tree ensemble per parameter of a
distribution, in an *internal* parametrization η that ranges over all of ℝ (NGBoost's ``Normal`` uses
η = (μ, log σ)), along the natural gradient I(η)⁻¹ ∇η(−log p). A distribution class therefore needs, per
row, the log score −log p(y | η), its gradient and the Fisher information in η.

:func:`distribution` builds that class from a symfisher :class:`~symfisher.core.model.Model` or
:class:`~symfisher.core.derivation.Derivation`:

1. derive the closed forms in the user parameters θ (score s, I(θ), −E[H], the verdict);
2. analyse each transform η = g(θ) (``internal``): strictly monotone and differentiable on the domain of θ
   with an image of all of ℝ, and solve θ = g⁻¹(η) in closed form;
3. ``Derivation.reparametrize`` (:func:`~symfisher.uses.reparam.reparametrize_derivation`): s_η = Jᵀ s_θ, I(η) = Jᵀ I(θ(η)) J with
   J = ∂θ/∂η, and the verdict on I(η) = −E[H_η] decided afresh;
4. compile −log p, −s_η and I(η) once with :func:`~symfisher.numeric.compiler.compile_function`; every
   method evaluates them on all n rows at once (NGBoost passes the parameters as an array of shape (k, n)).

The metric is I(η) = E[s_η s_ηᵀ], exactly the Riemannian metric of NGBoost's ``LogScore``. Policy on the
verdict (``Dist.verdict``): an entry of E[s sᵀ] that did not close is taken from the closed −E[H] when the
information equality is not refuted (``Dist.metric_from`` lists such entries); when the equality is only
"inconclusive" this rests on numeric evidence and a :class:`MetricWarning` says so (``Dist.metric_exact`` is
then False). A *refuted* equality (the support depends on θ, E[s] ≠ 0) is refused with
:class:`~symfisher.errors.RegularityError`: boosting the log score along I⁻¹∇ is not justified there. An entry
closed in neither matrix raises :class:`~symfisher.errors.NotSupportedError` (NGBoost's own factory would fall
back to a Monte-Carlo metric; symfisher does not guess).

Bounds: an internal parameter is clipped to ``bounds`` given in θ or, by default, to the range where the
float64 metric agrees with a 50-digit evaluation (``ACCURACY_RTOL``) and, for a transformed parameter, the
information about η_i given the others stays above ``INFORMATION_FLOOR`` per observation. The Student-t with
learned ν needs both: on a nearly normal target the MLE is ν → ∞, where ψ′(ν/2) − ψ′((ν+1)/2) and the other ν
terms cancel catastrophically (the metric loses accuracy beyond ν ≈ e⁸ and turns negative near ν = e¹⁵, and
boosting stops on NaN natural gradients); and long before that the information about log ν given μ and σ
(of order ν⁻²) is so small that the per-row natural gradient in log ν, of size ~I^(−1/2), dwarfs those of μ and σ, and NGBoost's
line search, one step size for all parameters, shrinks until nothing moves. Clipped at ν = e⁴ ≈ 55, where
the law is close to a normal anyway, it trains.

Pickling: the classes are built at run time, so they pickle by their recipe (:class:`DistributionType`,
registered with :mod:`copyreg`): the derivations, transforms, bounds and ``scipy_dist``. Unpickling compiles
the closed forms again without any symbolic work, and in the process that built the class returns that very
class, so a trained ``NGBRegressor(Dist=...)`` survives ``pickle``/``joblib`` with identical predictions.
"""

from __future__ import annotations

import copyreg
import math
import uuid
import warnings
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import sympy as sp

from symfisher.core.note import written_set
from symfisher.errors import BudgetExceeded, ModelError, NotSupportedError, RegularityError

__all__ = ["DistributionType", "InternalParameter", "MetricWarning", "default_transform", "distribution",
           "internal_parameter", "marginal_mle"]

TRANSFORM_SECONDS = 20.0  # hard limit for the symbolic analysis of one transform
ACCURACY_RTOL = 1e-6      # automatic bounds: the float64 metric agrees with a 50-digit evaluation to this
ACCURACY_SPAN = 40.0      # automatic bounds: how far (in η) from the default point the scan goes
INFORMATION_FLOOR = 1e-4  # automatic bounds: least information about a log-parameter η_i given the others
MEAN_SECONDS = 20.0       # hard limit for the closed-form mean E[y] (only without scipy_dist)

_NO_NGBOOST = 'symfisher.ngboost needs NGBoost: pip install "symfisher[ngboost]"'


class MetricWarning(UserWarning):
    """The metric rests on the unproved information equality I = −E[H] (the verdict is inconclusive)."""


@dataclass(frozen=True)
class InternalParameter:
    """One parameter θ seen by NGBoost through η = g(θ).

    Attributes:
        param: The model parameter θ.
        symbol: The internal parameter η (real, unbounded).
        transform: g(θ), the expression of η in θ.
        inverse: θ = g⁻¹(η), the expression of θ in η.
    """

    param: sp.Symbol
    symbol: sp.Symbol
    transform: sp.Expr
    inverse: sp.Expr


# ---------------------------------------------------------------------------------------------- transforms
def default_transform(param: sp.Symbol, domain: sp.Set) -> sp.Expr:
    """The default internal transform g(θ) for a parameter domain: identity on ℝ, log(θ − a) on (a, ∞),
    log(b − θ) on (−∞, b), logit((θ − a)/(b − a)) on (a, b).

    Raises:
        ModelError: A domain that is not an open interval (e.g. integers or a closed end).

    >>> s = sp.Symbol("sigma", positive=True)
    >>> default_transform(s, sp.Interval.open(0, sp.oo))
    log(sigma)
    """
    if domain == sp.S.Reals:
        return param
    if isinstance(domain, sp.Interval) and domain.left_open and domain.right_open:
        a, b = domain.inf, domain.sup
        if a.is_finite and b is sp.oo:
            return sp.log(param - a)
        if a is sp.S.NegativeInfinity and b.is_finite:
            return sp.log(b - param)
        if a.is_finite and b.is_finite:
            u = (param - a) / (b - a)
            return sp.log(u / (1 - u))
    raise ModelError(f"parameter {param} has domain {written_set(domain)}: NGBoost needs a continuous parameter on an "
                     f"open interval, mapped onto ℝ by a transform")


def _candidates(solution: sp.Set) -> list[sp.Expr]:
    """The explicit solutions inside a solveset result (FiniteSet, or one under Intersection/ConditionSet)."""
    if isinstance(solution, sp.FiniteSet):
        return list(solution.args)
    if isinstance(solution, (sp.Intersection, sp.ConditionSet)):
        found = [a for a in solution.args if isinstance(a, sp.FiniteSet)]
        return list(found[0].args) if len(found) == 1 else []
    if isinstance(solution, sp.Union):
        return [c for part in solution.args for c in _candidates(part)]
    return []


_ETA_PROBES = (-2.7, -0.45, 0.0, 0.35, 1.9)


def _analyse(param: sp.Symbol, domain: sp.Set, g: sp.Expr, eta: sp.Symbol) -> tuple[str, Any]:
    """("ok", inverse) or ("error", message); runs in a worker under a hard time limit."""
    from sympy.calculus.util import continuous_domain, function_range

    where = f"transform {sp.sstr(g)} of {param}"
    try:
        solution = sp.solveset(sp.Eq(eta, g), param, domain)
    except (NotImplementedError, ValueError, TypeError):
        solution = None
    valid = []
    for c in _candidates(solution) if solution is not None else []:
        ok = True
        for e in _ETA_PROBES:
            v = complex(sp.N(c.subs(eta, e)))
            inside = abs(v.imag) < 1e-12 and domain.contains(sp.Float(v.real)) is sp.true
            ok = ok and inside and abs(complex(sp.N(g.subs(param, v.real))) - e) < 1e-8 * (1 + abs(e))
        if ok:
            valid.append(c)
    if len(_candidates(solution) if solution is not None else []) > 1 and len(valid) != 1:
        return "error", f"{where} is not invertible on the domain {written_set(domain)} of {param} (g(θ) = η has " \
                        f"several solutions: {sp.sstr(solution)})"
    dg = sp.diff(g, param)
    try:
        zeros = sp.solveset(dg, param, domain)
    except (NotImplementedError, ValueError, TypeError):
        zeros = None
    if isinstance(zeros, sp.FiniteSet) and zeros != sp.S.EmptySet:
        return "error", f"{where} is not invertible with a differentiable inverse on {written_set(domain)}: its " \
                        f"derivative {sp.sstr(dg)} vanishes at {param} = {sp.sstr(zeros.args[0])}"
    try:
        smooth = continuous_domain(dg, param, domain)
    except (NotImplementedError, ValueError, TypeError):
        smooth = None
    if smooth is None or dg.has(sp.sign, sp.Heaviside, sp.DiracDelta, sp.Abs, sp.Piecewise) or smooth != domain:
        gap = "" if smooth is None else f" (its derivative {sp.sstr(dg)} is continuous only on {smooth})"
        return "error", f"{where} is not differentiable on the domain {written_set(domain)} of {param}{gap}"
    if zeros != sp.S.EmptySet:
        return "error", (f"{where}: could not prove that its derivative {sp.sstr(dg)} has no zero on "
                         f"{written_set(domain)}")
    try:
        image = function_range(g, param, domain)
    except (NotImplementedError, ValueError, TypeError):
        image = None
    if image != sp.S.Reals:
        seen = "could not be determined" if image is None else f"is {written_set(image)}"
        return "error", f"{where}: its image {seen}, not all of ℝ; NGBoost's internal parameters take any real " \
                        f"value (use e.g. log for a positive parameter)"
    if len(valid) != 1:
        return "error", f"{where}: no closed-form inverse θ = g⁻¹(η) found (solveset gave {sp.sstr(solution)})"
    return "ok", valid[0]


def internal_parameter(param: sp.Symbol, domain: sp.Set, transform: Any = None, *,
                       seconds: float = TRANSFORM_SECONDS) -> InternalParameter:
    """Check the transform η = g(θ) of one parameter and solve θ = g⁻¹(η).

    g must be differentiable with a derivative that never vanishes on the domain of θ (so it is strictly
    monotone, invertible, with a differentiable inverse) and must map the domain onto all of ℝ.

    Args:
        param: The parameter θ.
        domain: Its domain.
        transform: A SymPy function (``sympy.log``), a callable θ ↦ g(θ), or an expression in θ;
            ``None``: :func:`default_transform`.
        seconds: Hard time limit of the symbolic analysis.

    Raises:
        ModelError: Not invertible, not differentiable, an image other than ℝ, or no closed-form inverse;
            one line naming the transform and the parameter.

    >>> s = sp.Symbol("sigma", positive=True)
    >>> internal_parameter(s, sp.Interval.open(0, sp.oo), sp.log).inverse
    exp(log_sigma)
    """
    from symfisher.core.deadline import run_with_deadline

    if transform is None:
        g = default_transform(param, domain)
    elif isinstance(transform, str):
        raise ModelError(f"the transform of {param} must be a SymPy function or expression, not the string "
                         f"{transform!r} (strings are not evaluated)")
    elif isinstance(transform, sp.Basic):
        g = transform
    elif callable(transform):
        try:
            g = transform(param)
        except (TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"the transform {transform!r} of {param} failed on the symbol {param}: {exc}") from None
    else:
        raise ModelError(f"the transform of {param} must be a SymPy function or expression, got "
                         f"{type(transform).__name__} {transform!r}")
    try:
        g = sp.sympify(g, strict=True)
    except (sp.SympifyError, TypeError):
        raise ModelError(f"the transform of {param} gave {g!r}, not a SymPy expression") from None
    if not isinstance(g, sp.Expr) or g.free_symbols != {param}:
        raise ModelError(f"the transform of {param} must be an expression in {param} alone, got {sp.sstr(g)}")
    fn = g.func if isinstance(g, sp.Function) and g.args == (param,) else None
    label = f"{fn.__name__}_{param.name}" if fn is not None and fn.__name__.isidentifier() else f"eta_{param.name}"
    if g == param:
        return InternalParameter(param, param, g, param) if domain == sp.S.Reals else _raise(
            ModelError(f"parameter {param} has domain {written_set(domain)}, but NGBoost's internal parameters take "
                       f"any real value: give it a transform onto ℝ (e.g. internal={{{param}: sympy.log}})"))
    eta = sp.Symbol(label, real=True)
    try:
        status, value = run_with_deadline(_analyse, (param, domain, g, eta), seconds)
    except BudgetExceeded:
        raise ModelError(f"transform {sp.sstr(g)} of {param}: the symbolic analysis (inverse, derivative, image) "
                         f"did not finish in {seconds:g} s") from None
    if status == "error":
        raise ModelError(value)
    return InternalParameter(param, eta, g, value)


def _raise(exc: Exception) -> Any:
    raise exc


# ---------------------------------------------------------------------------------------------- derivation
def _source(model_or_derivation: Any, timeout: float):
    """(the derivation in the user parameters, the model), from a Model, Derivation, catalog Family or name."""
    from symfisher.catalog import FAMILIES, Family
    from symfisher.cache import derive_cached
    from symfisher.core.derivation import Derivation
    from symfisher.core.model import Model

    obj = model_or_derivation
    if isinstance(obj, str):
        if obj not in FAMILIES:
            raise ModelError(f"unknown catalog family {obj!r} (see `symfisher list`)")
        obj = FAMILIES[obj]
    if isinstance(obj, Family):
        obj = obj.model()
    if isinstance(obj, Model):
        _check_model(obj)
        obj = derive_cached(obj, timeout=timeout)
    if not isinstance(obj, Derivation):
        raise ModelError(f"distribution needs a symfisher Model, Derivation, catalog Family or family name, got "
                         f"{type(model_or_derivation).__name__}")
    _check_model(obj.model)
    return obj


def _check_model(model: Any) -> None:
    if model.given:
        raise ModelError(f"model {model.name}: has covariates {', '.join(map(str, model.given))}; an NGBoost "
                         f"distribution is the conditional law of y, its features are NGBoost's X (drop the covariates)")
    if len(model.data) != 1:
        raise NotSupportedError(f"model {model.name}: NGBoost regression needs one data symbol, got "
                                f"{len(model.data)} ({', '.join(map(str, model.data))})")
    if model.n_obs != 1:
        raise ModelError(f"model {model.name}: is a sample of {model.n_obs} observations; pass the model of one "
                         f"observation")


def _constants(model: Any, constants: Mapping | None) -> dict[sp.Symbol, float]:
    given = dict(constants or {})
    names = {str(c): c for c in model.constants}
    out: dict[sp.Symbol, float] = {}
    for key, value in given.items():
        sym = names.get(str(key))
        if sym is None:
            raise ModelError(f"model {model.name}: {key} is not a free constant of the model (constants: "
                             f"{', '.join(names) or 'none'})")
        try:
            out[sym] = float(value)
        except (TypeError, ValueError):
            raise ModelError(f"model {model.name}: constant {key} must be a real number, got {value!r}") from None
        if not math.isfinite(out[sym]):
            raise ModelError(f"model {model.name}: constant {key} must be finite, got {value!r}")
    missing = [c for c in model.constants if c not in out]
    if missing:
        raise ModelError(f"model {model.name}: the free constant {missing[0]} needs a value, e.g. "
                         f"constants={{'{missing[0]}': 5}}")
    return out


def _internal(model: Any, internal: Mapping | None) -> list[InternalParameter]:
    by_name = {p.name: p for p in model.params}
    chosen: dict[sp.Symbol, Any] = {}
    if internal is not None and not isinstance(internal, Mapping):
        raise ModelError(f"model {model.name}: internal must be a dict {{parameter: transform}}, got "
                         f"{type(internal).__name__}")
    for key, transform in (internal or {}).items():
        p = key if isinstance(key, sp.Symbol) and key in model.params else by_name.get(str(key))
        if p is None:
            raise ModelError(f"model {model.name}: {key} is not a parameter (parameters: {', '.join(by_name)})")
        chosen[p] = transform
    domains = model.domain_map
    return [internal_parameter(p, domains[p], chosen.get(p)) for p in model.params]


def _metric(d: Any, source: Any, params: list[InternalParameter],
            name: str) -> tuple[sp.ImmutableMatrix, tuple[tuple[int, int], ...], bool]:
    """(the metric I(η), the entries taken from −E[H], whether it is exact); see the module docstring.

    An entry of I(η) = Jᵀ I(θ) J (J = ∂θ/∂η, diagonal: one transform per parameter) that did not close is
    J_ii (−E[H_θ])_ij J_jj from the derivation in θ: the reparametrized −E[H_η] also carries the term
    Σ E[s_θ] ∂²θ/∂η², which is zero for a regular model but may be an unevaluated integral.
    """
    statuses = {d.equality.status, source.equality.status}
    if "refuted" in statuses:
        v = d.equality if d.equality.status == "refuted" else source.equality
        raise RegularityError(f"distribution {name}: the information equality is refuted ({v.reason}); "
                              f"natural-gradient boosting of the log score needs a regular model")
    F, N = d.fisher, source.neg_expected_hessian
    k = F.shape[0]
    to_eta = {ip.param: ip.inverse for ip in params}
    J = [sp.diff(ip.inverse, ip.symbol) for ip in params]

    def open_(e: sp.Expr) -> bool:
        return e.has(sp.Integral, sp.Sum) or any(a in (sp.nan, sp.zoo) or a.is_infinite for a in e.atoms())

    swapped = []
    entries = {}
    for i in range(k):
        for j in range(i, k):
            if not open_(F[i, j]):
                entries[i, j] = F[i, j]
            elif not open_(N[i, j]):
                entries[i, j] = J[i] * N[i, j].xreplace(to_eta) * J[j]
                swapped.append((i, j))
            else:
                p = d.params
                raise NotSupportedError(f"distribution {name}: the Fisher information entry ({p[i]}, {p[j]}) has no "
                                        f"closed form, neither as E[s sᵀ] nor as −E[H]")
    exact = not swapped or "proved" in statuses
    if not exact:
        where = ", ".join(f"({d.params[i]}, {d.params[j]})" for i, j in swapped)
        warnings.warn(f"distribution {name}: metric entries {where} are −E[H] in place of E[s sᵀ], which did not "
                      f"close; the equality I = −E[H] is inconclusive ({source.equality.reason})", MetricWarning,
                      stacklevel=3)
    M = sp.ImmutableMatrix(k, k, lambda i, j: entries[min(i, j), max(i, j)])
    return M, tuple(swapped), exact


def _closed_mean(model: Any, seconds: float) -> sp.Expr | None:
    """E[y] in the user parameters, by the expectation engine (None when it does not close in time)."""
    from symfisher.core.deadline import run_with_deadline

    try:
        value = run_with_deadline(_mean_worker, (model, seconds), seconds + 2)
    except BudgetExceeded:
        return None
    return value


def _mean_worker(model: Any, seconds: float) -> sp.Expr | None:
    from symfisher.config import Config
    from symfisher.core.deadline import Budget
    from symfisher.core.expectation.base import Context
    from symfisher.core.expectation.engine import Engine

    ctx = Context.of(model)
    engine = Engine(ctx, Budget.of(seconds), Config.defaults().merge(timeout=seconds, entry_timeout=seconds))
    r = engine.expect(ctx.data[0])
    if not r.closed or r.value.has(sp.Integral, sp.Sum):
        return None
    return sp.simplify(r.value.xreplace(ctx.to_user))


# ---------------------------------------------------------------------------------------------- bounds
def _given_bounds(model: Any, params: list[InternalParameter], bounds: Mapping | None) -> dict[int, tuple]:
    """{parameter index: (low, high) in η} for the parameters listed in ``bounds`` ({θ: (low, high)} in θ)."""
    if bounds is None:
        return {}
    if not isinstance(bounds, Mapping):
        raise ModelError(f"model {model.name}: bounds must be a dict {{parameter: (low, high)}}, got "
                         f"{type(bounds).__name__}")
    by_name = {ip.param.name: i for i, ip in enumerate(params)}
    out: dict[int, tuple[float, float]] = {}
    for key, pair in bounds.items():
        i = by_name.get(key.name if isinstance(key, sp.Symbol) else str(key))
        if i is None:
            raise ModelError(f"model {model.name}: {key} is not a parameter (parameters: {', '.join(by_name)})")
        ip = params[i]
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise ModelError(f"model {model.name}: the bounds of {ip.param} must be a pair (low, high), None for an "
                             f"open end, got {pair!r}")
        domain = model.domain_map[ip.param]
        eta = []
        for v in pair:
            if v is None:
                eta.append(None)
                continue
            try:
                x = float(v)
            except (TypeError, ValueError):
                raise ModelError(f"model {model.name}: a bound of {ip.param} must be a real number or None, got "
                                 f"{v!r}") from None
            if not math.isfinite(x) or domain.contains(sp.Float(x)) is not sp.true:
                raise ModelError(f"model {model.name}: the bound {v!r} of {ip.param} is not inside its domain "
                                 f"{written_set(domain)}")
            eta.append(float(ip.transform.subs(ip.param, sp.Float(x))))
        if pair[0] is not None and pair[1] is not None and not float(pair[0]) < float(pair[1]):
            raise ModelError(f"model {model.name}: the bounds of {ip.param} must satisfy low < high, got {tuple(pair)}")
        # g is strictly monotone: a decreasing g swaps the ends
        increasing = eta[0] is None or eta[1] is None or eta[0] < eta[1]
        if eta[0] is not None and eta[1] is None:
            increasing = float(sp.diff(ip.transform, ip.param).subs(ip.param, sp.Float(float(pair[0])))) > 0
        elif eta[1] is not None and eta[0] is None:
            increasing = float(sp.diff(ip.transform, ip.param).subs(ip.param, sp.Float(float(pair[1])))) > 0
        lo, hi = (eta[0], eta[1]) if increasing else (eta[1], eta[0])
        out[i] = (-math.inf if lo is None else lo, math.inf if hi is None else hi)
    return out


def _accurate_bounds(kernels: _Kernels, metric_expr: sp.ImmutableMatrix, etas: list[sp.Symbol],
                     consts: Mapping[sp.Symbol, float], reference: np.ndarray, skip: set[int],
                     dimensionless: list[bool]) -> dict[int, tuple[float, float]]:
    """{parameter index: (low, high)}: where the float64 metric stays accurate, per internal parameter.

    Each η_i not in ``skip`` walks from the reference point in steps of 1 (the others held there), up to
    ``ACCURACY_SPAN``; a step fails when the float64 metric differs from the 50-digit mpmath evaluation of the
    same closed form by more than ``ACCURACY_RTOL``·√(I_ii I_jj) in some entry, or is not positive definite, or
    (``dimensionless[i]``: a log or logit η) when I_ii − I_i,r I_rr⁻¹ I_r,i, the information about η_i given the
    others, falls below ``INFORMATION_FLOOR``. The bound is the last point that passed; no failure up to the
    span, no bound.
    """
    import mpmath

    sub = {c: sp.Float(v) for c, v in consts.items()}
    exact = sp.lambdify(etas, metric_expr.xreplace(sub), modules="mpmath")
    k = len(etas)

    def accurate(eta: np.ndarray) -> bool:
        with np.errstate(all="ignore"):
            fast = np.asarray(kernels.metric(*kernels.point(eta[:, None])[0]), dtype=float).reshape(k, k)
        try:
            with mpmath.workdps(50):
                ref = np.array(exact(*(mpmath.mpf(float(v)) for v in eta)).tolist(), dtype=float).reshape(k, k)
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            return False
        diag = np.diag(ref)
        if not (np.all(np.isfinite(fast)) and np.all(np.isfinite(ref)) and np.all(diag > 0)):
            return False
        if np.any(np.abs(fast - ref) > ACCURACY_RTOL * np.sqrt(np.outer(diag, diag))):
            return False
        try:
            np.linalg.cholesky(fast)
        except np.linalg.LinAlgError:
            return False
        return True

    def informative(eta: np.ndarray, i: int) -> bool:
        # the information about η_i given the others (Schur complement), per observation
        with np.errstate(all="ignore"):
            M = np.asarray(kernels.metric(*kernels.point(eta[:, None])[0]), dtype=float).reshape(k, k)
        rest = [j for j in range(k) if j != i]
        if not rest:
            return bool(M[i, i] >= INFORMATION_FLOOR)
        try:
            schur = M[i, i] - M[i, rest] @ np.linalg.solve(M[np.ix_(rest, rest)], M[rest, i])
        except np.linalg.LinAlgError:
            return False
        return bool(schur >= INFORMATION_FLOOR)

    out: dict[int, tuple[float, float]] = {}
    # the floor is in units of η_i⁻²: it applies to transformed parameters (log, logit: η is dimensionless)
    floor = list(dimensionless)
    if not accurate(reference):
        return out
    for i in range(k):
        if i in skip:
            continue
        ends = []
        for direction in (-1.0, 1.0):
            end, last = math.inf * direction, float(reference[i])
            for step in range(1, int(ACCURACY_SPAN) + 1):
                eta = reference.copy()
                eta[i] = reference[i] + direction * step
                if not (accurate(eta) and (not floor[i] or informative(eta, i))):
                    end = last
                    break
                last = float(eta[i])
            ends.append(end)
        if math.isfinite(ends[0]) or math.isfinite(ends[1]):
            out[i] = (ends[0], ends[1])
    return out


# ---------------------------------------------------------------------------------------------- the class
@dataclass(frozen=True, eq=False)
class _Recipe:
    """Everything a distribution class is compiled from; pickled in place of the class (see :func:`_rebuild`)."""

    label: str
    source: Any                                # the derivation in θ
    derivation: Any                            # the derivation in η
    internal: tuple[InternalParameter, ...]
    metric: sp.ImmutableMatrix                 # I(η)
    metric_from: tuple[tuple[int, int], ...]
    metric_exact: bool
    constants: tuple[tuple[sp.Symbol, float], ...]
    scipy_dist: Callable | None
    start: tuple[float, ...]                   # the default θ for fit's search
    lower: tuple[float, ...]                   # η bounds, ±inf when open
    upper: tuple[float, ...]
    token: str                                 # identifies the class within a process


class _Kernels:
    """−log p, −s_η, I(η) and the maps θ ↔ η of one recipe, compiled once (numeric layer)."""

    def __init__(self, d: Any, params: tuple[InternalParameter, ...], metric_expr: sp.ImmutableMatrix,
                 consts: Mapping[sp.Symbol, float]) -> None:
        from symfisher.core.expectation.base import expanded_logpdf
        from symfisher.numeric.compiler import compile_function

        model = d.model
        y = model.data[0]
        sub = {c: sp.Float(v) for c, v in consts.items()}
        etas = [ip.symbol for ip in params]
        theta = [ip.param for ip in params]
        back = {ip.inverse: ip.param for ip in params if ip.symbol != ip.param}

        def in_user(e: sp.Expr) -> sp.Expr:
            # θ(η) back to θ where it appears whole (e^{-2τ} → σ⁻² for σ = e^τ): the kernels take both η and θ =
            # g⁻¹(η), computed once per instance, so each row evaluates e^τ once, as hand-written NGBoost code does
            return e.xreplace(sub).subs(back) if back else e.xreplace(sub)

        args = [y, *etas, *(p for p in theta if p not in etas)]
        # d_score without common-subexpression elimination: for the normal it then computes (μ − y)/σ² and
        # 1 − (μ − y)²/σ² with the very operations of NGBoost's Normal (bit-identical natural gradients, hence the
        # same trees: a one-ulp change of the gradient can flip a near-tied split)
        self.nll = compile_function(args, in_user(-expanded_logpdf(model)), name="nll")
        self.grad = compile_function(args, [in_user(-s) for s in d.score], name="d_score", cse=False)
        self.metric = compile_function(args[1:], metric_expr.applyfunc(in_user), name="metric")
        self.to_user = compile_function(etas, [ip.inverse for ip in params], name="to_user")
        self.to_internal = compile_function(theta, [ip.transform for ip in params], name="to_internal")
        self.extra = [i for i, p in enumerate(theta) if p not in etas]  # θ arguments beyond η

    def point(self, eta: Any) -> tuple[tuple, list]:
        """(the kernel arguments after y: η then the θ not in η, θ) for internal parameters η (k rows)."""
        user = self.to_user(*eta)
        return (*eta, *(user[i] for i in self.extra)), user


class DistributionType(type):
    """The metaclass of the classes :func:`distribution` builds (and of their ``LogScore``): such a class pickles as
    its recipe (the derivations, transforms, bounds and ``scipy_dist``) and unpickles by compiling it again,
    without symbolic work (:func:`_rebuild`); in the process that built it, unpickling returns the very class.
    A further subclass (NGBoost's ``Manifold``, or one of the user's) pickles by name, like any class."""


_BUILT: weakref.WeakValueDictionary[str, type] = weakref.WeakValueDictionary()


def _rebuild(recipe: _Recipe) -> type:
    """The distribution class of a recipe: the one already built in this process, else compiled anew."""
    cls = _BUILT.get(recipe.token)
    return cls if cls is not None else _make_class(recipe, _Kernels(recipe.derivation, recipe.internal, recipe.metric,
                                                                    dict(recipe.constants)))


def _score_of(recipe: _Recipe) -> type:
    """The ``LogScore`` class of a recipe's distribution class."""
    return _rebuild(recipe).scores[0]


def _reduce_class(cls: type) -> tuple | str:
    role = cls.__dict__.get("_role")
    if role is None:
        return cls.__qualname__
    recipe: _Recipe = cls.__dict__["_recipe"]
    fn = recipe.scipy_dist
    local = getattr(fn, "__qualname__", "")
    if fn is not None and ("<lambda>" in local or "<locals>" in local):
        raise NotSupportedError(f"distribution {recipe.label}: cannot pickle its scipy_dist {local} (a lambda or "
                                f"local function); pass a module-level function or functools.partial")
    return (_rebuild if role == "distribution" else _score_of), (recipe,)


copyreg.pickle(DistributionType, _reduce_class)


def distribution(model_or_derivation: Any, internal: Mapping | None = None, scipy_dist: Callable | None = None,
                 name: str | None = None, *, constants: Mapping | None = None, bounds: Mapping | None = None,
                 timeout: float = 120.0) -> type:
    """An NGBoost distribution class (for ``NGBRegressor(Dist=...)``) from symfisher's closed forms.

    With θ the model parameters and η = g(θ) NGBoost's internal parameters, the class computes per row
    ``score`` = −log p(y | θ(η)), ``d_score`` = −s_η = −Jᵀ s_θ and ``metric`` = I(η) = Jᵀ I(θ(η)) J
    (J = ∂θ/∂η), all from one compiled function each and vectorized over the rows.

    Bounds: each η is clipped to a box [lo, hi] before θ = g⁻¹(η) is computed, so the class is the distribution
    at the clipped point, and ``d_score`` is the gradient of that clipped score (0 in a coordinate where η lies
    beyond its bound). ``bounds`` sets the box in θ; a parameter not listed gets the range where the float64
    metric is accurate and the parameter identified: η walks from fit's default point in steps of 1 up to
    ±``ACCURACY_SPAN`` and stops before the first point where the metric differs from a 50-digit evaluation by
    more than ``ACCURACY_RTOL``·√(I_ii I_jj), is not positive definite, or (log and logit η) gives less than
    ``INFORMATION_FLOOR`` information about η_i given the others (e.g. the Student-t's degrees of freedom
    ν ≤ e⁴: see the module docstring). Most families need no bound (``Dist.bounds`` is then empty).

    Args:
        model_or_derivation: A :class:`~symfisher.core.model.Model` (derived here, through the derivation cache
            :func:`symfisher.cache.derive_cached`), a :class:`~symfisher.core.derivation.Derivation`, a
            catalog ``Family`` or a catalog name (``"weibull"``). One data symbol, no covariates.
        internal: ``{parameter (symbol or name): transform}``, the transform a SymPy function
            (``sympy.log``), a callable or an expression in the parameter, e.g. ``{sigma: sympy.log}``: the
            internal parameter is log σ. Parameters not listed get :func:`default_transform` (identity on ℝ,
            log on (0, ∞), logit on (0, 1)).
        scipy_dist: Optional callable θ ↦ a frozen SciPy distribution, called with the user parameter
            values positionally in the model's order (arrays of n rows), e.g.
            ``lambda mu, sigma: scipy.stats.norm(mu, sigma)``. It gives ``sample``, ``mean`` and every
            other method of the frozen distribution (``cdf``, ``ppf``, ``interval`` …) by delegation. To pickle
            the class (or a trained ``NGBRegressor``), pass a module-level function or ``functools.partial``.
        name: Class name (default: from the model name).
        constants: Values of the model's free constants (e.g. a known ν of the catalog Student-t).
        bounds: ``{parameter: (low, high)}`` in the user parameters, ``None`` for an open end, e.g.
            ``{nu: (None, 1000)}``; ``(None, None)`` turns the automatic bound off.
        timeout: Hard limit in seconds for deriving a Model and for the verdict after reparametrizing.

    Returns:
        A subclass of ``ngboost.distns.RegressionDistn`` with ``n_params``, ``scores`` (one ``LogScore``),
        ``fit`` (initial parameters: the MLE of the marginal y inside the bounds, Fisher scoring in η,
        :func:`marginal_mle`), ``sample``, ``mean`` (SciPy's, else the closed form E[y] from the expectation
        engine), ``params`` (a dict parameter name → values), and the class attributes ``derivation`` (in η),
        ``source_derivation`` (in θ), ``verdict`` (on I(η) = −E[H_η]), ``internal`` (the
        :class:`InternalParameter` tuple), ``metric_from`` (entries taken from −E[H]), ``metric_exact`` and
        ``bounds`` (parameter name → (low, high) in θ, for the bounded parameters). The class and its instances
        pickle (see :class:`DistributionType`).

    Raises:
        ModelError: Covariates, an unknown parameter, a transform that is not invertible, not
            differentiable or not onto ℝ, a missing constant, a bound outside the domain.
        RegularityError: The information equality is refuted (irregular model).
        NotSupportedError: Multivariate data, or a metric entry closed neither as E[s sᵀ] nor as −E[H].

    Warns:
        MetricWarning: Some metric entries rest on the information equality, which is only inconclusive.

    >>> import pickle, sympy as sp
    >>> from symfisher import Model
    >>> x, lam = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True)
    >>> Exp = distribution(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> Exp.n_params, Exp.verdict.status, Exp.derivation.fisher, Exp.bounds
    (1, 'proved', Matrix([[1]]), {})
    >>> Exp(np.array([[0.0, np.log(2.0)]])).params["lambda"].tolist()
    [1.0, 2.0]
    >>> pickle.loads(pickle.dumps(Exp)) is Exp
    True
    """
    try:
        import ngboost.distns.distn  # noqa: F401
    except ImportError:  # pragma: no cover - the extra is installed in CI
        raise NotSupportedError(_NO_NGBOOST) from None
    from symfisher.numeric.sample import SampleModel

    source = _source(model_or_derivation, timeout)
    model = source.model
    consts = _constants(model, constants)
    label = name if name is not None else _class_name(model.name)
    if not isinstance(label, str) or not label.isidentifier():
        raise ModelError(f"distribution name must be a Python identifier, got {label!r}")
    params = _internal(model, internal)
    given = _given_bounds(model, params, bounds)
    mapping = {ip.param: ip.inverse for ip in params if ip.symbol != ip.param}
    etas = [ip.symbol for ip in params]
    d = source.reparametrize(mapping, etas, timeout=timeout) if mapping else source
    metric_expr, swapped, exact = _metric(d, source, params, label)
    kernels = _Kernels(d, tuple(params), metric_expr, consts)
    start = tuple(float(v) for v in SampleModel.of(model, consts or None).default_start())
    with np.errstate(all="ignore"):
        reference = np.array([float(v) for v in kernels.to_internal(*start)])
    found = _accurate_bounds(kernels, metric_expr, etas, consts, reference, set(given),
                             [ip.symbol != ip.param for ip in params])
    box = {**found, **given}
    recipe = _Recipe(label=label, source=source, derivation=d, internal=tuple(params), metric=metric_expr,
                     metric_from=swapped, metric_exact=exact, constants=tuple(consts.items()), scipy_dist=scipy_dist,
                     start=start, lower=tuple(box.get(i, (-math.inf, math.inf))[0] for i in range(len(params))),
                     upper=tuple(box.get(i, (-math.inf, math.inf))[1] for i in range(len(params))),
                     token=uuid.uuid4().hex)
    return _make_class(recipe, kernels)


def _make_class(recipe: _Recipe, kernels: _Kernels) -> type:
    """The NGBoost class of a recipe, with its compiled kernels (no symbolic work: also the unpickling path)."""
    from ngboost.distns.distn import RegressionDistn
    from ngboost.scores import LogScore

    label, d, params, scipy_dist = recipe.label, recipe.derivation, recipe.internal, recipe.scipy_dist
    model = recipe.source.model
    consts = dict(recipe.constants)
    nll, grad, metric, point = kernels.nll, kernels.grad, kernels.metric, kernels.point
    y = model.data[0]
    names = tuple(p.name for p in model.params)
    k = len(params)
    lower, upper = np.array(recipe.lower), np.array(recipe.upper)
    bounded = bool(np.any(np.isfinite(lower)) or np.any(np.isfinite(upper)))
    mean_state: dict[str, Any] = {}

    def closed_mean() -> Callable:
        if "fn" not in mean_state:
            from symfisher.numeric.compiler import compile_function

            value = _closed_mean(model, MEAN_SECONDS)
            if value is None:
                raise NotSupportedError(f"distribution {label}: E[{y}] has no closed form; pass scipy_dist for mean()")
            sub = {c: sp.Float(v) for c, v in consts.items()}
            mean_state["fn"] = compile_function(list(model.params), value.xreplace(sub), name="mean")
        return mean_state["fn"]

    def column(bound: np.ndarray, like: np.ndarray) -> np.ndarray:
        return bound.reshape((k,) + (1,) * (like.ndim - 1))

    def project(D: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """The gradient (rows × k) of the clipped score: 0 in a coordinate where η lies beyond its bound."""
        E = np.moveaxis(eta, 0, -1)
        out = (E > upper) | (E < lower)
        return np.where(out, 0.0, D) if np.any(out) else D

    class Score(LogScore, metaclass=DistributionType):
        """The log score −log p(y | η) with its η-gradient and the Fisher metric I(η), from symfisher."""

        _recipe, _role = recipe, "score"

        def score(self, Y: Any) -> np.ndarray:
            with np.errstate(all="ignore"):
                return nll(np.asarray(Y, dtype=float), *self._args)

        def d_score(self, Y: Any) -> np.ndarray:
            with np.errstate(all="ignore"):
                D = np.stack(grad(np.asarray(Y, dtype=float), *self._args), axis=-1)
            return project(D, self._params) if bounded else D

        def metric(self) -> np.ndarray:
            with np.errstate(all="ignore"):
                return metric(*self._args)

    Score.__name__ = Score.__qualname__ = f"{label}LogScore"

    def __init__(self: Any, params: Any) -> None:
        self._params = np.asarray(params, dtype=float)
        if self._params.ndim not in (1, 2) or self._params.shape[0] != k:
            raise ModelError(f"distribution {label}: parameters must have shape ({k}, n), got {self._params.shape}")
        eta = self._params
        if bounded:
            eta = np.clip(eta, column(lower, eta), column(upper, eta))
        with np.errstate(all="ignore"):
            self._args, self._user = point(eta)

    def fit(Y: Any) -> np.ndarray:
        y_arr = np.asarray(Y, dtype=float).ravel()
        with np.errstate(all="ignore"):
            eta0 = np.clip(np.array([float(v) for v in kernels.to_internal(*recipe.start)]), lower, upper)
        return marginal_mle(y_arr, eta0, lambda y_, *e: nll(y_, *point(e)[0]), lambda y_, *e: grad(y_, *point(e)[0]),
                            lambda *e: metric(*point(e)[0]), label, lower=lower if bounded else None,
                            upper=upper if bounded else None)

    def frozen(self: Any) -> Any:
        if scipy_dist is None:
            raise NotSupportedError(f"distribution {label}: sampling and SciPy methods need scipy_dist")
        cached = self.__dict__.get("_frozen")
        if cached is None:
            cached = self.__dict__["_frozen"] = scipy_dist(*self._user)
        return cached

    def sample(self: Any, m: int) -> np.ndarray:
        return np.asarray(frozen(self).rvs(size=(int(m), self._params.shape[1])), dtype=float)

    def mean(self: Any) -> np.ndarray:
        if scipy_dist is not None:
            return np.asarray(frozen(self).mean(), dtype=float)
        with np.errstate(all="ignore"):
            return np.broadcast_to(closed_mean()(*self._user), self._params.shape[1:]).astype(float)

    def __getattr__(self: Any, attr: str) -> Any:
        if attr.startswith("_") or scipy_dist is None:
            raise AttributeError(attr)
        return getattr(frozen(self), attr)

    def params_(self: Any) -> dict[str, np.ndarray]:
        return dict(zip(names, self._user))

    def to_user(i: int, e: float) -> float | None:
        if not math.isfinite(e):
            return None
        return float(params[i].inverse.subs(params[i].symbol, sp.Float(e))) if params[i].symbol != params[i].param \
            else e

    shown = {}
    for i, ip in enumerate(params):
        if math.isfinite(lower[i]) or math.isfinite(upper[i]):
            a, b = to_user(i, float(lower[i])), to_user(i, float(upper[i]))
            shown[ip.param.name] = (a, b) if a is None or b is None or a < b else (b, a)
    doc = (f"NGBoost distribution {model.name} from symfisher: θ = ({', '.join(names)}), internal η = "
           f"({', '.join(sp.sstr(ip.transform) for ip in params)}); metric I(η) = "
           f"{sp.sstr(recipe.metric.tolist())}; verdict {d.equality.status}"
           + (f"; bounds {shown}" if shown else "") + ".")
    attrs = {
        "__doc__": doc, "__module__": __name__, "n_params": k, "scores": [Score], "__init__": __init__,
        "fit": staticmethod(fit), "sample": sample, "mean": mean, "__getattr__": __getattr__,
        "params": property(params_), "derivation": d, "source_derivation": recipe.source, "verdict": d.equality,
        "internal": tuple(params), "metric_from": recipe.metric_from, "metric_exact": recipe.metric_exact,
        "constants": {str(c): v for c, v in consts.items()}, "bounds": shown, "_recipe": recipe,
        "_role": "distribution",
    }
    cls = DistributionType(label, (RegressionDistn,), attrs)
    _BUILT[recipe.token] = cls
    return cls


def marginal_mle(y: np.ndarray, eta0: np.ndarray, nll: Callable, grad: Callable, metric: Callable, label: str, *,
                 lower: np.ndarray | None = None, upper: np.ndarray | None = None, tol: float = 1e-13,
                 max_iter: int = 500) -> np.ndarray:
    """The MLE of η on the marginal sample y: Fisher scoring η ← η − I(η)⁻¹ mean(∇η(−log p)) with step halving.

    The same iteration as :func:`symfisher.uses.mle` (there in θ), here in the unbounded internal parameters
    with the compiled closed forms; BFGS on the mean log score when scoring does not converge. With ``lower``
    and ``upper`` the search stays in that box: projected scoring (a coordinate at a bound whose gradient
    points out is held there), L-BFGS-B as the fallback.

    Raises:
        ModelError: Empty or non-finite y, or no finite log score at the start and after optimization.
    """
    if y.size == 0 or not np.all(np.isfinite(y)):
        raise ModelError(f"distribution {label}: fit needs a non-empty array of finite targets")
    k = eta0.size
    lo = np.full(k, -np.inf) if lower is None else np.asarray(lower, dtype=float)
    hi = np.full(k, np.inf) if upper is None else np.asarray(upper, dtype=float)

    def loss(eta: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            v = float(np.mean(nll(y, *eta)))
        return v if math.isfinite(v) else math.inf

    def gradient(eta: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.array([np.mean(g) for g in grad(y, *eta)])

    # a coarse multi-start (the default point can be far off the data's scale), then scoring with Armijo
    # backtracking: accept η − t·step when the mean log score falls by at least 10⁻⁴·t·gᵀI⁻¹g
    import itertools

    offsets = itertools.product((-6.0, -3.0, 0.0, 3.0, 6.0), repeat=k) if k <= 3 else [np.zeros(k)]
    eta = min((np.clip(eta0 + np.asarray(o), lo, hi) for o in offsets), key=loss)
    current = loss(eta)
    converged = False
    for _ in range(max_iter):
        g = gradient(eta)
        free = ~((eta >= hi) & (g < 0) | (eta <= lo) & (g > 0))  # coordinates not held at a bound
        with np.errstate(all="ignore"):
            F = np.asarray(metric(*eta), dtype=float).reshape(k, k)
        step = np.zeros(k)
        try:
            step[free] = np.linalg.solve(F[np.ix_(free, free)], g[free])
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)) or not np.any(free):
            converged = not np.any(free)
            break
        slope = float(g @ step)
        t = 1.0
        while t > 1e-12:
            trial = np.clip(eta - t * step, lo, hi)
            value = loss(trial)
            if value <= current - 1e-4 * t * max(slope, 0.0):
                break
            t /= 2
        else:
            break
        moved = np.max(np.abs(trial - eta))
        eta, current = trial, value
        if moved <= tol * (1 + np.max(np.abs(eta))):
            converged = True
            break
    if not converged:
        from scipy.optimize import minimize

        box = None if lower is None and upper is None else [
            (None if not math.isfinite(a) else a, None if not math.isfinite(b) else b) for a, b in zip(lo, hi)]
        r = minimize(loss, eta, jac=gradient, method="BFGS" if box is None else "L-BFGS-B", bounds=box)
        if math.isfinite(r.fun) and r.fun <= current:
            eta, current = np.clip(r.x, lo, hi), r.fun
    if not math.isfinite(current):
        raise ModelError(f"distribution {label}: fit found no parameters with a finite log score on the targets "
                         f"(are they inside the support?)")
    return eta


def _class_name(model_name: str) -> str:
    parts = [p for p in "".join(c if c.isalnum() else " " for c in model_name).split() if p]
    out = "".join(p[:1].upper() + p[1:] for p in parts) or "Symfisher"
    return out if out.isidentifier() else f"Dist{out}"
