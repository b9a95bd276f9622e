"""Piecewise densities: E[f(X)] = Σ_k P_k·E_k[f_k(X)] over the pieces on which the data lie in an interval.

A density p(x) = p_k(x) for x ∈ (l_k, r_k) (the triangular and trapezoidal laws, the two-piece normal: break
points that may be parameters) is a mixture of its pieces: piece k has probability P_k = ∫_{l_k}^{r_k} p_k dx and
density p_k/P_k on (l_k, r_k), and f on it, f_k, is the branch of each ``Piecewise`` of f under the piece's
condition. A branch's interval is its condition's, less those of the branches before it (the first true
condition wins; an "otherwise" branch takes what is left); conditions of measure zero (``Eq(x, c)``) are
dropped. Each E_k comes from the whole engine, one level deeper, after a linear map of the piece onto (0, 1) or
(0, ∞) (:func:`_onto_standard`): Beta integrals, the divergence of E[u^-2] under a density ∝ u. A piece whose
E_k is infinite makes E[f] infinite (P_k > 0), when every piece closes and the infinite ones share a sign.
The ends are read off the conditions as expressions and checked, with the masses summing to 1, at sampled
parameter points; each piece's closed form is checked by quadrature on its own piece (across a break point of
f the quadrature is not accurate enough).
"""

from __future__ import annotations

import math

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.gaussian_tail import interval_integral
from symfisher.core.expectation.strategies.substitution import canonical_in
from symfisher.core.breakpoints import as_piecewise, interval_of
from symfisher.core.evidence import numeric_value
from symfisher.core.indicators import abs_conditions_as_intervals
from symfisher.core.note import PIECEWISE_MIXTURE, Note

SAMPLE_SEEDS = (5, 6, 7)  # parameter points where the pieces are checked: ordered, in the support, of mass 1


def real_number(e, point) -> float | None:
    """The real value of ``e`` at ``point`` (:func:`~symfisher.core.evidence.numeric_value`), None if it has none."""
    v = numeric_value(e, point, 20)
    return v if isinstance(v, float) and not math.isnan(v) else None


def _segments(branches, support, point):
    """The data intervals of each branch at one parameter point, as numbers: its condition's interval within the
    support, less those of the branches before it (a Piecewise takes the first true condition), as a list of parts
    (none for an empty branch; two for an "otherwise" between two others: Huber's tails |u| > k); None when an end
    has no real value."""
    edge = (real_number(support.inf, point), real_number(support.sup, point))
    if None in edge:
        return None
    covered, out = [], []
    for _, _, lo, hi in branches:
        lo_v = edge[0] if lo is None else real_number(lo, point)
        hi_v = edge[1] if hi is None else real_number(hi, point)
        if lo_v is None or hi_v is None:
            return None
        parts = [(max(lo_v, edge[0]), min(hi_v, edge[1]))]
        for c_lo, c_hi in covered:  # remove what an earlier branch took
            parts = [q for a, b in parts for q in ((a, min(b, c_lo)), (max(a, c_hi), b))]
        parts = [(a, b) for a, b in parts if b - a > 1e-9 * max([1.0] + [abs(v) for v in (a, b) if math.isfinite(v)])]
        out.append(parts)
        covered.append((lo_v, hi_v))
    return out


def _pieces_at(branches, support, points):
    """[(condition, value, lower end, upper end)] of the parts of the branches that hold part of the support, the ends
    as expressions (bounds of the conditions or of the support) that give the numeric parts of :func:`_segments` at
    every sampled point; None when no such choice exists (or a branch has a different number of parts at two
    points)."""
    numeric = [_segments(branches, support, point) for point in points]
    if any(n is None for n in numeric):
        return None
    candidates = list(dict.fromkeys([support.inf, support.sup, *(e for b in branches for e in b[2:] if e is not None)]))

    def end(k, q, side):
        for e in candidates:
            values = [real_number(e, point) for point in points]
            if all(v is not None and (v == n[k][q][side] or math.isfinite(v) and abs(
                    v - n[k][q][side]) <= 1e-9 * max(1.0, abs(v))) for v, n in zip(values, numeric)):
                return e
        return None

    raw = []
    for k, (cond, value, _, _) in enumerate(branches):
        counts = {len(n[k]) for n in numeric}
        if len(counts) > 1:
            return None
        if value == 0:
            continue
        for q in range(counts.pop()):
            lo, hi = end(k, q, 0), end(k, q, 1)
            if lo is None or hi is None:
                return None
            raw.append((cond, value, lo, hi))
    return raw or None


