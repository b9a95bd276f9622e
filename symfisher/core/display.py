"""What a person reads: log p with its logarithms expanded where that is exact, and SymPy's Unicode pretty
form with ψ, ψ′, ψ″ for the polygammas — one rendering for ``print(d)``, the CLI and the proofs.

    >>> import sympy as sp
    >>> x = sp.Symbol("x"); a, b = sp.symbols("a b", positive=True)
    >>> readable_log(sp.log(x**(a - 1) * (1 - x)**(b - 1) / sp.beta(a, b)), {x: sp.Interval(0, 1)})
    (a - 1)*log(x) + (b - 1)*log(1 - x) - log(beta(a, b))
    >>> pretty(sp.polygamma(1, a) - sp.polygamma(1, a + b))
    'ψ′(a) - ψ′(a + b)'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import sympy as sp

from symfisher.core.special_forms import cancelled_polygammas
from symfisher.core.note import ExpectedValue, written_set

if TYPE_CHECKING:
    from symfisher.core.derivation import Derivation
    from symfisher.core.model import Model

_PSI = {0: "ψ", 1: "ψ′", 2: "ψ″", 3: "ψ‴"}
_MAX_OPS = 200  # a log argument larger than this is left as written (factor could take long)


def readable_logpdf(model: Model) -> sp.Expr:
    """log p as a person would write it: :func:`readable_log` on the model's support and parameter domains."""
    return readable_log(model.logpdf, {**model.domain_map, **model.support_map})


def readable_log(expr: sp.Expr, ranges: Mapping[sp.Symbol, sp.Set]) -> sp.Expr:
    """``expr`` with each logarithm of a product or power expanded where that is exact on the interiors of
    ``ranges`` (every argument after expansion proved positive there), and its constant logarithms with one
    coefficient merged: log((1 − x)^(b−1)) → (b − 1)·log(1 − x) on x ∈ (0, 1), −log(2)/2 − log(π)/2 → −log(2π)/2;
    never log(y²) → 2·log(y) for a real y; log Γ(b + n) − log Γ(b) → Σ_{j<n} log(b + j) for an integer n ≥ 1 and b > 0
    (a bivariate t's log Γ(ν/2 + 1) − log Γ(ν/2) − log ν is −log 2)."""
    inside = _interior_substitution(ranges)
    expr = _gamma_ratios_as_logs(expr, inside)
    replacements = {}
    for term in expr.atoms(sp.log):
        if not term.free_symbols:  # log(2π) stays as written
            continue
        forced = sp.expand_log(term, force=True)
        if forced == term:
            continue
        arguments = [a.args[0] for a in forced.atoms(sp.log)]
        if all(s.is_real or ranges.get(s, sp.S.Complexes).is_subset(sp.S.Reals) for s in forced.free_symbols) \
                and all(_positive(a, inside) for a in arguments):
            replacements[term] = forced
    return _merged_constant_logs(expr.xreplace(replacements))


def _gamma_ratios_as_logs(expr: sp.Expr, inside: dict) -> sp.Expr:
    """``expr`` with log Γ(b + n) written as log Γ(b) + Σ_{j<n} log(b + j) (n = 1 … 8, b positive on the ranges)
    wherever log Γ(b) appears too, kept only when that makes it shorter (the log Γ(b) terms cancel)."""
    terms = {g.args[0].args[0]: g for g in expr.atoms(sp.log) if isinstance(g.args[0], sp.gamma)}
    rep = {}
    for arg, g in terms.items():
        for base in terms:
            n = sp.expand(arg - base)
            if n.is_Integer and 0 < n <= 8 and _positive(base, inside):
                rep[g] = terms[base] + sp.Add(*(sp.log(base + j) for j in range(int(n))))
                break
    if not rep:
        return expr
    new = set(rep.values())
    out = sp.Add(*(sp.expand_mul(t) if t.has(*new) else t for t in sp.Add.make_args(expr.xreplace(rep))))
    return out if sp.count_ops(out) < sp.count_ops(expr) else expr


