"""Canonical forms for values in Γ, Beta and ψ⁽ⁿ⁾: integer shifts of their arguments written out, so that
results come out in the form the literature prints and two routes to one entry cancel exactly; ζ⁽ⁿ⁾(s) as one
function that numbers can be given to; logarithms of Γ products as sums of log Γ (finite where Γ overflows); and
c(1 − e^u) as −c·expm1(u) (no cancellation where u is small); Bessel functions of the data's order through two
adjacent orders."""

from __future__ import annotations

from typing import Iterable

import mpmath
import sympy as sp
from sympy.codegen.cfunctions import expm1
from sympy.codegen.rewriting import FuncMinusOneOptim


class ZetaDerivative(sp.Function):
    """ζ⁽ⁿ⁾(s), written ``ZetaDerivative(n, s)``: SymPy's ``Derivative(zeta(s), (s, n))`` has no numeric value once
    s is a number (it becomes a ``Subs``), and common-subexpression elimination would take ζ(s) out of it. Evaluated
    by mpmath; NumPy code by :func:`symfisher.numeric._runtime.zeta_derivative` (the zeta law's score).

    >>> s = sp.Symbol("s")
    >>> round(float(zeta_derivatives(sp.Derivative(sp.zeta(s), s)).subs(s, 2).evalf()), 12)  # ζ′(2)
    -0.937548254316
    """

    nargs = 2

    def elementary(self) -> sp.Expr:
        """The same value as a SymPy derivative."""
        n, z = self.args
        return sp.Derivative(sp.zeta(z), (z, n))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        n, z = self.args
        if not (z.is_number and n.is_Integer):
            return None
        with mpmath.workprec(prec):
            return sp.Float(mpmath.zeta(z._to_mpmath(prec), 1, int(n)), precision=prec)


def zeta_derivatives(expr: sp.Expr) -> sp.Expr:
    """Derivative(ζ(s), (s, n)) → :class:`ZetaDerivative` (n, s)."""
    return expr.replace(lambda e: isinstance(e, sp.Derivative) and isinstance(e.expr, sp.zeta)
                        and len(e.expr.args) == 1 and set(e.variables) == {e.expr.args[0]},
                        lambda e: ZetaDerivative(len(e.variables), e.expr.args[0]))


def simplify_value(value: sp.Expr) -> sp.Expr:
    """A closed value made short: SymPy's ``simplify``, except for values in ψ⁽ⁿ⁾, which are put in the canonical
    form of :func:`canonical_polygammas` after Beta functions with an integer argument become rational
    (B(p + 1, 1) = 1/(p + 1)). ``simplify`` spends seconds on such values and does not apply ψ(a + 1) = ψ(a) + 1/a:
    with it, the Dagum density's E[s_a²] (a sum of nine Mellin derivatives) took 4.2 s, here 2.0 s."""
    if not value.has(sp.polygamma):
        return sp.simplify(value)
    value = shift_betas(sp.expand_log(value) if value.has(sp.log) else value)  # log(b/a) = log b − log a for a, b > 0
    value = rational_betas(value)
    if value.has(sp.gamma):
        value = shift_gammas(value)
    return canonical_polygammas(value)


def _integer_part(a: sp.Expr) -> tuple[int, sp.Expr]:
    """(k, c) with a = c + k, k an integer (0 when a has no integer part)."""
    k, c = a.as_coeff_Add() if a.is_Add else (sp.S.Zero, a)
    return (int(k), c) if k.is_Integer else (0, a)


def _rising(a: sp.Expr, n: int) -> sp.Expr:
    """(a)_n = a (a + 1) ⋯ (a + n − 1), written out."""
    return sp.Mul(*(a + i for i in range(n)))


def shift_betas(value: sp.Expr) -> sp.Expr:
    """B(a + k, b + l) = B(a, b)·(a)_k (b)_l / (a + b)_(k+l) for integers k, l ≥ 0, with B(a, b) the Beta function
    of the smallest arguments met: ratios such as B(d₁/2 + 1, d₂/2)/B(d₁/2, d₂/2) = d₁/(d₁ + d₂) cancel at once, by
    substitution, on expressions of any size (``gammasimp`` over the whole value is too slow for long ones).

    >>> a, b = sp.symbols("a b", positive=True)
    >>> shift_betas(sp.beta(a + 1, b) / sp.beta(a, b))
    a/(a + b)
    """
    groups: dict[tuple[sp.Expr, sp.Expr], list] = {}
    for atom in value.atoms(sp.beta):
        if len(atom.args) == 2:
            (k, c), (j, d) = (_integer_part(arg) for arg in atom.args)
            groups.setdefault((c, d), []).append((atom, k, j))
    rep = {}
    for (c, d), members in groups.items():
        k0, j0 = min(m[1] for m in members), min(m[2] for m in members)
        a, b = c + k0, d + j0
        for atom, k, j in members:
            if len(members) > 1 and (k, j) != (k0, j0):
                rep[atom] = sp.beta(a, b) * _rising(a, k - k0) * _rising(b, j - j0) / _rising(a + b, k - k0 + j - j0)
    return value.xreplace(rep) if rep else value


