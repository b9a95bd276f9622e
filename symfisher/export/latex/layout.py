"""Widths and line breaking of displayed math.

:func:`tex_width` estimates the width (in em) of a LaTeX math string; long ``a = b = c`` displays are
broken at top-level sums (:func:`layout_lines`) and anything still too wide is shrunk to the line
width with ``adjustbox`` (:func:`fit_display`, :func:`fit_inline`).
"""

from __future__ import annotations

import re
from typing import Sequence

__all__ = ["LINE_EM", "tex_width", "split_terms", "layout_lines", "fit_display", "fit_inline", "matrix_tex",
           "matrix_width"]

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\s+|.", re.S)
_ZERO_ARG = {r"\mathopen", r"\mathclose", r"\label", r"\tag"}
_TEXTUAL = {r"\operatorname", r"\mathrm", r"\mathit", r"\text", r"\textrm", r"\mathbb", r"\mathcal",
            r"\mathsf", r"\mathbf", r"\boldsymbol", r"\texttt", r"\textsf", r"\mathtt", r"\textit"}
_SPACES = {r"\,": 0.17, r"\:": 0.22, r"\;": 0.28, r"\!": -0.17, r"\quad": 1.0, r"\qquad": 2.0, r"\ ": 0.33}
_NAMED = {r"\log", r"\exp", r"\sin", r"\cos", r"\tan", r"\sinh", r"\cosh", r"\tanh", r"\ln", r"\det",
          r"\max", r"\min", r"\arcsin", r"\arccos", r"\arctan", r"\operatorname"}


class _Width:
    """A rough width estimate (in em) of a LaTeX math string, to decide where to break lines."""

    def __init__(self, tex: str):
        self.toks = [t for t in _TOKEN.findall(tex) if not t.isspace()]
        self.i = 0

    def _next(self) -> str | None:
        if self.i >= len(self.toks):
            return None
        self.i += 1
        return self.toks[self.i - 1]

    def seq(self, stop: str | None = None) -> float:
        w = 0.0
        while self.i < len(self.toks):
            if stop is not None and self.toks[self.i] == stop:
                self.i += 1
                return w
            w += self.item()
        return w

    def arg(self) -> float:
        t = self._next()
        if t is None:
            return 0.0
        if t == "{":
            return self.seq("}")
        self.i -= 1
        return self.item()

    def item(self) -> float:  # noqa: C901 - a flat table of cases
        t = self._next()
        if t is None:
            return 0.0
        if t == "{":
            return self.seq("}")
        if t in ("^", "_"):
            return 0.7 * self.arg()
        if t in ("+", "-", "=", "<", ">"):
            return 1.25
        if t in ",;":
            return 0.45
        if t in "()[]|":
            return 0.4
        if t in ".'!:":
            return 0.3
        if t == "&":
            return 0.0
        if not t.startswith("\\"):
            return 0.72 if t.isupper() else 0.52
        if t in (r"\left", r"\right"):
            d = self._next()
            return 0.0 if d == "." else 0.45
        if t in _ZERO_ARG:
            self.arg()
            return 0.0
        if t in (r"\displaystyle", r"\limits", r"\nolimits", r"\allowbreak", r"\\"):
            return 0.0
        if t in (r"\begin", r"\end"):
            self.arg()
            return 0.0
        if t in (r"\frac", r"\dfrac", r"\tfrac", r"\binom"):
            a, b = self.arg(), self.arg()
            return max(a, b) + (0.4 if t != r"\binom" else 1.0)
        if t == r"\sqrt":
            if self.i < len(self.toks) and self.toks[self.i] == "[":
                self.seq("]")
            return self.arg() + 1.0
        if t in _SPACES:
            return _SPACES[t]
        if t == r"\operatorname":
            return self.arg() * 0.95 + 0.17
        if t in _TEXTUAL:
            return self.arg() * 0.95
        if t in _NAMED:
            return 0.5 * (len(t) - 1) + 0.17
        if t in (r"\ldots", r"\cdots", r"\dots"):
            return 1.2
        if t in (r"\sum", r"\prod", r"\int"):
            return 1.3
        if t in (r"\cdot", r"\times", r"\neq", r"\in", r"\leq", r"\geq", r"\mid", r"\to", r"\approx"):
            return 1.1
        return 0.62  # Greek letters and other symbols


