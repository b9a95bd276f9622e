"""The information equality by the fundamental theorem of calculus, where the entries have no closed form.

E[s_i s_j + H_ij] = ∫ ∂²p/∂θ_i∂θ_j dx, and where p has a closed antiderivative F in x (its CDF, up to a constant),
∂_x G = ∂²p/∂θ_i∂θ_j for G = ∂²F/∂θ_i∂θ_j (F is smooth in x and θ, so the derivatives commute). On every [c, d]
inside the support ∫_c^d ∂²p dx = G(d) − G(c); where E[s_i s_j] and E[H_ij] are finite, ∂²p = (s_i s_j + H_ij)·p is
integrable, so the integral over the support is lim G at its upper end less lim G at its lower end, and the
equality I = −E[H] holds where both are finite when the two limits agree for every entry.

The exponentiated Weibull law a(k/λ)(x/λ)^(k−1)e^(−(x/λ)^k)(1 − e^(−(x/λ)^k))^(a−1): its entries hold
E[log²(1 − e^(−(x/λ)^k))·…] with no closed form, but F = (1 − e^(−(x/λ)^k))^a, and each G tends to 0 at both ends.
Johnson's S_U law is φ(h(x))·h′(x) for h = γ + δ asinh((x − ξ)/λ), so F = Φ(h(x)).

Limits: SymPy's ``limit`` in x, else in an inner variable y = w(x) of F, monotone on the support, the end mapped
to w's limit there (x = λy^(1/k) for y = (x/λ)^k: gruntz raised RecursionError on the power with a symbolic exponent
and takes 0.1–1.7 s in y; x = ξ + λ sinh y for y = asinh((x − ξ)/λ): 0.1–0.7 s in y, 1–2 s in x). Guards: dF/dx − p
is zero, and at a sampled θ, F(d) − F(c) equals quadrature of p on two intervals inside the support (an
antiderivative with a jump, a branch of atan or log, fails that).
"""

from __future__ import annotations

import functools
import itertools
import random
from typing import Iterator, Sequence

import mpmath
import sympy as sp

from symfisher.core.deadline import run_with_deadline
from symfisher.core.model import Model
from symfisher.core.points import domain_of, draw
from symfisher.core.simplify import is_zero
from symfisher.errors import BudgetExceeded

ANTIDERIVATIVE_SECONDS = 5.0  # one manualintegrate: 0.5–1 s in an inner variable, 1–5 s in x
LIMIT_SECONDS = 4.0  # one limit at one end: 0.03–1.7 s in an inner variable, over 2 s beside a test run
CHECK_TOLERANCE = 1e-8  # F(d) − F(c) against quadrature of p, relative


def applies(model: Model) -> bool:
    """One continuous datum on an interval that no parameter moves (where the route may be tried)."""
    return _interval(model) is not None


def residual_vanishes_at_the_ends(model: Model, entries: Sequence[tuple[int, int]],
                                  simplify_seconds: float = 2.0) -> Iterator[sp.Expr]:
    """Yields F once lim G at the two ends of the support agree for each of the ``entries`` (i, j), G =
    ∂²F/∂θ_i∂θ_j; nothing where the model is not one continuous datum on an interval fixed in θ, F is not found or
    fails a guard, or a limit is not found. Meant to run in a worker under a deadline
    (:class:`~symfisher.core.deadline.Background`)."""
    found = _interval(model)
    if found is None:
        return
    x, low, high = found
    F = _antiderivative(model.density, x, low, high, simplify_seconds)
    if F is None or not _matches_quadrature(model, F, x, low, high):
        return
    inner = _inner_variables(F, x, low, high)
    # each end's inner limits once for every entry, and only where G has no finite value there
    ends = [(end, side, functools.cache(functools.partial(_inner_at, inner, x, end, side)))
            for end, side in ((high, "-"), (low, "+"))]
    params = list(model.params)
    for i, j in entries:
        G = sp.diff(F, params[i], params[j])
        limits = [_limit_at(G, x, end, side, at_end) for end, side, at_end in ends]
        if any(e is None for e in limits) or is_zero(limits[0] - limits[1], simplify_seconds) is not True:
            return
    yield F


def _interval(model: Model) -> tuple[sp.Symbol, sp.Expr, sp.Expr] | None:
    """(x, lower end, upper end) for one continuous datum on an interval that no parameter moves."""
    if len(model.data) != 1 or model.joint_support is not None:
        return None
    (x, support), = model.support
    if not isinstance(support, sp.Interval) or support.free_symbols & set(model.params):
        return None
    return x, support.inf, support.sup


def _antiderivative(p: sp.Expr, x: sp.Symbol, low: sp.Expr, high: sp.Expr, simplify_seconds: float
                    ) -> sp.Expr | None:
    """F with dF/dx = p (checked): by SymPy's manualintegrate in an inner variable y = w(x) of p, then of g(y) where p
    = g(h(x))·h′(x), then in x, each under a time limit, each tried only where the one before gave none. In y the
    exponentiated Weibull law is a(1 − e^(−y))^(a−1)e^(−y), 0.5 s where manualintegrate in x took 5 s."""
    from sympy.integrals.manualintegrate import manualintegrate  # 25 ms to import: not on derive's start-up path

    in_inner = [(_in_inner_variable(p, x, x_of_y, y), y, w) for w, x_of_y, y, _ in _inner_variables(p, x, low, high)]
    tries = itertools.chain(
        ((_over_one_denominator(q), y, w) for q, y, w in sorted(in_inner, key=lambda found: sp.count_ops(found[0]))),
        _outer_factors(p, x, simplify_seconds),
        [(p, x, x)])  # not integrate: 20 s on the gamma-Gompertz law, where this takes 4 s
    for integrand, var, back in tries:
        try:
            F = run_with_deadline(manualintegrate, (integrand, var), ANTIDERIVATIVE_SECONDS)
        except (BudgetExceeded, NotImplementedError, ValueError, TypeError, RecursionError):
            continue
        if F is None or F.has(sp.Integral, sp.Piecewise, sp.nan, sp.zoo):
            continue
        F = F.xreplace({var: back})
        if is_zero(sp.diff(F, x) - p, simplify_seconds) is True:
            return F
    return None


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
    """expr at x = x(y), its powers' bases expanded, and asinh(sinh u) = u, 1 + sinh²u = cosh²u for real u (what
    x = ξ + λ sinh y leaves)."""
    q = sp.powsimp(sp.expand_power_base(expr.subs(x, x_of_y)))
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
    """At a parameter point drawn from the domains, F(d) − F(c) equals the quadrature of p on two intervals [c, d]
    inside the support."""
    rng = random.Random(20261206)
    point = {s: draw(model.domain_map.get(s, domain_of(s)), rng, bool(s.is_integer))
             for s in (*model.params, *model.given, *model.constants)}
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
            solutions = sp.solve(sp.Eq(w.base, y ** (1 / w.exp)) if power else sp.Eq(w, y), x)
        except (NotImplementedError, ValueError, TypeError):
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
    """SymPy's limit under :data:`LIMIT_SECONDS` (``None``: none found, or not a finite number or expression; ±∞
    allowed with ``finite=False``)."""
    try:
        found = run_with_deadline(sp.limit, (expr, x, end, side), LIMIT_SECONDS)
    except (BudgetExceeded, NotImplementedError, ValueError, TypeError, RecursionError, AttributeError):
        return None
    if found.has(sp.Limit, sp.nan, sp.zoo, sp.AccumBounds) or finite and found.has(sp.oo, -sp.oo):
        return None
    return found
