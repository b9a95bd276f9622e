"""The symbolic stages inside the derivation worker: differentiate, then take the expectations.

``pipeline`` streams (key, value) results — score, Hessian, E[s], E[s sᵀ] and −E[H] entry by entry,
each with the strategy that produced it — so that whatever is done by the deadline survives. Two
structures skip most of the work: linear predictors (log p = g(x, Jθ), so every matrix is Jᵀ M J
for the few predictors' M) and independent blocks of the data (cross-block E[s_i s_j] = E[s_i]E[s_j]).

On small models ``simplify`` costs about as much as the expectations themselves, and is independent of them:
the score and Hessian are simplified in a worker of their own, and each closed entry in one started when the
entry is found (:class:`~symfisher.core.deadline.Background`), while the engine goes on. Entries are sent as
found, then again simplified, so a deadline in between still leaves every entry found.
"""

from __future__ import annotations

import functools
import time
from dataclasses import replace
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

import sympy as sp

from symfisher.core.breakpoints import hessian_entry, jump_variable
from symfisher.core.deadline import Background, Budget
from symfisher.core.renaming import renamed
from symfisher.core.special_forms import cancelled_polygammas
from symfisher.core.simplify import (already_simple, expanded_form, is_monomial, is_zero, logs_as_powers, monomial_form,
                                     on_domains, rational_form, signed_symbols, simplify_start, tidy)
from symfisher.config import Config
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.base import Expectation
from symfisher.core.structure.gaussian import GaussianStructure, derive_gaussian, find_gaussian, gaussian_derivatives
from symfisher.core.structure.independence import independent_blocks
from symfisher.core.structure.kronecker import Kronecker, kronecker_layout
from symfisher.core.structure.linear_predictor import LinearPredictors, find_linear_predictors
from symfisher.core.model import Model
from symfisher.core.note import ExpectedValue, Note, REDUCED_FISHER, REDUCED_NEG_HESSIAN, eq
from symfisher.core.verdict import simplify_within

__all__ = ["Entry", "entries", "pipeline", "to_user"]


class Entry(NamedTuple):
    """One matrix entry as the worker sends it: value (user symbols), strategy, detail, conditions on θ."""

    value: sp.Expr
    strategy: str
    detail: str
    conditions: tuple[sp.Basic, ...] = ()


def entries(k: int) -> list[tuple[int, int]]:
    """The upper triangle (i ≤ j) of a k×k matrix, row by row."""
    return [(i, j) for i in range(k) for j in range(i, k)]


def to_user(expr: sp.Expr, ctx: Context, closed: bool = True) -> sp.Expr:
    """An engine result in the user's data symbols, a closed one with what the parameters' domains imply
    applied (|σ| = σ on (0, ∞): :func:`~symfisher.core.simplify.on_domains`); an open one (unevaluated integrals
    or sums, often piecewise) renamed without being evaluated again (:func:`~symfisher.core.renaming.renamed`)."""
    return on_domains(expr.xreplace(dict(ctx.to_user)), ctx.domains) if closed else renamed(expr, dict(ctx.to_user))


def pipeline(model: Model, config: Config, budget: Budget) -> Iterator[tuple[str, Any]]:
    """The symbolic work, as a stream of (key, value) results; runs inside the worker."""
    t0 = time.perf_counter()
    k = len(model.params)
    gaussian = _gaussian(model, config)
    if gaussian is not None:
        yield from _by_gaussian_structure(model, gaussian, config, t0)
        return
    predictors = _predictors(model) if k > 1 else None
    if predictors is not None:
        yield from _derivatives_by_chain_rule(model, predictors, config)
        yield "timing", ("differentiate", time.perf_counter() - t0)
        yield from _expectations_by_chain_rule(model, predictors, config, budget)
        return
    score = [sp.diff(model.logpdf, p) for p in model.params] if k <= SMALL_PARAMS else None
    small = _small(model, score)
    if not small:
        # The expectations differentiate ctx.logpdf themselves, so differentiating log p for the result (1.2 s of
        # a six-parameter log-gamma series) runs meanwhile in a worker of its own, from that same expansion.
        ctx = Context.of(model)
        expanded = ctx.logpdf.xreplace(dict(ctx.to_user))
        with Background(_timed_derivatives, (model, config, expanded), budget.left()) as derivatives:
            yield from _expectations(model, config, budget, small, ctx)
            yield from derivatives
        return
    yield "score", score  # unsimplified first: if time runs out, the parent differentiates only H (as the rows do)
    yield "timing", ("differentiate", time.perf_counter() - t0)
    # The expectations differentiate ctx.logpdf themselves, so simplifying s and H (a third to a half of the
    # work on small models) is independent of them: it runs meanwhile, in one worker, row by row (s_i, then H_ij,
    # j ≥ i). One worker per row took a core from the expectations on two cores: over 15 laws of sympy.stats, one
    # worker for all rows took 8.13 s in all against 8.50 s (the multinomial law, with the heaviest rows, 0.04 s more).
    ctx = Context.of(model)
    expanded = [sp.diff(ctx.logpdf, p).xreplace(dict(ctx.to_user)) for p in model.params]
    with Background(_simplified_rows, (model, config, score, expanded), budget.left()) as rows:
        yield from _expectations(model, config, budget, small, ctx)
        # the rows' simplify is for display: once the expectations are done, it gets one simplify_timeout more
        yield from _collect_rows(model, rows.within(config.simplify_timeout))


