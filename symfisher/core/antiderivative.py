"""The information equality by the fundamental theorem of calculus, where the entries have no closed form.

E[s_i s_j + H_ij] = ∫ ∂²p/∂θ_i∂θ_j dx, and where p has a closed antiderivative F in x (its CDF, up to a constant),
∂_x G = ∂²p/∂θ_i∂θ_j for G = ∂²F/∂θ_i∂θ_j (F is smooth in x and θ, so the derivatives commute). On every [c, d]
inside the support ∫_c^d ∂²p dx = G(d) − G(c); where E[s_i s_j] and E[H_ij] are finite, ∂²p = (s_i s_j + H_ij)·p is
integrable, so the integral over the support is lim G at its upper end less lim G at its lower end, and the
equality I = −E[H] holds where both are finite when the two limits agree for every entry.

The exponentiated Weibull law a(k/λ)(x/λ)^(k−1)e^(−(x/λ)^k)(1 − e^(−(x/λ)^k))^(a−1): its entries hold
E[log²(1 − e^(−(x/λ)^k))·…] with no closed form, but F = (1 − e^(−(x/λ)^k))^a, and each G tends to 0 at both ends.
Johnson's S_U law is φ(h(x))·h′(x) for h = γ + δ asinh((x − ξ)/λ), so F = Φ(h(x)).

Limits: in an inner variable y = w(x) of F, monotone on the support, the end mapped to w's limit there, else in x
(x = λy^(1/k) for y = (x/λ)^k: gruntz raised RecursionError on the power with a symbolic exponent and takes 0.1–1.7 s
in y; x = ξ + λ sinh y for y = asinh((x − ξ)/λ): 0.1–0.7 s in y, 1–2 s in x); each by counting powers against
logarithms where every term allows it (:func:`power_law_limit`), or a decaying exponential against slower factors
(:mod:`~symfisher.core.exponential_tails`), in milliseconds, else by SymPy's ``limit``. Guards: dF/dx − p
is zero, and at a sampled θ, F(d) − F(c) equals quadrature of p on two intervals inside the support (an
antiderivative with a jump, a branch of atan or log, fails that).

On a box the same is done in one datum, the others held fixed: the Clayton copula has F = ∂C/∂v in u, and where the
bracket is 0 at every v, so is its integral over v.
"""

from __future__ import annotations

import functools
import itertools
import random
from typing import Iterator, Sequence

import mpmath
import sympy as sp

from symfisher.core.deadline import run_with_deadline
from symfisher.core.exponential_tails import exponential_tail_limit
from symfisher.core.model import Model
from symfisher.core.points import domain_of, draw
from symfisher.core.simplify import is_zero
from symfisher.errors import BudgetExceeded

ANTIDERIVATIVE_SECONDS = 5.0  # one manualintegrate: 0.5–1 s in an inner variable, 1–5 s in x
LIMIT_SECONDS = 4.0  # one limit at one end: 0.03–1.7 s in an inner variable, over 2 s beside a test run
SOLVE_SECONDS = 2.0  # one inverse x(y): 0.01–0.3 s where one is found; the Clayton copula's power took 1.8 s, for none
CHECK_TOLERANCE = 1e-8  # F(d) − F(c) against quadrature of p, relative


def applies(model: Model) -> bool:
    """Continuous data on an interval or a box that no parameter moves (where the route may be tried)."""
    return bool(_axes(model))


