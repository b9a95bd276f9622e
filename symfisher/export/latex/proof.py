r"""The proof as a list of blocks, built from :attr:`Derivation.steps` (shared by LaTeX and Markdown).

The model (density, support, parameter domain), the log-likelihood ℓ(θ) = log p(x | θ), the score
s = ∇θ ℓ, the Hessian H = ∇²θ ℓ, every expectation with the strategy that produced it and its
intermediate result (a :class:`~symfisher.core.note.Note`, typeset from its parts), the Fisher
information both as I(θ) = E[s sᵀ] and as J(θ) = −E[H], and the verdict on I(θ) = J(θ).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import sympy as sp

from symfisher.core.derivation import BY_ANTIDERIVATIVE, BY_NORMALIZATION, BY_RESIDUAL, BY_SHARED_PARTS
from symfisher.core.display import evidence_values
from symfisher.export.latex.appendix import appendix_blocks
from symfisher.export.latex.blocks import (Block, Display, Seg, formula, join_names, label_prefix, model_symbols,
                                           note_segments, prose)
from symfisher.export.latex.layout import LINE_EM, tex_width
from symfisher.export.latex.printer import euler_constant_beside, euler_constant_latex, math_latex
from symfisher.export.latex.text import escape_text, latex_name

if TYPE_CHECKING:  # pragma: no cover
    from symfisher.core.derivation import Derivation

__all__ = ["Proof", "proof_blocks", "title"]

OPEN_ENTRY_LINES = 2  # an entry with no closed form longer than this many display lines is named, not printed


def _strategy_text(strategy: str) -> str:
    parts = [p for p in str(strategy).split("+") if p]
    return ", ".join(parts) if parts else "algebra"


class Proof:
    """Builds the block list of a proof from a derivation (shared by LaTeX and Markdown)."""

    def __init__(self, d: Derivation):
        self.d = d
        self.m = d.model
        self.p = d.params
        self.k = len(self.p)
        self.pre = label_prefix(self.m.name)
        self.blocks: list[Block] = []
        self.seen: dict[tuple[str, str], str] = {}
        self.first_open = ""  # the label of the first entry shown by name (no closed form)
        self.pn = [latex_name(s.name) for s in self.p]

    # -- helpers
    def h(self, text: str, level: int = 1, inline: Sequence[Seg] | None = None) -> None:
        self.blocks.append(Block(f"h{level}", tuple(inline or [prose(text)])))

    def para(self, *segs: Seg) -> None:
        self.blocks.append(Block("p", tuple(segs)))

    def eq(self, *parts: str, label: str = "", matrix=()) -> None:
        self.blocks.append(Block("eq", eq=Display(tuple(parts), self.pre + label if label else "", True,
                                                  tuple(tuple(r) for r in matrix))))

    def items(self, rows: Sequence[Sequence[Seg]]) -> None:
        self.blocks.append(Block("items", items=tuple(tuple(r) for r in rows)))

    def sub(self, i: int, j: int | None = None) -> str:
        return "{" + join_names(self.pn[i], self.pn[j]) + "}" if j is not None else "{" + self.pn[i] + "}"

    def strategy_note(self, step, label: str) -> None:
        strat = _strategy_text(step.strategy)
        key = (step.strategy, step.detail)
        segs: list[Seg] = [prose("Strategy "), Seg("e", strat)]
        if key in self.seen:
            segs += [prose(", as for "), Seg("r", self.seen[key]), prose(".")]
        else:
            self.seen[key] = self.pre + label
            if step.detail:
                segs += [prose(": "), *note_segments(step.detail), prose(".")]
            else:
                segs.append(prose("."))
        self.para(*segs)

    # -- sections
    def build(self) -> list[Block]:
        self.model_section()
        self.loglik_section()
        self.regularity_section()
        self.fisher_section("fisher")
        self.fisher_section("neg_expected_hessian")
        self.verdict_section()
        return self.blocks

    def density_lhs(self) -> str:
        data = ", ".join(math_latex(x) for x in self.m.data)
        cond = ", ".join(self.pn)
        if self.m.given:
            return rf"p({data} \mid {', '.join(math_latex(g) for g in self.m.given)};\, {cond})"
        return rf"p({data} \mid {cond})"

    def model_section(self) -> None:
        m = self.m
        self.h("Model")
        kind = "mass function" if m.discrete else "density"
        self.para(*((prose("The model "), Seg("e", str(m.name)), prose(f" has the {kind}")) if named(m.name)
                    else (prose(f"The model has the {kind}"),)))
        self.eq(self.density_lhs(), math_latex(m.density), label="density")
        sup = [formula(f"{math_latex(x)} \\in {math_latex(s)}") for x, s in m.support]
        segs: list[Seg] = [prose("on the support ")]
        for n, s in enumerate(sup):
            segs += ([prose(", ")] if n else []) + [s]
        dom = m.domain_map
        segs += [prose(", with parameter" + ("s " if self.k > 1 else " "))]
        if self.k > 1:
            segs += [formula(r"\theta = (" + ", ".join(self.pn) + ")"), prose(", ")]
        for n, p in enumerate(self.p):
            segs += ([prose(", ")] if n else []) + [
                formula(f"{latex_name(p.name)} \\in {math_latex(dom.get(p, sp.S.Reals))}")]
        segs.append(prose("."))
        self.para(*segs)
        for v in m.inferred_domains:  # validation narrowed a domain read from assumptions
            self.para(prose("The assumptions on "), formula(latex_name(v.param.name)), prose(" allow "),
                      formula(f"{latex_name(v.param.name)} \\in {math_latex(v.assumed)}"),
                      prose(", but the density is negative or not real at "),
                      formula(f"{latex_name(v.param.name)} = {math_latex(v.witness)}"),
                      prose("; validation inferred the domain above, the interval where it is a density."))
        if m.given:
            self.para(prose("The covariates "), formula(", ".join(math_latex(g) for g in m.given)),
                      prose(" are conditioned on (not integrated over)."))
        constants = [(c, d) for c, d in m.domain if c in m.constants]
        if constants:  # known constants left symbolic, with a declared domain (a quantile level τ ∈ (0, 1))
            self.para(prose("The known constant" + ("s " if len(constants) > 1 else " ")),
                      formula(", ".join(f"{latex_name(c.name)} \\in {math_latex(d)}" for c, d in constants)),
                      prose(" are not differentiated; the derivation uses their domains." if len(constants) > 1
                            else " is not differentiated; the derivation uses its domain."))
        if m.support_depends_on_params:
            self.para(prose("The support depends on the parameter, so the usual regularity conditions do not hold; "
                            "whether the information equality still holds is decided below."))
        else:
            self.para(prose("The support does not depend on "), formula(r"\theta"), prose("."))
        if m.n_obs != 1:
            self.para(prose("The sample consists of "), formula(math_latex(m.n_obs)),
                      prose(" independent observations; the steps below are for one observation and the "
                            "information of the sample is "), formula(math_latex(m.n_obs)), prose(" times it."))

    def loglik_section(self) -> None:
        steps = self.d.steps
        self.h("Log-likelihood, score and Hessian")
        model_step = next((s for s in steps if s.stage == "model"), None)
        ll = model_step.expr if model_step is not None else self.m.logpdf
        self.para(prose("The log-likelihood of one observation is"))
        self.eq(r"\ell(\theta) = \log " + self.density_lhs(), math_latex(ll), label="loglik")
        self.para(prose("The score "), formula(r"s(\theta) = \nabla_{\theta}\, \ell(\theta)"),
                  prose(" has the components"))
        for s in steps:
            if s.stage == "score" and s.index:
                i = s.index[0]
                self.eq(rf"s_{self.sub(i)} = \frac{{\partial \ell}}{{\partial {self.pn[i]}}}", math_latex(s.expr),
                        label=f"s{i}")
        self.para(prose("and the Hessian "), formula(r"H = \nabla_{\theta}^{2}\, \ell(\theta)"),
                  prose(" has the entries"))
        for s in steps:
            if s.stage == "hessian" and len(s.index) == 2:
                i, j = s.index
                den = rf"\partial {self.pn[i]}^{{2}}" if i == j else rf"\partial {self.pn[i]}\, \partial {self.pn[j]}"
                self.eq(rf"H_{self.sub(i, j)} = \frac{{\partial^{{2}} \ell}}{{{den}}}", math_latex(s.expr),
                        label=f"h{i}{j}")

    def regularity_section(self) -> None:
        self.h("Regularity: the mean of the score")
        for s in self.d.steps:
            if s.stage == "regularity" and s.index:
                i = s.index[0]
                self.eq(rf"\mathbb{{E}}\left[s_{self.sub(i)}\right]", math_latex(s.expr), label=f"m{i}")
                self.strategy_note(s, f"m{i}")

    def fisher_section(self, stage: str) -> None:
        fisher = stage == "fisher"
        if fisher:
            self.h("Fisher information as the variance of the score", inline=[
                prose("Fisher information as "), formula(r"\mathbb{E}[s s^{\top}]")])
            self.para(prose("Each entry "), formula(r"\mathcal{I}_{ij} = \mathbb{E}[s_i s_j]"),
                      prose(" is an expectation over the data:"))
        else:
            self.h("Fisher information as minus the expected Hessian", inline=[
                prose("Fisher information as "), formula(r"-\mathbb{E}[H]")])
            self.para(prose("Each entry "), formula(r"\mathcal{J}_{ij} = -\mathbb{E}[H_{ij}]"), prose(" is:"))
        letter = r"\mathcal{I}" if fisher else r"\mathcal{J}"
        tag = "f" if fisher else "j"
        values, point = evidence_values(self.d, stage)
        for s in self.d.steps:
            if s.stage == stage and len(s.index) == 2:
                i, j = s.index
                mid = rf"\mathbb{{E}}\left[s_{self.sub(i)}\, s_{self.sub(j)}\right]" if fisher else \
                    rf"-\mathbb{{E}}\left[H_{self.sub(i, j)}\right]"
                tex = math_latex(s.expr)
                if s.expr.has(sp.Integral, sp.Sum) and tex_width(tex) > OPEN_ENTRY_LINES * LINE_EM:
                    self.open_entry(f"{letter}_{self.sub(i, j)}", mid, values.get((i, j)), point, f"{tag}{i}{j}")
                else:
                    self.eq(f"{letter}_{self.sub(i, j)}", mid, tex, label=f"{tag}{i}{j}")
                self.strategy_note(s, f"{tag}{i}{j}")
        matrix = self.d.fisher if fisher else self.d.neg_expected_hessian
        n = self.m.n_obs
        scale = sp.Integer(1) if n == 1 else n
        budget = max(8.0, (LINE_EM - 8) / self.k - 1.2)
        rows = []
        for i in range(self.k):
            row = []
            for j in range(self.k):
                tex = math_latex(sp.expand(matrix[i, j] / scale) if scale != 1 else matrix[i, j])
                if tex_width(tex) > budget or matrix[i, j].has(sp.Integral, sp.Sum):
                    tex = f"{letter}_{self.sub(min(i, j), max(i, j))}"
                row.append(tex)
            rows.append(row)
        lhs = (letter + r"(\theta)") if fisher else (letter + r"(\theta) = -\mathbb{E}[H]")
        if scale != 1:
            self.para(prose("For one observation, in matrix form,"))
        else:
            self.para(prose("In matrix form,"))
        self.eq(lhs if not fisher else lhs + r" = \mathbb{E}[s s^{\top}]", matrix=rows, label=f"{tag}mat")
        if fisher and matrix.has(sp.EulerGamma):
            self.para(prose("Here "), formula(euler_constant_latex() + r" \approx 0.5772"),
                      prose(" is the Euler–Mascheroni constant."))
        if fisher and self.m.param_groups:
            self.block_equations(letter)
        if scale != 1:
            self.para(prose("and for the sample of "), formula(math_latex(n)),
                      prose(" observations the information is "), formula(f"{math_latex(n)}\\, {letter}(\\theta)"),
                      prose("."))

    def open_entry(self, name: str, mid: str, value: float | None, point: dict, label: str) -> None:
        """An entry with no closed form whose integrals would fill lines: named, with its value by quadrature at the
        verdict's first evidence point (the integral stays in the result, and the numeric functions evaluate it)."""
        self.eq(name, mid + (rf" \approx {_num(value)}" if value is not None else ""), label=label)
        if self.first_open:
            self.para(prose("No closed form, as for "), Seg("r", self.first_open), prose("."))
            return
        self.first_open = self.pre + label
        segs: list[Seg] = [prose("No closed form: the expectation stays an integral in the result")]
        if value is not None:
            at = ", ".join(f"{latex_name(str(p))} = {_num(float(v))}" for p, v in point.items())
            segs += [prose("; its value above is by quadrature at "), formula(at)]
        self.para(*segs, prose(", and the numeric functions evaluate it at any parameter value."))

    def block_equations(self, letter: str) -> None:
        """I(θ) by the model's named parameter groups: one display per block on or above the diagonal."""
        groups = self.m.param_groups
        self.para(prose("By blocks of the parameter groups "),
                  *[piece for n, (g, ps) in enumerate(groups) for piece in (
                      prose(("" if n == 0 else "; ") + f"{g}: "), formula(", ".join(math_latex(p) for p in ps)))],
                  prose(":"))
        blocks = self.d.blocks()
        names = [g for g, _ in groups]
        for n, a in enumerate(names):
            for b in names[n:]:
                block = blocks[(a, b)]
                rows = [[math_latex(block[i, j]) for j in range(block.cols)] for i in range(block.rows)]
                lhs = rf"{letter}_{{\text{{{escape_text(a)}}},\,\text{{{escape_text(b)}}}}}"
                if block.is_zero_matrix:
                    self.eq(lhs, "0", label=f"blk{n}{names.index(b)}")
                else:
                    self.eq(lhs, matrix=rows, label=f"blk{n}{names.index(b)}")

    def verdict_section(self) -> None:
        v = self.d.equality
        self.h("The information equality")
        facts = [note_segments(f) for f in v.facts]
        if v.status == "proved":
            self.para(prose("The regularity conditions hold:"))
            if facts:
                self.items(facts)
            self.para(prose("The two forms agree entry by entry:"))
            for i in range(self.k):
                for j in range(i, self.k):
                    entry = self.d.fisher[i, j]
                    middle = () if entry.has(sp.Integral, sp.Sum) else (math_latex(entry),)  # open: by name only
                    self.eq(rf"\mathcal{{I}}_{self.sub(i, j)}", *middle, rf"\mathcal{{J}}_{self.sub(i, j)}",
                            label=f"eq{i}{j}")
            if getattr(v.reason, "rule", "") == BY_SHARED_PARTS.rule:
                why = [prose(" wherever both sides are finite: "), *note_segments(BY_SHARED_PARTS), prose(".")]
            elif v.residual is not None:
                why = [prose(" (the residual simplifies to the zero matrix).")]
            elif getattr(v.reason, "rule", "") in (BY_RESIDUAL.rule, BY_ANTIDERIVATIVE.rule):
                by = BY_RESIDUAL if v.reason.rule == BY_RESIDUAL.rule else BY_ANTIDERIVATIVE
                why = [prose(" wherever both sides are finite: "), *note_segments(by), prose(".")]
            else:
                why = [prose(": "), *note_segments(BY_NORMALIZATION), prose(" (the closed forms agree numerically).")]
            self.para(prose("Hence "), formula(r"\mathcal{I}(\theta) = -\mathbb{E}[H]"),
                      prose(": the information equality is proved"), *why, Seg("raw", r"\hfill$\square$"))
            return
        if v.status == "refuted":
            self.para(prose("The information equality "), formula(r"\mathcal{I}(\theta) = -\mathbb{E}[H]"),
                      prose(" is refuted."))
            if facts:
                self.para(prose("Facts established on the way:"))
                self.items(facts)
            if v.counterexample:
                at = ", ".join(f"{latex_name(str(s))} = "
                               f"{math_latex(sp.nsimplify(val) if isinstance(val, float) else val)}"
                               for s, val in v.counterexample.items())
                self.para(prose("Counterexample: at "), formula(at), prose(" the two matrices differ:"))
                wit = next((e for e in v.evidence if dict(e.point) == dict(v.counterexample)), None)
                if wit is not None:
                    self.evidence_table([wit])
            if self.m.support_depends_on_params:
                self.para(prose("The support depends on the parameter, so differentiation and integration cannot be "
                                "interchanged; the mean score is not zero and the identity fails."))
            return
        self.para(prose("The information equality "), formula(r"\mathcal{I}(\theta) = -\mathbb{E}[H]"),
                  prose(" is inconclusive: "), *note_segments(v.reason), prose("."))
        if facts:
            self.para(prose("Facts established on the way:"))
            self.items(facts)
        if v.evidence:
            self.para(prose("Numeric evidence (not a proof):"))
            self.evidence_table(v.evidence)

    def evidence_table(self, evidence) -> None:
        header = ("point", "entries of I", "entries of J", "max |difference|")
        rows = []
        for e in evidence[:6]:
            at = ", ".join(f"{latex_name(str(s))} = {_num(val)}" for s, val in e.point.items())
            rows.append(((formula(at),), (formula(", ".join(_num(x) for x in e.left)),),
                         (formula(", ".join(_num(x) for x in e.right)),), (formula(_num(e.max_abs_diff)),)))
        self.blocks.append(Block("table", items=header, rows=tuple(rows)))


