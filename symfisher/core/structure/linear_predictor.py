"""Linear predictors: log p(x | θ) = g(x, φ) with φ = Jθ linear, so I_θ = Jᵀ I_φ J.

A GLM's log-likelihood depends on its p coefficients β only through η = zᵀβ; its Fisher
information is then z zᵀ · I_ηη(η), one scalar expectation instead of p(p + 1)/2 of them. Because
φ is linear in θ, the Hessian maps exactly too: H_θ = Jᵀ H_φ J (the chain-rule term
Σ_k ∂g/∂φ_k · ∇²φ_k vanishes), and so do the score and its mean: s_θ = Jᵀ s_φ.

:func:`find_linear_predictors` looks for such forms η = Σ a_i θ_i (coefficients free of θ and of the
data, at least two parameters) among the sums inside log p, substitutes one parameter to remove the
others, and keeps a form only when that leaves no trace of the block's parameters: the identity
log p(x | θ) = g(x, η(θ), …) then holds by construction, and it is checked again at random points.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

from symfisher.core.note import Note, eq
from symfisher.core.structure.kronecker import kronecker_layout
from symfisher.core.points import domain_of, draw

__all__ = ["LinearPredictors", "find_linear_predictors"]

MIN_BLOCK = 2  # a form in one parameter saves nothing


@dataclass(frozen=True)
class LinearPredictors:
    """log p(x | θ) = g(x, φ), φ = (η_1, …, η_m, the other parameters), φ = Jθ.

    Attributes:
        symbols: The new parameters φ (the predictors η_g first, then the parameters kept).
        forms: φ in terms of θ (η_g = Σ a_i θ_i; a kept parameter maps to itself).
        jacobian: J = ∂φ/∂θ, free of θ and of the data.
        logpdf: g, log p with the predictors as parameters.
        density: p with the predictors as parameters.
    """

    symbols: tuple[sp.Symbol, ...]
    forms: tuple[sp.Expr, ...]
    jacobian: sp.ImmutableMatrix
    logpdf: sp.Expr
    density: sp.Expr

    @property
    def back(self) -> dict[sp.Symbol, sp.Expr]:
        """η_g → Σ a_i θ_i (to write reduced results in the original parameters)."""
        return {s: f for s, f in zip(self.symbols, self.forms) if s != f}

    def describe(self) -> Note:
        """One line for the proof: the predictors and the chain rule used."""
        etas = [piece for k, (s, f) in enumerate(self.back.items()) for piece in (" and " if k else "", eq(s, f))]
        layout = kronecker_layout(self.jacobian)
        if layout is None:
            jacobian = Note.of(eq(sp.Symbol("J"), self.jacobian))
        else:  # J = I ⊗ cᵀ written out would be m·k entries, almost all zero
            c, swap = layout
            product = "c-transpose ⊗ I" if swap else "I ⊗ c-transpose"
            jacobian = Note.of(f"J = {product} (I the {len(self.symbols)}×{len(self.symbols)} identity), ",
                               eq(sp.Symbol("c"), c))
        return Note.of("log p depends on the parameters only through the linear predictor ", *etas,
                       "; chain rule with ", jacobian, ": each matrix is J-transpose times "
                       "the reduced model's matrix times J", rule="chain rule")


def _linear_form(terms: list[sp.Expr], params: set[sp.Symbol], data: set[sp.Symbol]) -> sp.Expr | None:
    """Σ a_i θ_i when ``terms`` (the θ-dependent terms of a sum) are linear in θ with θ- and data-free a_i."""
    form = sp.Add(*terms)
    block = form.free_symbols & params
    if len(block) < MIN_BLOCK:
        return None
    coeffs = _term_by_term(terms, params, data)
    if coeffs is not None:  # each term a_i θ_i: no derivative or expansion needed (180 weights of a softmax)
        _, form = sp.Add(*[c * p for p, c in coeffs.items()]).as_content_primitive()
        return -form if form.could_extract_minus_sign() else form
    coeffs = {}
    for p in block:
        c = sp.diff(form, p)
        if c == 0 or c.free_symbols & (params | data):
            return None
        coeffs[p] = c
    if sp.expand(form - sum(c * p for p, c in coeffs.items())) != 0:
        return None
    _, form = form.as_content_primitive()  # 2β₀ + 2β₁z → β₀ + β₁z, and no leading minus sign
    return -form if form.could_extract_minus_sign() else form


def _term_by_term(terms: list[sp.Expr], params: set[sp.Symbol], data: set[sp.Symbol]) -> dict | None:
    """{θ_i: a_i} when every term is a_i·θ_i with one parameter θ_i and a θ- and data-free a_i, else ``None``."""
    coeffs: dict[sp.Symbol, sp.Expr] = {}
    for t in terms:
        c, p = t.as_independent(*params, as_Add=False)
        if p not in params or c.free_symbols & (params | data):
            return None
        coeffs[p] = coeffs.get(p, 0) + c
    return coeffs if all(c != 0 for c in coeffs.values()) else None


def _candidates(logpdf: sp.Expr, params: set[sp.Symbol], data: set[sp.Symbol]) -> list[sp.Expr]:
    """Linear forms in ≥ 2 parameters found among the sums of ``logpdf``, largest first."""
    seen: dict[sp.Expr, None] = {}
    for node in sp.preorder_traversal(logpdf):
        if not node.is_Add:
            continue
        terms = [t for t in node.args if t.free_symbols & params]
        form = _linear_form(terms, params, data)
        if form is not None:
            seen[form] = None
    return sorted(seen, key=lambda f: (-len(f.free_symbols & params), sp.default_sort_key(f)))


def _pivot(form: sp.Expr, block: list[sp.Symbol]) -> sp.Symbol:
    """The parameter to solve for: a numeric coefficient if there is one (no division by a covariate)."""
    coeffs = _term_by_term(list(sp.Add.make_args(form)), set(block), set()) or {}
    numeric = [p for p in block if (coeffs[p] if p in coeffs else sp.diff(form, p)).is_number]
    return (numeric or block)[0]


def _eliminate(expr: sp.Expr, form: sp.Expr, eta: sp.Symbol, params: set[sp.Symbol]) -> sp.Expr | None:
    """``expr`` with ``form`` replaced by ``eta``, or ``None`` when the block's parameters stay."""
    block = sorted(form.free_symbols & params, key=str)
    out = expr.xreplace({form: eta})  # where the form is written as it is (η inside exp(η) and y·η)
    if not out.free_symbols & set(block):
        return out
    pivot = _pivot(form, block)
    coeff = sp.diff(form, pivot)
    solved = (eta - (form - coeff * pivot)) / coeff
    out = expr.subs(pivot, solved)
    if out.free_symbols & set(block):
        out = sp.expand(out, power_exp=False, power_base=False, log=False, multinomial=False, mul=True)
    return None if out.free_symbols & set(block) else out


