"""Reparametrization: θ = θ(η) and the information in the new parameters, I_η = Jᵀ I_θ J.

With J = ∂θ/∂η (k_old × k_new), the chain rule gives the score s_η = Jᵀ s_θ, the Hessian
H_η = Jᵀ H_θ J + Σ_i s_{θ,i} ∂²θ_i/∂η∂ηᵀ, and, taking expectations (E[s_θ] = 0 for a regular model),
the Fisher information transforms as a covariant 2-tensor: I(η) = Jᵀ I(θ(η)) J. Two routes give the same
matrix: re-deriving the substituted model (:func:`reparametrize_model`) or transforming an existing
derivation (:func:`reparametrize_derivation`); the tests check they agree.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Mapping, Sequence

import sympy as sp

from symfisher.core.display import readable_logpdf
from symfisher.core.points import domain_of, parameter_points
from symfisher.core.deadline import run_with_deadline
from symfisher.core.note import Note, eq, listed, written_set
from symfisher.config import Config
from symfisher.errors import BudgetExceeded, ModelError

if TYPE_CHECKING:
    from symfisher.core.derivation import Derivation
    from symfisher.core.model import Model

__all__ = ["jacobian", "reparametrize_derivation", "reparametrize_model"]

SIMPLIFY_SECONDS = 3.0


def _check(model: Model, mapping: Mapping, new_params: Sequence[sp.Symbol],
           domain: Mapping | None) -> tuple[dict, tuple[sp.Symbol, ...]]:
    from symfisher.core.model import symbol_tuple

    if not isinstance(mapping, Mapping) or not mapping:
        raise ModelError(f"model {model.name}: reparametrize needs a non-empty dict {{old parameter: expression}}, "
                         f"got {mapping!r}")
    try:
        new = symbol_tuple(new_params, "new_params")
    except ModelError as exc:
        raise ModelError(f"model {model.name}: {exc}") from None
    if not new:
        raise ModelError(f"model {model.name}: reparametrize needs at least one new parameter")
    sub: dict[sp.Symbol, sp.Expr] = {}
    for old, expr in mapping.items():
        if old not in model.params:
            raise ModelError(f"model {model.name}: {old} is not a parameter (parameters: "
                             f"{', '.join(map(str, model.params))})")
        try:
            value = sp.sympify(expr, strict=True)
        except (sp.SympifyError, TypeError):
            raise ModelError(f"model {model.name}: the expression for {old} must be a SymPy expression, "
                             f"got {expr!r}") from None
        if old in new:
            raise ModelError(f"model {model.name}: parameter {old} is both replaced and kept as a new parameter")
        sub[old] = value
    for p in model.params:
        if p not in sub and p not in new:
            raise ModelError(f"model {model.name}: parameter {p} is neither replaced nor listed in new_params")
    clash = set(new) & (set(model.data) | set(model.given))
    if clash:
        raise ModelError(f"model {model.name}: new parameter {sorted(map(str, clash))[0]} is a data symbol or covariate")
    used = set().union(*(e.free_symbols for e in sub.values())) | {p for p in model.params if p not in sub}
    for p in new:
        if p not in used:
            raise ModelError(f"model {model.name}: new parameter {p} appears in no expression of the mapping")
    stray = set().union(*(e.free_symbols for e in sub.values())) & set(model.data)
    if stray:
        raise ModelError(f"model {model.name}: the mapping involves the data symbol {sorted(map(str, stray))[0]}")
    _check_domains(model, sub, new, domain or {})
    return sub, new


def _check_domains(model: Model, sub: dict, new: tuple, domain: Mapping) -> None:
    """Random points of the new domain must map into the old parameter domain."""
    old_domains = model.domain_map
    new_domains = {p: domain.get(p, old_domains.get(p, domain_of(p))) for p in new}
    others = sorted(set().union(*(e.free_symbols for e in sub.values())) - set(new), key=str)
    pts = parameter_points((*new, *others), {**old_domains, **new_domains}, 4, 11)
    for pt in pts:
        for old, expr in sub.items():
            value = expr.xreplace(pt)
            try:
                inside = old_domains[old].contains(sp.nsimplify(value) if value.is_Float else value)
            except (TypeError, ValueError):
                continue
            if inside is sp.false:
                at = ", ".join(f"{k} = {v}" for k, v in pt.items())
                raise ModelError(f"model {model.name}: the reparametrization maps {at} to {old} = "
                                 f"{sp.N(value, 6)}, outside its domain {written_set(old_domains[old])}")


def _simplify_all(mats: tuple) -> tuple:
    return tuple(m.applyfunc(lambda e: sp.simplify(e) if sp.count_ops(e) < 400 else e) for m in mats)


def simplify_matrices(mats: Sequence[sp.MatrixBase], seconds: float) -> tuple[sp.MatrixBase, ...]:
    """Every entry simplified, in one worker under a hard time limit (the input back when it runs out)."""
    try:
        return run_with_deadline(_simplify_all, (tuple(mats),), seconds)
    except BudgetExceeded:
        return tuple(mats)


def jacobian(old_params: Sequence[sp.Symbol], mapping: Mapping, new_params: Sequence[sp.Symbol]) -> sp.ImmutableMatrix:
    """J = ∂θ_old/∂θ_new, a k_old × k_new matrix (unmapped parameters map to themselves).

    >>> sigma, tau = sp.Symbol("sigma", positive=True), sp.Symbol("tau", real=True)
    >>> jacobian([sigma], {sigma: sp.exp(tau)}, [tau])
    Matrix([[exp(tau)]])
    """
    exprs = [sp.sympify(mapping.get(p, p)) for p in old_params]
    return sp.ImmutableMatrix(len(exprs), len(new_params), lambda i, j: sp.diff(exprs[i], new_params[j]))


def reparametrize_model(model: Model, mapping: Mapping, new_params: Sequence[sp.Symbol], *,
                        domain: Mapping | None = None, name: str | None = None, validate: bool = True) -> Model:
    """The same family written in new parameters: θ_old ← expression(θ_new) in the density and support.

    The data are untouched; only parameters are substituted. Parameters not in ``mapping`` are kept
    (they must be listed in ``new_params``, which fixes the order of the new Fisher matrix).

    Args:
        model: The model in the old parameters.
        mapping: Old parameter → expression in the new parameters, e.g. ``{sigma: exp(tau)}``.
        new_params: The new parameters, in order.
        domain: Domains of new parameters beyond their assumptions (e.g. ``{q: Interval.open(0, 1)}``).
        name: Name of the new model (default: the old name with the substitution).
        validate: Check the new density numerically (normalized, non-negative), as constructors do.

    Returns:
        A new, validated :class:`~symfisher.core.model.Model`.

    Raises:
        ModelError: Unknown parameter, a parameter neither replaced nor kept, or a mapping that leaves
            the old parameter domain.

    >>> import sympy as sp
    >>> from symfisher import Model
    >>> x, lam, t = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True), sp.Symbol("t", real=True)
    >>> m = Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo))
    >>> reparametrize_model(m, {lam: sp.exp(t)}, [t]).logpdf
    t - x*exp(t)
    """
    from symfisher.core.model import Model

    sub, new = _check(model, mapping, new_params, domain)
    logpdf = model.logpdf.xreplace(sub)
    density = model.density.xreplace(sub)
    support = {x: s.xreplace(sub) if s.free_symbols & set(sub) else s for x, s in model.support}
    kept = {p: s for p, s in model.domain if p not in sub}
    kept.update(domain or {})
    label = name or f"{model.name}[{', '.join(f'{k}={sp.sstr(v)}' for k, v in sub.items())}]"
    out = Model._build(logpdf, density, model.data, list(new), support, list(model.given) or None, kept or None,
                       label, validate)
    return replace(out, n_obs=model.n_obs)


def reparametrize_derivation(derivation: Derivation, mapping: Mapping, new_params: Sequence[sp.Symbol], *,
                             domain: Mapping | None = None, name: str | None = None, timeout: float = 60.0,
                             config: Config | None = None) -> Derivation:
    """Transform a derivation to new parameters without re-deriving: I_new = Jᵀ I_old J.

    Returns a full :class:`~symfisher.core.derivation.Derivation` of the reparametrized model, consistent
    entry by entry: score Jᵀ s, Hessian Jᵀ H J + Σ_i s_i ∂²θ_i/∂η², I = Jᵀ I J,
    −E[H] = Jᵀ (−E[H]) J − Σ_i E[s_i] ∂²θ_i/∂η², E[s] = Jᵀ E[s], with J = ∂θ_old/∂θ_new evaluated
    at θ_old = θ_old(θ_new). The verdict on I = −E[H] is decided afresh on the new matrices.
    ``strategies`` name the transformation; the old strategies are kept in the steps' details.

    Args:
        derivation: The derivation in the old parameters.
        mapping: Old parameter → expression in the new parameters.
        new_params: The new parameters, in order.
        domain: Domains of new parameters beyond their assumptions.
        name: Name of the new model.
        timeout: Hard bound in seconds for the verdict on the new matrices.
        config: Limits and seed for the verdict (the defaults when ``None``).

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x, lam, t = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True), sp.Symbol("t", real=True)
    >>> d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> reparametrize_derivation(d, {lam: sp.exp(t)}, [t]).fisher   # Jᵀ λ⁻² J with J = e^t
    Matrix([[1]])
    """
    from symfisher.core.derivation import Derivation, Step, information_verdict

    start = time.perf_counter()
    old = derivation.model
    model = reparametrize_model(old, mapping, new_params, domain=domain, name=name, validate=False)
    sub = {p: sp.sympify(v) for p, v in mapping.items()}
    new = model.params
    k_old, k = len(old.params), len(new)
    J = jacobian(old.params, sub, new)
    second = [sp.hessian(sp.sympify(sub.get(p, p)), new) if k > 0 else None for p in old.params]

    def congruence(M: sp.MatrixBase) -> sp.Matrix:
        return J.T * M.xreplace(sub) * J

    score = J.T * derivation.score.xreplace(sub)
    s_old = derivation.score.xreplace(sub)
    mean_old = derivation.mean_score.xreplace(sub)
    hess = congruence(derivation.hessian)
    neh = congruence(derivation.neg_expected_hessian)
    n = old.n_obs
    for i in range(k_old):
        hess += s_old[i] * second[i]
        neh -= n * mean_old[i] * second[i]
    fisher = congruence(derivation.fisher)
    mean = J.T * mean_old
    score, hess, fisher, neh, mean = simplify_matrices((score, hess, fisher, neh, mean), SIMPLIFY_SECONDS * 4)
    conditions = tuple(c.xreplace(sub) for c in derivation.conditions)  # where the old closed forms hold
    verdict = information_verdict(model, fisher, neh, mean, conditions=conditions, complete=derivation.closed,
                                  timeout=timeout, config=config)
    I = sp.ImmutableMatrix
    label = "Jᵀ I J (reparametrized)"
    strategies = {key: label for key in derivation.strategies if key[0] in ("fisher", "neg_expected_hessian")}
    strategies.update({("mean_score", i): "Jᵀ E[s] (reparametrized)" for i in range(k)})
    old_strats = Note("; ".join(sorted(set(derivation.strategies.values()))))
    steps = [Step("model", "log-likelihood", readable_logpdf(model)),
             Step("reparametrize", "J = ∂θ_old/∂θ_new", J, detail=Note.of(*listed(eq(a, b) for a, b in sub.items())))]
    steps += [Step("score", f"d/d{new[i]} log p", score[i], index=(i,)) for i in range(k)]
    steps += [Step("hessian", f"d2/d{new[i]}d{new[j]} log p", hess[i, j], index=(i, j))
              for i in range(k) for j in range(i, k)]
    steps += [Step("regularity", f"E[s_{new[i]}]", mean[i], "Jᵀ E[s]", index=(i,)) for i in range(k)]
    steps += [Step("fisher", f"E[s_{new[i]} s_{new[j]}]", fisher[i, j], label, old_strats, (i, j))
              for i in range(k) for j in range(i, k)]
    steps += [Step("neg_expected_hessian", f"-E[H_{new[i]}{new[j]}]", neh[i, j], label, old_strats, (i, j))
              for i in range(k) for j in range(i, k)]
    steps.append(Step("verdict", verdict.status, sp.Integer(0), detail=verdict.reason))
    timings = {"reparametrize": time.perf_counter() - start, "total": time.perf_counter() - start}
    return Derivation(model, I(score), I(hess), I(fisher), I(neh), verdict, I(mean), tuple(steps), timings, strategies,
                      conditions)
