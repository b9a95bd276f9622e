"""The symbol-declaration grammar: ``"p:(0,1) mu:real sigma:positive n:positive_integer"`` → SymPy symbols.

::

    spec       = [ item { separator item } ] ;         (* at most MAX_LENGTH characters *)
    separator  = ( " " | "," | ? whitespace ? ) { " " | "," | ? whitespace ? } ;
    item       = name [ ":" ( assumption | interval ) ] ;   (* no assumption: the default, "real" *)
    assumption = "real" | "positive" | "nonnegative" | "integer"
               | "positive_integer" | "nonnegative_integer" ;
    interval   = ( "(" | "[" ) bound "," bound ( ")" | "]" ) ;   (* "(" open, "[" closed *)
    bound      = ? a numeric expression: numbers, pi, E, oo, -oo, arithmetic; no symbols ? ;
    name       = ? a Python identifier ? ;

An interval declares the symbol's *domain* (:func:`parse_domains`), e.g. ``p:(0, 1)``,
``rho:(-1, 1)``, ``sigma:(0, oo)``, ``q:[0, 1]``; the symbol gets the assumptions the interval
implies (positive for ``(0, 1)``, nonnegative for ``[0, 1]``, negative for ``(-oo, 0)``, else
real).  An assumption word declares the domain it implies (``positive`` → (0, ∞)).

A name must be in Unicode NFKC form, at most ``MAX_NAME_LENGTH`` characters, not a keyword, not
start with ``__``, not be a constant (``pi``, ``E``, ``oo``, ``I``) nor a function of
:data:`~symfisher.text.vocabulary.FUNCTIONS` (except :data:`SYMBOL_FUNCTION_NAMES`), and appear
once.  Each assumption word maps to SymPy assumptions (:data:`ASSUMPTIONS`).
"""

from __future__ import annotations

import keyword
import unicodedata
from collections.abc import Mapping

import sympy as sp

from symfisher.core.points import domain_of
from symfisher.errors import ModelError
from symfisher.text.lexer import MAX_LENGTH, MAX_NAME_LENGTH, snippet
from symfisher.text.sets import parse_set
from symfisher.text.vocabulary import CONSTANTS, FUNCTIONS, is_dunder

__all__ = ["parse_symbols", "parse_domains", "ASSUMPTIONS", "SYMBOL_FUNCTION_NAMES", "SYMBOLS_HELP"]

#: Assumption words of :func:`parse_symbols` -> SymPy assumptions.
ASSUMPTIONS: Mapping[str, Mapping[str, bool]] = {
    "real": {"real": True},
    "positive": {"real": True, "positive": True},
    "nonnegative": {"real": True, "nonnegative": True},
    "integer": {"integer": True},
    "positive_integer": {"integer": True, "positive": True},
    "nonnegative_integer": {"integer": True, "nonnegative": True},
}

#: Function names that are also common parameter names (Gamma(alpha, beta), Cauchy scale
#: gamma): they may be declared as symbols.  This is unambiguous, because
#: :func:`~symfisher.text.expressions.parse_expression` reads a called name (``gamma(alpha)``)
#: as the function and a bare name (``gamma * x``) as the declared symbol.
SYMBOL_FUNCTION_NAMES = frozenset({"beta", "gamma"})

#: Names a declared symbol may not take.
_RESERVED_NAMES = (frozenset(FUNCTIONS) - SYMBOL_FUNCTION_NAMES) | frozenset(CONSTANTS) | {"I"}

