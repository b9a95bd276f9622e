"""The digamma function as a derivative: E[ψ(u)·rest] = ∂/∂t E[Γ(u + t)/Γ(u)·rest] at t = 0, u = x + c.

ψ(u) = ∂/∂t log Γ(u + t) at t = 0, and Γ(u + t)/Γ(u) is the factor whose expectation is a sum or an integral
of the law's own kind with a shifted parameter: the negative binomial law p(k) ∝ Γ(k + r)/k!·pʳ(1 − p)ᵏ has
E[Γ(k + r + t)/Γ(k + r)] = Γ(r + t)/(Γ(r)pᵗ), so E[ψ(k + r)] = ψ(r) − log p, and E[k·ψ(k + r)] in the same way.
The scores of laws with a count inside a gamma function (negative binomial, beta-binomial, beta-geometric) hold
such atoms.

Where the law holds Γ(u) in its denominator instead (the Yule–Simon law ρB(k, ρ + 1) = ρΓ(ρ + 1)Γ(k)/Γ(k + ρ + 1)),
the family is Γ(u)/Γ(u + t) ~ u^(−t), and ψ(u) = −∂/∂t of it at t = 0 (:data:`FAMILIES`).

The second derivative gives E[(ψ(u)² + ψ′(u))·rest] (Γ″/Γ = ψ² + ψ′), so E[ψ(u)²·rest] is that less E[ψ′(u)·rest],
which the engine may leave open: E[ψ′(k + r)] has no closed form under the negative binomial law, and then both
I_rr = E[s_r²] and −E[H]_rr read ψ′(r) − E[ψ′(K + r)], an identity the verdict sees.

A product of two, ψ(u)ψ(v) with u ≠ v, is the mixed derivative ∂²/∂t∂s of E[ratio(u, t)·ratio(v, s)·rest] at
t = s = 0, with nothing left open (the Waring law's E[ψ(k + a)ψ(k + a + b + 1)], a ₂F₁ at 1 in t and s).

Soundness, as for the parametric transform: the value is used only when every convergence condition of the
family's E[ratio·rest] holds strictly at t = 0 (t = s = 0 for a product). Then the sum or integral converges on a
neighbourhood of t = 0 (the ratio is u^(±t) for large u, up to a factor that tends to one), is analytic there and
may be differentiated under the sign, and a formula derived for t > 0 has the same derivative at 0 as the function
itself.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Sequence

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.expectation.strategies.parametric import derivative_at_zero
from symfisher.core.note import ExpectedValue, Note, eq
from symfisher.core.points import domain_of

T_NEAR_ZERO = sp.Interval.open(0, sp.Rational(1, 4))  # where t is drawn: the value at t = 0 is what is used


def digamma_factors(g: sp.Expr, x: sp.Symbol | Sequence[sp.Symbol]
                    ) -> tuple[tuple[tuple[sp.Expr, int], ...], sp.Expr] | None:
    """(((u, m),), rest) with g = ψ(u)ᵐ·rest, m = 1 or 2, or (((u, 1), (v, 1)), rest) with g = ψ(u)ψ(v)·rest,
    u ≠ v; u and v are x + c, or a sum of several of the data x plus c (c free of them), and rest is free of ψ, ψ′
    and log Γ of them. ``None`` otherwise.

    >>> k, r = sp.Symbol("k", integer=True), sp.Symbol("r", positive=True)
    >>> digamma_factors(k * sp.polygamma(0, k + r), k)
    (((k + r, 1),), k)
    """
    data = (x,) if isinstance(x, sp.Symbol) else tuple(x)
    found = []
    for factor in sp.Mul.make_args(g):
        base, m = factor.as_base_exp()
        if isinstance(base, sp.polygamma) and base.args[0] == 0 and base.has(*data):
            found.append((base.args[1], m))
    powers = sorted(m for _, m in found)
    if powers not in ([1], [2], [1, 1]) or not all(_unit_sum(u, data) for u, _ in found):
        return None
    rest = g / sp.Mul(*(sp.polygamma(0, u) ** m for u, m in found))
    if any(rest.has(sp.polygamma(1, u)) or rest.has(sp.loggamma(u)) for u, _ in found):
        return None
    return tuple((u, int(m)) for u, m in found), rest


def _unit_sum(u: sp.Expr, data: Sequence[sp.Symbol]) -> bool:
    """u = c + Σ of some of the data, each with coefficient 1, c free of them."""
    coefficients = [sp.expand(u).coeff(x) for x in data]
    return (set(coefficients) <= {0, 1} and 1 in coefficients
            and not sp.expand(u - sp.Add(*[c * x for c, x in zip(coefficients, data)])).has(*data))


#: the two families, ratio(u, t) and the sign σ with ψ(u) = σ·∂/∂t ratio at t = 0 and ψ(u)² = ∂²/∂t² ratio − σψ′(u):
#: Γ(u + t)/Γ(u) ~ uᵗ where the law has Γ(u) above (negative binomial), Γ(u)/Γ(u + t) ~ u^(−t) where it has Γ(u)
#: below (Yule–Simon: Σ ρΓ(ρ + 1)Γ(k)/Γ(k + ρ + 1 + t) is ρΓ(ρ + 1)/((ρ + t)Γ(ρ + 1 + t)))
FAMILIES = ((lambda u, t: sp.gamma(u + t) / sp.gamma(u), 1), (lambda u, t: sp.gamma(u) / sp.gamma(u + t), -1))


@register("digamma", "atom")
def digamma(engine, g: sp.Expr) -> Expectation | None:
    """E[ψ(x + c)·rest] = ±∂/∂t E[ratio·rest] at t = 0 for the first of :data:`FAMILIES` the whole engine closes; for
    ψ(x + c)² the second derivative, less ±E[ψ′(x + c)·rest] (by the engine, open where it has no closed form); for
    ψ(u)ψ(v) (u ≠ v) the mixed derivative ±∂²/∂t∂s E[ratio(u, t)·ratio(v, s)·rest] at t = s = 0, whole."""
    ctx = engine.ctx
    if getattr(engine, "digamma_level", 0) or g.has(sp.DiracDelta):
        return None
    found = digamma_factors(g, ctx.data)
    if found is None:
        return None
    factors, rest = found
    if len(factors) == 2:
        return _product(engine, factors, rest) if ctx.univariate else None
    (u, m), = factors
    if m == 2 and not _bounded_below(u, ctx):
        return None
    (t,), family = _family_engine(engine, "t")
    for ratio, sign in _families(engine, u):
        r = _by_shift(engine, ratio(u, t), rest, u, t)
        if r is None and ctx.univariate:  # the family summed (or integrated) by the whole engine
            r = family.atom(ratio(u, t) * rest)
        derived = None if r is None else _derivative_at_zero(engine, r, t, m)
        if derived is not None:
            break
    else:
        return None
    r, family_form, value, conditions = derived
    tu, X = sp.Symbol("t"), sp.Symbol("X")
    shown = {x: X for x in ctx.data} if ctx.univariate else {}
    uu, ru = u.xreplace(shown), rest.xreplace(shown)
    family_value = ExpectedValue(ratio(uu, tu) * ru)
    strategies, closed = ("digamma", *r.strategies), True
    if m == 2:  # ψ² ± ψ′ = ∂²ratio at 0; E[ψ′(u)·rest] is finite, ψ′ being bounded on u ≥ u₀ > 0 (its value there)
        trigamma = engine.atom(sp.polygamma(1, u) * rest)
        value, closed = value - sign * trigamma.value, trigamma.closed
        strategies += tuple(s for s in trigamma.strategies if s not in strategies)
        conditions = (*conditions, *(c for c in trigamma.conditions if c not in conditions))
        stated = eq(ExpectedValue((sp.polygamma(0, uu) ** 2 + sign * sp.polygamma(1, uu)) * ru),
                    sp.Derivative(family_value, (tu, 2)))
    else:
        value = sign * value
        stated = eq(ExpectedValue(sp.polygamma(0, uu) * ru), sign * sp.Derivative(family_value, tu))
    return _found(value, strategies, closed, conditions, stated, family_value, family_form.xreplace({t: tu}), r)


def _product(engine, factors, rest: sp.Expr) -> Expectation | None:
    """E[ψ(u)ψ(v)·rest] = σ_uσ_v ∂²/∂t∂s E[ratio_u(t)·ratio_v(s)·rest] at t = s = 0, for the first pair of
    :data:`FAMILIES` the engine closes (the Waring law's Γ(k + a) above and Γ(k + a + α + 1) below: rising in u,
    falling in v). No ψ′ term: the mixed derivative of a product of two one-variable ratios has none."""
    x = engine.ctx.data[0]
    (u, _), (v, _) = factors
    (t, s), family = _family_engine(engine, "t", "s")
    for (ratio_u, sign_u), (ratio_v, sign_v) in itertools.product(_families(engine, u), _families(engine, v)):
        derived = _derivative_at_zero(engine, family.atom(ratio_u(u, t) * ratio_v(v, s) * rest), (t, s), 1)
        if derived is not None:
            break
    else:
        return None
    r, family_form, value, conditions = derived
    tu, su, X = sp.Symbol("t"), sp.Symbol("s"), sp.Symbol("X")
    uu, vu, ru = u.xreplace({x: X}), v.xreplace({x: X}), rest.xreplace({x: X})
    family_value = ExpectedValue(ratio_u(uu, tu) * ratio_v(vu, su) * ru)
    stated = eq(ExpectedValue(sp.polygamma(0, uu) * sp.polygamma(0, vu) * ru),
                sign_u * sign_v * sp.Derivative(family_value, tu, su))
    return _found(sign_u * sign_v * value, ("digamma", *r.strategies), True, conditions, stated, family_value,
                  family_form.xreplace({t: tu, s: su}), r)


def _families(engine, u: sp.Expr) -> tuple:
    """:data:`FAMILIES`, the falling one first where the law holds Γ(u) below (in gamma form): there the rising one
    is a hypergeometric sum of one order more (the beta negative binomial law's E[Γ(k + a + b + r + t)/Γ(k + a + b + r)]
    is a ₃F₂ at 1, 2.6 s to leave unevaluated; Γ(k + a + b + r)/Γ(k + a + b + r + t) gives a ₂F₁ at 1 in 0.8 s)."""
    below = engine.cached(("digamma-below", engine.ctx.density), lambda: _gammas_below(engine.ctx.density))
    return FAMILIES[::-1] if sp.expand(u) in below else FAMILIES


def _gammas_below(density: sp.Expr) -> frozenset:
    """The (expanded) arguments of the gamma functions with a negative power in the density, beta functions and
    binomials written as gammas."""
    written = sp.powsimp(density.rewrite(sp.gamma), combine="exp")
    return frozenset(sp.expand(base.args[0]) for base, e in (f.as_base_exp() for f in sp.Mul.make_args(written))
                     if isinstance(base, sp.gamma) and e.is_negative)


def _by_shift(engine, ratio: sp.Expr, rest: sp.Expr, u: sp.Expr, t: sp.Symbol) -> Expectation | None:
    """E[ratio·rest] = R(θ, t)·E[rest] at θ_j + t/a where one parameter θ_j, u = a·θ_j + …, absorbs the ratio:
    ratio·p(x | θ) = R·p(x | θ_j + t/a) with R free of the data (Γ(k + r + t)/Γ(k + r) times the negative binomial
    law NB(r, p) is Γ(r + t)p^(−t)/Γ(r) times NB(r + t, p); the negative multinomial law's Γ(k₀ + Σx + t)/Γ(k₀ + Σx)
    in the same way, where its sum over ℕ₀³ is beyond SymPy). Only for θ_j in an open interval, where p(x | θ_j + t/a)
    is a density for every small t; E[rest] from the engine, at the shifted parameter."""
    ctx = engine.ctx
    density = engine.cached(("digamma-gamma-form", ctx.density), lambda: ctx.density.rewrite(sp.gamma))
    held = set().union(*(s.free_symbols for s in ctx.support.values()), ctx.joint.free_symbols if ctx.joint else set())
    for theta in ctx.params:
        if theta in held:  # a support that moves with θ_j: p(x | θ_j + t/a) lives elsewhere
            continue
        a = sp.diff(u, theta)
        domain = ctx.domains.get(theta) or domain_of(theta)
        if a == 0 or not a.is_number or not (isinstance(domain, sp.Interval) and domain.left_open
                                                 and domain.right_open):
            continue
        shift = {theta: theta + t / a}
        absorbed = sp.powsimp(ratio * density / density.xreplace(shift), combine="exp")  # xᵃxᵇ = xᵃ⁺ᵇ for any x
        if absorbed.has(*ctx.data) or absorbed.has(sp.nan, sp.zoo):
            continue
        moment = engine.atom(rest) if rest.has(*ctx.data) else Expectation(rest, ("data-free",))
        if not moment.closed:
            return None
        detail = Note.of("the parameter ", theta, " absorbs the ratio: E[ratio·rest] = ", absorbed, " E[rest] at ",
                         sp.Eq(theta, shift[theta]))
        return Expectation(absorbed * moment.value.xreplace(shift), ("parameter-shift", *moment.strategies),
                           detail=Note.join("; ", [detail, *([moment.detail] if moment.detail else [])]),
                           conditions=tuple(c.xreplace(shift) for c in moment.conditions))
    return None


def _family_engine(engine, *names: str):
    """(new positive symbols, a child engine whose spot checks draw them in :data:`T_NEAR_ZERO`)."""
    ts = tuple(engine.cached(f"digamma-{name}", lambda name=name: sp.Dummy(name, positive=True)) for name in names)
    family = engine.child(replace(engine.ctx, domains={**engine.ctx.domains, **{t: T_NEAR_ZERO for t in ts}}))
    family.digamma_level = 1
    return ts, family


def _found(value, strategies, closed, conditions, stated, family_value, family_form, r) -> Expectation:
    """The expectation with its detail: the derivative stated, and the family's value."""
    detail = Note.of("digamma as a derivative ", stated, " at t = 0, with ", eq(family_value, family_form),
                     *(("; ", r.detail) if r.detail else ()), rule="digamma as a derivative")
    return Expectation(value, strategies, closed, detail=detail, conditions=conditions)


