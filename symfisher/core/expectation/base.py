"""Shared pieces of the expectation engine: the result type, the model context, the linear split."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

import mpmath
import sympy as sp

from symfisher.core.renaming import as_plain_arguments, rebuilt, renamed
from symfisher.core.points import domain_of, draw, is_discrete_set
from symfisher.core.signs import sign_on

NO_CLOSED_FORM = "numeric, no closed form"  # the strategy label of an entry left open: evaluated by quadrature
#: functions that make an integrand kinked or defined by cases: the closed-form integral strategies leave them alone
KINKED = (sp.DiracDelta, sp.Heaviside, sp.Piecewise, sp.Abs, sp.sign)

if TYPE_CHECKING:
    from symfisher.core.model import Model


@dataclass(frozen=True)
class Expectation:
    """E_θ[f(X)]: a value and how it was obtained.

    Attributes:
        value: The closed form, or an expression holding unevaluated ``Integral``/``Sum`` atoms.
        strategies: Names of the strategies that produced it (in order of first use).
        closed: ``True`` when ``value`` has no unevaluated integral or sum.
        detail: One-line account of the intermediate result (for the proof), a
            :class:`~symfisher.core.note.Note` holding its formulas as SymPy objects.
        conditions: Relations on θ under which ``value`` holds (convergence); empty: on the whole domain.
    """

    value: sp.Expr
    strategies: tuple[str, ...]
    closed: bool = True
    detail: str = ""
    conditions: tuple[sp.Basic, ...] = ()

    @property
    def strategy(self) -> str:
        return "+".join(self.strategies) if self.strategies else "none"


def refined_symbol(x: sp.Symbol, s: sp.Set) -> sp.Symbol:
    """A dummy standing for ``x`` with assumptions read off its support (positive on (0, oo) ...)."""
    discrete = is_discrete_set(s)
    lo = s.inf
    assume: dict[str, bool] = {"real": True}
    if discrete:
        assume["integer"] = True
    if lo.is_number and lo.is_finite:
        if lo > 0 or (lo == 0 and not discrete and not s.contains(0) == sp.true):
            assume["positive"] = True
        elif lo >= 0:
            assume["nonnegative"] = True
    return sp.Dummy(x.name, **assume)


def force_log(expr: sp.Expr) -> sp.Expr:
    """Logarithms of products and powers expanded (``force``: the caller checks the result where p is a density);
    sums and integrals are left as they are inside (log Σ does not expand, and rewriting the summand only made
    the check compare two series, summed exactly at every point: 3.5 s on sympy.stats' noncentral Beta)."""
    opaque = {s: sp.Dummy("S") for s in expr.atoms(sp.Sum, sp.Integral)}
    inner = expr.xreplace(opaque) if opaque else expr
    out = sp.expand_log(sp.expand(inner, power_exp=False, mul=False, multinomial=False, log=True), force=True)
    return out.xreplace({d: s for s, d in opaque.items()}) if opaque else out


def expanded_logpdf(model: Model) -> sp.Expr:
    """log p in the user's symbols with the logarithms of products and powers expanded where the check of
    :meth:`Context.of` allows it: log((1 − p₁ − p₂)^k₀ Γ(k₀ + x₁ + x₂)/(x₁! x₂!)) becomes k₀ log(1 − p₁ − p₂) +
    log Γ(k₀ + x₁ + x₂) − log x₁! − log x₂!, finite where the product overflows (x ≈ 170)."""
    ctx = Context.of(model)
    return ctx.logpdf.xreplace(ctx.to_user)


@dataclass(frozen=True)
class Context:
    """A model seen by the engine: data replaced by dummies that carry their support's assumptions.

    Attributes:
        data: Refined data dummies, in the model's order.
        to_user: Dummy → the user's data symbol (to translate results back).
        logpdf: log p with logarithms expanded where the density allows it.
        density: p.
        support: Dummy → support set.
        params: Parameters θ.
        others: Covariates and free constants (conditioned on, never integrated).
    """

    data: tuple[sp.Symbol, ...]
    to_user: Mapping[sp.Symbol, sp.Symbol]
    logpdf: sp.Expr
    density: sp.Expr
    support: Mapping[sp.Symbol, sp.Set]
    params: tuple[sp.Symbol, ...]
    others: tuple[sp.Symbol, ...]
    domains: Mapping[sp.Symbol, sp.Set] = field(default_factory=dict)
    label: str = "model"
    joint: sp.Set | None = None  # the joint support over the data dummies (see core/structure/joint.py)

    @classmethod
    def of(cls, model: Model) -> Context:
        sub = {x: refined_symbol(x, s) for x, s in model.support}
        logpdf = model.logpdf.xreplace(sub)
        density = model.density.xreplace(sub)
        expanded = force_log(logpdf)
        if expanded != logpdf and not _same_at_random_point(expanded, logpdf, list(sub.values()), model.domain_map):
            expanded = logpdf
        others = tuple(sorted((expanded.free_symbols | density.free_symbols) - set(sub.values()) - set(model.params),
                              key=str))
        return cls(
            data=tuple(sub.values()),
            to_user={v: k for k, v in sub.items()},
            logpdf=expanded,
            density=density,
            support={sub[x]: s for x, s in model.support},
            params=model.params,
            others=others,
            domains=model.domain_map,
            label=model.name,
            joint=model.joint_support.xreplace(sub) if model.joint_support is not None else None,
        )

    def in_variable(self, var: sp.Symbol, density: sp.Expr, support: sp.Set, shown: sp.Symbol, label: str,
                    logpdf: sp.Expr | None = None) -> Context:
        """The context of one new variable ``var`` (shown to users as ``shown``) with ``density`` on ``support``, after a
        change of variables: its parameters and other symbols read from ``logpdf`` when given, else from the density
        (``logpdf`` then log of the density, its logarithms expanded); the parameters' domains kept."""
        source = density if logpdf is None else logpdf
        logpdf = force_log(sp.log(density)) if logpdf is None else logpdf
        params = tuple(p for p in self.params if source.has(p))
        return Context(data=(var,), to_user={var: shown}, logpdf=logpdf, density=density, support={var: support},
                       params=params, others=tuple(sorted(source.free_symbols - {var} - set(params), key=str)),
                       domains=self.domains, label=label)

    @property
    def discrete(self) -> bool:
        return all(is_discrete_set(s) for s in self.support.values())

    @property
    def univariate(self) -> bool:
        return len(self.data) == 1

    @property
    def interval(self) -> tuple[sp.Symbol, sp.Interval] | None:
        """(x, its support) for one continuous variable whose support is an interval; ``None`` otherwise."""
        if not self.univariate or self.discrete:
            return None
        x = self.data[0]
        return (x, self.support[x]) if isinstance(self.support[x], sp.Interval) else None

    @property
    def positive_half_line(self) -> sp.Symbol | None:
        """x for one continuous variable on (0, ∞); ``None`` otherwise."""
        found = self.interval
        return found[0] if found is not None and found[1].inf == 0 and found[1].sup is sp.oo else None

    @property
    def support_depends_on_params(self) -> bool:
        if self.joint is not None and self.joint.free_symbols & set(self.params):
            return True
        return any(s.free_symbols & set(self.params) for s in self.support.values())

    def sign(self, expr: sp.Expr) -> int:
        """+1 (−1) where SymPy proves ``expr``, a function of θ, positive (negative) on the whole parameter domain
        (:func:`~symfisher.core.signs.sign_on`); else 0.

        >>> a, c = sp.symbols("a c", real=True)
        >>> ctx = Context((), {}, sp.S.Zero, sp.S.One, {}, (a, c), (), {a: sp.Interval.open(-sp.oo, 0),
        ...                                                                c: sp.Interval.open(0, 1)})
        >>> ctx.sign(1 / (a - c)**2), ctx.sign(a - c), ctx.sign(c - 1 / 2), ctx.sign(1 / (c - 2)**2)
        (1, -1, 0, 1)
        """
        return sign_on(expr, self.domains)

    def point(self, seed: int) -> dict[sp.Symbol, sp.Expr]:
        """A random value for every parameter, covariate and free constant."""
        rng = random.Random(seed)
        return {s: draw(self.domains.get(s, domain_of(s)), rng, bool(s.is_integer)) for s in (*self.params, *self.others)}

    def unevaluated(self, f: sp.Expr) -> sp.Expr:
        """E[f] written out as an unevaluated ``Integral`` / ``Sum`` over the support."""
        expr = f * self.density
        if self.joint is not None:
            from symfisher.core.structure.joint import restricted

            return restricted(expr, self.joint, self.data, self.support)
        for x, s in self.support.items():
            if isinstance(s, sp.FiniteSet):
                expr = sp.Add(*[expr.subs(x, v) for v in s.args], evaluate=False)
                continue
            lo, hi = s.inf, s.sup
            expr = sp.Sum(expr, (x, lo, hi)) if is_discrete_set(s) else sp.Integral(expr, (x, lo, hi))
        return expr


DATA_DRAWS = 8  # tries for each data point of :func:`_same_at_random_point`


def _same_at_random_point(a: sp.Expr, b: sp.Expr, data: list[sp.Symbol],
                          domains: Mapping[sp.Symbol, sp.Set] | None = None) -> bool:
    """Whether ``a`` (log p with logarithms expanded) equals ``b`` (log p) at two random parameter points
    where ``b`` is real at three data points (each drawn again, up to ``DATA_DRAWS`` times, where ``b`` is not
    real: outside a joint support such as x1 + x2 < 1) and no θ-only logarithm of ``a`` has a negative argument:
    log p need only be right where p is a density. Every other
    draw takes the positive parameters small (below 1/(m + 1) for m of them), which finds such points
    when p lives on a simplex of probabilities p_1 + … + p_m < 1. With no such point in twelve draws,
    agreement at the first two points (complex values included) decides, as before."""
    rng = random.Random(11)
    syms = sorted((a.free_symbols | b.free_symbols) - set(data), key=str)
    domains = domains or {}
    small = [s for s in syms if s.is_positive and not s.is_integer]
    theta_logs = [g.args[0] for g in a.atoms(sp.log) if not g.args[0].free_symbols & set(data)]
    value_a, value_b = _complex_value(a, [*syms, *data]), _complex_value(b, [*syms, *data])
    agreed, first = 0, []
    for attempt in range(12):
        point = {s: draw(domains.get(s, domain_of(s)), rng, bool(s.is_integer)) for s in syms}
        point = {s: (v if not s.is_positive or v > 0 else sp.Rational(1, 3)) for s, v in point.items()}
        if attempt % 2:
            point.update({s: sp.Rational(rng.randint(1, 99), 100 * (len(small) + 1)) for s in small})
        outside = any(u.xreplace(point).is_negative for u in theta_logs)  # p(x) = u(θ)^g(x)… with u(θ) < 0
        pairs = []
        for _ in range(3):
            for _ in range(DATA_DRAWS):  # a data point where b is real: inside a joint support (x1 + x2 < 1)
                at = dict(point)
                for s in data:
                    at[s] = draw(domain_of(s), rng, bool(s.is_integer))
                    if s.is_nonnegative or s.is_positive:
                        at[s] = sp.Rational(rng.randint(1, 9), 10) if not s.is_integer else sp.Integer(rng.randint(0, 1))
                try:
                    pair = (value_a(at), value_b(at))
                except (TypeError, ValueError):
                    return False
                if _real(pair[1]):
                    break
            pairs.append(pair)
        same = [abs(va - vb) <= 1e-9 * max(1.0, abs(vb)) for va, vb in pairs]
        if attempt < 2:
            first.append(same[0])
        if outside or not all(_real(vb) for _, vb in pairs):
            continue  # p is not a density at this parameter point (a log of a negative number)
        if not all(same):
            return False
        agreed += 1
        if agreed == 2:
            return True
    return agreed == 1 or (agreed == 0 and len(first) == 2 and all(first))


def _real(v: complex) -> bool:
    return abs(v.imag) <= 1e-12 * max(1.0, abs(v)) and math.isfinite(v.real)


def _complex_value(expr: sp.Expr, symbols: list[sp.Symbol]) -> Callable[[Mapping[sp.Symbol, sp.Expr]], complex]:
    """``expr`` at a point, as a complex number: compiled for mpmath at 30 digits (an exact ``xreplace``
    followed by ``N`` costs seconds on a long log-density), exactly where mpmath lacks a function.

    Raises (from the returned function):
        TypeError, ValueError: The value is not a number there.
    """
    try:
        compiled = sp.lambdify(*as_plain_arguments(symbols, expr), modules="mpmath", docstring_limit=0)
    except (NameError, KeyError, TypeError, SyntaxError):
        compiled = None

    def value(point: Mapping[sp.Symbol, sp.Expr]) -> complex:
        if compiled is not None:
            try:
                with mpmath.workdps(30):
                    return complex(compiled(*(mpmath.mpmathify(sp.N(point[s], 32)) for s in symbols)))
            except (NameError, AttributeError, TypeError, ZeroDivisionError, OverflowError):
                pass  # a function mpmath lacks, a pole: the exact route says what it is
        return complex(sp.N(expr.xreplace(point)))

    return value


def depends_on(data: Iterable[sp.Symbol]) -> Callable[[sp.Basic], bool]:
    """A test "e involves the data", memoised and decided bottom-up, so that each node of a tree is
    visited once: SymPy's ``free_symbols`` walks the whole subtree again at every node it is asked of
    (2 s over the 44 fail-fast entries of a six-parameter log-gamma series)."""
    data = frozenset(data)
    memo: dict[sp.Basic, bool] = {}

    def depends(e: sp.Basic) -> bool:
        found = memo.get(e)
        if found is None:
            if e.is_Symbol:
                found = e in data
            elif not e.args or isinstance(e, _BINDING):  # bound variables: free_symbols leaves them out
                found = bool(e.free_symbols & data)
            else:
                found = any(depends(a) for a in e.args)
            memo[e] = found
        return found

    return depends


_BINDING = (sp.concrete.expr_with_limits.ExprWithLimits, sp.Lambda, sp.Subs)


def opaque(expr: sp.Expr, data: Iterable[sp.Symbol]) -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
    """Replace maximal data-free compound subexpressions by dummies (keeps expansion cheap)."""
    depends = depends_on(data)
    back: dict[sp.Symbol, sp.Expr] = {}
    fwd: dict[sp.Expr, sp.Symbol] = {}

    def walk(e: sp.Expr) -> sp.Expr:
        if not isinstance(e, sp.Expr):  # Piecewise pairs, conditions: keep their structure
            return rebuilt(e, tuple(walk(a) for a in e.args)) if e.args else e
        if not depends(e):
            if e.is_Atom or e.is_number:
                return e
            if e not in fwd:
                d = sp.Dummy("c", **_assumptions_of(e))
                fwd[e], back[d] = d, e
            return fwd[e]
        if e.is_Atom:
            return e
        return rebuilt(e, tuple(walk(a) for a in e.args))  # a piecewise as it stands: no collapse again

    return walk(expr), back


def _assumptions_of(e: sp.Expr) -> dict[str, bool]:
    out: dict[str, bool] = {}
    if e.is_positive:
        out["positive"] = True
    elif e.is_real:
        out["real"] = True
    return out


def split_product(term: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr, sp.Expr, list[sp.Expr]]:
    """(C, s, E, rest) with term = C·xˢ·e^{E}·Π rest: C and s free of x, E the summed exponents of the exponentials
    that hold x, rest the other factors (for the strategies that read an integrand term by term).

    >>> x, a = sp.symbols("x a", positive=True)
    >>> split_product(3 * a * x**2 * sp.exp(-a * x) * sp.log(x), x)
    (3*a, 2, -a*x, [log(x)])
    """
    coeff, power, exponent, rest = sp.Integer(1), sp.Integer(0), sp.Integer(0), []
    for f in sp.Mul.make_args(sp.powsimp(term, combine="exp")):
        base, e = f.as_base_exp()
        if not f.has(x):
            coeff *= f
        elif base == x and not e.has(x):
            power += e
        elif isinstance(f, sp.exp):
            exponent += f.args[0]
        else:
            rest.append(f)
    return coeff, power, exponent, rest


def fixed_interval(ctx: Context, g: sp.Expr) -> tuple[sp.Symbol, sp.Interval] | None:
    """(x, its support) where E[g] is an integral over an interval that does not move with θ and g has no kink;
    else ``None``."""
    found = ctx.interval
    if found is None or ctx.support_depends_on_params or g.has(*KINKED):
        return None
    return found


def bounded_interval(ctx: Context, g: sp.Expr) -> tuple[sp.Symbol, sp.Interval] | None:
    """:func:`fixed_interval` where the interval is bounded (the bounded-interval strategies: exponential integrals,
    dilogarithms); else ``None``."""
    found = fixed_interval(ctx, g)
    return found if found is not None and found[1].inf.is_finite and found[1].sup.is_finite else None


def confirmed(engine, g: sp.Expr, value: sp.Expr | None) -> bool:
    """A closed form of E[g] worth returning: finite (no nan, zoo, ±∞) and agreeing with quadrature at a random
    point (``engine.spot_check``)."""
    return value is not None and not value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) and engine.spot_check(g, value) is True