def readable_score(expr: sp.Expr) -> sp.Expr:
    """A score entry as printed: polygammas whose arguments differ by integers cancelled where a whole class of them
    goes (:func:`cancelled_polygammas`), then logarithms of quotients with fewer minus signs (:func:`tidy_log_signs`).
    The derivation keeps the score as differentiated."""
    return tidy_log_signs(cancelled_polygammas(expr))


def tidy_log_signs(expr: sp.Expr) -> sp.Expr:
    """Each logarithm of a quotient n/d written as (−n)/(−d) where that has fewer negative terms: log(−u/(u − 1)),
    as SymPy leaves the logit's derivative, → log(u/(1 − u)) (the same value)."""
    def negatives(*parts: sp.Expr) -> int:
        return sum(t.could_extract_minus_sign() for p in parts for t in sp.Add.make_args(sp.expand(p)))

    def flipped(term: sp.log) -> sp.Expr:
        n, d = sp.fraction(term.args[0])
        if d == 1 or negatives(-n, -d) >= negatives(n, d):
            return term
        return sp.log(sp.Mul(sp.expand(-n), sp.Pow(sp.expand(-d), -1), evaluate=False))

    return expr.replace(lambda e: isinstance(e, sp.log), flipped)


def _merged_constant_logs(expr: sp.Expr) -> sp.Expr:
    """c·log(m) + c·log(n) → c·log(m·n) for the constant terms of a sum that share one rational coefficient."""
    terms = sp.Add.make_args(expr)
    constant = [t.as_coeff_Mul() for t in terms if not t.free_symbols and t.has(sp.log)]
    if len(constant) < 2 or len({c for c, _ in constant}) > 1 or not all(isinstance(f, sp.log) for _, f in constant):
        return expr
    coefficient = constant[0][0]
    merged = coefficient * sp.log(sp.Mul(*(f.args[0] for _, f in constant)), evaluate=False)
    return sp.Add(*(t for t in terms if t.free_symbols or not t.has(sp.log)), merged)


def _interior_substitution(ranges: Mapping[sp.Symbol, sp.Set]) -> dict:
    """Each symbol with an interval range written through a positive dummy t, so that positivity on the
    interval's interior is an assumption: (a, b) ∋ (a + b t)/(1 + t), (a, ∞) ∋ a + t."""
    out = {}
    for s, r in ranges.items():
        if not isinstance(r, sp.Interval) or r == sp.S.Reals:
            continue
        t = sp.Dummy("t", positive=True)
        lo, hi = r.inf, r.sup
        if lo.is_finite and hi.is_finite:
            out[s] = (lo + hi * t) / (1 + t)
        elif lo.is_finite:
            out[s] = lo + t
        elif hi.is_finite:
            out[s] = hi - t
    return out


def _positive(expr: sp.Expr, inside: dict) -> bool:
    if expr.is_positive:
        return True
    if sp.count_ops(expr) > _MAX_OPS:
        return False
    if expr.has(sp.beta, sp.binomial, sp.factorial):  # Γ(a)Γ(b)/Γ(a + b): SymPy knows Γ's sign, not B's
        expr = expr.rewrite(sp.gamma)
    return bool(sp.factor(sp.together(expr.xreplace(inside))).is_positive)


def _printer_class():
    from sympy.printing.pretty.pretty import PrettyPrinter

    class TerminalPrinter(PrettyPrinter):
        """SymPy's Unicode pretty printer with ψ, ψ′, ψ″ for polygamma, log Γ for loggamma and E[g] for an expectation."""

        def _print_polygamma(self, e):
            order, arg = e.args
            if not (order.is_Integer and int(order) in _PSI):
                return self._print_Function(e)
            return self._helper_print_function(e.func, (arg,), func_name=_PSI[int(order)])

        def _print_loggamma(self, e):
            return self._print_Function(e, func_name="log Γ")

        def _print_ExpectedValue(self, e):
            from sympy.printing.pretty.stringpict import prettyForm

            return prettyForm(*prettyForm(*self._print(e.args[0]).parens("[", "]")).left("E"))

    return TerminalPrinter