def _derivative_at_zero(engine, r: Expectation, t: sp.Symbol, m: int):
    """(r, its value as shown, ∂ᵐ/∂tᵐ of it at t = 0, the conditions there) for a family's expectation r, or ``None``
    where :func:`~symfisher.core.expectation.strategies.parametric.derivative_at_zero` gives none or the derivative is
    not a closed form: SymPy sums the Yule–Simon law's E[Γ(k + ρ + 1 + t)/Γ(k + ρ + 1)] as a ₃F₂ at 1, whose
    derivative in an upper parameter stays unevaluated."""
    family_form = _shown(r.value) if r.closed else r.value
    found = derivative_at_zero(engine, r, t, m, family_form)
    if found is None or found[0].has(sp.Derivative, sp.Subs):
        return None
    return r, family_form, *found


def _shown(value: sp.Expr) -> sp.Expr:
    """A family's value with pʳ·p^(−r−t) as p^(−t), and beta functions in gamma form, simplified: the beta-geometric
    law's Γ(a)Γ(b)/(B(a, b)Γ(a + b)) is 1."""
    value = sp.powsimp(value)
    return sp.gammasimp(value.rewrite(sp.gamma)) if value.has(sp.beta) else value


def _bounded_below(u: sp.Expr, ctx) -> bool:
    """u ≥ u₀ > 0 on the support, so that ψ′(u) ≤ ψ′(u₀) is bounded: u = Σx + c with Σ inf x + c > 0 (the data
    held in u have finite lower ends)."""
    lows = {x: ctx.support[x].inf for x in ctx.data if u.has(x)} if ctx.support else {}
    if not lows or not all(low.is_finite for low in lows.values()):
        return False
    return bool((u.xreplace(lows) > 0) is sp.true)
