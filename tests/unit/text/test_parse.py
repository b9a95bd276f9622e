"""Tests of the safe parser :mod:`symfisher.text.parse`."""

from __future__ import annotations

import re
import time

import pytest
import sympy as sp

from symfisher.errors import ModelError
from symfisher.text.parse import parse_expression, parse_set, parse_symbols

x, mu = sp.symbols("x mu", real=True)
sigma, theta = sp.symbols("sigma theta", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
SYMBOLS = {"x": x, "mu": mu, "sigma": sigma, "theta": theta, "n": n}
DECLARED = "mu, n, sigma, theta, x"


def parse(text: str, **kwargs: int) -> sp.Expr:
    return parse_expression(text, SYMBOLS, **kwargs)


def rejects(text: str, message: str, **kwargs: int) -> None:
    with pytest.raises(ModelError, match="^" + re.escape(message) + "$"):
        parse(text, **kwargs)


def not_allowed(what: str, snippet: str, column: int) -> str:
    return f"{what} is not allowed in a model expression: {snippet!r} at column {column}"


# ------------------------------------------------------------------ accepted input


def test_normal_pdf_equals_sympy_built() -> None:
    text = "exp(-(x-mu)**2/(2*sigma**2))/sqrt(2*pi*sigma**2)"
    expected = sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)
    assert parse(text) == expected


def test_caret_is_power_with_power_precedence() -> None:
    assert parse("x^2+1") == x**2 + 1
    assert parse("-x^2") == -(x**2)
    assert parse("2^3^2") == sp.Integer(512)
    assert parse("exp(-(x-mu)^2/(2*sigma^2))") == sp.exp(-((x - mu) ** 2) / (2 * sigma**2))


def test_literals_are_exact_rationals() -> None:
    assert parse("0.5") == sp.Rational(1, 2)
    assert parse("1/3") == sp.Rational(1, 3)
    assert parse("1e-5") == sp.Rational(1, 100000)
    assert parse("2.5e3") == sp.Integer(2500)
    assert parse("1_000.25") == sp.Rational(4001, 4)
    assert parse("0.1*x") == x / 10


def test_constants_functions_and_aliases() -> None:
    assert parse("pi + E") == sp.pi + sp.E
    assert parse("oo") == sp.oo
    assert parse("lgamma(x)") == sp.loggamma(x)
    assert parse("abs(x) + Abs(mu)") == sp.Abs(x) + sp.Abs(mu)
    assert parse("log(x, 2)") == sp.log(x, 2)
    assert parse("polygamma(1, x) + digamma(x) + trigamma(x)") == (
        sp.polygamma(1, x) + sp.digamma(x) + sp.trigamma(x)
    )
    assert parse("besselk(mu, x) * beta(x, mu)") == sp.besselk(mu, x) * sp.beta(x, mu)
    assert parse("Max(x, mu, 0)") == sp.Max(x, mu, 0)
    assert parse("asinh(x - mu) + acosh(x + 2) + atanh(x/3)") == sp.asinh(x - mu) + sp.acosh(x + 2) + sp.atanh(x / 3)


def test_function_name_as_declared_symbol_in_value_position() -> None:
    beta = sp.Symbol("beta", positive=True)
    assert parse_expression("beta*exp(-beta*x) + beta(x, 2)", {"x": x, "beta": beta}) == (
        beta * sp.exp(-beta * x) + sp.beta(x, 2)
    )


def test_whitespace_and_line_breaks() -> None:
    assert parse("  x +\n  mu\t") == x + mu


