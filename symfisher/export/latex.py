r"""LaTeX and Markdown proofs of a :class:`~symfisher.core.derivation.Derivation`.

The proof follows :attr:`Derivation.steps`: the model (density, support, parameter domain), the
log-likelihood ℓ(θ) = log p(x | θ), the score s = ∇θ ℓ, the Hessian H = ∇²θ ℓ, every expectation with
the strategy that produced it, the Fisher information both as I(θ) = E[s sᵀ] and as J(θ) = −E[H], and
the verdict on I(θ) = J(θ). An appendix renders the generated numeric functions of the Fisher
entries (``sympy.lambdify`` source, read back by latexify-py).

Everything written is plain ASCII LaTeX: symbol names that are not valid LaTeX (underscores, digits,
Unicode such as ``σ2``) become subscripts, Greek commands or escaped text; long expressions are
broken at top-level sums and anything still too wide is shrunk to the line width (``adjustbox``).
"""

from __future__ import annotations

import keyword
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

if TYPE_CHECKING:  # pragma: no cover
    from symfisher.core.derivation import Derivation
    from symfisher.core.verdict import Verdict

__all__ = [
    "derivation_to_latex",
    "derivation_to_markdown",
    "derivation_repr_latex",
    "verdict_to_latex",
    "latex_name",
    "math_latex",
    "escape_text",
    "detail_to_latex",
    "numeric_functions",
    "numeric_latex",
]

# ---------------------------------------------------------------------------------------------- names
_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma "
          "tau upsilon phi chi psi omega").split()
_CAPITAL_COMMANDS = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}
_CAPITAL_LATIN = {"Alpha": "A", "Beta": "B", "Epsilon": "E", "Zeta": "Z", "Eta": "H", "Iota": "I", "Kappa": "K",
                  "Mu": "M", "Nu": "N", "Omicron": "O", "Rho": "P", "Tau": "T", "Chi": "X"}


def _greek_command(word: str) -> str | None:
    """``\\sigma`` for ``"sigma"``, ``\\Gamma`` for ``"Gamma"``, None for anything else."""
    if word == "lamda":
        word = "lambda"
    elif word == "Lamda":
        word = "Lambda"
    if word in _GREEK:
        return "o" if word == "omicron" else "\\" + word
    if word in _CAPITAL_COMMANDS:
        return "\\" + word
    if word in _CAPITAL_LATIN:
        return r"\mathrm{" + _CAPITAL_LATIN[word] + "}"
    return None


