"""Trigonometric integrands: E[g] over a bounded interval when g·p is a polynomial in x, cos φ and sin φ once
sin²φ = 1 − cos²φ is used, φ = ωx + c one angle.

Every sine, cosine (tangent, secant, …) of g·p must be taken at nφ + c, n an integer and c free of x; cos(nφ + c) and
sin(nφ + c) are expanded into C = cos φ and S = sin φ. The integrand is then a rational function R(x, C, S). Reducing
numerator and denominator modulo S² + C² − 1, and clearing S from the denominator by its conjugate
(D + E·S)(D − E·S) = D² − E²(1 − C²), writes it as (A + B·S)/D with A, B, D polynomials. When D is free of x, C
and S, R is a trigonometric polynomial times powers of x, whose integral over an interval SymPy writes in
closed form term by term. When D keeps C or S, x appears only through φ and the interval holds whole periods of φ
(a circular law on [−π, π]), z = e^{iφ} turns the integral into one around the unit circle, summed by residues at the
poles inside (:func:`circle_integral`; the wrapped Cauchy law's I_ρρ = 2/(1 − ρ²)²). Tried on the whole E[f] (whose
parts need not be integrable one by one) and on each atom of its linear split. The raised-cosine law's E[tan²(φ/2)]:
sin²φ/(1 + cos φ)² · (1 + cos φ)/2 = (1 − cos φ)/2.

SymPy's ``integrate`` finds the same values from the unreduced integrand, but in 2–3 s each (against 0.05–0.3 s),
and the atoms of one entry do not fit in its time.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq

_TRIG = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)
#: seconds to reduce the integrand and integrate the trigonometric polynomial (or sum the residues)
SECONDS = 3.0
#: parameter points at which a pole is placed inside or outside the unit circle
POINTS = 3


def _through_sin_cos(f: sp.Function) -> sp.Expr:
    a = f.args[0]
    return {sp.tan: sp.sin(a) / sp.cos(a), sp.cot: sp.cos(a) / sp.sin(a),
            sp.sec: 1 / sp.cos(a), sp.csc: 1 / sp.sin(a)}.get(type(f), f)


def one_angle(expr: sp.Expr, x: sp.Symbol, C: sp.Symbol, S: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(R, φ): ``expr`` = R(x, cos φ, sin φ), every trigonometric function of x in it taken at nφ + c (n an integer,
    c free of x); ``None`` when there is none, or no such angle (cos x and cos √2x, cos x and cos x²).

    >>> x, C, S = sp.symbols("x C S")
    >>> one_angle(sp.sin(2*x) / (1 + sp.cos(x)), x, C, S)
    (2*C*S/(C + 1), x)
    >>> one_angle(sp.cos(sp.pi*(2*x - 1)) + sp.sin(sp.pi*x), x, C, S)
    (-2*C**2 + S + 1, pi*x)
    """
    expr = expr.replace(lambda e: isinstance(e, _TRIG) and e.has(x), _through_sin_cos)
    angles = {f.args[0] for f in expr.atoms(sp.sin, sp.cos) if f.has(x)}
    if not angles or not all(sp.diff(a, x, 2) == 0 for a in angles):
        return None
    base = min(angles, key=sp.count_ops)
    ratios = {a: sp.cancel(sp.diff(a, x) / sp.diff(base, x)) for a in angles}
    if not all(r.is_Rational for r in ratios.values()):
        return None
    den = sp.ilcm(1, 1, *[r.q for r in ratios.values()])
    phi, w = base / den, sp.Dummy("w")
    multiples = {a: (r * den, sp.cancel(a - r * base)) for a, r in ratios.items()}  # a = nφ + c
    trig = {f: sp.expand_trig(type(f)(multiples[f.args[0]][0] * w + multiples[f.args[0]][1]))
            for f in expr.atoms(sp.sin, sp.cos) if f.args[0] in multiples}
    reduced = expr.xreplace({f: v.xreplace({sp.cos(w): C, sp.sin(w): S}) for f, v in trig.items()})
    return (None if reduced.has(w) or any(f.has(x) for f in reduced.atoms(*_TRIG)) else reduced), phi


