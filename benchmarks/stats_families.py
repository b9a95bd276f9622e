"""Every distribution ``sympy.stats`` defines, as a symfisher model: the measure of generality.

The families are enumerated from ``sympy.stats``' own lists (``crv_types.__all__``, ``drv_types.__all__``,
``frv_types.__all__``, ``joint_rv_types.__all__``), so a new SymPy release adds cases by itself. For each
factory the parameters are built from its signature, and their assumptions are chosen by asking the
distribution's own ``check``: every condition it states (``std > 0``, ``p <= 1``, ``k.is_integer``,
``left < right``) is recorded, and of all the assumption choices the one that proves the most of them
(then the most general one: real before positive or negative, a continuous parameter before an integer one)
is taken. Conditions that assumptions cannot prove are kept as data:

- a condition on one parameter (``p <= 1``, ``n > 1``) becomes that parameter's domain;
- an equation between parameters (``Eq(p1 + p2 + p3, 1)``) eliminates its last parameter;
- an integer parameter (Binomial ``n``, ChiSquared ``k``) is not a parameter of Fisher information: it is held
  at :data:`HELD_INTEGER`, and a family left without a continuous parameter is skipped with that reason.

Arguments with a default that ``check`` does not mention (Bernoulli's ``succ``/``fail``, Gumbel's
``minimum``) keep their default. Vector and matrix arguments of the joint distributions are tried as a
scalar, then a vector of symbols, then a diagonal matrix of symbols; variadic ones (``Dirichlet(name,
*alpha)``) get :data:`VARIADIC` symbols.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator, Sequence

import sympy as sp

__all__ = ["HELD_INTEGER", "StatsFamily", "families", "family", "numeric_points", "numeric_mean"]

HELD_INTEGER = 3  # the value an integer parameter (Binomial n, Multinomial n) is held at
VARIADIC = 3  # symbols for a variadic argument (Dirichlet α₁…α₃, Multinomial p₁…p₃)
VECTOR = 2  # length of a vector argument (MultivariateNormal μ) and size of a matrix one
CONSTRUCTORS = {"ContinuousRV", "JointRV", "FiniteRV"}  # build a distribution from a user's density
MODULES = ("crv_types", "drv_types", "frv_types", "joint_rv_types")
KIND = {"crv_types": "continuous", "drv_types": "discrete", "frv_types": "finite", "joint_rv_types": "joint"}

# assumption choices for one scalar parameter, most general first; "integer" is held fixed, not a parameter
LADDER: tuple[tuple[str, dict[str, bool]], ...] = (
    ("real", {"real": True}),
    ("positive", {"positive": True}),
    ("integer", {"integer": True, "positive": True}),
    ("number", {}),
)
GENERALITY = {"real": 3, "positive": 2, "integer": 0, "number": 0}
SHAPES = ("scalar", "vector", "matrix")


# sympy.stats itself is wrong (a support wider than where its density is real) or cannot evaluate the density
# symbolically: Model.from_stats refuses these, rightly
SYMPY_BROKEN = {
    "Davis": "SymPy's Davis set is [0, ∞) but its pdf b^n (x − μ)^(−1−n)/… is complex for x < μ",
    "Kumaraswamy": "SymPy's Kumaraswamy set is [0, ∞) but its pdf a b x^(a−1) (1 − x^a)^(b−1) is complex for x > 1",
    "RobustSoliton": "SymPy's pmf needs a number (Rational(1, x*(x - 1))) and its table stays a Density object",
    "Coin": "its values are the symbols H and T, not numbers",
}


@dataclass(frozen=True)
class StatsFamily:
    """One ``sympy.stats`` factory as a model, or the reason it is not one.

    Attributes:
        name: The factory's name, e.g. ``"Normal"``.
        kind: ``"continuous"``, ``"discrete"``, ``"finite"`` or ``"joint"``.
        args: The arguments passed after the random symbol's name (symbols, held numbers, vectors).
        params: The continuous parameters θ (the rows of the Fisher matrix).
        domain: Parameter → domain, from the conditions of ``check`` that assumptions cannot prove.
        held: Argument name → the value it was held at (integers, unconstrained defaults).
        unproved: Conditions of ``check`` left unproved that involve several parameters (``a <= c``).
        skip: Why this factory is not a model (a constructor, no continuous parameter, SymPy fails); else "".
    """

    name: str
    kind: str
    args: tuple = ()
    params: tuple[sp.Symbol, ...] = ()
    domain: tuple[tuple[sp.Symbol, sp.Set], ...] = ()
    held: tuple[tuple[str, Any], ...] = ()
    unproved: tuple[sp.Basic, ...] = ()
    skip: str = ""

    def random_symbol(self):
        """The ``sympy.stats`` random symbol ``Factory("X", *args)``."""
        return _factory(self.name)("X", *self.args)

    def model(self):
        """``Model.from_stats`` of the random symbol, with the parameter domains of ``check``."""
        from symfisher.core.model import Model

        return Model.from_stats(self.random_symbol(), list(self.params), name=self.name, domain=dict(self.domain))

    def __str__(self) -> str:
        if self.skip:
            return f"{self.name}: skipped ({self.skip})"
        theta = ", ".join(map(str, self.params))
        held = "".join(f", {k}={v}" for k, v in self.held)
        return f"{self.name}({theta}{held})"


def _factory(name: str):
    import sympy.stats as st

    return getattr(st, name)


def _module_of(name: str) -> str:
    import importlib

    for mod in MODULES:
        if name in importlib.import_module(f"sympy.stats.{mod}").__all__:
            return mod
    raise KeyError(name)


class _Recorder:
    """Stands in for ``sympy.stats.rv._value_check`` while a factory runs: records every condition."""

    def __init__(self) -> None:
        self.conditions: list[Any] = []

    def __call__(self, condition, message):
        from sympy.core.logic import fuzzy_and
        from sympy.utilities.iterables import iterable

        conds = list(condition) if iterable(condition) else [condition]
        self.conditions.extend(conds)
        truth = fuzzy_and(conds)
        if truth is False:
            raise ValueError(message)
        return truth is True


@contextlib.contextmanager
def _recording() -> Iterator[_Recorder]:
    import importlib

    rec = _Recorder()
    mods = [importlib.import_module(f"sympy.stats.{m}") for m in MODULES]
    saved = [m.__dict__.get("_value_check") for m in mods]
    try:
        for m in mods:
            m._value_check = rec
        yield rec
    finally:
        for m, old in zip(mods, saved):
            m._value_check = old


def _truth(c: Any) -> bool | None:
    if c is True or c is sp.true:
        return True
    if c is False or c is sp.false:
        return False
    if isinstance(c, bool):
        return c
    return None


@dataclass
class _Arg:
    """One argument of a factory: its name, whether variadic, its default."""

    name: str
    variadic: bool = False
    default: Any = inspect.Parameter.empty
    symbols: list[sp.Symbol] = field(default_factory=list)


def _signature(name: str) -> list[_Arg]:
    params = list(inspect.signature(_factory(name)).parameters.values())[1:]  # drop the name / syms
    return [_Arg(p.name, p.kind is inspect.Parameter.VAR_POSITIONAL, p.default) for p in params
            if p.kind is not inspect.Parameter.VAR_KEYWORD]


def _value(arg: _Arg, shape: str, rung: str) -> tuple[Any, list[sp.Symbol]]:
    """The argument built in ``shape`` with assumptions ``rung``; also the symbols in it."""
    if rung == "number":  # an integer argument SymPy needs as a number (range(k))
        n = sp.Integer(HELD_INTEGER)
        return ([n] * VARIADIC if arg.variadic else n), []
    assume = dict(LADDER)[rung]
    if arg.variadic or shape == "vector":
        syms = list(sp.symbols(f"{arg.name}1:{(VARIADIC if arg.variadic else VECTOR) + 1}", **assume))
        return (syms if arg.variadic else sp.Matrix(syms)), syms
    if shape == "matrix":
        syms = list(sp.symbols(f"{arg.name}1:{VECTOR + 1}", **assume))
        return sp.diag(*syms), syms
    s = sp.Symbol(arg.name, **assume)
    return s, [s]


def _try(name: str, values: list) -> tuple[list | None, str]:
    """The conditions ``check`` recorded for ``Factory("X", *values)``; ``None`` when it refused them."""
    flat = _flat(values)
    with _recording() as rec:
        try:
            rv = _factory(name)("X", *flat)
            rec.conditions.extend(_support_conditions(rv))
        except ValueError as exc:  # check said a condition is false
            return None, str(exc).strip().splitlines()[0] if str(exc).strip() else "ValueError"
        except (TypeError, AttributeError, IndexError, NotImplementedError, sp.ShapeError) as exc:
            return None, f"{type(exc).__name__}: {exc}"
    return rec.conditions, ""


def _support_conditions(rv) -> list:
    """inf < sup for an interval support with symbolic ends (a condition ``check`` may leave unsaid)."""
    from sympy.stats.rv import pspace

    sets = getattr(getattr(pspace(rv), "distribution", None), "set", None)
    sets = sets.sets if isinstance(sets, sp.ProductSet) else (sets,)
    return [sp.Lt(t.inf, t.sup) for t in sets if isinstance(t, sp.Interval) and t.free_symbols
            and t.inf.is_finite is not False and t.sup.is_finite is not False]


def _support_symbols(rv) -> set[sp.Symbol]:
    """Symbols in the bounds of a discrete support (a count such as Multinomial's n)."""
    from sympy.stats.rv import pspace

    from symfisher.core.points import is_discrete_set

    sets = pspace(rv).distribution.set
    sets = sets.sets if isinstance(sets, sp.ProductSet) else (sets,)
    counting = (sp.S.Naturals0, sp.S.Naturals, sp.S.Integers)
    return set().union(*(t.free_symbols for t in sets
                         if isinstance(t, sp.Basic) and (is_discrete_set(t) or t.has(*counting))))


def _mentioned(name: str, args: list[_Arg]) -> set[str]:
    """Arguments whose symbols appear in a condition ``check`` states (with every argument symbolic)."""
    values, syms = [], {}
    for a in args:
        v, s = _value(a, "scalar", "real")
        values.append(v if not a.variadic else s)
        syms.update({x: a.name for x in s})
    conds, _ = _try(name, values)
    out: set[str] = set()
    for c in conds or []:
        if isinstance(c, sp.Basic):
            out |= {syms[x] for x in c.free_symbols if x in syms}
    return out


@lru_cache(maxsize=None)
def family(name: str) -> StatsFamily:
    """The model of one ``sympy.stats`` factory (or the reason it is skipped).

    >>> family("Normal")
    StatsFamily(name='Normal', kind='continuous', args=(mean, std), params=(mean, std), domain=(), held=(), unproved=(), skip='')
    """
    kind = KIND[_module_of(name)]
    if name in CONSTRUCTORS:
        return StatsFamily(name, kind, skip="a constructor for a user-written density (that is Model.from_pdf)")
    args = _signature(name)
    mentioned = _mentioned(name, args)
    own_check = any("check" in vars(c) for c in _distribution_classes(name))
    free = [a for a in args if a.default is inspect.Parameter.empty or a.variadic or a.name in mentioned
            or (not own_check and isinstance(a.default, (int, sp.Number)) and not isinstance(a.default, bool))]
    held = [(a.name, a.default) for a in args if a not in free]
    best = _search(name, kind, args, free)
    if isinstance(best, str):
        return StatsFamily(name, kind, held=tuple(held), skip=f"sympy.stats accepts no symbolic parameters ({best})")
    values, rungs, conds = best
    return _assemble(name, kind, args, free, held, values, rungs, conds)


def _search(name: str, kind: str, args: list[_Arg], free: list[_Arg]):
    """Over shapes and assumption rungs of the free arguments: (values, rungs, conditions) that prove
    the most conditions of ``check``, then the most general; ``None`` when ``check`` refuses them all."""
    shapes = [("scalar",) if (a.variadic or kind != "joint") else SHAPES for a in free]
    rung_names = [r for r, _ in LADDER]
    shape, why = tuple(s[0] for s in shapes), "no arguments tried"
    if kind == "joint":  # vector and matrix arguments: the simplest shapes check accepts
        for sh in sorted(itertools.product(*shapes), key=lambda sh: sum(map(SHAPES.index, sh))):
            conds, why = _try(name, _values(args, free, sh, ("positive",) * len(free)))
            if conds is not None:
                shape = sh
                break
        else:
            return why[:100]
    best, best_key = None, None
    for rungs in itertools.product(rung_names, repeat=len(free)):
        values = _values(args, free, shape, rungs)
        conds, why = _try(name, values)
        if conds is None:
            continue
        values, conds = _eliminate(name, values, conds)
        if not _integers_needed(name, args, free, shape, rungs, conds):
            continue
        truths = [_truth(c) for c in conds]
        key = (sum(t is True for t in truths), sum(GENERALITY[r] for r in rungs))
        if best_key is None or key > best_key:
            best, best_key = (values, rungs, conds), key
    if best is None:
        return why[:100]
    return best


def _integers_needed(name, args, free, shape, rungs, conds) -> bool:
    """Each integer rung proves an assumption query of ``check`` (``k.is_integer``, a Python bool) that the
    positive rung leaves open; a relation it merely happens to satisfy (``mu >= 1/2``) does not count."""
    queries = sum(c is True for c in conds)
    for i, r in enumerate(rungs):
        if r in ("integer", "number"):
            demoted = list(rungs)
            demoted[i] = "positive"
            other, _ = _try(name, _values(args, free, shape, demoted))
            if other is not None and sum(c is True for c in other) >= queries:
                return False
    return True


def _distribution_classes(name: str) -> list[type]:
    """The distribution classes a factory builds (read from the random symbol it returns)."""
    from sympy.stats.rv import pspace

    with _recording():
        for args in (_values(_signature(name), [], (), ()),):
            try:
                rv = _factory(name)("X", *[sp.Symbol(f"t{i}", positive=True) if a is inspect.Parameter.empty else a
                                          for i, a in enumerate(args)])
                return list(type(pspace(rv).distribution).__mro__)
            except Exception:  # noqa: BLE001 - only a probe: a factory that needs other arguments
                return []
    return []


def _values(args: list[_Arg], free: list[_Arg], shape: Sequence[str], rungs: Sequence[str]) -> list:
    built = {a.name: _value(a, sh, r)[0] for a, sh, r in zip(free, shape, rungs)}
    return [built[a.name] if a.name in built else a.default for a in args]


def _eliminate(name: str, values: list, conds: list) -> tuple[list, list]:
    """Substitute away the last parameter of every unproved equation between parameters
    (``Eq(p1 + p2 + p3, 1)`` → p3 = 1 − p1 − p2) and check again; returns (values, conditions)."""
    for c in conds:
        if isinstance(c, sp.Eq) and len(c.free_symbols) > 1:
            target = sorted(c.free_symbols, key=str)[-1]
            sol = sp.solve(c, target)
            if len(sol) != 1:
                continue
            values = [_subs(v, {target: sol[0]}) for v in values]
            again, _ = _try(name, values)
            if again is not None:
                return values, again
    return values, conds


def _flat(values: list) -> list:
    return [v for group in values for v in (group if isinstance(group, list) else [group])]


def _subs(v: Any, mapping: dict) -> Any:
    if isinstance(v, list):
        return [_subs(x, mapping) for x in v]
    return v.subs(mapping) if isinstance(v, sp.Basic) else v


def _symbols_of(v: Any) -> list[sp.Symbol]:
    if isinstance(v, list):
        return [s for x in v for s in _symbols_of(x)]
    if isinstance(v, sp.MatrixBase):
        return sorted(set().union(*(e.free_symbols for e in v)), key=str)
    return sorted(v.free_symbols, key=str) if isinstance(v, sp.Basic) else []


def _assemble(name, kind, args, free, held, values, rungs, conds) -> StatsFamily:
    rung = {a.name: r for a, r in zip(free, rungs)}
    numbers: dict[sp.Symbol, sp.Integer] = {}
    for a, v in zip(args, values):
        if rung.get(a.name) in ("integer", "number"):
            numbers.update({s: sp.Integer(HELD_INTEGER) for s in _symbols_of(v) if s.is_integer})
            held.append((a.name, HELD_INTEGER))
    values = [_subs(v, numbers) for v in values]
    with _recording():
        counts = _support_symbols(_factory(name)("X", *_flat(values)))
    for a, v in zip(args, values):
        if set(_symbols_of(v)) & counts:
            numbers.update({s: sp.Integer(HELD_INTEGER) for s in _symbols_of(v) if s in counts})
            held.append((a.name, HELD_INTEGER))
    values = [_subs(v, numbers) for v in values]
    params = tuple(dict.fromkeys(s for v in values for s in _symbols_of(v)))
    if not params:
        why = ", ".join(f"{k}={v}" for k, v in held) or "it has none"
        return StatsFamily(name, kind, held=tuple(held), skip=f"no continuous parameter ({why})")
    from symfisher.core.points import domain_of

    conds = [c.subs(numbers) if isinstance(c, sp.Basic) else c for c in conds]
    domain: dict[sp.Symbol, sp.Set] = {}
    unproved, order = [], []
    for c in conds:
        if _truth(c) is not None or not isinstance(c, sp.Basic):
            continue
        syms = c.free_symbols & set(params)
        if len(syms) == 1 and isinstance(c, (sp.Rel, sp.And)):
            (p,) = syms
            domain[p] = domain.get(p, domain_of(p)).intersect(c.as_set())
        elif isinstance(c, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)) \
                and isinstance(c.lhs, sp.Symbol) and isinstance(c.rhs, sp.Symbol):
            order.append((c.lhs, c.rhs) if isinstance(c, (sp.StrictLessThan, sp.LessThan)) else (c.rhs, c.lhs))
        else:
            unproved.append(c)
    domain.update(_ordered_domains(order, {p: domain.get(p, domain_of(p)) for p in params}))
    return StatsFamily(name, kind, tuple(_flat(values)), params, tuple(domain.items()), tuple(held), tuple(unproved))


