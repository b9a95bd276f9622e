"""The local expansion of the Kullback–Leibler divergence: KL(p_θ ‖ p_{θ+δ}) = ½ δᵀ I(θ) δ + O(‖δ‖³).

KL(δ) = E_θ[log p(X | θ) − log p(X | θ + δ)] is computed in closed form by the expectation engine
(the increments δ are extra constants of the model). Writing δ = t·d and expanding in t,
KL(t d) = c₀ + c₁ t + c₂ t² + O(t³), with c_k = (1/k!) d^k KL/dt^k at t = 0 (the homogeneous parts of
the Taylor polynomial in δ). The claim is proved when c₀ and c₁ simplify to 0 and c₂ − ½ dᵀ I(θ) d
simplifies to 0; since the closed form is smooth in δ near 0, Taylor's theorem bounds the rest by
O(‖δ‖³). When the engine finds no closed form for KL(δ), the terms are taken term by term,
c₁ = −dᵀ E[s] and c₂ = ½ dᵀ (−E[H]) d, which differentiates under the expectation: valid only when
the support does not depend on θ. This is why the Fisher information is the metric of the
statistical manifold: locally, KL is a squared distance measured by I(θ).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Literal, Mapping

import sympy as sp

from symfisher.core.deadline import Budget, run_with_deadline
from symfisher.core.points import parameter_points
from symfisher.core.evidence import numeric_value
from symfisher.config import Config
from symfisher.errors import BudgetExceeded
from symfisher.uses._common import as_derivation, require_closed

__all__ = ["KLExpansion", "kl_expansion"]

DELTA_RANGE = sp.Interval(-sp.Rational(1, 10), sp.Rational(1, 10))


@dataclass(frozen=True)
class KLExpansion:
    """The verdict on KL(p_θ ‖ p_{θ+δ}) = ½ δᵀ I(θ) δ + O(‖δ‖³).

    Attributes:
        status: "proved", "refuted" (with ``counterexample``) or "inconclusive".
        reason: What was shown, or why not.
        delta: The increment symbols δ (one per parameter, named ``delta_<param>``).
        kl: KL(δ) in closed form (``None`` when only the term-by-term route was possible).
        terms: (c₀, c₁, c₂): the constant, linear and quadratic parts of KL in δ.
        quadratic_form: ½ δᵀ I(θ) δ.
        method: "exact" (Taylor expansion of the closed-form KL) or "term-by-term".
        counterexample: For "refuted": a point (θ and δ) where a term differs from the claim.
    """

    status: Literal["proved", "refuted", "inconclusive"]
    reason: str
    delta: tuple[sp.Symbol, ...]
    kl: sp.Expr | None
    terms: tuple[sp.Expr, sp.Expr, sp.Expr]
    quadratic_form: sp.Expr
    method: str
    counterexample: Mapping[sp.Symbol, sp.Expr] | None = None

    def __bool__(self) -> bool:
        return self.status == "proved"

    def __repr__(self) -> str:
        return f"KLExpansion({self.status}: {self.reason})"


def exact_kl(model, deltas: tuple[sp.Symbol, ...], seconds: float) -> sp.Expr | None:
    from symfisher.core.expectation import Context, Engine

    ctx = Context.of(model)
    ctx = replace(ctx, others=ctx.others + deltas,
                  domains={**dict(ctx.domains), **{d: DELTA_RANGE for d in deltas}})
    engine = Engine(ctx, Budget.of(seconds), Config.defaults().merge(timeout=seconds, entry_timeout=seconds))
    shifted = ctx.logpdf.xreplace({p: p + d for p, d in zip(model.params, deltas)})
    r = engine.expect(ctx.logpdf - shifted)
    if not r.closed:
        return None
    return r.value.xreplace(dict(ctx.to_user))


def _taylor(kl: sp.Expr, deltas) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    t = sp.Dummy("t")
    f = kl.xreplace({d: t * d for d in deltas})
    out = []
    for k in range(3):
        out.append(sp.simplify(f.subs(t, 0)) / math.factorial(k))
        f = sp.diff(f, t)
    return tuple(sp.simplify(c) for c in out)


def _work(model, deltas, fisher, mean, neh, seconds):
    kl = exact_kl(model, deltas, seconds * 0.6)
    quad = sp.simplify((sp.Matrix([deltas]) * fisher * sp.Matrix(deltas))[0, 0] / 2)
    d = sp.Matrix(deltas)
    if kl is not None:
        terms = _taylor(kl, deltas)
        method = "exact"
    else:
        terms = (sp.Integer(0), sp.simplify(-(d.T * mean)[0, 0]), sp.simplify((d.T * neh * d)[0, 0] / 2))
        method = "term-by-term"
    residuals = (terms[0], terms[1], sp.simplify(terms[2] - quad))
    return kl, terms, quad, method, residuals


def _witness(model, deltas, residual: sp.Expr) -> dict | None:
    symbols = (*model.params, *model.given, *model.constants)
    for point in parameter_points(symbols, model.domain_map, 4, 5):
        point = {**point, **{d: sp.Rational(1, 20) for d in deltas}}
        try:
            v = numeric_value(residual, point)
        except Exception:  # noqa: BLE001 - no numeric value here
            continue
        if isinstance(v, complex) or not math.isfinite(v):
            continue
        if abs(v) > 1e-9:
            return point
    return None


def kl_expansion(derivation: Any, timeout: float = 60.0) -> KLExpansion:
    """Prove KL(p_θ ‖ p_{θ+δ}) = ½ δᵀ I(θ) δ + O(‖δ‖³): the 0th and 1st order terms vanish and the 2nd
    order term is ½ δᵀ I δ.

    Args:
        derivation: A :class:`~symfisher.core.derivation.Derivation` (or a Model, derived here).
        timeout: Hard limit in seconds for the symbolic work.

    Returns:
        An immutable :class:`KLExpansion` ("proved", "refuted" with a counterexample, or "inconclusive").

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x, lam = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True)
    >>> r = kl_expansion(derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo))))
    >>> r.status, r.kl                     # KL = δ/λ − log(1 + δ/λ) = δ²/(2λ²) − δ³/(3λ³) + …
    ('proved', delta_lambda/lambda + log(lambda) - log(delta_lambda + lambda))
    >>> r.terms
    (0, 0, delta_lambda**2/(2*lambda**2))
    """
    d = as_derivation(derivation)
    model = d.model
    n = model.n_obs
    fisher = d.fisher / n if n != 1 else d.fisher
    neh = d.neg_expected_hessian / n if n != 1 else d.neg_expected_hessian
    require_closed(fisher, model.name)
    deltas = tuple(sp.Symbol(f"delta_{p.name}", real=True) for p in model.params)
    try:
        kl, terms, quad, method, residuals = run_with_deadline(
            _work, (model, deltas, sp.Matrix(fisher), sp.Matrix(d.mean_score), sp.Matrix(neh), timeout), timeout)
    except BudgetExceeded:
        zero = sp.Integer(0)
        return KLExpansion("inconclusive", f"the symbolic work did not finish within {timeout:g} s", deltas, None,
                           (zero, zero, zero), zero, "none")
    names = ("constant term", "linear term", "quadratic term minus ½ δᵀ I(θ) δ")
    if all(r == 0 for r in residuals):
        how = ("the Taylor expansion of the closed-form KL(δ)" if method == "exact" else
               "term by term (differentiating under the expectation)")
        if method == "term-by-term" and model.support_depends_on_params:
            return KLExpansion("inconclusive", "the terms match term by term, but the support depends on θ, so "
                               "differentiating under the expectation is not justified", deltas, kl, terms, quad,
                               method)
        return KLExpansion("proved", f"by {how}: c₀ = 0, c₁ = 0 and c₂ = ½ δᵀ I(θ) δ = {sp.sstr(quad)}; the "
                           "remainder is O(‖δ‖³) by Taylor's theorem", deltas, kl, terms, quad, method)
    for name, r in zip(names, residuals):
        if r == 0:
            continue
        point = _witness(model, deltas, r)
        if point is not None and (method == "exact" or not model.support_depends_on_params):
            at = ", ".join(f"{k} = {v}" for k, v in point.items())
            extra = (f"; the support depends on {', '.join(sorted(str(p) for _, s in model.support for p in s.free_symbols & set(model.params)))}"
                     if model.support_depends_on_params else "")
            return KLExpansion("refuted", f"the {name} is {sp.sstr(r)}, not 0 (e.g. at {at}){extra}", deltas, kl,
                               terms, quad, method, point)
    return KLExpansion("inconclusive", "the terms do not simplify to the claim, but no point was found where they "
                       "differ", deltas, kl, terms, quad, method)
