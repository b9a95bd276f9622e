"""Incomplete Gamma integrals with logarithms: E[g] when g·p is a sum of terms C·uˢ·logᵏu·e^{−ηu} on (a, ∞) or (0, a),
a > 0 (the Gompertz law after u = e^{bx}: p = η e^{η(1 − u)} on (1, ∞), and x = log u / b in its score).

F(s) = ∫ uˢ e^{−ηu} du over the interval is an incomplete Gamma function of s, and ∫ uˢ logᵏu e^{−ηu} du = ∂ᵏF/∂sᵏ.
On (0, a), for s > −1 and any η, expanding e^{−ηu} gives F(s) = a^{s+1} Σₙ (−aη)ⁿ/(n! (s + 1 + n)), so

    ∫₀ᵃ uˢ logᵏu e^{−ηu} du = Σᵢ C(k, i) log^{k−i}(a) a^{s+1} (−1)ⁱ i!/(s + 1)^{i+1} · ᵢ₊₁Fᵢ₊₁(s + 1, …; s + 2, …; −aη)

(the hypergeometric function has i + 1 upper parameters s + 1 and i + 1 lower ones s + 2, from (s + 1)ₙ/(s + 2)ₙ =
(s + 1)/(s + 1 + n)). On (a, ∞), η > 0: the complete integral ∂ᵏ/∂sᵏ [η^{−s−1} Γ(s + 1)], which gives ψ and log η,
minus the part on (0, a), for an integer s ≥ 0. SymPy's ``hyperexpand`` writes ₁F₁ and ₂F₂ with exponential integrals
where it can; ₃F₃(1, 1, 1; 2, 2, 2; −η) has no such form (Lenart 2014 prints the Gompertz moments with it). For any
other s (s ≤ −1 included, where that split has poles) it is ∂ᵏ/∂sᵏ [η^{−s−1} Γ(s + 1, aη)], the derivatives of Γ(o, z)
in its order through one base order per class of orders (:func:`order_derivative`; the Nadarajah–Haghighi law in
u = (1 + λx)^α).

On (0, ∞) (atoms only, after the Euler integrals): the complete integrals once a rational factor of g cancels against
the density, and with one factor 1/(u + c) left the Stieltjes transform of the Gamma kernel,

    ∫₀^∞ uˢ logᵏu e^{−ηu}/(u + c) du = ∂ᵏ/∂sᵏ [Γ(s + 1) cˢ e^{cη} Γ(−s, cη)],     c, η > 0, s > −1

(s = 0: e^{cη}E₁(cη); the power Lindley law in u = x^α, a Lindley law (1 + u)e^{−θu}). Every value is spot-checked by
quadrature.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from symfisher.core.expectation.base import KINKED, Expectation, confirmed, linear_in, split_product
from symfisher.core.expectation.partial_fractions import APART_FAILURES
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq

SECONDS = 2.0  # the derivatives in s and hyperexpand, in a worker of their own
_u, _s, _c, _eta, _a, _b = sp.symbols("u s c eta a b", positive=True)
_k = sp.Symbol("j", integer=True, nonnegative=True)  # j: a model often calls its shape k
#: the identity of the power-times-exponential case, as the proofs show it: s-derivatives of incomplete Gamma functions
INCOMPLETE = eq(sp.Integral(_u**_s * sp.log(_u) ** _k * sp.exp(-_eta * _u), (_u, _a, _b)),
                sp.Derivative(_eta ** (-_s - 1) * (sp.lowergamma(_s + 1, _eta * _b) - sp.lowergamma(_s + 1, _eta * _a)),
                              (_s, _k)))
#: the identity of the Stieltjes case, as the proofs show it
STIELTJES = eq(sp.Integral(_u**_s * sp.log(_u) ** _k * sp.exp(-_eta * _u) / (_u + _c), (_u, 0, sp.oo)),
               sp.Derivative(sp.gamma(_s + 1) * _c**_s * sp.exp(_c * _eta) * sp.uppergamma(-_s, _c * _eta), (_s, _k)))


def log_power_terms(integrand: sp.Expr, u: sp.Symbol) -> list[tuple[sp.Expr, sp.Expr, int, sp.Expr]] | None:
    """The terms (C, s, k, η) of integrand = Σ C·uˢ·logᵏu·e^{−ηu}, with C, s and η free of u; ``None`` for another
    shape. A rational factor of u that cancels against the density (the shifted Gompertz law's 1 + η(1 − u) in
    u = e^{−bx}) is cancelled when the plain reading fails; the strategy reads the plain shape in-process and cancels
    under its time limit."""
    terms = _terms(integrand, u)
    return terms if terms is not None or not _divides_by(integrand, u) else _cancelled_terms(integrand, u)


def _divides_by(integrand: sp.Expr, u: sp.Symbol) -> bool:
    return any(p.exp.is_negative and p.base.has(u) for p in integrand.atoms(sp.Pow))


def _gamma_kernel(density: sp.Expr, u: sp.Symbol) -> bool:
    """Whether an exponential of the density has an exponent linear in u (e^{−ηu}; not the e^{α log(1 + u)} of a
    standardized Beta-prime law, whose atoms the Euler integrals and the Mellin transform take)."""
    return any(e.args[0].is_polynomial(u) and sp.degree(e.args[0], u) == 1 for e in density.atoms(sp.exp) if e.has(u))


def _linear_denominator(integrand: sp.Expr, u: sp.Symbol) -> bool:
    """Whether a factor a·u + b stands in a denominator to an integer power (cheap: asked before a worker starts)."""
    return any(p.exp.is_Integer and p.exp < 0 and p.base.is_polynomial(u) and sp.degree(p.base, u) == 1
               for p in integrand.atoms(sp.Pow) if p.base.has(u))


def _cancelled_terms(integrand: sp.Expr, u: sp.Symbol) -> list[tuple[sp.Expr, sp.Expr, int, sp.Expr]] | None:
    try:
        return _terms(sp.cancel(integrand), u)
    except APART_FAILURES:
        return None


def _terms(integrand: sp.Expr, u: sp.Symbol) -> list[tuple[sp.Expr, sp.Expr, int, sp.Expr]] | None:
    # the factor free of u kept aside: expand would take 1/(θ + 1)·e^{−θu} into a denominator θe^{θu} + e^{θu}
    constant, varying = integrand.as_independent(u, as_Add=False)
    expanded = sp.expand(sp.powsimp(sp.expand_log(varying), combine="exp"), power_base=False, log=False)
    terms = []
    for term in sp.Add.make_args(expanded):
        coeff, s, exponent, rest = split_product(constant * term, u)
        logs = [f.as_base_exp() for f in rest]
        if not all(isinstance(b, sp.log) and b.args[0] == u and e.is_Integer and e > 0 for b, e in logs):
            return None
        slope, const = linear_in(exponent, u) if exponent.has(u) else (sp.Integer(0), exponent)
        if slope is None:
            return None
        terms.append((coeff * sp.exp(const), s, sum(int(e) for _, e in logs), -slope))
    return terms if any(rate != 0 for *_, rate in terms) else None


def series(m: int, j: int, z: sp.Expr) -> sp.Expr:
    """Φ_{m,j}(z) = Σₙ (−z)ⁿ/(n! (n + j + 1)ᵐ) = ₘFₘ(j + 1, …; j + 2, …; −z)/(j + 1)ᵐ for integers m, j ≥ 0, through
    Φ_{m,j} = (jΦ_{m,j−1} − Φ_{m−1,j−1})/z (from 1/n! = (n + 1)/(n + 1)!) down to j = 0, where Φ_{0,0} = e^{−z},
    Φ_{1,0} = (1 − e^{−z})/z, Φ_{2,0} = (E₁(z) + log z + γ)/z, and ₘFₘ(1, …; 2, …; −z)/1 for m ≥ 3: one
    hypergeometric function of each order, as the literature prints the Gompertz moments.

    >>> z = sp.Symbol("z", positive=True)
    >>> series(1, 1, z)
    (-exp(-z) + (1 - exp(-z))/z)/z
    """
    if m == 0:
        return sp.exp(-z)
    if j > 0:
        return (j * series(m, j - 1, z) - series(m - 1, j - 1, z)) / z
    if m == 1:
        return (1 - sp.exp(-z)) / z
    if m == 2:
        return (sp.expint(1, z) + sp.log(z) + sp.EulerGamma) / z
    return sp.hyper([1] * m, [2] * m, -z)


def _lower(k: int, s: sp.Expr, a: sp.Expr, rate: sp.Expr) -> sp.Expr:
    """∫₀ᵃ uˢ logᵏu e^{−ηu} du, s > −1 (the module's series; :func:`series` when s is an integer)."""
    def phi(m: int) -> sp.Expr:
        if s.is_Integer and s >= 0:
            return series(m, int(s), a * rate)
        return sp.hyper([s + 1] * m, [s + 2] * m, -a * rate) / (s + 1) ** m

    return sum(sp.binomial(k, i) * sp.log(a) ** (k - i) * a ** (s + 1) * (-1) ** i * sp.factorial(i) * phi(i + 1)
               for i in range(k + 1))


def _complete(k: int, s: sp.Expr, rate: sp.Expr) -> sp.Expr:
    """∫₀^∞ uˢ logᵏu e^{−ηu} du = ∂ᵏ/∂sᵏ [η^{−s−1} Γ(s + 1)], η > 0, s > −1."""
    t = sp.Dummy("t")
    return sp.diff(rate ** (-t - 1) * sp.gamma(t + 1), t, k).subs(t, s)


def _upper_in_order(k: int, s: sp.Expr, a: sp.Expr, rate: sp.Expr) -> sp.Expr:
    """∫ₐ^∞ uˢ logᵏu e^{−ηu} du = ∂ᵏ/∂sᵏ [η^{−s−1} Γ(s + 1, aη)] = Σᵢ C(k, i) (−log η)^{k−i} η^{−s−1} Jᵢ(s + 1) for any s,
    Jᵢ(o) = ∂ⁱΓ(o, z)/∂oⁱ at z = aη: regular where s is a negative integer, where the split into a complete and a lower
    part has poles. Each Jᵢ is written at one base order b (:func:`base_order`) through :func:`order_derivative`."""
    z = a * rate
    return sum(sp.binomial(k, i) * (-sp.log(rate)) ** (k - i) * rate ** (-s - 1) * order_derivative(i, s + 1, z)
               for i in range(k + 1))


def base_order(order: sp.Expr) -> tuple[sp.Expr, int]:
    """(b, n) with order = b + n, n an integer and b's rational part in (0, 1] (1 − 1/α for 3 − 1/α, −1/α and
    1 − 1/α alike), so that every Γ(·, z) of one class of orders is written through the same Γ(b, z)."""
    c = order if order.is_Rational else order.as_coeff_Add()[0] if order.is_Add else sp.S.Zero
    if not c.is_Rational:
        return order, 0
    n = int(sp.ceiling(c)) - 1
    return order - n, n


def order_derivative(k: int, order: sp.Expr, z: sp.Expr) -> sp.Expr:
    """Jₖ(o) = ∂ᵏΓ(o, z)/∂oᵏ, through Jᵢ(b) (i ≤ k) at the base order b of o by Γ(o + 1, z) = oΓ(o, z) + zᵒe^{−z}
    differentiated k times: Jₖ(o + 1) = o Jₖ(o) + k Jₖ₋₁(o) + logᵏz zᵒ e^{−z}. SymPy writes Jᵢ(b), i ≥ 1, with
    Meijer G-functions G^{i+1,0}_{i,i+1}(z | 1, …; 0, …, b)."""
    if order.is_Integer and order > 0 and k == 0:  # Γ(n, z): SymPy's own elementary form (at n ≤ 0 it writes −Ei(−z))
        return sp.uppergamma(order, z)
    if order.is_Integer:  # up from 0 would divide by 0: integers ≥ 1 directly, the others down from 0
        b, n = (order, 0) if order > 0 else (sp.S.Zero, int(order))
        J = [_integer_order_derivative(i, b, z) for i in range(k + 1)]
    else:
        b, n = base_order(order)
        t = sp.Dummy("t")
        J = [sp.diff(sp.uppergamma(t, z), t, i).subs(t, b) for i in range(k + 1)]
    o = b
    for _ in range(max(n, 0)):
        J = [o * J[i] + i * (J[i - 1] if i else 0) + sp.log(z) ** i * z**o * sp.exp(-z) for i in range(k + 1)]
        o += 1
    for _ in range(max(-n, 0)):  # Jₖ(o − 1) = (Jₖ(o) − k Jₖ₋₁(o − 1) − logᵏz z^{o−1} e^{−z})/(o − 1), i upwards
        o -= 1
        down: list[sp.Expr] = []
        for i in range(k + 1):
            down.append((J[i] - i * (down[i - 1] if i else 0) - sp.log(z) ** i * z**o * sp.exp(-z)) / o)
        J = down
    return J[k]


def _integer_order_derivative(k: int, order: sp.Expr, z: sp.Expr) -> sp.Expr:
    """Jₖ(o) = ∂ᵏΓ(o, z)/∂oᵏ at an integer o ≥ 0 with the module's series (Meijer G-functions at integer orders are
    degenerate: mpmath evaluates them by perturbation, seconds each). For o ≥ 1, ∂ᵏΓ(o) minus ∂ᵏγ(o, z) =
    ∫₀ᶻ t^{o−1} logᵏt e^{−t} dt; at o = 0, from Γ(s) − 1/s = (Γ(s + 1) − 1)/s and e^{−t} − 1 expanded,
    Jₖ(0) = (Γ^{(k+1)}(1) − log^{k+1}z)/(k + 1) + z Σᵢ C(k, i)(−1)ⁱ i! log^{k−i}z Φ_{i+2,0}(z) (J₀(0) = E₁(z))."""
    if order > 0:
        return _complete(k, order - 1, sp.S.One) - _lower(k, order - 1, z, sp.S.One)
    t = sp.Dummy("t")
    head = (sp.diff(sp.gamma(t), t, k + 1).subs(t, 1) - sp.log(z) ** (k + 1)) / (k + 1)
    return sp.expand_func(head) + z * sum(sp.binomial(k, i) * (-1) ** i * sp.factorial(i) * sp.log(z) ** (k - i)
                                          * series(i + 2, 0, z) for i in range(k + 1))


def stieltjes_terms(integrand: sp.Expr, u: sp.Symbol):
    """(terms, c) when integrand = Σ C·uˢ·logᵏu·e^{−ηu}/(u + c) with c free of u (one linear factor of u in the
    denominator, after cancelling); ``None`` for another shape."""
    constant, varying = integrand.as_independent(u, as_Add=False)
    try:
        num, den = sp.fraction(sp.cancel(sp.together(varying)))
        den = sp.factor(den)
    except APART_FAILURES:
        return None
    linear = sp.Mul(*[f for f in sp.Mul.make_args(den) if f.has(u) and f.is_polynomial(u)])
    slope, const = linear_in(linear, u) if linear.has(u) else (None, None)
    if slope is None:
        return None
    terms = _terms(constant * num * linear / (den * slope), u)
    return None if terms is None else (terms, const / slope)


def stieltjes_integral(terms, c: sp.Expr, sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    """Σ C ∫₀^∞ uˢ logᵏu e^{−ηu}/(u + c) du = Σ C ∂ᵏ/∂sᵏ [Γ(s + 1) cˢ e^{cη} Γ(−s, cη)] (the Stieltjes transform of
    the Gamma kernel; s = 0: e^{cη}E₁(cη)), for c > 0, η > 0 and s > −1 proved; else ``None``."""
    if sign(c) != 1:
        return None
    t = sp.Dummy("t")
    total = sp.Integer(0)
    for coeff, s, k, rate in terms:
        if sign(rate) != 1 or sign(s + 1) != 1:
            return None
        outer = [sp.diff(sp.gamma(t + 1) * c**t, t, i).subs(t, s) for i in range(k + 1)]  # ∂ⁱ[Γ(s + 1)cˢ]
        total += coeff * sp.exp(c * rate) * sum(sp.binomial(k, j) * outer[k - j] * (-1) ** j
                                                * order_derivative(j, -s, c * rate) for j in range(k + 1))
    return total


def _stieltjes_value(integrand: sp.Expr, u: sp.Symbol, sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    found = stieltjes_terms(integrand, u)
    return None if found is None else stieltjes_integral(*found, sign)


def _on_the_negative_axis(e: sp.Expr) -> sp.Expr | None:
    """z for an argument z·e^{iπ} (SymPy's polar form of −z), else ``None``."""
    z = e / sp.exp_polar(sp.I * sp.pi)
    return None if z.has(sp.exp_polar) else z


def _real_forms(value: sp.Expr) -> sp.Expr:
    """hyperexpand's polar arguments written for z > 0: log(z e^{iπ}) = log z + iπ, Ei(z e^{iπ}) = −E₁(z) + iπ (the
    iπ cancel between them); ``value`` itself when a polar form stays."""
    def log_of(e: sp.Expr) -> sp.Expr:
        z = _on_the_negative_axis(e.args[0])
        return e if z is None else sp.log(z) + sp.I * sp.pi

    def ei_of(e: sp.Expr) -> sp.Expr:
        z = _on_the_negative_axis(e.args[0])
        return e if z is None else -sp.expint(1, z) + sp.I * sp.pi

    out = sp.expand(value.replace(lambda e: isinstance(e, sp.log) and e.has(sp.exp_polar), log_of)
                    .replace(lambda e: isinstance(e, sp.Ei) and e.has(sp.exp_polar), ei_of))
    return value if out.has(sp.exp_polar, sp.I) else out


def _real_on_the_negative_axis(value: sp.Expr) -> sp.Expr:
    """E₁(−z) = −Ei(z) − iπ and log(−z) = log z + iπ for z > 0 (principal branches) written in: where the iπ cancel,
    the real form (the exponential–Poisson law's ∫₀¹ e^{mu}… holds E₁(−m) + log(−m) = log m − Ei(m), which NumPy
    evaluates as NaN); ``value`` itself where an imaginary part stays."""
    out = value.replace(lambda e: isinstance(e, sp.expint) and e.args[0] == 1 and (-e.args[1]).is_positive,
                        lambda e: -sp.Ei(-e.args[1]) - sp.I * sp.pi)
    out = out.replace(lambda e: isinstance(e, sp.log) and (-e.args[0]).is_positive,
                      lambda e: sp.log(-e.args[0]) + sp.I * sp.pi)
    if out == value:
        return value
    out = sp.expand(out)
    return value if out.has(sp.I) else out


def _readable(value: sp.Expr) -> sp.Expr:
    """Hypergeometric functions SymPy can write with exponential integrals written so (₂F₂(1, 1; 2, 2; −z) =
    (E₁(z) + log z + γ)/z); the others kept."""
    def expand(h: sp.Expr) -> sp.Expr:
        out = _real_forms(sp.hyperexpand(h))
        return out if not out.has(sp.hyper, sp.meijerg, sp.exp_polar, sp.I) else h

    return value.replace(lambda e: isinstance(e, sp.hyper), expand)


def incomplete_gamma_integral(terms, lo: sp.Expr, hi: sp.Expr, sign: Callable[[sp.Expr], int]) -> sp.Expr | None:
    """Σ C ∫ uˢ logᵏu e^{−ηu} du over (lo, hi), one end 0 and the other a > 0 (∞ on (a, ∞)); ``sign`` gives the sign of
    an expression in θ on the parameter domain (0 when unknown). ``None`` when η > 0 on (a, ∞), or s > −1 where a
    term has the end 0, is not proved; on (a, ∞) a term with a logarithm and s > −1 not proved is a derivative of
    Γ(s + 1, aη) in its order (Meijer G-functions, :func:`_upper_in_order`)."""
    upper = hi is sp.oo
    a = lo if upper else hi
    total = sp.Integer(0)
    if upper and lo == 0:  # the complete integrals ∂ᵏ/∂sᵏ [η^{−s−1} Γ(s + 1)], η > 0 and s > −1
        if any(sign(rate) != 1 or sign(s + 1) != 1 for _, s, _, rate in terms):
            return None
        return sp.Add(*[coeff * _complete(k, s, rate) for coeff, s, k, rate in terms])
    for coeff, s, k, rate in terms:
        if upper and sign(rate) != 1:
            return None
        if upper and (k == 0 or s.free_symbols or sign(s + 1) != 1):  # any s: the order derivative of Γ(s + 1, aη)
            part = _upper_in_order(k, s, a, rate)  # (the split at 0 has poles at negative integers s)
        elif sign(s + 1) != 1:
            return None
        else:
            part = _lower(k, s, a, rate)
            part = _complete(k, s, rate) - part if upper else part
        total += coeff * part
    return _readable(_real_on_the_negative_axis(total))


def _expected(engine, g: sp.Expr, half_line: bool = False) -> Expectation | None:
    """E[g] as incomplete Gamma functions and their derivatives in the order (hypergeometric functions); with
    ``half_line``, also on (0, ∞) as complete ones (a rational factor of g cancelled against the density first: the
    power Lindley law's u log u/(1 + u) against (1 + u)e^{−θu})."""
    ctx = engine.ctx
    if ctx.interval is None or not ctx.density.has(sp.exp) or g.has(*KINKED):
        return None
    u, s = ctx.interval
    if not ((s.sup is sp.oo and ctx.sign(s.inf) == 1) or (s.inf == 0 and ctx.sign(s.sup) == 1 and s.sup.is_finite)
            or (half_line and s.inf == 0 and s.sup is sp.oo and _gamma_kernel(ctx.density, u))):
        return None
    integrand = g * ctx.density
    terms = _terms(integrand, u)  # cheap, in-process: no worker for the atoms of other shapes
    if terms is None and _divides_by(integrand, u):  # cancel can take seconds on a large integrand: under the limit
        terms = engine.hard(_cancelled_terms, integrand, u, seconds=SECONDS)
    how = Note.of(INCOMPLETE, ", by hypergeometric series")
    if terms is None and half_line and s.inf == 0 and s.sup is sp.oo and _linear_denominator(integrand, u):
        value = engine.hard(_stieltjes_value, integrand, u, ctx.sign, seconds=SECONDS)
        how = Note.of(STIELTJES, " (the Stieltjes transform of the Gamma kernel)")
    elif terms is None:
        return None
    else:
        value = engine.hard(incomplete_gamma_integral, terms, s.inf, s.sup, ctx.sign, seconds=SECONDS)
    if not confirmed(engine, g, value):
        return None
    detail = Note.of(how, rule="incomplete-gamma")
    return Expectation(value, ("incomplete-gamma",), detail=detail)


@register("incomplete-gamma", "expression")
def incomplete_gamma_expectation(engine, f: sp.Expr) -> Expectation | None:
    """E[f] as a whole, before the support map would move (a, ∞) elsewhere (the Gompertz law's E[x e^{bx}] in
    u = e^{bx} spent 4 s there, on (0, 1), before its atoms were tried)."""
    return _expected(engine, f)


@register("incomplete-gamma", "atom")
def incomplete_gamma_atom(engine, g: sp.Expr) -> Expectation | None:
    """E[g] for one atom g of the linear split (on (0, ∞) too: after the Euler integrals, which take the plain ones)."""
    return _expected(engine, g, half_line=True)