SYMBOLS_HELP = (
    "A symbol specification is a list of name[:assumption] or name:interval items separated by "
    "spaces or commas, e.g. 'p:(0,1) mu:real sigma:positive n:positive_integer'. Assumptions: "
    + ", ".join(ASSUMPTIONS)
    + ". Intervals: '(a, b)', '[a, b]', '(a, b]', '[a, b)' with numeric bounds (oo for infinity)"
    + f". Names must be Python identifiers of at most {MAX_NAME_LENGTH} characters, "
    "in Unicode NFKC normal form, not keywords, not starting with '__', not a function "
    "name (" + ", ".join(sorted(set(FUNCTIONS) - SYMBOL_FUNCTION_NAMES)) + "; but "
    + " and ".join(sorted(SYMBOL_FUNCTION_NAMES)) + " may be symbols, read as the functions "
    "only when called) and not a constant (pi, E, oo, I); "
    "each name may appear once."
)

_SEPARATORS = frozenset(" ,\t\n\r\f\v")
_INTERVAL_HELP = ("a domain is an interval '(a, b)', '[a, b]', '(a, b]' or '[a, b)' with numeric bounds "
                  "(oo for infinity), e.g. 'p:(0, 1)' or 'sigma:(0, oo)'")


def parse_symbols(spec: str, default: str = "real") -> list[sp.Symbol]:
    """Parse a symbol specification such as ``"mu:real sigma:positive n:positive_integer"``.

    Items are ``name``, ``name:assumption`` or ``name:interval``, separated by spaces and/or
    commas; an item without either gets ``default``.  See :data:`SYMBOLS_HELP`.

    Args:
        spec: The specification; an empty or blank one gives an empty list.
        default: Assumption word for items that name none.

    Returns:
        The symbols, in the order given.

    Raises:
        ModelError: On an unknown assumption word, a malformed or empty interval, an invalid,
            reserved or too long name, or a duplicate.

    >>> [(s, s.is_positive) for s in parse_symbols("mu, sigma:positive p:(0, 1)")]
    [(mu, None), (sigma, True), (p, True)]
    """
    return list(parse_domains(spec, default))


def parse_domains(spec: str, default: str = "real") -> dict[sp.Symbol, sp.Set]:
    """Parse a symbol specification into each symbol's declared domain.

    An interval item (``p:(0, 1)``) declares that interval; an assumption word declares the set
    it implies (``positive`` → (0, ∞), ``nonnegative_integer`` → ℕ₀, ``real`` → ℝ).

    Args:
        spec: The specification, e.g. ``"p:(0,1) mu:real sigma:positive"``.
        default: Assumption word for items that name none.

    Returns:
        Symbol → domain, in the order given.

    Raises:
        ModelError: As :func:`parse_symbols`.

    >>> parse_domains("p:(0, 1] mu sigma:positive")
    {p: Interval.Lopen(0, 1), mu: Reals, sigma: Interval.open(0, oo)}
    """
    _check_arguments(spec, default)
    result: dict[sp.Symbol, sp.Set] = {}
    seen: set[str] = set()
    for item, column in _items(spec):
        symbol, domain = _declaration(item, column, default)
        if symbol.name in seen:
            raise ModelError(f"duplicate symbol {symbol.name!r} in symbol specification: "
                             f"{snippet(item)} at column {column}")
        seen.add(symbol.name)
        result[symbol] = domain
    return result


def _items(spec: str) -> list[tuple[str, int]]:
    """The items of ``spec`` with their 1-based columns; an interval after ``name:`` may hold separators."""
    out, i, n = [], 0, len(spec)
    while i < n:
        if spec[i] in _SEPARATORS:
            i += 1
            continue
        start = i
        while i < n and spec[i] not in _SEPARATORS and spec[i] != ":":
            i += 1
        if i < n and spec[i] == ":":
            i += 1
            if i < n and spec[i] in "([":
                i = _interval_end(spec, i)
                if i < n and spec[i] not in _SEPARATORS:
                    raise ModelError(f"a space or comma must follow the interval of {snippet(spec[start:i])} "
                                     f"at column {i + 1}")
            else:
                while i < n and spec[i] not in _SEPARATORS:
                    i += 1
        out.append((spec[start:i], start + 1))
    return out


