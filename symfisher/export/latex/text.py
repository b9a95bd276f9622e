r"""Plain text and symbol names as safe ASCII LaTeX.

:func:`escape_text` makes running text safe in text mode (TeX specials escaped, Greek letters and
math signs as inline math, other Unicode folded to ASCII); :func:`latex_name` turns a symbol name
(``sigma``, ``x_1_2``, ``σ2``) into math (Greek commands, subscripts, ``\mathit`` words).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["escape_text", "escape_code", "latex_name", "greek_command", "unicode_greek"]

_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma "
          "tau upsilon phi chi psi omega").split()
_CAPITAL_COMMANDS = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}
_CAPITAL_LATIN = {"Alpha": "A", "Beta": "B", "Epsilon": "E", "Zeta": "Z", "Eta": "H", "Iota": "I", "Kappa": "K",
                  "Mu": "M", "Nu": "N", "Omicron": "O", "Rho": "P", "Tau": "T", "Chi": "X"}


def greek_command(word: str) -> str | None:
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


def unicode_greek(ch: str) -> str | None:
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
    return greek_command(word)


#: Unicode characters the engine's messages use, as LaTeX math.
_UNICODE_MATH = {"≠": r"\neq", "∈": r"\in", "∉": r"\notin", "ᵀ": r"^{\top}", "−": "-", "×": r"\times",
                 "≤": r"\leq", "≥": r"\geq", "∞": r"\infty", "∂": r"\partial", "·": r"\cdot", "→": r"\to",
                 "∑": r"\sum", "∫": r"\int", "²": "^{2}", "³": "^{3}", "¹": "^{1}", "≈": r"\approx",
                 "±": r"\pm", "∇": r"\nabla", "ℓ": r"\ell", "⊤": r"\top", "∅": r"\emptyset",
                 "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "₃": "_{3}", "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}",
                 "ℤ": r"\mathbb{Z}", "√": r"\surd", "∀": r"\forall", "∃": r"\exists", "⇒": r"\Rightarrow",
                 "↦": r"\mapsto", "∘": r"\circ", "′": r"'", "∼": r"\sim", "⁰": "^{0}", "⁴": "^{4}", "⁵": "^{5}",
                 "⁶": "^{6}", "⁷": "^{7}", "⁸": "^{8}", "⁹": "^{9}", "⁻": "^{-}",
                 "½": r"\tfrac{1}{2}"}
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

    A run of superscripts is one exponent: ``ℝ¹²`` is ``$\\mathbb{R}$$^{12}$``.
    """
    text, pieces, last = str(text), [], 0
    for run in _SUPERSCRIPT_RUN.finditer(text):
        pieces += [_escape_chars(text[last:run.start()]), "$^{" + run.group().translate(_SUPERSCRIPT_DIGITS) + "}$"]
        last = run.end()
    return "".join(pieces) + _escape_chars(text[last:])


_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]{2,}")


def _escape_chars(text: str) -> str:
    """``escape_text`` character by character."""
    out = []
    for ch in text:
        if ch in _TEXT_SPECIAL:
            out.append(_TEXT_SPECIAL[ch])
        elif ch in "\n\r\t":
            out.append(" ")
        elif " " <= ch <= "~":
            out.append(ch)
        elif ch in _UNICODE_TEXT:
            out.append(_UNICODE_TEXT[ch])
        elif (g := unicode_greek(ch) or _UNICODE_MATH.get(ch)) is not None:
            out.append(f"${g}$")
        else:
            out.append(_ascii_fold(ch))
    return "".join(out)


def escape_code(text: str) -> str:
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
    if (g := greek_command(part)) is not None:
        return g
    if len(part) == 1 and (g := unicode_greek(part) or _UNICODE_MATH.get(part)) is not None:
        return g
    if part.isascii() and part.isalnum():
        return r"\mathit{" + part + "}"
    pieces, word = [], ""
    for ch in part:  # mixed: Greek letters as commands, the rest as escaped upright text
        g = unicode_greek(ch)
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
    if m and (len(m.group(1)) == 1 or greek_command(m.group(1)) or all(unicode_greek(c) for c in m.group(1))):
        base, subs = m.group(1), [m.group(2), *subs]
    out = _name_part(base)
    if subs:
        out += "_{" + ",".join(_name_part(s) for s in subs) + "}"
    return out