def _simplified_rows(model: Model, config: Config, score: list[sp.Expr],
                     expanded: list[sp.Expr] | None = None) -> Iterator[tuple[Any, sp.Expr]]:
    """For each row i: s_i (``score[i]``) simplified, then H_ij = ∂s_i/∂θ_j (j ≥ i) of that simplified s_i,
    simplified: ((i,) or (i, j), value). Where s_i differentiated from log p with its logarithms expanded
    (``expanded[i]``, from the engine's checked expansion) is a plain sum already, it is taken as it stands: the
    Dirichlet score log x₁ − ψ(α₁) + ψ(α₁ + α₂ + α₃), which simplify took 0.07-0.14 s to find from
    ∂ log(Γ(α₀)/Π Γ(αᵢ) …)."""
    params, data = model.params, model.data
    jumps = jump_variable(model.support, model.density, params, model.domain)
    for i, s_i in enumerate(score):
        plain = expanded is not None and already_simple(expanded[i])
        s_i = expanded[i] if plain else _simplify_derivative(s_i, config, data)
        yield (i,), s_i
        for j in range(i, len(params)):
            h_ij = hessian_entry(s_i, params[j], jumps)
            yield (i, j), _simplify_derivative(h_ij, config, data)


def _collect_rows(model: Model, rows: Iterable[tuple[Any, sp.Expr]]) -> Iterator[tuple[str, Any]]:
    """The simplified score and Hessian from the rows' worker, as in :func:`_simplified_derivatives`; an entry the
    worker did not reach by the deadline stays as differentiated."""
    params, k = model.params, len(model.params)
    found = dict(rows)
    score = [found.get((i,)) for i in range(k)]
    score = [e if e is not None else sp.diff(model.logpdf, p) for e, p in zip(score, params)]
    yield "score", score
    jumps = jump_variable(model.support, model.density, params, model.domain)
    yield "hessian", {(i, j): found[(i, j)] if (i, j) in found and found.get((i,)) is not None
                      else hessian_entry(score[i], params[j], jumps) for i, j in entries(k)}


SMALL_PARAMS = 3


def _small(model: Model, score: list[sp.Expr] | None = None) -> bool:
    """Few parameters and short scores (``score``, when already differentiated): worth a ``simplify`` (under its own
    time limit) per entry."""
    if len(model.params) > SMALL_PARAMS:
        return False
    score = score if score is not None else [sp.diff(model.logpdf, p) for p in model.params]
    return sum(sp.count_ops(e) for e in score) < 400


def _derivatives(model: Model, config: Config, simplify: bool = True,
                 logpdf: sp.Expr | None = None) -> Iterator[tuple[str, Any]]:
    """s = ∇θ log p and H = ∇²θ log p (upper triangle), simplified entry by entry when small (and ``simplify``).
    ``logpdf``: log p with its logarithms expanded (the engine's checked expansion), when given: the negative
    multinomial's s_k₀ = log p₀ + ψ(k₀ + Σx) − ψ(k₀), not ∂ log(p₀^k₀ Γ(k₀ + Σx)/Π x_i!) as a ratio of Gamma functions
    that overflows from Σx ≈ 170 in the numeric functions."""
    params, k = model.params, len(model.params)
    score = [sp.diff(model.logpdf if logpdf is None else logpdf, p) for p in params]
    jumps = jump_variable(model.support, model.density, params, model.domain)
    hessian = {(i, j): hessian_entry(score[i], params[j], jumps) for i, j in entries(k)}
    yield "score", score  # unsimplified first: if time runs out, the parent need not differentiate again
    yield "hessian", hessian
    if simplify and _small(model):
        yield from _simplified_derivatives(model, config)


def _timed_derivatives(model: Model, config: Config, logpdf: sp.Expr) -> Iterator[tuple[str, Any]]:
    """:func:`_derivatives` of ``logpdf`` (log p, its logarithms expanded) unsimplified, then the seconds they took."""
    t0 = time.perf_counter()
    yield from _derivatives(model, config, simplify=False, logpdf=logpdf)
    yield "timing", ("differentiate", time.perf_counter() - t0)


def _simplified_derivatives(model: Model, config: Config) -> Iterator[tuple[str, Any]]:
    """The score simplified entry by entry, then the Hessian as derivatives of that score, simplified."""
    params, k = model.params, len(model.params)
    score = [_simplify_derivative(sp.diff(model.logpdf, p), config, model.data) for p in params]
    yield "score", score
    jumps = jump_variable(model.support, model.density, params, model.domain)
    hessian = {(i, j): _simplify_derivative(hessian_entry(score[i], params[j], jumps), config, model.data)
               for i, j in entries(k)}
    yield "hessian", hessian


def _derivatives_by_chain_rule(model: Model, lp: LinearPredictors, config: Config) -> Iterator[tuple[str, Any]]:
    """s_θ = Jᵀ s_φ and H_θ = Jᵀ H_φ J from the derivatives in the few predictors φ = Jθ."""
    m, k, J = len(lp.symbols), len(model.params), lp.jacobian
    s_phi = [sp.diff(lp.logpdf, p) for p in lp.symbols]
    small = m <= 3 and sum(sp.count_ops(e) for e in s_phi) < 400
    s_phi = [_simplify_derivative(e, config) if small else e for e in s_phi]
    jumps = jump_variable(model.support, lp.density, lp.symbols, model.domain)
    h_phi = {(a, b): hessian_entry(s_phi[a], lp.symbols[b], jumps) for a, b in entries(m)}
    h_phi = {ab: _simplify_derivative(e, config) if small else e for ab, e in h_phi.items()}
    s_phi = [e.xreplace(lp.back) for e in s_phi]
    h_phi = {ab: e.xreplace(lp.back) for ab, e in h_phi.items()}
    h_phi.update({(b, a): e for (a, b), e in list(h_phi.items())})
    if len(entries(k)) > BATCH_ENTRIES:  # expanded by the parent: one pickle of the few reduced derivatives
        yield "derivatives-batch", (s_phi, h_phi, J)
        return
    yield from _chain_rule(s_phi, h_phi, J).items()