# ------------------------------------------------------------------ rejected input


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "__import__('os').system('echo hi')",
            not_allowed("attribute access", "__import__('os').system", 1),
        ),
        ("x.__class__", not_allowed("attribute access", "x.__class__", 1)),
        ("(lambda: 1)()", not_allowed("a lambda", "lambda: 1", 2)),
        ("[i for i in x]", not_allowed("a list comprehension", "[i for i in x]", 1)),
        ("(i for i in x)", not_allowed("a generator expression", "(i for i in x)", 1)),
        ("'abc'", not_allowed("a string literal", "'abc'", 1)),
        ("b'abc'", not_allowed("a bytes literal", "b'abc'", 1)),
        ("f'{x}'", not_allowed("an f-string", "f'{x}'", 1)),
        ("open('f')", not_allowed("a call to 'open'", "open", 1)),
        ("eval('1')", not_allowed("a call to 'eval'", "eval", 1)),
        ("choose(x, 2)", not_allowed("a call to 'choose'", "choose", 1) + "; did you mean binomial?"),
        ("gammaln(x)", not_allowed("a call to 'gammaln'", "gammaln", 1) + "; did you mean loggamma?"),
        ("x*sqr(mu)", not_allowed("a call to 'sqr'", "sqr", 3) + "; did you mean sqrt?"),
        ("arcsinh(x)", not_allowed("a call to 'arcsinh'", "arcsinh", 1) + "; did you mean asinh?"),
        ("__import__('os')", not_allowed("the dunder name '__import__'", "__import__", 1)),
        ("x + __builtins__", not_allowed("the dunder name '__builtins__'", "__builtins__", 5)),
        ("exp(x=1)", not_allowed("a keyword argument", "x=1", 5)),
        ("exp(*x)", not_allowed("a starred argument", "*x", 5)),
        ("x if x else 1", not_allowed("a conditional expression", "x if x else 1", 1)),
        ("(y := 1)", not_allowed("an assignment expression (walrus)", "y := 1", 2)),
        ("x < 1", not_allowed("a comparison", "x < 1", 1)),
        ("x and mu", not_allowed("a boolean operator", "x and mu", 1)),
        ("not x", not_allowed("the operator 'not'", "not x", 1)),
        ("~x", not_allowed("the operator '~'", "~x", 1)),
        ("x // 2", not_allowed("the operator '//'", "x // 2", 1)),
        ("x % 2", not_allowed("the operator '%'", "x % 2", 1)),
        ("x[0]", not_allowed("subscripting", "x[0]", 1)),
        ("[x, mu]", not_allowed("a list", "[x, mu]", 1)),
        ("x, mu", not_allowed("a tuple", "x, mu", 1)),
        ("{x: 1}", not_allowed("a dict", "{x: 1}", 1)),
        ("1j", not_allowed("a complex literal", "1j", 1)),
        ("True", not_allowed("the constant True", "True", 1)),
        ("None", not_allowed("the constant None", "None", 1)),
        ("2*I", not_allowed("the imaginary unit 'I' (models are real-valued)", "I", 3)),
        ("exp", not_allowed("the function name 'exp' without a call", "exp", 1)),
        ("mu(2)", not_allowed("a call of 'mu', which is not a function,", "mu", 1)),
        ("exp(x)(2)", not_allowed("a call of something other than a function name", "exp(x)(2)", 1)),
        ("x # comment", "a comment ('#') is not allowed in a model expression: '# comment' at column 3"),
        ("x\x00", "the control character U+0000 is not allowed in a model expression at column 2"),
        ("x +* 2", "invalid syntax in a model expression: invalid syntax at column 4"),
        ("", "a model expression may not be empty"),
        ("exp(x, mu)", "function 'exp' takes 1 argument, got 2: 'exp(x, mu)' at column 1"),
        ("log()", "function 'log' takes 1 to 2 arguments, got 0: 'log()' at column 1"),
        ("sqrt(-1)", not_allowed("a non-real value", "sqrt(-1)", 1)),
        ("log(-1)", not_allowed("a non-real value", "log(-1)", 1)),
        ("1/0", not_allowed("a division by zero", "1/0", 1)),
        ("oo - oo", not_allowed("an undefined value (nan)", "oo - oo", 1)),
    ],
)
def test_rejected_constructs(text: str, message: str) -> None:
    rejects(text, message)


def test_undeclared_name_lists_declared_symbols() -> None:
    rejects("x + y", f"undeclared name 'y' in a model expression at column 5; declared symbols: {DECLARED}")
    with pytest.raises(ModelError, match=r"^undeclared name 'z' in a model expression at column 1; declared symbols: \(none\)$"):
        parse_expression("z", {})


def test_two_to_the_ten_thousand_is_fine() -> None:
    assert parse("2**10000") == sp.Integer(2) ** 10000