def pretty(expr) -> str:
    """``expr`` in SymPy's Unicode pretty form, with ψ′(a) for polygamma(1, a)."""
    from sympy.printing.pretty.pretty_symbology import pretty_use_unicode

    printer = _printer_class()({"use_unicode": True})
    flag = pretty_use_unicode(True)
    try:
        return printer.doprint(expr)
    finally:
        pretty_use_unicode(flag)


def labelled(label: str, expr) -> str:
    """``label`` followed by the pretty form of ``expr``, the label on the expression's baseline."""
    from sympy.printing.pretty.pretty_symbology import pretty_use_unicode
    from sympy.printing.pretty.stringpict import prettyForm

    printer = _printer_class()({"use_unicode": True})
    flag = pretty_use_unicode(True)
    try:
        return prettyForm(*prettyForm(label).right(printer._print(expr))).render(wrap_line=False)
    finally:
        pretty_use_unicode(flag)


def render(d: Derivation) -> str:
    """The terminal report of a derivation: log p, the score, I(θ), −E[H] (pretty, with ψ′), the verdict."""
    params = d.params
    lines = [f"Model: {d.model.name}    θ = ({', '.join(map(str, params))})", "",
             labelled("log p = ", readable_logpdf(d.model)),
             *(f"Domain: {v.note()}" for v in d.model.inferred_domains), *_constants_line(d.model), "",
             "Score s(θ) = ∇θ log p:"]
    lines += [labelled(f"  ∂/∂{pretty(p)}: ", readable_score(e)) for p, e in zip(params, d.score)]
    lines += ["", "Fisher information I(θ) = E[s sᵀ]:", *matrix_lines(d, "fisher"), ""]
    lines += block_lines(d)
    lines += ["−E[H]:", *matrix_lines(d, "neg_expected_hessian"), ""]
    if d.conditions:
        lines.append("Valid for: " + validity(d))
    if d.infinite:
        lines.append("The Fisher information is infinite: E[s_i²] diverges for entries "
                     + ", ".join(f"({i + 1},{i + 1})" for i in range(len(params)) if d.fisher[i, i] == sp.oo))
    lines.append(f"Information equality: {d.equality.status} — {d.equality.reason}")
    return "\n".join(lines)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def matrix_lines(d: Derivation, stage: str) -> list[str]:
    """I(θ) (``stage`` "fisher") or −E[H] ("neg_expected_hessian") for the terminal. An entry with no closed form
    (an integral or series left in it) is named in the matrix, I₁₂ or J₁₂, and stated below it as the expectation it
    is, with its value by quadrature at the first point of the verdict's evidence: the integral itself, pretty-printed,
    took thousands of lines for the skew-normal law."""
    matrix = d.fisher if stage == "fisher" else d.neg_expected_hessian
    k = matrix.rows
    open_cells = [(i, j) for i in range(k) for j in range(i, k) if matrix[i, j].has(sp.Integral, sp.Sum)]
    if not open_cells:
        return [pretty(matrix)]
    named = _open_expectations(d)
    if named and not all(_open_part_named(matrix[cell], d.model.density) is not None for cell in open_cells):
        return _lines_with_names(d, stage, named)
    letter = "I" if stage == "fisher" else "J"
    names = {cell: sp.Symbol(letter + (f"{cell[0] + 1}{cell[1] + 1}" if k < 10 else f"{cell[0] + 1},{cell[1] + 1}")
                             .translate(_SUBSCRIPTS)) for cell in open_cells}
    shown = sp.Matrix(k, k, lambda i, j: names.get((min(i, j), max(i, j)), matrix[i, j]))
    value, at_point = evidence_values(d, stage)
    point = _point_text(at_point)
    p = d.params
    lines = [pretty(shown)]
    for i, j in open_cells:
        below = f"∂{p[i]}²" if i == j else f"∂{p[i]}∂{p[j]}"
        what = f"E[s_{p[i]} s_{p[j]}]" if stage == "fisher" else f"−E[∂²log p/{below}]"
        at = f"; ≈ {value[(i, j)]:.6g} at {point} (quadrature)" if (i, j) in value else ""
        part = _open_part_named(matrix[i, j], d.model.density)
        if part is not None:  # a closed form around one expectation: ψ′(r) − E[ψ′(k + r)]
            (left,) = part.atoms(ExpectedValue)
            lines.append(f"  {names[(i, j)]} = {what} = {_closed_part_first(part)}: no closed form for "
                         f"{pretty(left)}{at}")
            continue
        lines.append(f"  {names[(i, j)]} = {what}: no closed form{at}")
    if stage == "fisher":
        lines.append(QUADRATURE_NOTE)
    return lines