def _ordered_domains(order: list[tuple[sp.Symbol, sp.Symbol]], domains: dict) -> dict:
    """Consecutive intervals for parameters ordered by ``check`` (``left < right``, ``a <= c <= b``): in
    topological order, each gets the part of its domain between two integer cuts, so every drawn point
    satisfies the order (left ∈ (0, 1), right ∈ (1, ∞) for two positive ends)."""
    if not order:
        return {}
    chain: list[sp.Symbol] = []
    nodes = sorted({s for pair in order for s in pair}, key=str)
    while len(chain) < len(nodes):  # Kahn's algorithm; ties by name
        ready = [n for n in nodes if n not in chain and all(a in chain for a, b in order if b == n)]
        if not ready:
            return {}  # a cycle: no order to keep
        chain.append(ready[0])
    floor = max([sp.floor(domains[n].inf) for n in chain if domains[n].inf.is_finite] or [sp.Integer(-1)])
    cuts = [sp.S.NegativeInfinity, *(floor + 1 + i for i in range(len(chain) - 1)), sp.S.Infinity]
    return {n: domains[n].intersect(sp.Interval.open(cuts[i], cuts[i + 1])) for i, n in enumerate(chain)}


def families(kinds: Sequence[str] = ("continuous", "discrete", "finite", "joint")) -> list[StatsFamily]:
    """Every factory of ``sympy.stats`` of the given kinds, in SymPy's order (skipped ones included)."""
    import importlib

    out = []
    for mod in MODULES:
        if KIND[mod] in kinds:
            out += [family(n) for n in importlib.import_module(f"sympy.stats.{mod}").__all__]
    return out


