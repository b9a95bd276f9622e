r"""Notes: intermediate results as data — prose pieces and labelled SymPy objects, in order.

A strategy, the verdict and the derivation describe what they did (``Expectation.detail``,
``Step.detail``, ``Verdict.facts``, ``Verdict.reason``) with a :class:`Note`. A note *is* a ``str``
(the one-line message, so ``"E[s] = 0" in reason``, f-strings and logs work as before) and also
carries its :attr:`~Note.parts`: prose (``str``) and SymPy objects (expressions, relations, sets,
matrices, tuples of them). The exporters typeset the parts — prose as text, SymPy objects as math —
and never parse the prose back, so rewording a message cannot change a typeset formula.

Named quantities and fixed statements of the proof that are not expressions of the model (E[s sᵀ],
−E[H], I(θ), Stein's identity) are :class:`Label` symbols; E[f] of an expression f is
:class:`ExpectedValue`. Both print as the message text with ``sp.sstr`` and as math with any SymPy
LaTeX printer (their ``_latex`` hook).

>>> eta, sigma = sp.Symbol("η"), sp.Symbol("sigma", positive=True)
>>> n = Note.of("exponential family (", eq(eta, -1 / (2 * sigma**2)), ")", rule="exponential family")
>>> n
Note('exponential family (η = -1/(2*sigma**2))')
>>> n == "exponential family (η = -1/(2*sigma**2))", n.parts[1].rhs, n.rule
(True, -1/(2*sigma**2), 'exponential family')
"""

from __future__ import annotations

from typing import Iterable, Mapping, NamedTuple, Union

import sympy as sp
from sympy.core.relational import Relational
from sympy.printing.str import StrPrinter

from symfisher.core.renaming import renamed
from symfisher.core.size import more_nodes_than

__all__ = ["Note", "Part", "Label", "ExpectedValue", "eq", "member", "listed", "plain",
           "THETA", "SCORE", "MEAN_SCORE", "OUTER", "NEG_HESSIAN", "FISHER", "REDUCED_FISHER", "REDUCED_NEG_HESSIAN",
           "STEIN_IDENTITY", "GAUSSIAN_BY_PARTS"]

#: One piece of a note: prose, a SymPy object, or a tuple of SymPy objects (shown as ``(a, b)``).
Part = Union[str, sp.Basic, tuple]

#: The LaTeX of every :class:`Label` (labels are module constants, so a note pickled in the derivation
#: worker unpickles to the same labels in the parent).
_LABELS = {
    "E[s sᵀ]": r"\mathbb{E}[s s^{\top}]",
    "−E[H]": r"-\mathbb{E}[H]",
    "I(θ)": r"\mathcal{I}(\theta)",
    "I_φ": r"\mathcal{I}_{\phi}",
    "−E[H_φ]": r"-\mathbb{E}[H_{\phi}]",
    "E[C_i h(C)] = Σ_j Σ_ij E[∂_j h(C)]": r"\mathbb{E}[C_i\, h(C)] = \sum_j \Sigma_{ij}\, \mathbb{E}[\partial_j h(C)]",
    "E[(P(x − m))_a h(x)] = E[∂h/∂x_a]": r"\mathbb{E}[(P(x - m))_a\, h(x)] = \mathbb{E}[\partial h / \partial x_a]",
    "E = Σ_k P_k E_k": r"\mathbb{E} = \sum_k P_k\, \mathbb{E}_k",
    "I_ij = ∂_iμᵀ Σ⁻¹ ∂_jμ + ½ tr(Σ⁻¹ ∂_iΣ Σ⁻¹ ∂_jΣ)":
        r"\mathcal{I}_{ij} = \partial_i\mu^{\top} \Sigma^{-1} \partial_j\mu"
        r" + \tfrac{1}{2} \operatorname{tr}(\Sigma^{-1} \partial_i\Sigma\, \Sigma^{-1} \partial_j\Sigma)",
    "E[erf(aZ + b)] = erf(b/√(1 + 2a²)), E[Z h(Z)] = E[h′(Z)], Z ~ N(0, 1)":
        r"\mathbb{E}[\operatorname{erf}(aZ + b)] = \operatorname{erf}\big(b/\sqrt{1 + 2a^2}\big),\ "
        r"\mathbb{E}[Z\, h(Z)] = \mathbb{E}[h'(Z)],\ Z \sim \mathcal{N}(0, 1)",
    "E[s sᵀ + H] = ∫ ∂²p/∂θ∂θᵀ dx = [∂²F/∂θ∂θᵀ] between the ends":
        r"\mathbb{E}[s s^{\top} + H] = \int \frac{\partial^2 p}{\partial\theta\, \partial\theta^{\top}}\, dx"
        r" = \Big[\frac{\partial^2 F}{\partial\theta\, \partial\theta^{\top}}\Big]"
        r"_{\text{lower end}}^{\text{upper end}}",
    "E[q(X) e^{cX}] = e^{cm + c²v/2} E[q(Y)], Y ~ N(m + cv, v)":
        r"\mathbb{E}[q(X)\, e^{cX}] = e^{cm + c^2 v/2}\, \mathbb{E}[q(Y)],\ Y \sim \mathcal{N}(m + cv, v)",
}