def _pieces(engine):
    """[(condition, interval (l, r), probability P_k, x(u), engine of the piece's density in u on (0, 1) or (0, ∞))]
    of the context's density, or None."""
    ctx = engine.ctx
    x = ctx.data[0]
    p, support = as_piecewise(ctx.density), ctx.support[x]
    if p is None or not isinstance(support, sp.Interval):
        return None
    branches = []  # (condition, value, lower bound or None, upper bound or None), in the Piecewise's order
    for value, cond in p.args:
        if value.has(sp.Piecewise):
            return None
        if isinstance(cond, sp.Eq):  # measure zero
            continue
        bounds = interval_of(cond, x)  # relations linear in x, slopes of known sign
        if bounds is None:
            return None
        branches.append((cond, value, *bounds))
    points = [ctx.point(engine.config.seed + s) for s in SAMPLE_SEEDS]
    raw = _pieces_at(branches, support, points)
    if raw is None:
        return None
    out = []
    u = sp.Dummy("u", positive=True)
    for cond, value, lo, hi in raw:
        interval = sp.Interval.open(sp.expand(lo), sp.expand(hi))
        mapped = _onto_standard(value, interval, x, u)  # on u > 0, |x − μ| and sign(x − μ) of a piece resolve
        if mapped is None:
            return None
        inverse, q, target = mapped
        mass = None
        if target.sup == 1:  # ∫₀¹ e^{−a u² + b u} du in erf, which SymPy leaves unevaluated (after 2 s) for symbolic a, b
            mass = engine.hard(interval_integral, q, u, sp.S.Zero, sp.S.One, ctx.sign)
        if mass is None:
            mass = engine.hard(integrate_on_domains, q, u, target, ctx.domains)
        if mass.has(sp.Integral):
            return None
        if mass != 0:  # a piece that carries no probability adds nothing
            out.append((cond, interval, sp.factor(mass), inverse, q, target))
    for point in points:  # the pieces carry all the mass
        total = real_number(sp.Add(*[piece[2] for piece in out]), point) if out else None
        if total is None or abs(total - 1) > 1e-9:
            return None
    built = []
    for k, (cond, interval, mass, inverse, q, target) in enumerate(out):
        sub = ctx.in_variable(u, sp.factor(q / mass), target, sp.Symbol("u", positive=True),
                              f"{ctx.label}, piece {k + 1}")
        built.append((cond, interval, mass, inverse, engine.child(sub)))
    return built


def integrate_on_domains(q: sp.Expr, u: sp.Symbol, target: sp.Interval, domains) -> sp.Expr:
    """∫ q du over ``target``, each symbol of q with a bounded domain (l, h) written l + (h − l)/(1 + t), t > 0 (a
    bijection of (0, ∞) onto (l, h), where both p − l and h − p are evidently positive: the pieces of quantile
    regression at a symbolic τ ∈ (0, 1) decay at the rates τ/σ and (1 − τ)/σ), and put back."""
    forward, back = {}, {}
    for p in q.free_symbols - {u}:
        dom = domains.get(p)
        if isinstance(dom, sp.Interval) and dom.inf.is_finite and dom.sup.is_finite and not p.is_integer:
            t = sp.Dummy(f"t_{p}", positive=True)
            forward[p] = dom.inf + (dom.sup - dom.inf) / (1 + t)
            back[t] = (dom.sup - p) / (p - dom.inf)
    value = sp.integrate(q.xreplace(forward) if forward else q, (u, target.inf, target.sup))
    return sp.factor(value.xreplace(back)) if forward else value


def _onto_standard(density, interval, x, u):
    """(x(u), the density in u, its support) for a piece on ``interval``: x = l + (r − l)·u onto (0, 1), or
    r − (r − l)·u so that a zero of the density (where the score has its pole) is at u = 0 (the atoms then split
    over powers of u there, and only one of them can diverge: not every term of P(u)/(1 − u)²); x = l + u or
    x = r − u onto (0, ∞) for a half-line. The Jacobians r − l and 1 are positive (the pieces were checked to be
    ordered), which a support map reading |r − l| off the interval cannot know. None for the whole line."""
    lo, hi = interval.inf, interval.sup
    left, right = lo != -sp.oo, hi != sp.oo  # finite ends (a symbol without assumptions is not known finite)
    if left and right:
        width = hi - lo
        q = sp.factor(sp.cancel(density.xreplace({x: lo + width * u}) * width))
        if q.subs(u, 1) == 0 and q.subs(u, 0) != 0:
            return hi - width * u, sp.factor(sp.cancel(density.xreplace({x: hi - width * u}) * width)), \
                sp.Interval.open(0, 1)
        return lo + width * u, q, sp.Interval.open(0, 1)
    if left or right:
        inverse = lo + u if left else hi - u
        return inverse, sp.powsimp(sp.factor(density.xreplace({x: inverse}))), sp.Interval.open(0, sp.oo)
    return None


