"""Generated code is safe by construction: user text (names, symbols, formulas, labels) never becomes code."""

from __future__ import annotations

import ast
import importlib.util
from functools import lru_cache

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symfisher as sf
from symfisher import NotSupportedError
from symfisher.numeric._arraylib import build
from symfisher.numeric.compiler import (NumericPrinter, _safe_name, docstring_literal, docstring_text, module_source,
                                      py_literal)
from symfisher.numeric.crosscheck import cross_check
from symfisher.numeric.empirical import empirical_fisher, observed_information
from symfisher.export.code import export_code

REPRODUCER = '"""and open(chr(99),chr(119))and"""'

NASTY = [
    "", '"', '""', '"""', "'", "''", "'''", "\\", "\\\\", "ends with a backslash\\", '\\"', '\\"""', '"\n"""',
    "\n", "\r", "\r\n", "\t", "# comment", "\n# ", "a\nimport os\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x85",
    "\x00", "\x1b[31m", "\ud800", "\U0001F600", "e\u0301", "\\N{BULLET}", "\\x41", "\\u0041", "{x}", "%s",
    REPRODUCER, "'''and open(chr(99),chr(119))and'''", '""" + __import__("os").system("touch pwned") + """',
    "\"\"\"\n__import__('os')\n\"\"\"", "x\"\"\"\r__import__('os')#",
]


# ---------------------------------------------------------------------------------------------- the escaping functions
@pytest.mark.parametrize("text", NASTY)
def test_docstring_text_reads_back_exactly(text):
    assert ast.literal_eval('"""' + docstring_text(text) + '"""') == text
    assert ast.literal_eval(docstring_literal(text)) == text


@pytest.mark.parametrize("text", NASTY)
def test_docstring_text_has_no_bare_quote_and_no_control_character(text):
    escaped = docstring_text(text)
    assert all(c == "\n" or c.isprintable() for c in escaped)
    i = 0
    while i < len(escaped):  # every quote and backslash is escaped: walk the escape pairs
        if escaped[i] == "\\":
            i += 2
            continue
        assert escaped[i] != '"'
        i += 1


@pytest.mark.parametrize("text", NASTY)
def test_docstring_literal_is_one_docstring_of_a_function(text):
    src = f"def f():\n    {docstring_literal(text)}\n    return 1\n"
    tree = ast.parse(src)
    assert len(tree.body) == 1 and len(tree.body[0].body) == 2
    ns: dict = {}
    exec(compile(src, "<test>", "exec"), ns)  # noqa: S102 - the point of the test
    assert ns["f"].__doc__ == text and ns["f"]() == 1


@pytest.mark.parametrize("text", NASTY)
def test_py_literal_reads_back_exactly(text):
    assert ast.literal_eval(py_literal(text)) == text
    assert ast.literal_eval(py_literal((text, text + "x"))) == (text, text + "x")
    tree = ast.parse(f"NAME = {py_literal(text)}\n")
    assert len(tree.body) == 1 and isinstance(tree.body[0].value, ast.Constant)


def test_py_literal_refuses_non_literal_types():
    with pytest.raises(TypeError, match=r"^py_literal: x of type Symbol has no literal$"):
        py_literal(sp.Symbol("x"))
    with pytest.raises(TypeError, match=r"^py_literal: inf of type float has no literal$"):
        py_literal((1.0, float("inf")))
    assert py_literal([(0, 1), (1, 1)]) == "[(0, 1), (1, 1)]" and py_literal(None) == "None"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escaping_round_trips_any_text(text):
    assert ast.literal_eval(docstring_literal(text)) == text
    assert ast.literal_eval(py_literal(text)) == text


ODD_NAMES = ["²", "a b", "lambda", "1x", "ﬁ", "x\u0301", "_Dummy_3", "MODEL", "_score_kernel", ""]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_safe_names_are_fresh_identifiers(name):
    taken: set[str] = set()
    first = _safe_name(sp.Symbol(name), taken)
    second = _safe_name(sp.Symbol(name), taken)
    for n in (first, second):
        assert n.isidentifier() and not n.startswith("_Dummy")
        compile(f"def f({n}):\n    return {n}\n", "<test>", "exec")
    assert first != second