def _chain_rule(s_phi: list, h_phi: dict, J: sp.Matrix, products: _Products | None = None) -> dict[str, Any]:
    """s_θ = Jᵀ s_φ and the upper triangle of H_θ = Jᵀ H_φ J."""
    nz, k, rows = _nonzero_rows(J), J.cols, J.tolist()
    times = products or _Products()
    return {"score": [sp.Add(*[times(rows[a][i], s_phi[a]) for a in nz[i]]) for i in range(k)],
            "hessian": {(i, j): sp.Add(*[times(times.coefficient(rows[a][i], rows[b][j]), h_phi[(a, b)])
                                         for a in nz[i] for b in nz[j]])
                        for i, j in entries(k)}}


def _nonzero_rows(J: sp.Matrix) -> list[list[int]]:
    """For each column i of J, the rows a with J[a, i] ≠ 0 (one per column for softmax: I ⊗ zᵀ)."""
    rows = J.tolist()
    return [[a for a in range(J.rows) if rows[a][i] != 0] for i in range(J.cols)]


class _Products:
    """c·v for the many entries c·v of Jᵀ M J, each computed once (the 16,290 entries of a softmax regression
    with K = 10, p = 20 share 45 values v and 210 coefficients c = z_r z_s).

    ``Mul`` flattens v's factors again for every c; when c is a product of symbols that are no base of a factor
    of v (z_r z_s times an expression in exponentials), flattening can only sort the factors, so the product is
    assembled from the sorted factors directly — the same canonical expression, checked against ``c*v`` on the
    first products (any difference turns the shortcut off).
    """

    CHECKS = 8

    def __init__(self) -> None:
        self.memo: dict[tuple[sp.Expr, sp.Expr], sp.Expr] = {}
        self.pairs: dict[tuple[sp.Expr, sp.Expr], sp.Expr] = {}
        self.checked = 0
        self.direct = True

    def coefficient(self, x: sp.Expr, y: sp.Expr) -> sp.Expr:
        """x·y for two entries of J (z_r z_s), each pair multiplied once."""
        key = (x, y)
        out = self.pairs.get(key)
        if out is None:
            out = self.pairs[key] = x * y
        return out

    def __call__(self, c: sp.Expr, v: sp.Expr) -> sp.Expr:
        key = (c, v)
        out = self.memo.get(key)
        if out is None:
            out = self.memo[key] = self._product(c, v)
        return out

    def _product(self, c: sp.Expr, v: sp.Expr) -> sp.Expr:
        if c == 1:
            return v
        fast = self._sorted(c, v) if self.direct else None
        if fast is None:
            return c * v
        if self.checked < self.CHECKS:
            self.checked += 1
            slow = c * v
            if slow != fast or slow.args != fast.args:
                self.direct = False
                return slow
        return fast

    @staticmethod
    def _sorted(c: sp.Expr, v: sp.Expr) -> sp.Expr | None:
        cf = sp.Mul.make_args(c)
        if not all(f.is_Symbol or (f.is_Pow and f.base.is_Symbol and f.exp.is_Integer) for f in cf):
            return None
        if not (v.is_commutative and (v.is_Mul or v.is_Add or v.is_Pow or v.is_Function)):
            return None
        vf = v.args if v.is_Mul else (v,)
        coeff, rest = (vf[:1], vf[1:]) if vf[0].is_Number else ((), vf)
        bases = {f.as_base_exp()[0] for f in cf}
        if any(g.as_base_exp()[0] in bases or g.is_Number for g in rest):
            return None
        out, at = list(rest), 0  # both in canonical order already (args of Muls): merge the few c factors in
        for factor in cf:
            while at < len(out) and out[at].compare(factor) < 0:
                at += 1
            out.insert(at, factor)
            at += 1
        return sp.Mul._from_args((*coeff, *out), True)


def _expectations(model: Model, config: Config, budget: Budget, small: bool,
                  ctx: Context | None = None) -> Iterator[tuple[str, Any]]:
    """E[s], E[s sᵀ] and −E[H], entry by entry, each with the strategy that produced it (``ctx``: the model's
    context, when already built)."""
    k = len(model.params)
    t0 = time.perf_counter()
    ctx = ctx or Context.of(model)
    engine = Engine(ctx, budget, config)
    # The engine differentiates the log-density with its logarithms expanded (ctx.logpdf, checked
    # equal to log p): log(exp(q)) stays a polynomial q, so Gaussian/exp-family structure is visible.
    s_d = [sp.diff(ctx.logpdf, p) for p in model.params]
    jumps = jump_variable(tuple((x, ctx.support[x]) for x in ctx.data), ctx.density, model.params,
                          tuple(ctx.domains.items()))
    h_d = {(i, j): hessian_entry(s_d[i], model.params[j], jumps) for i, j in entries(k)}
    means = []
    with _Simplifying(ctx, config, budget, small) as finish:
        for i in range(k):
            means.append(engine.expect(s_d[i]))
            yield "mean", (i, finish(means[-1], "mean", i))
            yield from _failures(engine)
        yield "timing", ("regularity", time.perf_counter() - t0)

        t0 = time.perf_counter()
        blocks = independent_blocks(ctx)
        for i, j in entries(k):
            if blocks is not None and blocks[model.params[i]] != blocks[model.params[j]]:
                r = _product_of_means(means[i], means[j], model.params[i], model.params[j])
            else:
                r = engine.expect(s_d[i] * s_d[j])
            yield "fisher", ((i, j), finish(r, "fisher", (i, j)))
            yield from _failures(engine)
        yield "timing", ("fisher", time.perf_counter() - t0)

        t0 = time.perf_counter()
        for i, j in entries(k):
            r = engine.expect(-h_d[(i, j)])
            yield "neh", ((i, j), finish(r, "neh", (i, j)))
            yield from _failures(engine)
        yield "timing", ("neg_expected_hessian", time.perf_counter() - t0)
        yield from finish.simplified()