def residual_vanishes_at_the_ends(model: Model, entries: Sequence[tuple[int, int]],
                                  simplify_seconds: float = 2.0) -> Iterator[tuple[sp.Expr, sp.Symbol]]:
    """Yields (F, x) once lim G at the two ends of x's range agree for each of the ``entries`` (i, j), G =
    ∂²F/∂θ_i∂θ_j, F an antiderivative of p in the datum x; nothing where the data are not continuous on an interval
    or a box fixed in θ, F is not found or fails a guard, or a limit is not found. On a box the other data are held
    fixed: where the two limits agree for each of their values, ∫ ∂²p dx is 0 for each, and so is its integral over
    them (Fubini: ∂²p is integrable where E[s_i s_j] and E[H_ij] are finite). The data are tried in turn (the
    Clayton copula has F = ∂C/∂v in u). Meant to run in a worker under a deadline
    (:class:`~symfisher.core.deadline.Background`)."""
    for x, low, high in _axes(model):
        F = _agreeing_at_the_ends(model, x, low, high, entries, simplify_seconds)
        if F is not None:  # shown in the proof: the factor (−θ − 1)/(θ(−1 − 1/θ)) of the Clayton copula's F is 1
            constant, varying = F.as_independent(*model.data, as_Add=False)
            yield sp.cancel(constant) * varying, x
            return


def _agreeing_at_the_ends(model: Model, x: sp.Symbol, low: sp.Expr, high: sp.Expr, entries,
                          simplify_seconds: float) -> sp.Expr | None:
    """An antiderivative F of p in x whose G = ∂²F/∂θ_i∂θ_j has the same limit at both ends of x's range for each
    entry; ``None`` where none is found."""
    F = _antiderivative(model.density, x, low, high, simplify_seconds)
    if F is None or not _matches_quadrature(model, F, x, low, high):
        return None
    inner = _inner_variables(F, x, low, high)
    # each end's inner limits once for every entry, and only where G has no finite value there
    ends = [(end, side, functools.cache(functools.partial(_inner_at, inner, x, end, side)))
            for end, side in ((high, "-"), (low, "+"))]
    params = list(model.params)
    for i, j in entries:
        G = sp.diff(F, params[i], params[j])
        limits = [_limit_at(G, x, end, side, at_end) for end, side, at_end in ends]
        if any(e is None for e in limits) or is_zero(limits[0] - limits[1], simplify_seconds) is not True:
            return None
    return F


def _axes(model: Model) -> list[tuple[sp.Symbol, sp.Expr, sp.Expr]]:
    """(x, lower end, upper end) for each datum, where every datum is continuous on an interval that no parameter
    and no other datum moves (one interval, or a box); else none."""
    if model.joint_support is not None:
        return []
    out = []
    for x, support in model.support:
        if not isinstance(support, sp.Interval) or support.free_symbols & {*model.params, *model.data}:
            return []
        out.append((x, support.inf, support.sup))
    return out


def _antiderivative(p: sp.Expr, x: sp.Symbol, low: sp.Expr, high: sp.Expr, simplify_seconds: float
                    ) -> sp.Expr | None:
    """F with dF/dx = p (checked): by :func:`_integral` of p in an inner variable y = w(x) of p, or of g(y) where p =
    g(h(x))·h′(x), the shortest of these integrands first, then of p in x, each under a time limit, each tried only
    where the ones before gave none. In y the exponentiated Weibull law is a(1 − e^(−y))^(a−1)e^(−y), 0.5 s where
    manualintegrate in x took 5 s."""
    in_inner = [(_bounded(_over_one_denominator, q, simplify_seconds), y, w)
                for q, y, w in ((_in_inner_variable(p, x, x_of_y, y), y, w)
                                for w, x_of_y, y, _ in _inner_variables(p, x, low, high))]
    # the shortest integrand first, whichever way it was found: the Clayton copula's g(y) = c·y^(−2−1/θ) takes 0.1 s,
    # where its integrands in inner variables took 5 s each to give none
    tries = itertools.chain(sorted(in_inner + list(_outer_factors(p, x, simplify_seconds)),
                                   key=lambda found: sp.count_ops(found[0])),
                            [(p, x, x)])  # not integrate: 20 s on the gamma-Gompertz law, where this takes 4 s
    for integrand, var, back in tries:
        try:
            F = run_with_deadline(_integral, (integrand, var), ANTIDERIVATIVE_SECONDS)
        except (BudgetExceeded, NotImplementedError, ValueError, TypeError, RecursionError):
            continue
        if F is None or F.has(sp.Integral, sp.Piecewise, sp.nan, sp.zoo):
            continue
        F = F.xreplace({var: back})
        if is_zero(sp.diff(F, x) - p, simplify_seconds) is True:
            return F
    return None


