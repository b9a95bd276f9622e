"""One Gaussian variable: E[q(X)·e^{cX}] by completing the square, no integral.

If log p = α x² + β x + γ on ℝ with α < 0, then X ~ N(m, v) with m = −β/(2α), v = −1/(2α), and for a polynomial q
and c free of x

    E[q(X) e^{cX}] = e^{cm + c²v/2} E[q(Y)],   Y ~ N(m + cv, v),

with E[Y^j] = Σ_{i even} C(j, i) (m + cv)^{j−i} v^{i/2} (i − 1)!!. A log-normal law's moments E[X^c], and E[X^c log X],
come this way once the inner-variable map has written them in t = log x (the three-parameter log-normal's threshold
entries: E[(1 + z/σ)² e^{−2μ−2σz}]).
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.gaussian import coefficients
from symfisher.core.note import TILTED_NORMAL, Note

RULE = "completing the square"


def normal_law(ctx) -> tuple[sp.Expr, sp.Expr] | None:
    """(m, v) when the model is N(m, v) in its one continuous variable on ℝ (log p quadratic in x, −½P x² + bx + c
    with P > 0 proved: m = b/P, v = 1/P)."""
    if not ctx.univariate or ctx.discrete:
        return None
    x = ctx.data[0]
    if ctx.support[x] != sp.S.Reals or not ctx.logpdf.is_polynomial(x):
        return None
    poly = sp.Poly(ctx.logpdf, x)
    if poly.degree() != 2:
        return None
    (precision,), (b,) = coefficients(poly, 1)  # log p = −½ P x² + b x + c, as for several Gaussian variables
    if ctx.sign(precision) != 1:
        return None
    return b / precision, 1 / precision


def normal_moment(j: int, mean: sp.Expr, variance: sp.Expr) -> sp.Expr:
    """E[Y^j] for Y ~ N(mean, variance)."""
    return sp.Add(*[sp.binomial(j, i) * mean ** (j - i) * variance ** (i // 2) * sp.factorial2(i - 1)
                    for i in range(0, j + 1, 2)])


def gaussian_integral(j: int, a: sp.Expr, b: sp.Expr, c: sp.Expr) -> sp.Expr:
    """∫ x^j e^{−a x² + b x + c} dx over ℝ (a > 0): e^{c + b²/(4a)} √(π/a) E[Y^j], Y ~ N(b/(2a), 1/(2a))."""
    return sp.exp(c + b**2 / (4 * a)) * sp.sqrt(sp.pi / a) * normal_moment(j, b / (2 * a), 1 / (2 * a))


@register("gaussian-mgf", "atom")
def gaussian_mgf(engine, g: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if not g.has(sp.exp):
        return None
    law = engine.cached("gaussian-mgf-law", lambda: normal_law(ctx))
    if law is None:
        return None
    x = ctx.data[0]
    exponent, rest = sp.S.Zero, sp.S.One
    for factor in sp.Mul.make_args(g):
        if isinstance(factor, sp.exp):
            exponent += factor.args[0]
        else:
            rest *= factor
    exponent = sp.expand(exponent)
    c = exponent.coeff(x)
    shift = exponent - c * x
    if c == 0 or shift.has(x) or c.has(x) or not rest.is_polynomial(x):
        return None
    m, v = law
    tilted = m + c * v
    moments = sp.Add(*[coeff * normal_moment(j, tilted, v) for (j,), coeff in sp.Poly(rest, x).terms()])
    value = sp.exp(shift + c * m + c**2 * v / 2) * moments
    detail = Note.of("X normal with mean ", m, " and variance ", v, ": ", TILTED_NORMAL, ", ", sp.Eq(sp.Symbol("c"), c),
                     rule=RULE)
    return Expectation(value, ("gaussian-mgf",), detail=detail)