def test_nfkc_equal_names_get_distinct_identifiers():
    taken: set[str] = set()
    a, b = _safe_name(sp.Symbol("ﬁ"), taken), _safe_name(sp.Symbol("fi"), taken)
    ns: dict = {}
    exec(compile(f"def f({a}, {b}):\n    return {a} - {b}\n", "<test>", "exec"), ns)  # noqa: S102
    assert ns["f"](3, 1) == 2


# ---------------------------------------------------------------------------------------------- models with nasty text
@lru_cache(maxsize=None)
def _derivation(name: str, data_name: str = "x", param_name: str = "lam"):
    x = sp.Symbol(data_name, positive=True)
    lam = sp.Symbol(param_name, positive=True)
    model = sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo), name=name)
    return sf.derive(model, timeout=30)


def _top_level(src: str) -> tuple[str, list[str]]:
    """(module docstring, names bound at top level) of a source text."""
    tree = ast.parse(src)
    names = []
    for node in tree.body[1:]:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        else:
            names.append(type(node).__name__)
    return ast.get_docstring(tree, clean=False), sorted(names)


BENIGN = _top_level(module_source(_derivation("benign")))[1]


def test_reproducer_from_the_issue_creates_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    m = sf.Model.from_string("lam*exp(-lam*x)", "x", "lam:positive", "(0, oo)", name=REPRODUCER)
    num = sf.derive(m, timeout=30).lambdify()
    assert list(tmp_path.iterdir()) == [] and not (tmp_path / "c").exists()
    assert num.name == REPRODUCER and num.namespace["MODEL"] == REPRODUCER
    assert num.fisher(2.0).tolist() == [[0.25]]
    np.testing.assert_allclose(num.score([1.0, 2.0], 0.5), [[1.0], [0.0]], rtol=1e-15)
    assert _top_level(num.source)[1] == BENIGN