def branch_under(f: sp.Expr, cond, x: sp.Symbol | None = None) -> sp.Expr | None:
    """f on the piece where ``cond`` holds: each ``Piecewise`` replaced by its branch under ``cond`` or (given the data
    symbol x) under a condition on the same interval of x (None when one has no such branch)."""
    missing = []
    interval = None if x is None else interval_of(cond, x)

    def same(c) -> bool:
        if c == cond:
            return True
        other = None if interval is None else interval_of(c, x)
        return interval is not None and other is not None and cond != sp.true and all(
            (e is None and o is None) or (e is not None and o is not None and sp.expand(e - o) == 0)
            for e, o in zip(interval, other))

    def pick(pw):
        for value, c in pw.args:
            if same(c):
                return value
        missing.append(pw)
        return pw

    out = f.replace(lambda e: isinstance(e, sp.Piecewise), pick)
    return None if missing else out


@register("piecewise", "expression")
def piecewise(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if not ctx.univariate or ctx.discrete or engine.depth > 0 or not ctx.density.has(sp.Piecewise):
        return None
    pieces = engine.cached("piecewise-pieces", lambda: _pieces(engine))
    if not pieces:
        return None
    if f.has(sp.DiracDelta):  # a break point's jump term (δ at a piece's end): sifted by the engine, not by pieces
        terms = sp.Add.make_args(f)
        at_breaks = sp.Add(*[t for t in terms if t.has(sp.DiracDelta)])
        rest = f - at_breaks
        if rest == 0:
            return None
        return _sum(piecewise(engine, rest), engine.expect(at_breaks))
    total, used, notes, conditions, signs = sp.Integer(0), [], [], [], set()
    x, u = ctx.data[0], pieces[0][4].ctx.data[0]
    f = abs_conditions_as_intervals(f, [x])  # |u| ≤ k as the density's model wrote it
    for cond, interval, mass, inverse, sub in pieces:
        fk = branch_under(f, cond, x)
        if fk is None:
            return None
        h = canonical_in(fk.xreplace({x: inverse}), u, sub.ctx.support[u])
        r = sub.expect(h)
        if not r.closed or (r.value not in (sp.oo, -sp.oo)
                            and sub.spot_check(h, r.value, conditions=r.conditions) is False):
            return None  # checked piece by piece: quadrature across a break point of f is not accurate enough
        used.extend(s for s in r.strategies if s not in used)
        conditions.extend(c for c in r.conditions if c not in conditions)
        if r.value in (sp.oo, -sp.oo):
            signs.add(r.value)
        else:
            total += mass * r.value
        notes.append(Note.of("on ", interval, " (probability ", mass, ", ", sp.Eq(sp.Symbol("x"), inverse.xreplace(
            {u: sp.Symbol("u")})), ", density ", sub.ctx.density.xreplace({u: sp.Symbol("u")}), " on ",
            sub.ctx.support[u], "): ", r.detail or "closed"))
    if len(signs) > 1:
        return None
    value = signs.pop() if signs else total
    detail = Note.of("piecewise density, ", PIECEWISE_MIXTURE, " over its pieces: ", Note.join("; ", notes),
                     rule="piecewise density")
    return Expectation(value, ("piecewise", *used), detail=detail, conditions=tuple(conditions))


def _sum(a: Expectation | None, b: Expectation) -> Expectation | None:
    """E[f + g] from E[f] (piece by piece) and E[g] (a break point's δ terms), when both close."""
    if a is None or not b.closed:
        return None
    strategies = list(dict.fromkeys((*a.strategies, *b.strategies)))
    conditions = tuple(dict.fromkeys((*a.conditions, *b.conditions)))
    return Expectation(a.value + b.value, tuple(strategies), conditions=conditions,
                       detail=Note.of(a.detail or "closed", "; at the break point: ", b.detail or "closed"))
