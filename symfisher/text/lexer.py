"""The lexical layer of the text grammars: size limits, characters, brackets and positions.

Every text grammar of :mod:`symfisher.text` (expressions, symbol specifications, sets) reads
its input through these rules first.  An expression text is one logical line::

    text     = { char } ;                     (* at most MAX_LENGTH characters *)
    char     = ? any character but "#" and Unicode category C (control, format, ...) ? ;
    space    = " " | "\\t" | "\\n" | "\\r" | "\\f" | "\\v" ;   (* all read as " " *)
    power    = "^" ;                          (* read as "**": x^2 means x**2 *)
    open     = "(" | "[" | "{" ;
    close    = ")" | "]" | "}" ;              (* at most max_depth open brackets at a time *)

:class:`Source` applies the rewrites (spaces, ``^`` → ``**``, leading blanks dropped) and maps
every position of the rewritten text back to a 1-based column of the user's text, so that
each :class:`~symfisher.errors.ModelError` names where the problem is.  :func:`prescan` rejects
control characters, comments and too-deep brackets before :func:`ast.parse` sees the text.

The ``MAX_*`` constants bound the work SymPy's eager evaluation of numbers may do
(``9**9**9``, ``factorial(10**9)``); the grammars enforce them.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from typing import NoReturn

from symfisher.errors import ModelError

__all__ = [
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_LITERAL_DIGITS",
    "MAX_EXPONENT",
    "MAX_MAGNITUDE_DIGITS",
    "MAX_RADICAND_DIGITS",
    "MAX_GAMMA_ARGUMENT",
    "MAX_POLYGAMMA_ORDER",
    "MAX_EVALF_DIGITS",
    "MAX_NAME_LENGTH",
    "NOT_ALLOWED",
    "Source",
    "snippet",
    "prescan",
    "split_top_level",
]

# --------------------------------------------------------------------------- limits

#: Default maximum length of an expression text, in characters.
MAX_LENGTH = 2000
#: Default maximum nesting depth (brackets, and levels of the syntax tree).
MAX_DEPTH = 50
#: Integer literals may have at most this many decimal digits (decimal literals,
#: written out in full, too).
MAX_LITERAL_DIGITS = 100
#: A power whose exponent is a number may not have ``|exponent|`` above this.
MAX_EXPONENT = 10_000
#: Numeric sub-expressions may not (by a cheap upper bound) exceed 10**this.  It is
#: below Python's 4300-digit limit on printing integers.
MAX_MAGNITUDE_DIGITS = 4000
#: Irrational roots of integers longer than this many digits are rejected (SymPy
#: factors the radicand, which gets slow quickly).
MAX_RADICAND_DIGITS = 300
#: Numeric arguments of the gamma family (gamma, factorial, polygamma, ...) that
#: SymPy evaluates exactly must satisfy ``|value| <= MAX_GAMMA_ARGUMENT``.
MAX_GAMMA_ARGUMENT = 200
#: Numeric orders of ``polygamma`` must satisfy ``|order| <= MAX_POLYGAMMA_ORDER``.
MAX_POLYGAMMA_ORDER = 20
#: Abs, floor, Min, ... of numeric non-algebraic arguments possibly above 10**this
#: stay unevaluated (deciding them needs high-precision numerics).
MAX_EVALF_DIGITS = 100
#: Maximum length of a symbol name.
MAX_NAME_LENGTH = 30

# ------------------------------------------------------------------------ messages

#: The one-line message of every "not allowed" rejection in an expression.
NOT_ALLOWED = "{what} is not allowed in a model expression: {snippet} at column {column}"

_SNIPPET_LIMIT = 40
_OPEN, _CLOSE = "([{", ")]}"


def snippet(text: str) -> str:
    """Return ``repr`` of ``text``, shortened to keep error messages on one line.

    >>> snippet("x" * 50)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"
    """
    if len(text) > _SNIPPET_LIMIT:
        text = text[: _SNIPPET_LIMIT - 3] + "..."
    return repr(text)


# -------------------------------------------------------------------------- source


class Source:
    """The text handed to :func:`ast.parse`, with positions mapped back to the original.

    Line breaks and tabs are replaced by spaces (the expression is one logical line),
    leading whitespace is dropped, and every ``^`` becomes ``**``.

    Attributes:
        original: The user's text with whitespace characters normalized to spaces.
        parsed: The text actually parsed.

    >>> source = Source(" x^2")
    >>> source.parsed, source.char_offset(3)
    ('x**2', 3)
    """

    def __init__(self, text: str) -> None:
        self.original = re.sub(r"[\t\n\r\f\v]", " ", text)
        start = len(self.original) - len(self.original.lstrip(" "))
        pieces: list[str] = []
        index: list[int] = []
        for position in range(start, len(self.original)):
            char = self.original[position]
            if char == "^":
                pieces.append("**")
                index.extend((position, position))
            else:
                pieces.append(char)
                index.append(position)
        index.append(len(self.original))
        self.parsed = "".join(pieces)
        self._index = index
        self._encoded = self.parsed.encode("utf-8")

    def offset(self, byte_offset: int) -> int:
        """Map a UTF-8 byte offset in :attr:`parsed` to a character offset in :attr:`original`."""
        chars = len(self._encoded[:byte_offset].decode("utf-8", "ignore"))
        return self._index[min(chars, len(self._index) - 1)]

    def char_offset(self, parsed_char_offset: int) -> int:
        """Map a character offset in :attr:`parsed` to one in :attr:`original`."""
        return self._index[max(0, min(parsed_char_offset, len(self._index) - 1))]

    def span(self, node: ast.AST) -> tuple[int, str]:
        """Return the 1-based column and the original text of ``node``."""
        begin = self.offset(getattr(node, "col_offset", 0))
        end_offset = getattr(node, "end_col_offset", None)
        end = self.offset(end_offset) if end_offset is not None else begin + 1
        return begin + 1, self.original[begin:end]

    def fail(self, node: ast.AST, what: str) -> NoReturn:
        """Raise the standard "not allowed" :class:`ModelError` for ``node``."""
        column, text = self.span(node)
        raise ModelError(NOT_ALLOWED.format(what=what, snippet=snippet(text), column=column))


# ------------------------------------------------------------------------- prescan


def prescan(source: Source, max_depth: int) -> None:
    """Reject control characters, comments and too-deep brackets before parsing.

    Raises:
        ModelError: At the first offending character, naming its column.
    """
    depth = 0
    for position, char in enumerate(source.original):
        _check_char(source, position, char)
        if char in _OPEN:
            depth += 1
            if depth > max_depth:
                raise ModelError(NOT_ALLOWED.format(
                    what=f"nesting deeper than {max_depth} levels",
                    snippet=snippet(source.original[position:]),
                    column=position + 1,
                ))
        elif char in _CLOSE:
            depth = max(0, depth - 1)


def _check_char(source: Source, position: int, char: str) -> None:
    if unicodedata.category(char).startswith("C"):
        raise ModelError(
            f"the control character U+{ord(char):04X} is not allowed in a model "
            f"expression at column {position + 1}"
        )
    if char == "#":
        raise ModelError(
            "a comment ('#') is not allowed in a model expression: "
            f"{snippet(source.original[position:])} at column {position + 1}"
        )


def split_top_level(text: str) -> list[str]:
    """Split at commas not nested inside brackets.

    >>> split_top_level("a, f(b, c), {d, e}")
    ['a', ' f(b, c)', ' {d, e}']
    """
    parts: list[str] = []
    depth, start = 0, 0
    for position, char in enumerate(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    parts.append(text[start:])
    return parts