@pytest.mark.parametrize("text", [t for t in NASTY[1:] if t.isprintable()])
def test_nasty_model_names_stay_text(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    d = _derivation(text)
    num = d.lambdify()
    doc, names = _top_level(num.source)
    assert names == BENIGN and repr(text) in doc and num.namespace["MODEL"] == text
    assert num.fisher(2.0).tolist() == [[0.25]]
    assert cross_check(d, {"lam": 2.0}).passed
    assert empirical_fisher(d, [1.0, 3.0], {"lam": 0.5}).tolist() == [[1.0]]
    path = export_code(d, tmp_path / "model_out.py")
    mod = _import(path)
    assert mod.MODEL == text and mod.fisher(2.0).tolist() == [[0.25]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model_out.py"]


@pytest.mark.parametrize("text", [t for t in NASTY[1:] if not t.isprintable()])
def test_unprintable_model_names_are_refused(text):
    """A name with a line break or control character would break one-line messages: the core refuses it
    (the escaping functions above are still tested on every such string)."""
    with pytest.raises(sf.ModelError, match=r"^a model name must be printable text of at most 200 characters, got .*$"):
        _derivation(text)


SYMBOL_TEXTS = ['"""', "'''", "\\", "\n", "\r", "# c", "\u2028", "\x0b", "\x0c", REPRODUCER,
                "a\"\"\"\nimport os\n\"\"\"", "\"\"\"\r__import__('os').system('touch pwned')#"]


@pytest.mark.parametrize("text", SYMBOL_TEXTS)
def test_nasty_symbol_names_and_labels_stay_text(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "m" + text if text.isprintable() else "m"  # symbol names may hold anything; model names are printable
    d = _derivation(name, data_name="x" + text, param_name="lam" + text)
    num = d.lambdify()
    doc, names = _top_level(num.source)
    assert names == BENIGN and num.params == ("lam" + text,) and num.data == ("x" + text,)
    assert f"I[lam{text}, lam{text}]" in ast.get_docstring(ast.parse(num.source).body[-2], clean=False)
    x = np.array([0.5, 1.0, 3.0])
    np.testing.assert_allclose(num.score(x, 2.0)[:, 0], 0.5 - x, rtol=1e-15)
    report = cross_check(d, {"lam" + text: 2.0})
    assert report.passed and report.entries[0].label == f"I[lam{text}, lam{text}]"
    assert len(repr(report).splitlines()) == 2 + len(report.entries)  # labels shown on one line each
    np.testing.assert_allclose(observed_information(d, x, {"lam" + text: 2.0}), [[0.75]], rtol=1e-15)
    mod = _import(export_code(d, tmp_path / "sym_out.py"))
    np.testing.assert_allclose(mod.score(x, 2.0), num.score(x, 2.0), rtol=0)
    assert mod.PARAMS == ("lam" + text,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sym_out.py"]


def _import(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------------------------------------- free symbols
EVIL = "__import__('os').system('touch pwned') or 1"


def _evil_derivation():
    x, lam = sp.Symbol("x", positive=True), sp.Symbol("lam", positive=True)
    c = sp.Symbol(EVIL, positive=True)
    model = sf.Model.from_pdf(c * lam * sp.exp(-c * lam * x), x, [lam], sp.Interval.open(0, sp.oo), name="evil")
    return sf.derive(model, timeout=30)


def test_a_free_symbol_that_is_no_identifier_becomes_a_renamed_argument(tmp_path, monkeypatch):
    """A free constant is a keyword argument of the numeric functions, under an identifier of ours."""
    monkeypatch.chdir(tmp_path)
    d = _evil_derivation()
    f = d.lambdify()
    assert f.given == (EVIL,)
    np.testing.assert_allclose(f.fisher(2.0, **{EVIL: 3.0}), [[0.25]], rtol=1e-15)  # I(λ) = 1/λ², whatever c
    np.testing.assert_allclose(f.score(1.0, 2.0, **{EVIL: 3.0}), [0.5 - 3.0], rtol=1e-15)  # 1/λ − c x
    built = build(d, "numpy", "numpy", lambda entries, layout, dtype=None: entries)
    assert built.given == (EVIL,)
    assert list(tmp_path.iterdir()) == []


def test_array_backend_builder_still_works_with_nasty_argument_names():
    d = _derivation("m", data_name='x"""', param_name="lam\n#")

    def stack(entries, layout, dtype=None):
        arrays = np.broadcast_arrays(*[np.asarray(e, dtype=float) for e in entries])
        out = np.stack(arrays, axis=-1)
        return out.reshape(out.shape[:-1] + tuple(layout))

    model = build(d, "numpy", "numpy", stack)
    np.testing.assert_allclose(model.fisher(2.0), [[0.25]], rtol=1e-15)
    np.testing.assert_allclose(model.score(np.array([1.0, 2.0]), 0.5), [[1.0], [0.0]], rtol=1e-15)


@pytest.mark.parametrize("expr", [sp.Symbol("a b"), sp.Dummy("a\nb"), sp.Indexed(sp.IndexedBase('a"""'), 1),
                                  sp.MatrixSymbol("A)#", 2, 2)[0, 0], sp.log(sp.Symbol("x;y"))])
def test_printer_refuses_names_that_are_not_identifiers(expr):
    with pytest.raises(NotSupportedError, match=r"^symbol .* is not a Python identifier"):
        NumericPrinter().doprint(expr)
    with pytest.raises(NotSupportedError):
        NumericPrinter().doprint([sp.Integer(1), expr])


def test_printer_prints_identifiers_and_keywords():
    assert NumericPrinter().doprint(sp.Symbol("lambda") * sp.Symbol("x_1")) == "lambda_*x_1"


def test_every_name_the_generated_module_defines_is_reserved():
    """A symbol named like a copied helper or constant (NESTED_OUTER, time) would be shadowed by it: all reserved."""
    import inspect

    from symfisher.core import series
    from symfisher.core import quadrature
    from symfisher.numeric import _runtime, compiler

    sections = [(_runtime, "# Bernoulli numbers"), (series, "# ---- series"), (quadrature, "# ---- quadrature and")]
    defined = {"time", "numpy", "scipy"}
    for module, start in sections:
        source = inspect.getsource(module)
        for node in ast.parse(source[source.index(start):]).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.Assign):
                defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
    assert defined - compiler._RESERVED == set()
