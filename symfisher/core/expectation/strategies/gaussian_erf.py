"""One variable on ℝ: ∫ q(x) e^{Q(x)} erf(αx + β) dx for a polynomial q and a concave quadratic Q, no integral.

With Q = c − (x − m)²/(2v) and x = m + √v·t, each power of t leaves J_n = ∫ tⁿ e^{−t²/2} erf(at + b) dt, and

    J_0 = √(2π) erf(b/√(1 + 2a²))                                   (E[erf(aZ + b)], Z ~ N(0, 1)),
    J_n = (n − 1) J_{n−2} + (2a/√π) ∫ t^{n−1} e^{−t²/2 − (at + b)²} dt   (Stein's identity E[Z h(Z)] = E[h′(Z)]),

the last integral a Gaussian moment. Terms without an error function are Gaussian moments too. This closes the
moments of the skew-normal law 2φ(y)Φ(ay) = φ(y)(1 + erf(ay/√2)) (E[y] = √(2/π)·a/√(1 + a²)), which its mean
score needs once φ(ay)/Φ(ay) has cancelled against the density.

With a linear exponent, the terms e^{cx}(P(x) + R(x) erf(u)), u = αx + β, are integrable only together, as
P e^{cx} erfc(u) where R = −P (1 − erf(u) = erfc(u)) or R e^{cx} erfc(−u) where R = P, and only where the exponential
decays at the end where erfc tends to 2: sign c = sign α for erfc(αx + β). By parts (r(x)e^{cx} an antiderivative of
q(x)e^{cx}, r = Σ_k (−1)^k q^{(k)}/c^{k+1}; the boundary terms vanish)

    ∫ q(x) e^{cx} erfc(αx + β) dx = (2α/√π) ∫ r(x) e^{cx − (αx + β)²} dx,

a Gaussian moment again: the moments of the exponentially modified Gaussian law
λ/2·e^{λ(μ − x) + λ²σ²/2} erfc((μ + λσ² − x)/(√2σ)), e.g. E[x] = μ + 1/λ.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.gaussian_mgf import gaussian_integral
from symfisher.core.note import GAUSSIAN_ERF, Note

RULE = "Stein's identity"


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


def _coefficients(expr: sp.Expr, x: sp.Symbol, degree: int) -> list[sp.Expr] | None:
    """The coefficients of expr, highest first, where it is a polynomial of exactly ``degree`` in x."""
    if not expr.is_polynomial(x) or sp.degree(expr, x) != degree:
        return None
    return sp.Poly(expr, x).all_coeffs()


def _quadratic_integral(engine, constant, polynomial, exponent: list[sp.Expr], inside, x: sp.Symbol):
    """constant·∫ q(x) e^{Q(x)} erf(αx + β) dx (or without erf) for a concave quadratic Q (coefficients)."""
    a, b, c = -exponent[0], exponent[1], exponent[2]
    if engine.ctx.sign(a) != 1:
        return None
    if inside is None:
        poly = sp.Poly(polynomial, x)
        return constant * sp.Add(*[k * gaussian_integral(j, a, b, c) for (j,), k in poly.terms()])
    line = _coefficients(inside, x, 1)
    if line is None:
        return None
    alpha, beta = line
    m, root_v = b / (2 * a), 1 / sp.sqrt(2 * a)  # x = m + √v t, Q = c + b²/(4a) − t²/2
    t = sp.Dummy("t")
    in_t = sp.Poly(sp.expand(polynomial.subs(x, m + root_v * t)), t)
    moments = sp.Add(*[k * erf_moment(n, alpha * root_v, alpha * m + beta) for (n,), k in in_t.terms()])
    return constant * sp.exp(c + b**2 / (4 * a)) * root_v * moments


def _by_parts(engine, polynomial, c: sp.Expr, alpha: sp.Expr, beta: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """∫ q(x) e^{cx} erfc(αx + β) dx by parts (module docstring), where sign c = sign α ≠ 0."""
    if engine.ctx.sign(c) not in (1, -1) or engine.ctx.sign(c) != engine.ctx.sign(alpha):
        return None
    degree = sp.degree(polynomial, x)
    r = sp.Poly(sp.expand(sum((-1) ** k * sp.diff(polynomial, x, k) / c ** (k + 1) for k in range(degree + 1))), x)
    gaussian = sp.Add(*[k * gaussian_integral(j, alpha**2, c - 2 * alpha * beta, -beta**2) for (j,), k in r.terms()])
    return 2 * alpha / sp.sqrt(sp.pi) * gaussian


def _linear_integral(engine, plain: sp.Expr, with_erf: sp.Expr, c: sp.Expr, inside, x: sp.Symbol):
    """∫ e^{cx}(P(x) + R(x) erf(u)) dx for P = ``plain`` and R = ``with_erf`` (module docstring)."""
    line = _coefficients(inside, x, 1) if inside is not None else None
    if line is None:
        return None
    alpha, beta = line
    if sp.expand(plain + with_erf) == 0:
        return _by_parts(engine, plain, c, alpha, beta, x)
    if sp.expand(plain - with_erf) == 0:
        return _by_parts(engine, with_erf, c, -alpha, -beta, x)
    return None


def _integral(engine, integrand: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """∫ integrand dx over ℝ, term by term where the exponent is quadratic, in pairs (P, R) where it is linear."""
    total, linear = sp.S.Zero, {}
    for term in sp.Add.make_args(integrand):
        parts = _parts(term, x)
        if parts is None:
            return None
        constant, polynomial, exponent, inside = parts
        quadratic = _coefficients(exponent, x, 2)
        if quadratic is not None:
            value = _quadratic_integral(engine, constant, polynomial, quadratic, inside, x)
            if value is None:
                return None
            total += value
            continue
        line = _coefficients(exponent, x, 1)
        if line is None:
            return None
        c, d = line
        plain, with_erf, seen = linear.get(c, (sp.S.Zero, sp.S.Zero, inside))
        if inside is not None and seen is not None and inside != seen:
            return None
        weighted = constant * sp.exp(d) * polynomial
        linear[c] = (plain, with_erf + weighted, inside) if inside is not None else (plain + weighted, with_erf, seen)
    for c, (plain, with_erf, inside) in linear.items():
        value = _linear_integral(engine, plain, with_erf, c, inside, x)
        if value is None:
            return None
        total += value
    return total


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
    value = _integral(engine, integrand, x)
    if value is None:
        return None
    detail = Note.of("Gaussian integrals with an error function: ", GAUSSIAN_ERF, rule=RULE)
    return Expectation(value, ("gaussian-erf",), detail=detail)
