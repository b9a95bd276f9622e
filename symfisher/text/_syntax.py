"""The syntax tree of an expression: :func:`ast.parse` of the lexed text, chains and literals.

:func:`ast.parse` (``mode="eval"``) only builds a tree and never executes anything.  The tree
is then read by :mod:`symfisher.text._validate` (is it allowed?) and
:mod:`symfisher.text._build` (the SymPy expression).  Both walk operator chains
``a + b - c + ...`` iteratively (:func:`chain`), so that a long sum counts as one nesting
level, and both read decimal literals exactly from their text (:func:`decimal_literal`)::

    number  = integer | decimal ;            (* Python literal syntax; "_" separators allowed *)
    integer = digit { [ "_" ] digit } ;      (* at most MAX_LITERAL_DIGITS digits *)
    decimal = ? float literal ? ;            (* exact: 0.5 is 1/2, 1e-5 is 1/100000 *)
"""

from __future__ import annotations

import ast
import warnings
from decimal import Decimal, InvalidOperation

import sympy as sp

from symfisher.errors import ModelError
from symfisher.text.lexer import MAX_LITERAL_DIGITS, Source

__all__ = ["syntax_tree", "chain", "literal_value", "decimal_literal"]

#: Operators that chain left to right; a power is a chain of length one.
_CHAINS: tuple[tuple[type[ast.operator], ...], ...] = (
    (ast.Add, ast.Sub), (ast.Mult, ast.Div),
)


def syntax_tree(source: Source) -> ast.expr:
    """The body of ``ast.parse(source.parsed, mode="eval")``.

    Raises:
        ModelError: On a syntax error (with its column in the original text) or when
            Python's parser gives up on the text.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source.parsed, mode="eval")
    except SyntaxError as error:
        column = source.char_offset((error.offset or 1) - 1) + 1
        message = (error.msg or "invalid syntax").splitlines()[0]
        raise ModelError(
            f"invalid syntax in a model expression: {message} at column {column}"
        ) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        raise ModelError(
            f"the model expression could not be parsed ({type(error).__name__})"
        ) from None
    return tree.body


def chain(node: ast.BinOp) -> tuple[ast.expr, list[tuple[ast.BinOp, ast.expr]]]:
    """Flatten a left-nested chain ``a + b - c + ...`` (or of ``*`` and ``/``).

    Returns:
        The leftmost operand and the ``(operator node, right operand)`` pairs in
        evaluation order.  A power is a chain of length one.
    """
    group = next((g for g in _CHAINS if isinstance(node.op, g)), None)
    pairs: list[tuple[ast.BinOp, ast.expr]] = []
    current: ast.expr = node
    while isinstance(current, ast.BinOp) and (
        (group is not None and isinstance(current.op, group)) or current is node
    ):
        pairs.append((current, current.right))
        current = current.left
    pairs.reverse()
    return current, pairs


def literal_value(node: ast.expr) -> int | float | None:
    """Return the value of a (possibly negated) numeric literal, else ``None``."""
    sign = 1
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        if isinstance(node.op, ast.USub):
            sign = -sign
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return sign * node.value
    return None


def decimal_literal(source: Source, node: ast.Constant) -> sp.Rational:
    """Convert a decimal literal exactly, from its text (``0.5`` -> ``1/2``).

    Raises:
        ModelError: If the literal has more than :data:`MAX_LITERAL_DIGITS` digits written out.
    """
    _, text = source.span(node)
    try:
        number = Decimal(text.replace("_", ""))
    except InvalidOperation:  # pragma: no cover - the tokenizer accepted it
        source.fail(node, "a malformed decimal literal")
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if len(digits) + abs(exponent) > MAX_LITERAL_DIGITS:
        source.fail(node, f"a decimal literal with more than {MAX_LITERAL_DIGITS} digits written out")
    mantissa = int("".join(map(str, digits)) or "0")
    if exponent >= 0:
        return sp.Rational(mantissa * 10**exponent)
    return sp.Rational(mantissa, 10**-exponent)