# ---------------------------------------------------------------------- numeric checks


@lru_cache(maxsize=16)
def numeric_points(model, count: int, seed: int) -> list[dict]:
    """``count`` random parameter points where the density is a density (non-negative, mass 1); remembered,
    since each costs a quadrature of the mass (a cubature over a joint support) and the checks of one
    derivation ask for the same points twice. Callers must not change the list."""
    from symfisher.core.points import parameter_points

    known = set(model.data) | set(model.params) | set(model.given)
    symbols = (*model.params, *sorted(model.logpdf.free_symbols - known, key=str))

    def valid(point) -> bool:  # the mass by quadrature, never by numeric_mean's data-free shortcut: a point where
        # the cubature cannot reproduce 1 (the bivariate t at ν = 0.67, tails |x|^(−2.67)) cannot check the entries either
        try:
            mass = _integral(model, sp.Integer(1), point)
        except (ValueError, TypeError, ZeroDivisionError, OverflowError, ArithmeticError):
            return False
        return mass is not None and math.isfinite(mass) and abs(mass - 1) < 1e-6

    return parameter_points(symbols, model.domain_map, count, seed, valid=valid, tries=20)


def numeric_mean(model, expr: sp.Expr, point: dict) -> float | None:
    """E[expr] at ``point`` by quadrature / summation over the model's support (joint supports too); an ``expr`` free
    of the data is its own mean (the points are where the density has mass 1: the Dirichlet's −H_ij = ψ′ terms had
    cost a cubature each)."""
    from symfisher.core.evidence import numeric_value

    if not sp.sympify(expr).free_symbols & set(model.data):
        value = numeric_value(sp.sympify(expr), point)
        return None if isinstance(value, complex) else value
    return _integral(model, expr, point)