def _unicode_greek(ch: str) -> str | None:
    """LaTeX for one Unicode Greek letter (``σ`` → ``\\sigma``), else None."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    m = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER (FINAL )?([A-Z]+)", name)
    if not m:
        m2 = re.fullmatch(r"GREEK ([A-Z]+) SYMBOL", name)  # ϑ, ϕ, ϵ ...
        if m2 and m2.group(1).lower() in ("theta", "phi", "rho", "pi", "kappa"):
            return "\\var" + m2.group(1).lower()
        if name == "GREEK LUNATE EPSILON SYMBOL":
            return r"\epsilon"
        return None
    word = m.group(3).lower()
    if m.group(1) == "CAPITAL":
        word = word.capitalize()
    return _greek_command(word)


#: Unicode characters the engine's messages use, as LaTeX math.
_UNICODE_MATH = {"≠": r"\neq", "∈": r"\in", "∉": r"\notin", "ᵀ": r"^{\top}", "−": "-", "×": r"\times",
                 "≤": r"\leq", "≥": r"\geq", "∞": r"\infty", "∂": r"\partial", "·": r"\cdot", "→": r"\to",
                 "∑": r"\sum", "∫": r"\int", "²": "^{2}", "³": "^{3}", "¹": "^{1}", "≈": r"\approx",
                 "±": r"\pm", "∇": r"\nabla", "ℓ": r"\ell", "⊤": r"\top", "∅": r"\emptyset",
                 "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "₃": "_{3}", "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}",
                 "ℤ": r"\mathbb{Z}", "√": r"\surd", "∀": r"\forall", "∃": r"\exists", "⇒": r"\Rightarrow",
                 "↦": r"\mapsto", "∘": r"\circ", "′": r"'"}
#: Unicode punctuation, as LaTeX text.
_UNICODE_TEXT = {"—": "---", "–": "--", "…": r"\ldots{}", "’": "'", "‘": "`", "“": "``", "”": "''",
                 "\u00a0": "~", "°": r"\ensuremath{^\circ}", "§": r"\S{}"}
_TEXT_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
                 "%": r"\%", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                 "<": r"\ensuremath{<}", ">": r"\ensuremath{>}", "|": r"\ensuremath{|}"}


def _ascii_fold(ch: str) -> str:
    """An accented Latin letter without its accent; ``?`` for anything unknown."""
    base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    return base if base and base.isprintable() else "?"


def escape_text(text: str) -> str:
    r"""Plain text as safe ASCII LaTeX (text mode).

    TeX specials are escaped, Greek letters and math signs become inline math, other Unicode is
    folded to ASCII.

    >>> escape_text("50% of σ_1 ≠ {x}")
    '50\\% of $\\sigma$\\_1 $\\neq$ \\{x\\}'
    """
    out = []
    for ch in str(text):
        if ch in _TEXT_SPECIAL:
            out.append(_TEXT_SPECIAL[ch])
        elif ch in "\n\r\t":
            out.append(" ")
        elif " " <= ch <= "~":
            out.append(ch)
        elif ch in _UNICODE_TEXT:
            out.append(_UNICODE_TEXT[ch])
        elif (g := _unicode_greek(ch) or _UNICODE_MATH.get(ch)) is not None:
            out.append(f"${g}$")
        else:
            out.append(_ascii_fold(ch))
    return "".join(out)


def _escape_code(text: str) -> str:
    """Code-like text for ``\\texttt``: escaped, with break points after operators and commas."""
    out = []
    text = str(text)
    for n, ch in enumerate(text):
        next_is_star = text[n + 1:n + 2] == "*"
        out.append(escape_text(ch))
        if ch in "*+,(/=;" and not (ch == "*" and next_is_star):
            out.append(r"\allowbreak{}")
    return "".join(out)


def _name_part(part: str) -> str:
    """One piece of a symbol name (base or subscript) as math."""
    if part.isdigit() or (len(part) == 1 and part.isascii() and part.isalpha()):
        return part
    if (g := _greek_command(part)) is not None:
        return g
    if len(part) == 1 and (g := _unicode_greek(part) or _UNICODE_MATH.get(part)) is not None:
        return g
    if part.isascii() and part.isalnum():
        return r"\mathit{" + part + "}"
    pieces, word = [], ""
    for ch in part:  # mixed: Greek letters as commands, the rest as escaped upright text
        g = _unicode_greek(ch)
        if g is not None:
            if word:
                pieces.append(r"\text{" + escape_text(word) + "}")
                word = ""
            pieces.append(g)
        else:
            word += ch
    if word:
        pieces.append((r"\mathit{" + word + "}") if word.isascii() and word.isalnum()
                      else r"\text{" + escape_text(word) + "}")
    return "".join(pieces) if len(pieces) == 1 else "{" + "".join(pieces) + "}"


def latex_name(name: str) -> str:
    r"""A symbol name as LaTeX math: Greek names as commands, ``_`` and trailing digits as subscripts.

    >>> [latex_name(n) for n in ("sigma", "x_1_2", "σ2", "rate", "mu_x", "a#b")]
    ['\\sigma', 'x_{1,2}', '\\sigma_{2}', '\\mathit{rate}', '\\mu_{x}', '\\text{a\\#b}']
    """
    name = str(name)
    parts = [p for p in name.split("_") if p]
    if not parts:
        return r"\text{" + escape_text(name) + "}" if name else r"\square"
    base, subs = parts[0], parts[1:]
    m = re.fullmatch(r"(\D+?)(\d+)", base)
    if m and (len(m.group(1)) == 1 or _greek_command(m.group(1)) or all(_unicode_greek(c) for c in m.group(1))):
        base, subs = m.group(1), [m.group(2), *subs]
    out = _name_part(base)
    if subs:
        out += "_{" + ",".join(_name_part(s) for s in subs) + "}"
    return out


# ---------------------------------------------------------------------------------------------- printer
class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with safe symbol names and textbook special functions."""

    def _print_Symbol(self, expr, style="plain"):  # noqa: D401 - sympy hook
        return latex_name(expr.name)

    _print_Dummy = _print_Symbol

    def _print_polygamma(self, expr, exp=None):
        n, z = expr.args
        arg = self._print(z)
        head = {0: r"\psi", 1: r"\psi'", 2: r"\psi''"}.get(n, None) if n.is_Integer else None
        if head is None:
            head = r"\psi^{(" + self._print(n) + ")}"
        tex = head + r"\!\left(" + arg + r"\right)"
        return r"\left(" + tex + r"\right)^{" + exp + "}" if exp else tex

    def _print_loggamma(self, expr, exp=None):
        tex = r"\log\Gamma\!\left(" + self._print(expr.args[0]) + r"\right)"
        return r"\left(" + tex + r"\right)^{" + exp + "}" if exp else tex

    def _print_Function(self, expr, exp=None):
        if isinstance(expr, AppliedUndef):
            name = expr.func.__name__
            head = latex_name(name) if len(name) == 1 or name.isidentifier() is False else \
                r"\operatorname{" + escape_text(name) + "}"
            if len(name) == 1:
                head = latex_name(name)
            tex = head + r"\left(" + ", ".join(self._print(a) for a in expr.args) + r"\right)"
            return r"\left(" + tex + r"\right)^{" + exp + "}" if exp else tex
        return super()._print_Function(expr, exp)


_SETTINGS = {"ln_notation": False, "long_frac_ratio": None}


def math_latex(expr: object) -> str:
    r"""A SymPy object (expression, matrix, set) as LaTeX math with safe symbol names.

    >>> math_latex(sp.polygamma(1, sp.Symbol("alpha")) / sp.Symbol("σ2"))
    "\\frac{\\psi'\\!\\left(\\alpha\\right)}{\\sigma_{2}}"
    """
    expr = sp.sympify(expr) if not isinstance(expr, sp.Basic) else expr
    # ordering the terms of a sum evaluates numeric ones: never do that to an unevaluated integral
    settings = dict(_SETTINGS, order="none") if expr.has(sp.Integral, sp.Sum) else _SETTINGS
    return _Printer(settings).doprint(expr)


# ---------------------------------------------------------------------------------------------- widths
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


def _width(tex: str) -> float:
    return _Width(tex).seq()


def _split_terms(tex: str) -> list[str]:
    """Top-level summands of a LaTeX expression, each but the first starting with its sign."""
    terms, depth, start, i = [], 0, 0, 0
    n = len(tex)
    while i < n:
        if tex.startswith(r"\left", i) and not tex[i + 5:i + 6].isalpha():
            depth += 1
            i += 5
            continue
        if tex.startswith(r"\right", i) and not tex[i + 6:i + 7].isalpha():
            depth -= 1
            i += 6
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


