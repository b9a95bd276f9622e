"""Limits at ±∞ of expressions with a decaying exponential factor: e^{P(y)}, P a polynomial of degree d ≥ 1 tending
to −∞, beats every factor that grows more slowly than e^{c|y|^d} (of growth order below d), so e^{P(y)}·R(y) → 0.

Johnson's S_U law in y = asinh((x − ξ)/λ) is a Gaussian in y (d = 2), and each ∂²F/∂θ_i∂θ_j there is a sum of terms
e^{−(ay + γ)²/2}·(polynomial in y)·sinh(y)^m/cosh(y)^n (order 1), whose 22 limits took SymPy's gruntz 0.3–1.2 s each
(11 s of the route's 15 s); the exponentiated Weibull law's in y = (x/λ)^k are e^{−y}·y^m·log(y)^n·(1 − e^{−y})^{a−1}
(d = 1 against order 0). The rule decides each in milliseconds, and says nothing (``None``) where a term is of
another shape.
"""

from __future__ import annotations

import sympy as sp

MAX_OPS = 2000  # larger expressions are left to SymPy's limit (their expansion is the cost)
MAX_TERMS = 400
BOUNDED = (sp.sin, sp.cos, sp.tanh, sp.atan, sp.erf, sp.erfc)  # bounded at every real argument
GROWING = (sp.sinh, sp.cosh, sp.exp)  # of order 1 at a linear argument


def exponential_tail_limit(expr: sp.Expr, y: sp.Symbol, end: sp.Expr) -> sp.Expr | None:
    """0 where y → ``end`` (oo or −oo) and every term of expr, expanded, is e^{P(y)}·R(y) with P a polynomial in y of
    degree d ≥ 1 whose leading term tends to −∞ there (its sign known) and R of growth order below d
    (:func:`growth_order`); ``None`` otherwise (no limit is claimed).

    >>> y, a = sp.Symbol("y", real=True), sp.Symbol("a", positive=True)
    >>> exponential_tail_limit(y**3 * sp.sinh(y) / sp.cosh(y)**2 * sp.exp(-(a*y + 1)**2 / 2), y, -sp.oo)
    0
    """
    if end not in (sp.oo, -sp.oo) or sp.count_ops(expr) > MAX_OPS:
        return None
    terms = sp.Add.make_args(sp.expand(expr, power_exp=False, multinomial=False))
    if len(terms) > MAX_TERMS or not all(_vanishes(term, y, end) for term in terms):
        return None
    return sp.Integer(0)


def _vanishes(term: sp.Expr, y: sp.Symbol, end: sp.Expr) -> bool:
    """Whether one term is e^{P(y)}·R(y) with P → −∞ as a polynomial of degree d ≥ 1 and R of order below d."""
    exponent, rest = sp.Integer(0), []
    for factor in sp.Mul.make_args(term):
        if isinstance(factor, sp.exp):
            exponent += factor.args[0]
            continue
        base, e = factor.as_base_exp()
        dominant = _dominant_exponent(base, y, end) if e.is_Integer and e < 0 else None
        if dominant is not None:  # 1/(e^y − 1) = e^{−y}·1/(1 − e^{−y})
            exponent += e * dominant[0]
            rest.append(dominant[1] ** e)
        else:
            rest.append(factor)
    exponent = sp.expand(exponent)
    powers = [t for t in sp.Add.make_args(exponent) if not t.is_polynomial(y)]
    exponent -= sp.Add(*powers)
    rest += [sp.exp(t) for t in powers]  # e^{c·log y} = y^c, of order 0 (:func:`growth_order`)
    if not exponent.has(y):
        return False
    poly = sp.Poly(exponent, y)
    lead = poly.LC() * (-1) ** poly.degree() if end is -sp.oo else poly.LC()
    orders = [growth_order(f, y, end) for f in rest]
    return lead.is_negative is True and all(o is not None and o < poly.degree() for o in orders)