def tex_width(tex: str) -> float:
    """A rough width (em) of LaTeX math, e.g. to decide where a long display breaks.

    >>> tex_width(r"\\frac{1}{\\sigma^{2}}") < tex_width(r"\\mu + \\sigma")
    True
    """
    return _Width(tex).seq()


BRACKET_WORDS = ((r"\left", 1), (r"\right", -1), (r"\begin", 1), (r"\end", -1))  # open/close a level


def split_terms(tex: str) -> list[str]:
    r"""Top-level summands of a LaTeX expression, each but the first starting with its sign (never inside
    ``\left…\right``, braces, or an environment such as the ``cases`` of a Piecewise)."""
    terms, depth, start, i = [], 0, 0, 0
    n = len(tex)
    while i < n:
        bracket = next(((w, step) for w, step in BRACKET_WORDS
                        if tex.startswith(w, i) and not tex[i + len(w):i + len(w) + 1].isalpha()), None)
        if bracket is not None:
            depth += bracket[1]
            i += len(bracket[0])
            continue
        c = tex[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c in "+-" and i > 0 and tex[i - 1] == " " and tex[i + 1:i + 2] == " ":
            piece = tex[start:i].strip()
            if piece:
                terms.append(piece)
                start = i
        i += 1
    terms.append(tex[start:].strip())
    return [t for t in terms if t]


LINE_EM = 33.0  # usable width of a display line (em) before the equation number


def layout_lines(parts: Sequence[str], budget: float = LINE_EM) -> list[tuple[str, str]]:
    """Lines (left, right) of a long ``a = b = c`` display; each right side starts with = or \\quad."""
    lhs = parts[0]
    rest_budget = max(12.0, budget - tex_width(lhs) - 1.5)
    lines: list[tuple[str, str]] = []
    for part in parts[1:]:
        first = True
        current, cw = "", 0.0
        for term in split_terms(part):
            tw = tex_width(term) + 1.0
            if current and cw + tw > rest_budget:
                lines.append(("", ("= " if first else r"\quad ") + current))
                first = False
                current, cw = term, tw
            else:
                current = (current + " " + term) if current else term
                cw += tw
        lines.append(("", ("= " if first else r"\quad ") + current))
    if lines:
        lines[0] = (lhs, lines[0][1])
    return lines


def fit_display(tex: str, budget: float, offset: float) -> str:
    """Shrink a piece wider than ``budget`` em to the line width less ``offset`` em (what precedes it)."""
    if tex_width(tex) <= budget:
        return tex
    return (rf"\adjustbox{{max width=\dimexpr\linewidth-{offset:.1f}em\relax}}{{$\displaystyle " + tex + "$}")


def matrix_tex(rows: Sequence[Sequence[str]]) -> str:
    """A ``bmatrix`` of entry LaTeX (fractions as ``\\dfrac``, rows spread apart when some entry is one)."""
    tall = any(r"\frac" in e for r in rows for e in r)
    body = (r" \\[1ex] " if tall else r" \\ ").join(" & ".join(e.replace(r"\frac", r"\dfrac") for e in r) for r in rows)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


def matrix_width(rows: Sequence[Sequence[str]]) -> float:
    """The estimated width (em) of :func:`matrix_tex` of ``rows``."""
    cols = len(rows[0]) if rows else 0
    return sum(max(tex_width(r[j]) for r in rows) for j in range(cols)) + 1.2 * cols + 1.0


def fit_inline(tex: str) -> str:
    """Inline math in dollars, shrunk to the line width when it is very long (it cannot break inside brackets)."""
    if tex_width(tex) > 28:  # inline math cannot break inside brackets: shrink very long pieces
        return r"\adjustbox{max width=\linewidth}{$" + tex + "$}"
    return f"${tex}$"