def _mod_circle(poly: sp.Expr, C: sp.Symbol, S: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """(A, B) with ``poly`` ≡ A + B·S modulo S² + C² − 1, A and B free of S."""
    rest = sp.Poly(poly, S).rem(sp.Poly(S**2 + C**2 - 1, S))
    return rest.coeff_monomial(1), rest.coeff_monomial(S)


def trigonometric_polynomial(R: sp.Expr, x: sp.Symbol, C: sp.Symbol, S: sp.Symbol) -> sp.Expr | None:
    """R(x, C, S) as a polynomial in x, C and S (its coefficients free of them), using S² + C² = 1; ``None`` when R
    is not one (a denominator in x or C that does not cancel).

    >>> x, C, S = sp.symbols("x C S")
    >>> trigonometric_polynomial(x * S**2 / (1 + C), x, C, S)
    -C*x + x
    """
    if not R.is_rational_function(x, C, S):
        return None
    num, den = sp.fraction(sp.cancel(sp.together(R)))
    (a, b), (d, e) = _mod_circle(num, C, S), _mod_circle(den, C, S)
    if e != 0:  # (a + bS)/(d + eS) = (a + bS)(d − eS)/(d² − e²(1 − C²))
        (a, b), d = _mod_circle(sp.expand((a + b * S) * (d - e * S)), C, S), sp.expand(d**2 - e**2 * (1 - C**2))
    out = sp.cancel(a / d) + S * sp.cancel(b / d)
    _, rest = sp.fraction(sp.together(out))
    return None if rest.has(x, C, S) else sp.expand(out)


def circle_integral(R: sp.Expr, C: sp.Symbol, S: sp.Symbol, points: list[dict]) -> sp.Expr | None:
    """∫₀^{2π} R(cos φ, sin φ) dφ = 2πi Σ Res_{|z|<1} R((z + 1/z)/2, (z − 1/z)/(2i))/(iz), by the residue theorem; the
    poles are the roots of the denominator (``None`` when SymPy cannot write them all), inside the unit circle or not
    as at every parameter point of ``points`` (``None`` when that changes, or a pole is on the circle: then the
    integral diverges). The cardioid's ∫ cos²φ/(1 + 2θ cos φ) dφ has its pole z = (√(1 − 4θ²) − 1)/(2θ) inside.

    >>> C, S, r = sp.symbols("C S rho")
    >>> circle_integral(1 / (1 - 2*r*C + r**2), C, S, [{r: 0.3}, {r: 0.7}])  # the Poisson kernel
    -2*pi/(rho**2 - 1)
    """
    z = sp.Dummy("z")
    F = sp.cancel(sp.together(R.xreplace({C: (z + 1 / z) / 2, S: (z - 1 / z) / (2 * sp.I)}) / (sp.I * z)))
    num, den = sp.fraction(F)
    poly = sp.Poly(den, z)
    poles = sp.roots(poly)
    if sum(poles.values()) != poly.degree():
        return None
    total = sp.Integer(0)
    for pole, order in poles.items():
        size = {abs(complex(pole.subs(point))) for point in points}
        if any(abs(m - 1) < 1e-9 for m in size) or len({m < 1 for m in size}) != 1:
            return None
        if min(size) > 1:
            continue
        rest = num / (poly.LC() * sp.Mul(*[(z - q) ** k for q, k in poles.items() if q != pole]))
        total += sp.diff(rest, z, order - 1).subs(z, pole) / sp.factorial(order - 1)
    return sp.cancel(2 * sp.pi * sp.I * total)


def integral(integrand: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
             points: list[dict]) -> tuple[sp.Expr, sp.Expr, str] | None:
    """(∫ integrand dx over (lo, hi), φ, how) when the integrand is a trigonometric polynomial in one angle φ times
    powers of x (:func:`one_angle`, :func:`trigonometric_polynomial`), or a rational function of cos φ and sin φ alone
    over whole periods of φ (:func:`circle_integral`, the parameters at ``points``); ``None`` otherwise."""
    C, S = sp.Dummy("C"), sp.Dummy("S")
    found = one_angle(integrand, x, C, S)
    if found is None or found[0] is None:
        return None
    R, phi = found
    poly = trigonometric_polynomial(R, x, C, S)
    if poly is not None:
        value = sp.integrate(poly.xreplace({C: sp.cos(phi), S: sp.sin(phi)}), (x, lo, hi))
        return None if value.has(sp.Integral) else (value, phi, "polynomial")
    omega = sp.diff(phi, x)
    turns = sp.cancel(omega * (hi - lo) / (2 * sp.pi))  # ∫ over (lo, hi) dx = (1/ω) ∫ over φ(lo)..φ(hi) dφ
    if R.has(x) or not (turns.is_Integer and turns != 0) or not R.free_symbols <= {C, S, *points[0]} \
            or not R.is_rational_function(C, S):  # exp(κ cos φ): an essential singularity at z = 0, not a pole
        return None
    value = circle_integral(R, C, S, points)
    return None if value is None else (turns / omega * value, phi, "residues")


def _expected(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if ctx.interval is None:
        return None
    x, s = ctx.interval
    if not (s.inf.is_finite and s.sup.is_finite):
        return None
    integrand = f * ctx.density
    key = ("trigonometric", f)  # an entry that is one atom comes back at the atom level: not tried twice
    if not any(t.has(x) for t in integrand.atoms(*_TRIG)) or engine.memo.get(key, True) is None:
        return None
    points = [ctx.point(engine.config.seed + n) for n in range(POINTS)]
    found = engine.hard(integral, integrand, x, s.inf, s.sup, points, seconds=SECONDS)
    if found is None or found[0].has(sp.nan, sp.zoo, sp.oo, -sp.oo) or engine.spot_check(f, found[0]) is not True:
        engine.memo[key] = None
        return None
    value, phi, how = found
    X = sp.Symbol("X")
    angle = phi.xreplace({x: X})
    detail = (Note.of("with sin² = 1 − cos², f·p is a trigonometric polynomial in ", angle, " times powers of X",
                      rule="trigonometric") if how == "polynomial" else
              Note.of("f·p is a rational function of cos and sin of ", angle, " over whole periods: residues inside "
                      "the unit circle, ", eq(sp.Symbol("z"), sp.exp(sp.I * angle)), rule="trigonometric"))
    return Expectation(value, ("trigonometric",), detail=detail)


@register("trigonometric", "expression")
def trigonometric_expectation(engine, f: sp.Expr) -> Expectation | None:
    """E[f] as a whole, before the linear split, whose parts need not be integrable one by one (the raised-cosine
    law's E[s_σ²] splits into E[1/(1 + cos πY)²] = ∞ and others)."""
    return _expected(engine, f)


@register("trigonometric", "atom")
def trigonometric_atom(engine, g: sp.Expr) -> Expectation | None:
    """E[g] for one atom g of the linear split."""
    return _expected(engine, g)