class _Simplifying:
    """``_finish`` for the entries of a small model, with each closed entry's ``simplify`` (as long as the
    expectation itself, or longer) in a worker of its own, started when the entry is found: the engine goes on
    with the next entry meanwhile. ``finish(r, key, index)`` returns the entry as found, to be sent at once (it
    stands if time runs out); :meth:`simplified` then yields the simplified entries. An entry met twice (E[s sᵀ]
    and −E[H] often agree) is simplified once. Large models (``small`` false) are finished in place, as before,
    except where :func:`_tidy` would fork for a long closed entry of a model with few parameters: that worker runs
    meanwhile too (the Marshall–Olkin Weibull law's E[s_α], 2479 operations whose tidy is 0, had kept the engine
    waiting 4 s).
    """

    def __init__(self, ctx: Context, config: Config, budget: Budget, small: bool):
        self.ctx, self.config, self.budget, self.small = ctx, config, budget, small
        self.workers: dict[sp.Expr, Background] = {}
        self.waiting: list[tuple[str, Any, Entry]] = []
        self.notes: dict[int, tuple[Note, Note]] = {}  # id(note) → (note, in the user's symbols): one strategy's
        # note is often shared by all its entries (the exponential family's), and printing it again costs ms

    def __call__(self, r: Expectation, key: str, index: Any) -> Entry:
        if not (r.closed and (self.small or len(self.ctx.params) <= SMALL_PARAMS)):
            return _finish(r, self.ctx, self.small, self.config)
        detail = self._user_note(r.detail) if isinstance(r.detail, Note) else r.detail
        value = to_user(r.value, self.ctx)
        if not self.small and (value.has(*KINKS, sp.exp) or sp.count_ops(value) <= TIDY_IN_PROCESS_OPS):
            return _finish(r, self.ctx, self.small, self.config)  # no fork: in place, as before
        entry = Entry(value, r.strategy, detail, r.conditions)
        if already_simple(value):  # nothing to simplify
            return entry
        monomial = monomial_form(value)
        if monomial is not None:  # found here: no worker
            return entry._replace(value=monomial)
        if value not in self.workers:
            finished = (_simplified_stream, (value, self.config, self.ctx.domains)) if self.small else \
                (_tidied_stream, (value,))
            self.workers[value] = Background(*finished, self.budget.left())
        self.waiting.append((key, index, entry))
        return entry

    def _user_note(self, note: Note) -> Note:
        if id(note) not in self.notes:
            self.notes[id(note)] = (note, note.xreplace(dict(self.ctx.to_user)))
        return self.notes[id(note)][1]

    def simplified(self) -> Iterator[tuple[str, Any]]:
        """(key, (index, entry)) for every entry waiting, its value simplified (as found where time ran out)."""
        done: dict[sp.Expr, sp.Expr] = {}
        for key, index, entry in self.waiting:
            if entry.value not in done:
                found = list(self.workers[entry.value])  # read to the end: the worker is reaped
                done[entry.value] = found[0] if found else entry.value
            yield key, (index, entry._replace(value=done[entry.value]))

    def __enter__(self) -> _Simplifying:
        return self

    def __exit__(self, *exc: Any) -> None:
        for worker in self.workers.values():
            worker.close()


def _simplified_stream(value: sp.Expr, config: Config, domains: Mapping[sp.Symbol, sp.Set]) -> Iterator[sp.Expr]:
    yield _simplified(value, config, domains)


def _tidied_stream(value: sp.Expr) -> Iterator[sp.Expr]:
    yield _tidy(value)


def _failures(engine: Engine) -> Iterator[tuple[str, Any]]:
    """Every strategy failure so far, whenever a new one was recorded (so a timeout loses none)."""
    if len(engine.failures) > engine.failures_sent:
        engine.failures_sent = len(engine.failures)
        yield "failures", tuple(str(f) for f in engine.failures)


def _product_of_means(a: Expectation, b: Expectation, p: sp.Symbol, q: sp.Symbol) -> Expectation:
    """E[s_p s_q] = E[s_p] E[s_q] for scores over independent blocks of the data."""
    s_p, s_q = sp.Symbol(f"s_{p}"), sp.Symbol(f"s_{q}")
    detail = Note.of("log p separates into independent blocks of the data and ", p, ", ", q, " lie in different ones: ",
                     eq(ExpectedValue(s_p * s_q), ExpectedValue(s_p) * ExpectedValue(s_q)), rule="independence")
    return Expectation(a.value * b.value, ("independence",), a.closed and b.closed, detail,
                       tuple(dict.fromkeys((*a.conditions, *b.conditions))))


