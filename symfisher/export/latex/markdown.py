"""The Markdown renderer: the proof with MathJax math (``$…$`` inline, ``$$…$$`` displays numbered by ``\\tag``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Sequence

from symfisher.export.latex.blocks import Block, Display, Seg
from symfisher.export.latex.layout import LINE_EM, layout_lines, matrix_tex, tex_width
from symfisher.export.latex.proof import proof_blocks, title

if TYPE_CHECKING:  # pragma: no cover
    from symfisher.core.derivation import Derivation

__all__ = ["derivation_to_markdown", "display_markdown", "inline_markdown", "render_markdown"]


def display_markdown(eq: Display, number: int | None) -> str:
    """A displayed equation in ``$$``, numbered by ``\\tag``; long ones as ``aligned`` lines."""
    tag = f" \\tag{{{number}}}" if number is not None else ""
    if eq.matrix:
        return "$$\n" + " = ".join(eq.parts) + " = " + matrix_tex(eq.matrix) + tag + "\n$$"
    total = sum(tex_width(p) for p in eq.parts) + 1.3 * (len(eq.parts) - 1)
    if total <= LINE_EM + 8:
        return "$$\n" + " = ".join(eq.parts) + tag + "\n$$"
    rows = [f"{left} &{right.partition(' ')[0]} {right.partition(' ')[2]}"
            for left, right in layout_lines(eq.parts, LINE_EM + 8)]
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}" + tag + "\n$$"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|{}])")


def inline_markdown(segs: Iterable[Seg], numbers: dict[str, int]) -> str:
    """Running text: prose escaped, math in ``$``, equation references as ``(n)`` from ``numbers``."""
    out = []
    for s in segs:
        if s.kind == "t":
            out.append(_MD_SPECIAL.sub(r"\\\1", s.text))
        elif s.kind == "m":
            out.append(f"${s.text}$")
        elif s.kind == "c":
            out.append("`" + s.text.replace("`", "'") + "`")
        elif s.kind == "e":
            out.append("*" + _MD_SPECIAL.sub(r"\\\1", s.text) + "*")
        elif s.kind == "r":
            out.append(f"({numbers.get(s.text, '?')})")
        elif s.kind == "raw":
            out.append(s.text)
    return "".join(out)


def render_markdown(blocks: Sequence[Block]) -> str:
    """The Markdown of a block list (equations numbered in order)."""
    numbers: dict[str, int] = {}
    n = 0
    for b in blocks:
        if b.kind == "eq" and b.eq.numbered:
            n += 1
            if b.eq.label:
                numbers[b.eq.label] = n
    out, n = [], 0
    for b in blocks:
        if b.kind == "h1":
            out.append("## " + inline_markdown(b.inline, numbers))
        elif b.kind == "h2":
            out.append("### " + inline_markdown(b.inline, numbers))
        elif b.kind == "p":
            out.append(inline_markdown([s for s in b.inline if s.kind != "raw"], numbers))
        elif b.kind == "eq":
            n += 1
            out.append(display_markdown(b.eq, n))
        elif b.kind == "items":
            out.append("\n".join("- " + inline_markdown(r, numbers) for r in b.items))
        elif b.kind == "table":
            head = "| " + " | ".join(_MD_SPECIAL.sub(r"\\\1", h) for h in b.items) + " |\n|" + "---|" * len(b.items)
            body = "\n".join("| " + " | ".join(inline_markdown(c, numbers) for c in row) + " |" for row in b.rows)
            out.append(head + "\n" + body)
    return "\n\n".join(out) + "\n"


def derivation_to_markdown(d: Derivation, *, appendix: bool = True) -> str:
    """The proof as Markdown with MathJax math (``$…$`` inline, ``$$…$$`` displays, numbered by ``\\tag``).

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> derivation_to_markdown(d).splitlines()[0]
    '# Fisher information of the model'
    """
    text = "# " + _MD_SPECIAL.sub(r"\\\1", title(d)) + "\n\n"
    return text + render_markdown(proof_blocks(d, appendix))