def rational_betas(value: sp.Expr) -> sp.Expr:
    """B(a, n) = (n − 1)!/((a)_n) for a positive integer n (either argument): a rational function of a.

    >>> a = sp.Symbol("a", positive=True)
    >>> sp.factor(rational_betas(sp.beta(a, 3)))
    2/(a*(a + 1)*(a + 2))
    """
    rational = {b: sp.gammasimp(b.rewrite(sp.gamma)) for b in value.atoms(sp.beta) if any(a.is_Integer for a in b.args)}
    return value.xreplace(rational) if rational else value


def special_arguments_in_lowest_terms(value: sp.Expr) -> sp.Expr:
    """Γ, log Γ, B and ψ⁽ⁿ⁾ with each argument put in lowest terms and expanded: B((ap + 2a)/a, p + 3 − (ap + 2a)/a)
    is B(p + 2, 1), whose integer argument :func:`rational_betas` and :func:`shift_betas` then see (a residual of
    the Dagum law whose entries were left untidied, when a worker's time ran out)."""
    def lowest(f: sp.Expr) -> sp.Expr:
        return f.func(*(sp.expand(sp.cancel(a)) if a.free_symbols else a for a in f.args))

    return value.replace(lambda e: isinstance(e, _SPECIAL_ARGUMENTS), lowest)


_SPECIAL_ARGUMENTS = (sp.gamma, sp.loggamma, sp.beta, sp.polygamma)


def shift_gammas(value: sp.Expr) -> sp.Expr:
    """Γ(b + n) = (b)_n Γ(b) for integer n ≥ 1, so ratios Γ(ν/2 + 5/2)/Γ(ν/2 + 3/2) cancel.

    ``gammasimp`` misses such ratios when b has a half-integer part; here every Γ argument is
    written against the smallest argument that differs from it by an integer.
    """
    args = sorted({g.args[0] for g in value.atoms(sp.gamma)}, key=sp.default_sort_key)
    if len(args) < 2:
        return value
    rep = {}
    for a in args:
        for b in args:
            n = sp.simplify(a - b)
            if n.is_Integer and n > 0 and (a not in rep or n > rep[a][1]):
                rep[a] = (b, n)
    if not rep:
        return value
    sub = {sp.gamma(a): sp.expand_func(sp.rf(b, n)) * sp.gamma(b) for a, (b, n) in rep.items()}
    out = sp.factor(sp.cancel(value.xreplace(sub)))
    return out if sp.count_ops(out) <= sp.count_ops(value) else value


def shift_polygammas(value: sp.Expr) -> sp.Expr:
    """ψ⁽ⁿ⁾(a + k) (k a positive integer) written through ψ⁽ⁿ⁾(a) wherever that makes the form shorter.

    ψ(a + 1) = ψ(a) + 1/a and ψ′(a + 1) = ψ′(a) − 1/a², so ψ′(a + 1) + 1/a² − ψ′(a + b) comes out
    as ψ′(a) − ψ′(a + b), the form the literature prints; ψ′(a) + ψ′(a + 2) stays as it is.
    """
    for g in sorted(value.atoms(sp.polygamma), key=sp.default_sort_key):
        n, arg = g.args
        k = arg.as_coeff_Add()[0] if arg.is_Add else sp.S.Zero
        if not (k.is_Integer and 0 < k <= 8 and g in value.atoms(sp.polygamma)):
            continue
        shifted = value.xreplace({g: sp.expand_func(g)})
        for candidate in (shifted, sp.cancel(shifted) if len(shifted.free_symbols) <= 4 else shifted):
            if sp.count_ops(candidate) < sp.count_ops(value):
                value = candidate
    return value