def closed_by_terms(engine, g: sp.Expr, x: sp.Symbol, parse, integrate, seconds: float) -> sp.Expr | None:
    """E[g] from ``parse(g·p, x)``, the terms of an integrand of a known shape (cheap, in-process: ``None`` for another
    shape, and no worker started), then ``integrate(terms, sign)`` in a worker within ``seconds``; the value only where
    :func:`confirmed` (the strategies that integrate term by term: generalized inverse Gaussian, Weber integrals)."""
    terms = parse(g * engine.ctx.density, x)
    if terms is None:
        return None
    value = engine.hard(integrate, terms, engine.ctx.sign, seconds=seconds)
    return value if confirmed(engine, g, value) else None


def linear_terms(f: sp.Expr, data: Iterable[sp.Symbol]) -> list[tuple[sp.Expr, sp.Expr]]:
    """Split f = Σ c_i(θ)·g_i(x) into pairs (c_i, g_i), the g_i distinct and monic.

    Data-free blocks are made opaque first, so only the data structure is expanded.
    """
    data = tuple(data)
    g_opaque, back = opaque(f, data)
    dens: dict[sp.Expr, sp.Symbol] = {}

    def protect(e):  # keep data-dependent denominators such as (1 + x²)⁻² unexpanded
        if e.base not in dens:
            dens[e.base] = sp.Dummy("q")
        return dens[e.base] ** -e.exp

    # a series or an integral in the data is one factor: expanding its body (deep=True reaches it) splits nothing
    # out of it and cost 0.1 s an entry on a six-parameter log-gamma series
    sums = {e: sp.Dummy("S") for e in g_opaque.atoms(sp.Sum, sp.Integral) if e.free_symbols & set(data)}
    g_opaque = renamed(g_opaque, sums)
    g_opaque = g_opaque.replace(
        lambda e: e.is_Pow and e.exp.is_negative and e.base.is_Add and bool(e.base.free_symbols & set(data)),
        protect)
    restore = {d: 1 / b for b, d in dens.items()} | {d: e for e, d in sums.items()}
    expanded = sp.expand(g_opaque, deep=True, mul=True, multinomial=True, power_exp=False, power_base=False,
                         log=False, basic=True)
    groups: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(expanded):
        coeff, atom = term.as_independent(*data, *restore, as_Add=False)
        atom = renamed(atom, restore)
        groups[atom] = groups.get(atom, sp.Integer(0)) + coeff
    return [(renamed(c, back), renamed(g, back)) for g, c in groups.items() if c != 0]