class Label(sp.Symbol):
    r"""A named quantity or fixed statement of the proof, e.g. ``E[s sᵀ]``: its name is the message text and
    ``_latex`` gives its math.

    >>> sp.sstr(OUTER), sp.latex(OUTER)
    ('E[s sᵀ]', '\\mathbb{E}[s s^{\\top}]')

    Raises:
        ValueError: a name with no LaTeX in the table of labels.
    """

    def __new__(cls, name: str, **assumptions):
        if name not in _LABELS:
            raise ValueError(f"unknown label {name!r}: a label needs its LaTeX in symfisher.core.note._LABELS")
        return super().__new__(cls, name, **assumptions)

    def _latex(self, printer, **kwargs) -> str:  # noqa: ARG002 - SymPy's printer hook
        return _LABELS[self.name]


class ExpectedValue(sp.Function):
    r"""E[f], unevaluated: the expectation of f over the data, as a term in a note.

    >>> s_mu, s_sigma = sp.symbols("s_mu s_sigma")
    >>> e = ExpectedValue(s_mu * s_sigma)
    >>> sp.sstr(e), sp.latex(e)
    ('E[s_mu s_sigma]', '\\mathbb{E}\\left[s_{\\mu} s_{\\sigma}\\right]')
    """

    nargs = 1

    def _sympystr(self, printer) -> str:
        arg = self.args[0]
        if arg.is_Mul and all(a.is_Symbol for a in arg.args):  # E[s_mu s_sigma], as written in prose
            return "E[" + " ".join(printer._print(a) for a in arg.args) + "]"
        return "E[" + printer._print(arg) + "]"

    def _latex(self, printer, exp=None, **kwargs) -> str:  # noqa: ARG002 - SymPy's printer hook
        arg = self.args[0]
        inner = printer._print(arg)
        tex = (r"\mathbb{E}[" + inner + "]") if arg.is_Atom else (r"\mathbb{E}\left[" + inner + r"\right]")
        return tex if exp is None else r"\left(" + tex + r"\right)^{" + exp + "}"