def _integral(q: sp.Expr, y: sp.Symbol) -> sp.Expr:
    """An antiderivative of q in y: a rational function of y by SymPy's ``ratint``, its coefficients' functions of θ
    held as symbols meanwhile (the Frank copula in y = e^(−θu) is c/(a + by)², 0.3 s, where manualintegrate gave none
    in 10 s), else by ``manualintegrate``."""
    from sympy.integrals.manualintegrate import manualintegrate  # 25 ms to import: not on derive's start-up path
    from sympy.integrals.rationaltools import ratint

    if not q.is_rational_function(y):
        return manualintegrate(q, y)
    held = {a: sp.Dummy() for a in q.atoms(sp.Function, sp.Pow) if not a.has(y) and not a.is_number}
    F = ratint(q.xreplace(held), y)
    return F.xreplace({d: a for a, d in held.items()})


def _bounded(transform, q: sp.Expr, seconds: float) -> sp.Expr:
    """transform(q) within ``seconds``, else q as it is (the Clayton copula's integrands over one denominator: 6 s
    each)."""
    try:
        return run_with_deadline(transform, (q,), seconds)
    except (BudgetExceeded, NotImplementedError, ValueError, TypeError, RecursionError):
        return q


def _outer_factors(p: sp.Expr, x: sp.Symbol, simplify_seconds: float
                   ) -> Iterator[tuple[sp.Expr, sp.Symbol, sp.Expr]]:
    """(g(y), y, h) for each inner function h(x) of p with p = g(h(x))·h′(x), g free of x: h an exponent of p, or the
    base of a power in one. Johnson's S_U law is φ(h)h′ for h = γ + δ asinh((x − ξ)/λ), and the sinh–arcsinh law for
    h = sinh(δ asinh x − ε): F = Φ(h(x)) with no inverse of h, where SymPy does not solve sinh(δ asinh x − ε) = y
    uniquely for x."""
    y = sp.Dummy("y", real=True)
    inner = []
    for e in sorted(p.atoms(sp.exp), key=sp.default_sort_key):
        exponent = e.args[0]
        inner.extend([exponent] + [f.base for t in sp.Add.make_args(exponent) for f in sp.Mul.make_args(t)
                                   if f.is_Pow and f.base.has(x)])
    # and the sums raised to a symbolic power: the Clayton copula is g(h)h′ for h = u^(−θ) + v^(−θ) − 1
    inner.extend(w.base for w in sorted(p.atoms(sp.Pow), key=sp.default_sort_key)
                 if w.base.is_Add and w.base.has(x) and not w.exp.is_number and not w.exp.has(x))
    for h in dict.fromkeys(h for h in inner if h.has(x) and h != x):
        try:
            g = run_with_deadline(sp.simplify, ((p / sp.diff(h, x)).xreplace({h: y}),), simplify_seconds)
        except (BudgetExceeded, NotImplementedError, ValueError, TypeError, RecursionError):
            continue
        if not g.has(x):
            yield g, y, h


def _in_inner_variable(p: sp.Expr, x: sp.Symbol, x_of_y: sp.Expr, y: sp.Symbol) -> sp.Expr:
    """p(x(y))·x′(y), its powers expanded and their exponents cancelled (y^(−1 + (k − 1)/k + 1/k) is 1)."""
    q = _in_y(p * sp.diff(x_of_y, y), x, x_of_y)
    return q.replace(lambda e: e.is_Pow and not e.exp.is_number, lambda e: e.base ** sp.cancel(e.exp))


def _over_one_denominator(q: sp.Expr) -> sp.Expr:
    """The shorter of q and its terms combined over one denominator, where powers of y cancel across a sum: the
    Marshall–Olkin Weibull law in y = (x/λ)^k is αe^y/(α + e^y − 1)², which manualintegrate takes in 1 s, and gives
    no antiderivative in 10 s as two terms."""
    combined = sp.cancel(sp.together(sp.powsimp(sp.expand(q))))
    return combined if sp.count_ops(combined) < sp.count_ops(q) else q