def almost_everywhere(g: sp.Expr, ctx: Context) -> sp.Expr:
    """g with sign/absolute-value products replaced by what they equal almost everywhere.

    For continuous data, a nonconstant e(x) vanishes on a null set only, so sign(e)² = 1,
    sign(e)·|e| = e and |e|² = e² hold except on a set of probability zero: the expectation is
    unchanged. (Discrete data keep g as it is: a point can carry mass there.)
    """
    if ctx.discrete or not g.has(sp.sign, sp.Abs):
        return g
    data = set(ctx.data)

    def on_data(e: sp.Expr) -> bool:
        return bool(e.free_symbols & data)

    def fix_pow(e: sp.Expr) -> sp.Expr:
        base, k = e.base, e.exp
        if isinstance(base, sp.sign) and on_data(base) and k.is_Integer:
            return sp.Integer(1) if k % 2 == 0 else base
        if isinstance(base, sp.Abs) and on_data(base) and k.is_Integer and k % 2 == 0 and base.args[0].is_real:
            return base.args[0] ** k
        return e

    def fix_mul(e: sp.Expr) -> sp.Expr:
        factors = list(sp.Mul.make_args(e))
        for s in [f for f in factors if isinstance(f, sp.sign) and on_data(f)]:
            if s not in factors:
                continue
            a = sp.Abs(s.args[0])
            if a in factors:
                factors.remove(s)
                factors.remove(a)
                factors.append(s.args[0])
        return sp.Mul(*factors)

    g = g.replace(lambda e: e.is_Pow and isinstance(e.base, (sp.sign, sp.Abs)), fix_pow)
    return g.replace(lambda e: e.is_Mul and e.has(sp.sign), fix_mul)