THETA = sp.Symbol("θ")
SCORE = sp.Symbol("s")
MEAN_SCORE = ExpectedValue(SCORE)  # E[s]
OUTER = Label("E[s sᵀ]")
NEG_HESSIAN = Label("−E[H]")
FISHER = Label("I(θ)")
REDUCED_FISHER = Label("I_φ")
REDUCED_NEG_HESSIAN = Label("−E[H_φ]")
STEIN_IDENTITY = Label("E[C_i h(C)] = Σ_j Σ_ij E[∂_j h(C)]")  # C ~ N(0, Σ)
GAUSSIAN_BY_PARTS = Label("E[(P(x − m))_a h(x)] = E[∂h/∂x_a]")  # x ~ N(m, P⁻¹)
PIECEWISE_MIXTURE = Label("E = Σ_k P_k E_k")  # piece k with probability P_k and expectation E_k
SLEPIAN_BANGS = Label("I_ij = ∂_iμᵀ Σ⁻¹ ∂_jμ + ½ tr(Σ⁻¹ ∂_iΣ Σ⁻¹ ∂_jΣ)")  # x ~ N(μ(θ), Σ(θ))
GAUSSIAN_ERF = Label("E[erf(aZ + b)] = erf(b/√(1 + 2a²)), E[Z h(Z)] = E[h′(Z)], Z ~ N(0, 1)")  # Stein's identity
AT_THE_ENDS = Label("E[s sᵀ + H] = ∫ ∂²p/∂θ∂θᵀ dx = [∂²F/∂θ∂θᵀ] between the ends")  # F an antiderivative of p
TILTED_NORMAL = Label("E[q(X) e^{cX}] = e^{cm + c²v/2} E[q(Y)], Y ~ N(m + cv, v)")  # X ~ N(m, v), q a polynomial


def eq(lhs: object, rhs: object) -> sp.Eq:
    """``lhs = rhs`` as an unevaluated ``Eq`` (never collapses to ``True``).

    >>> plain(eq(sp.Symbol("T"), sp.Symbol("x") ** 2))
    'T = x**2'
    """
    return sp.Eq(_basic(lhs), _basic(rhs), evaluate=False)


def member(x: object, s: sp.Set) -> sp.Contains:
    """``x ∈ s`` as an unevaluated ``Contains``.

    >>> plain(member(sp.Symbol("x", positive=True), sp.Interval.open(0, sp.oo)))
    'x ∈ (0, oo)'
    """
    return sp.Contains(_basic(x), s, evaluate=False)


def superscript(n: int) -> str:
    """``n`` in superscript digits, for prose such as ℝ³ (the LaTeX export types them as math).

    >>> "ℝ" + superscript(12)
    'ℝ¹²'
    """
    return str(n).translate(_SUPERSCRIPTS)


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def listed(items: Iterable[Part], separator: str = ", ") -> list[Part]:
    """The pieces of ``separator.join(items)`` for :meth:`Note.of`: ``[a, ", ", b, ", ", c]``.

    >>> str(Note.of("valid only for ", *listed([sp.Symbol("k") > 1, sp.Symbol("k") < 3], " and ")))
    'valid only for k > 1 and k < 3'
    """
    out: list[Part] = []
    for item in items:
        out += [separator, item] if out else [item]
    return out


def _basic(value: object) -> sp.Basic:
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, sp.MatrixBase)):
        raise TypeError(f"a note's math must be a SymPy object or an int, got {type(value).__name__}")
    return sp.ImmutableMatrix(value) if isinstance(value, sp.MatrixBase) else sp.Integer(value)


def plain(part: Part) -> str:
    """A part as message text: prose as it is, SymPy objects by ``sp.sstr``, with ``=``, ``≠``, ``∈`` between
    the sides of a relation and vectors and matrices as (nested) lists. An expression of over
    :data:`SORTED_PRINT_NODES` nodes keeps SymPy's own order of terms: sorting the terms of long series
    for print took two thirds of the printing (0.5 s over the open atoms of a log-gamma series density).

    >>> plain(eq(MEAN_SCORE, sp.ImmutableMatrix([[0, -1 / sp.Symbol("theta")]])))
    'E[s] = [0, -1/theta]'
    """
    if isinstance(part, str):
        return str(part)
    if isinstance(part, tuple):
        return "(" + ", ".join(plain(p) for p in part) + ("," if len(part) == 1 else "") + ")"
    if isinstance(part, sp.MatrixBase):
        return sp.sstr(list(part) if 1 in part.shape else part.tolist())
    if isinstance(part, (sp.Eq, sp.Ne)):
        return plain(part.lhs) + (" = " if isinstance(part, sp.Eq) else " ≠ ") + plain(part.rhs)
    if isinstance(part, sp.Contains):
        return plain(part.args[0]) + " ∈ " + plain(part.args[1])
    if isinstance(part, sp.Set):
        return written_set(part)
    return _NotePrinter({"order": "none" if more_nodes_than(part, SORTED_PRINT_NODES) else None}).doprint(part)