def _in_y(expr: sp.Expr, x: sp.Symbol, x_of_y: sp.Expr) -> sp.Expr:
    """expr at x = x(y), its powers' bases expanded, exponents expanded (e^{−θ(v − log(y)/θ)} is y·e^{−θv}: the Frank
    copula in y = e^{−θu}), and asinh(sinh u) = u, 1 + sinh²u = cosh²u for real u (what x = ξ + λ sinh y leaves)."""
    q = expr.subs(x, x_of_y)
    q = q.replace(lambda e: isinstance(e, sp.exp) and e.args[0].has(sp.log), lambda e: sp.exp(sp.expand(e.args[0])))
    q = sp.powsimp(sp.expand_power_base(q))
    q = q.replace(lambda e: isinstance(e, sp.asinh) and isinstance(e.args[0], sp.sinh) and e.args[0].args[0].is_real,
                  lambda e: e.args[0].args[0])
    return q.replace(lambda e: e.is_Pow and _sinh_squared(e.base - 1) is not None,
                     lambda e: sp.cosh(_sinh_squared(e.base - 1)) ** (2 * e.exp))


def _sinh_squared(expr: sp.Expr) -> sp.Expr | None:
    """u where expr is sinh(u)² with u real."""
    if expr.is_Pow and expr.exp == 2 and isinstance(expr.base, sp.sinh) and expr.base.args[0].is_real:
        return expr.base.args[0]
    return None


def _matches_quadrature(model: Model, F: sp.Expr, x: sp.Symbol, low: sp.Expr, high: sp.Expr) -> bool:
    """At a parameter point drawn from the domains (and the other data from their ranges), F(d) − F(c) equals the
    quadrature of p on two intervals [c, d] inside x's range."""
    rng = random.Random(20261206)
    point = {s: draw(model.domain_map.get(s, domain_of(s)), rng, bool(s.is_integer))
             for s in (*model.params, *model.given, *model.constants)}
    point.update({y: draw(support, rng, False) for y, support in model.support if y != x})
    f, p = sp.lambdify(x, F.subs(point), "mpmath"), sp.lambdify(x, model.density.subs(point), "mpmath")
    for c, d in _inside(low, high):
        try:
            expected = mpmath.quad(p, [c, d])
            got = f(d) - f(c)
        except (ValueError, TypeError, ZeroDivisionError, OverflowError):
            return False
        if not (mpmath.isfinite(got) and abs(got - expected) <= CHECK_TOLERANCE * abs(expected) + 1e-12):
            return False
    return True


def _inside(low: sp.Expr, high: sp.Expr) -> list[tuple[float, float]]:
    """Two intervals inside (low, high), one in its middle, one nearer an end."""
    if low.is_finite and high.is_finite:
        a, b = float(low), float(high)
        return [(a + 0.3 * (b - a), a + 0.6 * (b - a)), (a + 0.05 * (b - a), a + 0.3 * (b - a))]
    if low.is_finite:
        return [(float(low) + 0.5, float(low) + 1.5), (float(low) + 1.5, float(low) + 4.0)]
    if high.is_finite:
        return [(float(high) - 1.5, float(high) - 0.5), (float(high) - 4.0, float(high) - 1.5)]
    return [(-1.0, 0.5), (0.5, 2.5)]


