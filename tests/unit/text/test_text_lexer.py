"""Unit tests of the lexical layer :mod:`symfisher.text.lexer`: exact rewrites, columns and rejections."""

from __future__ import annotations

import ast
import re

import pytest

from symfisher.errors import ModelError
from symfisher.text.lexer import Source, prescan, snippet, split_top_level

# text -> (parsed text, column of each parsed character in the original, 0-based)
SOURCES = [
    ("x", "x", [0]),
    ("  x", "x", [2]),
    ("x^2", "x**2", [0, 1, 1, 2]),
    ("a\tb\nc", "a b c", [0, 1, 2, 3, 4]),
    ("é^x", "é**x", [0, 1, 1, 2]),
]


@pytest.mark.parametrize(("text", "parsed", "columns"), SOURCES)
def test_source_rewrites_and_maps_back(text: str, parsed: str, columns: list[int]) -> None:
    source = Source(text)
    assert source.parsed == parsed
    assert [source.char_offset(i) for i in range(len(parsed))] == columns
    assert source.char_offset(len(parsed)) == len(source.original)


def test_source_span_uses_byte_offsets_of_ast_nodes() -> None:
    source = Source("é + y^2")
    tree = ast.parse(source.parsed, mode="eval").body
    assert isinstance(tree, ast.BinOp)
    assert source.span(tree.left) == (1, "é")
    assert source.span(tree.right) == (5, "y^2")


PRESCAN_ERRORS = [
    ("x\x00", 50, "the control character U+0000 is not allowed in a model expression at column 2"),
    ("x # y", 50, "a comment ('#') is not allowed in a model expression: '# y' at column 3"),
    ("((x))", 1, "nesting deeper than 1 levels is not allowed in a model expression: '(x))' at column 2"),
    ("[{x}]", 1, "nesting deeper than 1 levels is not allowed in a model expression: '{x}]' at column 2"),
]


@pytest.mark.parametrize(("text", "depth", "message"), PRESCAN_ERRORS)
def test_prescan_rejects(text: str, depth: int, message: str) -> None:
    with pytest.raises(ModelError, match="^" + re.escape(message) + "$"):
        prescan(Source(text), depth)


@pytest.mark.parametrize("text", ["x", "(x)(y)", "())(", "x\ty"])
def test_prescan_accepts(text: str) -> None:
    prescan(Source(text), 1)


@pytest.mark.parametrize(("text", "parts"), [
    ("", [""]),
    ("a", ["a"]),
    ("a,b", ["a", "b"]),
    ("a, f(b, c), {d, e}, [g, h]", ["a", " f(b, c)", " {d, e}", " [g, h]"]),
    ("a,", ["a", ""]),
])
def test_split_top_level(text: str, parts: list[str]) -> None:
    assert split_top_level(text) == parts


@pytest.mark.parametrize(("text", "shown"), [("ab", "'ab'"), ("x" * 40, repr("x" * 40)),
                                             ("x" * 41, repr("x" * 37 + "..."))])
def test_snippet(text: str, shown: str) -> None:
    assert snippet(text) == shown