QUADRATURE_NOTE = "  (the numeric functions, d.lambdify() or symfisher export, evaluate them by quadrature at any θ)"
MAX_NAMED = 4  # more open expectations than this: each entry is named instead (I₁₂ = E[s_a s_b]: no closed form)


def _open_expectations(d: Derivation) -> dict[sp.Expr, tuple[sp.Symbol, sp.Expr]]:
    """Each series or integral left open in I(θ) and −E[H], of g·p, → (ε_k, g), numbered in the order the entries
    hold them; {} where one is not E[g] of a g free of series and integrals, where there are more than
    :data:`MAX_NAMED`, or where every open entry is one of them alone (then it is its own name: I₁₁ = E[s_r s_r])."""
    cells = [m[i, j] for m in (d.fisher, d.neg_expected_hessian) for i in range(m.rows) for j in range(i, m.rows)]
    ordered = list(dict.fromkeys(a for e in cells for a in sp.ordered(e.atoms(sp.Integral, sp.Sum))))
    if not ordered or len(ordered) > MAX_NAMED or all(e in ordered for e in cells if e.has(sp.Integral, sp.Sum)):
        return {}
    found = {}
    for k, one in enumerate(ordered, 1):
        g = sp.powsimp(one.function / d.model.density, combine="exp")  # e^{−μ}·e^{μ} of a series' terms: 1
        if g.has(sp.Integral, sp.Sum):
            return {}
        name = "ε" + (str(k).translate(_SUBSCRIPTS) if len(ordered) > 1 else "")
        found[one] = (sp.Symbol(name), g)
    return found


def _lines_with_names(d: Derivation, stage: str, named: dict) -> list[str]:
    """The matrix in full with its open expectations written ε_k, each stated below it as E[g] with its value at the
    first point of the verdict's evidence, solved from the entries there (they are linear in the ε_k)."""
    matrix = d.fisher if stage == "fisher" else d.neg_expected_hessian
    shown = matrix.xreplace({one: name for one, (name, _) in named.items()})
    lines = [pretty(shown)]
    here = [one for one in named if matrix.has(one)]
    before = [] if stage == "fisher" else [one for one in here if d.fisher.has(one)]
    values, point = _expectation_values(d, stage, shown, [named[one][0] for one in here])
    for one in here:
        name, g = named[one]
        if one in before:
            continue
        lines.append(labelled(f"  {name} = ", ExpectedValue(g)))
        value = values.get(name)
        at = f"; ≈ {value:.6g} at {point} (quadrature)" if value is not None else ""
        lines.append(f"  no closed form for {name}{at}")
    if before:
        lines.append(f"  ({', '.join(str(named[one][0]) for one in before)} as above)")
    if stage == "fisher":
        lines.append(QUADRATURE_NOTE)
    return lines


def _expectation_values(d: Derivation, stage: str, shown: sp.Matrix, names: list[sp.Symbol]) -> tuple[dict, str]:
    """The ε_k at the first evidence point, by least squares from the entries' values there (entry = A + Σ B_k ε_k);
    ({}, "") where the entries are not linear in them or do not determine them."""
    import numpy as np

    value, at_point = evidence_values(d, stage)
    rows, rhs = [], []
    for (i, j), v in value.items():
        entry = shown[i, j].subs(at_point)
        if not entry.free_symbols & set(names):
            continue
        if any(sp.diff(entry, a, b) != 0 for a in names for b in names):
            return {}, ""
        rows.append([float(sp.diff(entry, n)) for n in names])
        rhs.append(v - float(entry.subs({n: 0 for n in names})))
    if not rows or np.linalg.matrix_rank(np.array(rows)) < len(names):
        return {}, ""
    solved = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0]
    return dict(zip(names, map(float, solved))), _point_text(at_point)


