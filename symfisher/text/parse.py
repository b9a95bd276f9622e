"""Safe parsing of untrusted mathematical text into SymPy objects.

SymPy's :func:`sympy.sympify` and :func:`sympy.parsing.sympy_parser.parse_expr` call
:func:`eval`, so they must never see untrusted text.  This module instead

1. parses the text with :func:`ast.parse` (``mode="eval"``), which only builds a syntax
   tree and never executes anything,
2. validates the tree against a small allow-list (numbers, declared symbols, a few
   constants, arithmetic operators and calls to a fixed set of math functions), and
3. builds the SymPy expression itself by walking the tree -- there is no ``eval`` or
   ``compile`` anywhere.

Size limits (text length, nesting depth, literal size, exponents, magnitude of
numeric sub-expressions, arguments of the gamma family) keep SymPy's eager evaluation
of numbers (``9**9**9``, ``factorial(10**9)``) from exhausting memory or time.

Every rejection raises :class:`symfisher.errors.ModelError` with a one-line message
that names what is not allowed and where (a 1-based column in the text).  Longer
advice lives in :data:`EXPRESSION_HELP`, :data:`SYMBOLS_HELP` and :data:`SET_HELP`.

Notation: ``^`` is accepted as power, as mathematicians write it (``x^2`` means
``x**2``, with the precedence and right-associativity of ``**``); Python's
bitwise-xor meaning is never used.  Decimal literals are exact: ``0.5`` is
``Rational(1, 2)``, never a binary float.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import NoReturn

import sympy as sp

from symfisher.errors import ModelError

__all__ = [
    "parse_expression",
    "parse_symbols",
    "parse_set",
    "FUNCTIONS",
    "CONSTANTS",
    "ASSUMPTIONS",
    "EXPRESSION_HELP",
    "SYMBOLS_HELP",
    "SET_HELP",
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

# --------------------------------------------------------------------- allow-lists


def _lgamma(x: sp.Expr) -> sp.Expr:
    return sp.loggamma(x)


def _abs(x: sp.Expr) -> sp.Expr:
    return sp.Abs(x)


#: Callable functions: name -> (SymPy constructor, minimum and maximum argument
#: count; ``None`` means unbounded).
FUNCTIONS: Mapping[str, tuple[Callable[..., sp.Expr], int, int | None]] = {
    "exp": (sp.exp, 1, 1),
    "log": (sp.log, 1, 2),
    "sqrt": (sp.sqrt, 1, 1),
    "sin": (sp.sin, 1, 1),
    "cos": (sp.cos, 1, 1),
    "tan": (sp.tan, 1, 1),
    "sinh": (sp.sinh, 1, 1),
    "cosh": (sp.cosh, 1, 1),
    "tanh": (sp.tanh, 1, 1),
    "asin": (sp.asin, 1, 1),
    "acos": (sp.acos, 1, 1),
    "atan": (sp.atan, 1, 1),
    "atan2": (sp.atan2, 2, 2),
    "gamma": (sp.gamma, 1, 1),
    "loggamma": (sp.loggamma, 1, 1),
    "lgamma": (_lgamma, 1, 1),
    "beta": (sp.beta, 2, 2),
    "digamma": (sp.digamma, 1, 1),
    "trigamma": (sp.trigamma, 1, 1),
    "polygamma": (sp.polygamma, 2, 2),
    "erf": (sp.erf, 1, 1),
    "erfc": (sp.erfc, 1, 1),
    "besseli": (sp.besseli, 2, 2),
    "besselj": (sp.besselj, 2, 2),
    "besselk": (sp.besselk, 2, 2),
    "factorial": (sp.factorial, 1, 1),
    "binomial": (sp.binomial, 2, 2),
    "Abs": (sp.Abs, 1, 1),
    "abs": (_abs, 1, 1),
    "sign": (sp.sign, 1, 1),
    "Heaviside": (sp.Heaviside, 1, 2),
    "Min": (sp.Min, 1, None),
    "Max": (sp.Max, 1, None),
    "floor": (sp.floor, 1, 1),
    "ceiling": (sp.ceiling, 1, 1),
}

#: Named constants.  ``I`` is deliberately absent: models are real-valued.
CONSTANTS: Mapping[str, sp.Expr] = {"pi": sp.pi, "E": sp.E, "oo": sp.oo}

#: Functions that SymPy evaluates exactly for numeric arguments, with cost growing
#: fast in the argument (``factorial(10**9)`` would never finish).
_GAMMA_FAMILY = frozenset(
    {"gamma", "loggamma", "lgamma", "beta", "digamma", "trigamma", "polygamma",
     "factorial", "binomial"}
)
#: Functions SymPy evaluates numerically (evalf) to decide their value.
_NUMERIC_EVALUATING = frozenset(
    {"Abs", "abs", "sign", "Heaviside", "Min", "Max", "floor", "ceiling"}
)
#: Functions with bounded values (used by the magnitude bound).
_BOUNDED = (sp.sin, sp.cos, sp.tanh, sp.erf, sp.erfc, sp.asin, sp.acos, sp.atan,
            sp.atan2, sp.sign, sp.Heaviside)

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
#: :func:`parse_expression` reads a called name (``gamma(alpha)``) as the function and
#: a bare name (``gamma * x``) as the declared symbol.
SYMBOL_FUNCTION_NAMES = frozenset({"beta", "gamma"})

#: Names a declared symbol may not take.
_RESERVED_NAMES = (frozenset(FUNCTIONS) - SYMBOL_FUNCTION_NAMES) | frozenset(CONSTANTS) | {"I"}

# ------------------------------------------------------------------------ messages

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

SET_HELP = (
    "A set is an interval '(a, b)', '[a, b]', '(a, b]' or '[a, b)' whose bounds are "
    "model expressions (oo for infinity; they may contain declared symbols), one of "
    "the words Reals, PositiveReals, Naturals0, Naturals, Integers, a finite set of "
    "integers such as '{0, 1, 2}', or 'range(a, b)' for the integers a, ..., b - 1."
)

_WHAT_TEMPLATE = "{what} is not allowed in a model expression: {snippet} at column {column}"

_SNIPPET_LIMIT = 40

# ------------------------------------------------------------------- text helpers


def _snippet(text: str) -> str:
    """Return ``repr`` of ``text``, shortened to keep error messages on one line."""
    if len(text) > _SNIPPET_LIMIT:
        text = text[: _SNIPPET_LIMIT - 3] + "..."
    return repr(text)


class _Source:
    """The text handed to :func:`ast.parse`, with positions mapped back to the original.

    Line breaks and tabs are replaced by spaces (the expression is one logical line),
    leading whitespace is dropped, and every ``^`` becomes ``**``.

    Attributes:
        original: The user's text with whitespace characters normalized to spaces.
        parsed: The text actually parsed.
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
        raise ModelError(
            _WHAT_TEMPLATE.format(what=what, snippet=_snippet(text), column=column)
        )