class _NotePrinter(StrPrinter):
    """``sp.sstr`` with integrals and derivatives as a formula is written, not as SymPy's constructors.

    >>> u, s, j = sp.symbols("u s j")
    >>> plain(eq(sp.Integral(u**s, (u, 0, 1)), sp.Derivative(1 / (s + 1), (s, j))))
    '∫_0^1 u**s du = ∂^j/∂s^j (1/(s + 1))'
    """

    def _bound(self, e: sp.Expr) -> str:
        text = self._print(e)
        return text if e.is_Atom and not text.startswith("-") else f"({text})"

    def _print_Integral(self, e: sp.Integral) -> str:
        out = self._print(e.function)
        out = f"({out})" if e.function.is_Add else out
        for limit in e.limits:
            x = self._print(limit[0])
            bounds = f"_{self._bound(limit[1])}^{self._bound(limit[2])}" if len(limit) == 3 else ""
            out = f"∫{bounds} {out} d{x}"
        return out

    def _print_Derivative(self, e: sp.Derivative) -> str:
        total = sum(count for _, count in e.variable_count)
        top = "∂" if total == 1 else f"∂^{self._print(total)}"
        below = " ".join("∂" + self._print(v) + ("" if c == 1 else "^" + self._print(c)) for v, c in e.variable_count)
        inner = self._print(e.expr)
        return f"{top}/{below} " + (inner if e.expr.is_Atom or e.expr.is_Function else f"({inner})")


def written_set(s: sp.Set) -> str:
    """A set as a declaration writes it: ``(0, oo)``, ``[0, 1)``, ``{0, 1, …, n}``, ``(0, 1) ∪ (2, 3)``,
    ``(0, 1) × (0, 1)``; other sets (ℕ₀ is ``Naturals0``) as SymPy prints them.

    >>> written_set(sp.Interval.Lopen(0, sp.Symbol("theta"))), written_set(sp.Range(0, sp.Symbol("n") + 1))
    ('(0, theta]', '{0, 1, …, n}')
    """
    if isinstance(s, sp.Interval):
        return f"{'(' if s.left_open else '['}{plain(s.inf)}, {plain(s.sup)}{')' if s.right_open else ']'}"
    if isinstance(s, sp.Union):
        return " ∪ ".join(written_set(a) for a in s.args)
    if isinstance(s, sp.Range) and s.step == 1 and s.start.is_finite and not (s.stop - s.start).is_number:
        return f"{{{plain(s.start)}, {plain(s.start + 1)}, …, {plain(s.stop - 1)}}}"
    if isinstance(s, sp.Range) and s.step == 1 and s.start.is_finite and (s.stop - s.start > 4) is sp.true:
        return f"{{{plain(s.start)}, {plain(s.start + 1)}, …{'' if s.stop is sp.oo else ', ' + plain(s.stop - 1)}}}"
    if isinstance(s, (sp.FiniteSet, sp.Range)) and s.is_finite_set:
        return "{" + ", ".join(plain(a) for a in s) + "}"
    if isinstance(s, sp.ProductSet):
        return " × ".join(written_set(a) for a in s.args)
    return sp.sstr(s)


#: expressions up to this many nodes print with their terms sorted (SymPy's default order), larger ones as stored
SORTED_PRINT_NODES = 150


