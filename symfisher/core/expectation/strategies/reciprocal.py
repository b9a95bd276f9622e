"""Laws invariant under x → c/x: E[g] as an expectation over w = √x − √c/√x.

A law on (0, ∞) with p(c/x)·c/x² = p(x) (Birnbaum–Saunders, the log-normal with median √c, the generalized inverse
Gaussian with a = b and p = 0) gives X and c/X the same law, so

    E[g(X)] = E[ḡ(X)],   ḡ(x) = (g(x) + g(c/x))/2,

and ḡ is invariant. With t = √x and d = √c, an invariant function of t is a function of m = t + d/t alone, and
m² = w² + 4d for w = t − d/t, which maps (0, ∞) one to one onto ℝ. So ḡ and the density of W,
q(w) = p(x)·dx/dw = p(x)·2t³/(t² + d) (even in w, hence invariant too), are written in w without radicals where
they are rational in m²; a rational r(t) = (A₁ + B₁t)/(A₂ + B₂t) modulo t² = mt − d is multiplied by the
conjugate (t ↔ d/t = m − t) to (A₁A₂ + A₁B₂m + B₁B₂d)/(A₂² + A₂B₂m + B₂²d) (its t-part vanishes exactly when
r is invariant). The Birnbaum–Saunders law becomes W ~ N(0, α²) and E[1/(1 + X)²] a Gaussian expectation of
a rational function of w² (erfc), which the engine then takes. Every value is spot-checked by quadrature.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Context, Expectation, KINKED, force_log
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq
from symfisher.core.simplify import is_zero

SECONDS = 1.0  # the symbolic check that the law is invariant, per candidate centre


class _NotInvariant(Exception):
    """A part of the expression is not a function of m = t + d/t."""


def _centres(ctx: Context) -> list[sp.Expr]:
    """Candidate c (the law would be invariant under x → c/x): 1, and each positive parameter and its square."""
    found = [sp.Integer(1)]
    for p in ctx.params:
        if ctx.sign(p) == 1:
            found += [p, p**2]
    return found


def _invariant_under(ctx: Context, c: sp.Expr, seconds: float) -> bool:
    """Whether log p(c/x) + log(c/x²) = log p(x), proved."""
    x = ctx.data[0]
    mirrored = ctx.logpdf.xreplace({x: c / x}) + sp.log(c) - 2 * sp.log(x)
    return is_zero(force_log(mirrored) - ctx.logpdf, seconds) is True


def centre(engine) -> sp.Expr | None:
    """The c of an invariance x → c/x of the law, proved; ``None`` when there is none among the candidates."""
    ctx = engine.ctx
    for c in _centres(ctx):
        try:
            if _invariant_under(ctx, c, SECONDS):
                return c
        except (TypeError, ValueError, NotImplementedError):
            continue
    return None


def in_m(e: sp.Expr, t: sp.Symbol, m: sp.Symbol, d: sp.Expr) -> sp.Expr:
    """The invariant expression e(t) (under t ↔ d/t) as a function of m = t + d/t; raises :class:`_NotInvariant`."""
    if not e.has(t):
        return e
    opaque: dict[sp.Symbol, sp.Expr] = {}
    names: dict[sp.Expr, sp.Symbol] = {}

    def hide(node: sp.Expr) -> sp.Expr:  # functions of t, and powers of t-expressions to non-integer exponents
        if node not in names:
            names[node] = sp.Dummy("f")
            opaque[names[node]] = node.func(*[in_m(a, t, m, d) for a in node.args])
        return names[node]

    rational = e.replace(lambda n: (isinstance(n, sp.Function) or n.is_Pow and not n.exp.is_Integer and n.base != t)
                         and n.has(t), hide)
    if rational.has(t) and not rational.is_rational_function(t):
        raise _NotInvariant(rational)
    num, den = sp.fraction(sp.cancel(sp.together(rational)))
    relation = sp.Poly(t**2 - m * t + d, t)
    (a1, b1), (a2, b2) = (_linear_rem(part, relation, t) for part in (num, den))
    if is_zero(sp.expand(b1 * a2 - a1 * b2), 1.0) is not True:
        raise _NotInvariant(e)
    value = sp.cancel((a1 * a2 + a1 * b2 * m + b1 * b2 * d) / (a2**2 + a2 * b2 * m + b2**2 * d))
    while value.has(*opaque):  # a hidden function may hold another one hidden before it (bottom-up)
        value = value.xreplace(opaque)
    return value


def _linear_rem(poly: sp.Expr, relation: sp.Poly, t: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """(A, B) with poly ≡ A + B·t modulo the relation."""
    rem = sp.Poly(poly, t).rem(relation)
    return rem.coeff_monomial(1), rem.coeff_monomial(t)


def in_w(e: sp.Expr, x: sp.Symbol, c: sp.Expr, w: sp.Symbol) -> sp.Expr:
    """An invariant expression in x as one in w = √x − √c/√x (m = √(w² + 4√c))."""
    t, m = sp.Dummy("t", positive=True), sp.Dummy("m", positive=True)
    d = sp.sqrt(c)
    in_t = sp.powdenest(e.xreplace({x: t**2}), force=True)
    return sp.expand_log(in_m(in_t, t, m, d).xreplace({m: sp.sqrt(w**2 + 4 * d)}), force=True)


def _context(engine, c: sp.Expr) -> tuple[Context, sp.Symbol] | None:
    """The law of W = √X − √c/√X on ℝ: q(w) = p(x)·2x^{3/2}/(x + √c), written in w."""
    ctx = engine.ctx
    x = ctx.data[0]
    w = sp.Dummy("w", real=True)
    try:
        q = sp.factor_terms(in_w(ctx.density * 2 * x ** sp.Rational(3, 2) / (x + sp.sqrt(c)), x, c, w))
    except (_NotInvariant, sp.PolynomialError, NotImplementedError, TypeError, ValueError):
        return None
    return ctx.in_variable(w, q, sp.S.Reals, sp.Symbol("w", real=True), f"{ctx.label} in w = √x − √c/√x"), w


@register("reciprocal-symmetry", "atom")
def reciprocal_symmetry(engine, g: sp.Expr) -> Expectation | None:
    """E[g(X)] = E[(g(X) + g(c/X))/2] for a law invariant under x → c/x, taken over w = √x − √c/√x."""
    ctx = engine.ctx
    x = ctx.positive_half_line
    if engine.depth > 1 or x is None or g.has(*KINKED, sp.DiracDelta):
        return None
    c = engine.cached("reciprocal-centre", lambda: centre(engine))
    if c is None:
        return None
    found = engine.cached(("reciprocal-law", c), lambda: _context(engine, c))
    if found is None:
        return None
    sub_ctx, w = found
    try:
        h = in_w((g + g.xreplace({x: c / x})) / 2, x, c, w)
    except (_NotInvariant, sp.PolynomialError, NotImplementedError, TypeError, ValueError):
        return None
    sub = engine.cached(("reciprocal-engine", c), lambda: engine.child(sub_ctx))
    r = sub.expect(h)
    if not r.closed or engine.spot_check(g, r.value, conditions=r.conditions) is False:
        return None
    xu, v = ctx.to_user.get(x, x), sp.Symbol("w")
    detail = Note.of(xu, " and ", c / xu, " have the same law: E[g(", xu, ")] = E[(g(", xu, ") + g(", c / xu, "))/2], "
                     "taken over ",
                     eq(v, sp.sqrt(xu) - sp.sqrt(c) / sp.sqrt(xu)), " with density ",
                     sub_ctx.density.xreplace({w: v}), *(("; ", r.detail) if r.detail else ()),
                     rule="reciprocal-symmetry")
    return Expectation(r.value, ("reciprocal-symmetry", *r.strategies), detail=detail, conditions=r.conditions)
