"""The expectation engine: E_θ[f(X)] by strategies under one time budget, memoized per model."""

from __future__ import annotations

import contextlib
import math
import os
import random
import traceback
from dataclasses import dataclass
from typing import Callable, Iterator

import sympy as sp

from symfisher.core.deadline import Budget, now, run_with_deadline
from symfisher.core.points import domain_of, draw
from symfisher.core.simplify import exp_as_rational
from symfisher.core.evidence import NUMERIC_FAILURES, numeric_expectation, numeric_value
from symfisher.config import Config
from symfisher.errors import BudgetExceeded, StrategyBug, SymfisherError
from symfisher.core.expectation import continuation, registry
from symfisher.core.expectation.continuation import open_conditions
from symfisher.core.special_forms import (adjacent_bessel_orders, canonical_polygammas, shift_betas, shift_gammas,
                                         shift_polygammas)
from symfisher.core.expectation.base import (NO_CLOSED_FORM, Context, Expectation, almost_everywhere, depends_on,
                                             linear_terms, satisfies, strongest)
from symfisher.core.note import THETA, ExpectedValue, Note, listed
from symfisher.core.size import more_nodes_than

SPOT_CHECK_RTOL = 1e-6
LEADING_TERM_SECONDS = 1.0  # for the behaviour of an integrand at an end of its support
CONTINUATION_SECONDS = 3.0  # for the whole integrand's behaviour at the ends of the support (continuation)
FAIL_FAST_SHARE = 0.1  # of Config.entry_timeout: an entry's time once the open entries have used Config.open_timeout
#: an entry ends by this many times its own time, shared work included (the shifted Gompertz law's first entry took
#: 5.7 s of a 4 s limit, extended by a transform built for the model, and was left open all the same)
SHARED_WORK_CAP = 1.25


class _Clock:
    """What one derivation's entries have spent, shared by an engine and its children: the deadline of the
    entry being computed, the time of the entries left open, and the time of shared work (``Engine.cached``)
    not charged to an entry."""

    def __init__(self) -> None:
        self.deadline = math.inf
        self.open_spent = 0.0
        self.shared_spent = 0.0
        self.failing_fast = False  # the open entries have used Config.open_timeout: no expensive strategies
        self.cap = math.inf  # a deadline that shared work does not extend (Engine.within(..., hard=True))
        self.tried: set[str] = set()  # expression strategies tried on a whole entry (depth 0) ...
        self.closed: set[str] = set()  # ... and those among them that closed an entry there

    def barren(self, name: str) -> bool:
        """Expression strategy ``name`` was tried on entries of this model and never closed one: once the entries
        fail fast it is skipped (the support map of a Piecewise density rewrote every entry, 0.4 s each, and closed
        none; the ex-Gaussian's location shift, 0.3-0.7 s an entry, left every one open)."""
        return self.failing_fast and name in self.tried and name not in self.closed