def _inner_variables(F: sp.Expr, x: sp.Symbol, low: sp.Expr, high: sp.Expr) -> list[tuple]:
    """(w, x as a function of y, y, whether w increases) for each inner function w(x) of F that is a power with a
    symbolic exponent, an exponential or an asinh, solves uniquely for x and is monotone on the support
    (:func:`_direction`). Johnson's S_U law in y = asinh((x − ξ)/λ), x = ξ + λ sinh y, is a Gaussian in y."""
    at = sp.Dummy("x", positive=True) if low.is_nonnegative else x
    out = []
    for w in sorted(F.atoms(sp.Pow, sp.exp, sp.asinh), key=sp.default_sort_key):
        power = isinstance(w, sp.Pow) and w.base.has(x) and not w.exp.has(x) and not w.exp.is_number
        if not (power or isinstance(w, (sp.exp, sp.asinh)) and w.has(x)):
            continue
        y = sp.Dummy("y", real=True) if isinstance(w, sp.asinh) else sp.Dummy("y", positive=True)
        increasing = _direction(w, x, at, low, high)
        if increasing is None:
            continue
        try:  # B^c = y as B = y^(1/c), B > 0: solve finds no x in (1 − e^(−λx))^a = y, and x = −log(1 − y^(1/a))/λ here
            solutions = run_with_deadline(sp.solve, (sp.Eq(w.base, y ** (1 / w.exp)) if power else sp.Eq(w, y), x),
                                          SOLVE_SECONDS)
        except (BudgetExceeded, NotImplementedError, ValueError, TypeError, RecursionError):
            continue
        if len(solutions) == 1 and not solutions[0].has(sp.LambertW):  # elementary inverses only
            out.append((w, _reciprocal_logs(solutions[0]), y, increasing))
    return out


def _reciprocal_logs(expr: sp.Expr) -> sp.Expr:
    """log(c/q) as log c − log q for a number c > 0 (c < 0: log|c| − log(−q)), q expanded: solve gives x =
    log(−1/(y^(1/a) − 1))/λ, where gruntz finds no limit in 4 s, and 0.05 s in −log(1 − y^(1/a))/λ. Equal where x(y)
    is real, for there c/q > 0."""
    def split(e: sp.Expr) -> sp.Expr:
        num, den = sp.fraction(sp.cancel(e.args[0]))
        if not (num.is_number and num.is_nonzero and num.is_real) or den.is_number:
            return e
        return sp.log(abs(num)) - sp.log(sp.expand(sp.sign(num) * den))

    return expr.replace(lambda e: isinstance(e, sp.log), split)


def _direction(w: sp.Expr, x: sp.Symbol, at: sp.Symbol, low: sp.Expr, high: sp.Expr) -> bool | None:
    """Whether w increases (True) or decreases (False) on the support, by the sign of w′ (x at ``at``, positive on a
    half-line); for B^c with c of known sign, by B's direction where B ≥ 0 at the end where it is least, so that B > 0
    inside (w′ = cB^(c−1)B′: (1 − e^(−λx))^a increases); ``None`` where neither decides."""
    slope = sp.diff(w, x).xreplace({x: at})
    if slope.is_positive or slope.is_negative:
        return bool(slope.is_positive)
    if not (isinstance(w, sp.Pow) and (w.exp.is_positive or w.exp.is_negative)):
        return None
    base_increasing = _direction(w.base, x, at, low, high)
    if base_increasing is None:
        return None
    least = _at_end(w.base, x, *((low, "+") if base_increasing else (high, "-")))
    if least is None or not least.is_nonnegative:
        return None
    return base_increasing == bool(w.exp.is_positive)


def _inner_at(inner, x: sp.Symbol, end: sp.Expr, side: str) -> list[tuple]:
    """(x as a function of y, y, w's limit at the end, the side y approaches it from) for each inner variable y = w(x)
    whose limit there is found: from below where w increases towards an upper end or decreases towards a lower one.
    Once per end, for every entry."""
    out = []
    for w, x_of_y, y, increasing in inner:
        w_end = _at_end(w, x, end, side, finite=False)
        if w_end is not None:
            out.append((x_of_y, y, w_end, "-" if increasing == (side == "-") else "+"))
    return out


def _limit_at(G: sp.Expr, x: sp.Symbol, end: sp.Expr, side: str, at_end) -> sp.Expr | None:
    """lim G as x tends to ``end`` from ``side``: in the inner variable y = w(x) of ``at_end()`` (:func:`_inner_at`)
    where G is shortest that gives one, else in x; at a finite end where G has a finite value, that value
    (:func:`_value_at`)."""
    value = _value_at(G, x, end)
    if value is not None:
        return value
    in_inner = [(_in_y(G, x, x_of_y), y, w_end, approach) for x_of_y, y, w_end, approach in at_end()]
    for G_y, y, w_end, approach in sorted(in_inner, key=lambda found: sp.count_ops(found[0])):  # the shortest first
        found = _limit(G_y, y, w_end, approach)
        if found is not None:
            return found
    return _limit(G, x, end, side)


