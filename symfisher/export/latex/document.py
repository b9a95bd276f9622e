r"""The LaTeX renderer: a standalone proof document (:func:`derivation_to_latex`), the notebook
display (:func:`derivation_repr_latex`, :func:`verdict_to_latex`) and one note (:func:`detail_to_latex`).

Everything written is plain ASCII LaTeX (see :mod:`~symfisher.export.latex.text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

import sympy as sp

from symfisher.core.note import Note
from symfisher.export.latex.appendix import appendix_blocks
from symfisher.export.latex.blocks import Block, Display, Seg, label_prefix, model_symbols, note_segments
from symfisher.export.latex.layout import (LINE_EM, fit_display, fit_inline, layout_lines, matrix_tex, matrix_width,
                                           tex_width)
from symfisher.export.latex.printer import euler_constant_beside, math_latex
from symfisher.export.latex.proof import proof_blocks, title
from symfisher.export.latex.text import escape_code, escape_text, latex_name

if TYPE_CHECKING:  # pragma: no cover
    from symfisher.core.derivation import Derivation
    from symfisher.core.verdict import Verdict

__all__ = ["derivation_to_latex", "derivation_repr_latex", "verdict_to_latex", "detail_to_latex", "PREAMBLE",
           "display_latex", "inline_latex", "render_latex"]


def display_latex(eq: Display) -> str:
    """A displayed equation: one line when it fits, else ``split`` lines broken at top-level sums."""
    env = "equation" if eq.numbered else "equation*"
    label = f"\\label{{{eq.label}}}" if eq.label and eq.numbered else ""
    if eq.matrix:
        mat = matrix_tex(eq.matrix)
        lhs = " = ".join(eq.parts)
        total = tex_width(lhs) + matrix_width(eq.matrix)
        body = f"{lhs} = {mat}"
        if total > LINE_EM + 4:
            body = r"\adjustbox{max width=\dimexpr\linewidth-3em\relax}{$\displaystyle " + body + "$}"
        return f"\\begin{{{env}}}{label}\n  {body}\n\\end{{{env}}}"
    total = sum(tex_width(p) for p in eq.parts) + 1.3 * (len(eq.parts) - 1)
    if total <= LINE_EM:
        return f"\\begin{{{env}}}{label}\n  " + " = ".join(eq.parts) + f"\n\\end{{{env}}}"
    lines = layout_lines(eq.parts)
    indent = tex_width(eq.parts[0]) + 3.0  # left side, "=" or \quad, and some slack
    rows = []
    for left, right in lines:
        op, _, rest = right.partition(" ")
        rows.append(f"  {left} &{op} {fit_display(rest, LINE_EM - indent + 2.0, indent + 0.5)}")
    return (f"\\begin{{{env}}}{label}\n\\begin{{split}}\n" + " \\\\\n".join(rows) +
            f"\n\\end{{split}}\n\\end{{{env}}}")


def inline_latex(segs: Iterable[Seg]) -> str:
    """Running text: prose escaped, math in dollars (shrunk when very long), code in ``\\texttt``."""
    out = []
    for s in segs:
        if s.kind == "t":
            out.append(escape_text(s.text))
        elif s.kind == "m":
            out.append(fit_inline(s.text))
        elif s.kind == "c":
            out.append(r"\texttt{" + escape_code(s.text) + "}")
        elif s.kind == "e":
            out.append(r"\emph{" + escape_text(s.text) + "}")
        elif s.kind == "r":
            out.append(r"\eqref{" + s.text + "}")
        elif s.kind == "raw":
            out.append(s.text)
    return "".join(out)


def render_latex(blocks: Sequence[Block]) -> str:
    """The LaTeX body of a block list."""
    out = []
    prev = ""
    for b in blocks:
        after_display, prev = prev in ("eq", "items", "table"), b.kind
        if b.kind == "h1":
            out.append(r"\section{" + inline_latex(b.inline) + "}")
        elif b.kind == "h2":
            out.append(r"\subsection{" + inline_latex(b.inline) + "}")
        elif b.kind == "p":
            out.append(("\\noindent " if after_display else "") + inline_latex(b.inline))
        elif b.kind == "eq":
            out.append(display_latex(b.eq))
        elif b.kind == "items":
            out.append("\\begin{itemize}\n" + "\n".join(r"  \item " + inline_latex(r) for r in b.items)
                       + "\n\\end{itemize}")
        elif b.kind == "table":
            head = " & ".join(escape_text(h) for h in b.items)
            body = " \\\\\n".join(" & ".join(inline_latex(c) for c in row) for row in b.rows)
            tab = ("\\begin{center}\n\\adjustbox{max width=\\linewidth}{%\n\\begin{tabular}{llll}\n\\toprule\n"
                   f"{head} \\\\\n\\midrule\n{body} \\\\\n\\bottomrule\n\\end{{tabular}}}}\n\\end{{center}}")
            out.append(tab)
    return "\n\n".join(out) + "\n"


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2.5cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{adjustbox}
\usepackage{booktabs}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6ex plus 0.3ex}
\emergencystretch=3em
\allowdisplaybreaks
"""


