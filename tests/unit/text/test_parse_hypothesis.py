"""Property tests of :mod:`symfisher.text.parse`: round trips and robustness on junk."""

from __future__ import annotations

from typing import Callable

import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symfisher.errors import ModelError
from symfisher.text.parse import FUNCTIONS, parse_expression, parse_set, parse_symbols

x, mu = sp.symbols("x mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
SYMBOLS = {"x": x, "mu": mu, "sigma": sigma}

# A pair (text, SymPy expression built directly with the same operations).
Pair = tuple[str, sp.Expr]

_LEAVES: list[Pair] = [
    ("x", x), ("mu", mu), ("sigma", sigma), ("pi", sp.pi), ("E", sp.E),
    ("2", sp.Integer(2)), ("3", sp.Integer(3)), ("0.5", sp.Rational(1, 2)),
    ("1.25", sp.Rational(5, 4)),
]

_UNARY_FUNCTIONS: list[tuple[str, Callable[[sp.Expr], sp.Expr]]] = [
    ("exp", sp.exp), ("log", sp.log), ("sin", sp.sin), ("cos", sp.cos),
    ("tanh", sp.tanh), ("asinh", sp.asinh), ("erf", sp.erf), ("gamma", sp.gamma), ("lgamma", sp.loggamma),
    ("Abs", sp.Abs),
]


def _binary(pair: tuple[Pair, Pair, str]) -> Pair:
    (left_text, left), (right_text, right), op = pair
    text = f"({left_text}){op}({right_text})"
    if op == "+":
        return text, left + right
    if op == "-":
        return text, left - right
    if op == "*":
        return text, left * right
    return text, left / right


def _power(pair: tuple[Pair, int, str]) -> Pair:
    (text, expr), exponent, caret = pair
    return f"({text}){caret}{exponent}", expr ** sp.Integer(exponent)


def _function(pair: tuple[Pair, tuple[str, Callable[[sp.Expr], sp.Expr]]]) -> Pair:
    (text, expr), (name, function) = pair
    return f"{name}({text})", function(expr)


def _negate(pair: Pair) -> Pair:
    return f"-({pair[0]})", -pair[1]


def _extend(children: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    return st.one_of(
        st.tuples(children, children, st.sampled_from("+-*")).map(_binary),
        st.tuples(children, st.sampled_from(["x", "sigma", "mu"]).map(lambda n: (n, SYMBOLS[n])),
                  st.just("/")).map(_binary),
        st.tuples(children, st.integers(-3, 3), st.sampled_from(["**", "^"])).map(_power),
        st.tuples(children, st.sampled_from(_UNARY_FUNCTIONS)).map(_function),
        children.map(_negate),
    )


EXPRESSIONS = st.recursive(st.sampled_from(_LEAVES), _extend, max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_well_formed_expressions_match_sympy(pair: Pair) -> None:
    text, expected = pair
    try:
        result = parse_expression(text, SYMBOLS)
    except ModelError as error:
        # Only the semantic guards may refuse a well-formed text (e.g. log(-2)).
        message = str(error)
        if "may exceed 10**4000" in message:  # a conservative bound: the value is huge
            assert not abs(complex(expected.evalf(15))) < 1e200
        else:
            assert "non-real" in message or "division by zero" in message or "nan" in message
        return
    assert result == expected


_TOKENS = [
    "x", "mu", "sigma", "pi", "E", "oo", "I", "1", "0", "2.5", "1e5", "10**", "9", "(", ")",
    "[", "]", "{", "}", ",", ".", "+", "-", "*", "/", "**", "^", "//", "%", "@", "<", "==",
    "=", ":", ":=", ";", "'", '"', "#", "\\", "\n", " ", "lambda", "if", "else", "for", "in",
    "not", "and", "__import__", "__class__", "os", "open", "eval", "exec", "*args", "**kw",
    "yield", "await", "f'", "b'", "j", "_", *FUNCTIONS,
]


def _never_crashes(text: str) -> None:
    for call in (
        lambda: parse_expression(text, SYMBOLS),
        lambda: parse_symbols(text),
        lambda: parse_set(text, SYMBOLS),
    ):
        try:
            call()
        except ModelError:
            pass


@settings(max_examples=500, deadline=1000)
@given(st.text(max_size=300))
def test_random_text_only_raises_model_error(text: str) -> None:
    _never_crashes(text)


@settings(max_examples=500, deadline=1000)
@given(st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join))
def test_token_soup_only_raises_model_error(text: str) -> None:
    _never_crashes(text)


@settings(max_examples=300, deadline=1000)
@given(st.lists(st.sampled_from(_TOKENS), max_size=30).map(" ".join))
def test_spaced_token_soup_only_raises_model_error(text: str) -> None:
    _never_crashes(text)