def _at_end(expr: sp.Expr, x: sp.Symbol, end: sp.Expr, side: str, finite: bool = True) -> sp.Expr | None:
    """expr's value at ``end`` where it has a finite one there (:func:`_value_at`), else its limit from ``side``."""
    value = _value_at(expr, x, end)
    return _limit(expr, x, end, side, finite) if value is None else value


def _value_at(expr: sp.Expr, x: sp.Symbol, end: sp.Expr) -> sp.Expr | None:
    """expr at a finite end where it has a finite value there (it is continuous there, made of elementary functions),
    with no 0^(symbolic) power: 0^(k − 1) is ∞ for k < 1."""
    if not end.is_finite:
        return None
    value = expr.xreplace({x: end})
    zero_base = any(power.base.is_zero is not False for power in value.atoms(sp.Pow) if not power.exp.is_number)
    return None if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or zero_base else value


def _limit(expr: sp.Expr, x: sp.Symbol, end: sp.Expr, side: str, finite: bool = True) -> sp.Expr | None:
    """The limit by powers and logarithms (:func:`power_law_limit`) at ∞ or 0⁺, or by a decaying exponential
    factor (:func:`~symfisher.core.exponential_tails.exponential_tail_limit`) at ±∞, else SymPy's limit under
    :data:`LIMIT_SECONDS` (``None``: none found, or not a finite number or expression; ±∞ allowed with
    ``finite=False``)."""
    if end is sp.oo or end == 0 and side == "+":
        found = power_law_limit(expr, x, end)
        if found is not None:
            return found
    if end in (sp.oo, -sp.oo):
        found = exponential_tail_limit(expr, x, end)
        if found is not None:
            return found
    try:
        found = run_with_deadline(sp.limit, (expr, x, end, side), LIMIT_SECONDS)
    except (BudgetExceeded, NotImplementedError, ValueError, TypeError, RecursionError, AttributeError):
        return None
    if found.has(sp.Limit, sp.nan, sp.zoo, sp.AccumBounds) or finite and found.has(sp.oo, -sp.oo):
        return None
    return found


POWER_LAW_OPS = 2000  # larger expressions are left to SymPy's limit (their expansion is the cost)
POWER_LAW_TERMS = 400


def power_law_limit(expr: sp.Expr, y: sp.Symbol, end: sp.Expr) -> sp.Expr | None:
    """lim expr as y → ∞ (``end`` = oo) or y → 0⁺ (``end`` = 0) where each term, logarithms expanded, is
    C·Π B_i^(e_i)·Π log(L_j)^(k_j) with polynomials B_i, L_j in y (at 0⁺ also functions analytic there, by their
    leading term c·yᵐ, c ≠ 0) and e_i free of y: the term behaves as
    y^a·(log y)^K, a = Σ e_i·d_i with d_i the degree of B_i (at 0⁺ the order of its zero there), so it tends to 0
    where a < 0 (at 0⁺: a > 0) is proved, whatever K, and to C·Π c_i^(e_i) (c_i the leading coefficients) where a = 0
    and no logarithm grows; ``None`` where a term is of another shape or undecided. Powers beat logarithms, which
    SymPy's gruntz does not always see for a symbolic exponent: it gave ∞ for y·(y + c)^(−2−1/θ)·log y with θ > 0.

    >>> y, theta = sp.Symbol("y", positive=True), sp.Symbol("theta", positive=True)
    >>> power_law_limit(y * (y + 3) ** (-2 - 1 / theta) * sp.log(y) ** 2 + (2 * y + 1) / (y + 5), y, sp.oo)
    2
    """
    if sp.count_ops(expr) > POWER_LAW_OPS:
        return None
    terms = sp.Add.make_args(sp.expand(sp.expand_log(expr, force=True), power_exp=False, multinomial=False))
    if len(terms) > POWER_LAW_TERMS:
        return None
    total = sp.Integer(0)
    for term in terms:
        found = _term_power_law(term, y, end)
        if found is None:
            return None
        total += found
    return total