def test_power_tower_fails_instantly() -> None:
    start = time.perf_counter()
    rejects("9**9**9", not_allowed("an exponent larger than 10000 in absolute value", "9**9**9", 1))
    rejects("9^9^9", not_allowed("an exponent larger than 10000 in absolute value", "9^9^9", 1))
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x**100001", not_allowed("an exponent larger than 10000 in absolute value", "x**100001", 1)),
        ("x**(10**5)", not_allowed("an exponent larger than 10000 in absolute value", "x**(10**5)", 1)),
        ("(10**100)**10000", not_allowed("a number that may exceed 10**4000", "(10**100)**10000", 1)),
        ("(3*x)**10000", not_allowed("a number that may exceed 10**4000", "(3*x)**10000", 1)),
        ("exp(exp(exp(10)))", not_allowed("a number that may exceed 10**4000", "exp(exp(10))", 5)),
        ("floor(pi**pi**pi**pi)", not_allowed("a number that may exceed 10**4000", "pi**pi**pi**pi", 7)),
        ("factorial(10**9)", not_allowed("a numeric argument beyond 200 in absolute value to 'factorial'", "factorial(10**9)", 1)),
        ("gamma(1000.5)", not_allowed("a numeric argument beyond 200 in absolute value to 'gamma'", "gamma(1000.5)", 1)),
        ("polygamma(100, x)", not_allowed("a polygamma order beyond 20", "polygamma(100, x)", 1)),
        ("sqrt(3**2000 + 1)", not_allowed("a root of a number with more than 300 digits", "sqrt(3**2000 + 1)", 1)),
        ("1" * 101, not_allowed("an integer literal with more than 100 digits", "1" * 37 + "...", 1)),
        ("1e-200", not_allowed("a decimal literal with more than 100 digits written out", "1e-200", 1)),
    ],
)
def test_size_limits(text: str, message: str) -> None:
    start = time.perf_counter()
    rejects(text, message)
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize(("text", "value"), [
    ("exp(((1.25)**2)**3)", sp.exp(sp.Rational(15625, 4096))),  # e^3.81, not e^15625: the bound of a fraction's digits
    ("exp(-15625/4096)", sp.exp(-sp.Rational(15625, 4096))),  # covers its reciprocal, an exponent needs its value
    ("exp(9000/7)", sp.exp(sp.Rational(9000, 7))),  # e^1286 = 10^558
])
def test_exp_of_a_fraction_is_bounded_by_its_value(text: str, value: sp.Expr) -> None:
    assert parse(text) == value


def test_exp_of_a_large_fraction_is_still_refused() -> None:
    rejects("exp(100000/7)", not_allowed("a number that may exceed 10**4000", "exp(100000/7)", 1))


def test_deep_nesting_is_rejected() -> None:
    deep = "(" * 10_000 + "x" + ")" * 10_000
    rejects(deep, "a model expression is limited to 2000 characters, got 20001")
    rejects(
        deep,
        not_allowed("nesting deeper than 50 levels", "(" * 37 + "...", 51),
        max_length=10**6,
    )
    rejects("-" * 60 + "x", not_allowed("nesting deeper than 50 levels", "-" * 10 + "x", 51))
    rejects("x**" * 60 + "x", not_allowed("nesting deeper than 50 levels", "x", 148))


def test_long_sums_are_not_deep() -> None:
    assert parse("+".join(["x"] * 200)) == 200 * x


def test_long_input_is_rejected() -> None:
    rejects("x+" * 2499 + "xx", "a model expression is limited to 2000 characters, got 5000")


def test_not_a_string() -> None:
    with pytest.raises(ModelError, match=r"^a model expression must be a string, got int$"):
        parse_expression(1, SYMBOLS)  # type: ignore[arg-type]


def test_symbol_named_like_a_constant_is_rejected() -> None:
    with pytest.raises(ModelError, match=r"^symbol name 'pi' collides with a constant$"):
        parse_expression("pi", {"pi": sp.Symbol("pi")})


# ------------------------------------------------------------------------ symbols


