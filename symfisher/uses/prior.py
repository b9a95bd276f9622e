"""The Jeffreys prior π(θ) ∝ √det I(θ), invariant under reparametrization.

Because I(η) = Jᵀ I(θ) J, √det I(η) = √det I(θ) · ``|det J|``: the prior transforms like a density, so
every parametrization gives the same prior. It is *proper* when ∫ √det I(θ) dθ over the parameter
domain is finite, and then normalized by that integral (Bernoulli: Beta(½, ½) = 1/(π √(p(1−p))));
location families give a flat, improper prior.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symfisher.core.deadline import run_with_deadline
from symfisher.errors import BudgetExceeded
from symfisher.uses._common import as_derivation, require_closed

__all__ = ["JeffreysPrior", "jeffreys_prior"]


@dataclass(frozen=True)
class JeffreysPrior:
    """The Jeffreys prior of a model.

    Attributes:
        density: √det I(θ), simplified (unnormalized).
        params: The parameters θ.
        proper: True when ∫ √det I(θ) dθ over the domain is finite, False when it diverges, None when
            undecided (no closed-form integral within the time limit).
        normalizer: The integral ∫ √det I dθ when proper, else None.
        normalized: density / normalizer when proper, else None.
        reason: How properness was decided.
    """

    density: sp.Expr
    params: tuple[sp.Symbol, ...]
    proper: bool | None
    normalizer: sp.Expr | None
    normalized: sp.Expr | None
    reason: str

    def __repr__(self) -> str:
        theta = ", ".join(map(str, self.params))
        kind = {True: "proper", False: "improper", None: "properness undecided"}[self.proper]
        shown = self.normalized if self.proper else self.density
        return f"JeffreysPrior(π({theta}) {'=' if self.proper else '∝'} {sp.sstr(shown)}; {kind})"


def _simplest(det: sp.Expr) -> sp.Expr:
    det = sp.simplify(det)
    forms = [sp.sqrt(det), sp.sqrt(sp.factor(det))]
    if det != 0:
        forms += [1 / sp.sqrt(sp.factor(1 / det)), 1 / sp.sqrt(sp.expand(1 / det))]
    forms = [sp.simplify(f) if sp.count_ops(f) < 200 else f for f in forms]
    return min(forms, key=lambda f: (sp.count_ops(f), f.has(sp.Pow) and any(
        b.is_Pow and b.exp.is_negative for b in sp.preorder_traversal(f) if isinstance(b, sp.Pow)
        and b.base.is_Pow)))


def _integrate(f: sp.Expr, p: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    return sp.integrate(f, (p, lo, hi))


def _properness(density: sp.Expr, params, domains, seconds: float) -> tuple[bool | None, sp.Expr | None, str]:
    f = density
    rest = []
    for p in params:
        dom = domains[p]
        if not isinstance(dom, sp.Interval):
            return None, None, f"the domain of {p} ({dom}) is not an interval"
        if p not in f.free_symbols:
            if dom.measure is sp.oo:
                return False, None, (f"√det I(θ) does not depend on {p}, whose domain {dom} has infinite length, "
                                     f"so the integral over {p} diverges")
            f = f * dom.measure
        else:
            rest.append(p)
    for p in rest:
        dom = domains[p]
        try:
            r = run_with_deadline(_integrate, (f, p, dom.inf, dom.sup), seconds)
        except BudgetExceeded:
            return None, None, f"the integral over {p} was not found within {seconds:g} s"
        except Exception as exc:  # noqa: BLE001 - SymPy failure: undecided, not wrong
            return None, None, f"SymPy could not integrate over {p}: {type(exc).__name__}"
        if r in (sp.oo, -sp.oo) or r.has(sp.oo):
            return False, None, f"∫ √det I d{p} over {dom} diverges"
        if r.has(sp.Integral, sp.Piecewise, sp.nan, sp.zoo):
            return None, None, f"the integral over {p} has no unconditional closed form"
        f = sp.simplify(r)
    if f.is_positive and f.is_finite:
        return True, f, f"∫ √det I(θ) dθ over the domain = {sp.sstr(f)} < ∞"
    return None, None, f"the integral {sp.sstr(f)} could not be shown finite and positive"


def jeffreys_prior(derivation: Any, timeout: float = 20.0) -> JeffreysPrior:
    """The Jeffreys prior √det I(θ), and whether it is proper on the parameter domain.

    Args:
        derivation: A :class:`~symfisher.core.derivation.Derivation` (or a Model, derived here).
        timeout: Seconds allowed for each integral over a parameter.

    Returns:
        An immutable :class:`JeffreysPrior` with ``density``, ``proper`` (True/False/None) and
        ``normalized`` (when proper).

    Raises:
        NotSupportedError: The information has no closed form.

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x, p = sp.Symbol("x", integer=True, nonnegative=True), sp.Symbol("p", positive=True)
    >>> d = derive(Model.from_pdf(p**x * (1 - p)**(1 - x), x, [p], sp.FiniteSet(0, 1),
    ...                           domain={p: sp.Interval.open(0, 1)}))
    >>> jeffreys_prior(d)          # Beta(1/2, 1/2)
    JeffreysPrior(π(p) = 1/(pi*sqrt(p)*sqrt(1 - p)); proper)
    """
    d = as_derivation(derivation)
    model = d.model
    I = d.fisher / model.n_obs if model.n_obs != 1 else d.fisher
    require_closed(I, model.name)
    try:
        density = run_with_deadline(_simplest, (sp.Matrix(I).det(),), timeout)
    except BudgetExceeded:
        density = sp.sqrt(sp.Matrix(I).det())
    if density == 0:
        return JeffreysPrior(density, model.params, None, None, None,
                             "det I(θ) = 0: the information is singular, so there is no Jeffreys prior")
    proper, z, reason = _properness(density, model.params, model.domain_map, timeout)
    normalized = sp.simplify(density / z) if proper else None
    return JeffreysPrior(density, model.params, proper, z if proper else None, normalized, reason)