def _gaussian(model: Model, config: Config) -> GaussianStructure | None:
    """x ~ N(μ(θ), Σ(θ)): the structure a model was built with, or recognised in a log-density written out."""
    if model.gaussian_structure is not None:
        return model.gaussian_structure
    if len(model.data) < 2 or model.joint_support is not None or model.discrete:
        return None
    if all(x.is_real for x in model.data):
        logpdf, data, back = sp.expand_log(model.logpdf, force=True), model.data, {}
    else:
        ctx = Context.of(model)
        logpdf, data, back = ctx.logpdf, ctx.data, dict(ctx.to_user)
    found = find_gaussian(logpdf, data, model.params, model.support, model.domain_map, config.simplify_timeout)
    if found is None:
        return None
    return GaussianStructure(tuple(model.data), found.params, found.mean.xreplace(back), found.form,
                             None if found.cov is None else found.cov.xreplace(back), found.precision, found.conditions,
                             found.source)


def _by_gaussian_structure(model: Model, g: GaussianStructure, config: Config, t0: float) -> Iterator[tuple[str, Any]]:
    """E[s], E[s sᵀ] (Slepian–Bangs, by Isserlis on the score) and −E[H] (moments of the Hessian) from the
    Gaussian structure; the score and Hessian are the ordinary derivatives for up to three parameters,
    else written from the structure in the entries of Σ⁻¹ (``gaussian_derivatives``; matrix expressions
    when Σ is too large to invert)."""
    result = derive_gaussian(g)
    if result.score is None and len(model.params) > 3:  # no ∂ of the expanded log-density k(k + 3)/2 times
        result = replace(result, **dict(zip(("score", "hessian"), gaussian_derivatives(g))))
    if result.score is not None:
        yield "score", result.score
        yield "hessian", result.hessian
    else:
        yield from _derivatives(model, config)
    yield "timing", ("differentiate", time.perf_counter() - t0)
    t0 = time.perf_counter()
    few = g.symbolic and len(set().union(*(e.free_symbols for e in result.fisher.values()))) <= 6
    # adj Σ / det Σ kept: each entry is already one sum of products of adj Σ entries over a power of det Σ
    tidy = (lambda v: v) if g.adjugate is not None else _tidy if few else sp.factor_terms
    tidy = functools.lru_cache(maxsize=None)(tidy)  # −E[H] repeats I's expressions: each is tidied once
    for i, v in enumerate(result.mean):
        yield "mean", (i, Entry(tidy(v), "gaussian-moments", result.detail, g.conditions))
    yield "timing", ("regularity", time.perf_counter() - t0)
    t0 = time.perf_counter()
    for ij, v in result.fisher.items():
        yield "fisher", (ij, Entry(tidy(v), "slepian-bangs", result.detail, g.conditions))
    yield "timing", ("fisher", time.perf_counter() - t0)
    t0 = time.perf_counter()
    for ij, v in result.neh.items():
        yield "neh", (ij, Entry(tidy(v), "gaussian-moments", result.detail, g.conditions))
    yield "timing", ("neg_expected_hessian", time.perf_counter() - t0)


def _predictors(model: Model) -> LinearPredictors | None:
    """The model's linear predictors when they leave fewer parameters than θ has (else ``None``)."""
    found = find_linear_predictors(model.logpdf, model.density, model.params, model.data, model.support_symbols)
    return found if found is not None and len(found.symbols) < len(model.params) else None


def _expectations_by_chain_rule(model: Model, lp: LinearPredictors, config: Config,
                                budget: Budget) -> Iterator[tuple[str, Any]]:
    """E[s], E[s sᵀ] and −E[H] of the reduced model in φ = Jθ, mapped back: Jᵀ E[s_φ], Jᵀ I_φ J, Jᵀ(−E[H_φ])J.

    When −E[H_φ] = I_φ is proved on the (small) reduced model, both full matrices are built from I_φ,
    so the verdict on the full model needs no further simplification.
    """
    t0 = time.perf_counter()
    given = tuple(c for c in model.given if c in lp.logpdf.free_symbols | lp.density.free_symbols)
    reduced = Model(logpdf=lp.logpdf, data=model.data, params=lp.symbols, support=model.support, given=given,
                    domain=tuple((p, s) for p, s in model.domain if p in lp.symbols or p in given),
                    name=f"{model.name} (linear predictors)", density_expr=lp.density,
                    joint_support=model.joint_support)
    ctx = Context.of(reduced)
    engine = Engine(ctx, budget, config)
    m = len(lp.symbols)
    s_d = [sp.diff(ctx.logpdf, p) for p in lp.symbols]
    small = m <= 3 and sum(sp.count_ops(e) for e in s_d) < 400
    mean = [_finish(engine.expect(s_d[a]), ctx, small, config) for a in range(m)]
    J, how = lp.jacobian, lp.describe()
    means = []
    for i in range(len(model.params)):
        used = [mean[a] for a in range(m) if J[a, i] != 0]
        value = sp.Add(*[J[a, i] * mean[a].value.xreplace(lp.back) for a in range(m)])
        means.append(Entry(value, _joined("linear-predictor", [e.strategy for e in used]), how, _conditions(used, lp)))
    if len(entries(len(model.params))) > BATCH_ENTRIES:  # one pickle, sharing the note (one per entry is slow)
        yield "mean-batch", means
    else:
        yield from (("mean", (i, e)) for i, e in enumerate(means))
    yield "timing", ("regularity", time.perf_counter() - t0)

    t0 = time.perf_counter()
    fisher = {ab: _finish(engine.expect(s_d[ab[0]] * s_d[ab[1]]), ctx, small, config) for ab in entries(m)}
    yield from _emit("fisher", fisher, lp, how)
    yield from _failures(engine)
    yield "timing", ("fisher", time.perf_counter() - t0)

    t0 = time.perf_counter()
    jumps = jump_variable(tuple((x, ctx.support[x]) for x in ctx.data), ctx.density, lp.symbols,
                          tuple(ctx.domains.items()))
    neh = {(a, b): _finish(engine.expect(-hessian_entry(s_d[a], lp.symbols[b], jumps)), ctx, small, config)
           for a, b in entries(m)}
    closed = not any(v.value.has(sp.Integral, sp.Sum) for v in (*fisher.values(), *neh.values()))
    if closed and all(is_zero(fisher[ab].value - neh[ab].value, config.simplify_timeout) for ab in entries(m)):
        proved = Note.of(eq(REDUCED_NEG_HESSIAN, REDUCED_FISHER), " proved on the reduced model")
        neh = {ab: neh[ab]._replace(value=fisher[ab].value,
                                    detail=Note.join("; ", [d for d in (neh[ab].detail, proved) if d]))
               for ab in entries(m)}
    yield from _emit("neh", neh, lp, how)
    yield from _failures(engine)
    yield "timing", ("neg_expected_hessian", time.perf_counter() - t0)
    layout = kronecker_layout(J)
    if layout is not None:  # J = I ⊗ cᵀ: every matrix is (reduced factor) ⊗ c cᵀ
        yield "kronecker", _kronecker(lp, fisher, neh, *layout)


