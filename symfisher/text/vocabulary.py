"""The names an expression may use: the allow-listed functions and constants.

In the expression grammar (:mod:`symfisher.text.expressions`)::

    function = ? a key of FUNCTIONS ? ;       (* only as a callee: exp(x), beta(a, b) *)
    constant = "pi" | "E" | "oo" ;           (* CONSTANTS; "I" is never a name *)

Nothing else is callable, and no name starting with ``__`` is accepted anywhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping

import sympy as sp

__all__ = ["FUNCTIONS", "CONSTANTS", "is_dunder"]


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
    "asinh": (sp.asinh, 1, 1),  # Johnson's S_U and the sinh–arcsinh laws
    "acosh": (sp.acosh, 1, 1),
    "atanh": (sp.atanh, 1, 1),
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
    "KroneckerDelta": (sp.KroneckerDelta, 2, 2),
    "Min": (sp.Min, 1, None),
    "Max": (sp.Max, 1, None),
    "floor": (sp.floor, 1, 1),
    "ceiling": (sp.ceiling, 1, 1),
    "Piecewise": (sp.Piecewise, 1, 16),  # (value, condition) pairs: see symfisher.text.expressions
}

#: Names other tools give to functions of :data:`FUNCTIONS` (suggested in the error, never accepted silently).
OTHER_NAMES: Mapping[str, str] = {
    "choose": "binomial", "comb": "binomial", "nCr": "binomial", "ln": "log", "log10": "log(x, 10)",
    "psi": "digamma", "gammaln": "loggamma", "lbeta": "log(beta(a, b))", "min": "Min", "max": "Max",
    "heaviside": "Heaviside", "step": "Heaviside", "absolute": "abs", "fabs": "abs", "pow": "the operator ** or ^",
    "sech": "1/cosh", "csch": "1/sinh", "coth": "cosh/sinh", "iv": "besseli", "kv": "besselk", "jv": "besselj",
    "erfcx": "exp(x**2)*erfc(x)", "expit": "1/(1 + exp(-x))", "logit": "log(p/(1 - p))",
    "arcsinh": "asinh", "arsinh": "asinh", "arccosh": "acosh", "arcosh": "acosh", "arctanh": "atanh",
    "artanh": "atanh", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arctan2": "atan2",
}


def suggestion(name: str) -> str:
    """``"; did you mean …?"`` for a name that is not a function here: another tool's name for one
    (:data:`OTHER_NAMES`) or a near spelling of one, else ``""``."""
    close = OTHER_NAMES.get(name) or next(iter(difflib.get_close_matches(name, FUNCTIONS, n=1, cutoff=0.8)), None)
    return f"; did you mean {close}?" if close else ""


#: Named constants.  ``I`` is deliberately absent: models are real-valued.
CONSTANTS: Mapping[str, sp.Expr] = {"pi": sp.pi, "E": sp.E, "oo": sp.oo}


def is_dunder(name: str) -> bool:
    """Whether ``name`` starts with ``__`` (never a symbol, function or constant).

    >>> is_dunder("__class__"), is_dunder("_x")
    (True, False)
    """
    return name.startswith("__")