def _agrees(original: sp.Expr, reduced: sp.Expr, back: dict[sp.Symbol, sp.Expr], seed: int = 17) -> bool:
    """log p and g(η(θ)) agree at two random points (a guard on the substitution)."""
    rng = random.Random(seed)
    restored = reduced.xreplace(back)
    syms = sorted(original.free_symbols | restored.free_symbols, key=str)
    for _ in range(2):
        point = {s: draw(domain_of(s), rng, bool(s.is_integer)) for s in syms}
        try:
            a, b = complex(sp.N(original.xreplace(point), 20)), complex(sp.N(restored.xreplace(point), 20))
        except (TypeError, ValueError, ZeroDivisionError):
            return False
        if abs(a - b) > 1e-12 * max(1.0, abs(a)):
            return False
    return True


def _fresh(name: str, taken: set[str], **assumptions) -> sp.Symbol:
    while name in taken:
        name += "_"
    taken.add(name)
    return sp.Symbol(name, **assumptions)


def find_linear_predictors(logpdf: sp.Expr, density: sp.Expr, params: tuple[sp.Symbol, ...],
                           data: tuple[sp.Symbol, ...], support_symbols: set[sp.Symbol] = frozenset()
                           ) -> LinearPredictors | None:
    """The linear predictors of a log-density, or ``None`` when it has none (or the support uses them).

    >>> y, z, b0, b1 = sp.symbols("y z beta0 beta1", real=True)
    >>> eta = b0 + b1 * z
    >>> lp = find_linear_predictors(y * eta - sp.log(1 + sp.exp(eta)), sp.Integer(1), (b0, b1), (y,))
    >>> lp.logpdf, lp.jacobian
    (eta*y - log(exp(eta) + 1), Matrix([[1, z]]))
    """
    pset, dset = set(params), set(data)
    taken = {s.name for s in logpdf.free_symbols | density.free_symbols}
    g, dens, etas, forms = logpdf, density, [], []
    while True:
        remaining = pset - set().union(*(f.free_symbols for f in forms)) if forms else pset
        found = False
        for form in _candidates(g, remaining, dset):
            if form.free_symbols & support_symbols:
                continue
            real = all(s.is_real for s in form.free_symbols)
            eta = _fresh("eta" if not etas else f"eta{len(etas) + 1}", taken, real=real or None,
                         positive=form.is_positive or None)
            g_new = _eliminate(g, form, eta, remaining)
            d_new = _eliminate(dens, form, eta, remaining) if dens.free_symbols & remaining else dens
            if g_new is None or d_new is None:
                continue
            g, dens, found = g_new, d_new, True
            etas.append(eta)
            forms.append(form)
            break
        if not found:
            break
    if not etas:
        return None
    if len(etas) > 1 and etas[0].name == "eta":  # name them eta1, eta2, … when there are several
        rename = {etas[0]: _fresh("eta1", taken, **etas[0].assumptions0)}
        g, dens = g.xreplace(rename), dens.xreplace(rename)
        etas[0] = rename[etas[0]]
    kept = [p for p in params if not any(p in f.free_symbols for f in forms)]
    symbols = (*etas, *kept)
    all_forms = (*forms, *kept)
    back = dict(zip(etas, forms))
    if not _agrees(logpdf, g, back):
        return None
    jac = sp.ImmutableMatrix([[sp.diff(f, p) if p in f.free_symbols else 0 for p in params] for f in all_forms])
    return LinearPredictors(tuple(symbols), tuple(all_forms), jac, g, dens)