# ---------------------------------------------------------------------------------------------- rich text
@dataclass(frozen=True)
class _Seg:
    """A piece of running text: "t" plain text, "m" math, "c" code, "e" emphasis, "r" equation reference."""

    kind: str
    text: str


_Inline = list  # list[_Seg]

_PHRASES = [
    ("E[s sᵀ]", r"\mathbb{E}[s s^{\top}]"), ("−E[H]", r"-\mathbb{E}[H]"), ("-E[H]", r"-\mathbb{E}[H]"),
    ("I(θ)", r"\mathcal{I}(\theta)"), ("E[s]", r"\mathbb{E}[s]"), ("∇θ", r"\nabla_{\theta}"),
]
_IDENT = re.compile(r"[A-Za-z_\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*")
_NUMBER = re.compile(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")
_SET_CALL = re.compile(r"(Interval(?:\.open|\.Lopen|\.Ropen)?|Range|FiniteSet)\((.*)\)")
_SET_WORDS = {"Reals": sp.S.Reals, "Naturals0": sp.S.Naturals0, "Naturals": sp.S.Naturals,
              "Integers": sp.S.Integers, "EmptySet": sp.S.EmptySet}


class _Detail:
    """Typesets the math inside the engine's one-line strings (``Step.detail``, ``Verdict.facts``).

    Chunks that parse as expressions (with the safe parser, over the derivation's symbols) are
    typeset; anything else stays text, code-like words in monospace.
    """

    def __init__(self, symbols: Iterable[sp.Symbol]):
        self.symbols = {s.name: s for s in symbols if isinstance(s, sp.Symbol)}

    # -- math recognition
    def _names_ok(self, text: str) -> dict[str, sp.Symbol] | None:
        from symfisher.text.parse import CONSTANTS, FUNCTIONS

        table = dict(self.symbols)
        for name in _IDENT.findall(text):
            if name in table or name in FUNCTIONS or name in CONSTANTS:
                continue
            head = name.split("_")[0]
            if len(name) == 1 or _greek_command(name) or (len(head) == 1 and "_" in name) or \
                    all(_unicode_greek(c) for c in name):
                table[name] = sp.Symbol(name)
            else:
                return None
        return table

    def expr(self, text: str) -> str | None:
        """LaTeX for ``text`` if it is an expression, a list of them, a set or ``E[...]``; else None."""
        from symfisher.errors import SymfisherError
        from symfisher.text.parse import parse_expression

        t = text.strip()
        if not t or len(t) > 600:
            return None
        for phrase, tex in _PHRASES:
            if t == phrase:
                return tex
        if _NUMBER.fullmatch(t):
            return t
        if t in _SET_WORDS:
            return math_latex(_SET_WORDS[t])
        if len(t) == 1 and (g := _unicode_greek(t)) is not None:
            return g
        if t.startswith("[") and t.endswith("]"):
            items = _split_top(t[1:-1], (",",))
            tex = [self.expr(i) for i, _ in items]
            return None if None in tex else r"\left[" + ", ".join(tex) + r"\right]"
        if (t.startswith("E[") or t.startswith("−E[") or t.startswith("-E[")) and t.endswith("]") \
                and _balanced(t[t.index("[") + 1:-1]):
            inner = self.expr(t[t.index("[") + 1:-1])
            sign = "-" if not t.startswith("E") else ""
            return None if inner is None else sign + r"\mathbb{E}\left[" + inner + r"\right]"
        m = _SET_CALL.fullmatch(t)
        if m:
            args = [self.expr(a) for a, _ in _split_top(m.group(2), (",",))]
            if None in args:
                return None
            if m.group(1) == "Range" or m.group(1) == "FiniteSet":
                return r"\left\{" + ", ".join(args) + r"\right\}"
            left = "(" if m.group(1) in ("Interval.open", "Interval.Lopen") else "["
            right = ")" if m.group(1) in ("Interval.open", "Interval.Ropen") else "]"
            return r"\left" + left + ", ".join(args) + r"\right" + right
        for rel, tex in ((" = ", "="), (" ≠ ", r"\neq"), (" ∈ ", r"\in"), (" != ", r"\neq")):
            if rel in t:
                a, b = t.split(rel, 1)
                la, lb = self.expr(a), self.expr(b)
                return None if la is None or lb is None else f"{la} {tex} {lb}"
        t2 = t.replace("−", "-").replace("^", "**")
        if not re.fullmatch(r"[A-Za-z0-9_\u0370-\u03ff+\-*/(). ,]+", t2):
            return None
        table = self._names_ok(t2)
        if table is None:
            return None
        for name in set(_IDENT.findall(t2)):  # ``lambda`` and other keywords: rename for the parser
            if keyword.iskeyword(name) and name in table:
                t2 = re.sub(rf"\b{name}\b", f"kw_{name}_", t2)
                table[f"kw_{name}_"] = table.pop(name)
        try:
            value = parse_expression(t2, table)
        except (SymfisherError, Exception):  # noqa: BLE001 - anything unparsable stays text
            return None
        return math_latex(value)

    # -- text
    def inline(self, text: str) -> _Inline:
        """Rich segments for one line of engine text."""
        out: _Inline = []
        for chunk, sep in _split_top(str(text), ("; ", ", ", ": ")):
            out += self._chunk(chunk)
            if sep:
                out.append(_Seg("t", sep))
        return out

    def _chunk(self, chunk: str) -> _Inline:
        lead = chunk[:len(chunk) - len(chunk.lstrip())]
        c = chunk.strip()
        if not c:
            return [_Seg("t", chunk)]
        out: _Inline = [_Seg("t", lead)] if lead else []
        tex = self.expr(c)
        if tex is not None:
            return out + [_Seg("m", tex)]
        if c.endswith(")"):
            k = _matching_open(c)
            if k is not None and k > 0 and c[k - 1] == " ":
                return out + self._chunk(c[:k - 1]) + [_Seg("t", " (")] + self.inline(c[k + 1:-1]) + [_Seg("t", ")")]
        for rel in (" = ", " ≠ ", " ∈ "):
            if rel in c:
                a, b = c.split(rel, 1)
                words, _, last = a.rpartition(" ")
                la, lb = self.expr(last), self.expr(b)
                if la is not None and lb is not None:
                    rel_tex = {" = ": "=", " ≠ ": r"\neq", " ∈ ": r"\in"}[rel]
                    pre = self._words(words + " ") if words else []
                    return out + pre + [_Seg("m", f"{la} {rel_tex} {lb}")]
        return out + self._words(c)

    def _words(self, text: str) -> _Inline:
        words = [w for w, sep in _split_top(text, (" ",)) for w in (w, sep) if w]
        merged: list[str] = []
        k = 0
        while k < len(words):  # "x ∈ Interval(0, theta)" and "a = b" inside prose: one formula
            if k + 4 < len(words) and words[k + 2] in ("∈", "=", "≠") and self.expr(words[k]) is not None and self.expr(words[k + 4].rstrip(",.;:")) is not None:
                merged.append("".join(words[k:k + 5]))
                k += 5
            else:
                merged.append(words[k])
                k += 1
        out: _Inline = []
        for w in merged:
            if not w:
                continue
            if w.isspace() or re.fullmatch(r"[A-Za-z\-'.:;,()]+|[\u0370-\u03ff]|[=<>≠∈+*/−-]+", w) and not self.symbols.get(w):
                tex = self.expr(w) if len(w) == 1 and _unicode_greek(w) else None
                out.append(_Seg("m", tex) if tex else _Seg("t", w))
                continue
            tex = self.expr(w.rstrip(",.;:"))
            if tex is not None:
                out.append(_Seg("m", tex))
                tail = w[len(w.rstrip(",.;:")):]
                if tail:
                    out.append(_Seg("t", tail))
            else:
                out.append(_Seg("c", w))
        return out


def detail_to_latex(text: str, symbols: Iterable[sp.Symbol] = ()) -> str:
    r"""One line of engine text (``Step.detail``, ``Verdict.facts``) as LaTeX with the math typeset.

    Chunks that parse as expressions over ``symbols`` become inline math; code-like rest is set in
    ``\texttt``; everything is escaped.

    >>> sigma = sp.Symbol("sigma", positive=True)
    >>> print(detail_to_latex("exponential family (η = -1/(2*sigma**2), T = x**2)", [sigma]))
    exponential family ($\eta = - \frac{1}{2 \sigma^{2}}$, $T = x^{2}$)
    """
    return _inline_latex(_Detail(symbols).inline(text))


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return False
    return depth == 0


def _matching_open(text: str) -> int | None:
    depth = 0
    for k in range(len(text) - 1, -1, -1):
        if text[k] == ")":
            depth += 1
        elif text[k] == "(":
            depth -= 1
            if depth == 0:
                return k
    return None


def _split_top(text: str, seps: Sequence[str]) -> list[tuple[str, str]]:
    """Split at separators outside brackets: [(chunk, separator after it)]."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            for s in seps:
                if text.startswith(s, i):
                    out.append((text[start:i], s))
                    i += len(s)
                    start = i
                    break
            else:
                i += 1
                continue
            continue
        i += 1
    out.append((text[start:], ""))
    return out


# ---------------------------------------------------------------------------------------------- document model
@dataclass(frozen=True)
class _Eq:
    """A displayed equation: ``parts[0] rel parts[1] rel ...`` (relations '=')."""

    parts: tuple[str, ...]
    label: str = ""
    numbered: bool = True
    matrix: tuple[tuple[str, ...], ...] = ()  # for "lhs = [matrix]" displays (rows of entry LaTeX)


@dataclass(frozen=True)
class _Block:
    kind: str  # "h1", "h2", "p", "eq", "items", "table"
    inline: tuple = ()
    eq: _Eq | None = None
    items: tuple = ()
    rows: tuple = ()


LINE_EM = 33.0  # usable width of a display line (em) before the equation number


def _layout(parts: Sequence[str], budget: float = LINE_EM) -> list[tuple[str, str]]:
    """Lines (left, right) of a long ``a = b = c`` display; each right side starts with = or \\quad."""
    lhs = parts[0]
    rest_budget = max(12.0, budget - _width(lhs) - 1.5)
    lines: list[tuple[str, str]] = []
    for part in parts[1:]:
        first = True
        current, cw = "", 0.0
        for term in _split_terms(part):
            tw = _width(term) + 1.0
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


def _fit(tex: str, budget: float, offset: float) -> str:
    """Shrink a piece wider than ``budget`` em to the line width less ``offset`` em (what precedes it)."""
    if _width(tex) <= budget:
        return tex
    return (rf"\adjustbox{{max width=\dimexpr\linewidth-{offset:.1f}em\relax}}{{$\displaystyle " + tex + "$}")


def _matrix_tex(rows: Sequence[Sequence[str]]) -> str:
    tall = any(r"\frac" in e for r in rows for e in r)
    body = (r" \\[1ex] " if tall else r" \\ ").join(" & ".join(e.replace(r"\frac", r"\dfrac") for e in r) for r in rows)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


def _matrix_width(rows: Sequence[Sequence[str]]) -> float:
    cols = len(rows[0]) if rows else 0
    return sum(max(_width(r[j]) for r in rows) for j in range(cols)) + 1.2 * cols + 1.0


def _eq_latex(eq: _Eq) -> str:
    env = "equation" if eq.numbered else "equation*"
    label = f"\\label{{{eq.label}}}" if eq.label and eq.numbered else ""
    if eq.matrix:
        mat = _matrix_tex(eq.matrix)
        lhs = " = ".join(eq.parts)
        total = _width(lhs) + _matrix_width(eq.matrix)
        body = f"{lhs} = {mat}"
        if total > LINE_EM + 4:
            body = r"\adjustbox{max width=\dimexpr\linewidth-3em\relax}{$\displaystyle " + body + "$}"
        return f"\\begin{{{env}}}{label}\n  {body}\n\\end{{{env}}}"
    total = sum(_width(p) for p in eq.parts) + 1.3 * (len(eq.parts) - 1)
    if total <= LINE_EM:
        return f"\\begin{{{env}}}{label}\n  " + " = ".join(eq.parts) + f"\n\\end{{{env}}}"
    lines = _layout(eq.parts)
    indent = _width(eq.parts[0]) + 3.0  # left side, "=" or \quad, and some slack
    rows = []
    for left, right in lines:
        op, _, rest = right.partition(" ")
        rows.append(f"  {left} &{op} {_fit(rest, LINE_EM - indent + 2.0, indent + 0.5)}")
    return (f"\\begin{{{env}}}{label}\n\\begin{{split}}\n" + " \\\\\n".join(rows) +
            f"\n\\end{{split}}\n\\end{{{env}}}")


def _eq_markdown(eq: _Eq, number: int | None) -> str:
    tag = f" \\tag{{{number}}}" if number is not None else ""
    if eq.matrix:
        return "$$\n" + " = ".join(eq.parts) + " = " + _matrix_tex(eq.matrix) + tag + "\n$$"
    total = sum(_width(p) for p in eq.parts) + 1.3 * (len(eq.parts) - 1)
    if total <= LINE_EM + 8:
        return "$$\n" + " = ".join(eq.parts) + tag + "\n$$"
    rows = [f"{left} &{right.partition(' ')[0]} {right.partition(' ')[2]}" for left, right in _layout(eq.parts, LINE_EM + 8)]
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}" + tag + "\n$$"


def _inline_latex(segs: Iterable[_Seg]) -> str:
    out = []
    for s in segs:
        if s.kind == "t":
            out.append(escape_text(s.text))
        elif s.kind == "m":
            out.append(_fit_inline(s.text))
        elif s.kind == "c":
            out.append(r"\texttt{" + _escape_code(s.text) + "}")
        elif s.kind == "e":
            out.append(r"\emph{" + escape_text(s.text) + "}")
        elif s.kind == "r":
            out.append(r"\eqref{" + s.text + "}")
        elif s.kind == "raw":
            out.append(s.text)
    return "".join(out)


def _fit_inline(tex: str) -> str:
    if _width(tex) > 28:  # inline math cannot break inside brackets: shrink very long pieces
        return r"\adjustbox{max width=\linewidth}{$" + tex + "$}"
    return f"${tex}$"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|{}])")


def _inline_markdown(segs: Iterable[_Seg], numbers: dict[str, int]) -> str:
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


# ---------------------------------------------------------------------------------------------- the proof
def _T(text: str) -> _Seg:
    return _Seg("t", text)


def _M(tex: str) -> _Seg:
    return _Seg("m", tex)


def _join(first: str, second: str) -> str:
    """Two names side by side (``\\mu`` then ``b`` must not become ``\\mub``)."""
    return first + ("{}" if re.search(r"\\[A-Za-z]+$", first) and second[:1].isalpha() else "") + second


def _label_prefix(name: str) -> str:
    return "eq:" + (re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "model") + ":"


def _strategy_text(strategy: str) -> str:
    parts = [p for p in str(strategy).split("+") if p]
    return ", ".join(parts) if parts else "algebra"


class _Proof:
    """Builds the block list of a proof from a derivation (shared by LaTeX and Markdown)."""

    def __init__(self, d: Derivation):
        self.d = d
        self.m = d.model
        self.p = d.params
        self.k = len(self.p)
        self.pre = _label_prefix(self.m.name)
        syms = set(self.m.logpdf.free_symbols) | set(self.p) | set(self.m.data) | set(self.m.given)
        self.detail = _Detail(syms)
        self.blocks: list[_Block] = []
        self.seen: dict[tuple[str, str], str] = {}
        self.pn = [latex_name(s.name) for s in self.p]

    # -- helpers
    def h(self, text: str, level: int = 1, inline: Sequence[_Seg] | None = None) -> None:
        self.blocks.append(_Block(f"h{level}", tuple(inline or [_T(text)])))

    def para(self, *segs: _Seg) -> None:
        self.blocks.append(_Block("p", tuple(segs)))

    def eq(self, *parts: str, label: str = "", matrix=()) -> None:
        self.blocks.append(_Block("eq", eq=_Eq(tuple(parts), self.pre + label if label else "", True,
                                               tuple(tuple(r) for r in matrix))))

    def items(self, rows: Sequence[Sequence[_Seg]]) -> None:
        self.blocks.append(_Block("items", items=tuple(tuple(r) for r in rows)))

    def sub(self, i: int, j: int | None = None) -> str:
        return "{" + _join(self.pn[i], self.pn[j]) + "}" if j is not None else "{" + self.pn[i] + "}"

    def strategy_note(self, step, label: str) -> None:
        strat = _strategy_text(step.strategy)
        key = (step.strategy, step.detail)
        segs: list[_Seg] = [_T("Strategy "), _Seg("e", strat)]
        if key in self.seen:
            segs += [_T(", as for "), _Seg("r", self.seen[key]), _T(".")]
        else:
            self.seen[key] = self.pre + label
            if step.detail:
                segs += [_T(": ")] + self.detail.inline(step.detail) + [_T(".")]
            else:
                segs.append(_T("."))
        self.para(*segs)

    # -- sections
    def build(self) -> list[_Block]:
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
        self.para(_T("The model "), _Seg("e", str(m.name)), _T(f" has the {kind}"))
        self.eq(self.density_lhs(), math_latex(m.density), label="density")
        sup = [_M(f"{math_latex(x)} \\in {math_latex(s)}") for x, s in m.support]
        segs: list[_Seg] = [_T("on the support ")]
        for n, s in enumerate(sup):
            segs += ([_T(", ")] if n else []) + [s]
        dom = m.domain_map
        segs += [_T(", with parameter" + ("s " if self.k > 1 else " "))]
        if self.k > 1:
            segs += [_M(r"\theta = (" + ", ".join(self.pn) + ")"), _T(", ")]
        for n, p in enumerate(self.p):
            segs += ([_T(", ")] if n else []) + [_M(f"{latex_name(p.name)} \\in {math_latex(dom.get(p, sp.S.Reals))}")]
        segs.append(_T("."))
        self.para(*segs)
        if m.given:
            self.para(_T("The covariates "), _M(", ".join(math_latex(g) for g in m.given)),
                      _T(" are conditioned on (not integrated over)."))
        if m.support_depends_on_params:
            self.para(_T("The support depends on the parameter, so the model is not regular."))
        else:
            self.para(_T("The support does not depend on "), _M(r"\theta"), _T("."))
        if m.n_obs != 1:
            self.para(_T("The sample consists of "), _M(math_latex(m.n_obs)),
                      _T(" independent observations; the steps below are for one observation and the "
                         "information of the sample is "), _M(math_latex(m.n_obs)), _T(" times it."))

    def loglik_section(self) -> None:
        steps = self.d.steps
        self.h("Log-likelihood, score and Hessian")
        model_step = next((s for s in steps if s.stage == "model"), None)
        ll = model_step.expr if model_step is not None else self.m.logpdf
        self.para(_T("The log-likelihood of one observation is"))
        self.eq(r"\ell(\theta) = \log " + self.density_lhs(), math_latex(ll), label="loglik")
        self.para(_T("The score "), _M(r"s(\theta) = \nabla_{\theta}\, \ell(\theta)"), _T(" has the components"))
        for s in steps:
            if s.stage == "score" and s.index:
                i = s.index[0]
                self.eq(rf"s_{self.sub(i)} = \frac{{\partial \ell}}{{\partial {self.pn[i]}}}", math_latex(s.expr),
                        label=f"s{i}")
        self.para(_T("and the Hessian "), _M(r"H = \nabla_{\theta}^{2}\, \ell(\theta)"), _T(" has the entries"))
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
                _T("Fisher information as "), _M(r"\mathbb{E}[s s^{\top}]")])
            self.para(_T("Each entry "), _M(r"\mathcal{I}_{ij} = \mathbb{E}[s_i s_j]"), _T(" is an expectation over the data:"))
        else:
            self.h("Fisher information as minus the expected Hessian", inline=[
                _T("Fisher information as "), _M(r"-\mathbb{E}[H]")])
            self.para(_T("Each entry "), _M(r"\mathcal{J}_{ij} = -\mathbb{E}[H_{ij}]"), _T(" is:"))
        letter = r"\mathcal{I}" if fisher else r"\mathcal{J}"
        tag = "f" if fisher else "j"
        for s in self.d.steps:
            if s.stage == stage and len(s.index) == 2:
                i, j = s.index
                mid = rf"\mathbb{{E}}\left[s_{self.sub(i)}\, s_{self.sub(j)}\right]" if fisher else \
                    rf"-\mathbb{{E}}\left[H_{self.sub(i, j)}\right]"
                self.eq(f"{letter}_{self.sub(i, j)}", mid, math_latex(s.expr), label=f"{tag}{i}{j}")
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
                if _width(tex) > budget or matrix[i, j].has(sp.Integral, sp.Sum):
                    tex = f"{letter}_{self.sub(min(i, j), max(i, j))}"
                row.append(tex)
            rows.append(row)
        lhs = (letter + r"(\theta)") if fisher else (letter + r"(\theta) = -\mathbb{E}[H]")
        if scale != 1:
            self.para(_T("For one observation, in matrix form,"))
        else:
            self.para(_T("In matrix form,"))
        self.eq(lhs if not fisher else lhs + r" = \mathbb{E}[s s^{\top}]", matrix=rows, label=f"{tag}mat")
        if scale != 1:
            self.para(_T("and for the sample of "), _M(math_latex(n)), _T(" observations the information is "),
                      _M(f"{math_latex(n)}\\, {letter}(\\theta)"), _T("."))

    def verdict_section(self) -> None:
        v = self.d.equality
        self.h("The information equality")
        facts = [self.detail.inline(f) for f in v.facts]
        if v.status == "proved":
            self.para(_T("The regularity conditions hold:"))
            if facts:
                self.items(facts)
            self.para(_T("The two forms agree entry by entry:"))
            for i in range(self.k):
                for j in range(i, self.k):
                    self.eq(rf"\mathcal{{I}}_{self.sub(i, j)}", math_latex(self.d.fisher[i, j]),
                            rf"\mathcal{{J}}_{self.sub(i, j)}", label=f"eq{i}{j}")
            self.para(_T("Hence "), _M(r"\mathcal{I}(\theta) = -\mathbb{E}[H]"),
                      _T(": the information equality is proved (the residual simplifies to the zero matrix)."),
                      _Seg("raw", r"\hfill$\square$"))
            return
        if v.status == "refuted":
            self.para(_T("The information equality "), _M(r"\mathcal{I}(\theta) = -\mathbb{E}[H]"),
                      _T(" is refuted."))
            if facts:
                self.para(_T("Facts established on the way:"))
                self.items(facts)
            if v.counterexample:
                at = ", ".join(f"{latex_name(str(s))} = {math_latex(sp.nsimplify(val) if isinstance(val, float) else val)}"
                               for s, val in v.counterexample.items())
                self.para(_T("Counterexample: at "), _M(at), _T(" the two matrices differ:"))
                wit = next((e for e in v.evidence if dict(e.point) == dict(v.counterexample)), None)
                if wit is not None:
                    self.evidence_table([wit])
            if self.m.support_depends_on_params:
                self.para(_T("The support depends on the parameter, so differentiation and integration cannot be "
                             "interchanged; the mean score is not zero and the identity fails."))
            return
        self.para(_T("The information equality "), _M(r"\mathcal{I}(\theta) = -\mathbb{E}[H]"),
                  _T(" is inconclusive: "), *self.detail.inline(v.reason), _T("."))
        if facts:
            self.para(_T("Facts established on the way:"))
            self.items(facts)
        if v.evidence:
            self.para(_T("Numeric evidence (not a proof):"))
            self.evidence_table(v.evidence)

    def evidence_table(self, evidence) -> None:
        header = ("point", "entries of I", "entries of J", "max |difference|")
        rows = []
        for e in evidence[:6]:
            at = ", ".join(f"{latex_name(str(s))} = {_num(val)}" for s, val in e.point.items())
            rows.append(((_M(at),), (_M(", ".join(_num(x) for x in e.left)),),
                         (_M(", ".join(_num(x) for x in e.right)),), (_M(_num(e.max_abs_diff)),)))
        self.blocks.append(_Block("table", items=header, rows=tuple(rows)))


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


def _render_latex(blocks: Sequence[_Block]) -> str:
    out = []
    prev = ""
    for b in blocks:
        after_display, prev = prev in ("eq", "items", "table"), b.kind
        if b.kind == "h1":
            out.append(r"\section{" + _inline_latex(b.inline) + "}")
        elif b.kind == "h2":
            out.append(r"\subsection{" + _inline_latex(b.inline) + "}")
        elif b.kind == "p":
            out.append(("\\noindent " if after_display else "") + _inline_latex(b.inline))
        elif b.kind == "eq":
            out.append(_eq_latex(b.eq))
        elif b.kind == "items":
            out.append("\\begin{itemize}\n" + "\n".join(r"  \item " + _inline_latex(r) for r in b.items)
                       + "\n\\end{itemize}")
        elif b.kind == "table":
            head = " & ".join(escape_text(h) for h in b.items)
            body = " \\\\\n".join(" & ".join(_inline_latex(c) for c in row) for row in b.rows)
            tab = ("\\begin{center}\n\\adjustbox{max width=\\linewidth}{%\n\\begin{tabular}{llll}\n\\toprule\n"
                   f"{head} \\\\\n\\midrule\n{body} \\\\\n\\bottomrule\n\\end{{tabular}}}}\n\\end{{center}}")
            out.append(tab)
    return "\n\n".join(out) + "\n"


def _render_markdown(blocks: Sequence[_Block]) -> str:
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
            out.append("## " + _inline_markdown(b.inline, numbers))
        elif b.kind == "h2":
            out.append("### " + _inline_markdown(b.inline, numbers))
        elif b.kind == "p":
            out.append(_inline_markdown([s for s in b.inline if s.kind != "raw"], numbers))
        elif b.kind == "eq":
            n += 1
            out.append(_eq_markdown(b.eq, n))
        elif b.kind == "items":
            out.append("\n".join("- " + _inline_markdown(r, numbers) for r in b.items))
        elif b.kind == "table":
            out.append("| " + " | ".join(_MD_SPECIAL.sub(r"\\\1", h) for h in b.items) + " |\n|" + "---|" * len(b.items) + "\n" +
                       "\n".join("| " + " | ".join(_inline_markdown(c, numbers) for c in row) + " |" for row in b.rows))
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------- numeric appendix
def _numeric_args(d: Derivation, expr: sp.Expr) -> list[sp.Symbol]:
    extra = sorted((expr.free_symbols - set(d.params)), key=lambda s: s.name)
    return [*d.params, *extra]


def numeric_functions(d: Derivation) -> dict[tuple[int, int], Callable]:
    """NumPy/SciPy functions of the closed-form Fisher entries I_ij (i ≤ j), via ``sympy.lambdify``.

    Each takes the parameters in order, then any other free symbols (covariates, n) sorted by name.
    Entries without a closed form (unevaluated expectations) are left out.

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> numeric_functions(d)[(0, 0)](2.0)
    0.25
    """
    out = {}
    for i in range(len(d.params)):
        for j in range(i, len(d.params)):
            e = d.fisher[i, j]
            if e.has(sp.Integral, sp.Sum):
                continue
            args = _numeric_args(d, e)
            out[(i, j)] = sp.lambdify(args, e, modules=["scipy", "numpy"], cse=True)
    return out


_PLACEHOLDER = "symfisherarg{}"


def numeric_latex(d: Derivation) -> dict[tuple[int, int], str]:
    """The generated numeric functions rendered as math by latexify-py: ``{(i, j): "I_ij(θ) = ..."}``.

    The code is produced by ``sympy.lambdify(..., cse=True)`` and read back by ``latexify.get_latex``
    with ``reduce_assignments=True`` (CSE temporaries folded back in). Arguments are renamed to
    placeholders so that any symbol name renders as valid LaTeX.
    """
    import latexify

    out = {}
    for i in range(len(d.params)):
        for j in range(i, len(d.params)):
            e = d.fisher[i, j]
            if e.has(sp.Integral, sp.Sum):
                continue
            args = _numeric_args(d, e)
            holders = [sp.Symbol(_PLACEHOLDER.format(n)) for n in range(len(args))]
            f = sp.lambdify(holders, e.xreplace(dict(zip(args, holders))), modules=["scipy", "numpy"], cse=True)
            try:
                body = latexify.get_latex(f, reduce_assignments=True, use_math_symbols=True, use_signature=False,
                                          identifiers={"_lambdifygenerated": f"I_{i}{j}"})
            except Exception:  # noqa: BLE001 - latexify cannot read some generated code; skip that entry
                continue
            for n in reversed(range(len(args))):
                body = body.replace(r"\mathrm{" + _PLACEHOLDER.format(n) + "}", "{" + latex_name(args[n].name) + "}")
                body = body.replace(_PLACEHOLDER.format(n), "{" + latex_name(args[n].name) + "}")
            names = ", ".join(latex_name(a.name) for a in args)
            pn = _join(latex_name(d.params[i].name), latex_name(d.params[j].name))
            out[(i, j)] = rf"\mathcal{{I}}_{{{pn}}}({names}) = {body}"
    return out


def _appendix(d: Derivation, pre: str) -> list[_Block]:
    blocks = [_Block("h1", (_T("Numeric implementation"),))]
    code = numeric_latex(d)
    blocks.append(_Block("p", (_T("The Fisher entries compile to NumPy/SciPy functions with "), _Seg("c", "sympy.lambdify"),
                               _T(" (common subexpressions eliminated); latexify-py reads the generated code back as "
                                  "the formulas below, so the code can be checked against the derivation."))))
    for (i, j), tex in code.items():
        lhs, _, rhs = tex.partition(" = ")
        blocks.append(_Block("eq", eq=_Eq((lhs, rhs), f"{pre}code{i}{j}", True)))
    if not code:
        blocks.append(_Block("p", (_T("No entry has a closed form, so no numeric function was generated."),)))
    return blocks


# ---------------------------------------------------------------------------------------------- public
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


def _blocks(d: Derivation, appendix: bool) -> list[_Block]:
    proof = _Proof(d)
    blocks = proof.build()
    if appendix:
        blocks += _appendix(d, proof.pre)
    return blocks


def _title(d: Derivation) -> str:
    return f"Fisher information of the {d.model.name} model"


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
    blocks = _blocks(d, appendix=False)
    body = _render_latex(blocks)
    if appendix:
        body += "\n\\appendix\n\n" + _render_latex(_appendix(d, _label_prefix(d.model.name)))
    if not document:
        return body
    title = escape_text(_title(d))
    return (PREAMBLE + f"\\title{{{title}}}\n\\author{{symfisher}}\n\\date{{}}\n\\begin{{document}}\n\\maketitle\n\n"
            + body + "\n\\end{document}\n")


def derivation_to_markdown(d: Derivation, *, appendix: bool = True) -> str:
    """The proof as Markdown with MathJax math (``$…$`` inline, ``$$…$$`` displays, numbered by ``\\tag``).

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> derivation_to_markdown(d).splitlines()[0]
    '# Fisher information of the model model'
    """
    text = "# " + _MD_SPECIAL.sub(r"\\\1", _title(d)) + "\n\n"
    return text + _render_markdown(_blocks(d, appendix))


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
    fis = _matrix_tex([[math_latex(e) for e in d.fisher.row(i)] for i in range(d.fisher.rows)])
    neh = _matrix_tex([[math_latex(e) for e in d.neg_expected_hessian.row(i)] for i in range(d.fisher.rows)])
    return (rf"$$\begin{{aligned}} \mathcal{{I}}({theta}) &= \mathbb{{E}}[s s^{{\top}}] = {fis} \\ "
            rf"-\mathbb{{E}}[H] &= {neh} \\ &\text{{information equality: {d.equality.status}}} \end{{aligned}}$$")


def verdict_to_latex(v: Verdict) -> str:
    r"""A verdict as one MathJax/LaTeX line: the status in bold, then the reason as text.

    >>> from symfisher.core.verdict import Verdict
    >>> print(verdict_to_latex(Verdict("proved", "the residual is 0")))
    $\textbf{proved}$: the residual is 0
    """
    return rf"$\textbf{{{v.status}}}$: " + str(v.reason).replace("$", r"\$")