def growth_order(expr: sp.Expr, y: sp.Symbol, end: sp.Expr) -> int | None:
    """An order o with |expr| ≤ A·e^{c|y|^o} as y → ``end`` (0: at most a power of y), or ``None``: constants,
    polynomials, real powers of a polynomial that is positive (also as e^{c·log L}), logarithms of those, bounded
    functions (sin, cos, tanh, atan, erf, erfc) of a real argument and powers of a base tending to a positive constant
    (0); sinh, cosh and exp of a linear argument (1); sums, products and positive integer powers of these, and 1/f for
    f a non-constant polynomial, cosh, or sinh of a non-constant linear argument (eventually at least 1 in size)."""
    if not expr.has(y):
        return 0 if expr.is_finite is True else None
    if expr.is_polynomial(y):
        return 0
    if isinstance(expr, (sp.Add, sp.Mul)):
        orders = [growth_order(arg, y, end) for arg in expr.args]
        return None if None in orders else max(orders)
    if isinstance(expr, BOUNDED):
        return 0 if expr.args[0].is_extended_real is True else None
    if isinstance(expr, sp.exp) and _log_of_positive(expr.args[0], y):  # e^{c·log y} = y^c
        return 0
    if isinstance(expr, GROWING):
        return 1 if _linear(expr.args[0], y) else None
    if isinstance(expr, sp.log):
        inner = expr.args[0]
        return 0 if inner.is_polynomial(y) and inner.is_positive is True or _tends_to_positive(inner, y, end) else None
    base, e = expr.as_base_exp()
    if e.has(y) or e == 1:  # another function of y (Γ(y))
        return None
    if _tends_to_positive(base, y, end):  # (1 − e^{−y})^{a−1} → 1
        return 0
    if e.is_Integer and e > 0:
        return growth_order(base, y, end)
    if e.is_negative is True and _eventually_large(base, y) and (e.is_Integer or base.is_positive is True):
        return 0
    if e.is_extended_real is True and base.is_polynomial(y) and base.is_positive is True:  # √(1 + y²), y^(−1/θ)
        return 0
    return None


def _dominant_exponent(base: sp.Expr, y: sp.Symbol, end: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
    """(Q, B) for a sum base = e^{Q(y)}·B(y) with B tending to a positive constant (e^y − 1 = e^y·(1 − e^{−y})), so
    that 1/base = e^{−Q}·1/B with 1/B bounded; ``None`` where no exponential term of base is such."""
    if not isinstance(base, sp.Add):
        return None
    for term in base.args:
        exps = [f.args[0] for f in sp.Mul.make_args(term) if isinstance(f, sp.exp) and f.has(y)]
        rest = sp.expand(base * sp.exp(-exps[0])) if len(exps) == 1 else None
        if rest is not None and _tends_to_positive(rest, y, end):
            return exps[0], rest
    return None


def _tends_to_positive(base: sp.Expr, y: sp.Symbol, end: sp.Expr) -> bool:
    """base = c + Σ terms with c > 0 free of y and every term tending to 0 by :func:`_vanishes` (1 − e^{−y} at ∞)."""
    if not isinstance(base, sp.Add):
        return False
    constant, varying = base.as_independent(y, as_Add=True)
    return constant.is_positive is True and all(_vanishes(t, y, end) for t in sp.Add.make_args(sp.expand(varying)))


def _eventually_large(base: sp.Expr, y: sp.Symbol) -> bool:
    """|base| ≥ 1 for real y large in size, so that a negative power of it is bounded."""
    if base.is_polynomial(y):  # its leading coefficient nonzero: (a − 1)y is 0 at a = 1
        return sp.degree(base, y) >= 1 and sp.Poly(base, y).LC().is_nonzero is True
    if isinstance(base, sp.cosh):
        return base.args[0].is_extended_real is True
    if isinstance(base, sp.sinh):
        return _linear(base.args[0], y) and sp.diff(base.args[0], y).is_nonzero is True
    return False


def _linear(arg: sp.Expr, y: sp.Symbol) -> bool:
    """arg = c·y + d with c, d free of y and real."""
    return arg.is_polynomial(y) and sp.degree(arg, y) <= 1 and arg.is_extended_real is True


def _log_of_positive(arg: sp.Expr, y: sp.Symbol) -> bool:
    """arg = c·log L with c real and free of y, L a polynomial positive for every y."""
    c, log = arg.as_independent(y, as_Add=False)
    return isinstance(log, sp.log) and c.is_extended_real is True and log.args[0].is_polynomial(y) and \
        log.args[0].is_positive is True