def test_parse_symbols_assumptions() -> None:
    symbols = parse_symbols("mu:real sigma:positive n:positive_integer, p:positive k:nonnegative_integer z")
    assert [s.name for s in symbols] == ["mu", "sigma", "n", "p", "k", "z"]
    mu_, sigma_, n_, p_, k_, z_ = symbols
    assert mu_ == sp.Symbol("mu", real=True)
    assert sigma_.is_positive and n_.is_integer and n_.is_positive
    assert k_.is_integer and k_.is_nonnegative and k_.is_positive is None
    assert z_.is_real and z_.is_positive is None
    assert parse_symbols("t", default="nonnegative")[0].is_nonnegative
    assert parse_symbols("m:integer")[0].is_integer
    assert parse_symbols("  ") == []


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("mu:bogus", "unknown assumption 'bogus' in symbol specification: 'mu:bogus' at column 1; allowed: real, positive, nonnegative, integer, positive_integer, nonnegative_integer, or an interval such as (0, 1)"),
        ("x 1x", "symbol name '1x' is not a valid identifier: '1x' at column 3"),
        ("lambda", "symbol name 'lambda' is a Python keyword: 'lambda' at column 1"),
        ("__class__", "symbol name '__class__' starts with '__': '__class__' at column 1"),
        ("exp", "symbol name 'exp' is the name of a function: 'exp' at column 1"),
        ("I", "symbol name 'I' is the name of a constant: 'I' at column 1"),
        ("a" * 31, f"symbol name {'a' * 31!r} is longer than 30 characters: {'a' * 31!r} at column 1"),
        ("mu, mu", "duplicate symbol 'mu' in symbol specification: 'mu' at column 5"),
        ("n:positive integer", "'integer' is an assumption word, not a symbol name: 'integer' at column 12; an item is "
                               "name:assumption with one word (positive_integer, nonnegative_integer) and items are "
                               "separated by spaces"),
        ("\uff58", "symbol name '\uff58' is not in Unicode NFKC normal form: '\uff58' at column 1"),
    ],
)
def test_parse_symbols_rejects(spec: str, message: str) -> None:
    with pytest.raises(ModelError, match="^" + re.escape(message) + "$"):
        parse_symbols(spec)


def test_parse_symbols_unknown_default() -> None:
    with pytest.raises(ModelError, match=r"^unknown default assumption 'complex'; allowed: "):
        parse_symbols("x", default="complex")


# --------------------------------------------------------------------------- sets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(-oo, oo)", sp.S.Reals),
        ("(0, oo)", sp.Interval.open(0, sp.oo)),
        ("[0, 1]", sp.Interval(0, 1)),
        ("(0, theta]", sp.Interval.Lopen(0, theta)),
        ("[mu - sigma, mu + sigma)", sp.Interval.Ropen(mu - sigma, mu + sigma)),
        ("[theta, 2*theta^2]", sp.Interval(theta, 2 * theta**2)),
        ("(0, Max(theta, 1)]", sp.Interval.Lopen(0, sp.Max(theta, 1))),
        ("Reals", sp.S.Reals),
        ("PositiveReals", sp.Interval.open(0, sp.oo)),
        ("Naturals0", sp.S.Naturals0),
        ("Naturals", sp.S.Naturals),
        ("Integers", sp.S.Integers),
        ("{0, 1, 2}", sp.FiniteSet(0, 1, 2)),
        ("{-1, 1}", sp.FiniteSet(-1, 1)),
        ("range(0, n + 1)", sp.Range(0, n + 1)),
        (" range(1, 7) ", sp.Range(1, 7)),
    ],
)
def test_parse_set(text: str, expected: sp.Set) -> None:
    assert parse_set(text, SYMBOLS) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(0, x.y]", "in the upper bound of the set '(0, x.y]': " + not_allowed("attribute access", "x.y", 1)),
        ("[0, q)", "in the upper bound of the set '[0, q)': undeclared name 'q' in a model expression at column 1; declared symbols: " + DECLARED),
        ("(0, 1, 2)", "an interval needs exactly two bounds, got 3: '(0, 1, 2)'"),
        ("[1, 0]", "the set '[1, 0]' is empty"),
        ("{0.5, 1}", "a finite set may contain only integers, got '1/2' in '{0.5, 1}'"),
        ("range(5)", "range needs exactly two arguments (start, stop), got 1: 'range(5)'"),
        ("Complexes", "not a set: 'Complexes'; expected an interval such as '(0, oo)', a finite set such as '{0, 1}', 'range(a, b)' or one of Reals, PositiveReals, Naturals0, Naturals, Integers"),
    ],
)
def test_parse_set_rejects(text: str, message: str) -> None:
    with pytest.raises(ModelError, match="^" + re.escape(message) + "$"):
        parse_set(text, SYMBOLS)


