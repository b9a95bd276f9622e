"""The Cramér–Rao bound: no unbiased estimator beats the inverse Fisher information.

For n i.i.d. observations and any unbiased estimator T of θ, Cov(T) ⪰ I(θ)⁻¹ / n (in the Loewner
order); for an unbiased estimator of a scalar g(θ), Var(T) ≥ ∇g(θ)ᵀ I(θ)⁻¹ ∇g(θ) / n. The bound needs
an invertible I(θ): a singular information (non-identifiable parameters) raises
:class:`~symfisher.errors.RegularityError`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import sympy as sp

from symfisher.core.deadline import run_with_deadline
from symfisher.errors import BudgetExceeded, ModelError, RegularityError
from symfisher.uses._common import as_derivation, point_map, require_closed

__all__ = ["cramer_rao_bound"]

SECONDS = 20.0
SINGULAR = ("model {name}: the Fisher information is singular ({where}), so the Cramér–Rao bound does not exist: "
            "the parameters {params} are not all identifiable")


def _inverse(I: sp.Matrix) -> tuple[sp.Expr, sp.Matrix]:
    det = sp.simplify(I.det())
    if det != 0 and I.has(sp.cosh, sp.sinh, sp.tanh):
        I = I.applyfunc(lambda e: e.rewrite(sp.exp))
        det = sp.simplify(sp.factor(I.det()))
    if det == 0:
        return det, None
    inv = I.inv(method="ADJ") if I.rows <= 3 else I.inv()
    return det, inv.applyfunc(lambda e: sp.simplify(e) if sp.count_ops(e) < 300 else e)


def _factor(e: sp.Expr) -> sp.Expr:
    return sp.simplify(e) if sp.count_ops(e) < 300 else e


def cramer_rao_bound(derivation: Any, n: int | sp.Expr = 1, g: sp.Expr | Sequence[sp.Expr] | None = None, *,
                     at: Mapping | Sequence | None = None) -> sp.Expr | sp.ImmutableMatrix:
    """The Cramér–Rao lower bound I(θ)⁻¹/n, or ∇gᵀ I(θ)⁻¹ ∇g / n for a function g(θ).

    Args:
        derivation: A :class:`~symfisher.core.derivation.Derivation` (or a Model, derived here).
        n: Number of i.i.d. observations (a positive integer or a positive Symbol).
        g: A SymPy expression in the parameters (bound on the variance of an unbiased estimator of
            g(θ)); a list of expressions gives the matrix G I⁻¹ Gᵀ / n with G = ∂g/∂θ.
        at: Optional parameter point (dict or values in parameter order) to evaluate the bound at.

    Returns:
        A k×k matrix (``g=None``), a scalar expression (scalar ``g``) or an m×m matrix (m functions).

    Raises:
        RegularityError: I(θ) is singular (for every θ, or at ``at``); the message gives the point or reason.
        NotSupportedError: The information has no closed form.
        ModelError: Bad ``n``, ``g`` or ``at``.

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x = sp.Symbol("x", integer=True, nonnegative=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam**x * sp.exp(-lam) / sp.factorial(x), x, [lam], sp.S.Naturals0))
    >>> cramer_rao_bound(d, n=10)
    Matrix([[lambda/10]])
    >>> cramer_rao_bound(d, n=10, g=sp.log(lam))        # delta method: Var(log λ̂) ≥ 1/(10 λ)
    1/(10*lambda)
    """
    d = as_derivation(derivation)
    model = d.model
    n = sp.sympify(n)
    if not (n.is_positive or (n.is_number and n > 0)) or (n.is_number and not n.is_integer):
        raise ModelError(f"model {model.name}: n must be a positive integer number of observations, got {n}")
    I = sp.Matrix(d.fisher)
    require_closed(I, model.name)
    params = ", ".join(map(str, model.params))
    if at is not None:
        point = point_map(model.params, at, f"model {model.name}")
        I_at = I.xreplace(point)
        det_at = sp.simplify(I_at.det())
        if det_at == 0:
            where = "det I = 0 at " + ", ".join(f"{k} = {v}" for k, v in point.items())
            raise RegularityError(SINGULAR.format(name=model.name, where=where, params=params))
    try:
        det, inv = run_with_deadline(_inverse, (I,), SECONDS)
    except BudgetExceeded:
        det, inv = I.det(), I.inv()
    if det == 0:
        raise RegularityError(SINGULAR.format(name=model.name, where="det I(θ) = 0 for every θ", params=params))
    if g is None:
        bound = inv / n
    else:
        scalar = isinstance(g, sp.Basic) or not isinstance(g, (list, tuple))
        gs = [sp.sympify(g)] if scalar else [sp.sympify(e) for e in g]
        for e in gs:
            if not isinstance(e, sp.Expr) or e.free_symbols & set(model.data):
                raise ModelError(f"model {model.name}: g must be an expression in the parameters, got {e}")
        G = sp.Matrix([[sp.diff(e, p) for p in model.params] for e in gs])
        bound = G * inv * G.T / n
        if scalar:
            out = _factor(bound[0, 0])
            return _factor(out.xreplace(point)) if at is not None else out
    bound = sp.ImmutableMatrix(bound.applyfunc(_factor))
    return sp.ImmutableMatrix(bound.xreplace(point).applyfunc(_factor)) if at is not None else bound
