"""The construction of an expression's SymPy object from its validated syntax tree.

SymPy evaluates numbers eagerly: ``9**9**9`` or ``factorial(10**9)`` would exhaust memory or
time before any check could run on the result.  :class:`Builder` therefore predicts, before
each operation, an upper bound on the size of every numeric sub-expression
(:meth:`Builder.bound`, in decimal digits) and rejects those beyond the limits of
:mod:`symfisher.text.lexer` (``MAX_MAGNITUDE_DIGITS``, ``MAX_EXPONENT``, ``MAX_RADICAND_DIGITS``,
``MAX_GAMMA_ARGUMENT``, ``MAX_POLYGAMMA_ORDER``, ``MAX_EVALF_DIGITS``).  Undefined values
(``nan``, ``zoo``) and non-real values are rejected where they arise.

The tree must have passed :class:`symfisher.text._validate.Validator`; the builder does not
check the grammar again.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping, Sequence

import sympy as sp

from symfisher.text._syntax import chain, decimal_literal
from symfisher.text.lexer import (
    MAX_EVALF_DIGITS,
    MAX_EXPONENT,
    MAX_GAMMA_ARGUMENT,
    MAX_MAGNITUDE_DIGITS,
    MAX_POLYGAMMA_ORDER,
    MAX_RADICAND_DIGITS,
    Source,
)
from symfisher.text.vocabulary import CONSTANTS, FUNCTIONS

__all__ = ["Builder"]

#: Functions of :data:`~symfisher.text.vocabulary.FUNCTIONS` that SymPy evaluates exactly for
#: numeric arguments, with cost growing fast in the argument (``factorial(10**9)`` would never
#: finish).
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

_LOG10_2 = math.log10(2)
#: The relations of a Piecewise condition.
_RELATION = {ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan, ast.Gt: sp.StrictGreaterThan, ast.GtE: sp.GreaterThan}
#: Numeric sub-expressions whose arguments are bounded by 10**this are evaluated (to
#: 15 digits) to replace the structural magnitude bound by the actual magnitude.
_REFINE_DIGITS = 15.0


class Builder:
    """Builds the SymPy expression from a validated tree, guarding eager evaluation."""

    def __init__(self, source: Source, symbols: Mapping[str, sp.Symbol]) -> None:
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
            return self._power_bound(math.log10(math.e), self.value_bound(args[0]))
        if isinstance(expr, _BOUNDED):
            return 1.0
        if isinstance(expr, (sp.log, sp.loggamma, sp.asinh)):  # |asinh x| ≤ log(2|x| + 1)
            return math.log10(self.bound(args[0]) * 2.31 + 1) + 1
        if isinstance(expr, (sp.Abs, sp.floor, sp.ceiling, sp.Min, sp.Max)):
            return max(self.bound(a) for a in args) + _LOG10_2
        # Anything else (gamma, factorial, bessel, ...): at most about x**x.
        inner = max((self.bound(a) for a in args), default=1.0) + 1
        return self._power_bound(inner, inner)

    def value_bound(self, expr: sp.Basic) -> float:
        """:meth:`bound` of an exponent: a rational by its value, not its digits (``bound`` covers the reciprocal:
        exp(15625/4096) = 45.4 is not e^15625)."""
        if expr.is_Rational:
            assert isinstance(expr, sp.Rational)
            return _value_digits(expr)
        return self.bound(expr)

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
        """The SymPy expression of the validated ``node``."""
        if isinstance(node, ast.BinOp):
            first, pairs = chain(node)
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
            return decimal_literal(self.source, node)
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return self.symbols[node.id]
            return CONSTANTS[node.id]
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        if node.func.id == "Piecewise":
            return self.piecewise(node)
        return self.call(node, node.func.id, [self.build(a) for a in node.args])

    def piecewise(self, node: ast.Call) -> sp.Expr:
        """``Piecewise((value, condition), …)``; a chain a <= x < b is the ``And`` of its links."""
        branches = []
        for branch in node.args:
            assert isinstance(branch, ast.Tuple)
            value, condition = branch.elts
            if isinstance(condition, ast.Constant):
                branches.append((self.build(value), sp.true))
                continue
            assert isinstance(condition, ast.Compare)
            operands = [self.build(o) for o in (condition.left, *condition.comparators)]
            links = [_RELATION[type(op)](a, b) for op, a, b in zip(condition.ops, operands, operands[1:])]
            branches.append((self.build(value), sp.And(*links)))
        return self.check(node, sp.Piecewise(*branches))

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
        """Build ``name(*args)``, rejecting numeric arguments whose evaluation would be too costly."""
        self.guard_arguments(node, name, args)
        if name == "sqrt":
            return self.power(node, args[0], sp.S.Half)
        function = FUNCTIONS[name][0]
        if name in _NUMERIC_EVALUATING and any(
            not a.free_symbols and not _cheap_numeric(a) and self.bound(a) > MAX_EVALF_DIGITS
            for a in args
        ):
            # Deciding e.g. floor(exp(pi**pi)) needs high-precision numerics; keep it unevaluated.
            return self.check(node, function(*args, evaluate=False))
        return self.check(node, function(*args))

    def guard_arguments(self, node: ast.Call, name: str, args: Sequence[sp.Expr]) -> None:
        """Reject gamma-family arguments, polygamma orders and exponents beyond the limits."""
        fail = self.source.fail
        if name in _GAMMA_FAMILY:
            for argument in args:
                if argument.is_Number and argument is not sp.oo and abs(argument) > MAX_GAMMA_ARGUMENT:  # Γ(∞) = ∞
                    fail(node, f"a numeric argument beyond {MAX_GAMMA_ARGUMENT} in absolute value to {name!r}")
        if name == "polygamma" and args[0].is_Number and abs(args[0]) > MAX_POLYGAMMA_ORDER:
            fail(node, f"a polygamma order beyond {MAX_POLYGAMMA_ORDER}")
        if name == "exp":
            argument = args[0]
            if not argument.free_symbols and (
                self._power_bound(math.log10(math.e), self.value_bound(argument)) > MAX_MAGNITUDE_DIGITS
            ):
                fail(node, f"a number that may exceed 10**{MAX_MAGNITUDE_DIGITS}")

def _rational_digits(number: sp.Rational) -> float:
    """``log10(max(|p|, q))`` of a rational ``p/q``, without converting to float."""
    return math.log10(max(abs(number.p), number.q, 1))


def _value_digits(number: sp.Rational) -> float:
    """An upper bound on ``log10(1 + |p/q|)``, without converting to float: log10 2 for |p/q| ≤ 1, else
    log10|p| − log10 q + log10 2 (1 + v ≤ 2v)."""
    if abs(number.p) <= number.q:
        return _LOG10_2
    return math.log10(abs(number.p)) - math.log10(number.q) + _LOG10_2


def _cheap_numeric(expr: sp.Basic) -> bool:
    """Whether a numeric expression is built only from rationals, pi, E, oo, + * and rational powers."""
    if expr.is_Atom:
        return True
    if isinstance(expr, sp.Pow) and not expr.exp.is_Rational:
        return False
    if not isinstance(expr, (sp.Add, sp.Mul, sp.Pow)):
        return False
    return all(_cheap_numeric(a) for a in expr.args)