def integer_shift(arg: sp.Expr) -> tuple[int, sp.Expr] | None:
    """(k, c) with arg = c + k, k a nonzero integer (|k| ≤ 8) and c the representative of arg modulo integers:
    its rational part in [0, 1) (ν/2 + 3/2 → ν/2 + 1/2, shift 1); for a rational number, its fractional part,
    or 1 for an integer (5/2 → 1/2, where SymPy knows ψ⁽ⁿ⁾); ``None`` when arg is its own representative."""
    k, c = arg.as_coeff_Add() if arg.is_Add else (sp.S.Zero, arg)
    if arg.is_Rational:
        k, c = arg, sp.S.Zero
    if not k.is_Rational or not (c.free_symbols or c == 0):
        return None
    whole = sp.floor(k)
    base = c + (k - whole)
    if base == 0:
        base, whole = sp.S.One, whole - 1
    return (int(whole), base) if whole != 0 and abs(whole) <= 8 else None


ONE_DENOMINATOR_OPS = 200  # larger: cancel over one denominator is unbounded (a beta-binomial entry, 298 operations
# summed over 6 points: 71 s); the largest met in the catalog and the textbook families has 78


def canonical_polygammas(value: sp.Expr) -> sp.Expr:
    """ψ⁽ⁿ⁾(c + k), k a nonzero integer (|k| ≤ 8) and c the representative of the argument modulo integers
    (rational part in [0, 1): ψ(ν/2 + 3/2) through ψ(ν/2 + 1/2), ψ′(5/2) through ψ′(1/2) = π²/2), written
    through ψ⁽ⁿ⁾(c), then over one denominator when that is not longer; arguments are expanded first
    (ψ((a + b)/2) is ψ(a/2 + b/2)).

    ψ⁽ⁿ⁾(c + k) = ψ⁽ⁿ⁾(c) + (−1)ⁿ n! Σ_{j<k} (c + j)^−(n+1) and ψ⁽ⁿ⁾(c − k) = ψ⁽ⁿ⁾(c) − (−1)ⁿ n! Σ_{1≤j≤k}
    (c − j)^−(n+1): every entry then holds the same generators ψ⁽ⁿ⁾(c), so two routes to one entry
    (ψ(b − 1)ψ(b) from E[s sᵀ], ψ(b + 1) from −E[H]) cancel exactly in the verdict's residual.

    >>> b = sp.Symbol("b", positive=True)
    >>> canonical_polygammas(sp.polygamma(0, b + 1) - sp.polygamma(0, b - 1))
    1/(b - 1) + 1/b
    """
    value = value.xreplace({g: sp.polygamma(g.args[0], sp.expand(g.args[1])) for g in value.atoms(sp.polygamma)})
    rep = {}
    for g in value.atoms(sp.polygamma):
        n, arg = g.args
        shifted = integer_shift(arg)
        if not (n.is_Integer and n >= 0 and shifted):
            continue
        k, c = shifted
        step = (-1) ** n * sp.factorial(n)
        if k > 0:
            rep[g] = sp.polygamma(n, c) + step * sp.Add(*[(c + j) ** -(n + 1) for j in range(int(k))])
        else:
            rep[g] = sp.polygamma(n, c) - step * sp.Add(*[(c - j) ** -(n + 1) for j in range(1, int(-k) + 1)])
    if not rep:
        return value
    out = value.xreplace(rep)
    if len(out.free_symbols) <= 4 and sp.count_ops(out) <= ONE_DENOMINATOR_OPS:
        one = sp.factor(sp.cancel(sp.together(out)))
        out = one if sp.count_ops(one) <= sp.count_ops(out) else out
    return out


MAX_BESSEL_STEPS = 8  # orders further from the pair kept are left as they are (each step adds terms)
#: (a, b) in B_{m+1}(z) = a·B_{m−1}(z) + b·(2m/z)·B_m(z), the recurrences of :func:`adjacent_bessel_orders`:
#: I_{m−1} − I_{m+1} = (2m/z)I_m and K_{m−1} − K_{m+1} = −(2m/z)K_m (DLMF 10.29.1), J_{m−1} + J_{m+1} = (2m/z)J_m
#: (DLMF 10.6.1); run down, B_{m−1} = a·(B_{m+1} − b·(2m/z)·B_m)
_BESSEL_RECURRENCE = {sp.besseli: (1, -1), sp.besselj: (-1, 1), sp.besselk: (1, 1)}