def _integral(model, expr: sp.Expr, point: dict) -> float | None:
    """∫ expr·p over the model's support by quadrature / summation (joint supports too)."""
    from symfisher.core.batch_evidence import numeric_expectations_many
    from symfisher.core.evidence import numeric_expectation
    from symfisher.core.structure.joint import joint_mass

    if model.joint_support is not None:
        return joint_mass(expr * model.density, model.joint_support, model.data, model.support_map, point)
    if len(model.data) > 1:  # a box of 2–3 axes: one nested quadrature (NaN where ∫p ≠ 1), not a cubature of 400³ terms
        nested = numeric_expectations_many([expr], model.density, model.support_map, [point], _logpdf(model))
        if nested is not None:
            return nested[0][0]
    return numeric_expectation(expr, model.density, model.support_map, point)


@lru_cache(maxsize=8)
def _logpdf(model) -> sp.Expr:
    """The engine's checked expansion of log p (log Γ(k₀ + Σx) − Σ log x_i!, finite where the product overflows)."""
    from symfisher.core.expectation.base import expanded_logpdf

    return expanded_logpdf(model)


def _continuous_joint(model) -> bool:
    """Several data symbols, one of them continuous: a cubature per entry costs seconds (a Dirichlet's over its
    simplex 8 s), where the numeric layer's quadrature gives every entry at once."""
    from symfisher.core.points import is_discrete_set

    return len(model.data) > 1 and not all(is_discrete_set(s) for _, s in model.support)


