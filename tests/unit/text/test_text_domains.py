"""Parameter domains in text: ``"p:(0,1) mu:real sigma:positive"`` → symbols, domains, and the Model's ``domain=``."""

from __future__ import annotations

import re

import pytest
import sympy as sp

import symfisher as sf
from symfisher.errors import ModelError
from symfisher.text.symbols import parse_domains, parse_symbols

BERNOULLI = "p^x*(1-p)^(1-x)"

DOMAINS = [
    ("p:(0,1)", {"p": sp.Interval.open(0, 1)}, {"positive": True}),
    ("q:[0, 1]", {"q": sp.Interval(0, 1)}, {"nonnegative": True, "positive": None}),
    ("rho:(-1, 1)", {"rho": sp.Interval.open(-1, 1)}, {"real": True, "positive": None, "negative": None}),
    ("t:(-oo, 0)", {"t": sp.Interval.open(-sp.oo, 0)}, {"negative": True}),
    ("s:(0, oo)", {"s": sp.Interval.open(0, sp.oo)}, {"positive": True}),
    ("u:[1/2, pi)", {"u": sp.Interval.Ropen(sp.Rational(1, 2), sp.pi)}, {"positive": True}),
    ("mu:real sigma:positive", {"mu": sp.S.Reals, "sigma": sp.Interval.open(0, sp.oo)}, {"real": True}),
    ("n:positive_integer", {"n": sp.S.Naturals}, {"integer": True}),
]


@pytest.mark.parametrize(("spec", "domains", "assumptions"), DOMAINS)
def test_parse_domains(spec, domains, assumptions):
    parsed = parse_domains(spec)
    assert {s.name: d for s, d in parsed.items()} == domains
    first = next(iter(parsed))
    assert {k: getattr(first, f"is_{k}") for k in assumptions} == assumptions
    assert parse_symbols(spec) == list(parsed)


def test_intervals_and_words_mix_with_commas_and_spaces():
    parsed = parse_domains("p:(0, 1), mu:real  sigma:positive,q:[0,1)")
    assert [s.name for s in parsed] == ["p", "mu", "sigma", "q"]
    assert parsed[sp.Symbol("q", nonnegative=True, real=True)] == sp.Interval.Ropen(0, 1)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("p:(0,1)x", "a space or comma must follow the interval of 'p:(0,1)' at column 8"),
        ("p:(1, 0)", "domain of p: the set '(1, 0)' is empty: 'p:(1, 0)' at column 1"),
        ("p:(0, a)", "domain of p: in the upper bound of the set '(0, a)': undeclared name 'a' in a model expression "
                     "at column 1; declared symbols: (none): 'p:(0, a)' at column 1"),
        ("p:(0, 1, 2)",
         "domain of p: an interval needs exactly two bounds, got 3: '(0, 1, 2)': 'p:(0, 1, 2)' at column 1"),
        ("p:(0, 1) p:(0, 2)", "duplicate symbol 'p' in symbol specification: 'p:(0, 2)' at column 10"),
        ("exp:(0, 1)", "symbol name 'exp' is the name of a function: 'exp:(0, 1)' at column 1"),
    ],
)
def test_bad_domains_are_one_line_errors(spec, message):
    with pytest.raises(ModelError, match="^" + re.escape(message) + "$"):
        parse_domains(spec)


def test_interval_reaches_the_model_and_the_verdict():
    m = sf.Model.from_string(BERNOULLI, "x", "p:(0,1)", "{0, 1}", name="bernoulli")
    (p,) = m.params
    assert m.domain == ((p, sp.Interval.open(0, 1)),) and p.is_positive
    d = sf.derive(m, timeout=60)
    assert d.equality.status == "proved"
    assert sp.simplify(d.fisher[0, 0] - 1 / (p * (1 - p))) == 0


def test_positive_alone_is_refused_naming_the_declared_domain():
    with pytest.raises(ModelError) as info:
        sf.Model.from_string(BERNOULLI, "x", "p:positive", "{0, 1}", name="bernoulli")
    text = str(info.value)
    assert re.fullmatch(r"model bernoulli: the density is negative or not real \(-[\d.]+\) at x=0 with p=\S+, "
                        r"inside the declared domain \(p ∈ \(0, oo\)\); it is a density for p ∈ \(0, 1\): "
                        r"declare p:\(0, 1\)", text), text


def test_a_declared_interval_is_checked_near_its_ends():
    """The cardioid law is a density for ρ ≤ ½ only; parameter points are drawn in the middle 70 % of a declared
    interval, so ρ ∈ (0, 0.59) had been accepted. Now ρ is also tried near each end, and the error names such a ρ."""
    cardioid = "(1 + 2*rho*cos(x - mu))/(2*pi)"
    with pytest.raises(ModelError) as info:
        sf.Model.from_string(cardioid, "x:(-pi, pi)", "mu:real rho:(0, 0.59)", name="cardioid")
    text = str(info.value)
    rho = sp.Rational(re.search(r"rho=(\d+/\d+)", text).group(1))
    assert rho > sp.Rational(1, 2) and "inside the declared domain" in text, text
    assert sf.Model.from_string(cardioid, "x:(-pi, pi)", "mu:real rho:(0, 0.5)", name="cardioid").params


def test_covariate_interval_is_a_domain_and_data_interval_is_a_support():
    m = sf.Model.from_string("exp(-(y-b*z)^2/2)/sqrt(2*pi)", "y", "b", "Reals", given="z:(0, 10]")
    (z,) = m.given
    assert m.domain_map[z] == sp.Interval.Lopen(0, 10) and z.is_positive
    beta = sf.Model.from_string("x^(a-1)*(1-x)^(b-1)/beta(a, b)", "x:(0,1)", "a:positive b:positive")
    assert beta.support_map == {beta.data[0]: sp.Interval.open(0, 1)}
    with pytest.raises(ModelError, match=r"^model beta: data symbol x is declared on \(0, 1\) but its "
                                         r"support is given as \(0, 2\); give one of them$"):
        sf.Model.from_string("x^(a-1)*(1-x)^(b-1)/beta(a, b)", "x:(0,1)", "a:positive b:positive", "(0, 2)",
                             name="beta")