def _kronecker(lp: LinearPredictors, fisher: dict, neh: dict, vector: sp.ImmutableMatrix, swap: bool) -> Kronecker:
    """The small factors of s, H, I and −E[H] in θ (the reduced model's, with η written back), and the same
    factors in η (``reduced``: what the numeric code evaluates, with η computed numerically)."""
    m, back = len(lp.symbols), lp.back

    def square(table) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(m, m, lambda a, b: table[(min(a, b), max(a, b))].value)

    score = sp.ImmutableMatrix([sp.diff(lp.logpdf, e) for e in lp.symbols])
    hessian = sp.ImmutableMatrix(m, m, lambda a, b: sp.diff(score[a], lp.symbols[b]))
    reduced = (score, hessian, square(fisher), square(neh))
    fis = reduced[2].xreplace(back)
    neh_theta = fis if reduced[3] == reduced[2] else reduced[3].xreplace(back)  # proved on the reduced model: shared
    return Kronecker(fis, neh_theta, hessian.xreplace(back), score.xreplace(back), vector, swap, tuple(lp.symbols),
                     tuple(lp.forms), reduced)


BATCH_ENTRIES = 500  # more mapped entries than this go to the parent as one batch, expanded there


def _emit(key: str, reduced: dict, lp: LinearPredictors, how: Note) -> Iterator[tuple[str, Any]]:
    """The mapped entries Jᵀ M J one by one, or for many parameters the reduced M once (``"<key>-batch"``):
    thousands of entries sharing a few subexpressions cost one pickle then, not one each."""
    if len(entries(lp.jacobian.cols)) > BATCH_ENTRIES:
        yield f"{key}-batch", (reduced, lp, how)
    else:
        yield from _mapped(key, reduced, lp, how)


def expand_batches(results: dict) -> None:
    """Fill the score, Hessian, ``results["fisher"]`` and ``results["neh"]`` from the batches the worker sent
    (in the parent). Entries shared by both matrices (−E[H_φ] = I_φ proved) are built once."""
    products = _Products()
    results["mean"].update(enumerate(results.pop("mean-batch", ())))
    batch = results.pop("derivatives-batch", None)
    if batch is not None:
        results.update(_chain_rule(*batch, products))
    for key in ("fisher", "neh"):
        batch = results.pop(f"{key}-batch", None)
        if batch is not None:
            results[key].update(value for _, value in _mapped(key, *batch, products))


def _joined(first: str, strategies: list[str]) -> str:
    parts = dict.fromkeys([first] + [p for s in strategies for p in s.split("+") if p])
    return "+".join(parts)


def _mapped(key: str, reduced: dict, lp: LinearPredictors, how: str,
            products: _Products | None = None) -> Iterator[tuple[str, Any]]:
    """Entries (i, j) of Jᵀ M J for the reduced matrix M (upper triangle given), in the original θ."""
    k, J = lp.jacobian.cols, lp.jacobian
    times = products or _Products()
    canon = times.memo  # equal reduced values (I_φ and −E[H_φ]) as one object, so their products are shared
    full = {}
    for (a, b), v in reduced.items():
        value = v.value.xreplace(lp.back)
        full[(a, b)] = full[(b, a)] = canon.setdefault((sp.S.One, value), value)
    nz, rows = _nonzero_rows(J), J.tolist()
    made: dict[tuple, tuple] = {}  # the reduced entries used → (strategy, detail, conditions), built once
    notes: dict[tuple, Note] = {}  # one note per distinct list of details (printing a note's math is slow)
    for i, j in entries(k):
        pairs = [(a, b) for a in nz[i] for b in nz[j]]
        value = sp.Add(*[times(times.coefficient(rows[a][i], rows[b][j]), full[(a, b)]) for a, b in pairs])
        used_keys = tuple((min(ab), max(ab)) for ab in pairs)
        if used_keys not in made:
            used = [reduced[ab] for ab in used_keys]
            details = tuple(dict.fromkeys([how] + [e.detail for e in used if e.detail]))
            if details not in notes:
                notes[details] = Note.join("; ", details)
            made[used_keys] = (_joined("linear-predictor", [e.strategy for e in used]), notes[details],
                               _conditions(used, lp))
        yield key, ((i, j), Entry(value, *made[used_keys]))


