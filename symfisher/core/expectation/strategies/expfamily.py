"""Exponential families: moments of the sufficient statistic from the log-partition, no integral.

If log p = Σ_j η_j(θ) T_j(x) − A(θ) + h(x, θ_R) with the support free of θ, then for every polynomial
m(T)   E[T_j m(T)] = ∂E[m]/∂η_j + (∂A/∂η_j) E[m],
where ∂/∂η_j = Σ_i (J_S⁻¹)_{ij} ∂/∂θ_{S_i} for a set S of parameters, outside R, whose Jacobian block
J_S = ∂η/∂θ_S is invertible. Atoms that are monomials in the T_j then need no integration.

The carrier h may hold parameters θ_R (the negative multinomial's log Γ(k₀ + Σx)): at fixed θ_R the law
is an exponential family in θ_S, and the recursion only differentiates along θ_S, where h is constant.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Mapping

import sympy as sp

from symfisher.errors import BudgetExceeded
from symfisher.core.expectation.base import Expectation, linear_terms
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note, eq

MAX_DEGREE = 6


@dataclass(frozen=True)
class ExpFamily:
    stats: tuple[sp.Expr, ...]  # T_j(x)
    naturals: tuple[sp.Expr, ...]  # η_j(θ)
    log_partition: sp.Expr  # A(θ)
    chosen: tuple[sp.Symbol, ...]  # S
    jinv: sp.Matrix  # J_S⁻¹, rows: S, columns: j
    trig: bool = False  # statistics found after expanding trigonometric sums
    held: tuple[sp.Symbol, ...] = ()  # R: parameters of the carrier h, fixed by the recursion

    def d(self, j: int, F: sp.Expr) -> sp.Expr:
        """∂F/∂η_j."""
        return sp.Add(*[self.jinv[i, j] * sp.diff(F, s) for i, s in enumerate(self.chosen)])


def detect(ctx) -> ExpFamily | None:
    """The exponential-family structure of the model, or ``None``.

    A log-density with trigonometric terms in x − θ (von Mises: κ cos(x − μ)) is tried again with
    the angle-sum formulas expanded, which exposes T = (cos x, sin x) with no parameter held.
    """
    found = _detect(ctx, ctx.logpdf)
    if (found is None or found.held) and ctx.logpdf.has(sp.cos, sp.sin):  # κ cos(x − μ) holds μ; expanded, not
        expanded = _detect(ctx, sp.expand(ctx.logpdf, trig=True), trig=True)
        if expanded is not None and (found is None or len(expanded.held) < len(found.held)):
            found = expanded
    return found


def _detect(ctx, logpdf: sp.Expr, trig: bool = False) -> ExpFamily | None:
    if ctx.support_depends_on_params:
        return None
    params = set(ctx.params)
    terms = linear_terms(logpdf, ctx.data)
    # R: the parameters inside a data-dependent factor (log Γ(k₀ + Σx), x^k); at fixed θ_R such a factor is a
    # statistic (with a coefficient in θ_S) or a part of the carrier h
    held = {p for _, atom in terms for p in atom.free_symbols & params}
    stats, naturals, A = [], [], sp.Integer(0)
    for coeff, atom in terms:
        if atom == 1:
            A -= coeff
        elif coeff.free_symbols & (params - held):
            j = next((j for j, eta in enumerate(naturals) if sp.cancel(coeff / eta).is_number), None)
            if j is None:
                stats.append(atom)
                naturals.append(coeff)
            else:  # the same natural parameter: one statistic, (a − 1)(log x + log(2 − x)) of the Topp–Leone law
                stats[j] += sp.cancel(coeff / naturals[j]) * atom
    free = [p for p in ctx.params if p not in held]
    m = len(stats)
    if m == 0 or m > len(free):
        return None
    J = sp.Matrix(m, len(free), lambda j, i: sp.diff(naturals[j], free[i]))
    for cols in itertools.combinations(range(len(free)), m):
        block = J.extract(list(range(m)), list(cols))
        # a rational block: factor decides det = 0 exactly; functions (cos² + sin² = 1) need simplify
        tidy = sp.simplify if block.atoms(sp.Function) else sp.factor
        det = tidy(block.det())
        if det == 0 or det.is_zero:
            continue
        jinv = block.inv().applyfunc(tidy)  # rows: chosen params, cols: j  (∂θ_i/∂η_j)
        return ExpFamily(tuple(stats), tuple(naturals), A, tuple(free[c] for c in cols), jinv, trig,
                         tuple(p for p in ctx.params if p in held))
    return None


def _lower_bessel(e: sp.Expr) -> sp.Expr:
    """Modified Bessel functions of integer order ≥ 2 rewritten through I₀ and I₁.

    I_n(z) = I_{n−2}(z) − 2(n − 1)/z · I_{n−1}(z), so results read like the literature's
    A(κ) = I₁(κ)/I₀(κ) (derivatives of log I₀ bring in I₂, I₃, ...).
    """
    def lower(b):
        n, z = b.args
        if n.is_Integer and n >= 2:
            return _lower_bessel(sp.besseli(n - 2, z) - 2 * (n - 1) / z * sp.besseli(n - 1, z))
        return b

    return e.replace(lambda b: isinstance(b, sp.besseli), lower) if e.has(sp.besseli) else e


def _powers(e: sp.Expr) -> dict[sp.Expr, sp.Expr]:
    return {b: x for b, x in e.as_powers_dict().items() if x != 0}


def decompose(atom: sp.Expr, stats: tuple[sp.Expr, ...]) -> tuple[int, ...] | None:
    """Indices (j1, j2, ...) with T_j1·T_j2·… == atom, or ``None``."""
    target = _powers(atom)
    vecs = [_powers(t) for t in stats]

    def sub(a: Mapping, b: Mapping) -> dict | None:
        out = dict(a)
        for k, v in b.items():
            have = sp.sympify(out.get(k, 0))
            left = have - v
            # the remaining exponent must shrink towards 0 without changing sign (x⁻² = x⁻¹·x⁻¹, x^{2k} = x^k·x^k)
            ratio = left / have if have != 0 else None
            if not (left == 0 or (ratio is not None and ratio.is_number and 0 < ratio < 1)):
                return None
            if left == 0:
                out.pop(k, None)
            else:
                out[k] = left
        return out

    def search(rest: dict, start: int, depth: int) -> tuple[int, ...] | None:
        if not rest:
            return ()
        if depth == MAX_DEGREE:
            return None
        for j in range(start, len(vecs)):
            left = sub(rest, vecs[j])
            if left is not None:
                tail = search(left, j, depth + 1)
                if tail is not None:
                    return (j, *tail)
        return None

    return search(target, 0, 0)


def moment(engine, fam: ExpFamily, idx: tuple[int, ...]) -> sp.Expr:
    """E[T_idx[0] · T_idx[1] · …] by the recursion above (memoized)."""
    idx = tuple(sorted(idx))
    if not idx:
        return sp.Integer(1)
    key = ("expfamily-moment", idx)
    if key in engine.memo:
        return engine.memo[key]
    j, rest = idx[0], idx[1:]
    inner = moment(engine, fam, rest)
    value = sp.together(_lower_bessel(fam.d(j, inner) + fam.d(j, fam.log_partition) * inner))
    engine.memo[key] = value
    return value


def family(engine) -> ExpFamily | None:
    """The detected structure, memoized; ``None`` also when detecting it runs past the atom time limit
    (inverting a large symbolic Jacobian ∂η/∂θ, e.g. a 16×16 precision matrix)."""
    def bounded() -> ExpFamily | None:
        try:
            return engine.hard(detect, engine.ctx)
        except BudgetExceeded:
            return None

    return engine.cached("expfamily", bounded)


@register("exponential-family", "expression")
def whole_expression(engine, f: sp.Expr) -> Expectation | None:
    fam = family(engine)
    if fam is None:
        return None
    total = sp.Integer(0)
    if fam.trig:
        f = sp.expand(f, trig=True)
    f, stats = _through_sums(f, fam.stats)
    if f is None:
        return None
    for coeff, atom in linear_terms(f, (*engine.ctx.data, *stats)):
        if atom == 1:
            total += coeff
            continue
        idx = decompose(atom, stats)
        if idx is None:
            return None
        total += coeff * moment(engine, fam, idx)
    return Expectation(total, ("exponential-family",), detail=_description(engine, fam))


def _through_sums(f: sp.Expr, stats: tuple[sp.Expr, ...]) -> tuple[sp.Expr | None, tuple[sp.Expr, ...]]:
    """f with each statistic that is a sum, T = Σ c_k u_k(x), written as a symbol, and the statistics with those
    symbols: u₁ = (T − Σ_{k>1} c_k u_k)/c₁ substituted, the other u_k must cancel (f sees x through T only: the
    score of the Topp–Leone law, 1/a + log x + log(2 − x)). None when one does not cancel."""
    out = list(stats)
    for j, t in enumerate(stats):
        if not isinstance(t, sp.Add):
            continue
        symbol = sp.Dummy(f"T{j}")
        c, first = t.args[0].as_coeff_Mul()
        rest = t - t.args[0]
        f = sp.expand(f.xreplace({first: (symbol - rest) / c}))
        if any(f.has(u) for u in (first, *(term.as_coeff_Mul()[1] for term in sp.Add.make_args(rest)))):
            return None, stats
        out[j] = symbol
    return f, tuple(out)


@register("exponential-family", "atom")
def exponential_family_atom(engine, g: sp.Expr) -> Expectation | None:
    fam = family(engine)
    if fam is None:
        return None
    if g == 1:
        return Expectation(sp.Integer(1), ("exponential-family",))
    idx = decompose(g, fam.stats)
    if idx is None:
        return None
    return Expectation(moment(engine, fam, idx), ("exponential-family",), detail=_description(engine, fam))


ETA, STAT, LOG_PARTITION = sp.Symbol("η"), sp.Symbol("T"), sp.Symbol("A")


def _description(engine, fam: ExpFamily) -> Note:
    """The note of every exponential-family result of the model, written once (printing it costs 2 ms; a
    model asks for it once per expectation)."""
    key = ("expfamily-note",)
    if key not in engine.memo:
        engine.memo[key] = _describe(fam, engine.ctx)
    return engine.memo[key]


def _describe(fam: ExpFamily, ctx) -> Note:
    user = ctx.to_user
    pairs = [piece for k, (n, t) in enumerate(zip(fam.naturals, fam.stats))
             for piece in (", " if k else "", eq(ETA, n), ", ", eq(STAT, t.xreplace(user)))]
    held = [piece for k, p in enumerate(fam.held) for piece in (", " if k else " at fixed ", p)]
    expanded = sp.expand(fam.log_partition)  # (k − 1) log λ − log k + log λ as k log λ − log k
    A = expanded if sp.count_ops(expanded) < sp.count_ops(fam.log_partition) else fam.log_partition
    return Note.of("exponential family", *held, " (", *pairs, "; log-partition ", eq(LOG_PARTITION, A), ")",
                   rule="exponential family")