def _numeric_layer_means(d, point: dict) -> dict[tuple, float]:
    """E[s_i s_j] and E[−H_ij] at ``point`` from one quadrature of all entries over the support, by the numeric layer
    (lambdified score and Hessian, nested / polar / stick-breaking quadrature: :func:`symfisher.numeric.crosscheck
    .cross_check`) — the closed forms are not used for the estimates."""
    from symfisher.numeric.crosscheck import cross_check

    known = set(d.model.params) | set(d.model.given)
    report = cross_check(d, {s: float(v) for s, v in point.items() if s in known}, method="quadrature")
    return {(e.quantity, *e.index): e.estimate for e in report.entries if e.quantity != "mean_score"}


def entry_errors(d, count: int = 2, seed: int = 20261125) -> dict[tuple, float]:
    """Relative error of every closed entry of I(θ) and −E[H] against quadrature / summation of
    E[s_i s_j] and E[−H_ij] at ``count`` random points where the density is a density.

    Keys are ``("fisher", i, j)`` / ``("neg_expected_hessian", i, j)``; open entries (unevaluated
    expectations) and infinite ones are left out (see :func:`infinite_entries`).
    """
    from symfisher.core.evidence import numeric_value

    model = d.model
    points = numeric_points(model, count, seed)
    if not points:
        raise ValueError(f"{model.name}: no parameter point where the density integrates to 1")
    k = len(model.params)
    out: dict[tuple, float] = {}
    at_once = [_numeric_layer_means(d, point) for point in points] if _continuous_joint(model) else None
    for name, closed, integrand in (("fisher", d.fisher, lambda i, j: d.score[i] * d.score[j]),
                                    ("neg_expected_hessian", d.neg_expected_hessian, lambda i, j: -d.hessian[i, j])):
        for i in range(k):
            for j in range(i, k):
                e = closed[i, j]
                if e.has(sp.Integral, sp.Sum, sp.oo, -sp.oo) or integrand(i, j).has(sp.DiracDelta):
                    continue  # open, infinite, or distributional (Laplace's −E[H]: no quadrature of a δ)
                worst = 0.0
                for n, point in enumerate(points):
                    value = numeric_value(e, point)
                    numeric = at_once[n][(name, i, j)] if at_once else numeric_mean(model, integrand(i, j), point)
                    if numeric is None or math.isnan(numeric):  # quadrature did not converge (within its time)
                        raise ValueError(f"no numeric value of {name} ({i + 1}, {j + 1})")
                    if isinstance(value, complex) or not math.isfinite(value) or not math.isfinite(numeric):
                        worst = math.inf
                        break
                    worst = max(worst, abs(value - numeric) / max(1.0, abs(numeric)))
                out[(name, i, j)] = worst
    return out


