"""The symbolic stages inside the derivation worker: differentiate, then take the expectations.

``pipeline`` streams (key, value) results — score, Hessian, E[s], E[s sᵀ] and −E[H] entry by entry,
each with the strategy that produced it — so that whatever is done by the deadline survives. Two
structures skip most of the work: linear predictors (log p = g(x, Jθ), so every matrix is Jᵀ M J
for the few predictors' M) and independent blocks of the data (cross-block E[s_i s_j] = E[s_i]E[s_j]).
"""

from __future__ import annotations

import time
from typing import Any, Iterator, NamedTuple

import sympy as sp

from symfisher.core.deadline import Budget
from symfisher.core.simplify import is_zero
from symfisher.config import Config
from symfisher.core.expectation import Context, Engine
from symfisher.core.expectation.base import Expectation
from symfisher.core.structure.gaussian import GaussianStructure, derive_gaussian, find_gaussian
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


def to_user(expr: sp.Expr, ctx: Context) -> sp.Expr:
    """An engine result in the user's data symbols."""
    return expr.xreplace(dict(ctx.to_user))


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
    else:
        yield from _derivatives(model, config)
    yield "timing", ("differentiate", time.perf_counter() - t0)
    if predictors is not None:
        yield from _expectations_by_chain_rule(model, predictors, config, budget)
    else:
        yield from _expectations(model, config, budget, _small(model))


def _small(model: Model) -> bool:
    """Few parameters and short scores: worth a ``simplify`` (under its own time limit) per entry."""
    return len(model.params) <= 3 and sum(sp.count_ops(sp.diff(model.logpdf, p)) for p in model.params) < 400


def _derivatives(model: Model, config: Config) -> Iterator[tuple[str, Any]]:
    """s = ∇θ log p and H = ∇²θ log p (upper triangle), simplified entry by entry when small."""
    params, k = model.params, len(model.params)
    score = [sp.diff(model.logpdf, p) for p in params]
    hessian = {(i, j): sp.diff(score[i], params[j]) for i, j in entries(k)}
    yield "score", score  # unsimplified first: if time runs out, the parent need not differentiate again
    yield "hessian", hessian
    if _small(model):
        score = [_simplify_derivative(e, config) for e in score]
        yield "score", score
        hessian = {(i, j): _simplify_derivative(sp.diff(score[i], params[j]), config) for i, j in entries(k)}
        yield "hessian", hessian


def _derivatives_by_chain_rule(model: Model, lp: LinearPredictors, config: Config) -> Iterator[tuple[str, Any]]:
    """s_θ = Jᵀ s_φ and H_θ = Jᵀ H_φ J from the derivatives in the few predictors φ = Jθ."""
    m, k, J = len(lp.symbols), len(model.params), lp.jacobian
    s_phi = [sp.diff(lp.logpdf, p) for p in lp.symbols]
    small = m <= 3 and sum(sp.count_ops(e) for e in s_phi) < 400
    s_phi = [_simplify_derivative(e, config) if small else e for e in s_phi]
    h_phi = {(a, b): sp.diff(s_phi[a], lp.symbols[b]) for a, b in entries(m)}
    h_phi = {ab: _simplify_derivative(e, config) if small else e for ab, e in h_phi.items()}
    s_phi = [e.xreplace(lp.back) for e in s_phi]
    h_phi = {ab: e.xreplace(lp.back) for ab, e in h_phi.items()}
    h_phi.update({(b, a): e for (a, b), e in list(h_phi.items())})
    if len(entries(k)) > BATCH_ENTRIES:  # expanded by the parent: one pickle of the few reduced derivatives
        yield "derivatives-batch", (s_phi, h_phi, J)
        return
    yield from _chain_rule(s_phi, h_phi, J).items()


def _chain_rule(s_phi: list, h_phi: dict, J: sp.Matrix) -> dict[str, Any]:
    """s_θ = Jᵀ s_φ and the upper triangle of H_θ = Jᵀ H_φ J."""
    nz, k = _nonzero_rows(J), J.cols
    return {"score": [sp.Add(*[J[a, i] * s_phi[a] for a in nz[i]]) for i in range(k)],
            "hessian": {(i, j): sp.Add(*[J[a, i] * J[b, j] * h_phi[(a, b)] for a in nz[i] for b in nz[j]])
                        for i, j in entries(k)}}