def adjacent_bessel_orders(expr: sp.Expr, data: Iterable[sp.Symbol], anchor: sp.Expr = sp.S.Zero) -> sp.Expr:
    """Bessel functions I, J or K whose orders hold the data (or whose argument does) and differ from one another by
    integers, written through two adjacent orders ν and ν + 1 by the three-term recurrence, run up or down:

        B_{m+1}(z) = a·B_{m−1}(z) + b·(2m/z)·B_m(z),     B_{m−1}(z) = a·(B_{m+1}(z) − b·(2m/z)·B_m(z)),

    (a, b) = (1, −1) for I, (1, 1) for K (DLMF 10.29.1) and (−1, 1) for J (DLMF 10.6.1), z free of the data. ν is
    the lowest such order that ``anchor`` (the density) holds, else the lowest present. In the Skellam law's score
    (I_{x−1} + I_{x+1})/I_x becomes 2I_{x+1}/I_x + 2x/z, and its information holds one open expectation,
    E[(I_{x+1}/I_x)²], not three. The same holds for orders free of the data with one argument z that holds it: the
    noncentral χ law's score, with I₀(λx) and I₂(λx) beside the density's I₁(λx), leaves one open expectation, of
    (I₂/I₁)², and the K-distribution's, with K₀ and K₂ beside K₁, one of (K₂/K₁)².

    >>> x, z = sp.Symbol("x", integer=True), sp.Symbol("z", positive=True)
    >>> adjacent_bessel_orders(sp.besseli(x - 1, z), [x], anchor=sp.besseli(x, z))
    2*x*besseli(x, z)/z + besseli(x + 1, z)
    """
    data = tuple(data)
    classes, anchored = _bessel_classes(expr, data), _bessel_classes(anchor, data)
    rep = {}
    for key, shifts in classes.items():
        func, nu, z = key
        low = min(anchored.get(key, shifts))
        a, b = _BESSEL_RECURRENCE[func]
        kept = {low: func(nu + low, z), low + 1: func(nu + low + 1, z)}
        for j in range(low + 2, min(max(shifts), low + 1 + MAX_BESSEL_STEPS) + 1):
            kept[j] = sp.expand(a * kept[j - 2] + b * 2 * (nu + j - 1) / z * kept[j - 1])
        for j in range(low - 1, max(min(shifts), low - MAX_BESSEL_STEPS) - 1, -1):
            kept[j] = sp.expand(a * (kept[j + 2] - b * 2 * (nu + j + 1) / z * kept[j + 1]))
        rep.update({func(nu + j, z): kept[j] for j in shifts if j in kept and j not in (low, low + 1)})
    return expr.xreplace(rep) if rep else expr


def _bessel_classes(expr: sp.Expr, data: tuple[sp.Symbol, ...]) -> dict[tuple, set[int]]:
    """(B, ν, z) → the integer shifts j of the Bessel functions B_{ν+j}(z) in ``expr`` whose order holds the data."""
    classes: dict[tuple, set[int]] = {}
    for b in expr.atoms(*_BESSEL_RECURRENCE):
        order, z = b.args
        shifted = integer_shift(sp.expand(order)) if order.has(*data) and not z.has(*data) else None
        if shifted is not None:
            classes.setdefault((b.func, shifted[1], z), set()).add(shifted[0])
        elif order.has(*data) and not z.has(*data):
            classes.setdefault((b.func, sp.expand(order), z), set()).add(0)
        elif z.has(*data) and not order.has(*data):  # orders free of the data, one argument that holds it
            shifted = integer_shift(sp.expand(order))
            base, shift = (shifted[1], shifted[0]) if shifted is not None else (sp.expand(order), 0)
            classes.setdefault((b.func, base, z), set()).add(shift)
    return classes


def cancelled_polygammas(expr: sp.Expr) -> sp.Expr:
    """ψ⁽ⁿ⁾(c + k) (k a nonzero integer) written as ψ⁽ⁿ⁾(c) plus rational terms where that makes every ψ⁽ⁿ⁾ of the
    class of c cancel: the bivariate t's −ψ(ν/2)/2 + ψ(ν/2 + 1)/2 − 1/ν is 0. Kept where some remains: ψ(a + b + 3) −
    ψ(a + b) reads better than −1/(a + b) − 1/(a + b + 1) − 1/(a + b + 2), as the literature prints it.

    >>> nu = sp.Symbol("nu", positive=True)
    >>> cancelled_polygammas(sp.polygamma(0, nu/2 + 1)/2 - sp.polygamma(0, nu/2)/2 - 1/nu + nu)
    nu
    >>> cancelled_polygammas(sp.polygamma(0, nu + 3) - sp.polygamma(0, nu))
    -polygamma(0, nu) + polygamma(0, nu + 3)
    >>> cancelled_polygammas(sp.exp(nu) * (sp.polygamma(1, nu + 1) - sp.polygamma(1, nu) + 1/nu**2))
    0
    """
    return expr.replace(lambda e: e.is_Add and len(e.atoms(sp.polygamma)) > 1, _cancelled_in_sum)