def test_parse_set_non_integer_range() -> None:
    with pytest.raises(ModelError, match=r"^range bounds must be integers or oo, got 'theta' in 'range\(0, theta\)'$"):
        parse_set("range(0, theta)", SYMBOLS)


def test_piecewise_branches_and_chained_conditions() -> None:
    """``Piecewise((value, condition), …)``: a condition is a chain of <, <=, >, >= (an interval: its links joined by
    And) or True; the values are expressions of the same grammar."""
    got = parse("Piecewise(((x-mu)^2/2, abs(x-mu) <= sigma), (sigma*abs(x-mu) - sigma^2/2, True))")
    assert got == sp.Piecewise(((x - mu) ** 2 / 2, sp.Abs(x - mu) <= sigma),
                               (sigma * sp.Abs(x - mu) - sigma**2 / 2, True))
    assert parse("Piecewise((1, mu - sigma <= x < mu + sigma), (0, True))") == sp.Piecewise(
        (1, (mu - sigma <= x) & (x < mu + sigma)), (0, True))
    assert parse("Piecewise((2, 1 < 2), (3, True))") == 2  # a numeric condition decides at once


@pytest.mark.parametrize(("text", "message"), [
    ("Piecewise((1, x == mu), (0, True))",
     not_allowed("a Piecewise condition with an operator other than <, <=, >, >=", "x == mu", 15)),
    ("Piecewise((1, x in mu), (0, True))",
     not_allowed("a Piecewise condition with an operator other than <, <=, >, >=", "x in mu", 15)),
    ("Piecewise((1, x), (0, True))",
     not_allowed("a Piecewise condition that is not a comparison (<, <=, >, >=) or True", "x", 15)),
    ("Piecewise((1, x < mu or x > 1), (0, True))",
     not_allowed("a Piecewise condition that is not a comparison (<, <=, >, >=) or True", "x < mu or x > 1", 15)),
    ("Piecewise((1, False))",
     not_allowed("a Piecewise condition that is not a comparison (<, <=, >, >=) or True", "False", 15)),
    ("Piecewise(1, 2)", not_allowed("a Piecewise branch that is not a pair (value, condition)", "1", 11)),
    ("Piecewise((1, x < 1, 2))",
     not_allowed("a Piecewise branch that is not a pair (value, condition)", "(1, x < 1, 2)", 11)),
    ("Piecewise((__import__('os'), x < 1))", not_allowed("the dunder name '__import__'", "__import__", 12)),
    ("Piecewise((1, x.real < 1))", not_allowed("attribute access", "x.real", 15)),
    ("Piecewise", not_allowed("the function name 'Piecewise' without a call", "Piecewise", 1)),
    ("x < 1", not_allowed("a comparison", "x < 1", 1)),  # only inside a Piecewise
    ("(1, True)", not_allowed("a tuple", "(1, True)", 1)),
])
def test_piecewise_rejections(text: str, message: str) -> None:
    rejects(text, message)


def test_gamma_of_infinity_is_infinity_not_a_large_argument() -> None:
    """Γ(log Γ(−2)) = Γ(∞) = ∞, which SymPy gives at once; the guard against costly large arguments refused it as
    "beyond 200" (found by the property test). Finite large arguments and −∞ stay refused."""
    assert parse("gamma(lgamma(-(2)))") == sp.oo and parse("factorial(oo)") == sp.oo
    rejects("gamma(1000)", not_allowed("a numeric argument beyond 200 in absolute value to 'gamma'", "gamma(1000)", 1))
    rejects("gamma(-oo)", not_allowed("a numeric argument beyond 200 in absolute value to 'gamma'", "gamma(-oo)", 1))
