"""Euler integrals in closed form: the Beta and Gamma integrals that most densities reduce to.

* on (0, 1):  ∫ x^A (1-x)^B dx = B(A+1, B+1),             for A > -1, B > -1;
* on (0, ∞):  ∫ x^A exp(-L x^K) dx = Γ((A+1)/K) / (K L^((A+1)/K)),  for (A+1)/K > 0, L > 0, K > 0;
* on (0, ∞):  ∫ x^A (1 + L x^K)^(-C) dx = L^(-s) B(s, C - s) / K with s = (A+1)/K,  for 0 < s < C
  (the Beta-prime integral: Student-t, Cauchy, F and log-logistic kernels);
* on ℝ:       ∫ x^n exp(-L x² + B x) dx = ∂ⁿ/∂Bⁿ √(π/L) exp(B²/(4L)),  for L > 0 and n = 0, 1, 2, …;
* on [l, h]:   ∫ x^A dx = (h^(A+1) − l^(A+1))/(A + 1), for 0 < l < h < ∞ and A ≠ −1 (A > −1 when l = 0): the
  power integral of truncated power laws (the bounded Pareto), whose ends may be parameters.

``euler_integral`` recognises the integrand's shape (a data-free constant times these factors) and
returns the value with its convergence conditions; :func:`settle` decides them. Every kernel is
positive, so when an exponent condition fails (and the shape conditions hold) the integral is
±∞ with the sign of the constant: that is how an infinite Fisher information is proved.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class EulerResult:
    """∫ integrand = value when every condition and requirement is positive.

    Attributes:
        conditions: Exponent conditions: with the requirements met, one ≤ 0 means the integral diverges.
        requires: Shape conditions (L > 0, K > 0): the formula says nothing when one fails.
        sign: Sign of the (positive-kernel) integrand's constant: 1, -1, or 0 when unknown.
        nonzero: Expressions the formula divides by where the integral itself is finite (the power integral's
            A + 1): at a zero of one the value is the formula's limit.
    """

    value: sp.Expr
    conditions: tuple[sp.Expr, ...]
    rule: str
    requires: tuple[sp.Expr, ...] = ()
    sign: int = 0
    nonzero: tuple[sp.Expr, ...] = ()


def _binomial(base: sp.Expr, x: sp.Symbol):
    """(c, L, K) with base = c·(1 + L·x^K), c and L free of x, or ``None``."""
    terms = sp.Add.make_args(sp.expand(base))
    if len(terms) != 2:
        return None
    c = [t for t in terms if not t.has(x)]
    v = [t for t in terms if t.has(x)]
    if len(c) != 1 or len(v) != 1:
        return None
    coeff, power = v[0].as_independent(x, as_Add=False)
    b, k = power.as_base_exp()
    if b != x or k.has(x):
        return None
    return c[0], coeff / c[0], k


def _factors(expr: sp.Expr, x: sp.Symbol):
    const, rest = expr.as_independent(x, as_Add=False)
    a, b = sp.Integer(0), sp.Integer(0)
    exp_arg = sp.Integer(0)
    binomials: dict[tuple[sp.Expr, sp.Expr], sp.Expr] = {}
    for factor in sp.Mul.make_args(rest):
        if factor.func is sp.exp:
            exp_arg += factor.args[0]
            continue
        base, e = factor.as_base_exp()
        if e.has(x):
            if base is sp.E:
                exp_arg += e
                continue
            return None
        if base == x:
            a += e
        elif sp.expand(base - (1 - x)) == 0:
            b += e
        elif e.is_Integer and sp.expand(base + (1 - x)) == 0:  # (x − 1)^n = (−1)^n (1 − x)^n
            const *= (-1) ** e
            b += e
        elif base.func is sp.exp:
            exp_arg += base.args[0] * e
        elif (bi := _binomial(base, x)) is not None:
            c, lam, k = bi
            const *= c**e
            binomials[(sp.simplify(lam), k)] = binomials.get((sp.simplify(lam), k), 0) + e
        else:
            return None
    if len(binomials) > 1:
        return None
    return const, a, b, sp.expand(exp_arg), next(iter(binomials.items()), None)


def euler_integral(integrand: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
                   lo_positive: bool = False) -> EulerResult | None:
    """∫_lo^hi integrand dx when it is an Euler (Beta/Gamma/Gaussian) or power integral, else ``None``;
    ``lo_positive``: the caller proved lo > 0 on the parameter domain (lo may be a parameter)."""
    found = _euler_integral(integrand, x, lo, hi, lo_positive)
    if found is None:  # bases with a constant factor: (y − 1)(B − yB) = −B(1 − y)² in a standardized Beta law
        tidy = sp.factor_terms(integrand)
        found = _euler_integral(tidy, x, lo, hi, lo_positive) if tidy != integrand else None
    return found


def _euler_integral(integrand: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
                    lo_positive: bool) -> EulerResult | None:
    parts = _factors(sp.powsimp(logs_as_powers(integrand, expand=True), combine="exp"), x)
    if parts is None:
        return None
    const, a, b, arg, binomial = parts
    sign = 1 if const.is_positive else -1 if const.is_negative else 0
    if binomial is None and arg == 0 and b == 0 and hi.is_finite and (lo_positive or lo == 0) \
            and (lo, hi) != (0, 1):
        return _power_integral(const, a, lo, hi, sign)
    if binomial is not None:
        (lam, k), e = binomial
        if lo == 0 and hi is sp.oo and arg == 0 and b == 0:
            s = (a + 1) / k
            return EulerResult(const * lam**(-s) * sp.beta(s, -e - s) / k, (s, -e - s), "Beta-prime integral",
                               (lam, k), sign)
        return None
    if lo == 0 and hi == 1 and arg == 0:
        return EulerResult(const * sp.beta(a + 1, b + 1), (a + 1, b + 1), "Beta integral", (), sign)
    if b != 0:
        return None
    if lo == 0 and hi is sp.oo:
        if arg == 0:
            return None
        coeff, power = arg.as_independent(x, as_Add=False)
        if sp.Add.make_args(arg) != (arg,):
            return None
        base, k = power.as_base_exp()
        if base != x or k.has(x):
            return None
        lam = -coeff
        s = (a + 1) / k
        return EulerResult(const * sp.gamma(s) / (k * lam**s), (a + 1, lam), "Gamma integral", (k,), sign)
    if lo is -sp.oo and hi is sp.oo and a.is_Integer and a >= 0:
        return _gaussian_integral(const, a, arg, x, sign)
    return None


def _gaussian_integral(const: sp.Expr, n: sp.Integer, arg: sp.Expr, x: sp.Symbol, sign: int) -> EulerResult | None:
    """const·∫ x^n exp(−L x² + B x + C) dx on ℝ, for L > 0: a Gaussian moment (a mixture's ∂²p/∂μ² holds
    x² e^{−x²/2 + μx}). An odd power has no sign: where L ≤ 0 the integral is not ±∞ but undefined.

    >>> x, b = sp.symbols("x b", real=True)
    >>> sp.factor(_gaussian_integral(sp.S.One, sp.Integer(2), -x**2 / 2 + b * x, x, 1).value)
    sqrt(2)*sqrt(pi)*(b**2 + 1)*exp(b**2/2)
    """
    poly = sp.Poly(arg, x) if arg.is_polynomial(x) else None
    if poly is None or poly.degree() != 2:
        return None
    c2, c1, c0 = poly.all_coeffs()
    return EulerResult(const * gaussian_integral(int(n), -c2, c1, c0), (-c2,), "Gaussian integral", (),
                       sign if n % 2 == 0 else 0)


def _power_integral(const: sp.Expr, a: sp.Expr, lo: sp.Expr, hi: sp.Expr, sign: int) -> EulerResult:
    """const·∫_lo^hi x^a dx, lo = 0 or lo > 0; at a = −1 (a fixed exponent) the logarithm log(hi/lo)."""
    if lo == 0:
        return EulerResult(const * hi**(a + 1) / (a + 1), (a + 1,), "power integral", (), sign)
    if (a + 1).is_zero:
        return EulerResult(const * (sp.log(hi) - sp.log(lo)), (), "power integral", (), sign)
    return EulerResult(const * (hi**(a + 1) - lo**(a + 1)) / (a + 1), (), "power integral", (), sign, (a + 1,))


def settle(result: EulerResult) -> tuple[str, tuple[sp.Basic, ...]]:
    """"converges", "conditional" (with the conditions left, as relations), "diverges" or "unknown".

    >>> k = sp.Symbol("k", positive=True); x = sp.Symbol("x", positive=True)
    >>> settle(euler_integral(x**(k - 2) * sp.exp(-x), x, 0, sp.oo))
    ('conditional', (k > 1,))
    >>> settle(euler_integral(x**-1 * sp.exp(-x), x, 0, sp.oo))[0]
    'diverges'
    """
    requires = [_is_positive(c) for c in result.requires]
    if any(r is False for r in requires):
        return "unknown", ()
    conditions = [_is_positive(c) for c in result.conditions]
    if any(c is False for c in conditions):
        return ("diverges", ()) if all(requires) and result.sign else ("unknown", ())
    pending = [c for c, ok in zip((*result.requires, *result.conditions), (*requires, *conditions)) if not ok]
    if not pending:
        return "converges", ()
    return "conditional", tuple(dict.fromkeys(positive_relation(c) for c in pending))


def _is_positive(c: sp.Expr) -> bool | None:
    """c > 0 from the symbols' assumptions, with a sum over one denominator first where that alone cannot tell:
    1 + (1 − ξ)/ξ = 1/ξ > 0 for ξ > 0 (the generalized Pareto law's Beta integral).

    >>> xi = sp.Symbol("xi", positive=True)
    >>> (1 + (1 - xi) / xi).is_positive, _is_positive(1 + (1 - xi) / xi)
    (None, True)
    """
    sign = c.is_positive
    if sign is None and c.is_Add:
        sign = sp.together(c).is_positive
    return sign


def positive_relation(c: sp.Expr) -> sp.Basic:
    """c > 0 as a relation, solved for its symbol when it has one (2 − 1/k > 0 becomes k > 1/2)."""
    syms = c.free_symbols
    if len(syms) == 1:
        sym = next(iter(syms))
        try:
            solved = sp.solve_univariate_inequality(c > 0, sym, relational=True, domain=sp.S.Reals)
            solved = solved.subs({sym > 0: sp.true, sym < sp.oo: sp.true}) if sym.is_positive else solved
            solved = sp.simplify(solved.subs(sym < sp.oo, sp.true))
            if solved not in (sp.true, sp.false) and sp.count_ops(solved) <= 6:
                return solved
        except (NotImplementedError, ValueError, TypeError):
            pass
    return sp.StrictGreaterThan(c, 0)


from symfisher.core.expectation.base import Expectation  # noqa: E402
from symfisher.core.expectation.strategies.gaussian_mgf import gaussian_integral  # noqa: E402
from symfisher.core.expectation.registry import register  # noqa: E402
from symfisher.core.note import Note, listed  # noqa: E402
from symfisher.core.simplify import logs_as_powers  # noqa: E402


@register("euler-integral", "atom")
def euler_atom(engine, g: sp.Expr) -> Expectation | None:
    """E[g] when g·p is itself an Euler integral (no transform needed)."""
    ctx = engine.ctx
    if not ctx.univariate or ctx.discrete:
        return None
    x = ctx.data[0]
    s = ctx.support[x]
    moving = ctx.support_depends_on_params  # then only the power integral, whose ends may be parameters
    if moving and not isinstance(s, sp.Interval):
        return None
    # combine exponents only: merging bases back ((α·x)^β from α^β·x^β) would hide the power of x
    integrand = sp.powsimp(sp.expand_power_base(g * ctx.density, force=True), combine="exp")
    lo_positive = s.inf.is_finite is not False and s.inf != 0 and ctx.sign(s.inf) == 1
    r = euler_integral(integrand, x, s.inf, s.sup, lo_positive)
    if r is None or moving and r.rule != "power integral":
        return None
    status, pending = settle(r)
    if status == "diverges":
        failing = [sp.Le(c, 0, evaluate=False) for c in r.conditions if c.is_positive is False]
        return Expectation(r.sign * sp.oo, ("euler-integral",),
                           detail=Note.of(r.rule, " diverges (", *listed(failing), ")", rule=r.rule))
    if status == "unknown":
        return None
    pending += tuple(sp.Ne(c, 0) for c in r.nonzero if c.is_zero is None)
    return Expectation(r.value, ("euler-integral",), detail=Note(r.rule, rule=r.rule), conditions=pending)