def _cancelled_in_sum(expr: sp.Expr) -> sp.Expr:
    """:func:`cancelled_polygammas` on one sum, class by class (ψ⁽ⁿ⁾ at arguments c + k for one n and c)."""
    classes: dict[tuple[sp.Expr, sp.Expr], list[sp.Expr]] = {}
    for g in expr.atoms(sp.polygamma):
        n, arg = g.args[0], sp.expand(g.args[1])
        shift = integer_shift(arg) if n.is_Integer and n >= 0 else None
        classes.setdefault((n, shift[1] if shift else arg), []).append(g)
    for (n, base), members in classes.items():
        if len(members) < 2:
            continue
        rep = {g: canonical_polygammas(g) for g in members}
        out = sp.expand(expr.xreplace(rep), power_base=False, power_exp=False, log=False)
        gone = not out.has(sp.polygamma(n, base))
        if gone and sp.count_ops(out) <= sp.count_ops(expr):
            expr = out
    return expr


_GAMMA_LIKE = (sp.gamma, sp.binomial, sp.factorial, sp.beta, sp.RisingFactorial, sp.FallingFactorial)


def tame_logs(expr: sp.Expr) -> sp.Expr:
    """log(b**e) → e·log(b) and log(Π b_i**e_i) → Σ e_i·log(b_i) when the bases are positive; a logarithm of
    Gamma functions (binomials, factorials, Beta functions) → Σ e_i·log Γ(a_i) (:func:`log_gamma_product`).

    For numeric code: a density's log binomial(r + x − 1, x) stays finite where Γ(r + x) overflows."""

    def bad(e: sp.Expr) -> bool:
        if not isinstance(e, sp.log):
            return False
        arg = e.args[0]
        return arg.has(*_GAMMA_LIKE) or (arg.has(sp.Pow) and any(
            isinstance(p, sp.Pow) and not p.exp.is_number for p in sp.preorder_traversal(arg)))

    def fix(e: sp.Expr) -> sp.Expr:
        arg = e.args[0]
        if isinstance(arg, sp.Pow) and arg.base.is_positive and not arg.base.has(*_GAMMA_LIKE):
            return arg.exp * sp.log(arg.base)
        gammas = log_gamma_product(arg)
        if gammas is not None:
            return gammas
        out = sp.expand_log(e, force=False)  # log(w·Γ(r)) = log w + log Γ(r), then each piece
        return e if out == e else out.replace(lambda a: a != e and bad(a), fix)

    return expr.replace(bad, fix) if isinstance(expr, sp.Basic) else expr


_EXPM1 = FuncMinusOneOptim(sp.exp, expm1, opportunistic=False)


def exp_minus_one(expr: sp.Expr) -> sp.Expr:
    """c − c·e^u → −c·expm1(u) in every sum, for numeric code: 1 − e^(−x^a) rounds to 0 where x^a < 1e-16 and then
    divides 0 by 0, where expm1 keeps every digit (the exponentiated Weibull law's score near x = 0).

    SymPy's own rule (``sympy.codegen.rewriting.expm1_opt``) applied to each sum; its call also tries ``factor`` on the
    whole expression, which is not done here (74 s on one beta-binomial entry).

    >>> x = sp.Symbol("x", positive=True)
    >>> exp_minus_one(x / (1 - sp.exp(-x)) + 2 * sp.exp(x) - 2)
    -x/expm1(-x) + 2*expm1(x)
    """
    if not isinstance(expr, sp.Basic) or not expr.has(sp.exp):
        return expr
    return expr.replace(lambda e: e.is_Add and e.has(sp.exp), _EXPM1.replace_in_Add)


def log_gamma_product(arg: sp.Expr) -> sp.Expr | None:
    """log(Π Γ(a_i)^e_i · Π b_j^f_j) = Σ e_i log Γ(a_i) + Σ f_j log b_j for b_j > 0, else ``None``.

    log Γ is printed as ``gammaln`` = log|Γ|, so the sum is the logarithm wherever the logarithm is real: a density's
    log binomial(r + x − 1, x) stays finite where Γ(r + x) overflows (x ≈ 170), where the ratio gave inf/inf = nan.
    """
    product = arg.rewrite(sp.gamma)
    terms = []
    for base, exp in product.as_powers_dict().items():
        if not exp.is_real:
            return None
        if isinstance(base, sp.gamma):
            terms.append(exp * sp.loggamma(base.args[0]))
        elif base.is_positive and not base.has(*_GAMMA_LIKE):
            terms.append(exp * sp.log(base))
        else:
            return None
    return sp.Add(*terms)