def with_conditions(r: sp.Expr) -> tuple[sp.Expr, tuple[sp.Basic, ...]] | None:
    """SymPy's ``Piecewise((value, cond), (unevaluated, True))`` as (value, (cond,)); ``None`` if still open.

    ``integrate(..., conds="piecewise")`` and ``summation`` say where their closed form holds this
    way (e.g. Γ(ν − 1) only for ν > 1); the condition is kept instead of dropped.
    """
    conditions: list[sp.Basic] = []

    def take(pw: sp.Piecewise) -> sp.Expr:
        (value, cond), *rest = pw.args
        if len(rest) != 1 or rest[0][1] is not sp.true or not rest[0][0].has(sp.Integral, sp.Sum) \
                or value.has(sp.Integral, sp.Sum):
            return pw
        conditions.append(cond)
        return value

    r = r.replace(lambda e: isinstance(e, sp.Piecewise) and e.has(sp.Integral, sp.Sum), take)
    if r.has(sp.Integral, sp.Sum) or any(c is sp.false for c in conditions):
        return None
    return r, tuple(dict.fromkeys(c for c in conditions if c is not sp.true))


def strongest(conditions: Iterable[sp.Basic]) -> tuple[sp.Basic, ...]:
    """The conditions without repeats and without those another one implies (β > 1/2 given β > 1), the latter
    decided for conditions in one parameter by comparing the sets where they hold.

    >>> b = sp.Symbol("b", positive=True)
    >>> strongest([b > sp.Rational(1, 2), b > 1, b - 1 > 0])
    (b > 1,)
    """
    unique = list(dict.fromkeys(conditions))
    sets = [_where(c) for c in unique]

    def implied(i: int) -> bool:
        return sets[i] is not None and any(
            j != i and sets[j] is not None and sets[j][0] == sets[i][0] and sets[j][1].is_subset(sets[i][1])
            and (j < i or sets[j][1] != sets[i][1]) for j in range(len(unique)))

    return tuple(c for i, c in enumerate(unique) if not implied(i))


