"""Gaussian tails: E[g] on a half-line when g·p = R(x)·exp(−a x² + b x + c), R rational with poles only at the vertex
x₀ = b/(2a) of the quadratic (the Benini law in t = log(x/σ): (α + 2βt) e^{−αt − βt²}, and 1/(α + 2βt) in its score).

With v = x − x₀ the exponent is −a v² + c + b²/(4a), and partial fractions in v leave powers vʲ (j an integer). On
(l, ∞), v₀ = l − x₀:

* j ≥ 0, any real v₀ (a truncated normal law's vertex μ lies on either side of its end): by parts,
  ∫_{v₀}^∞ e^{−a v²} dv = ½√(π/a) erfc(√a v₀), ∫_{v₀}^∞ v e^{−a v²} dv = e^{−a v₀²}/(2a), and
  ∫_{v₀}^∞ vʲ e^{−a v²} dv = ((j − 1) ∫_{v₀}^∞ v^{j−2} e^{−a v²} dv + v₀^{j−1} e^{−a v₀²})/(2a);
* j < 0, v₀ > 0 proved on the parameter domain (the pole at v = 0 outside the interval):
  ∫_{v₀}^∞ vʲ e^{−a v²} dv = ½ a^{−(j+1)/2} Γ((j + 1)/2, a v₀²), written down to √π erfc and E₁ (:func:`upper_gamma`).

Hyperbolic functions of x are exponentials, and a sum Σ R_k(x) e^{Q_k(x)} is integrated term by term: the
noncentral χ law with 3 degrees of freedom, √(2/π) x sinh(λx) e^{−(x² + λ²)/2}/λ, whose mean score holds x coth(λx),
and the folded normal law written with cosh(μx/σ²).

(−∞, h) is mirrored onto (−h, ∞). A bounded interval (l, h) is the difference of two tails, ∫_l^∞ − ∫_h^∞
(a truncated normal law, the middle piece of Huber's least favourable density), erfc(·) − erfc(·) written as
erf(·) − erf(·); with a pole (j < 0) both ends must lie on one side of the vertex (mirrored when it is the left
side). Every value is spot-checked by quadrature.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from symfisher.core.expectation.base import KINKED, Expectation, confirmed
from symfisher.core.expectation.partial_fractions import APART_FAILURES
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq, listed
from symfisher.core.simplify import HYPERBOLIC

SECONDS = 2.0  # partial fractions and the incomplete-Gamma forms, in a worker of their own


def upper_gamma(s: sp.Rational, z: sp.Expr) -> sp.Expr:
    """Γ(s, z) for s an integer or a half-integer, through Γ(s + 1, z) = sΓ(s, z) + zˢe^{−z} down (or up) to
    Γ(½, z) = √π erfc(√z) or Γ(0, z) = E₁(z): the forms the literature prints, where ``expand_func`` writes 1 − erf and
    −Ei(−z).

    >>> z = sp.Symbol("z", positive=True)
    >>> upper_gamma(sp.Rational(3, 2), z)
    sqrt(z)*exp(-z) + sqrt(pi)*erfc(sqrt(z))/2
    """
    if s == sp.S.Half:
        return sp.sqrt(sp.pi) * sp.erfc(sp.sqrt(z))
    if s == 0:
        return sp.expint(1, z)
    if s > 0:
        return (s - 1) * upper_gamma(s - 1, z) + z ** (s - 1) * sp.exp(-z)
    return (upper_gamma(s + 1, z) - z**s * sp.exp(-z)) / s


def _power_integral(j: int, a: sp.Expr, v0: sp.Expr, side: int) -> sp.Expr | None:
    """∫_{v₀}^∞ vʲ e^{−a v²} dv; ``side``: the sign of v₀ (0 when unknown), needed only for j < 0, where v₀ > 0 keeps
    the pole at v = 0 outside (``None`` otherwise). For j ≥ 0, by parts, valid for every real v₀:
    I₀ = ½√(π/a) erfc(√a v₀), I₁ = e^{−a v₀²}/(2a), I_j = ((j − 1) I_{j−2} + v₀^{j−1} e^{−a v₀²})/(2a)."""
    if j < 0:
        return a ** sp.Rational(j + 1, -2) * upper_gamma(sp.Rational(j + 1, 2), a * v0**2) / 2 if side > 0 else None
    if j == 0:
        return sp.sqrt(sp.pi / a) * sp.erfc(sp.sqrt(a) * v0) / 2
    if j == 1:
        return sp.exp(-a * v0**2) / (2 * a)
    return ((j - 1) * _power_integral(j - 2, a, v0, side) + v0 ** (j - 1) * sp.exp(-a * v0**2)) / (2 * a)


def quadratic_exponent(integrand: sp.Expr, x: sp.Symbol, degree: int = 2) -> tuple[sp.Expr, sp.Expr] | None:
    """(Q, R) with integrand = R(x)·exp(Q(x)), Q a polynomial of ``degree`` (a quadratic) and R rational in x; ``None``
    otherwise. Cheap: the strategy asks it before starting a worker."""
    combined = sp.powsimp(sp.expand_power_base(integrand, force=True), combine="exp")
    factors = sp.Mul.make_args(combined)
    exps = [f for f in factors if isinstance(f, sp.exp) and f.has(x)]
    if len(exps) != 1:
        return None
    exponent = sp.expand(exps[0].args[0])
    rational = sp.Mul(*[f for f in factors if f is not exps[0]])
    if not exponent.is_polynomial(x) or sp.degree(exponent, x) != degree or not rational.is_rational_function(x):
        return None
    return exponent, rational


def exponential_terms(integrand: sp.Expr, x: sp.Symbol, degrees: tuple[int, ...] = (2,)
                      ) -> list[tuple[sp.Expr, sp.Expr]] | None:
    """[(Q_k, R_k)] with integrand = Σ R_k(x)·exp(Q_k(x)) as in :func:`quadratic_exponent` (Q_k of one of ``degrees``),
    one term per exponent, the hyperbolic functions of x written with exponentials; ``None`` otherwise. Cheap, like
    it."""
    single = _exponent_of(integrand, x, degrees)
    if single is not None or not integrand.has(*HYPERBOLIC):
        return None if single is None else [single]
    as_sinh_cosh = integrand.replace(lambda e: isinstance(e, HYPERBOLIC) and e.has(x), _sinh_cosh)  # coth·sinh = cosh
    rewritten = as_sinh_cosh.replace(lambda e: isinstance(e, HYPERBOLIC) and e.has(x), lambda e: e.rewrite(sp.exp))
    terms: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(sp.expand(rewritten)):
        shape = _exponent_of(term, x, degrees)
        if shape is None:
            return None
        terms[shape[0]] = terms.get(shape[0], sp.S.Zero) + shape[1]
    return list(terms.items())


def _exponent_of(term: sp.Expr, x: sp.Symbol, degrees: tuple[int, ...]) -> tuple[sp.Expr, sp.Expr] | None:
    return next((shape for d in degrees if (shape := quadratic_exponent(term, x, d)) is not None), None)


def _sinh_cosh(e: sp.Expr) -> sp.Expr:
    """A hyperbolic function as a quotient of sinh and cosh, so that a density's factor cancels against an atom's."""
    z = e.args[0]
    quotients = {sp.tanh: sp.sinh(z) / sp.cosh(z), sp.coth: sp.cosh(z) / sp.sinh(z), sp.sech: 1 / sp.cosh(z),
                 sp.csch: 1 / sp.sinh(z)}
    return quotients.get(e.func, e)


def _sum_of(integral: Callable, shapes: list[tuple[sp.Expr, sp.Expr]], *args) -> tuple[sp.Expr, list] | None:
    """(Σ_k of ``integral`` over the terms (Q_k, R_k), [the vertices]), or ``None`` where one term has no value."""
    found = [integral(shape, *args) for shape in shapes]
    if any(f is None for f in found):
        return None
    return sp.Add(*[f[0] for f in found]), [f[1] for f in found]


def _tail_of_shape(shape: tuple[sp.Expr, sp.Expr], *args) -> tuple[sp.Expr, sp.Expr] | None:
    return _tail_of(*shape, *args)


def tail_integral(integrand: sp.Expr, x: sp.Symbol, lo: sp.Expr,
                  sign: Callable[[sp.Expr], int]) -> tuple[sp.Expr, sp.Expr] | None:
    """(∫_lo^∞ integrand dx, the vertex x₀) when the integrand is R(x)·exp(quadratic) as above; ``sign`` gives the sign of
    an expression in θ on the parameter domain (0 when unknown)."""
    found = quadratic_exponent(integrand, x)
    return None if found is None else _tail_of(*found, x, lo, sign)


def _tail_of(exponent: sp.Expr, rational: sp.Expr, x: sp.Symbol, lo: sp.Expr,
             sign: Callable[[sp.Expr], int]) -> tuple[sp.Expr, sp.Expr] | None:
    """:func:`tail_integral` of R(x)·exp(Q(x)) given as (Q, R) by :func:`quadratic_exponent`."""
    minus_a, b, c = sp.Poly(exponent, x).all_coeffs()
    a = -minus_a
    if sign(a) != 1:
        return None
    vertex = sp.cancel(b / (2 * a))
    v = sp.Dummy("v")
    v0 = sp.cancel(lo - vertex)
    side = sign(v0)
    const, shifted = sp.cancel(rational.xreplace({x: v + vertex})).as_independent(v, as_Add=False)
    try:
        terms = sp.Add.make_args(sp.apart(shifted, v))
    except APART_FAILURES:  # a coefficient apart cannot take as a constant
        return None
    total = sp.Integer(0)
    for term in terms:
        coeff, power = term.as_independent(v, as_Add=False)
        base, j = power.as_base_exp() if power != 1 else (v, sp.Integer(0))
        if base != v or not j.is_Integer:
            return None
        value = _power_integral(int(j), a, v0, side)
        if value is None:
            return None
        total += coeff * value
    value = const * sp.exp(c + b**2 / (4 * a)) * total
    return value, vertex


def _between(shape: tuple[sp.Expr, sp.Expr], x: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
             sign: Callable[[sp.Expr], int]) -> tuple[sp.Expr, sp.Expr] | None:
    """(∫_lo^hi R(x)·exp(Q(x)) dx, the vertex) for (Q, R) of :func:`quadratic_exponent`, as ∫_lo^∞ − ∫_hi^∞; when a
    pole keeps a tail from closing, the mirror image ∫_{−hi}^{−lo} of the integrand at −x."""
    for (exponent, rational), (a, b), flip in (
            (shape, (lo, hi), 1), ((shape[0].xreplace({x: -x}), shape[1].xreplace({x: -x})), (-hi, -lo), -1)):
        upper, lower = _tail_of(exponent, rational, x, a, sign), _tail_of(exponent, rational, x, b, sign)
        if upper is not None and lower is not None:
            return sp.expand((upper[0] - lower[0]).rewrite(sp.erf)), flip * upper[1]
    return None


def _linear_between(shape: tuple[sp.Expr, sp.Expr], x: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
                    sign: Callable[[sp.Expr], int]) -> tuple[sp.Expr, None] | None:
    """(∫_lo^hi R(x)·e^{bx + c} dx, no vertex) for a polynomial R and b ≠ 0 of known sign: by parts until R's
    derivatives vanish, F = e^{bx + c}·Σ_k (−1)^k R⁽ᵏ⁾(x)/b^{k+1}, and F(hi) − F(lo). SymPy's integrate took 1.4-2.3 s
    for each piece of the truncated Laplace law's mass."""
    exponent, polynomial = shape
    coeffs = sp.Poly(exponent, x).all_coeffs()
    if len(coeffs) != 2 or not polynomial.is_polynomial(x) or sign(coeffs[0]) not in (1, -1):
        return None
    b, terms, k = coeffs[0], [], 0
    while polynomial != 0:
        terms.append((-1) ** k * polynomial / b ** (k + 1))
        polynomial, k = sp.diff(polynomial, x), k + 1
    F = sp.Add(*terms) * sp.exp(exponent)
    return sp.expand(F.xreplace({x: hi}) - F.xreplace({x: lo})), None


