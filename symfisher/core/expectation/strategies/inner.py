"""The inner variable of the score: E[f(X)] = E[F(T)] for T = g(X) when f sees x only through g.

When the parameters reach the data through one function g (the logit-normal law through
g(x) = log(x/(1 − x)), the log-Cauchy law through log x), each entry of the score products is a
function of g(x), but splitting it into atoms (E[log x], E[log(1 − x)], …) loses that: the atoms
have no closed form, their sum has. With g strictly monotone on the support and x = g⁻¹(t),

    E[f(X)] = ∫ F(t) q(t) dt,   q(t) = p(g⁻¹(t)) |dg⁻¹/dt|,   t ∈ g(support),

and the model of T (a normal law, a Cauchy law) goes to the whole engine again. Candidates for g:
the data part of a score component ∂_i log p = a(θ) + b(θ) g(x), and the θ-free arguments of the
logarithms in log p. A candidate is used only when F = f∘g⁻¹ is rational in t (times e^{ct} where T is
normal) and dg⁻¹/dt has one sign, proved by SymPy; the map is checked by numbers (g(x(t)) = t, q integrates
to 1) and the value by quadrature in t.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.evidence import NUMERIC_FAILURES, numeric_expectation
from symfisher.core.expectation.base import Expectation, refined_symbol, force_log, linear_terms
from symfisher.core.expectation.inverse import inverse_on
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.gaussian_mgf import normal_law
from symfisher.core.note import Note, eq

MAX_CANDIDATES = 4
SOLVE_SECONDS = 2.0  # for g(x) = t, in a worker
CHECK_SEED = 11
TRY_SECONDS = 1.5  # per entry in the model of T: the linear split in x still gets the rest of the entry's time
MAX_MISSES = 1  # entries a candidate may leave open before it is no longer tried (BoundedPareto: 2.1 s each)


def _score_parts(ctx) -> list[sp.Expr]:
    """g for each score component ∂_i log p = a(θ) + Σ_k b_k(θ) g_k(x) whose data coefficients are
    proportional (b_k = r_k·b, r_k numbers): g = Σ r_k g_k."""
    x = ctx.data[0]
    found = []
    for theta in ctx.params:
        terms = [(c, a) for c, a in linear_terms(sp.diff(ctx.logpdf, theta), ctx.data) if a.has(x)]
        if not terms or any(a.free_symbols & set(ctx.params) for _, a in terms):
            continue
        lead = terms[0][0]
        ratios = [sp.cancel(c / lead) for c, _ in terms]
        if all(r.is_number for r in ratios):
            found.append(sp.Add(*[r * a for r, (_, a) in zip(ratios, terms)]))
    return found


def _log_arguments(ctx) -> list[sp.Expr]:
    """log h(x) for every θ-free, data-dependent argument h of a logarithm in log p."""
    params = set(ctx.params)
    return [e for e in ctx.logpdf.atoms(sp.log) if e.has(ctx.data[0]) and not e.free_symbols & params]


def _affine(g: sp.Expr, x: sp.Symbol) -> bool:
    return g.is_polynomial(x) and sp.degree(g, x) <= 1


def candidates(ctx) -> list[sp.Expr]:
    """Inner functions worth a change of variables, best first (score parts, then logarithms)."""
    x = ctx.data[0]
    out: dict[sp.Expr, None] = {}
    for g in (*_score_parts(ctx), *_log_arguments(ctx)):
        g = sp.expand(g)
        g = g.as_independent(x, as_Add=True)[1]  # an additive constant does not change the map
        if g.has(x) and not _affine(g, x):
            out.setdefault(g, None)
    return list(out)[:MAX_CANDIDATES]


def canonical(e: sp.Expr) -> sp.Expr:
    """Logarithms of single fractions, expanded: log(eᵗ/(eᵗ + 1)) − log(1 − eᵗ/(eᵗ + 1)) → t."""
    return force_log(e.replace(lambda a: isinstance(a, sp.log), lambda a: sp.log(sp.factor(sp.together(a.args[0])))))


def rational_in(h: sp.Expr, t: sp.Symbol, exponentials: bool = False) -> sp.Expr | None:
    """h as a rational function of t (with ``exponentials``: of t and of e^{ct}, c free of t), or ``None``; common
    exponential factors of sums are cancelled first (e⁻ᵗ/(α e⁻ᵗ + 2β t e⁻ᵗ) → 1/(α + 2β t), the Benini score in
    t = log x)."""
    if _rational(h, t, exponentials):
        return h
    h = sp.powsimp(h.replace(lambda e: e.is_Add and e.has(sp.exp), sp.factor_terms))
    return h if _rational(h, t, exponentials) else None


def _rational(h: sp.Expr, t: sp.Symbol, exponentials: bool) -> bool:
    if exponentials:
        h = h.xreplace({e: sp.Dummy() for e in h.atoms(sp.exp) if _affine(e.args[0], t)})
    return h.is_rational_function(t)


def _slope_sign(inverse: sp.Expr, t: sp.Symbol, image: tuple[sp.Expr, sp.Expr]) -> tuple[sp.Expr, int]:
    """(dx/dt, its sign on the image: +1, −1, or 0 when SymPy proves neither). The derivative is factored over one
    denominator first (eᵗ/(eᵗ + 1)² for the logit: a sign SymPy reads off), and simplified only when that leaves the
    sign open (``simplify`` took 0.28 s of the logit's 0.53 s)."""
    derivative = sp.diff(inverse, t)
    lo, hi = sorted(image, key=float) if all(e.is_number for e in image) else image
    for tidy in (lambda e: sp.factor(sp.together(e)), sp.simplify):
        slope = tidy(derivative)
        tries = [slope]
        if lo.is_number and hi.is_number:  # t with the assumptions of its interval (positive on (0, ∞) ...)
            tries.append(slope.xreplace({t: refined_symbol(t, sp.Interval.open(lo, hi))}))
        for s in tries:
            if s.is_positive or s.is_negative:
                return slope, 1 if s.is_positive else -1
    return slope, 0


def _normalized(t, density, image, point) -> bool:
    """The density of T integrates to 1 over its image at ``point`` (a wrong image or Jacobian would show)."""
    try:
        mass = numeric_expectation(sp.Integer(1), density, {t: image}, point)
    except NUMERIC_FAILURES:
        return False
    return abs(mass - 1) <= 1e-6


def _limit(g: sp.Expr, x: sp.Symbol, at: sp.Expr, side: str) -> sp.Expr:
    """lim g(x) as x → ``at`` from ``side``: the sum of the terms' limits where each is real or ±∞ and no two
    diverge to opposite infinities (for log x − log(1 − x) at 0: 0.4 ms, SymPy's limit of the sum 28 ms), else
    SymPy's limit of the whole."""
    parts = [sp.limit(a, x, at, side) for a in sp.Add.make_args(g)]
    usable = all(v in (sp.oo, -sp.oo) or (v.is_finite and v.is_extended_real) for v in parts) \
        and not any(v.has(sp.Limit, sp.AccumBounds) for v in parts)
    return sp.Add(*parts) if usable and not {sp.oo, -sp.oo} <= set(parts) else sp.limit(g, x, at, side)


def change(ctx, g: sp.Expr):
    """(t, x(t), the Context of T = g(X)) or ``None`` when g has no inverse in closed form, is not
    proved monotone, or the density of T keeps x."""
    x = ctx.data[0]
    s = ctx.support[x]
    if not isinstance(s, sp.Interval):
        return None
    ends = (_limit(g, x, s.inf, "+"), _limit(g, x, s.sup, "-"))
    if any(e.has(sp.Limit, sp.nan, sp.zoo, sp.AccumBounds) or e.is_extended_real is False for e in ends):
        return None
    t = sp.Dummy("t", real=True)
    point = ctx.point(CHECK_SEED)
    inverse = inverse_on(g, x, t, s, ends, point, avoid=(sp.LambertW,))
    if inverse is None:
        return None
    slope, sign = _slope_sign(inverse, t, ends)
    if sign == 0:
        return None
    lo, hi = ends if sign > 0 else ends[::-1]  # g increasing iff x(t) increasing
    image = sp.Interval.open(lo, hi)
    logq = canonical(ctx.logpdf.xreplace({x: inverse}) + sp.log(sign * slope))
    if logq.has(x) or logq.has(sp.nan, sp.zoo):
        return None
    if lo.is_number and hi.is_number:  # t with the assumptions of its support
        refined = refined_symbol(t, image)
        inverse, logq, t = inverse.xreplace({t: refined}), logq.xreplace({t: refined}), refined
    density = sp.powsimp(sp.expand(sp.exp(logq), power_exp=True, deep=False))
    if not _normalized(t, density, image, point):
        return None
    sub = ctx.in_variable(t, density, image, sp.Symbol("t", real=True), f"{ctx.label} in t = g(x)", force_log(logq))
    return t, inverse, sub


@register("inner-variable", "expression")
def inner_variable(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if engine.depth > 0 or not ctx.univariate or ctx.discrete:
        return None
    x = ctx.data[0]
    if not f.has(x):
        return None
    misses = engine.cached("inner-misses", dict)  # candidate → entries it left open
    for g in engine.cached("inner-candidates", lambda: candidates(ctx)):
        if misses.get(g, 0) >= MAX_MISSES:
            continue
        found = engine.cached(("inner-change", g), lambda: engine.hard(change, ctx, g, seconds=SOLVE_SECONDS))
        if found is None:
            continue
        t, inverse, sub_ctx = found
        # e^{ct} too where T is normal, which completes the square (a log-normal law's E[X^c] in t = log x); on other
        # laws of T such terms had cost the log-logistic law its proof and the Benini law its closed forms
        normal = engine.cached(("inner-normal", g), lambda: normal_law(sub_ctx) is not None)
        h = rational_in(canonical(f.xreplace({x: inverse})), t, exponentials=normal)
        if h is None:
            continue
        sub = engine.cached(("inner-engine", g), lambda: engine.child(sub_ctx, sibling_without="inner-variable"))
        sub.expensive = False  # the atoms of T by the cheap strategies only: where they fail, the linear split
        # of f in x (next) gets the time (the Benini law in t = log x needed erfc integrals: 3 s lost per entry)
        with engine.within(TRY_SECONDS, hard=True):
            r = sub.expect(h)
        if not r.closed:
            misses[g] = misses.get(g, 0) + 1
        # quadrature in t: the log-Cauchy law's mass spread over x up to e^(10⁶) defeats quadrature in x
        if not r.closed or sub.spot_check(h, r.value, conditions=r.conditions) is False:
            continue
        user_t = sp.Symbol("t")
        detail = Note.of("inner variable ", eq(user_t, g.xreplace(ctx.to_user)), ", density ",
                         sub_ctx.density.xreplace({t: user_t}), " on ", sub_ctx.support[t],
                         *(("; ", r.detail) if r.detail else ()), rule="inner variable")
        return Expectation(r.value, ("inner-variable", *r.strategies), detail=detail, conditions=r.conditions)
    return None