def _where(c: sp.Basic) -> tuple[sp.Symbol, sp.Set] | None:
    """(θ, the set where c holds) for a condition in one parameter θ; ``None`` otherwise."""
    if len(c.free_symbols) != 1:
        return None
    try:
        return next(iter(c.free_symbols)), c.as_set()
    except (NotImplementedError, TypeError, ValueError):
        return None


def satisfies(conditions: tuple) -> Callable[[Mapping], bool] | None:
    """A filter for parameter points: every condition true there (``None`` when there are none)."""
    if not conditions:
        return None

    def holds(point) -> bool:
        at = {s: sp.Float(v, 30) if isinstance(v, sp.Rational) else v for s, v in point.items()}
        try:  # in floats: Abs(t)**(-2 t) > 0 at an exact rational with a denominator near 10⁶ factors huge integers
            return all(bool(c.xreplace(at)) for c in conditions)
        except TypeError:  # a relation that does not evaluate to true or false there
            return False

    return holds


def limits_in_turn(expr: sp.Expr, ends: tuple[tuple[sp.Symbol, sp.Expr], ...]) -> sp.Expr | None:
    """The limit of ``expr`` as each (variable, end) of ``ends`` is taken in turn (a 0/0 formula's value there);
    ``None`` where gruntz cannot decide. Module level, so that it can run in a fork server's worker.

    >>> t = sp.Symbol("t")
    >>> limits_in_turn(sp.sin(t) / t, ((t, 0),))
    1
    """
    try:
        for var, end in ends:
            expr = sp.limit(expr, var, end) if expr.has(var) else expr
    except (NotImplementedError, ValueError, TypeError):  # gruntz cannot decide: no value
        return None
    return expr


