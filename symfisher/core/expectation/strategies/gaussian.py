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

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.note import GAUSSIAN_BY_PARTS, STEIN_IDENTITY, Note


def _quadratic(ctx):
    """(P, b) with log p = −½ xᵀPx + bᵀx + c, for multivariate data on ℝᵏ, else ``None``."""
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
    return coefficients(poly, len(xs))


def coefficients(poly: sp.Poly, k: int) -> tuple[sp.Matrix, sp.Matrix]:
    """(P, b) with poly = −½ xᵀPx + bᵀx + c, read off the coefficients of a quadratic in k variables (no k²
    derivatives)."""
    P, b = sp.zeros(k, k), sp.zeros(k, 1)
    for alpha, coeff in poly.terms():
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
    return P, b


def _structure(ctx, found):
    """(m, Σ) from the quadratic form ``found`` = (P, b) when P is positive definite, else ``None``."""
    if found is None:
        return None
    P, b = found
    k = P.rows
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
    quadratic = engine.cached("gaussian-quadratic", lambda: _quadratic(ctx))
    found = engine.cached("gaussian", lambda: _structure(ctx, quadratic))
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
    detail = engine.cached("gaussian-detail", lambda: Note.of(
        "Gaussian data: moments by Stein's identity ", STEIN_IDENTITY, ", mean ",
        sp.ImmutableMatrix(1, len(m), list(m)).xreplace(dict(ctx.to_user)), ", covariance ",
        sp.ImmutableMatrix(sigma).xreplace(dict(ctx.to_user)), rule="Stein's identity"))
    return Expectation(total, ("gaussian",), detail=detail)


def _row_of(factor: sp.Expr, xs, P: sp.Matrix, b: sp.Matrix, rows: dict) -> tuple[int, sp.Expr] | None:
    """(a, d) with factor = (Px − b)_a + d, the linear form being exactly row a of P, else ``None``.

    ``rows`` maps each row of P (a tuple) to its index: a dictionary lookup, not k² comparisons.
    """
    found = _linear(factor, xs)
    if found is None:
        return None
    coeffs, const = found
    a = rows.get(tuple(coeffs))
    if a is None:
        return None
    return a, sp.expand(const + b[a])


def _linear(e: sp.Expr, xs) -> tuple[list[sp.Expr], sp.Expr] | None:
    """(coefficients of x_1 … x_k, constant) when e is linear in the data, else ``None`` (no Poly: cheap)."""
    index = {x: i for i, x in enumerate(xs)}
    coeffs, const = [sp.Integer(0)] * len(xs), sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(e)):
        c, rest = term.as_independent(*xs, as_Add=False)
        if rest == 1:
            const += c
        elif rest in index:
            coeffs[index[rest]] += c
        else:
            return None
    return ([sp.expand(c) for c in coeffs], const) if any(c != 0 for c in coeffs) else None


def _by_parts(f: sp.Expr, xs, P, b, rows: dict, depth: int = 0) -> sp.Expr | None:
    """E[f] for f a product of linear forms, by E[(P(x − m))_a h] = E[∂h/∂x_a] (no inverse of P).

    Integrating by parts against p ∝ exp(−½ (x − m)ᵀP(x − m)), whose gradient is −P(x − m)·p.
    """
    if not (f.free_symbols & set(xs)):
        return f
    if depth > 6:
        return None
    if f.is_Add and _linear(f, xs) is not None:  # one linear form: E[(P(x − m))_a + d] = d
        found = _row_of(f, xs, P, b, rows)
        return None if found is None else found[1]
    if f.is_Add:
        parts = [_by_parts(t, xs, P, b, rows, depth) for t in f.args]
        return None if any(v is None for v in parts) else sp.Add(*parts)
    coeff, rest = f.as_independent(*xs, as_Add=False)
    factors = []
    for base_exp in sp.Mul.make_args(rest):
        base, e = base_exp.as_base_exp()
        if not (e.is_Integer and e > 0):
            return None
        factors += [base] * int(e)
    for n, factor in enumerate(factors):
        found = _row_of(factor, xs, P, b, rows)
        if found is None:
            continue
        a, d = found
        h = sp.Mul(*factors[:n], *factors[n + 1:])
        first = _by_parts(sp.diff(h, xs[a]), xs, P, b, rows, depth + 1)
        second = _by_parts(h, xs, P, b, rows, depth + 1) if d != 0 else sp.Integer(0)
        if first is None or second is None:
            return None
        return coeff * (first + d * second)
    return None


@register("gaussian-parts", "expression")
def gaussian_by_parts(engine, f: sp.Expr) -> Expectation | None:
    """Gaussian data whose precision P is too large to invert symbolically: scores are rows of P(x − m).

    For the mean of N(m, P⁻¹), s = P(x − m), so E[s_a s_b] = E[∂s_b/∂x_a] = P_ab with no inverse
    (k = 64 with 2080 symbolic precision entries).
    """
    ctx = engine.ctx
    xs = ctx.data
    found = engine.cached("gaussian-quadratic", lambda: _quadratic(ctx))
    if engine.cached("gaussian", lambda: _structure(ctx, found)) is not None:
        return None  # the moment strategy applies
    if found is None or not f.is_polynomial(*xs):
        return None
    P, b = found
    rows = engine.cached("gaussian-rows", lambda: {tuple(sp.expand(v) for v in P.row(a)): a for a in range(P.rows)})
    value = _by_parts(f, xs, P, b, rows)
    if value is None:
        return None
    return Expectation(value, ("gaussian",), detail=Note.of("Gaussian data, integration by parts: ", GAUSSIAN_BY_PARTS,
                                                            " with ", sp.Symbol("P"), " the precision read off log p",
                                                            rule="integration by parts"))
