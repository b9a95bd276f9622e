"""The document model shared by the LaTeX and Markdown renderers: segments of running text, displayed
equations and blocks; and :func:`note_segments`, which typesets a :class:`~symfisher.core.note.Note`
from its parts (prose as text, SymPy objects as math) without reading its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from symfisher.core.note import Note
from symfisher.export.latex.printer import math_latex

__all__ = ["Seg", "Display", "Block", "prose", "formula", "note_segments", "join_names", "label_prefix"]


@dataclass(frozen=True)
class Seg:
    """A piece of running text: "t" plain text, "m" math, "c" code, "e" emphasis, "r" equation reference,
    "raw" LaTeX passed through."""

    kind: str
    text: str


@dataclass(frozen=True)
class Display:
    """A displayed equation: ``parts[0] = parts[1] = ...``, or ``parts = [matrix]`` when ``matrix`` is set."""

    parts: tuple[str, ...]
    label: str = ""
    numbered: bool = True
    matrix: tuple[tuple[str, ...], ...] = ()  # rows of entry LaTeX


@dataclass(frozen=True)
class Block:
    """One block of the document: "h1", "h2", "p" (``inline``), "eq" (``eq``), "items" or "table" (``rows``)."""

    kind: str
    inline: tuple = ()
    eq: Display | None = None
    items: tuple = ()
    rows: tuple = ()


def prose(text: str) -> Seg:
    """Plain running text."""
    return Seg("t", text)


def formula(tex: str) -> Seg:
    """Inline math (LaTeX, without the dollars)."""
    return Seg("m", tex)


def note_segments(note: str) -> list[Seg]:
    r"""A note typeset from its parts: prose as text, SymPy objects as math (:func:`math_latex`).

    Any other string (a user's message, a note without parts) is text only: nothing is parsed.

    >>> from symfisher.core.note import eq
    >>> note_segments(Note.of("exponential family (", eq(sp.Symbol("η"), sp.Symbol("alpha") - 1), ")"))
    [Seg(kind='t', text='exponential family ('), Seg(kind='m', text='\\eta = \\alpha - 1'), Seg(kind='t', text=')')]
    >>> note_segments("E[s] = 0")
    [Seg(kind='t', text='E[s] = 0')]
    """
    if not isinstance(note, Note):
        return [prose(str(note))] if note else []
    out = []
    for part in note.parts:
        if isinstance(part, str):
            out.append(prose(part))
        elif isinstance(part, tuple):
            out.append(formula(r"\left(" + ", ".join(math_latex(p) for p in part) + r"\right)"))
        else:
            out.append(formula(math_latex(part)))
    return out


def model_symbols(d) -> set:
    """The symbols a proof of the derivation ``d`` shows: its log p's and its parameters (for
    :func:`~symfisher.export.latex.printer.euler_constant_beside`)."""
    return d.model.logpdf.free_symbols | set(d.params)


def join_names(first: str, second: str) -> str:
    """Two names side by side (``\\mu`` then ``b`` must not become ``\\mub``)."""
    return first + ("{}" if re.search(r"\\[A-Za-z]+$", first) and second[:1].isalpha() else "") + second


def label_prefix(name: str) -> str:
    """The prefix of a model's equation labels: ``eq:<name>:``, with the name reduced to a safe slug."""
    return "eq:" + (re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "model") + ":"
