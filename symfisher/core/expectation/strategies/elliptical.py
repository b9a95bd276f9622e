"""Elliptical data: E[f(X)] by the radius and the direction, when p sees x ∈ ℝᵏ only through one quadratic form.

When p(x) = φ((x − m)ᵀA(x − m)) (the multivariate t, Cauchy, Kotz and power-exponential laws, with any
location m and scale A⁻¹ in θ), write x = m + M ρ u with MᵀAM = I, ρ > 0 and u on the unit sphere: ρ and u
are independent, u uniform, and ρ has the density

    p_R(ρ) = |S^(k−1)| ρ^(k−1) |det M| φ(ρ²),   |S^(k−1)| = 2π^(k/2)/Γ(k/2),   ρ ∈ (0, ∞).

An integrand f(m + Mρu) whose non-polynomial parts see u only through |u|² = 1 is a polynomial Σ_α c_α(ρ) u^α,
so E[f(X)] = Σ_α E[u^α] E[c_α(R)] with the sphere moments

    E[u^α] = Γ(k/2) Π_i Γ((α_i + 1)/2) / (π^(k/2) Γ((k + |α|)/2))   (0 when some α_i is odd),

and each E[c_α(R)] is one-dimensional: the model of R goes to the whole engine again (a Beta-prime law in ρ² for
the multivariate t). The map is checked by numbers: the density of R integrates to 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symfisher.core.evidence import NUMERIC_FAILURES, numeric_expectation
from symfisher.core.expectation.base import Context, Expectation, force_log, linear_terms
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies import gaussian
from symfisher.core.note import Note, superscript

FORM_SECONDS = 3.0  # to find the quadratic form and the density of R, in a worker
TRY_SECONDS = 2.5  # per radial expectation in the model of R
CHECK_SEED = 13
MAX_DIMENSION = 8


@dataclass(frozen=True)
class Radial:
    """x = m + M ρ u, and the model of R."""

    substitution: dict
    rho: sp.Symbol
    directions: tuple[sp.Symbol, ...]
    model: Context


def quadratic_form(ctx) -> tuple[sp.Matrix, sp.Matrix] | None:
    """(A, b) of the first subexpression of log p that is a quadratic polynomial xᵀAx + bᵀx + c in the data
    with a quadratic part, else ``None``."""
    xs = ctx.data
    for e in sp.preorder_traversal(ctx.logpdf):
        if not (isinstance(e, sp.Add) and e.has(*xs) and e.is_polynomial(*xs)):
            continue
        poly = sp.Poly(e, *xs)
        if poly.total_degree() != 2:
            continue
        P, b = gaussian.coefficients(poly, len(xs))
        A = -P / 2
        return A, b
    return None


def _whitening(ctx, A: sp.Matrix) -> sp.Matrix | None:
    """M with MᵀAM = I (upper triangular, from the Cholesky factor of A), when every pivot is proved positive."""
    if A.is_diagonal():
        if not all(ctx.sign(A[i, i]) > 0 for i in range(A.rows)):
            return None
        return sp.diag(*[1 / sp.sqrt(A[i, i]) for i in range(A.rows)])
    try:
        L = A.cholesky(hermitian=False)
    except (ValueError, sp.matrices.common.NonSquareMatrixError):
        return None
    if not all(ctx.sign(sp.simplify(L[i, i]**2)) > 0 for i in range(A.rows)):
        return None
    return sp.simplify(L.T.inv())


def on_sphere(e: sp.Expr, u: tuple[sp.Symbol, ...]) -> sp.Expr:
    """A polynomial in u reduced modulo |u|² = 1 (u₁² → 1 − u₂² − … − u_k²)."""
    rest = sp.Add(*[v**2 for v in u[1:]])
    poly = sp.Poly(sp.expand(e), u[0])
    return sp.expand(sp.Add(*[c * (1 - rest)**(n // 2) * u[0]**(n % 2) for (n,), c in poly.terms()]))


def radial(e: sp.Expr, u: tuple[sp.Symbol, ...]) -> sp.Expr | None:
    """``e`` with every non-polynomial part free of u (its arguments reduced on the sphere), so that ``e`` is a
    polynomial in u; ``None`` when some non-polynomial part still depends on the direction."""
    if not e.has(*u) or e.is_polynomial(*u):
        return e
    if isinstance(e, (sp.Add, sp.Mul)):
        args = [radial(a, u) for a in e.args]
        return None if any(a is None for a in args) else e.func(*args)
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0:
        base = radial(e.base, u)
        return None if base is None else base**e.exp
    args = [_inside(a, u) for a in e.args]
    return None if any(a is None for a in args) else e.func(*args)


def _inside(a: sp.Expr, u: tuple[sp.Symbol, ...]) -> sp.Expr | None:
    """An argument of a non-polynomial function: it must not depend on u once reduced on the sphere."""
    if not a.has(*u):
        return a
    out = on_sphere(a, u) if a.is_polynomial(*u) else radial(a, u)
    return out if out is not None and not out.has(*u) else None


def sphere_moment(alpha: tuple[int, ...]) -> sp.Expr:
    """E[u^α] for u uniform on the unit sphere of ℝᵏ, k = len(α)."""
    if any(a % 2 for a in alpha):
        return sp.Integer(0)
    k = len(alpha)
    return sp.gammasimp(sp.gamma(sp.Rational(k, 2)) * sp.Mul(*[sp.gamma(sp.Rational(a + 1, 2)) for a in alpha])
                        / (sp.pi**sp.Rational(k, 2) * sp.gamma(sp.Rational(k + sum(alpha), 2))))


def radial_shapes(g: sp.Expr, rho: sp.Symbol, u: tuple[sp.Symbol, ...]) -> dict[sp.Expr, sp.Expr] | None:
    """E[g(ρ, u)] = Σ_h c_h E[h(R)] by the sphere moments: g = Σ κ(θ) h(ρ) u^α is split into terms, each u^α is
    replaced by E[u^α], and the coefficients of one radial shape h are summed (shape → c_h, zero sums left out).
    Few shapes recur across entries (ρ²/(ρ² + 1) in most of the bivariate t's), so each is expected once.
    ``None`` when a term is not a monomial in u."""
    shapes: dict[sp.Expr, sp.Expr] = {}
    for kappa, atom in linear_terms(g, (rho, *u)):
        h, direction = atom.as_independent(*u, as_Add=False)
        powers = direction.as_powers_dict()
        if not all(b in u and e.is_Integer and e >= 0 for b, e in powers.items() if b != 1):
            return None
        weight = sphere_moment(tuple(int(powers.get(v, 0)) for v in u))
        if weight != 0:
            shapes[h] = shapes.get(h, sp.Integer(0)) + weight * kappa
    return {h: c for h, c in shapes.items() if sp.expand(c) != 0}


def radial_form(ctx) -> Radial | None:
    """The change x = m + Mρu and the model of R, or ``None`` when log p is not a function of one quadratic form."""
    found = quadratic_form(ctx)
    if found is None:
        return None
    A, b = found
    k = len(ctx.data)
    M = _whitening(ctx, A)
    if M is None:
        return None
    m = -A.LUsolve(b) / 2
    rho = sp.Dummy("rho", positive=True)
    u = tuple(sp.Dummy(f"u{i + 1}", real=True) for i in range(k))
    z = M * sp.Matrix(u) * rho
    substitution = {x: sp.simplify(m[i]) + z[i] for i, x in enumerate(ctx.data)}
    log_det = sp.log(sp.simplify(M.det()))
    in_z = radial(force_log(ctx.logpdf.xreplace(substitution)), u)
    if in_z is None or in_z.has(*u):
        return None
    area = 2 * sp.pi**sp.Rational(k, 2) / sp.gamma(sp.Rational(k, 2))
    log_r = force_log(sp.log(area) + (k - 1) * sp.log(rho) + log_det + in_z)
    density = sp.powsimp(sp.expand(sp.exp(log_r), power_exp=True, deep=False))
    support = sp.Interval.open(0, sp.oo)
    model = ctx.in_variable(rho, density, support, sp.Symbol("rho", positive=True), f"{ctx.label}: radius ρ", log_r)
    try:
        mass = numeric_expectation(sp.Integer(1), density, {rho: support}, ctx.point(CHECK_SEED))
    except NUMERIC_FAILURES:
        return None
    if not abs(mass - 1) <= 1e-6:
        return None
    return Radial(substitution, rho, u, model)


@register("elliptical", "expression")
def elliptical(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    k = len(ctx.data)
    if not 2 <= k <= MAX_DIMENSION or ctx.discrete or ctx.joint is not None \
            or any(s != sp.S.Reals for s in ctx.support.values()) or not f.has(*ctx.data):
        return None
    form = engine.cached("elliptical-form", lambda: engine.hard(radial_form, ctx, seconds=FORM_SECONDS))
    if form is None:
        return None
    g = radial(f.xreplace(form.substitution), form.directions)
    if g is None:
        return None
    shapes = radial_shapes(g, form.rho, form.directions)
    if shapes is None:
        return None
    sub = engine.cached("elliptical-engine", lambda: engine.child(form.model, sibling_without="elliptical"))
    total, strategies, conditions = sp.Integer(0), [], []
    for shape, coeff in shapes.items():
        key = ("elliptical-radial", shape)  # E[h(R)] of one radial shape serves every entry that meets it
        r = engine.memo.get(key)
        if r is None:
            with engine.within(TRY_SECONDS, hard=True):
                r = sub.expect(shape)
        if not r.closed:
            return None
        engine.memo[key] = r
        total += coeff * r.value
        strategies += [s for s in r.strategies if s not in strategies]
        conditions += [c for c in r.conditions if c not in conditions]
    rho = form.model.to_user[form.rho]
    detail = Note.of(f"radius and direction: x = m + M ρ u with u uniform on the sphere of ℝ{superscript(k)}, ρ with "
                     "density ", form.model.density.xreplace({form.rho: rho}), rule="elliptical")
    return Expectation(total, ("elliptical", *strategies), detail=detail, conditions=tuple(conditions))
