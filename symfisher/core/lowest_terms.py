"""A sum of rational functions in lowest terms, factored, computed in a polynomial ring.

SymPy's ``factor`` (and ``cancel``) of a sum Σ_t n_t/d_t puts it over one denominator as an expression and then
expands the numerator Σ_t n_t·(L/d_t) term by term with ``expand``, which is slow on products of many factors: the
beta-binomial law's I_αα (n = 5: six terms, denominators with 15 linear factors) took 74 s in ``factor``, 72 s of
them in ``expand``. Here every denominator is factored on its own (its bases are short), L is the least common
multiple of those factor lists (no gcd of large polynomials is needed), the numerator is summed in SymPy's sparse
polynomial ring, and a factor of L that divides it cancels. The form of ``factor`` (numerator and denominator
factored into irreducibles over ℚ; a long numerator square-free only), in 0.1 s for that entry.
"""

from __future__ import annotations

from collections import Counter

import sympy as sp
from sympy.core.mul import _keep_coeff
from sympy.polys.rings import PolyElement, ring


def factored_lowest_terms(expr: sp.Expr) -> sp.Expr | None:
    """``expr``, built from its symbols and rational numbers by +, ×, and integer powers, as c·Π p_k^e_k / Π q_k^f_k
    in lowest terms, numerator and denominator factored over ℚ; ``None`` for any other expression (a non-integer
    power, a float, a function).

    >>> a, b = sp.symbols("a b", positive=True)
    >>> factored_lowest_terms(1 / a - 1 / (a + b) + 2 / (a * (a + b)))
    (b + 2)/(a*(a + b))
    >>> factored_lowest_terms((1 / a + 1 / b)**2 * a * b / (a + b))
    (a + b)/(a*b)
    """
    parts = _parts(expr)
    if parts is None:
        return None
    R, numerator, denominator = parts
    if numerator == 0:
        return sp.S.Zero
    for factor in denominator:  # the denominator's irreducible factors that divide the numerator cancel
        while denominator[factor]:
            quotient, remainder = divmod(numerator, factor)
            if remainder:
                break
            numerator, denominator[factor] = quotient, denominator[factor] - 1
    # the numerator factored into irreducibles where it is short; a long one square-free only (Wang's algorithm
    # took 1.9 s on the beta-binomial's 160-term numerator, whose factored form is no shorter than the sum)
    coeff, found = numerator.factor_list() if len(numerator) <= FACTOR_MAX_TERMS else numerator.sqf_list()
    fraction = sp.Mul(*[f.as_expr() ** p for f, p in found]) / sp.Mul(*[f.as_expr() ** p for f, p in denominator.items()])
    return _keep_coeff(R.domain.to_sympy(coeff), fraction)  # 2(μ − x)/σ³, as factor writes it, not (2μ − 2x)/σ³


FACTOR_MAX_TERMS = 60


def vanishes(expr: sp.Expr) -> bool:
    """Whether ``expr`` (as in :func:`factored_lowest_terms`) is 0: its numerator over the common denominator is."""
    if expr == 0:
        return True
    parts = _parts(expr)
    return parts is not None and parts[1] == 0


class _NotRational(Exception):
    pass


def _parts(expr: sp.Expr) -> tuple | None:
    """(ring, numerator, denominator) of :func:`_fraction`, or None where ``expr`` is not of that kind."""
    symbols = sorted(expr.free_symbols, key=sp.default_sort_key)
    if not symbols or expr.atoms(sp.Float, sp.Function, sp.NumberSymbol):
        return None
    R, *_ = ring(symbols, sp.QQ)
    try:
        return (R, *_fraction(expr, R))
    except _NotRational:
        return None


def _fraction(expr: sp.Expr, R) -> tuple[PolyElement, Counter]:
    """(numerator in R, denominator as a Counter of irreducible factors of R) of ``expr``, not necessarily in lowest
    terms: sums over the least common multiple of the factored denominators, by ring arithmetic (no ``expand``)."""
    if expr.is_Rational:
        return R(expr), Counter()
    if expr.is_Symbol:
        if expr not in R.symbols:
            raise _NotRational
        return R.gens[R.symbols.index(expr)], Counter()
    if expr.is_Mul:
        num, den = R.one, Counter()
        for a in expr.args:
            n, d = _fraction(a, R)
            num, den = num * n, den + d
        return num, den
    if expr.is_Add:
        parts = [_fraction(a, R) for a in expr.args]
        lcm: Counter = Counter()
        for _, d in parts:
            lcm |= d  # the larger power of each factor
        num = R.zero
        for n, d in parts:
            cofactor = R.one
            for factor, power in lcm.items():
                cofactor *= factor ** (power - d.get(factor, 0))
            num += n * cofactor
        return num, lcm
    if expr.is_Pow and expr.exp.is_Integer:
        n, d = _fraction(expr.base, R)
        k = int(expr.exp)
        if k >= 0:
            return n ** k, Counter({f: p * k for f, p in d.items()})
        coeff, found = n.factor_list()  # 1/n: its factors go to the denominator
        if coeff == 0:
            raise _NotRational  # 1/0
        num = R(1 / coeff ** -k)
        for f, p in d.items():
            num *= f ** (p * -k)
        return num, Counter({f: p * -k for f, p in found})
    raise _NotRational