def derivation_to_latex(d: Derivation, document: bool = True, *, appendix: bool = True) -> str:
    r"""A step-by-step proof of the derivation as LaTeX.

    Args:
        d: The derivation.
        document: A complete standalone document (``True``) or the body only, for ``\input``
            (needs ``amsmath``, ``amssymb``, ``adjustbox`` and ``booktabs`` in the preamble).
        appendix: Add the "Numeric implementation" appendix (latexify-py rendering of the code).

    Returns:
        ASCII LaTeX source.

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> tex = derivation_to_latex(d)
    >>> tex.startswith(r"\documentclass") and r"\frac{1}{\lambda^{2}}" in tex
    True
    """
    blocks = proof_blocks(d, appendix=False)
    body = render_latex(blocks)
    if appendix:
        body += "\n\\appendix\n\n" + render_latex(appendix_blocks(d, label_prefix(d.model.name)))
    if not document:
        return body
    heading = escape_text(title(d))
    return (PREAMBLE + f"\\title{{{heading}}}\n\\author{{symfisher}}\n\\date{{}}\n\\begin{{document}}\n\\maketitle\n\n"
            + body + "\n\\end{document}\n")


def derivation_repr_latex(d: Derivation) -> str:
    r"""A compact MathJax display for notebooks: I(θ), −E[H] and the verdict.

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> print(derivation_repr_latex(d))
    $$\begin{aligned} \mathcal{I}(\lambda) &= \mathbb{E}[s s^{\top}] = \begin{bmatrix} \dfrac{1}{\lambda^{2}} \end{bmatrix} \\ -\mathbb{E}[H] &= \begin{bmatrix} \dfrac{1}{\lambda^{2}} \end{bmatrix} \\ &\text{information equality: proved} \end{aligned}$$
    """
    theta = ", ".join(latex_name(p.name) for p in d.params)
    with euler_constant_beside(model_symbols(d)):
        fis = matrix_tex([[math_latex(e) for e in d.fisher.row(i)] for i in range(d.fisher.rows)])
        neh = matrix_tex([[math_latex(e) for e in d.neg_expected_hessian.row(i)] for i in range(d.fisher.rows)])
    return (rf"$$\begin{{aligned}} \mathcal{{I}}({theta}) &= \mathbb{{E}}[s s^{{\top}}] = {fis} \\ "
            rf"-\mathbb{{E}}[H] &= {neh} \\ &\text{{information equality: {d.equality.status}}} \end{{aligned}}$$")


def verdict_to_latex(v: Verdict) -> str:
    r"""A verdict as one MathJax/LaTeX line: the status in bold, then the reason.

    A reason that is a :class:`~symfisher.core.note.Note` has its SymPy parts typeset as math; any
    other text is kept as it is (only ``$`` escaped).

    >>> from symfisher.core.verdict import Verdict
    >>> print(verdict_to_latex(Verdict("proved", "the residual is 0")))
    $\textbf{proved}$: the residual is 0
    >>> from symfisher.core.note import MEAN_SCORE, eq
    >>> print(verdict_to_latex(Verdict("proved", Note.of("costs $1: ", eq(MEAN_SCORE, 0)))))
    $\textbf{proved}$: costs \$1: $\mathbb{E}[s] = 0$
    """
    text = "".join(f"${s.text}$" if s.kind == "m" else s.text.replace("$", r"\$") for s in note_segments(v.reason))
    return rf"$\textbf{{{v.status}}}$: " + text


def detail_to_latex(detail: str) -> str:
    r"""One note (``Step.detail``, a fact or reason of a ``Verdict``) as LaTeX text with its math typeset.

    The SymPy parts of a :class:`~symfisher.core.note.Note` become inline math, its prose escaped
    text; a plain string is escaped text only (never parsed).

    >>> from symfisher.core.note import eq
    >>> sigma, eta = sp.Symbol("sigma", positive=True), sp.Symbol("η")
    >>> print(detail_to_latex(Note.of("exponential family (", eq(eta, -1 / (2 * sigma**2)), ")")))
    exponential family ($\eta = - \frac{1}{2 \sigma^{2}}$)
    >>> print(detail_to_latex("E[s] = 0 for 50% of σ"))
    E[s] = 0 for 50\% of $\sigma$
    """
    return inline_latex(note_segments(detail))
