"""Limits at ±∞ of expressions with a Gaussian factor: e^{P(y)} with P a polynomial of degree ≥ 2 tending to −∞
beats every factor of at most exponential growth (|R(y)| ≤ A·e^{c|y|}), so e^{P(y)}·R(y) → 0.

Johnson's S_U law in y = asinh((x − ξ)/λ) is a Gaussian in y, and each ∂²F/∂θ_i∂θ_j there is a sum of terms
e^{−(ay + γ)²/2}·(polynomial in y)·sinh(y)^m/cosh(y)^n, whose 22 limits took SymPy's gruntz 0.3–1.2 s each (11 s of
the route's 15 s); the rule decides each in milliseconds, and says nothing (``None``) where a term is of another
shape.
"""

from __future__ import annotations

import sympy as sp

MAX_OPS = 2000  # larger expressions are left to SymPy's limit (their expansion is the cost)
MAX_TERMS = 400
BOUNDED = (sp.sin, sp.cos, sp.tanh, sp.atan, sp.erf, sp.erfc)  # bounded at every real argument
GROWING = (sp.sinh, sp.cosh, sp.exp)  # |f(u)| → ∞ or 0 no faster than e^{|u|}, and sinh, cosh grow: 1/f is bounded


def gaussian_tail_limit(expr: sp.Expr, y: sp.Symbol, end: sp.Expr) -> sp.Expr | None:
    """0 where y → ``end`` (oo or −oo) and every term of expr, expanded, is e^{P(y)}·R(y) with P a polynomial in y of
    degree ≥ 2 whose leading term tends to −∞ there (its sign known) and R of at most exponential order
    (:func:`exponential_order`); ``None`` otherwise (no limit is claimed).

    >>> y, a = sp.Symbol("y", real=True), sp.Symbol("a", positive=True)
    >>> gaussian_tail_limit(y**3 * sp.sinh(y) / sp.cosh(y)**2 * sp.exp(-(a*y + 1)**2 / 2), y, -sp.oo)
    0
    """
    if end not in (sp.oo, -sp.oo) or sp.count_ops(expr) > MAX_OPS:
        return None
    terms = sp.Add.make_args(sp.expand(expr, power_exp=False, multinomial=False))
    if len(terms) > MAX_TERMS or not all(_gaussian_term(term, y, end) for term in terms):
        return None
    return sp.Integer(0)


def _gaussian_term(term: sp.Expr, y: sp.Symbol, end: sp.Expr) -> bool:
    """Whether one term is e^{P(y)}·R(y) with P → −∞ as a polynomial of degree ≥ 2 and R of exponential order."""
    exponent, rest = sp.Integer(0), []
    for factor in sp.Mul.make_args(term):
        base, e = factor.as_base_exp()
        if isinstance(factor, sp.exp) or base is sp.E:
            exponent += factor.args[0] if isinstance(factor, sp.exp) else e
        else:
            rest.append(factor)
    exponent = sp.expand(exponent)
    if not exponent.is_polynomial(y):
        return False
    degree = sp.degree(exponent, y)
    lead = sp.Poly(exponent, y).LC() * (-1) ** degree if end is -sp.oo else sp.Poly(exponent, y).LC()
    return degree >= 2 and lead.is_negative is True and all(exponential_order(f, y) for f in rest)


def exponential_order(expr: sp.Expr, y: sp.Symbol) -> bool:
    """Whether |expr| ≤ A·e^{c|y|} for real y large in size: a constant, a polynomial or a nonzero power of one,
    sinh, cosh and exp of a linear argument, a bounded function (sin, cos, tanh, atan, erf, erfc) of a real one, and
    sums, products and positive integer powers of these; 1/f for f a non-constant polynomial, cosh, or sinh of a
    non-constant linear argument, which are eventually at least 1 in size."""
    if not expr.has(y):
        return expr.is_finite is True
    if expr.is_polynomial(y):
        return True
    if isinstance(expr, (sp.Add, sp.Mul)):
        return all(exponential_order(arg, y) for arg in expr.args)
    if isinstance(expr, BOUNDED):
        return expr.args[0].is_extended_real is True
    if isinstance(expr, GROWING):
        return _linear(expr.args[0], y)
    base, e = expr.as_base_exp()
    if e.has(y) or e == 1:  # another function of y (Γ(y))
        return False
    if e.is_Integer and e > 0:
        return exponential_order(base, y)
    if e.is_negative is True:
        return _eventually_large(base, y) and (e.is_Integer or base.is_positive is True)
    if e.is_positive is True and base.is_polynomial(y):  # √(1 + y²): |B|^e grows as a power of y
        return base.is_positive is True
    return False


def _eventually_large(base: sp.Expr, y: sp.Symbol) -> bool:
    """|base| ≥ 1 for real y large in size, so that a negative power of it is bounded."""
    if base.is_polynomial(y):
        return sp.degree(base, y) >= 1
    if isinstance(base, sp.cosh):
        return base.args[0].is_extended_real is True
    if isinstance(base, sp.sinh):
        return _linear(base.args[0], y) and sp.diff(base.args[0], y).is_nonzero is True
    return False


def _linear(arg: sp.Expr, y: sp.Symbol) -> bool:
    """arg = c·y + d with c, d free of y and real."""
    return arg.is_polynomial(y) and sp.degree(arg, y) <= 1 and arg.is_extended_real is True