def linear_in(expr: sp.Expr, u: sp.Symbol) -> tuple[sp.Expr | None, sp.Expr | None]:
    """(slope, constant) when ``expr`` is linear in u with a nonzero slope; (None, None) otherwise."""
    expr = sp.expand(expr)
    if not expr.is_polynomial(u) or sp.degree(expr, u) != 1:
        return None, None
    slope, const = sp.Poly(expr, u).all_coeffs()
    return slope, const


def _abs_linear_set(c: sp.Basic, sym: sp.Symbol) -> sp.Set | None:
    """The set where |α·sym + β| < k (or ≤ k) holds, α, β, k numbers, α ≠ 0: an interval, without ``as_set``'s
    inequality solver (0.1 s for the negative binomial's |p − 1| < 1); ``None`` for another condition."""
    if not isinstance(c, (sp.StrictLessThan, sp.LessThan)) or not isinstance(c.lhs, sp.Abs) or not c.rhs.is_number:
        return None
    alpha, beta = linear_in(c.lhs.args[0], sym)
    if alpha is None or not (alpha.is_number and beta.is_number and alpha.is_real and beta.is_real):
        return None
    ends = sorted(((-c.rhs - beta) / alpha, (c.rhs - beta) / alpha), key=float)
    strict = isinstance(c, sp.StrictLessThan)
    return sp.Interval(*ends, left_open=strict, right_open=strict)