def _num(value) -> str:
    """A number for display: exact rationals as fractions, floats with 6 significant digits."""
    try:
        if isinstance(value, sp.Basic) and value.is_Rational:
            return math_latex(value)
        f = float(value)
    except (TypeError, ValueError):
        return math_latex(value)
    if math.isnan(f) or math.isinf(f):
        return r"\text{" + str(f) + "}"
    text = f"{f:.6g}"
    if "e" in text:
        mant, ex = text.split("e")
        return rf"{mant} \cdot 10^{{{int(ex)}}}"
    return text


def proof_blocks(d: Derivation, appendix: bool) -> list[Block]:
    """The proof's blocks, then the numeric appendix's when ``appendix``."""
    with euler_constant_beside(model_symbols(d)):
        proof = Proof(d)
        blocks = proof.build()
    if appendix:
        blocks += appendix_blocks(d, proof.pre)
    return blocks


def title(d: Derivation) -> str:
    """The document title: ``Fisher information of the <model> model``, or of "the model" where the name is the
    default or a formula (a density given as text is named by its text, which the proof shows as math)."""
    name = d.model.name
    return f"Fisher information of the {name} model" if named(name) else "Fisher information of the model"


def named(name: str) -> bool:
    """Whether a model's name is a name: not the default ``model``, nor a formula (a density given as text without a
    name is named by its text, cut at 40 characters, which the proof shows as math instead)."""
    return name != "model" and not any(c in _FORMULA_CHARACTERS for c in name)


_FORMULA_CHARACTERS = frozenset("()*/^=")