def _conditions(entries: list[Entry], lp: LinearPredictors) -> tuple[sp.Basic, ...]:
    return tuple(dict.fromkeys(c.xreplace(lp.back) for e in entries for c in e.conditions))


KINKS = (sp.sign, sp.Abs, sp.DiracDelta, sp.Heaviside)


def _simplify_derivative(e: sp.Expr, config: Config, data: Sequence[sp.Symbol] = ()) -> sp.Expr:
    """A simplified score/Hessian entry; entries with kinks (sign, |·|, δ), series (a mixture's Σ) or pieces are
    kept as they are. One of degree at most 1 in the ``data`` over a denominator free of them (the multinomial law's,
    the geometric law's) is in lowest terms by :func:`~symfisher.core.simplify.rational_form`: over the 45 such
    entries of the sympy.stats laws, simplify's form in 43 (the two others as long), in 0.13 s instead of 0.56 s; of
    higher degree, simplify keeps (x − μ)² whole where factoring expands it.

    ``simplify`` rewrites sign(x − μ) into a Piecewise and 2δ(x − μ) into ``zoo`` on {x = μ},
    which loses the point mass that −E[H] needs (see :mod:`symfisher.core.expectation.strategies.dirac`); on a
    ratio of infinite sums or a Piecewise with θ in its conditions it runs out its time limit for every entry
    (sympy.stats' noncentral Beta and triangular: derive waited 4.4 s and 5 s for it after the last expectation).
    """
    if e.has(*KINKS, sp.Sum, sp.Integral, sp.Piecewise) or already_simple(e):
        return e
    if data and _linear_in(e, data):
        rational = rational_form(e, config.simplify_timeout)
        if rational is not None:
            return rational
    if data and _error_function_below(e, data):
        return sp.Add(*[_shorter_of(t, _simplified(t, config)) for t in sp.Add.make_args(e)])
    return _simplified(e, config)


#: functions with no identity that relates one term's to another's (nothing like a Bessel or trigonometric recurrence)
ERROR_FUNCTIONS = (sp.erf, sp.erfc, sp.erfi)


def _error_function_below(e: sp.Expr, data: Sequence[sp.Symbol]) -> bool:
    """A term of ``e`` has an error function of the ``data`` in its denominator (the score of a law with a normal
    CDF factor, 2φ(y)Φ(ay) or the exponentially modified Gaussian's erfc).

    Such an entry is simplified term by term: ``simplify`` of the whole sum puts it over the common denominator
    (erf + 1)^k, which is longer, and spends most of its time there. Over the 18 such score and Hessian entries of
    the skew-normal and exponentially modified Gaussian laws: 7.5 s term by term against 14.1 s whole, each entry as
    short or shorter (whole, ``simplify`` shortened one of them, from 114 operations to 110; term by term, to 99).
    A Bessel function or cosine below stays with the whole ``simplify``: its recurrences shorten the noncentral
    χ law's Hessian from 53 operations to 9 (28 term by term).
    """
    data = set(data)
    for term in sp.Add.make_args(e):
        below = sp.fraction(term)[1]
        if any(f.free_symbols & data for f in below.atoms(*ERROR_FUNCTIONS)):
            return True
    return False


def _shorter_of(expr: sp.Expr, simpler: sp.Expr) -> sp.Expr:
    """``simpler`` where it has fewer operations, else ``expr`` as written (its signs as the user wrote them)."""
    return simpler if sp.count_ops(simpler) < sp.count_ops(expr) else expr


def _linear_in(e: sp.Expr, data: Sequence[sp.Symbol]) -> bool:
    """``e`` is a polynomial of degree at most 1 in the ``data`` over a denominator free of them."""
    num, den = sp.fraction(sp.together(e))
    if den.free_symbols & set(data):
        return False
    try:
        return sp.Poly(num, *data).total_degree() <= 1
    except sp.PolynomialError:
        return False


HYPERBOLIC = (sp.cosh, sp.sinh, sp.tanh)


