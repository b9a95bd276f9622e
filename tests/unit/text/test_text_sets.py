"""Unit tests of :func:`symfisher.text.sets.parse_supports` (the ``"x: SET; y: SET"`` grammar)."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from symfisher.errors import ModelError
from symfisher.text.sets import SUPPORT_HELP, parse_supports

THETA = sp.Symbol("theta", positive=True)
SUPPORTS = [
    (None, ["x"], None),
    ("  ", ["x"], None),
    ("(0, theta]", ["x"], {"x": sp.Interval.Lopen(0, THETA)}),
    ("x: Naturals0", ["x"], {"x": sp.S.Naturals0}),
    ("x: (0, oo); y: {0, 1};", ["x", "y"],
     {"x": sp.Interval.open(0, sp.oo), "y": sp.FiniteSet(0, 1)}),
]


@pytest.mark.parametrize(("text", "data", "expected"), SUPPORTS)
def test_parse_supports(text: str | None, data: list[str], expected: dict[str, sp.Set] | None) -> None:
    assert parse_supports(text, data, {"theta": THETA}) == expected


SUPPORT_ERRORS = [
    ("(0, 1)", ["x", "y"], f"with several data symbols (x, y), {SUPPORT_HELP}"),
    ("x: (0, 1); z: (0, 1)", ["x", "y"], f"'z: (0, 1)' does not name a data symbol; {SUPPORT_HELP}"),
    ("x: (0, 1); x: (0, 2)", ["x"], "the support of x is given twice"),
    ("x: (0, 1)", ["x", "y"], f"no support given for data symbol(s) y; {SUPPORT_HELP}"),
    ("x: (0, 1", ["x"], "support of x: not a set: '(0, 1'; expected an interval such as '(0, oo)', "
                        "a finite set such as '{0, 1}', 'range(a, b)' or one of "
                        "Reals, PositiveReals, Naturals0, Naturals, Integers"),
]


@pytest.mark.parametrize(("text", "data", "message"), SUPPORT_ERRORS)
def test_parse_supports_rejects(text: str, data: list[str], message: str) -> None:
    with pytest.raises(ModelError, match="^" + re.escape(message) + "$"):
        parse_supports(text, data, {})