# ---------------------------------------------------------------------- validation

_BINARY_OPERATORS: Mapping[type[ast.operator], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
    ast.BitXor: "^", ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@",
    ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&",
}
_ALLOWED_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.BitXor)
_UNARY_OPERATORS: Mapping[type[ast.unaryop], str] = {
    ast.UAdd: "+", ast.USub: "-", ast.Not: "not", ast.Invert: "~",
}
_CHAINS: tuple[tuple[type[ast.operator], ...], ...] = (
    (ast.Add, ast.Sub), (ast.Mult, ast.Div),
)

#: Descriptions of node types that are always rejected.
_FORBIDDEN: Mapping[type[ast.AST], str] = {
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


def _chain(node: ast.BinOp) -> tuple[ast.expr, list[tuple[ast.BinOp, ast.expr]]]:
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


def _literal_value(node: ast.expr) -> int | float | None:
    """Return the value of a (possibly negated) numeric literal, else ``None``."""
    sign = 1
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        if isinstance(node.op, ast.USub):
            sign = -sign
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return sign * node.value
    return None


def _is_dunder(name: str) -> bool:
    return name.startswith("__")


def _arity_text(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low} argument" + ("s" if low != 1 else "")
    if low == high:
        return f"{low} argument" + ("s" if low != 1 else "")
    return f"{low} to {high} arguments"


class _Validator:
    """Checks a syntax tree against the allow-list, without building anything."""

    def __init__(self, source: _Source, symbols: Mapping[str, sp.Symbol], max_depth: int) -> None:
        self.source = source
        self.symbols = symbols
        self.max_depth = max_depth

    def depth_error(self, node: ast.AST) -> NoReturn:
        self.source.fail(node, f"nesting deeper than {self.max_depth} levels")

    def visit(self, node: ast.expr, depth: int) -> None:
        if depth > self.max_depth:
            self.depth_error(node)
        fail = self.source.fail
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, _ALLOWED_BINARY):
                fail(node, f"the operator {_BINARY_OPERATORS.get(type(node.op), '?')!r}")
            first, pairs = _chain(node)
            self.visit(first, depth + 1)
            for operation, right in pairs:
                if not isinstance(operation.op, _ALLOWED_BINARY):
                    fail(operation, f"the operator {_BINARY_OPERATORS.get(type(operation.op), '?')!r}")
                if isinstance(operation.op, (ast.Pow, ast.BitXor)):
                    value = _literal_value(right)
                    if value is not None and abs(value) > MAX_EXPONENT:
                        fail(operation, f"an exponent larger than {MAX_EXPONENT} in absolute value")
                self.visit(right, depth + 1)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.UAdd, ast.USub)):
                fail(node, f"the operator {_UNARY_OPERATORS.get(type(node.op), '?')!r}")
            self.visit(node.operand, depth + 1)
        elif isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Name):
            self.name(node, called=False)
        elif isinstance(node, ast.Call):
            self.call(node, depth)
        else:
            fail(node, _FORBIDDEN.get(type(node), f"a {type(node).__name__} node"))

    def constant(self, node: ast.Constant) -> None:
        value = node.value
        fail = self.source.fail
        if type(value) is int:
            if abs(value) >= 10**MAX_LITERAL_DIGITS:
                fail(node, f"an integer literal with more than {MAX_LITERAL_DIGITS} digits")
        elif type(value) is float:
            _decimal_literal(self.source, node)
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
        if _is_dunder(name):
            fail(node, f"the dunder name {name!r}")
        if name == "I":
            fail(node, "the imaginary unit 'I' (models are real-valued)")
        if called:
            if name in FUNCTIONS:
                return
            if name in self.symbols or name in CONSTANTS:
                fail(node, f"a call of {name!r}, which is not a function,")
            fail(node, f"a call to {name!r}")
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
            if type(node.func) in _FORBIDDEN:
                self.visit(node.func, depth + 1)
            fail(node, "a call of something other than a function name")
        self.name(node.func, called=True)
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                fail(argument, "a starred argument")
        if node.keywords:
            keyword_node = node.keywords[0]
            fail(keyword_node, "a keyword argument")
        _, low, high = FUNCTIONS[node.func.id]
        count = len(node.args)
        if count < low or (high is not None and count > high):
            column, text = self.source.span(node)
            raise ModelError(
                f"function {node.func.id!r} takes {_arity_text(low, high)}, got {count}: "
                f"{_snippet(text)} at column {column}"
            )
        for argument in node.args:
            self.visit(argument, depth + 1)