def numeric_equality(d, count: int = 2, seed: int = 20261125, checked: dict | None = None) -> bool:
    """Whether E[s sᵀ] and E[−H] agree numerically (relative 1e-5) at random points: what the verdict on
    I(θ) = −E[H] must say ("refuted" exactly when they differ).

    ``checked``: the result of :func:`entry_errors` at the same points; when it holds every entry of both
    matrices (each closed form agrees with its quadrature), the closed forms are compared instead of
    integrating both matrices again (halves the cubature of a joint support: 50 s of the Dirichlet's 100 s)."""
    model = d.model
    k = len(model.params)
    if checked is not None and len(checked) == k * (k + 1):
        from symfisher.core.evidence import numeric_value

        for point in numeric_points(model, count, seed):
            for i, j in ((i, j) for i in range(k) for j in range(i, k)):
                if _differ(numeric_value(d.fisher[i, j], point), numeric_value(d.neg_expected_hessian[i, j], point)):
                    return False
        return True
    for point in numeric_points(model, count, seed):
        for i in range(k):
            for j in range(i, k):
                if d.hessian[i, j].has(sp.DiracDelta):
                    continue
                a = numeric_mean(model, d.score[i] * d.score[j], point)
                b = numeric_mean(model, -d.hessian[i, j], point)
                if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
                    continue
                if _differ(a, b):
                    return False
    return True


def _differ(a: float, b: float) -> bool:
    """E[s sᵀ] and E[−H] differ at one entry: by more than 1e-5 relative."""
    return abs(a - b) > 1e-5 * max(1.0, abs(a), abs(b))


def open_atoms(d) -> list[sp.Expr]:
    """The expectations the engine left unevaluated, as the functions of the data averaged (integrand
    divided by the density), each once."""
    density = d.model.density
    seen: dict[sp.Expr, None] = {}
    for e in (*d.fisher, *d.neg_expected_hessian):
        for atom in e.atoms(sp.Integral, sp.Sum):
            g = sp.powsimp(sp.powdenest(atom.function / density, force=False))
            seen[g] = None
    return list(seen)
