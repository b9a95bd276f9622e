"""The allow-list check of an expression's syntax tree, before anything is built.

:class:`Validator` accepts exactly the trees of the expression grammar of
:mod:`symfisher.text.expressions` and rejects every other node with a one-line
:class:`~symfisher.errors.ModelError` naming what it is and where (see :data:`FORBIDDEN`).
It also enforces the depth limit and the limits on literals and literal exponents.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import NoReturn

import sympy as sp

from symfisher.errors import ModelError
from symfisher.text._syntax import chain, decimal_literal, literal_value
from symfisher.text.lexer import MAX_EXPONENT, MAX_LITERAL_DIGITS, NOT_ALLOWED, Source, snippet
from symfisher.text.vocabulary import CONSTANTS, FUNCTIONS, is_dunder, suggestion

__all__ = ["Validator", "FORBIDDEN"]

_BINARY_OPERATORS: Mapping[type[ast.operator], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
    ast.BitXor: "^", ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@",
    ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&",
}
_ALLOWED_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.BitXor)
_POWERS = (ast.Pow, ast.BitXor)
_RELATIONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)  # in a Piecewise condition only
_UNARY_OPERATORS: Mapping[type[ast.unaryop], str] = {
    ast.UAdd: "+", ast.USub: "-", ast.Not: "not", ast.Invert: "~",
}

#: Descriptions of node types that are always rejected.
FORBIDDEN: Mapping[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripting",
    ast.Slice: "a slice",
    ast.Lambda: "a lambda",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Compare: "a comparison",
    ast.BoolOp: "a boolean operator",
    ast.IfExp: "a conditional expression",
    ast.NamedExpr: "an assignment expression (walrus)",
    ast.Starred: "a starred expression",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set display",
    ast.Dict: "a dict",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


def _arity_text(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low} argument" + ("s" if low != 1 else "")
    if low == high:
        return f"{low} argument" + ("s" if low != 1 else "")
    return f"{low} to {high} arguments"


class Validator:
    """Checks a syntax tree against the allow-list, without building anything."""

    def __init__(self, source: Source, symbols: Mapping[str, sp.Symbol], max_depth: int) -> None:
        self.source = source
        self.symbols = symbols
        self.max_depth = max_depth

    def depth_error(self, node: ast.AST) -> NoReturn:
        self.source.fail(node, f"nesting deeper than {self.max_depth} levels")

    def visit(self, node: ast.expr, depth: int) -> None:
        """Check ``node`` at nesting level ``depth`` (the root is level 1)."""
        if depth > self.max_depth:
            self.depth_error(node)
        if isinstance(node, ast.BinOp):
            self.binary(node, depth)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.UAdd, ast.USub)):
                self.source.fail(node, f"the operator {_UNARY_OPERATORS.get(type(node.op), '?')!r}")
            self.visit(node.operand, depth + 1)
        elif isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Name):
            self.name(node, called=False)
        elif isinstance(node, ast.Call):
            self.call(node, depth)
        else:
            self.source.fail(node, FORBIDDEN.get(type(node), f"a {type(node).__name__} node"))

    def binary(self, node: ast.BinOp, depth: int) -> None:
        """Check a chain ``a + b - c`` (or ``a * b / c``, or a power) as one level."""
        self.operator(node)
        first, pairs = chain(node)
        self.visit(first, depth + 1)
        for operation, right in pairs:
            self.operator(operation)
            if isinstance(operation.op, _POWERS):
                value = literal_value(right)
                if value is not None and abs(value) > MAX_EXPONENT:
                    self.source.fail(operation, f"an exponent larger than {MAX_EXPONENT} in absolute value")
            self.visit(right, depth + 1)

    def operator(self, node: ast.BinOp) -> None:
        if not isinstance(node.op, _ALLOWED_BINARY):
            self.source.fail(node, f"the operator {_BINARY_OPERATORS.get(type(node.op), '?')!r}")

    def constant(self, node: ast.Constant) -> None:
        value = node.value
        fail = self.source.fail
        if type(value) is int:
            if abs(value) >= 10**MAX_LITERAL_DIGITS:
                fail(node, f"an integer literal with more than {MAX_LITERAL_DIGITS} digits")
        elif type(value) is float:
            decimal_literal(self.source, node)
        elif isinstance(value, str):
            fail(node, "a string literal")
        elif isinstance(value, bytes):
            fail(node, "a bytes literal")
        elif isinstance(value, complex):
            fail(node, "a complex literal")
        else:
            fail(node, f"the constant {value!r}")

    def name(self, node: ast.Name, *, called: bool) -> None:
        name = node.id
        fail = self.source.fail
        if is_dunder(name):
            fail(node, f"the dunder name {name!r}")
        if name == "I":
            fail(node, "the imaginary unit 'I' (models are real-valued)")
        if called:
            if name in FUNCTIONS:
                return
            if name in self.symbols or name in CONSTANTS:
                fail(node, f"a call of {name!r}, which is not a function,")
            column, text = self.source.span(node)
            raise ModelError(NOT_ALLOWED.format(what=f"a call to {name!r}", snippet=snippet(text), column=column)
                             + suggestion(name))
        if name in self.symbols or name in CONSTANTS:
            return
        if name in FUNCTIONS:
            fail(node, f"the function name {name!r} without a call")
        column, _ = self.source.span(node)
        declared = ", ".join(sorted(self.symbols)) or "(none)"
        raise ModelError(
            f"undeclared name {name!r} in a model expression at column {column}; "
            f"declared symbols: {declared}"
        )

    def call(self, node: ast.Call, depth: int) -> None:
        fail = self.source.fail
        if not isinstance(node.func, ast.Name):
            if type(node.func) in FORBIDDEN:
                self.visit(node.func, depth + 1)
            fail(node, "a call of something other than a function name")
        self.name(node.func, called=True)
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                fail(argument, "a starred argument")
        if node.keywords:
            fail(node.keywords[0], "a keyword argument")
        self.arity(node, node.func.id)
        if node.func.id == "Piecewise":
            self.branches(node, depth)
            return
        for argument in node.args:
            self.visit(argument, depth + 1)

    def branches(self, node: ast.Call, depth: int) -> None:
        """The (value, condition) pairs of a ``Piecewise``: a condition is a chain of <, <=, >, >= or ``True``."""
        fail = self.source.fail
        for branch in node.args:
            if not isinstance(branch, ast.Tuple) or len(branch.elts) != 2:
                fail(branch, "a Piecewise branch that is not a pair (value, condition)")
            value, condition = branch.elts
            self.visit(value, depth + 2)
            if isinstance(condition, ast.Constant) and condition.value is True:
                continue
            if not isinstance(condition, ast.Compare):
                fail(condition, "a Piecewise condition that is not a comparison (<, <=, >, >=) or True")
            for operator in condition.ops:
                if not isinstance(operator, _RELATIONS):
                    fail(condition, "a Piecewise condition with an operator other than <, <=, >, >=")
            for operand in (condition.left, *condition.comparators):
                self.visit(operand, depth + 2)

    def arity(self, node: ast.Call, name: str) -> None:
        _, low, high = FUNCTIONS[name]
        count = len(node.args)
        if count < low or (high is not None and count > high):
            column, text = self.source.span(node)
            raise ModelError(
                f"function {name!r} takes {_arity_text(low, high)}, got {count}: "
                f"{snippet(text)} at column {column}"
            )
