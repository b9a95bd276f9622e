"""The symbol-declaration grammar: ``"mu:real sigma:positive n:positive_integer"`` → SymPy symbols.

::

    spec       = [ item { separator item } ] ;         (* at most MAX_LENGTH characters *)
    separator  = ( " " | "," | ? whitespace ? ) { " " | "," | ? whitespace ? } ;
    item       = name [ ":" assumption ] ;             (* no assumption: the default, "real" *)
    assumption = "real" | "positive" | "nonnegative" | "integer"
               | "positive_integer" | "nonnegative_integer" ;
    name       = ? a Python identifier ? ;

A name must be in Unicode NFKC form, at most ``MAX_NAME_LENGTH`` characters, not a keyword, not
start with ``__``, not be a constant (``pi``, ``E``, ``oo``, ``I``) nor a function of
:data:`~symfisher.text.vocabulary.FUNCTIONS` (except :data:`SYMBOL_FUNCTION_NAMES`), and appear
once.  Each assumption word maps to SymPy assumptions (:data:`ASSUMPTIONS`).
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Mapping

import sympy as sp

from symfisher.errors import ModelError
from symfisher.text.lexer import MAX_LENGTH, MAX_NAME_LENGTH, snippet
from symfisher.text.vocabulary import CONSTANTS, FUNCTIONS, is_dunder

__all__ = ["parse_symbols", "ASSUMPTIONS", "SYMBOL_FUNCTION_NAMES", "SYMBOLS_HELP"]

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
    "A symbol specification is a list of name[:assumption] items separated by spaces "
    "or commas, e.g. 'mu:real sigma:positive n:positive_integer'. Assumptions: "
    + ", ".join(ASSUMPTIONS)
    + f". Names must be Python identifiers of at most {MAX_NAME_LENGTH} characters, "
    "in Unicode NFKC normal form, not keywords, not starting with '__', not a function "
    "name (" + ", ".join(sorted(set(FUNCTIONS) - SYMBOL_FUNCTION_NAMES)) + "; but "
    + " and ".join(sorted(SYMBOL_FUNCTION_NAMES)) + " may be symbols, read as the functions "
    "only when called) and not a constant (pi, E, oo, I); "
    "each name may appear once."
)

_ITEM = re.compile(r"[^\s,]+")


def parse_symbols(spec: str, default: str = "real") -> list[sp.Symbol]:
    """Parse a symbol specification such as ``"mu:real sigma:positive n:positive_integer"``.

    Items are ``name`` or ``name:assumption``, separated by spaces and/or commas; an
    item without an assumption gets ``default``.  See :data:`SYMBOLS_HELP`.

    Args:
        spec: The specification; an empty or blank one gives an empty list.
        default: Assumption word for items that name none.

    Returns:
        The symbols, in the order given.

    Raises:
        ModelError: On an unknown assumption word, an invalid, reserved or too long
            name, or a duplicate.

    >>> [(s, s.is_positive) for s in parse_symbols("mu, sigma:positive")]
    [(mu, None), (sigma, True)]
    """
    _check_arguments(spec, default)
    result: list[sp.Symbol] = []
    seen: set[str] = set()
    for match in _ITEM.finditer(spec):
        symbol = _symbol(match.group(), match.start() + 1, default)
        if symbol.name in seen:
            raise ModelError(f"duplicate symbol {symbol.name!r} in symbol specification: "
                             f"{snippet(match.group())} at column {match.start() + 1}")
        seen.add(symbol.name)
        result.append(symbol)
    return result


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


def _symbol(item: str, column: int, default: str) -> sp.Symbol:
    """The symbol of one ``name[:assumption]`` item starting at ``column``."""
    name, colon, assumption = item.partition(":")
    if not colon:
        assumption = default
    where = f"{snippet(item)} at column {column}"
    if assumption not in ASSUMPTIONS:
        raise ModelError(
            f"unknown assumption {assumption!r} in symbol specification: {where}; "
            f"allowed: {', '.join(ASSUMPTIONS)}"
        )
    _check_name(name, where)
    return sp.Symbol(name, **ASSUMPTIONS[assumption])


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