def _decided(c: sp.Basic, domains) -> sp.Basic:
    """A condition in one parameter as ``true`` where it holds on the whole domain, ``false`` where it holds nowhere
    there, else as it is."""
    sym = next(iter(c.free_symbols))
    domain = domains.get(sym) or domain_of(sym)
    try:
        where = _abs_linear_set(c, sym) or c.as_set()
        if domain.is_subset(where):
            return sp.true
        if where.intersect(domain) is sp.S.EmptySet:
            return sp.false
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        pass
    return c


def _by_sign(c: sp.Basic) -> sp.Basic:
    """A relation in several parameters as ``true`` or ``false`` where the sign of lhs − rhs, on one denominator,
    follows from the symbols' assumptions (αw/(αw + 1) < 1 is −1/(αw + 1) < 0 for α, w > 0), else as it is."""
    if not isinstance(c, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)):
        return c
    d = sp.together(c.lts - c.gts)  # "smaller side" minus "greater side": the relation says d < 0 (or ≤)
    strict = isinstance(c, (sp.StrictLessThan, sp.StrictGreaterThan))
    if d.is_negative or (not strict and d.is_nonpositive):
        return sp.true
    if d.is_positive or (strict and d.is_nonnegative):
        return sp.false
    return c


def settle_conditions(conditions: tuple[sp.Basic, ...], domains) -> tuple[str, tuple[sp.Basic, ...]]:
    """"converges" (every condition holds on the parameter domain), "diverges" (one holds nowhere
    there) or "conditional" with the conditions that remain.

    A condition in one parameter is decided against that parameter's domain (|p − 1| < 1 holds on
    p ∈ (0, 1)), and so is each relation in one parameter inside a condition in several: SymPy's sum of the
    negative binomial law's E[Γ(k + r + t)/Γ(k + r)] holds for (r ≥ 1 ∧ |p − 1| < 1) ∨ (r < 1 ∧ |p − 1| ≤ 1),
    which is r ≥ 1 ∨ r < 1 on p ∈ (0, 1), true. A relation in several parameters is decided where the sign of
    its two sides' difference follows from their assumptions (:func:`_by_sign`). Others are kept as they are.
    """
    pending = []
    for c in conditions:
        if len(c.free_symbols) > 1 and isinstance(c, (sp.And, sp.Or, sp.core.relational.Relational)):
            c = c.replace(lambda e: isinstance(e, sp.core.relational.Relational),
                          lambda e: _decided(e, domains) if len(e.free_symbols) == 1 else _by_sign(e))
        if c is sp.true:
            continue
        if c is sp.false:
            return "diverges", ()
        syms = c.free_symbols
        if len(syms) == 1:
            decided = _decided(c, domains)
            if decided is sp.true:
                continue
            if decided is sp.false:
                return "diverges", ()
        pending.append(c)
    return ("conditional", tuple(pending)) if pending else ("converges", ())
