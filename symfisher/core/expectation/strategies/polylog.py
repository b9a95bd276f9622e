"""Polylogarithm integrals: E[g] when g·p is a polynomial in x times a rational function of e^{−λx} (or, on (0, 1), a
polynomial in log x times a rational function of x), as in the half-logistic and exponential-logarithmic laws.

On (a, ∞) the change u = e^{−λ(x − a)} writes the integral as Σₖ ∫₀¹ logᵏu · Rₖ(u) du (on ℝ, after splitting at 0).
Partial fractions in u leave three kinds of term, each in closed form (c > −1, so that no pole lies in [0, 1]; or
c = −1 with k ≥ m, where the values are ζ(s) = Li_s(1), s ≥ 2: the Bose–Einstein integral):

* ∫₀¹ logᵏu · uʲ du = (−1)ᵏ k!/(j + 1)^{k+1};
* J(k, 1, c) = ∫₀¹ logᵏu/(1 + cu) du = (−1)^{k+1} k! Li_{k+1}(−c)/c   (expand 1/(1 + cu) as Σ(−cu)ⁿ);
* J(k, m + 1, c) = J(k, m, c) + (c/m) ∂J(k, m, c)/∂c   (from ∂/∂c (1 + cu)^{−m} = −mu(1 + cu)^{−m−1}).

Li_s(−1) = −(1 − 2^{1−s}) ζ(s), so the half-logistic law's values are rational combinations of log 2, π² and ζ(3);
with c a parameter they keep Li_s(−c), the form the literature prints (Tahmasbi & Rezaei 2008). A pole at u = 0
(the integral diverges at x = ∞) or in [0, 1], a factor of the denominator that is not linear in u, or a rate that
is not one λ times integers: the strategy does not apply. Hyperbolic functions are written with exponentials first;
when the integrand in u is even (sech²(x/2) gives 1 + u² with u = e^{−x/2}), w = u² is tried, where the factor is
1 + w. A numeric factor 1 + u² that stays (the hyperbolic secant law) splits over ±i: c = ±i is no pole on [0, 1], and
the conjugate terms' imaginary parts cancel, Li₂(±i) = −π²/48 ± iG (Catalan's constant) and Li₃(±i) = −3ζ(3)/32 ±
iπ³/32; an order whose Dirichlet beta has no closed form (β(4)) leaves it open. Every value is spot-checked by
quadrature.
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Callable

import sympy as sp

from symfisher.core.expectation.base import KINKED, Expectation
from symfisher.core.expectation.partial_fractions import APART_FAILURES
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.substitution import HYPERBOLIC
from symfisher.core.note import Note, eq
from symfisher.core.signs import positive_on

SECONDS = 2.0  # partial fractions and the derivatives in c, in a worker of their own
_C = sp.Dummy("c")


@lru_cache(maxsize=None)
def log_power_integral(k: int, m: int) -> sp.Expr:
    """J(k, m, c) = ∫₀¹ logᵏu (1 + cu)^{−m} du as a function of c (the module's :data:`_C`), c > −1, c ≠ 0.

    >>> sp.simplify(log_power_integral(2, 2).subs(_C, 1))
    pi**2/6
    """
    if m == 1:
        return (-1) ** (k + 1) * sp.factorial(k) * sp.polylog(k + 1, -_C) / _C
    previous = log_power_integral(k, m - 1)
    return previous + _C / (m - 1) * sp.diff(previous, _C)


def _power_term(k: int, term: sp.Expr, u: sp.Symbol,
                positive: Callable[[sp.Expr], bool]) -> tuple[sp.Expr, bool] | None:
    """(∫₀¹ logᵏu · term du, whether term has a factor 1 + cu with c ≠ 0) for one term of a partial-fraction expansion
    in u; ``None``: not of the kinds above."""
    coeff, rest = term.as_independent(u, as_Add=False)
    base, e = rest.as_base_exp() if rest != 1 else (u, sp.Integer(0))
    if not e.is_Integer:
        return None
    if base == u:
        return (coeff * (-1) ** k * sp.factorial(k) / (e + 1) ** (k + 1), False) if e >= 0 else None
    if e >= 0 or not base.is_polynomial(u) or sp.degree(base, u) != 1:
        return None
    slope, at_zero = sp.Poly(base, u).all_coeffs()
    if at_zero == 0:
        return None
    c = sp.cancel(slope / at_zero)
    if c != -1 and not (c.is_number and c.is_real is False) and not positive(1 + c):  # a non-real c: no pole on [0, 1]
        return None
    value = log_power_integral(k, int(-e)).xreplace({_C: c})  # at c = −1: ζ values, finite for k ≥ m
    return None if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan) else (coeff * at_zero ** e * value, True)


def _bases(parts, u: sp.Symbol):
    for part in parts:
        base = part.as_independent(u, as_Add=False)[1].as_base_exp()[0]
        if base.has(u) and base.is_polynomial(u):
            yield base


def _at_unit_imaginary(e: sp.Expr) -> sp.Expr:
    """Li_s(±i) = 2^{−s} Li_s(−1) ± i β(s) for odd s (β(3) = π³/32, β(5) = 5π⁵/1536: Dirichlet's beta, Euler); SymPy
    evaluates s ≤ 2 itself (Li₂(i) = −π²/48 + iG, G Catalan's constant)."""
    s, z = e.args
    beta = {3: sp.pi**3 / 32, 5: 5 * sp.pi**5 / 1536}
    if z in (sp.I, -sp.I) and s in beta:
        return sp.Rational(1, 2**s) * sp.polylog(s, -1) + (1 if z == sp.I else -1) * sp.I * beta[s]
    return e


def unit_interval_integral(pieces: list[sp.Expr], u: sp.Symbol, L: sp.Symbol,
                           positive: Callable[[sp.Expr], bool]) -> sp.Expr | None:
    """Σ ∫₀¹ piece du, each piece a sum of terms c·Lᵏ·R(u) (L = log u, c free of u, R rational); ``None`` when a term
    of R's partial fractions is not a power of u or of a linear factor 1 + cu with c > −1 (``positive`` proves 1 + c > 0
    on the parameter domain), or when no term has such a factor (an Euler integral, for the strategies after this one).
    The constant is set aside before the partial fractions: ``apart`` leaves log a or λ in a coefficient unsplit."""
    total, linear = sp.Integer(0), False
    for term in (t for piece in pieces for t in sp.Add.make_args(sp.expand_mul(piece))):
        const, rest = term.as_independent(u, L, as_Add=False)
        ratio, log_power = rest.as_independent(L, as_Add=False)
        k = 0 if log_power == 1 else log_power.as_base_exp()[1]
        if log_power != 1 and (log_power.as_base_exp()[0] != L or not (k.is_Integer and k > 0)) \
                or not ratio.is_rational_function(u):
            return None
        try:
            parts = sp.Add.make_args(sp.apart(ratio, u))
            if any(sp.degree(b, u) > 1 for b in _bases(parts, u)) and not ratio.free_symbols - {u}:
                parts = sp.Add.make_args(sp.expand_mul(sp.apart(ratio, u, full=True).doit()))  # 1 + u² = (1 + iu)(1 − iu)
        except APART_FAILURES:  # a coefficient apart cannot take as a constant
            return None
        for part in parts:
            found = _power_term(int(k), part, u, positive)
            if found is None:
                return None
            total, linear = total + const * found[0], linear or found[1]
    if not linear:
        return None
    total = sp.expand_func(total).replace(lambda e: isinstance(e, sp.dirichlet_eta), lambda e: e.rewrite(sp.zeta))
    if total.has(sp.I):  # conjugate roots: the imaginary parts cancel
        total = sp.expand(sp.expand_func(total.replace(lambda e: isinstance(e, sp.polylog), _at_unit_imaginary)))
        real, imaginary = total.as_real_imag()
        if total.has(sp.polylog) or sp.simplify(imaginary) != 0:
            return None
        total = real
    return sp.nsimplify(total) if total.is_number and total.is_rational else total


def _rate(integrand: sp.Expr, x: sp.Symbol, positive: Callable[[sp.Expr], bool]) -> sp.Expr | None:
    """λ > 0 with every exponential of x in ``integrand`` at nλx + b, n an integer (the greatest such λ when the slopes
    are rational: e^{x/2} and e^{x/3} need λ = 1/6); ``None`` without one."""
    slopes = set()
    for e in integrand.atoms(sp.exp):
        if e.has(x):
            if sp.diff(e.args[0], x, 2) != 0:
                return None
            slopes.add(sp.diff(e.args[0], x))
    if slopes and all(s.is_Rational for s in slopes):
        return sp.Rational(sp.igcd(0, *[s.p for s in slopes]), sp.ilcm(1, *[s.q for s in slopes]))
    for rate in sorted({s if positive(s) else -s for s in slopes}, key=sp.count_ops):
        if positive(rate) and all(sp.cancel(s / rate).is_Integer for s in slopes):
            return rate
    return None


def _tail(integrand: sp.Expr, x: sp.Symbol, lo: sp.Expr, u: sp.Symbol, L: sp.Symbol,
          positive: Callable[[sp.Expr], bool]) -> tuple[sp.Expr, sp.Expr] | None:
    """(the integrand of ∫₀¹ … du, λ) for ∫_lo^∞ integrand dx after x = lo − L/λ, u = e^{−λ(x − lo)} (L = log u);
    ``None`` without a rate."""
    rate = _rate(integrand, x, positive)
    if rate is None:
        return None
    w = sp.Dummy("w")  # e^{λx}

    def power(e):
        arg = sp.expand(e.args[0])
        n = sp.cancel(sp.diff(arg, x) / rate)
        return sp.exp(arg.subs(x, 0) + n * rate * lo) * w ** n

    in_w = integrand.replace(lambda e: isinstance(e, sp.exp) and e.has(x), power)
    moved = in_w.xreplace({x: lo - L / rate, w: 1 / u}) / (rate * u)
    return None if moved.has(x) else (moved, rate)


def integral(integrand: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
             positive: Callable[[sp.Expr], bool]) -> tuple[sp.Expr, sp.Expr] | None:
    """(∫_lo^hi integrand dx, u as a function of x) over (0, 1) (u = x), (a, ∞), (−∞, b) or ℝ (u = e^{∓λ(x − a)}, each
    half of ℝ on its own) by :func:`unit_interval_integral`; ``None`` when it does not apply."""
    u, L = sp.Dummy("u", positive=True), sp.Dummy("L")
    if (lo, hi) == (0, 1):
        if not integrand.has(sp.log):
            return None
        moved = [(sp.expand_log(integrand).xreplace({x: u}).replace(  # not forced: log(a·x) with a of unknown sign stays
            lambda e: isinstance(e, sp.log) and e.args[0] == u, lambda e: L), None)]
    elif hi is sp.oo and lo.is_finite:
        moved = [_tail(integrand, x, lo, u, L, positive)]
    elif lo is -sp.oo and hi.is_finite:
        moved = [_tail(integrand.xreplace({x: -x}), x, -hi, u, L, positive)]
    elif (lo, hi) == (-sp.oo, sp.oo):
        moved = [_tail(integrand, x, sp.Integer(0), u, L, positive),
                 _tail(integrand.xreplace({x: -x}), x, sp.Integer(0), u, L, positive)]
    else:
        return None
    if any(m is None or m[0].has(x) for m in moved):
        return None
    pieces = [m[0] for m in moved]
    value = unit_interval_integral(pieces, u, L, positive)
    rate, left = moved[0][1], lo is -sp.oo and hi.is_finite
    if value is None and rate is not None:  # even in u (sech, tanh: e^{x} + e^{−x} = (1 + u²)/u): w = u², log u = log(w)/2
        squared = [_in_square(p, u, L) for p in pieces]
        if all(p is not None for p in squared):
            value, rate = unit_interval_integral(squared, u, L, positive), 2 * rate
    change = x if rate is None else sp.exp(rate * (x - hi)) if left else sp.exp(-rate * (x - (0 if lo is -sp.oo else lo)))
    return None if value is None else (value, change)


def _in_square(piece: sp.Expr, u: sp.Symbol, L: sp.Symbol) -> sp.Expr | None:
    """The integrand in w = u² (written with the same symbols u and L = log w) of ∫₀¹ piece du, when it is rational in
    w: piece(√w)/(2√w), log u = (log w)/2; ``None`` when a square root of w stays."""
    w = sp.Dummy("w", positive=True)
    moved = sp.powsimp(sp.expand(piece.xreplace({u: sp.sqrt(w), L: L / 2}) / (2 * sp.sqrt(w))))
    return moved.xreplace({w: u}) if not moved.has(sp.sqrt(w)) and all(
        e.is_Integer for b, e in (p.as_base_exp() for p in moved.atoms(sp.Pow)) if b == w) else None


def _has_denominator(integrand: sp.Expr, x: sp.Symbol) -> bool:
    """A factor 1/(… e^{λx} …) or 1/(… x …) of the integrand, or ``False`` (cheap: asked before starting a worker)."""
    return any(f.is_Pow and f.exp.is_negative and f.base.is_Add and f.base.has(x)
               for f in sp.Mul.make_args(sp.powsimp(integrand)))


@register("polylogarithm", "atom")
def polylogarithm(engine, g: sp.Expr) -> Expectation | None:
    """E[g] by partial fractions in u = e^{−λx} (or u = x on (0, 1)) and polylogarithms."""
    ctx = engine.ctx
    if ctx.interval is None or ctx.support_depends_on_params or g.has(*KINKED):
        return None
    x, s = ctx.interval
    integrand = g * ctx.density
    if integrand.has(*HYPERBOLIC):  # sech(x) = 2/(eˣ + e⁻ˣ): the hyperbolic secant law's atoms
        integrand = integrand.rewrite(sp.exp)
    if not _has_denominator(integrand, x):  # no worker for the atoms without a factor 1 + c·u
        return None
    found = engine.hard(integral, integrand, x, s.inf, s.sup, partial(positive_on, ctx.domains), seconds=SECONDS)
    if found is None or found[0].has(sp.nan, sp.zoo, sp.oo, -sp.oo) or engine.spot_check(g, found[0]) is not True:
        return None
    value, change = found
    X, U, c, k, m = sp.symbols("X u c k m")
    kernel = sp.Integral(sp.log(U) ** k * (1 + c * U) ** -m, (U, 0, 1))
    detail = Note.of("partial fractions in ", eq(U, change.xreplace({x: X})),
                     *((" (on each side of 0)",) if s.inf is -sp.oo and s.sup is sp.oo else ()),
                     ", then ", kernel, " by polylogarithms", rule="polylogarithm")
    return Expectation(value, ("polylogarithm",), detail=detail)