def _term_power_law(term: sp.Expr, y: sp.Symbol, end: sp.Expr) -> sp.Expr | None:
    """lim of one term C·Π B^e·Π log(L)^k of :func:`power_law_limit`; a sum of such raised to a positive integer
    power, (−y·log y/θ + log v)², is expanded and its terms taken one by one."""
    for factor in sp.Mul.make_args(term):
        base, e = factor.as_base_exp()
        if base.is_Add and base.has(y) and not base.is_polynomial(y) and e.is_Integer and e > 0:
            rest = term / factor
            parts = [_term_power_law(rest * t, y, end) for t in sp.Add.make_args(sp.expand(factor, power_exp=False))]
            return None if any(v is None for v in parts) else sp.Add(*parts)
    at_zero = end == 0
    exponent, logs, lead = sp.Integer(0), 0, sp.Integer(1)
    factors = list(sp.Mul.make_args(term))
    while factors:
        factor = factors.pop()
        if not factor.has(y):
            lead *= factor
            continue
        base, e = factor.as_base_exp()
        if e.has(y) and at_zero:  # e^{−y} → 1, by its leading term below
            base, e = factor, sp.Integer(1)
        elif e.has(y):
            return None
        common = sp.factor_terms(base) if base.is_Add and not base.is_polynomial(y) and e.is_Integer else base
        if common.is_Mul:  # θ²v·B^c + 2θv·B^c as θv·B^c·(θ + 2), raised to an integer power factor by factor
            factors.extend(f**e for f in common.args)
            continue
        if isinstance(base, sp.log):
            inner = _near_zero(base.args[0], y) if at_zero else base.args[0]
            if not (e.is_Integer and e > 0 and inner is not None and inner.is_polynomial(y)):
                return None
            at_end = inner.subs(y, 0) if at_zero else None
            if at_end is not None and at_end.is_positive:  # log(L) → log L(0), finite
                lead *= sp.log(at_end) ** e
            elif at_end is not None and not at_end.is_zero or not at_zero and sp.degree(inner, y) < 1:
                return None
            else:
                logs += int(e)
            continue
        if at_zero:
            base = _near_zero(base, y)
        if base is None or not base.is_polynomial(y):
            return None
        poly = sp.Poly(base, y)
        order = min(m[0] for m in poly.monoms()) if at_zero else poly.degree()
        coeff = poly.coeff_monomial(y**order)
        if not coeff.is_nonzero:
            return None
        exponent += e * order
        lead *= coeff**e if coeff.is_positive or e.is_Integer else sp.nan
    decays = (exponent.is_positive if at_zero else exponent.is_negative) is True
    if decays:
        return sp.Integer(0)
    if exponent.is_zero and logs == 0 and not lead.has(sp.nan):
        return lead
    return None


@functools.lru_cache(maxsize=256)
def _near_zero(base: sp.Expr, y: sp.Symbol) -> sp.Expr | None:
    """base as it behaves at y → 0⁺ in :func:`_term_power_law`: itself where it is a polynomial, else its leading
    term c·yᵐ where base is analytic there with c ≠ 0 (1 − e^{−y} as y, e^{−y} as 1: base^e = c^e·y^{me}·(1 + O(y))^e);
    ``None`` where SymPy finds none of that shape."""
    if base.is_polynomial(y):
        return base
    try:
        term = base.as_leading_term(y)
    except (NotImplementedError, ValueError, TypeError, sp.PoleError):
        return None
    coeff, power = term.as_independent(y, as_Add=False)
    at, m = power.as_base_exp()
    if not (power == 1 or at == y and m.is_Integer and m > 0) or not coeff.is_nonzero:
        return None
    return term
