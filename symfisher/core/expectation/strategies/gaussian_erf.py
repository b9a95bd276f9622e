"""One variable on ℝ: ∫ q(x) e^{Q(x)} erf(αx + β) dx for a polynomial q and a concave quadratic Q, no integral.

With Q = c − (x − m)²/(2v) and x = m + √v·t, each power of t leaves J_n = ∫ tⁿ e^{−t²/2} erf(at + b) dt, and

    J_0 = √(2π) erf(b/√(1 + 2a²))                                   (E[erf(aZ + b)], Z ~ N(0, 1)),
    J_n = (n − 1) J_{n−2} + (2a/√π) ∫ t^{n−1} e^{−t²/2 − (at + b)²} dt   (Stein's identity E[Z h(Z)] = E[h′(Z)]),

the last integral a Gaussian moment. Terms without an error function are Gaussian moments too. This closes the
moments of the skew-normal law 2φ(y)Φ(ay) = φ(y)(1 + erf(ay/√2)) (E[y] = √(2/π)·a/√(1 + a²)), which its mean
score needs once φ(ay)/Φ(ay) has cancelled against the density.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.gaussian_mgf import normal_moment
from symfisher.core.note import GAUSSIAN_ERF, Note

RULE = "Stein's identity"


def gaussian_integral(j: int, a: sp.Expr, b: sp.Expr, c: sp.Expr) -> sp.Expr:
    """∫ x^j e^{−a x² + b x + c} dx over ℝ (a > 0): e^{c + b²/(4a)} √(π/a) E[Y^j], Y ~ N(b/(2a), 1/(2a))."""
    return sp.exp(c + b**2 / (4 * a)) * sp.sqrt(sp.pi / a) * normal_moment(j, b / (2 * a), 1 / (2 * a))


def erf_moment(n: int, a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """J_n = ∫ tⁿ e^{−t²/2} erf(at + b) dt over ℝ, by the recursion of the module docstring.

    >>> a, b = sp.symbols("a b", real=True)
    >>> erf_moment(0, a, 0), sp.simplify(erf_moment(1, a, 0))
    (0, 2*sqrt(2)*a/sqrt(2*a**2 + 1))
    """
    if n == 0:
        return sp.sqrt(2 * sp.pi) * sp.erf(b / sp.sqrt(1 + 2 * a**2))
    tail = 2 * a / sp.sqrt(sp.pi) * gaussian_integral(n - 1, sp.Rational(1, 2) + a**2, -2 * a * b, -b**2)
    return tail if n == 1 else (n - 1) * erf_moment(n - 2, a, b) + tail


def _parts(term: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr | None] | None:
    """(constant, polynomial in x, exponent, erf argument or None) with term = constant·polynomial·e^exponent·erf(·);
    ``None`` for any other factor of x (two error functions, a power of one, a denominator)."""
    constant, polynomial, exponent, inside = sp.S.One, sp.S.One, sp.S.Zero, None
    for factor in sp.Mul.make_args(term):
        if not factor.has(x):
            constant *= factor
        elif isinstance(factor, sp.exp):
            exponent += factor.args[0]
        elif factor.is_Pow and isinstance(factor.base, sp.exp) and not factor.exp.has(x):
            exponent += factor.base.args[0] * factor.exp
        elif isinstance(factor, sp.erf) and inside is None:
            inside = factor.args[0]
        elif factor.is_polynomial(x):
            polynomial *= factor
        else:
            return None
    return constant, polynomial, exponent, inside


def _term_integral(engine, term: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    parts = _parts(term, x)
    if parts is None:
        return None
    constant, polynomial, exponent, inside = parts
    if not exponent.is_polynomial(x) or sp.degree(exponent, x) != 2:
        return None
    q = sp.Poly(exponent, x)
    a, b, c = -q.coeff_monomial(x**2), q.coeff_monomial(x), q.coeff_monomial(1)
    if engine.ctx.sign(a) != 1:
        return None
    poly = sp.Poly(polynomial, x)
    if inside is None:
        return constant * sp.Add(*[k * gaussian_integral(j, a, b, c) for (j,), k in poly.terms()])
    if not inside.is_polynomial(x) or sp.degree(inside, x) != 1:
        return None
    alpha, beta = sp.Poly(inside, x).all_coeffs()
    m, root_v = b / (2 * a), 1 / sp.sqrt(2 * a)  # x = m + √v t, Q = c + b²/(4a) − t²/2
    t = sp.Dummy("t")
    in_t = sp.Poly(sp.expand(polynomial.subs(x, m + root_v * t)), t)
    moments = sp.Add(*[k * erf_moment(n, alpha * root_v, alpha * m + beta) for (n,), k in in_t.terms()])
    return constant * sp.exp(c + b**2 / (4 * a)) * root_v * moments


@register("gaussian-erf", "atom")
def gaussian_erf(engine, g: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if not ctx.univariate or ctx.discrete or not (g.has(sp.erf, sp.erfc) or ctx.density.has(sp.erf, sp.erfc)):
        return None
    x = ctx.data[0]
    if ctx.support[x] != sp.S.Reals:
        return None
    integrand = (g * ctx.density).replace(sp.erfc, lambda u: 1 - sp.erf(u))
    try:  # the density's 1 + erf(·) over the atom's (y φ(ay)/Φ(ay) of the skew-normal mean score) cancels
        integrand = sp.expand(sp.cancel(integrand))
    except (sp.PolynomialError, TypeError, ValueError):
        return None
    values = []
    for term in sp.Add.make_args(integrand):
        value = _term_integral(engine, term, x)
        if value is None:
            return None
        values.append(value)
    detail = Note.of("Gaussian integrals with an error function: ", GAUSSIAN_ERF, rule=RULE)
    return Expectation(sp.Add(*values), ("gaussian-erf",), detail=detail)