class Note(str):
    """A one-line message that also carries its pieces: prose and SymPy objects, in order.

    Equal to, hashed as and formatted as its text; ``note + "..."`` and ``"..." + note`` stay notes.
    Build one with :meth:`of` (or :meth:`join`); ``Note(text)`` is prose only.

    Attributes:
        parts: The pieces: ``str`` (prose) or SymPy objects / tuples of them (math). The text is
            ``"".join(plain(p) for p in parts)``.
        rule: The rule the producer applied (``"Gamma integral"``), or ``""``.
    """

    parts: tuple[Part, ...]
    rule: str

    def __new__(cls, text: str = "", *, rule: str = "") -> Note:
        return cls._make(str(text), (str(text),) if text else (), rule)

    @classmethod
    def _make(cls, text: str, parts: tuple[Part, ...], rule: str) -> Note:
        self = super().__new__(cls, text)
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "rule", str(rule))
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Note is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Note is immutable: cannot delete {name!r}")

    @classmethod
    def of(cls, *parts: Part | int, rule: str = "") -> Note:
        """A note from its pieces: prose (``str``, notes are spliced in) and SymPy objects.

        Adjacent prose is merged and empty prose dropped; ints become SymPy integers.

        >>> n = Note.of("support independent of ", THETA)
        >>> str(n), n.parts
        ('support independent of θ', ('support independent of ', θ))

        Raises:
            TypeError: a piece that is neither text nor a SymPy object.
        """
        flat: list[Part] = []
        text: list[str] = []  # a spliced note brings its text: its pieces are not printed again
        for p in parts:
            if isinstance(p, Note):
                text.append(str(p))
                pieces = p.parts
            else:
                p = str(p) if isinstance(p, str) else tuple(_basic(v) for v in p) if isinstance(p, tuple) else _basic(p)
                text.append(plain(p))
                pieces = (p,)
            for q in pieces:
                if isinstance(q, str):
                    if not q:
                        continue
                    if flat and isinstance(flat[-1], str):
                        flat[-1] += q
                        continue
                flat.append(q)
        return cls._make("".join(text), tuple(flat), rule)

    @classmethod
    def join(cls, separator: str, notes: Iterable[str]) -> Note:
        """``separator.join(notes)`` keeping the pieces; the rule is kept when all the notes share it.

        >>> Note.join("; ", [Note.of(eq(SCORE, 0)), "done"]).parts
        (Eq(s, 0), '; done')
        """
        notes = list(notes)
        pieces: list[Part] = []
        for n, note in enumerate(notes):
            pieces += [separator, note] if n else [note]
        rules = {getattr(n, "rule", "") for n in notes}
        return cls.of(*pieces, rule=rules.pop() if len(rules) == 1 else "")

    @property
    def math(self) -> tuple[sp.Basic | tuple, ...]:
        """The SymPy pieces, in order."""
        return tuple(p for p in self.parts if not isinstance(p, str))

    def xreplace(self, rule: Mapping[sp.Basic, sp.Basic]) -> Note:
        """The note with ``rule`` applied to every SymPy piece (e.g. dummies → user symbols): a renaming
        (:func:`~symfisher.core.renaming.renamed`), so piecewise pieces and relations are not evaluated again."""
        def sub(p: Part) -> Part:
            if isinstance(p, str):
                return p
            if isinstance(p, tuple):
                return tuple(renamed(v, rule) for v in p)
            return renamed(p, rule)

        return Note.of(*(sub(p) for p in self.parts), rule=self.rule)

    def __add__(self, other: object) -> Note:
        if not isinstance(other, str):
            return NotImplemented
        return Note.of(self, other, rule=self.rule)

    def __radd__(self, other: object) -> Note:
        if not isinstance(other, str):
            return NotImplemented
        return Note.of(other, self, rule=self.rule)

    def __reduce__(self):
        return (_rebuild, (str(self), tuple(_pack(p) for p in self.parts), self.rule))

    def __repr__(self) -> str:
        return f"Note({str.__repr__(self)})"


class _Unevaluated(NamedTuple):
    """A relation or ``Contains`` in a pickle: SymPy would evaluate it on unpickling (``Eq(E[s], M)`` → False)."""

    func: type
    args: tuple


def _pack(part: Part) -> object:
    if isinstance(part, (Relational, sp.Contains)):
        return _Unevaluated(part.func, part.args)
    return part


def _rebuild(text: str, parts: tuple, rule: str) -> Note:
    """Unpickling: the note as it was (relations stay unevaluated; the text is not recomputed)."""
    return Note._make(text, tuple(p.func(*p.args, evaluate=False) if isinstance(p, _Unevaluated) else p
                                  for p in parts), rule)