class Engine:
    """Computes expectations under one model.

    Expression strategies see the whole E[f]; when none applies, f is split by linearity into
    Σ c_i(θ) g_i(x) and every distinct atom E[g_i] is computed once (memoized) by the atom
    strategies. An atom no strategy closes stays an unevaluated ``Integral``/``Sum``.
    """

    def __init__(self, ctx: Context, budget: Budget, config: Config | None = None, depth: int = 0):
        self.ctx = ctx
        self._budget = budget
        self._clock = _Clock()  # shared with child engines
        self.config = config or Config.defaults()
        self.depth = depth
        self.top = depth == 0  # the model's own engine (a sibling made by :meth:`child` has depth 0 but is not)
        self.excluded: frozenset[str] = frozenset()  # expression strategies this engine does not try
        self.expensive = True  # False: skip the costly atom strategies (a caller's quick first try)
        self.cheap_pass = False  # True while an atom strategy runs in the cheap pass (see :meth:`later`)
        self.memo: dict[object, object] = {}
        self._atoms: dict[sp.Expr, Expectation] = {}
        self._open: dict[sp.Expr, Expectation] = {}  # the open result of an atom, also before it is final
        self._tried: dict[sp.Expr, set[str]] = {}
        self.failures: list[StrategyFailure] = []  # unexpected exceptions of strategies (bugs), in order
        self.failures_sent = 0  # how many of them the pipeline has reported

    @property
    def failing_fast(self) -> bool:
        """The entries left open have used ``Config.open_timeout``: cheap strategies only, a short time each."""
        return self._clock.failing_fast

    @property
    def budget(self) -> Budget:
        """The derivation's budget, cut to the current entry's ``Config.entry_timeout``."""
        entry = self._clock.deadline
        return self._budget if entry >= self._budget.deadline else Budget(entry)

    # ---------------------------------------------------------------- public
    def expect(self, f: sp.Expr) -> Expectation:
        """E_θ[f(X)] (f in the context's data dummies); at the top level within ``Config.entry_timeout`` and, once
        an entry was left open, within what the entries left open have not yet used of ``Config.open_timeout``;
        once that is spent, within a tenth of ``Config.entry_timeout`` and by the cheap strategies only (the
        model's hard atoms are known by then: an entry made of them fails at once, while fast routes still
        close), skipping the expression strategies that closed no entry so far (:meth:`_Clock.barren`). Shared work
        that gives a result extends the entry's time (:meth:`cached`), up to :data:`SHARED_WORK_CAP` times it."""
        clock = self._clock
        if not self.top or clock.deadline < math.inf:
            return self._expect(f)
        share = self.config.entry_timeout * FAIL_FAST_SHARE
        left = self.config.open_timeout - clock.open_spent  # what the entries left open have not yet used
        clock.failing_fast = clock.open_spent > 0 and left <= share  # only once an entry was left open
        seconds = min(self.config.entry_timeout, max(share, left)) if clock.open_spent else self.config.entry_timeout
        start = now()
        clock.deadline, clock.cap = start + seconds, start + SHARED_WORK_CAP * seconds
        try:
            result = self._expect(f)
        finally:
            clock.deadline, clock.cap = math.inf, math.inf
        if not result.closed:
            clock.open_spent += now() - start
        return result

    def _expect(self, f: sp.Expr) -> Expectation:
        f = sp.sympify(f)
        if not (f.free_symbols & set(self.ctx.data)):  # a constant of the data: E[f] = f
            return Expectation(f, ("data-free",))
        ops = _operations(f, self.config.max_expression_ops)
        if ops > self.config.max_expression_ops:
            raise BudgetExceeded(f"expression too large to take an expectation of ({ops} operations)")
        result = None
        clock = self._clock
        for name, strategy in registry.strategies("expression"):
            if self.budget.expired():
                break
            if name in self.excluded or self.top and clock.barren(name):
                continue
            result = self._try(name, strategy, f)
            if self.top:
                clock.tried.add(name)
                if result is not None and result.closed:
                    clock.closed.add(name)
            if result is not None:
                break
        if result is None:
            result = self.by_linearity(f)
        return tidy(result) if self.top else result

    def by_linearity(self, f: sp.Expr) -> Expectation:
        """Σ c_i(θ) E[g_i(X)] with each atom from the atom strategies.

        Cheap strategies run on every atom first; the expensive ones (direct integration under a
        hard time limit) only on atoms still open, and not at all once one atom of the sum is known
        to stay open (the entry cannot close then, so the time would be lost).

        Raises:
            BudgetExceeded: Expanding f would give more than ``Config.max_expression_ops`` terms.
        """
        size = expanded_size(f, self.ctx.data)
        if size > self.config.max_expression_ops:
            text = sp.sstr(f.xreplace(dict(self.ctx.to_user)))
            text = text if len(text) <= 60 else text[:57] + "..."
            raise BudgetExceeded(f"model {self.ctx.label}: expanding {text} would give about {size:.3g} terms, "
                                 f"more than the limit of {self.config.max_expression_ops} "
                                 "(Config.max_expression_ops)")
        if f.has(sp.besseli, sp.besselj, sp.besselk):  # one open ratio I_{x+1}/I_x, not I_{x−1}/I_x beside it (the
            # Skellam law)
            f = adjacent_bessel_orders(f, self.ctx.data, anchor=self.ctx.density)
        terms = [(c, almost_everywhere(g, self.ctx)) for c, g in linear_terms(f, self.ctx.data)]
        results = {g: self.atom(g, expensive=False) for _, g in terms}
        if not all(r.closed for r in results.values()) and self.expensive:
            for g, r in list(results.items()):
                if not r.closed:
                    results[g] = self.atom(g, expensive=True)
                    if not results[g].closed:
                        break
        total, used, closed, details, conditions = sp.Integer(0), [], True, [], []
        for coeff, atom in terms:
            r = results[atom]
            total += coeff * r.value
            closed &= r.closed
            used.extend(s for s in r.strategies if s not in used)
            conditions.extend(c for c in r.conditions if c not in conditions)
            if r.detail:
                details.append(r.detail)
        strategies = tuple(used) if len(used) <= 1 and used else ("linearity", *used)
        detail = Note.join("; ", dict.fromkeys(details))
        if not closed and not total.has(sp.Sum, sp.Integral) \
                and all(r.closed or r.value.has(sp.Sum, sp.Integral) for r in results.values()):
            closed = True  # the open parts cancel: E[ψ(u)²·g] = ∂²F − E[ψ′(u)·g] beside E[ψ′(u)·g] (strategy digamma)
        infinite = [(c, results[g]) for c, g in terms if results[g].value in (sp.oo, -sp.oo)]
        if infinite:
            return self._divergent(f, infinite, closed, strategies, detail, strongest(conditions))
        conditions = strongest(conditions)
        if len(terms) > 1 and closed and open_conditions(conditions) and not total.has(sp.Integral, sp.Sum):
            continued = self._continued(f, total, conditions)
            if continued is not None:
                detail, conditions = Note.join("; ", [n for n in (detail, continued) if n]), ()
        return Expectation(total, strategies, closed, detail, conditions)

    def _continued(self, f: sp.Expr, value: sp.Expr, conditions: tuple[sp.Basic, ...]) -> Note | None:
        """Why E[f] = ``value``, found under ``conditions`` that make each part of f converge, holds on the whole
        parameter domain (:mod:`~symfisher.core.expectation.continuation`), else ``None``."""
        if self._point_where(conditions, self.config.seed) is None:  # the conditions hold on no open set
            return None
        try:
            ends = self.hard(continuation.continued, self.ctx, f, value, seconds=CONTINUATION_SECONDS)
        except BudgetExceeded:
            return None
        if ends is None:
            return None
        t, x = sp.Symbol("t", positive=True), sp.Symbol("x")
        orders = [Note.of("o(", 1 / x**2, ") towards ", end) if k is None else Note.of("of order ", t**k, " at ", end)
                  for end, k in ends]
        return Note.of("the parts converge for ", *listed(conditions, " and "), ", the whole integrand for every ",
                       THETA, " (", Note.join(", ", orders), ", ", t, " the distance to the end): the closed form "
                       "holds on the whole domain by analytic continuation")

    def _diverging_end(self, f: sp.Expr) -> int:
        """+1 (−1) when f·p near every finite end of the support where it is not integrable behaves as c·t^k,
        t the distance to the end, with k ≤ −1 and c > 0 (c < 0) on the parameter domain: then ∫ f·p = +∞ (−∞)
        whatever its parts do (the semicircle law's E[s²] splits into parts ±∞); 0 when that is not proved."""
        ctx = self.ctx
        if not ctx.univariate or ctx.discrete or not isinstance(ctx.support[ctx.data[0]], sp.Interval):
            return 0
        x, s = ctx.data[0], ctx.support[ctx.data[0]]
        t = sp.Dummy("t", positive=True)
        signs = set()
        for end, side in ((s.inf, 1), (s.sup, -1)):
            if not end.is_finite:
                continue
            try:
                lead = self.hard(_leading_term, (f * ctx.density).xreplace({x: end + side * t}), t,
                                 seconds=LEADING_TERM_SECONDS)
            except BudgetExceeded:
                return 0
            if lead is None:
                return 0
            c, k = lead
            if k.is_number and k <= -1:
                signs.add(ctx.sign(c))
        return signs.pop() if len(signs) == 1 and 0 not in signs else 0

    def _divergent(self, f, infinite, closed, strategies, detail, conditions) -> Expectation:
        """E[Σ c_i g_i] with some E[g_i] = ±∞: ±∞ when exactly one diverges (the rest finite), else left open.

        One divergent atom beside integrable ones makes the whole integral diverge; two could cancel.
        """
        if len(infinite) == 1 and closed:
            coeff, r = infinite[0]
            sign = self.ctx.sign(coeff)
            if sign:
                return Expectation(sign * r.value, strategies, True, detail, conditions)
        sign = self._diverging_end(f)
        if sign:
            return Expectation(sign * sp.oo, strategies, True, Note.of(
                detail, "; the whole integrand behaves as c·t^k with k ≤ −1 near an end of the support (t the "
                "distance to it), with one sign of c: the integral diverges"), conditions)
        return Expectation(self.ctx.unevaluated(f), (*strategies, NO_CLOSED_FORM), closed=False,
                           detail=Note.of(detail, "; several divergent parts (∞ − ∞ or an unknown sign): left open"))

    def atom(self, g: sp.Expr, expensive: bool = True) -> Expectation:
        """E[g(X)] for one atom, memoized (``expensive=False``: skip the costly strategies)."""
        if g in self._atoms:
            return self._atoms[g]
        result = None
        if not (g.free_symbols & set(self.ctx.data)):
            result = Expectation(g, ("data-free",))
        tried = self._tried.setdefault(g, set())
        for name, strategy in registry.strategies("atom"):
            if result is not None or self.budget.expired():
                break
            if name in tried or ((not expensive or self._clock.failing_fast) and name in registry.EXPENSIVE):
                continue
            tried.add(name)
            outer, self.cheap_pass = self.cheap_pass, not expensive or self._clock.failing_fast
            try:
                result = self._try(name, strategy, g)
            finally:
                self.cheap_pass = outer
        if result is None:
            result = self._open.get(g)
            if result is None:  # built once per atom: printing a large series into the note took 0.02 s a time
                result = self._open[g] = Expectation(self.ctx.unevaluated(g), (NO_CLOSED_FORM,), closed=False,
                                                     detail=Note.of("no strategy found ", ExpectedValue(g),
                                                                    " in closed form"))
            if not expensive:
                return result
        self._atoms[g] = result
        return result

    # ---------------------------------------------------------------- helpers for strategies
    def later(self, g: sp.Expr, name: str) -> None:
        """Strategy ``name`` skipped a costly step on atom ``g`` in the cheap pass (:attr:`cheap_pass`): it is tried
        again, with that step, in the expensive pass, after every cheap strategy had its chance on every atom."""
        self._tried.get(g, set()).discard(name)

    def child(self, ctx: Context, sibling_without: str = "") -> Engine:
        """An engine for a transformed model (standardized, substituted) under the same budget and config,
        one level deeper; it records into this engine's :attr:`failures`, so a bug met there is reported.
        ``sibling_without``: at this engine's level instead, so that every strategy applies to the new model
        again, except the named expression strategy (the one that made it: no endless chain of changes)."""
        sub = Engine(ctx, self._budget, self.config, self.depth + (0 if sibling_without else 1))
        sub._clock = self._clock
        sub.failures = self.failures
        sub.top = False
        sub.excluded = self.excluded | ({sibling_without} if sibling_without else set())
        return sub

    def cached(self, key: object, compute: Callable[[], object]) -> object:
        """Per-model memo shared by strategies (e.g. a detected exponential-family structure). The work is
        the model's, not the entry's: when it gives a result, it is not charged to the entry's
        ``Config.entry_timeout``, up to ``Config.entry_timeout`` of such work in the whole derivation (beyond that,
        the entry pays), and not once the entries fail fast (a tenth of a second per entry must not become seconds
        of shared work). Work that gives nothing (``None``, or no answer in time) is the entry's: a Mellin
        transform that ran out its 4 s had doubled the first entry of the shifted Gompertz law to 10 s."""
        if key not in self.memo:
            clock = self._clock
            deadline, start = clock.deadline, now()
            free = 0.0 if clock.failing_fast else max(0.0, self.config.entry_timeout - clock.shared_spent)
            clock.deadline = min(deadline + free, self._budget.deadline, clock.cap)
            found = False
            try:
                self.memo[key] = compute()
                found = self.memo[key] is not None
            finally:
                spent = now() - start if found else 0.0
                clock.shared_spent += spent
                clock.deadline = min(deadline + min(spent, free), clock.cap)
        return self.memo[key]

    @contextlib.contextmanager
    def within(self, seconds: float, hard: bool = False) -> Iterator[None]:
        """While the block runs, the current entry's deadline is at most ``seconds`` away (a strategy's try that
        must not spend the entry's whole time); shared work done meanwhile (:meth:`cached`) still extends it,
        unless ``hard`` (a speculative try: a Mellin transform in the inner variable's model took 4 s of a 1.5 s
        try, and the bounded Pareto's entry ran out before its atoms were tried). ``seconds`` is scaled by
        ``Config.try_scale``."""
        clock = self._clock
        saved, saved_cap = clock.deadline, clock.cap
        cut = clock.deadline = min(saved, now() + seconds * self.config.try_scale)
        if hard:
            clock.cap = min(saved_cap, cut)
        try:
            yield
        finally:
            clock.cap = saved_cap
            clock.deadline = min(saved + max(0.0, clock.deadline - cut), saved_cap)

    def hard(self, fn: Callable, *args, seconds: float | None = None):
        """``fn(*args)`` in a worker killed after ``seconds`` (scaled by ``Config.try_scale``; default: the atom
        timeout)."""
        limit = self.budget.slice(self.config.atom_timeout if seconds is None else seconds * self.config.try_scale)
        return run_with_deadline(fn, args, limit)

    def spot_check(self, g: sp.Expr, value: sp.Expr, seed: int = 3,
                   conditions: tuple[sp.Basic, ...] = ()) -> bool | None:
        """Compare a closed form of E[g] with quadrature at a random point where its ``conditions`` hold (a closed
        form valid for k > 1 says nothing at k = 0.4, where the integral diverges); ``None``: undecided. Symbols of
        ``g`` that the model does not know (a location and scale the standardized model no longer has, kept as
        coefficients by its caller) are drawn from their domains too: the identity holds for all of their values."""
        point = self._point_where(conditions, self.config.seed + seed, g.free_symbols | value.free_symbols)
        if point is None:
            return None
        try:
            closed = numeric_value(value, point, 20)
            numeric = numeric_expectation(g, self.ctx.density, self.ctx.support, point)
        except NUMERIC_FAILURES:  # quadrature cannot be done at this point: no numeric evidence either way
            return None
        if isinstance(closed, complex) or not (math.isfinite(closed) and math.isfinite(numeric)):
            return None
        return abs(closed - numeric) <= SPOT_CHECK_RTOL * max(1.0, abs(numeric)) + 1e-9

    def _point_where(self, conditions: tuple[sp.Basic, ...], seed: int, symbols: set = frozenset(),
                     tries: int = 20) -> dict | None:
        """A random parameter point where every condition holds (the first of ``tries`` draws), else ``None``; the
        ``symbols`` the model does not know are drawn from their domains with it (a condition a − t > 0 on the
        parametric family's t)."""
        holds = satisfies(conditions)
        for n in range(tries if holds else 1):
            point = self.ctx.point(seed + 1000 * n)
            foreign = sorted(set(symbols) - set(point) - set(self.ctx.data), key=str)
            rng = random.Random(seed + 1000 * n)
            point.update({s: draw(self.ctx.domains.get(s, domain_of(s)), rng, bool(s.is_integer)) for s in foreign})
            if holds is None or holds(point):
                return point
        return None

    def _try(self, name: str, strategy, f):
        """One strategy on ``f``. Running out of time or stack is "does not apply"; any other
        exception is a bug in the strategy: raised in strict mode (the tests), else recorded in
        :attr:`failures` (and on the derivation) while the next strategy tries."""
        try:
            return strategy(self, f)
        except (BudgetExceeded, RecursionError):
            return None
        except SymfisherError:
            raise
        except Exception as exc:  # noqa: BLE001 - see the docstring
            failure = StrategyFailure(name, type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "",
                                      _call_site(exc))
            if self.config.strict:
                raise StrategyBug(str(failure)) from exc
            self.failures.append(failure)
            return None