def _decimal_literal(source: _Source, node: ast.Constant) -> sp.Rational:
    """Convert a decimal literal exactly, from its text (``0.5`` -> ``1/2``)."""
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


# ------------------------------------------------------------------------ building

_LOG10_2 = math.log10(2)
#: Numeric sub-expressions whose arguments are bounded by 10**this are evaluated (to
#: 15 digits) to replace the structural magnitude bound by the actual magnitude.
_REFINE_DIGITS = 15.0


class _Builder:
    """Builds the SymPy expression from a validated tree, guarding eager evaluation."""

    def __init__(self, source: _Source, symbols: Mapping[str, sp.Symbol]) -> None:
        self.source = source
        self.symbols = symbols
        self._bounds: dict[sp.Basic, float] = {}

    # -- magnitude bound ------------------------------------------------------

    def bound(self, expr: sp.Basic) -> float:
        """Upper bound on ``log10(1 + |value|)`` of a numeric expression (``inf`` if unknown)."""
        cached = self._bounds.get(expr)
        if cached is not None:
            return cached
        result = self._bound(expr)
        if not expr.is_Atom and all(self.bound(a) <= _REFINE_DIGITS for a in expr.args):
            # Moderate arguments: evaluating is cheap, so use the actual magnitude.
            try:
                value = abs(complex(expr.evalf(15)))
            except (TypeError, ValueError, ArithmeticError, RecursionError):
                value = math.inf
            if math.isfinite(value):
                result = min(result, math.log10(1 + value) * (1 + 1e-9) + 1e-12)
        self._bounds[expr] = result
        return result

    def _bound(self, expr: sp.Basic) -> float:
        if expr.is_Rational:
            assert isinstance(expr, sp.Rational)
            return _rational_digits(expr) + _LOG10_2  # covers the reciprocal too
        if expr.is_Atom:  # pi, E, EulerGamma, ...; oo, nan and zoo are handled exactly
            if isinstance(expr, sp.NumberSymbol):
                return math.log10(1 + abs(float(expr)))
            return 1.0  # I (magnitude 1), and infinities, which SymPy handles exactly
        args = expr.args
        if isinstance(expr, sp.Add):
            return max(self.bound(a) for a in args) + math.log10(len(args))
        if isinstance(expr, sp.Mul):
            return sum(self.bound(a) for a in args)
        if isinstance(expr, sp.Pow):
            base, exponent = args
            if exponent.is_Rational:
                scale = max(1.0, float(abs(exponent)))  # type: ignore[arg-type]
                if base.is_Rational:
                    return _rational_digits(base) * scale + _LOG10_2  # type: ignore[arg-type]
                return self.bound(base) * scale
            return self._power_bound(self.bound(base), self.bound(exponent))
        if isinstance(expr, sp.exp):
            return self._power_bound(math.log10(math.e), self.bound(args[0]))
        if isinstance(expr, _BOUNDED):
            return 1.0
        if isinstance(expr, (sp.log, sp.loggamma)):
            return math.log10(self.bound(args[0]) * 2.31 + 1) + 1
        if isinstance(expr, (sp.Abs, sp.floor, sp.ceiling, sp.Min, sp.Max)):
            return max(self.bound(a) for a in args) + _LOG10_2
        # Anything else (gamma, factorial, bessel, ...): at most about x**x.
        inner = max((self.bound(a) for a in args), default=1.0) + 1
        return self._power_bound(inner, inner)

    @staticmethod
    def _power_bound(base_bound: float, exponent_bound: float) -> float:
        """Bound for ``b**e`` from ``log10(1 + |b|) <= base_bound``, ``log10(1 + |e|) <= exponent_bound``."""
        if exponent_bound > 300:
            return math.inf
        return (10**exponent_bound - 1) * base_bound + _LOG10_2

    def check(self, node: ast.AST, expr: sp.Expr) -> sp.Expr:
        """Reject undefined values and numbers too large to handle; return ``expr``."""
        fail = self.source.fail
        if expr is sp.nan:
            fail(node, "an undefined value (nan)")
        if expr is sp.zoo:
            fail(node, "a division by zero or a pole (complex infinity)")
        if expr.is_extended_real is False:
            fail(node, "a non-real value")
        pieces = [expr, *expr.args] if isinstance(expr, (sp.Add, sp.Mul)) else [expr]
        for piece in pieces:
            if (
                isinstance(piece, sp.Pow)
                and piece.exp.is_Number
                and abs(piece.exp) > MAX_EXPONENT
            ):
                fail(node, f"an exponent larger than {MAX_EXPONENT} in absolute value")
            if not piece.free_symbols and self.bound(piece) > MAX_MAGNITUDE_DIGITS:
                fail(node, f"a number that may exceed 10**{MAX_MAGNITUDE_DIGITS}")
        return expr

    # -- tree walk --------------------------------------------------------------

    def build(self, node: ast.expr) -> sp.Expr:
        if isinstance(node, ast.BinOp):
            first, pairs = _chain(node)
            result = self.build(first)
            for operation, right in pairs:
                result = self.binary(operation, result, self.build(right))
            return result
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            return operand if isinstance(node.op, ast.UAdd) else self.check(node, -operand)
        if isinstance(node, ast.Constant):
            if type(node.value) is int:
                return sp.Integer(node.value)
            return _decimal_literal(self.source, node)
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return self.symbols[node.id]
            return CONSTANTS[node.id]
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        return self.call(node, node.func.id, [self.build(a) for a in node.args])

    def binary(self, node: ast.BinOp, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        fail = self.source.fail
        if isinstance(node.op, ast.Add):
            return self.check(node, left + right)
        if isinstance(node.op, ast.Sub):
            return self.check(node, left - right)
        if isinstance(node.op, ast.Mult):
            return self.check(node, left * right)
        if isinstance(node.op, ast.Div):
            if right == 0:
                fail(node, "a division by zero")
            return self.check(node, left / right)
        return self.power(node, left, right)

    def power(self, node: ast.AST, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        """Build ``left**right``, predicting its size before SymPy evaluates it eagerly."""
        fail = self.source.fail
        if right.is_Number and abs(right) > MAX_EXPONENT:
            fail(node, f"an exponent larger than {MAX_EXPONENT} in absolute value")
        if not right.free_symbols and not right.is_Rational:
            if self._power_bound(self.bound(left), self.bound(right)) > MAX_MAGNITUDE_DIGITS:
                fail(node, f"a number that may exceed 10**{MAX_MAGNITUDE_DIGITS}")
        if right.is_Rational:
            coefficient, _ = left.as_coeff_Mul()
            if coefficient.is_Rational:
                assert isinstance(coefficient, sp.Rational) and isinstance(right, sp.Rational)
                digits = _rational_digits(coefficient)
                if digits * float(abs(right)) > MAX_MAGNITUDE_DIGITS:
                    fail(node, f"a number that may exceed 10**{MAX_MAGNITUDE_DIGITS}")
                if not right.is_Integer and digits > MAX_RADICAND_DIGITS:
                    fail(node, f"a root of a number with more than {MAX_RADICAND_DIGITS} digits")
        if left == 0 and right.is_extended_negative:
            fail(node, "a division by zero")
        return self.check(node, left**right)

    def call(self, node: ast.Call, name: str, args: Sequence[sp.Expr]) -> sp.Expr:
        fail = self.source.fail
        function = FUNCTIONS[name][0]
        if name in _GAMMA_FAMILY:
            for argument in args:
                if argument.is_Number and abs(argument) > MAX_GAMMA_ARGUMENT:
                    fail(node, f"a numeric argument beyond {MAX_GAMMA_ARGUMENT} in absolute value to {name!r}")
        if name == "polygamma" and args[0].is_Number and abs(args[0]) > MAX_POLYGAMMA_ORDER:
            fail(node, f"a polygamma order beyond {MAX_POLYGAMMA_ORDER}")
        if name == "sqrt":
            return self.power(node, args[0], sp.S.Half)
        if name == "exp":
            argument = args[0]
            if not argument.free_symbols and (
                self._power_bound(math.log10(math.e), self.bound(argument)) > MAX_MAGNITUDE_DIGITS
            ):
                fail(node, f"a number that may exceed 10**{MAX_MAGNITUDE_DIGITS}")
        if name in _NUMERIC_EVALUATING and any(
            not a.free_symbols and not _cheap_numeric(a) and self.bound(a) > MAX_EVALF_DIGITS
            for a in args
        ):
            # Deciding e.g. floor(exp(pi**pi)) needs high-precision numerics; keep it unevaluated.
            return self.check(node, function(*args, evaluate=False))
        return self.check(node, function(*args))


def _rational_digits(number: sp.Rational) -> float:
    """``log10(max(|p|, q))`` of a rational ``p/q``, without converting to float."""
    return math.log10(max(abs(number.p), number.q, 1))


def _cheap_numeric(expr: sp.Basic) -> bool:
    """Whether a numeric expression is built only from rationals, pi, E, oo, + * and rational powers."""
    if expr.is_Atom:
        return True
    if isinstance(expr, sp.Pow) and not expr.exp.is_Rational:
        return False
    if not isinstance(expr, (sp.Add, sp.Mul, sp.Pow)):
        return False
    return all(_cheap_numeric(a) for a in expr.args)


# ------------------------------------------------------------------ public parsers


def _check_symbol_mapping(symbols: Mapping[str, sp.Symbol]) -> None:
    for key, value in symbols.items():
        if not isinstance(key, str):
            raise ModelError(f"symbol names must be strings, got {type(key).__name__}")
        if key in CONSTANTS or key == "I":
            raise ModelError(f"symbol name {key!r} collides with a constant")
        if not isinstance(value, sp.Symbol):
            raise ModelError(f"symbol {key!r} is not a SymPy Symbol but {type(value).__name__}")


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
    """
    if not isinstance(text, str):
        raise ModelError(f"a model expression must be a string, got {type(text).__name__}")
    _check_symbol_mapping(symbols)
    if len(text) > max_length:
        raise ModelError(
            f"a model expression is limited to {max_length} characters, got {len(text)}"
        )
    source = _Source(text)
    if not source.parsed.strip():
        raise ModelError("a model expression may not be empty")
    _prescan(source, max_depth)
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
    builder = _Builder(source, symbols)
    try:
        _Validator(source, symbols, max_depth).visit(tree.body, 1)
        result = builder.build(tree.body)
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
    if result.has(sp.I):
        raise ModelError("a non-real value is not allowed in a model expression: "
                         f"{_snippet(source.original.strip())} at column 1")
    return result


def _prescan(source: _Source, max_depth: int) -> None:
    """Reject control characters, comments and too-deep brackets before parsing."""
    depth = 0
    for position, char in enumerate(source.original):
        category = unicodedata.category(char)
        if category.startswith("C"):
            raise ModelError(
                f"the control character U+{ord(char):04X} is not allowed in a model "
                f"expression at column {position + 1}"
            )
        if char == "#":
            raise ModelError(
                "a comment ('#') is not allowed in a model expression: "
                f"{_snippet(source.original[position:])} at column {position + 1}"
            )
        if char in "([{":
            depth += 1
            if depth > max_depth:
                raise ModelError(
                    _WHAT_TEMPLATE.format(
                        what=f"nesting deeper than {max_depth} levels",
                        snippet=_snippet(source.original[position:]),
                        column=position + 1,
                    )
                )
        elif char in ")]}":
            depth = max(0, depth - 1)


_SYMBOL_ITEM = re.compile(r"[^\s,]+")


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
    """
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
    result: list[sp.Symbol] = []
    seen: set[str] = set()
    for match in _SYMBOL_ITEM.finditer(spec):
        item, column = match.group(), match.start() + 1
        name, colon, assumption = item.partition(":")
        if not colon:
            assumption = default
        where = f"{_snippet(item)} at column {column}"
        if assumption not in ASSUMPTIONS:
            raise ModelError(
                f"unknown assumption {assumption!r} in symbol specification: {where}; "
                f"allowed: {', '.join(ASSUMPTIONS)}"
            )
        _check_name(name, where)
        if name in seen:
            raise ModelError(f"duplicate symbol {name!r} in symbol specification: {where}")
        seen.add(name)
        result.append(sp.Symbol(name, **ASSUMPTIONS[assumption]))
    return result


def _check_name(name: str, where: str) -> None:
    if not name.isidentifier():
        problem = "is not a valid identifier"
    elif keyword.iskeyword(name):
        problem = "is a Python keyword"
    elif _is_dunder(name):
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


_SET_WORDS: Mapping[str, sp.Set] = {
    "Reals": sp.S.Reals,
    "PositiveReals": sp.Interval.open(0, sp.oo),
    "Naturals0": sp.S.Naturals0,
    "Naturals": sp.S.Naturals,
    "Integers": sp.S.Integers,
}


def _split_top_level(text: str) -> list[str]:
    """Split at commas not nested inside brackets."""
    parts: list[str] = []
    depth, start = 0, 0
    for position, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    parts.append(text[start:])
    return parts


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
    """
    if not isinstance(text, str):
        raise ModelError(f"a set must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ModelError(f"a set is limited to {MAX_LENGTH} characters, got {len(text)}")
    stripped = text.strip()
    if stripped in _SET_WORDS:
        return _SET_WORDS[stripped]

    def part(piece: str, role: str) -> sp.Expr:
        try:
            return parse_expression(piece.strip(), symbols)
        except ModelError as error:
            raise ModelError(f"in the {role} of the set {_snippet(stripped)}: {error}") from None

    try:
        if len(stripped) >= 2 and stripped[0] in "([" and stripped[-1] in ")]":
            pieces = _split_top_level(stripped[1:-1])
            if len(pieces) != 2:
                raise ModelError(
                    f"an interval needs exactly two bounds, got {len(pieces)}: {_snippet(stripped)}"
                )
            low, high = part(pieces[0], "lower bound"), part(pieces[1], "upper bound")
            result: sp.Set = sp.Interval(low, high, stripped[0] == "(", stripped[-1] == ")")
        elif len(stripped) >= 2 and stripped[0] == "{" and stripped[-1] == "}":
            elements = [part(p, "elements") for p in _split_top_level(stripped[1:-1])]
            for element in elements:
                if not element.is_Integer:
                    raise ModelError(
                        f"a finite set may contain only integers, got {_snippet(str(element))}"
                        f" in {_snippet(stripped)}"
                    )
            result = sp.FiniteSet(*elements)
        elif re.fullmatch(r"range\s*\(.*\)", stripped, flags=re.DOTALL):
            inner = stripped[stripped.index("(") + 1 : -1]
            pieces = _split_top_level(inner)
            if len(pieces) != 2:
                raise ModelError(
                    f"range needs exactly two arguments (start, stop), got {len(pieces)}: "
                    f"{_snippet(stripped)}"
                )
            bounds = [part(pieces[0], "start"), part(pieces[1], "stop")]
            for bound in bounds:
                if not (bound.is_integer or bound in (sp.oo, -sp.oo)):
                    raise ModelError(
                        f"range bounds must be integers or oo, got {_snippet(str(bound))} "
                        f"in {_snippet(stripped)}"
                    )
            result = sp.Range(*bounds)
        else:
            raise ModelError(
                f"not a set: {_snippet(stripped)}; expected an interval such as '(0, oo)', "
                "a finite set such as '{0, 1}', 'range(a, b)' or one of "
                + ", ".join(_SET_WORDS)
            )
    except ModelError:
        raise
    except Exception as error:  # SymPy rejected the bounds (e.g. non-integer range)
        detail = str(error).splitlines()[0][:80] if str(error) else type(error).__name__
        raise ModelError(f"invalid set {_snippet(stripped)}: {detail}") from None
    if result is sp.S.EmptySet:
        raise ModelError(f"the set {_snippet(stripped)} is empty")
    return result
