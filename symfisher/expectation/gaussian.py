"""Gaussian data: polynomial moments from the covariance alone, by Stein's identity.

When log p is a quadratic polynomial in the data x ∈ ℝᵏ, log p = −½ xᵀPx + bᵀx + c with P
positive definite, X ~ N(m, Σ) with Σ = P⁻¹ and m = Σb. For a polynomial f, write X = m + C;
the centered moments follow from Stein's identity E[C_i h(C)] = Σ_j Σ_ij E[∂_j h(C)], i.e.
E[C^α] = Σ_j Σ_ij (α − e_i)_j E[C^(α − e_i − e_j)]  (odd total degree: 0; Isserlis' theorem).
No integral is computed; the cost is polynomial in the degree and the dimension. Used for
multivariate data (k ≥ 2); one Gaussian variable is left to the exponential-family strategy.
"""

from __future__ import annotations

import sympy as sp

from .base import Expectation
from .registry import register


def _structure(ctx):
    """(m, Σ) when log p is quadratic in the data with a positive-definite P, else ``None``."""
    if len(ctx.data) < 2:  # one variable: the exponential-family strategy covers it
        return None
    if ctx.discrete or any(s != sp.S.Reals for s in ctx.support.values()):
        return None
    xs = ctx.data
    logp = ctx.logpdf
    if not logp.is_polynomial(*xs):
        return None
    poly = sp.Poly(logp, *xs)
    if poly.total_degree() != 2:
        return None
    k = len(xs)
    P, b = sp.zeros(k, k), sp.zeros(k, 1)
    for alpha, coeff in poly.terms():  # read P and b off the coefficients (no k² derivatives)
        idx = [i for i, a in enumerate(alpha) for _ in range(a)]
        if len(idx) == 1:
            b[idx[0]] += coeff
        elif len(idx) == 2:
            i, j = idx
            if i == j:
                P[i, i] += -2 * coeff
            else:
                P[i, j] += -coeff
                P[j, i] += -coeff
    if P.is_diagonal():
        diag = [sp.simplify(P[i, i]) for i in range(k)]
        if not all(d.is_positive for d in diag):
            return None
        sigma = sp.diag(*[1 / d for d in diag])
    else:
        minors = [sp.simplify(P[:n, :n].det()) for n in range(1, k + 1)] if k <= 4 else []
        if k > 4 or not all(mn.is_positive or _positive_somewhere(mn, ctx) for mn in minors):
            return None
        sigma = P.inv().applyfunc(sp.simplify)
    m = (sigma * b).applyfunc(sp.simplify)
    return m, sigma


def _positive_somewhere(e: sp.Expr, ctx) -> bool:
    """Leading minors that SymPy cannot sign (1 − ρ²) are accepted when positive at a domain point.

    The model was validated as a density (it integrates to one), so P is positive definite on the
    whole parameter domain; the check guards against a sign slip in reading P off log p.
    """
    try:
        return bool(sp.N(e.subs(ctx.point(7))) > 0)
    except TypeError:
        return False


def _moment(alpha: tuple[int, ...], sigma: sp.Matrix, memo: dict) -> sp.Expr:
    if sum(alpha) % 2:
        return sp.Integer(0)
    if not any(alpha):
        return sp.Integer(1)
    if alpha in memo:
        return memo[alpha]
    i = next(n for n, a in enumerate(alpha) if a)
    rest = list(alpha)
    rest[i] -= 1
    total = sp.Integer(0)
    for j, aj in enumerate(rest):
        if aj and sigma[i, j] != 0:
            nxt = list(rest)
            nxt[j] -= 1
            total += sigma[i, j] * aj * _moment(tuple(nxt), sigma, memo)
    memo[alpha] = total
    return total


@register("gaussian", "expression")
def gaussian(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    xs = ctx.data
    found = engine.cached("gaussian", lambda: _structure(ctx))
    if found is None or not f.is_polynomial(*xs):
        return None
    m, sigma = found
    cs = [sp.Dummy(f"c{i}") for i in range(len(xs))]
    shifted = f.xreplace({x: m[i] + cs[i] for i, x in enumerate(xs)})
    memo = engine.cached("gaussian-moments", dict)
    total = sp.Integer(0)
    for alpha, coeff in sp.Poly(shifted, *cs).terms():
        mom = _moment(alpha, sigma, memo)
        if mom != 0:
            total += coeff * mom
    if total.free_symbols and sp.count_ops(total) > 40:
        total = sp.factor(total)
    detail = engine.cached("gaussian-detail", lambda: (
        "Gaussian data: moments by Stein's identity E[C_i h(C)] = Σ_j Σ_ij E[∂_j h(C)], "
        f"mean {sp.sstr(list(m))}, covariance {sp.sstr(sigma.tolist())}"))
    return Expectation(total, ("gaussian",), detail=detail)