def _leading_term(expr: sp.Expr, t: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(c, k) with expr ~ c·t^k as t → 0+, or ``None``."""
    try:
        c, k = expr.as_leading_term(t).as_coeff_exponent(t)
    except (NotImplementedError, ValueError, TypeError, sp.PoleError):
        return None
    return None if c.has(t) or k.has(t) else (c, k)


@dataclass(frozen=True)
class StrategyFailure:
    """A strategy that raised an unexpected exception (a bug), recorded instead of hidden."""

    strategy: str
    exception: str
    message: str
    where: str = ""  # file:line of the call in symfisher that raised (see :func:`_call_site`)

    def __str__(self) -> str:
        at = f" (at {self.where})" if self.where else ""
        return f"strategy {self.strategy!r} raised {self.exception}: {self.message}{at}"


_PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # .../symfisher
_PLUMBING = (os.path.join(_PACKAGE, "core", "deadline.py"), os.path.abspath(__file__))


def _call_site(exc: BaseException) -> str:
    """The innermost frame of ``exc``'s traceback in symfisher's own code, as ``path:line``.

    The engine and the deadline machinery are skipped, so an exception forwarded from a forked worker
    (its traceback stayed in the worker) points at the strategy's ``engine.hard`` call.
    """
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = os.path.abspath(frame.filename)
        if path.startswith(_PACKAGE + os.sep) and path not in _PLUMBING:
            where = f"{os.path.relpath(path, os.path.dirname(_PACKAGE))}:{frame.lineno}"
    return where


def rational_tidy(value: sp.Expr) -> sp.Expr:
    """One denominator for a rational function of exponentials, with each exp(η) held opaque.

    exp(β₀ + β₁z) is first combined and replaced by one symbol, so cancellation works over a
    few generators instead of factoring in every exp(βᵢ zᵢ) (GLMs with many coefficients).
    """
    try:
        # exp(2η) and exp(η) as w² and w: e^η/(1 + e^η)² from (e^η + e^2η)/(1 + e^η)³
        via_w = exp_as_rational(value) if len(value.free_symbols) <= 6 else None
        if via_w is not None and sp.count_ops(via_w) <= sp.count_ops(value):
            return via_w
        w = sp.powsimp(value, combine="exp")
        gens = {e: sp.Dummy("E") for e in w.atoms(sp.exp)}
        w = flat_cancel(w.xreplace(gens))
        if len(w.free_symbols) <= 6:
            w = sp.factor(w)
        out = w.xreplace({d: e for e, d in gens.items()})
    except (sp.PolynomialError, NotImplementedError, TypeError, ValueError, RecursionError):
        return value
    return out if sp.count_ops(out) <= sp.count_ops(value) else value


def flat_cancel(value: sp.Expr) -> sp.Expr:
    """``sp.cancel`` of value over one denominator with numerator and denominator expanded first: the same function,
    and where value nests sums of products of polygammas and powers, much faster (the GB2 law's −E[H_aa], 248
    operations over ψ(p), ψ(q), ψ(p + q), their ψ′ and b^a, b^{2a}: 0.8 s, against 18 s for ``sp.cancel`` of it as it
    stands)."""
    numerator, denominator = sp.fraction(sp.together(value))
    return sp.cancel(sp.expand(numerator) / sp.expand(denominator))


def tidy(result: Expectation) -> Expectation:
    """A canonical form for closed results, cheap and in-process.

    Beta functions and ratios of Gamma functions are rewritten through ``gammasimp`` (Γ(ν/2 + 5/2)/
    Γ(ν/2 + 1/2) becomes a polynomial in ν); numeric-only constants such as ``catalan`` that SymPy's
    simplification can introduce never appear, because nothing here calls ``simplify``. Sums of
    rational functions (finite supports, exp(η) in GLMs) are put over one denominator.
    """
    value = result.value
    if result.closed and value.has(sp.beta):
        value = shift_betas(value)
    if not result.closed or sp.count_ops(value) > 400:
        return result if value is result.value else Expectation(value, result.strategies, result.closed,
                                                                 result.detail, result.conditions)
    try:
        if value.has(sp.beta, sp.gamma):
            value = shift_gammas(sp.gammasimp(value.rewrite(sp.gamma)))
        if value.has(sp.polygamma):
            value = shift_polygammas(canonical_polygammas(sp.expand_log(value) if value.has(sp.log) else value))
        if value.has(sp.exp) and not value.has(sp.besseli, sp.log):
            value = rational_tidy(value)
    except (sp.PolynomialError, NotImplementedError, TypeError, ValueError, RecursionError):
        return result
    return Expectation(value, result.strategies, result.closed, result.detail, result.conditions)


def engine_for(model, budget: Budget | None = None, config: Config | None = None) -> Engine:
    """An engine for a :class:`~symfisher.core.model.Model`."""
    config = config or Config.defaults()
    return Engine(Context.of(model), budget or Budget.of(config.timeout), config)


def _operations(f: sp.Expr, limit: int) -> int:
    """``count_ops(f)``, counted only when f has more nodes than ``limit`` (0 otherwise): each operation
    count_ops finds belongs to a node of its own, and counting the nodes is 20 times faster (count_ops had
    taken 19 ms an entry on a series density)."""
    return sp.count_ops(f) if more_nodes_than(f, limit) else 0


def expanded_size(f: sp.Expr, data) -> float:
    """An upper estimate of the number of terms of ``f`` expanded multinomially in the data.

    A power (a_1 + … + a_m)^n of a sum involving the data expands into C(n+m-1, m-1) terms;
    products multiply, sums add. Cheap: no expansion is done.
    """
    depends = depends_on(data)

    def size(e: sp.Basic) -> float:
        if e.is_Atom or not depends(e):
            return 1.0
        if e.is_Add:
            return float(sum(size(a) for a in e.args))
        if e.is_Mul:
            return float(math.prod(size(a) for a in e.args))
        if e.is_Pow and e.exp.is_Integer and e.exp > 1:
            m, n = size(e.base), int(e.exp)
            if m <= 1:
                return 1.0
            log_terms = math.lgamma(n + m) - math.lgamma(n + 1) - math.lgamma(m)  # log C(n+m-1, n)
            return math.exp(min(log_terms, 700.0))
        return 1.0

    return size(f)