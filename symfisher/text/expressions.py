"""The expression grammar: untrusted text → SymPy expression, without ``eval``.

SymPy's :func:`sympy.sympify` and :func:`sympy.parsing.sympy_parser.parse_expr` call
:func:`eval`, so they must never see untrusted text.  :func:`parse_expression` instead runs
these stages, none of which executes the text:

1. lex (:mod:`symfisher.text.lexer`): normalize spaces and ``^``; reject control characters,
   comments and brackets nested deeper than ``max_depth``;
2. parse with :func:`ast.parse` (``mode="eval"``), which only builds a syntax tree;
3. validate the tree against the allow-list below (:mod:`symfisher.text._validate`);
4. build the SymPy expression by walking the tree, predicting the size of every number
   before SymPy evaluates it (:mod:`symfisher.text._build`).

The accepted language, after lexing (``^`` is ``**``)::

    expression = sum ;
    sum        = product { ( "+" | "-" ) product } ;
    product    = unary { ( "*" | "/" ) unary } ;
    unary      = ( "+" | "-" ) unary | power ;
    power      = atom [ "**" unary ] ;                   (* right-associative: 2^3^2 = 2^9 *)
    atom       = number | name | call | "(" expression ")" ;
    call       = function "(" arguments ")"              (* arity as in FUNCTIONS *)
               | "Piecewise" "(" branch { "," branch } [ "," ] ")" ;
    branch     = "(" expression "," condition ")" ;      (* the first true condition wins *)
    condition  = expression relation expression { relation expression } | "True" ;
    relation   = "<" | "<=" | ">" | ">=" ;               (* a chain a <= x < b is an interval *)
    arguments  = expression { "," expression } [ "," ] ;
    name       = declared symbol | constant ;
    function   = ? a key of FUNCTIONS ? ;               (* see symfisher.text.vocabulary *)
    constant   = "pi" | "E" | "oo" ;
    number     = integer | decimal ;                     (* decimals are exact rationals *)

A function name that is also a declared symbol (``beta``, ``gamma``) is the function when
called and the symbol otherwise.  Every rejection raises :class:`~symfisher.errors.ModelError`
with a one-line message naming what is not allowed and where (a 1-based column); longer advice
is in :data:`EXPRESSION_HELP`.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

import sympy as sp

from symfisher.errors import ModelError
from symfisher.text._build import Builder
from symfisher.text._syntax import syntax_tree
from symfisher.text._validate import Validator
from symfisher.text.lexer import (
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_GAMMA_ARGUMENT,
    MAX_LENGTH,
    MAX_LITERAL_DIGITS,
    MAX_MAGNITUDE_DIGITS,
    Source,
    prescan,
    snippet,
)
from symfisher.text.vocabulary import CONSTANTS, FUNCTIONS

__all__ = ["parse_expression", "FUNCTIONS", "CONSTANTS", "EXPRESSION_HELP"]

EXPRESSION_HELP = (
    "A model expression may contain only: integer and decimal literals (decimals are "
    "exact rationals), declared symbols, the constants pi, E and oo, the operators "
    "+ - * / ** (and ^ as a synonym of **), unary + and -, parentheses, and calls with "
    "positional arguments to these functions: " + ", ".join(FUNCTIONS) + ". "
    "The imaginary unit I, strings, attribute access, subscripts, keyword arguments, "
    "comparisons, boolean operators, conditional expressions, lambdas, comprehensions "
    "and calls to anything else are rejected. Limits: "
    f"{MAX_LENGTH} characters and {MAX_DEPTH} nesting levels by default, literals of "
    f"at most {MAX_LITERAL_DIGITS} digits, exponents of at most {MAX_EXPONENT} in "
    f"absolute value, numbers below 10**{MAX_MAGNITUDE_DIGITS}, numeric arguments of "
    f"the gamma family of at most {MAX_GAMMA_ARGUMENT} in absolute value."
)


def parse_expression(
    text: str,
    symbols: Mapping[str, sp.Symbol],
    *,
    max_length: int = MAX_LENGTH,
    max_depth: int = MAX_DEPTH,
) -> sp.Expr:
    """Parse untrusted text into a SymPy expression without ``eval``.

    The text is parsed with :func:`ast.parse`, checked against an allow-list and then
    turned into SymPy objects by walking the tree.  ``^`` means power (like ``**``).
    Decimal literals are exact rationals.  See :data:`EXPRESSION_HELP` for the full
    allow-list and limits.

    A name that is a function (e.g. ``beta``) is the function when called and the
    declared symbol of that name (if any) otherwise.

    Args:
        text: The expression, e.g. ``"exp(-(x-mu)^2/(2*sigma^2))/sqrt(2*pi*sigma^2)"``.
        symbols: The names the text may use, mapped to their SymPy symbols.
        max_length: Maximum number of characters of ``text``.
        max_depth: Maximum nesting depth (of brackets and of the syntax tree; chains
            such as ``a + b + c`` count as one level).

    Returns:
        The SymPy expression.

    Raises:
        ModelError: If the text is not an allowed expression; the one-line message
            says what and where.

    >>> x = sp.Symbol("x", real=True)
    >>> parse_expression("exp(-x^2/2)/sqrt(2*pi)", {"x": x})
    sqrt(2)*exp(-x**2/2)/(2*sqrt(pi))
    """
    _check_arguments(text, symbols, max_length)
    source = Source(text)
    if not source.parsed.strip():
        raise ModelError("a model expression may not be empty")
    prescan(source, max_depth)
    tree = syntax_tree(source)
    result = _validate_and_build(source, tree, symbols, max_depth)
    if result.has(sp.I):
        raise ModelError("a non-real value is not allowed in a model expression: "
                         f"{snippet(source.original.strip())} at column 1")
    return result


def _check_arguments(text: str, symbols: Mapping[str, sp.Symbol], max_length: int) -> None:
    if not isinstance(text, str):
        raise ModelError(f"a model expression must be a string, got {type(text).__name__}")
    _check_symbol_mapping(symbols)
    if len(text) > max_length:
        raise ModelError(
            f"a model expression is limited to {max_length} characters, got {len(text)}"
        )


def _check_symbol_mapping(symbols: Mapping[str, sp.Symbol]) -> None:
    for key, value in symbols.items():
        if not isinstance(key, str):
            raise ModelError(f"symbol names must be strings, got {type(key).__name__}")
        if key in CONSTANTS or key == "I":
            raise ModelError(f"symbol name {key!r} collides with a constant")
        if not isinstance(value, sp.Symbol):
            raise ModelError(f"symbol {key!r} is not a SymPy Symbol but {type(value).__name__}")


def _validate_and_build(source: Source, tree: ast.expr, symbols: Mapping[str, sp.Symbol],
                        max_depth: int) -> sp.Expr:
    """Stages 3 and 4; any failure of SymPy on validated input is still the text's fault."""
    try:
        Validator(source, symbols, max_depth).visit(tree, 1)
        return Builder(source, symbols).build(tree)
    except ModelError:
        raise
    except RecursionError:
        raise ModelError(
            "a model expression is nested too deeply to handle; lower max_depth"
        ) from None
    except Exception as error:  # SymPy failed on validated input: still the model's fault.
        detail = str(error).splitlines()[0][:80] if str(error) else ""
        raise ModelError(
            f"the model expression could not be built: {type(error).__name__}"
            + (f": {detail}" if detail else "")
        ) from None
