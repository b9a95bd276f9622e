"""The set grammar: supports and domains such as ``"(0, oo)"``, ``"Naturals0"``, ``"x: (0, oo); y: (0, 1)"``.

::

    supports = set | named { ";" named } | simplex ;   (* parse_supports; empty pieces ignored *)
    simplex  = "simplex" [ "(" expression ")" ] ;       (* parse_simplex: {x_i > 0, Σ x_i < total}, total 1 *)
    named    = name ":" set ;                         (* name: a declared data symbol *)
    set      = interval | word | finite | range ;     (* parse_set; at most MAX_LENGTH characters *)
    interval = ( "(" | "[" ) expression "," expression ( ")" | "]" ) ;
    word     = "Reals" | "PositiveReals" | "Naturals0" | "Naturals" | "Integers" ;
    finite   = "{" expression { "," expression } "}" ;       (* integer elements *)
    range    = "range" "(" expression "," expression ")" ;   (* integers or oo; stop excluded *)

Each ``expression`` is read by :func:`~symfisher.text.expressions.parse_expression` with the
symbols given (for a support: parameters and covariates, never data), so bounds such as
``(0, theta]`` work.  Commas split only at the top level (``(0, Max(a, b))`` has two bounds).
An empty set is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import sympy as sp

from symfisher.errors import ModelError
from symfisher.text.expressions import parse_expression
from symfisher.text.lexer import MAX_LENGTH, snippet, split_top_level

__all__ = ["parse_set", "parse_simplex", "parse_supports", "SET_HELP", "SUPPORT_HELP"]

SET_HELP = (
    "A set is an interval '(a, b)', '[a, b]', '(a, b]' or '[a, b)' whose bounds are "
    "model expressions (oo for infinity; they may contain declared symbols), one of "
    "the words Reals, PositiveReals, Naturals0, Naturals, Integers, a finite set of "
    "integers such as '{0, 1, 2}', or 'range(a, b)' for the integers a, ..., b - 1."
)

SUPPORT_HELP = (
    "a support is one set for a single data symbol, e.g. '(-oo, oo)', '(0, theta]', 'Naturals0', "
    "'{0, 1}', 'range(0, n + 1)', or 'NAME: SET' items separated by ';' for several data symbols, "
    "e.g. 'x: (0, oo); y: (0, 1)', or 'simplex' / 'simplex(n)' for the free coordinates of a simplex, "
    "{x_i > 0, Σ x_i < 1} (integer data: counts with Σ k_i ≤ n)"
)

_WORDS: Mapping[str, sp.Set] = {
    "Reals": sp.S.Reals,
    "PositiveReals": sp.Interval.open(0, sp.oo),
    "Naturals0": sp.S.Naturals0,
    "Naturals": sp.S.Naturals,
    "Integers": sp.S.Integers,
}
_RANGE = re.compile(r"range\s*\(.*\)", re.DOTALL)
_NAMED = re.compile(r"\s*([^\W\d]\w*)\s*:(.*)", re.DOTALL)
_SIMPLEX = re.compile(r"\s*simplex\s*(?:\((.*)\))?\s*", re.DOTALL)

# ------------------------------------------------------------------------------ set


def parse_set(text: str, symbols: Mapping[str, sp.Symbol]) -> sp.Set:
    """Parse a support or domain set: an interval, a named set, a finite set or a range.

    Accepted forms (see :data:`SET_HELP`): ``"(a, b)"``, ``"[a, b]"``, ``"(a, b]"``,
    ``"[a, b)"`` with bounds parsed by :func:`parse_expression` (so they may use the
    declared ``symbols`` and ``oo``); ``Reals``, ``PositiveReals`` (the open interval
    ``(0, oo)``), ``Naturals0``, ``Naturals``, ``Integers``; ``"{0, 1, 2}"`` (integers
    only); ``"range(a, b)"`` for :class:`sympy.Range` ``(a, b)``.

    Args:
        text: The set text.
        symbols: Names bounds may use.

    Returns:
        The SymPy set.

    Raises:
        ModelError: If the text is none of the accepted forms, a bound is not an
            allowed expression, or the set is empty.

    >>> parse_set("(0, theta]", {"theta": sp.Symbol("theta", positive=True)})
    Interval.Lopen(0, theta)
    """
    if not isinstance(text, str):
        raise ModelError(f"a set must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ModelError(f"a set is limited to {MAX_LENGTH} characters, got {len(text)}")
    stripped = text.strip()
    if stripped in _WORDS:
        return _WORDS[stripped]
    try:
        result = _form(stripped, symbols)
    except ModelError:
        raise
    except Exception as error:  # SymPy rejected the bounds (e.g. non-integer range)
        detail = str(error).splitlines()[0][:80] if str(error) else type(error).__name__
        raise ModelError(f"invalid set {snippet(stripped)}: {detail}") from None
    if result is sp.S.EmptySet:
        raise ModelError(f"the set {snippet(stripped)} is empty")
    return result


def _form(stripped: str, symbols: Mapping[str, sp.Symbol]) -> sp.Set:
    """Dispatch on the brackets of ``stripped``: interval, finite set or range."""
    if len(stripped) >= 2 and stripped[0] in "([" and stripped[-1] in ")]":
        return _interval(stripped, symbols)
    if len(stripped) >= 2 and stripped[0] == "{" and stripped[-1] == "}":
        return _finite(stripped, symbols)
    if _RANGE.fullmatch(stripped):
        return _range(stripped, symbols)
    raise ModelError(
        f"not a set: {snippet(stripped)}; expected an interval such as '(0, oo)', "
        "a finite set such as '{0, 1}', 'range(a, b)' or one of "
        + ", ".join(_WORDS)
    )


def _part(piece: str, role: str, stripped: str, symbols: Mapping[str, sp.Symbol]) -> sp.Expr:
    """One bound or element, with the set and the role named in any error."""
    try:
        return parse_expression(piece.strip(), symbols)
    except ModelError as error:
        raise ModelError(f"in the {role} of the set {snippet(stripped)}: {error}") from None


def _interval(stripped: str, symbols: Mapping[str, sp.Symbol]) -> sp.Set:
    pieces = split_top_level(stripped[1:-1])
    if len(pieces) != 2:
        raise ModelError(
            f"an interval needs exactly two bounds, got {len(pieces)}: {snippet(stripped)}"
        )
    low = _part(pieces[0], "lower bound", stripped, symbols)
    high = _part(pieces[1], "upper bound", stripped, symbols)
    return sp.Interval(low, high, stripped[0] == "(", stripped[-1] == ")")


def _finite(stripped: str, symbols: Mapping[str, sp.Symbol]) -> sp.Set:
    elements = [_part(p, "elements", stripped, symbols) for p in split_top_level(stripped[1:-1])]
    for element in elements:
        if not element.is_Integer:
            raise ModelError(
                f"a finite set may contain only integers, got {snippet(str(element))}"
                f" in {snippet(stripped)}"
            )
    return sp.FiniteSet(*elements)


def _range(stripped: str, symbols: Mapping[str, sp.Symbol]) -> sp.Set:
    pieces = split_top_level(stripped[stripped.index("(") + 1 : -1])
    if len(pieces) != 2:
        raise ModelError(
            f"range needs exactly two arguments (start, stop), got {len(pieces)}: "
            f"{snippet(stripped)}"
        )
    bounds = [_part(pieces[0], "start", stripped, symbols), _part(pieces[1], "stop", stripped, symbols)]
    for bound in bounds:
        if not (bound.is_integer or bound in (sp.oo, -sp.oo)):
            raise ModelError(
                f"range bounds must be integers or oo, got {snippet(str(bound))} "
                f"in {snippet(stripped)}"
            )
    return sp.Range(*bounds)


# ------------------------------------------------------------------------- supports


def parse_simplex(text: str | None, symbols: Mapping[str, sp.Symbol]) -> sp.Expr | None:
    """The total of a ``"simplex"`` / ``"simplex(total)"`` support (1 when not given), else ``None``.

    >>> n = sp.Symbol("n", positive=True, integer=True)
    >>> parse_simplex("simplex", {}), parse_simplex(" simplex(n) ", {"n": n}), parse_simplex("(0, 1)", {})
    (1, n, None)
    """
    match = _SIMPLEX.fullmatch(text or "")
    if match is None:
        return None
    if match.group(1) is None:
        return sp.S.One
    if not match.group(1).strip():
        raise ModelError("simplex() needs its total, e.g. 'simplex(n)', or no parentheses for a total of 1")
    return parse_expression(match.group(1), symbols)


def parse_supports(text: str | None, data: Sequence[str],
                   symbols: Mapping[str, sp.Symbol]) -> dict[str, sp.Set] | None:
    """Parse the support of each data symbol: one set, or ``"x: SET; y: SET"`` items.

    A single piece that does not start with ``NAME:`` for a data name is the support of the
    only data symbol.  See :data:`SUPPORT_HELP`.

    Args:
        text: The support text; ``None`` or blank means none is given.
        data: The names of the data symbols, in order.
        symbols: The names set bounds may use (parameters and covariates, never data).

    Returns:
        Data name → its support set, or ``None`` when no support is given.

    Raises:
        ModelError: If a piece names no data symbol, a data symbol gets no support or two,
            or a set does not parse (the message names the data symbol).

    >>> parse_supports("x: (0, oo); y: {0, 1}", ["x", "y"], {})
    {'x': Interval.open(0, oo), 'y': {0, 1}}
    """
    if text is None or not text.strip():
        return None
    pieces = [p for p in text.split(";") if p.strip()]
    named = [_NAMED.fullmatch(p) for p in pieces]
    if len(pieces) == 1 and (named[0] is None or named[0].group(1) not in data):
        if len(data) != 1:
            raise ModelError(f"with several data symbols ({', '.join(data)}), {SUPPORT_HELP}")
        return {data[0]: _support(pieces[0], data[0], symbols)}
    out: dict[str, sp.Set] = {}
    for piece, match in zip(pieces, named):
        if match is None or match.group(1) not in data:
            raise ModelError(f"{piece.strip()[:40]!r} does not name a data symbol; {SUPPORT_HELP}")
        key = match.group(1)
        if key in out:
            raise ModelError(f"the support of {key} is given twice")
        out[key] = _support(match.group(2), key, symbols)
    missing = [n for n in data if n not in out]
    if missing:
        raise ModelError(f"no support given for data symbol(s) {', '.join(missing)}; {SUPPORT_HELP}")
    return out


def _support(text: str, data_name: str, symbols: Mapping[str, sp.Symbol]) -> sp.Set:
    try:
        return parse_set(text, symbols)
    except ModelError as exc:
        raise ModelError(f"support of {data_name}: {exc}") from None