def _interval_end(spec: str, i: int) -> int:
    """The index just past the bracket closing the one at ``i`` (or the end of ``spec``)."""
    depth = 0
    for j in range(i, len(spec)):
        if spec[j] in "([{":
            depth += 1
        elif spec[j] in ")]}":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(spec)


def _declaration(item: str, column: int, default: str) -> tuple[sp.Symbol, sp.Set]:
    """The symbol and declared domain of one ``name[:assumption]`` or ``name:interval`` item."""
    name, colon, assumption = item.partition(":")
    where = f"{snippet(item)} at column {column}"
    if not colon:
        assumption = default
        if name in ASSUMPTIONS:  # "n:positive integer" read as n:positive and a symbol called integer
            raise ModelError(f"{name!r} is an assumption word, not a symbol name: {where}; an item is name:assumption "
                             "with one word (positive_integer, nonnegative_integer) and items are separated by spaces")
    if assumption[:1] in ("(", "["):
        _check_name(name, where)
        domain = _domain_interval(assumption, name, where)
        return sp.Symbol(name, **_interval_assumptions(domain)), domain
    if assumption not in ASSUMPTIONS:
        raise ModelError(
            f"unknown assumption {assumption!r} in symbol specification: {where}; "
            f"allowed: {', '.join(ASSUMPTIONS)}, or an interval such as (0, 1)"
        )
    _check_name(name, where)
    symbol = sp.Symbol(name, **ASSUMPTIONS[assumption])
    return symbol, domain_of(symbol)


def _domain_interval(text: str, name: str, where: str) -> sp.Interval:
    """The interval ``text`` (numeric bounds only), or a one-line error naming the symbol."""
    try:
        domain = parse_set(text, {})
    except ModelError as exc:
        raise ModelError(f"domain of {name}: {exc}: {where}") from None
    if not isinstance(domain, sp.Interval) or not all(
            b.is_extended_real and b.is_number for b in (domain.inf, domain.sup)):
        raise ModelError(f"domain of {name}: {_INTERVAL_HELP}: {where}")
    return domain


def _interval_assumptions(domain: sp.Interval) -> dict[str, bool]:
    """The SymPy assumptions an interval implies: positive, nonnegative, negative, nonpositive or real."""
    lo, hi = domain.inf, domain.sup
    if lo > 0 or (lo == 0 and domain.left_open):
        return {"real": True, "positive": True}
    if lo >= 0:
        return {"real": True, "nonnegative": True}
    if hi < 0 or (hi == 0 and domain.right_open):
        return {"real": True, "negative": True}
    if hi <= 0:
        return {"real": True, "nonpositive": True}
    return {"real": True}


def _check_arguments(spec: str, default: str) -> None:
    if not isinstance(spec, str):
        raise ModelError(f"a symbol specification must be a string, got {type(spec).__name__}")
    if default not in ASSUMPTIONS:
        raise ModelError(
            f"unknown default assumption {default!r}; allowed: {', '.join(ASSUMPTIONS)}"
        )
    if len(spec) > MAX_LENGTH:
        raise ModelError(
            f"a symbol specification is limited to {MAX_LENGTH} characters, got {len(spec)}"
        )


def _check_name(name: str, where: str) -> None:
    if not name.isidentifier():
        problem = "is not a valid identifier"
    elif keyword.iskeyword(name):
        problem = "is a Python keyword"
    elif is_dunder(name):
        problem = "starts with '__'"
    elif unicodedata.normalize("NFKC", name) != name:
        problem = "is not in Unicode NFKC normal form"
    elif len(name) > MAX_NAME_LENGTH:
        problem = f"is longer than {MAX_NAME_LENGTH} characters"
    elif name in FUNCTIONS and name not in SYMBOL_FUNCTION_NAMES:
        problem = "is the name of a function"
    elif name in _RESERVED_NAMES:
        problem = "is the name of a constant"
    else:
        return
    raise ModelError(f"symbol name {name!r} {problem}: {where}")
