"""Substitutions that map a density onto a simpler one, then reuse the whole engine there.

* power:  u = x^k when the density holds exp(−c·x^k) (Weibull-type kernels become exponential);
* exponential: u = e^{cx} on ℝ (onto (0, ∞)), or on a half-line (a, ∞) with c > 0 (onto (e^{ca}, ∞): Gompertz
  becomes a shifted exponential), when the density holds e^{a + cx} (Gumbel, logistic and, once cosh, sech
  and tanh are written with exponentials, hyperbolic-secant kernels become Gamma or Beta-prime ones);
* probability integral transform: u = F(x) with F the CDF in closed form, so U is uniform on (0, 1)
  and every atom becomes a function on (0, 1) (logistic-type kernels become Beta integrals);
* rational and power maps onto (0, 1) for a binomial kernel (1 ± L·x^K)^e: u = L x^K/(1 + L x^K) on (0, ∞)
  (Beta-prime kernels: Burr XII, Lomax, log-logistic, Dagum) and u = x^K on (0, 1) (Kumaraswamy).
The change of variables is exact: q(u) = p(x(u))·|dx/du|.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.deadline import run_with_deadline
from symfisher.errors import BudgetExceeded
from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.inverse import inverse_on
from symfisher.core.expectation.registry import register
from symfisher.core.simplify import HYPERBOLIC, logs_as_powers, on_domains
from symfisher.core.special_forms import simplify_value
from symfisher.core.expectation.strategies.euler import _binomial
from symfisher.core.note import Note, eq


def simplify_powers(e: sp.Expr) -> sp.Expr:
    """Powers denested, their bases expanded and recombined, symbolic exponents cancelled. Nothing to do when every
    power has an integer exponent and there is no exponential (a rational function of u, log u and log(1 − u) after
    :func:`rational_on_unit`: 1.6 s of the trapezoidal law's 72 pieces of entries, for no change)."""
    if not e.has(sp.exp) and all(p.exp.is_Integer for p in e.atoms(sp.Pow)):
        return e
    e = sp.powsimp(sp.expand_power_base(sp.powdenest(e, force=True), force=True), force=True)
    e = e.replace(lambda w: w.is_Pow and not w.exp.is_number, lambda w: w.base ** sp.cancel(w.exp))
    return e.replace(lambda w: w.is_Pow and w.exp == 1, lambda w: w.base)  # powsimp can leave b**1 unevaluated


def _power_exponents(density: sp.Expr, x: sp.Symbol):
    for e in density.atoms(sp.exp):
        for term in sp.Add.make_args(sp.expand(e.args[0])):
            _, rest = term.as_independent(x, as_Add=False)
            base, k = rest.as_base_exp()
            if base == x and k != 1 and not k.has(x):
                yield k


def _cdf_inverse(density, x, lo):
    F = sp.integrate(density, x)  # an antiderivative, then its limit at the lower end (cheaper than definite)
    if F.has(sp.Integral):
        return None
    F = F - sp.limit(F, x, lo)
    if F.has(sp.Limit, sp.nan, sp.oo, -sp.oo, sp.zoo):
        return None
    F = sp.simplify(F)
    u = sp.Dummy("u", positive=True)
    # x = F⁻¹(u) must be defined on all of (0, 1): solve answers a piecewise density (an indicator of θ in
    # it, 1/(t0 + 1) for x < t0 + 1) with Piecewise((…, u(t0 + 1) ≤ 0), (nan, True)), no inverse at all there
    sols = [s for s in sp.solve(sp.Eq(F, u), x) if not s.has(sp.I, sp.nan, sp.zoo)]
    return (F, u, sols[0]) if len(sols) == 1 else None



def _exponential_form(e: sp.Expr) -> sp.Expr:
    """Hyperbolic functions written with exponentials (sech(x) = 2/(eˣ + e⁻ˣ)), so u = e^{cx} reaches them."""
    return e.rewrite(sp.exp) if e.has(*HYPERBOLIC) else e


def _exp_rates(density: sp.Expr, x: sp.Symbol) -> list[sp.Expr]:
    """The rates c of the exponentials e^{a + cx} in the density (negative first: Gumbel, logistic)."""
    rates: dict[sp.Expr, None] = {}
    for e in sp.powsimp(sp.expand(_exponential_form(density), power_exp=True)).atoms(sp.exp):
        arg = sp.expand(e.args[0])
        c = arg.coeff(x)
        if c != 0 and not c.has(x) and (arg - c * x).free_symbols.isdisjoint({x}) and c.is_real:
            rates[c] = None
    return sorted(rates, key=lambda c: (not c.is_negative, sp.default_sort_key(c)))[:1]


def _exp_image(s: sp.Set, c: sp.Expr) -> sp.Interval | None:
    """The image of the support under u = e^{cx}: (0, ∞) from ℝ; (e^{ca}, ∞) from a half-line (a, ∞) with c > 0
    (Gompertz: u = e^{bx} from (0, ∞) onto (1, ∞), a shifted exponential), (0, e^{ca}) with c < 0 (the exponentiated
    exponential law α(1 − e^{−x})^{α−1}e^{−x}: u = e^{−x} from (0, ∞) onto (0, 1), a Beta(1, α) law); ``None`` for
    other supports."""
    if s == sp.S.Reals:
        return sp.Interval.open(0, sp.oo)
    if isinstance(s, sp.Interval) and s.sup is sp.oo and s.inf.is_finite and (c.is_positive or c.is_negative):
        return sp.Interval.open(sp.exp(c * s.inf), sp.oo) if c.is_positive else sp.Interval.open(0, sp.exp(c * s.inf))
    return None


def _even(ctx, x) -> bool:
    p = ctx.logpdf
    return sp.expand(p.xreplace({x: -x}) - p) == 0


def _candidates(engine):
    """(label, u, x(u), support of u, even_only[, |dx/du|]) for each applicable change of variables."""
    ctx = engine.ctx
    x = ctx.data[0]
    s = ctx.support[x]
    xu, v = ctx.to_user.get(x, x), sp.Symbol("u")  # as the notes show them
    for c in _exp_rates(ctx.density, x):
        target = _exp_image(s, c)
        if target is not None:
            u = sp.Dummy("u", positive=True)
            yield Note.of(eq(v, sp.exp(c * xu))), u, sp.log(u) / c, target, False
    if s == sp.S.Reals and _even(ctx, x):
        u = sp.Dummy("u", positive=True)
        label = Note.of(eq(v, sp.Abs(xu)), " (symmetric density, even integrand)")
        yield label, u, u, sp.Interval.open(0, sp.oo), True
    if s in (sp.Interval.open(0, sp.oo), sp.Interval(0, sp.oo)):
        for k in dict.fromkeys(_power_exponents(ctx.density, x)):
            u = sp.Dummy("u", positive=True)
            yield Note.of(eq(v, xu ** k)), u, u ** (1 / k), sp.Interval.open(0, sp.oo), False
    if isinstance(s, sp.Interval):  # before the binomial maps: the exponent's own variable is the natural one
        yield from _inner_candidates(engine, x, s, xu, v)
    yield from _binomial_candidates(ctx.density, x, s, xu, v)


def _binomial_bases(density: sp.Expr, x: sp.Symbol):
    """(L, K) for every factor (c + c·L·x^K)^e of the density, read after exp(e·log B) → B^e and factoring
    (standardized densities carry (1 + y)^α as exp(α·log(1 + y)), sums of such terms as y·e^… + e^…)."""
    try:
        d = sp.powsimp(sp.factor(logs_as_powers(density, expand=True)))
    except (sp.PolynomialError, NotImplementedError, TypeError, ValueError):
        return
    for w in sp.Mul.make_args(d):
        base, e = w.as_base_exp()
        if base.is_Add and base.has(x) and not e.has(x) and (found := _binomial(base, x)) is not None:
            yield found[1], found[2]


def _binomial_candidates(density, x, s, xu, v):
    """Beta and Beta-prime kernels behind a power of x inside a binomial:

    * on (0, ∞), (1 + L·x^K)^e: u = L x^K/(1 + L x^K) maps onto (0, 1), and x^K, log x, log(1 + L x^K) become
      rational in u, log u, log(1 − u) (Burr XII, Lomax, log-logistic, Dagum become Beta densities);
    * on (0, 1), (1 − x^K)^e with K ≠ 1: u = x^K stays on (0, 1) (Kumaraswamy becomes Beta(1, b)).
    """
    half = s in (sp.Interval.open(0, sp.oo), sp.Interval(0, sp.oo))
    unit = s in (sp.Interval.open(0, 1), sp.Interval(0, 1))
    if not (half or unit):
        return
    for lam, k in dict.fromkeys(_binomial_bases(density, x)):
        if not (k.is_positive or k.is_negative) or k.has(x) or lam.has(x):
            continue
        u = sp.Dummy("u", positive=True)
        if half and lam.is_positive:
            yield (Note.of(eq(v, lam * xu**k / (1 + lam * xu**k))), u, (u / (lam * (1 - u))) ** (1 / k),
                   sp.Interval.open(0, 1), False)
        elif unit and lam == -1 and k != 1 and k.is_positive:
            yield Note.of(eq(v, xu**k)), u, u ** (1 / k), sp.Interval.open(0, 1), False


def _exponent_inner_functions(density: sp.Expr, x: sp.Symbol):
    """The functions h(x) of the terms c·h(x) in the density's exponents that are a power of a sum or an exponential:
    (1 + λx)^α in exp(1 − (1 + λx)^α) (Nadarajah–Haghighi), e^{x^β} in exp(x^β + λ − λe^{x^β}) (Chen). Powers of x
    itself have their own candidates."""
    for e in density.atoms(sp.exp):
        for term in sp.Add.make_args(sp.expand(e.args[0], power_exp=False)):
            _, h = term.as_independent(x, as_Add=False)
            if h.has(x) and (h.is_Pow and h.base.is_Add or isinstance(h, sp.exp) and sp.diff(h.args[0], x, 2) != 0):
                yield h  # (e^{cx} has its own candidate)


def _monotone_inverse(h: sp.Expr, x: sp.Symbol, s: sp.Interval, u: sp.Symbol, point: dict):
    """(x(u), image of s, |dx/du|) when h is strictly monotone on s (its derivative of one sign by the assumptions)
    and u = h(x) has one solution (checked by numbers at ``point``); else ``None``."""
    slope = sp.diff(h, x)
    if not (slope.is_positive or slope.is_negative):
        return None
    ends = [sp.limit(h, x, s.inf, "+"), sp.limit(h, x, s.sup, "-")]
    if any(e.has(sp.Limit, sp.nan, sp.zoo) for e in ends):
        return None
    inverse = inverse_on(h, x, u, s, ends, point)
    if inverse is None:
        return None
    lo, hi = ends if slope.is_positive else ends[::-1]
    jacobian = sp.diff(inverse, u) * (1 if slope.is_positive else -1)  # |dx/du|, its sign known: no Abs
    return inverse, sp.Interval.open(lo, hi), jacobian


INVERSE_SEED = 13  # the parameter point at which a solution of u = h(x) is checked


def _inner_candidates(engine, x, s, xu, v):
    """u = h(x) for an inner function h of the exponents (:func:`_exponent_inner_functions`), strictly monotone on
    the support: exp(1 − (1 + λx)^α) becomes e^{1−u} on (1, ∞), exp(λ − λe^{x^β}) becomes λe^{λ(1−u)} on (1, ∞)."""
    for h in dict.fromkeys(_exponent_inner_functions(engine.ctx.density, x)):
        u = sp.Dummy("u", positive=True)
        try:
            found = engine.hard(_monotone_inverse, h, x, s, u, engine.ctx.point(INVERSE_SEED),
                                seconds=engine.config.atom_timeout)
        except (BudgetExceeded, NotImplementedError, ValueError, TypeError):
            continue
        if found is not None:
            yield Note.of(eq(v, h.xreplace({x: xu}))), u, found[0], found[1], False, found[2]


ELEMENTARY = (sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc, sp.asin, sp.acos, sp.atan, *HYPERBOLIC)


def _elementary_in(f: sp.Expr, x: sp.Symbol) -> bool:
    """Whether every function of x in f is elementary (no erfc(x), Bessel or Γ of x)."""
    return all(isinstance(a, ELEMENTARY) for a in f.atoms(sp.Function) if a.has(x))


def _cdf_candidate(engine):
    """u = F(x) when the CDF and its inverse have closed forms (costly: an antiderivative and a solve). A density
    holding a non-elementary function of x (the exponentially modified Gaussian's erfc) is not tried: the inverse
    of its CDF would solve an equation in that function, which SymPy cannot (an antiderivative of up to 8 s for
    nothing)."""
    ctx = engine.ctx
    x = ctx.data[0]
    s = ctx.support[x]
    if s.inf.is_number and s.sup.is_number and _elementary_in(ctx.density, x):
        try:
            found = engine.hard(_cdf_inverse, ctx.density, x, s.inf, seconds=2 * engine.config.atom_timeout)
        except (BudgetExceeded, NotImplementedError, ValueError, TypeError):
            found = None  # no CDF or no inverse (in time): the other candidates still count
        if found is not None:
            F, u, inv = found
            xu = ctx.to_user.get(x, x)
            cdf = sp.Function("F")(xu)
            yield (Note.of(eq(sp.Symbol("u"), cdf), " with ", eq(cdf, F.xreplace(ctx.to_user))), u, inv,
                   sp.Interval.open(0, 1), False)


def unit_interval(expr: sp.Expr, u: sp.Symbol) -> sp.Expr:
    """Canonical form for u ∈ (0, 1): |u − 1| → 1 − u (|g| of g linear in u whose sign is the same at both ends: no
    root inside) and log(±u^a (u−1)^b) → a log u + b log(1 − u)."""
    def fix_abs(e):
        inner = e.args[0]
        if sp.Poly(inner, u).degree() == 1 if inner.is_polynomial(u) else False:
            ends = (inner.subs(u, 0), inner.subs(u, 1))
            if all(v.is_nonnegative for v in ends):
                return inner
            if all(v.is_nonpositive for v in ends):
                return -inner
        return e

    def fix_log(e):
        num, den = sp.fraction(sp.factor(e.args[0]))
        total, sign = sp.Integer(0), sp.Integer(1)
        for part, k in ((num, 1), (den, -1)):
            c, factors = sp.factor_list(part, u)
            sign *= sp.sign(c) ** k
            total += k * sp.log(sp.Abs(c))
            for f, m in factors:
                if f == u:
                    total += k * m * sp.log(u)
                elif sp.expand(f - (u - 1)) == 0:
                    total += k * m * sp.log(1 - u)
                    sign *= (-1) ** m
                elif sp.expand(f - (1 - u)) == 0:
                    total += k * m * sp.log(1 - u)
                else:
                    return e
        return total if sign == 1 else e

    expr = expr.replace(lambda e: isinstance(e, sp.Abs) and e.has(u), fix_abs)
    return expr.replace(lambda e: e.func is sp.log and e.has(u) and e.args[0].is_rational_function(u), fix_log)


def canonical_in(h: sp.Expr, u: sp.Symbol, support: sp.Set) -> sp.Expr:
    """h(u) ready for the engine on ``support``: logarithms expanded and powers simplified, and on (0, 1) brought to
    P/(u^a (1 − u)^b) by :func:`unit_interval` and :func:`rational_on_unit` (Mellin-ready atoms)."""
    if support == sp.Interval.open(0, 1):
        h = rational_on_unit(sp.expand_log(unit_interval(h, u), force=True), u)
    return simplify_powers(sp.expand_log(h, force=True))


def rational_on_unit(h: sp.Expr, u: sp.Symbol) -> sp.Expr:
    """Bring h, rational in u, log u and log(1 − u), to P/(u^a (1 − u)^b): Mellin-ready atoms."""
    L1, L2 = sp.Dummy("L1"), sp.Dummy("L2")
    w = h.xreplace({sp.log(u): L1, sp.log(1 - u): L2})
    if w.has(u) and not w.is_rational_function(u, L1, L2) or w.has(sp.log):
        return h
    # lowest terms by factor of one fraction (together first), not cancel: the same 139 forms over the atoms of eight
    # laws on (0, 1), in 1.7 s instead of 3.0 s (cancel expands numerator and denominator before it divides)
    num, den = sp.fraction(sp.factor(sp.together(w)))
    den = den.replace(lambda e: e.is_Pow and sp.expand(e.base - (u - 1)) == 0 and e.exp.is_Integer,
                      lambda e: (-1) ** e.exp * (1 - u) ** e.exp)
    if any(sp.expand(f - (u - 1)) == 0 for f in sp.Mul.make_args(den)):  # a bare u − 1: −(1 − u) would
        den, num = den.xreplace({u - 1: 1 - u}), -num  # re-evaluate to u − 1, so move its sign to the numerator
    return (sp.expand(num) / den).xreplace({L1: sp.log(u), L2: sp.log(1 - u)})


def pull_back(expr: sp.Expr, x: sp.Symbol, u: sp.Symbol, inverse: sp.Expr) -> sp.Expr:
    """expr with x = inverse(u) substituted; when the map holds 1 − u (u = L x^K/(1 + L x^K)), 1 − u is
    carried as a positive symbol w while powers are denested and bases factored, and u + w = 1 is used:
    1 + L·x^K becomes 1/(1 − u) instead of SymPy's (−1)^(1/K)·(1/(u − 1))^(1/K) forms."""
    w = sp.Dummy("w", positive=True)
    inv_w = inverse.xreplace({1 - u: w})
    if inv_w == inverse:
        return expr.xreplace({x: inverse})
    e = expr.xreplace({x: inv_w}).xreplace({1 - u: w, u - 1: -w})
    e = sp.powdenest(sp.expand_power_base(e, force=True), force=True)

    def unit_sum(a: sp.Expr) -> sp.Expr:
        return sp.factor(a).xreplace({u + w: sp.Integer(1)})

    e = e.replace(lambda a: a.is_Add and a.has(u) and a.has(w), unit_sum)
    e = e.replace(lambda a: a.is_Add and a.has(u) and not a.has(w) and a.is_rational_function(u), sp.factor)
    e = e.replace(lambda a: a.is_Add and a.has(u) and a.has(w), unit_sum)
    return sp.powsimp(sp.expand_power_base(e, force=True)).xreplace({w: 1 - u})


PIECEWISE_SIMPLIFY_SECONDS = 2.0  # simplify of a changed density that is a Piecewise


def factored_bases(q: sp.Expr, u: sp.Symbol, target: sp.Set, domains) -> sp.Expr:
    """Fractional powers of polynomials in u split into a θ-factor and factors of u of one sign on ``target``:
    √(−u(a − b)² + (a − b)²) → √((a − b)²)·√(1 − u) on (0, 1) (the arcsine law after its support map), so that
    Euler's integrals see u^α (1 − u)^β. (θ·f)^e = θ^e f^e needs θ ≥ 0 and f > 0: the θ-factor counts when it is a
    square or positive on the domains, a factor of u when its coefficients are numbers and it has no root inside
    ``target`` (its sign at one inner point is then its sign there; a negative one is negated)."""
    inner = _inside(target)

    def split(w):
        base, e = w.as_base_exp()
        num, den = sp.fraction(sp.together(base))  # factor_list refuses u/s + 1: numerator and denominator apart
        c, factors = sp.factor_list(num)
        c_den, factors_den = sp.factor_list(den)
        factors += [(f, -m) for f, m in factors_den]
        theta, rest = sp.sympify(c) / c_den, []
        for f, m in factors:
            if not f.has(u):
                theta *= f**m
                continue
            if f.free_symbols != {u} or _root_inside(f, u, target):
                return w
            if f.subs(u, inner).is_negative:
                f, theta = -f, theta * (-1)**m
            rest.append(f**m)
        square = theta.is_Pow and theta.exp.is_even and theta.base.is_real
        if not rest or not (square or on_domains(theta, domains).is_positive):
            return w
        return theta**e * sp.Mul(*[f**e for f in rest])

    return q.replace(lambda w: isinstance(w, sp.Pow) and not w.exp.is_Integer and w.base.is_Add
                     and w.base.is_polynomial(u) and w.base.has(u), split)


def _root_inside(f: sp.Expr, u: sp.Symbol, target: sp.Set) -> bool:
    """Whether the polynomial f (numeric coefficients) has a real root strictly inside ``target``."""
    return any(target.inf < r < target.sup for r in sp.Poly(f, u).real_roots())


def _inside(target: sp.Set) -> sp.Expr:
    """A point inside ``target``, (0, 1) or (0, ∞)."""
    return sp.Rational(1, 2) if target.sup == 1 else sp.Integer(1)


def _euler_ready(q: sp.Expr, u: sp.Symbol) -> bool:
    """Whether q is a product of factors free of u, powers of u and of linear polynomials in u, and an exponential
    of a polynomial in u: the form SymPy's ``simplify`` would not change but for cosmetics (0.07 s on the Lomax law's
    density in u = y/(1 + y)), and the form the Euler and Gamma integrals read."""
    for f in sp.Mul.make_args(q):
        base, e = f.as_base_exp()
        if not f.has(u) or (base == u or base.is_polynomial(u) and sp.degree(base, u) == 1) and not e.has(u):
            continue
        if isinstance(f, sp.exp) and f.args[0].is_polynomial(u):
            continue
        return False
    return True


def substituted(ctx, u, inverse, target, even_only=False, jacobian=None):
    """The context of u for x = ``inverse``(u) on ``target``: density p(x(u))·|x'(u)| (``jacobian``: |x'(u)| in a
    form without Abs, where the caller knows it), or None when it does not simplify to a density in u alone."""
    x = ctx.data[0]
    jac = 2 if even_only else sp.Abs(sp.diff(inverse, u)) if jacobian is None else jacobian
    q = pull_back(_exponential_form(ctx.density) * jac, x, u, inverse)
    if target == sp.Interval.open(0, 1):
        q = unit_interval(q, u)
    cheap = simplify_powers(logs_as_powers(q))
    try:  # a Piecewise density (Triangular) can keep simplify 9 s: then in a worker, bounded
        q = cheap if _euler_ready(cheap, u) else simplify_powers(
            run_with_deadline(sp.simplify, (q,), PIECEWISE_SIMPLIFY_SECONDS) if q.has(sp.Piecewise) else sp.simplify(q))
    except ValueError:  # piecewise_simplify builds Max(nan, ·) from indicator densities (Heaviside·Max(0, sign))
        return None
    except BudgetExceeded:
        return None
    if target == sp.Interval.open(0, 1) and q.has(sp.Abs, sp.log):  # simplify may bring |u − 1| back
        q = simplify_powers(sp.cancel(unit_interval(q, u)))
    q = on_domains(factored_bases(q, u, target, ctx.domains), ctx.domains)
    if q.has(x):
        return None
    return ctx.in_variable(u, q, target, sp.Symbol("u", positive=True), f"{ctx.label} after substitution")


def _substitutions(engine, kind: str):
    """The substituted engines of one kind ("cheap" or "cdf"), built lazily and memoized."""
    built = engine.cached(f"substitutions-{kind}", lambda: [])
    pending = engine.cached(f"substitutions-{kind}-pending",
                            lambda: _candidates(engine) if kind == "cheap" else _cdf_candidate(engine))
    yield from list(built)
    for label, u, inverse, target, even_only, *jacobian in pending:
        sub_ctx = substituted(engine.ctx, u, inverse, target, even_only, *jacobian)
        if sub_ctx is not None:
            built.append((label, u, inverse, even_only, engine.child(sub_ctx)))
            yield built[-1]


PASSES = (("cheap", False), ("cdf", False), ("cheap", True), ("cdf", True))
"""(candidates, expensive strategies allowed in the substituted engine): every change of variables gets
a quick try before any of them may spend seconds on SymPy's integrate."""


@register("substitution", "atom")
def substitution(engine, g: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if engine.depth > 1 or not ctx.univariate or ctx.discrete or ctx.support_depends_on_params:
        return None
    if g.has(sp.DiracDelta):  # a point mass may sit on the boundary of the new support: not sound
        return None
    x = ctx.data[0]
    for kind, expensive in PASSES:
        if expensive and engine.failing_fast:  # no expensive strategy runs then: the pass would repeat the cheap one
            continue
        for label, u, inverse, even_only, sub in _substitutions(engine, kind):
            if even_only and sp.expand(g.xreplace({x: -x}) - g) != 0:
                continue
            found = _expect_after(engine, sub, g, x, u, inverse, label, expensive)
            if found is not None:
                return found
    return None


def _expect_after(engine, sub, g, x, u, inverse, label: str, expensive: bool) -> Expectation | None:
    """E[g(X)] as E[h(U)] in the substituted engine, checked against quadrature."""
    h = pull_back(_exponential_form(g), x, u, inverse)
    if h.has(u) and h.is_rational_function(u) and not h.is_polynomial(u):
        num, den = sp.fraction(sp.cancel(h))  # tanh(log u) = (u² − 1)/(u² + 1): one fraction with a
        h = sp.expand(num) / sp.factor(den)  # factored denominator, ready for the Beta-prime integral
    h = canonical_in(h, u, sub.ctx.support[u])
    sub.expensive = expensive
    r = sub.expect(h)
    if r.closed:  # simplified here only with ψ⁽ⁿ⁾, Γ or B (ratios that cancel: the Fisher z law's verdict needs them
        # cancelled); the entry is simplified whole in a worker once found (simplify on every substituted atom, in the
        # engine's process, took 0.44 s of the Gompertz law's 1.65 s)
        value = simplify_value(r.value) if r.value.has(sp.polygamma, sp.gamma, sp.beta) else r.value
        if engine.spot_check(g, value, conditions=r.conditions) is False:
            return None
        detail = Note.of("substitution ", label, ", density ", sub.ctx.density.xreplace({u: sp.Symbol("u")}),
                         *(("; ", r.detail) if r.detail else ()), rule="substitution")
        return Expectation(value, ("substitution", *r.strategies), detail=detail, conditions=r.conditions)
    return None