def _linear_or_quadratic_between(shape: tuple[sp.Expr, sp.Expr], x: sp.Symbol, *args
                                 ) -> tuple[sp.Expr, sp.Expr | None] | None:
    if sp.degree(shape[0], x) == 1:
        return _linear_between(shape, x, *args)
    return _between(shape, x, *args)


def interval_integral(integrand: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
                      sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    """∫_lo^hi integrand dx for Σ R_k(x)·exp(Q_k(x)) on a bounded interval (:func:`_linear_between` for a linear Q_k
    and a polynomial R_k, :func:`_between` for a Gaussian one), else None."""
    shapes = exponential_terms(integrand, x, (1, 2))
    found = None if shapes is None else _sum_of(_linear_or_quadratic_between, shapes, x, lo, hi, sign)
    return None if found is None else found[0]


@register("gaussian-tail", "atom")
def gaussian_tail(engine, g: sp.Expr) -> Expectation | None:
    """E[g] as incomplete Gamma functions (error functions, exponential integrals) of the vertex's distance to the end
    (to both ends, on a bounded interval)."""
    ctx = engine.ctx
    if ctx.interval is None or g.has(*KINKED):
        return None
    x, s = ctx.interval
    integrand = g * ctx.density
    if not integrand.has(sp.exp) or (s.inf is -sp.oo and s.sup is sp.oo):
        return None
    bounded = s.inf is not -sp.oo and s.sup is not sp.oo
    left = s.inf is -sp.oo  # (−∞, h): mirrored onto (−h, ∞)
    mirrored, lo = (integrand.xreplace({x: -x}), -s.sup) if left else (integrand, s.inf)
    shapes = exponential_terms(mirrored, x)  # cheap, in-process: no worker for the atoms of other shapes
    if shapes is None:
        return None
    if bounded:
        found = engine.hard(_sum_of, _between, shapes, x, s.inf, s.sup, ctx.sign, seconds=SECONDS)
    else:
        found = engine.hard(_sum_of, _tail_of_shape, shapes, x, lo, ctx.sign, seconds=SECONDS)
    if found is None or not confirmed(engine, g, found[0]):
        return None
    value, vertices = found
    X = sp.Symbol("X")
    ends = "both ends" if bounded else "the end"
    at = listed([eq(X, -v if left else v) for v in vertices])
    if len(vertices) == 1:
        detail = Note.of("the exponent is a quadratic in X with its vertex at ", *at,
                         f": incomplete Gamma functions of the distance from the vertex to {ends}", rule="gaussian-tail")
    else:
        detail = Note.of("a sum of exponentials of quadratics in X with their vertices at ", *at,
                         f": incomplete Gamma functions of the distance from each vertex to {ends}", rule="gaussian-tail")
    return Expectation(value, ("gaussian-tail",), detail=detail)
