"""Safe parsing of untrusted mathematical text into SymPy objects: the public facade.

Nothing here calls :func:`eval`, :func:`sympy.sympify` or
:func:`sympy.parsing.sympy_parser.parse_expr`.  Each grammar lives in its own module, which
states it in EBNF:

- :mod:`symfisher.text.lexer`: characters, brackets, positions, and the ``MAX_*`` limits;
- :mod:`symfisher.text.vocabulary`: the allow-listed :data:`FUNCTIONS` and :data:`CONSTANTS`;
- :mod:`symfisher.text.expressions`: :func:`parse_expression` (arithmetic, calls, exact decimals;
  ``^`` is power);
- :mod:`symfisher.text.symbols`: :func:`parse_symbols` (``"mu:real sigma:positive"``);
- :mod:`symfisher.text.sets`: :func:`parse_set` (``"(0, oo)"``, ``"Naturals0"``, ``"{0, 1}"``,
  ``"range(a, b)"``).

Every rejection raises :class:`symfisher.errors.ModelError` with a one-line message that names
what is not allowed and where (a 1-based column in the text).  Longer advice lives in
:data:`EXPRESSION_HELP`, :data:`SYMBOLS_HELP` and :data:`SET_HELP`.
"""

from __future__ import annotations

from symfisher.text.expressions import EXPRESSION_HELP, parse_expression
# The limits and SYMBOL_FUNCTION_NAMES were public here before the split (not in __all__).
from symfisher.text.lexer import (
    MAX_LENGTH as MAX_LENGTH,
    MAX_DEPTH as MAX_DEPTH,
    MAX_LITERAL_DIGITS as MAX_LITERAL_DIGITS,
    MAX_EXPONENT as MAX_EXPONENT,
    MAX_MAGNITUDE_DIGITS as MAX_MAGNITUDE_DIGITS,
    MAX_RADICAND_DIGITS as MAX_RADICAND_DIGITS,
    MAX_GAMMA_ARGUMENT as MAX_GAMMA_ARGUMENT,
    MAX_POLYGAMMA_ORDER as MAX_POLYGAMMA_ORDER,
    MAX_EVALF_DIGITS as MAX_EVALF_DIGITS,
    MAX_NAME_LENGTH as MAX_NAME_LENGTH,
)
from symfisher.text.sets import SET_HELP, parse_set
from symfisher.text.symbols import SYMBOL_FUNCTION_NAMES as SYMBOL_FUNCTION_NAMES
from symfisher.text.symbols import ASSUMPTIONS, SYMBOLS_HELP, parse_symbols
from symfisher.text.vocabulary import CONSTANTS, FUNCTIONS

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