def _point_text(point: Mapping) -> str:
    """"a = 3.331, s = 2.754": a parameter point as the report states it."""
    return ", ".join(f"{s} = {float(v):.4g}" for s, v in point.items())


def _open_part_named(entry: sp.Expr, density: sp.Expr) -> sp.Expr | None:
    """The entry with its one series or integral of g·p written E[g], where that leaves more than E[g] on one line;
    else ``None``."""
    series = entry.atoms(sp.Sum, sp.Integral)
    if len(series) != 1:
        return None
    (one,) = series
    g = one.function / density
    if g.has(sp.Sum, sp.Integral):
        return None
    shown = entry.xreplace({one: ExpectedValue(g)})
    return None if isinstance(shown, ExpectedValue) or "\n" in pretty(shown) else shown


def _closed_part_first(expr: sp.Expr) -> str:
    """``expr`` on one line with its terms free of E[·] first: ψ′(r) − E[ψ′(k + r)], as the literature writes it."""
    terms = sp.Add.make_args(expr)
    closed = sp.Add(*(t for t in terms if not t.has(ExpectedValue)))
    rest = sp.Add(*(t for t in terms if t.has(ExpectedValue)))
    if closed == 0:
        return pretty(expr)
    if rest.could_extract_minus_sign():
        return f"{pretty(closed)} − {pretty(-rest)}"
    return f"{pretty(closed)} + {pretty(rest)}"


def evidence_values(d: Derivation, stage: str) -> tuple[dict[tuple[int, int], float], dict]:
    """The entries' values at the first point of the verdict's evidence (the upper triangle, or the whole matrix,
    row by row), and that point; ({}, {}) without evidence."""
    k = len(d.params)
    for evidence in d.equality.evidence:
        values = evidence.left if stage == "fisher" else evidence.right
        if len(values) == k * (k + 1) // 2:
            cells = [(i, j) for i in range(k) for j in range(i, k)]
        elif len(values) == k * k:
            cells = [(i, j) for i in range(k) for j in range(k)]
        else:
            continue
        return {cell: float(v) for cell, v in zip(cells, values)}, dict(evidence.point)
    return {}, {}


def _constants_line(model) -> list[str]:
    """["Constants: tau ∈ (0, 1)"] for the known constants with a declared domain (none: [])."""
    declared = [(c, dom) for c, dom in model.domain if c in model.constants]
    return [f"Constants: {', '.join(f'{c} ∈ {written_set(dom)}' for c, dom in declared)}"] if declared else []


def validity(d: Derivation) -> str:
    """Where the closed forms hold: "k > 1", or per matrix where they differ ("I(θ) for k > 1/2; −E[H] for k > 1":
    the generalized normal's E[s²] converges for k > 1/2, its −E[H] has no point mass only for k > 1)."""
    def joined(conditions) -> str:
        return " and ".join(sp.sstr(c) for c in conditions)

    per = {"I(θ)": d.conditions_of("fisher"), "−E[H]": d.conditions_of("neg_expected_hessian")}
    if per["I(θ)"] == per["−E[H]"]:
        return joined(d.conditions)
    return "; ".join(f"{name} for {joined(cs)}" if cs else f"{name} everywhere" for name, cs in per.items())


def block_lines(d: Derivation) -> list[str]:
    """I(θ) by the model's named parameter groups (upper blocks), nothing for a model without groups."""
    groups = d.model.param_groups
    if not groups:
        return []
    names = [g for g, _ in groups]
    blocks = d.blocks()
    lines = ["I(θ) by blocks (" + "; ".join(f"{g}: {', '.join(map(str, ps))}" for g, ps in groups) + "):"]
    for n, a in enumerate(names):
        for b in names[n:]:
            block = blocks[(a, b)]
            text = "0" if block.is_zero_matrix else pretty(block)
            lines += [f"  I[{a}, {b}] =", *("    " + line for line in text.splitlines())]
    return lines + [""]