def _simplified(value: sp.Expr, config: Config, domains: Mapping[sp.Symbol, sp.Set] | None = None) -> sp.Expr:
    """``simplify`` under the time limit, keeping exponentials where it would bring in cosh/sinh/tanh; with the
    signs the parameters' ``domains`` imply (log(1/r) + log(r) = 0 for r ∈ (1, ∞)).

    simplify likes 1/(4 cosh²(η/2)) for e^η/(1 + e^η)²; users compare with the exponential form. An entry that
    expands to a monomial (:func:`~symfisher.core.simplify.monomial_form`) is that monomial, without simplify; an
    entry rational in the parameters (and their logarithms) is in lowest terms, factored
    (:func:`~symfisher.core.simplify.rational_form`); one that mostly cancels when expanded or put over one
    denominator is simplified from that shorter form (:func:`~symfisher.core.simplify.simplify_start`). In an entry,
    exponentials of logarithms come as powers first (exp(a log H) = H^a:
    :func:`~symfisher.core.simplify.logs_as_powers`); not in a score or Hessian, where the powers of the data it makes
    (the Benini law's (x/σ)^(−α)) gave no shorter form.
    """
    if domains is not None and value.free_symbols <= set(domains):  # an entry: a function of the parameters alone
        value = logs_as_powers(value)
        signs = signed_symbols(value.free_symbols, domains)
        rational = rational_form(value.xreplace(signs), config.simplify_timeout)
        if rational is not None:
            return rational.xreplace({d: s for s, d in signs.items()})
    expanded = expanded_form(value)
    if expanded is not None and is_monomial(expanded):
        return expanded
    value = simplify_start(value, expanded)
    signs = signed_symbols(value.free_symbols, domains)
    if signs:
        return _simplified(value.xreplace(signs), config).xreplace({d: s for s, d in signs.items()})
    simpler = simplify_within(value, config.simplify_timeout)
    if simpler.has(*HYPERBOLIC) and not value.has(*HYPERBOLIC):
        exponential = _tidy(value)
        if sp.count_ops(exponential) <= 1.5 * sp.count_ops(simpler) + 2:  # unless much longer
            return exponential
    return simpler


def _tidy(value: sp.Expr) -> sp.Expr:
    """The tidy of an entry of a large model: in-process (no fork), cancel, then factor if that helps. An entry of
    more than ``TIDY_IN_PROCESS_OPS`` operations gets the shortest of its normal forms instead, in a worker under
    ``TIDY_SECONDS`` (:func:`~symfisher.core.simplify.tidy`): the GB2 law's I_aa, 891 operations over six polygamma
    generators, had not finished cancelling in 290 s; its shortest form, 48 operations, takes 2 s. Its −E[H_aa], 248
    operations, is cancelled in-process flat (:func:`~symfisher.core.expectation.engine.flat_cancel`): 0.8 s, where
    ``sp.cancel`` had taken 18–20 s of the derivation."""
    from symfisher.core.expectation.engine import rational_tidy

    if sp.count_ops(value) <= TIDY_IN_PROCESS_OPS:
        return rational_tidy(value)
    return tidy(value, TIDY_SECONDS)


TIDY_IN_PROCESS_OPS = 400
TIDY_SECONDS = 5.0


OPEN_TIDY_MAX_OPS = 400  # open entries whose closed part is larger are left as the engine wrote them


def _open_tidy(value: sp.Expr, closed_tidy=None) -> sp.Expr:
    """An open entry as Σ_k c_k(θ) U_k + c₀(θ) over its unevaluated integrals and sums U_k, the closed part c₀
    cancelled in-process (``closed_tidy`` instead, where given), polygammas whose arguments differ by integers first
    cancelled (:func:`~symfisher.core.special_forms.cancelled_polygammas`; never simplify on U_k: see :func:`_finish`).
    The negative multinomial's I_{k₀p₁} holds k₀p₁(log p₀/p₁ − ψ(k₀)/p₁)/p₀ − k₀ log p₀/p₀ + k₀ψ(k₀)/p₀, which is 0;
    the beta-geometric law's I_aa holds (ψ(a) − ψ(a + 1))² + 2(ψ(a) − ψ(a + 1))/a + 2/a², which is 1/a²."""
    # each open part as a symbol, as force_log holds them: xreplace replaces the outermost ones (nested ones are
    # never reached), so expand and collect do not see inside them, and sizes are of the rest
    opens = {u: sp.Dummy("U") for u in value.atoms(sp.Integral, sp.Sum)}
    skeleton = value.xreplace(opens)
    size = sp.count_ops(skeleton)
    if not opens or size > OPEN_TIDY_MAX_OPS:
        return value
    symbols = list(opens.values())
    try:
        parts = sp.collect(sp.expand(skeleton), symbols, evaluate=False)
    except (sp.PolynomialError, NotImplementedError, TypeError, ValueError, RecursionError):
        return value
    if not set(parts) <= {*symbols, sp.S.One} or any(c.has(*symbols) for c in parts.values()):
        return value  # an open part in a power or a function: not linear in them
    # expanded, like terms have cancelled already; the closed part c₀ over one denominator, the coefficients of
    # the open parts as they are (tidying each cost up to 50 ms in the multivariate Laplace law, for nothing)
    out = sp.Add(*[((closed_tidy or _tidy)(cancelled_polygammas(c)) if u == 1 else c) * u for u, c in parts.items()])
    return out.xreplace({d: u for u, d in opens.items()}) if sp.count_ops(out) <= size else value


def _finish(r, ctx: Context, simplify: bool, config: Config) -> Entry:
    """An engine result as an Entry in the user's symbols; only closed forms are simplified.

    An open entry (an unevaluated integral or sum) is left as it is: ``simplify`` on an Integral
    costs its whole time limit and gives nothing numeric evaluation could use (measured on a
    two-component normal mixture: 39 s of 47 s went there).
    """
    value = to_user(r.value, ctx, r.closed)
    if simplify and r.closed:
        value = _simplified(value, config, ctx.domains)
    elif r.closed and not value.has(*KINKS, sp.exp):  # many parameters: no fork per entry (exp: tidied by the engine)
        value = _tidy(value)
    elif not r.closed:
        closed_tidy = functools.partial(_simplified, config=config, domains=ctx.domains) if simplify else None
        value = _open_tidy(value, closed_tidy)
    detail = r.detail.xreplace(dict(ctx.to_user)) if isinstance(r.detail, Note) else r.detail
    return Entry(value, r.strategy, detail, r.conditions)
