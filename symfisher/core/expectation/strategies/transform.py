"""Transforms: compute one generating function in closed form, then differentiate it.

* positive support: the Mellin transform M(t, u) = E[X^t (1−X)^u] (u only on (0, 1)), and
  E[X^a (1−X)^b (log X)^m (log(1−X))^n] = ∂^m_t ∂^n_u M at (a, b);
* real support:     the moment generating function M(t) = E[e^{tX}], and E[X^m e^{cX}] = M^{(m)}(c);
* counts on ℕ₀:     the probability generating function G(z) = E[z^X], E[X^m] from its derivatives
  at z = 1 through Stirling numbers of the second kind.
M is found once per model (Euler integrals first, then ``integrate``/``summation`` under a hard
time limit) and checked by quadrature at a random point before use.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation, limits_in_turn, settle_conditions, with_conditions
from symfisher.core.expectation.strategies.euler import EulerResult, euler_integral, settle
from symfisher.core.expectation.registry import register
from symfisher.core.special_forms import simplify_value
from symfisher.core.note import ExpectedValue, Note, eq
from symfisher.errors import BudgetExceeded


def _mellin_parts(g: sp.Expr, x: sp.Symbol, unit: bool):
    """(a, b, m, n, c) with g = c·x^a (1−x)^b log(x)^m log(1−x)^n, c = ±1, or ``None``; (x − 1)^k with k an integer
    is (−1)^k (1 − x)^k (a standardized four-parameter Beta law's score holds 1/(y − 1))."""
    a = b = sp.Integer(0)
    m = n = 0
    sign = sp.Integer(1)
    for factor in sp.Mul.make_args(g):
        base, e = factor.as_base_exp()
        if e.has(x):
            return None
        if base == x:
            a += e
        elif unit and sp.expand(base - (1 - x)) == 0:
            b += e
        elif unit and e.is_Integer and sp.expand(base + (1 - x)) == 0:
            b += e
            sign *= (-1) ** e
        elif base.func is sp.log and e.is_Integer and e > 0:
            arg = base.args[0]
            if arg == x:
                m += int(e)
            elif unit and sp.expand(arg - (1 - x)) == 0:
                n += int(e)
            else:
                return None
        else:
            return None
    return a, b, m, n, sign


def _mgf_parts(g: sp.Expr, x: sp.Symbol):
    """(c, m) with g = x^m e^{c x}, or ``None``."""
    c, m = sp.Integer(0), 0
    for factor in sp.Mul.make_args(sp.powsimp(g)):
        if factor.func is sp.exp:
            lin = sp.expand(factor.args[0])
            coeff, rest = lin.as_independent(x, as_Add=False)
            if rest != x:
                return None
            c += coeff
            continue
        base, e = factor.as_base_exp()
        if base == x and e.is_Integer and e > 0:
            m += int(e)
        else:
            return None
    return c, m


def _integrate(expr, x, lo, hi):
    return with_conditions(sp.integrate(expr, (x, lo, hi), conds="piecewise"))


def _sum(expr, x, lo, hi):
    """Σ expr over x = lo, …, hi: a hypergeometric series in closed form (:func:`hypergeometric_sum`) where it is one,
    else SymPy's ``summation``."""
    found = hypergeometric_sum(expr, x) if lo == 0 and hi is sp.oo else None
    return found if found is not None else with_conditions(sp.summation(expr, (x, lo, hi)))


def hypergeometric_sum(term: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, tuple[sp.Basic, ...]] | None:
    """Σ_{x ≥ 0} term(x) when the term ratio is rational, term(x + 1)/term(x) = c·Π(x + aᵢ)/((x + 1)·Π(x + bⱼ)):
    then the sum is term(0)·pFq(a; b; c), in closed form by ``hyperexpand``, for |c| < 1 when p = q + 1 (the
    negative binomial's pgf: 1F0(r; ; (1 − p)z) = (1 − (1 − p)z)^(−r)). ``None`` when the ratio is not rational
    with linear factors, the series diverges (p > q + 1), or hyperexpand leaves pFq. SymPy's ``summation`` finds
    the same series after trying other methods first (0.24 s for the negative binomial's pgf)."""
    first = term.subs(x, 0)
    if first == 0 or first.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    ratio = sp.Mul(*[_step_ratio(f, x) for f in sp.Mul.make_args(term) if f.has(x)])
    if ratio.has(x) and not ratio.is_rational_function(x):
        return None
    num, den = sp.fraction(sp.factor(sp.together(ratio)))
    tops, bottoms = _linear_roots(num, x), _linear_roots(den, x)
    if tops is None or bottoms is None:
        return None
    c = sp.Poly(num, x).LC() / sp.Poly(den, x).LC()
    a, b = [-r for r in tops], [-r for r in bottoms]
    if 1 in b:
        b.remove(1)  # the (x + 1) of the series' x!
    else:
        a.append(sp.Integer(1))
    if len(a) > len(b) + 1 or any(v.is_integer and v.is_nonpositive for v in b):
        return None
    if not b and len(a) <= 1:  # e^c and the binomial series (1 − c)^(−a): no formula table (hyperexpand builds
        value = sp.exp(c) if not a else (1 - c) ** (-a[0])  # one per process, 0.27 s, lost with a worker)
    else:
        value = sp.hyperexpand(sp.hyper(a, b, c))
    if value.has(sp.hyper, sp.meijerg):
        return None
    return first * value, (sp.Abs(c) < 1,) if len(a) == len(b) + 1 else ()


def _step_ratio(f: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """f(x + 1)/f(x) for one factor of a term: b^{e(x+1) − e(x)} for a power b^{e(x)} with b free of x (whatever the sign
    of b: (z(1 − p))^x steps by z(1 − p)), else by ``combsimp`` (binomials, factorials, Γ)."""
    base, e = f.as_base_exp()
    if not base.has(x):
        return base ** sp.expand(e.subs(x, x + 1) - e)
    return sp.combsimp(f.subs(x, x + 1) / f)


def _linear_roots(p: sp.Expr, x: sp.Symbol) -> list[sp.Expr] | None:
    """The roots of the polynomial p in x with multiplicity, when it splits into linear factors; else ``None``."""
    poly = sp.Poly(p, x)
    roots = sp.roots(poly, x, multiple=True)
    return roots if len(roots) == poly.degree() else None


def _generating_function(engine, kind: str, direct: bool = True):
    """(t, u, M, rule, Euler result or SymPy's conditions) for the transform ``kind``, ``None`` when it has no closed
    form, or ``DEFERRED`` when only SymPy's ``integrate`` could find it and ``direct`` is false (the cheap pass)."""
    ctx = engine.ctx
    x = ctx.data[0]
    s = ctx.support[x]
    lo, hi = s.inf, s.sup
    t, u = sp.Dummy("t", real=True), sp.Dummy("u", real=True)
    if kind == "mellin":
        kernel = x**t * ((1 - x) ** u if hi == 1 else 1)
    elif kind == "mgf":
        kernel = sp.exp(t * x)
    else:
        t = sp.Dummy("z", positive=True)
        kernel = t**x
    # (b·x − a·x)^c as x^c (b − a)^c: a support mapped onto (0, 1) writes the density so, and Euler's integral
    # needs the power of x alone
    density = ctx.density.replace(lambda e: e.is_Pow and e.base.is_Add and e.base.has(x),
                                  lambda e: sp.factor_terms(e.base) ** e.exp)
    integrand = sp.powsimp(sp.expand_power_base(kernel * density))  # splits off positive factors only
    rule, euler, conditions = None, None, ()
    if kind in ("mellin", "mgf"):
        euler = euler_integral(integrand, x, lo, hi)
        if euler is not None:
            value, rule = euler.value, euler.rule
        elif not direct:
            return DEFERRED
        else:
            try:
                found = engine.hard(_integrate, integrand, x, lo, hi)
            except BudgetExceeded:
                if engine.budget.expired():  # the entry ran out: another entry may try again
                    raise
                found = None  # integrate had all of Config.atom_timeout: remembered as no closed form
            value, conditions = found if found is not None else (None, ())
    else:
        found = engine.hard(_sum, integrand, x, lo, hi)
        value, conditions = found if found is not None else (None, ())
    if value is None:
        return None
    return t, u, sp.simplify(value) if sp.count_ops(value) < 200 else value, rule, euler or conditions


DEFERRED = "deferred"  # the transform needs SymPy's integrate: not in the cheap pass


def _transform(engine, g: sp.Expr, kind: str):
    """The generating function of ``kind`` ("mellin" or "mgf"), memoized per model. In the cheap pass only the Euler
    integrals are tried: SymPy's ``integrate`` (seconds, often in vain) waits for the expensive pass, so a cheaper
    strategy further down the order (a substitution) answers first where it can."""
    if engine.cheap_pass:
        found = engine.cached(f"{kind}-euler", lambda: _generating_function(engine, kind, direct=False))
        if found is not DEFERRED:
            return found
        engine.later(g, "transform")
        return None
    return engine.cached(kind, lambda: _generating_function(engine, kind))


def _accept(engine, g, value, conditions=()) -> bool:
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_finite and value.is_finite is not None:
        return False
    return engine.spot_check(g, value, conditions=conditions) is not False


@register("transform", "atom")
def transform(engine, g: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if not ctx.univariate or ctx.support_depends_on_params:
        return None
    x = ctx.data[0]
    s = ctx.support[x]
    if ctx.discrete:
        if s.inf != 0:
            return None
        poly = sp.Poly(g, x) if g.is_polynomial(x) else None
        if poly is None:
            return None
        gf = engine.cached("pgf", lambda: _generating_function(engine, "pgf"))
        if gf is None:
            return None
        z, _, G, _, found = gf
        status, conditions = _conditions_at(engine, found, {z: 1})
        if status in ("diverges", "unknown"):
            return None
        value = sp.Integer(0)
        for (deg,), coeff in poly.terms():
            fact = sum(sp.functions.combinatorial.numbers.stirling(deg, j) * sp.diff(G, z, j).subs(z, 1)
                       for j in range(deg + 1))
            value += coeff * fact
        value = sp.simplify(value)
        zu = sp.Symbol("z")
        detail = Note.of("probability generating function ", eq(sp.Function("G")(zu), G.xreplace({z: zu})),
                         rule="probability generating function")
        return Expectation(value, ("transform:pgf",), detail=detail, conditions=conditions) \
            if _accept(engine, g, value, conditions) else None
    if s.inf == 0 and s.sup in (1, sp.oo):
        parts = _mellin_parts(g, x, unit=s.sup == 1)
        if parts is None:
            return None
        gf = _transform(engine, g, "mellin")
        if gf is None:
            return None
        t, u, M, rule, euler = gf
        a, b, m, n, sign = parts
        status, conditions = _conditions_at(engine, _log_orders(euler, m, n), {t: a, u: b})
        if status in ("diverges", "unknown"):
            return None
        value = sp.diff(M, t, m, u, n) if n else sp.diff(M, t, m)
        value = _continued(engine, value, ((t, a), (u, b)))
        if value is None:
            return None
        value = simplify_value(sign * value)
        name = "transform:mellin"
        X, tu, uu = sp.Symbol("X"), sp.Symbol("t"), sp.Symbol("u")
        moment = ExpectedValue(X**tu * (1 - X)**uu if s.sup == 1 else X**tu)
        detail = Note.of("Mellin transform ", eq(moment, M.xreplace({t: tu, u: uu})), f" ({rule})" if rule else "",
                         rule="Mellin transform")
    elif s == sp.S.Reals:
        parts = _mgf_parts(g, x)
        if parts is None:
            return None
        gf = _transform(engine, g, "mgf")
        if gf is None:
            return None
        t, _, M, rule, euler = gf
        c, m = parts
        status, conditions = _conditions_at(engine, euler, {t: c})
        if status in ("diverges", "unknown"):
            return None
        value = simplify_value(sp.diff(M, t, m).subs(t, c))
        name = "transform:mgf"
        tu = sp.Symbol("t")
        detail = Note.of("moment generating function ", eq(sp.Function("M")(tu), M.xreplace({t: tu})),
                         rule="moment generating function")
    else:
        return None
    return Expectation(value, (name,), detail=detail, conditions=conditions) \
        if _accept(engine, g, value, conditions) else None


def _log_orders(found, m: int, n: int):
    """The convergence conditions of ∫ x^a (1−x)^b log(x)^m log(1−x)^n p(x) dx on (0, 1) instead of those of M.

    log(x)^m vanishes like (x − 1)^m at 1 and log(1 − x)^n like xⁿ at 0, so the atom converges on a wider
    region than the Beta integral M(t, u) (log x/(1 − x) under the uniform, Kumaraswamy's
    x^a log²x/(1 − x^a)² for b ≤ 2). There the atom is analytic in (t, u) and θ, and equals ∂ᵐₜ∂ⁿᵤM where
    M converges, so it is the analytic continuation of that derivative (a removable singularity of the
    formula is resolved by a limit in :func:`_continued`)."""
    if not isinstance(found, EulerResult) or found.rule != "Beta integral" or not (m or n):
        return found
    first, second = found.conditions
    return EulerResult(found.value, (first + n, second + m), found.rule, found.requires, found.sign)


def _continued(engine, value: sp.Expr, point) -> sp.Expr | None:
    """value at the point ((t, a), (u, b)); where the formula is 0/0 there, its limit (``None`` if SymPy
    cannot take it in a second)."""
    at = value.subs(dict(point))
    if not at.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return at
    found = engine.hard(limits_in_turn, value, tuple(point), seconds=1.0)
    return None if found is None or found.has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.Limit) else found


def _conditions_at(engine, found: EulerResult | tuple, at: dict) -> tuple[str, tuple[sp.Basic, ...]]:
    """Whether the transform's integral converges at the point used, and the conditions left on θ.

    ``found``: the Euler integral behind the transform (see :func:`settle`), or SymPy's conditions.
    """
    if not isinstance(found, EulerResult):
        try:
            there = tuple(sp.sympify(c).subs(at) for c in found)
        except TypeError:  # SymPy's condition is undefined there: |arg(t)| ≤ π/2 at t = 0 ("Invalid NaN comparison")
            return "unknown", ()
        return settle_conditions(there, engine.ctx.domains)
    euler = found
    return settle(EulerResult(euler.value, tuple(c.subs(at) for c in euler.conditions), euler.rule,
                              tuple(c.subs(at) for c in euler.requires), euler.sign))