def _nonzero_rows(J: sp.Matrix) -> list[list[int]]:
    """For each column i of J, the rows a with J[a, i] ≠ 0 (one per column for softmax: I ⊗ zᵀ)."""
    rows = J.tolist()
    return [[a for a in range(J.rows) if rows[a][i] != 0] for i in range(J.cols)]


def _expectations(model: Model, config: Config, budget: Budget, small: bool) -> Iterator[tuple[str, Any]]:
    """E[s], E[s sᵀ] and −E[H], entry by entry, each with the strategy that produced it."""
    k = len(model.params)
    t0 = time.perf_counter()
    ctx = Context.of(model)
    engine = Engine(ctx, budget, config)
    # The engine differentiates the log-density with its logarithms expanded (ctx.logpdf, checked
    # equal to log p): log(exp(q)) stays a polynomial q, so Gaussian/exp-family structure is visible.
    s_d = [sp.diff(ctx.logpdf, p) for p in model.params]
    h_d = {(i, j): sp.diff(s_d[i], model.params[j]) for i, j in entries(k)}
    means = []
    for i in range(k):
        means.append(engine.expect(s_d[i]))
        yield "mean", (i, _finish(means[-1], ctx, small, config))
        yield from _failures(engine)
    yield "timing", ("regularity", time.perf_counter() - t0)

    t0 = time.perf_counter()
    blocks = independent_blocks(ctx)
    for i, j in entries(k):
        if blocks is not None and blocks[model.params[i]] != blocks[model.params[j]]:
            r = _product_of_means(means[i], means[j], model.params[i], model.params[j])
        else:
            r = engine.expect(s_d[i] * s_d[j])
        yield "fisher", ((i, j), _finish(r, ctx, small, config))
        yield from _failures(engine)
    yield "timing", ("fisher", time.perf_counter() - t0)

    t0 = time.perf_counter()
    for i, j in entries(k):
        r = engine.expect(-h_d[(i, j)])
        yield "neh", ((i, j), _finish(r, ctx, small, config))
        yield from _failures(engine)
    yield "timing", ("neg_expected_hessian", time.perf_counter() - t0)


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
    Gaussian structure; the score and Hessian are the ordinary derivatives (matrix expressions when Σ is
    too large to invert)."""
    result = derive_gaussian(g)
    if result.score is not None:
        yield "score", result.score
        yield "hessian", result.hessian
    else:
        yield from _derivatives(model, config)
    yield "timing", ("differentiate", time.perf_counter() - t0)
    t0 = time.perf_counter()
    few = g.symbolic and len(set().union(*(e.free_symbols for e in result.fisher.values()))) <= 6
    tidy = _tidy if few else sp.factor_terms
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
    support_symbols = set().union(*(s.free_symbols for _, s in model.support))
    support_symbols |= model.joint_support.free_symbols if model.joint_support is not None else set()
    found = find_linear_predictors(model.logpdf, model.density, model.params, model.data, support_symbols)
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
    for i in range(len(model.params)):
        used = [mean[a] for a in range(m) if J[a, i] != 0]
        value = sp.Add(*[J[a, i] * mean[a].value.xreplace(lp.back) for a in range(m)])
        yield "mean", (i, Entry(value, _joined("linear-predictor", [e.strategy for e in used]), how,
                                _conditions(used, lp)))
    yield "timing", ("regularity", time.perf_counter() - t0)

    t0 = time.perf_counter()
    fisher = {ab: _finish(engine.expect(s_d[ab[0]] * s_d[ab[1]]), ctx, small, config) for ab in entries(m)}
    yield from _emit("fisher", fisher, lp, how)
    yield from _failures(engine)
    yield "timing", ("fisher", time.perf_counter() - t0)

    t0 = time.perf_counter()
    neh = {(a, b): _finish(engine.expect(-sp.diff(s_d[a], lp.symbols[b])), ctx, small, config) for a, b in entries(m)}
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
    """The small factors of s, H, I and −E[H] in θ (the reduced model's, with η written back)."""
    m, back = len(lp.symbols), lp.back

    def square(table) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(m, m, lambda a, b: table[(min(a, b), max(a, b))].value.xreplace(back))

    score = [sp.diff(lp.logpdf, e) for e in lp.symbols]
    hessian = sp.ImmutableMatrix(m, m, lambda a, b: sp.diff(score[a], lp.symbols[b]).xreplace(back))
    return Kronecker(square(fisher), square(neh), hessian, sp.ImmutableMatrix([e.xreplace(back) for e in score]),
                     vector, swap)


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
    (in the parent)."""
    batch = results.pop("derivatives-batch", None)
    if batch is not None:
        results.update(_chain_rule(*batch))
    for key in ("fisher", "neh"):
        batch = results.pop(f"{key}-batch", None)
        if batch is not None:
            results[key].update(value for _, value in _mapped(key, *batch))


def _joined(first: str, strategies: list[str]) -> str:
    parts = dict.fromkeys([first] + [p for s in strategies for p in s.split("+") if p])
    return "+".join(parts)


def _mapped(key: str, reduced: dict, lp: LinearPredictors, how: str) -> Iterator[tuple[str, Any]]:
    """Entries (i, j) of Jᵀ M J for the reduced matrix M (upper triangle given), in the original θ."""
    m, k, J = len(lp.symbols), lp.jacobian.cols, lp.jacobian
    full = {(a, b): v.value.xreplace(lp.back) for (a, b), v in reduced.items()}
    full.update({(b, a): v for (a, b), v in list(full.items())})
    nz, rows = _nonzero_rows(J), J.tolist()
    made: dict[tuple, tuple] = {}  # the reduced entries used → (strategy, detail, conditions), built once
    for i, j in entries(k):
        pairs = [(a, b) for a in nz[i] for b in nz[j]]
        value = sp.Add(*[rows[a][i] * rows[b][j] * full[(a, b)] for a, b in pairs])
        used_keys = tuple((min(ab), max(ab)) for ab in pairs)
        if used_keys not in made:
            used = [reduced[ab] for ab in used_keys]
            made[used_keys] = (_joined("linear-predictor", [e.strategy for e in used]),
                               Note.join("; ", dict.fromkeys([how] + [e.detail for e in used if e.detail])),
                               _conditions(used, lp))
        yield key, ((i, j), Entry(value, *made[used_keys]))


def _conditions(entries: list[Entry], lp: LinearPredictors) -> tuple[sp.Basic, ...]:
    return tuple(dict.fromkeys(c.xreplace(lp.back) for e in entries for c in e.conditions))


KINKS = (sp.sign, sp.Abs, sp.DiracDelta, sp.Heaviside)


def _simplify_derivative(e: sp.Expr, config: Config) -> sp.Expr:
    """A simplified score/Hessian entry; entries with kinks (sign, |·|, δ) are kept as they are.

    ``simplify`` rewrites sign(x − μ) into a Piecewise and 2δ(x − μ) into ``zoo`` on {x = μ},
    which loses the point mass that −E[H] needs (see :mod:`symfisher.core.expectation.strategies.dirac`).
    """
    return e if e.has(*KINKS) else _simplified(e, config)


HYPERBOLIC = (sp.cosh, sp.sinh, sp.tanh)


def _simplified(value: sp.Expr, config: Config) -> sp.Expr:
    """``simplify`` under the time limit, keeping exponentials where it would bring in cosh/sinh/tanh.

    simplify likes 1/(4 cosh²(η/2)) for e^η/(1 + e^η)²; users compare with the exponential form.
    """
    simpler = simplify_within(value, config.simplify_timeout)
    if simpler.has(*HYPERBOLIC) and not value.has(*HYPERBOLIC):
        exponential = _tidy(value)
        if sp.count_ops(exponential) <= 1.5 * sp.count_ops(simpler) + 2:  # unless much longer
            return exponential
    return simpler


def _tidy(value: sp.Expr) -> sp.Expr:
    """A cheap in-process tidy for large entries (no fork): cancel, then factor if that helps."""
    from symfisher.core.expectation.engine import rational_tidy

    return rational_tidy(value)


def _finish(r, ctx: Context, simplify: bool, config: Config) -> Entry:
    """An engine result as an Entry in the user's symbols; only closed forms are simplified.

    An open entry (an unevaluated integral or sum) is left as it is: ``simplify`` on an Integral
    costs its whole time limit and gives nothing numeric evaluation could use (measured on a
    two-component normal mixture: 39 s of 47 s went there).
    """
    value = to_user(r.value, ctx)
    if simplify and r.closed:
        value = _simplified(value, config)
    elif r.closed and not value.has(*KINKS, sp.exp):  # many parameters: no fork per entry (exp: tidied by the engine)
        value = _tidy(value)
    detail = r.detail.xreplace(dict(ctx.to_user)) if isinstance(r.detail, Note) else r.detail
    return Entry(value, r.strategy, detail, r.conditions)
