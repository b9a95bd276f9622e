"""export_code: a standalone module that imports in a fresh interpreter and matches lambdify."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from _numeric_cases import CASES, NAMES, derivation, numeric, points, split
from symfisher import ModelError, NotSupportedError
from symfisher.cli import main
from symfisher.export.code import export_code

RUNNER = r"""
import importlib.util, json, sys
import numpy as np
results = {}
for name, job in json.loads(sys.stdin.read()).items():
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), job["path"])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    x, theta, given = np.array(job["x"]), job["theta"], job["given"]
    results[name] = {"logpdf": mod.logpdf(x, *theta, **given).tolist(), "score": mod.score(x, *theta, **given).tolist(),
                     "hessian": mod.hessian(x, *theta, **given).tolist(), "fisher": mod.fisher(*theta, **given).tolist(),
                     "neh": mod.neg_expected_hessian(*theta, **given).tolist()}
assert "symfisher" not in sys.modules, "an exported module imported symfisher"
print(json.dumps(results))
"""


def _inputs(name):
    theta, given = split(name, points(name)[0])
    return CASES[name]["data"](np.random.default_rng(0), 7), theta, given


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every family exported, then evaluated in ONE fresh interpreter (no symfisher on its path)."""
    folder = tmp_path_factory.mktemp("exported")
    jobs = {}
    for name in NAMES:
        path = export_code(derivation(name), folder / f"{name.replace('-', '_')}.py")
        x, theta, given = _inputs(name)
        jobs[name] = {"path": str(path), "x": x.tolist(), "theta": theta, "given": given}
    proc = subprocess.run([sys.executable, "-I", "-c", RUNNER], input=json.dumps(jobs), capture_output=True,
                          text=True, timeout=600, cwd=folder)
    assert proc.returncode == 0, proc.stderr
    return {name: Path(job["path"]) for name, job in jobs.items()}, json.loads(proc.stdout)


@pytest.mark.parametrize("name", NAMES)
def test_exported_module_matches_lambdify(name, exported):
    paths, results = exported
    text = paths[name].read_text()
    assert "import symfisher" not in text and "from symfisher" not in text
    got = results[name]
    x, theta, given = _inputs(name)
    num = numeric(name)
    want = {"logpdf": num.logpdf(x, *theta, **given), "score": num.score(x, *theta, **given),
            "hessian": num.hessian(x, *theta, **given), "fisher": num.fisher(*theta, **given),
            "neh": num.neg_expected_hessian(*theta, **given)}
    for key, value in want.items():
        np.testing.assert_allclose(np.array(got[key]), value, rtol=1e-12, atol=1e-300, err_msg=key)


def test_docstrings_give_the_formulas(tmp_path):
    path = export_code(derivation("normal"), tmp_path / "normal_fisher.py")
    text = path.read_text()
    assert "def fisher(mu, sigma):" in text and "def score(x, mu, sigma):" in text
    assert "    I[mu, mu] = sigma**(-2)\n" in text
    assert "    I[sigma, sigma] = 2/sigma**2\n" in text
    assert "    s[mu] = (-mu + x)/sigma**2\n" in text
    assert "log p(x | mu, sigma) = -log(sigma) - log(2*pi)/2 - (-mu + x)**2/(2*sigma**2)" in text
    assert "    return [x0, 0, 2*x0]\n" in text  # the cse kernel of I(θ)
    compile(text, str(path), "exec")


def test_keyword_names_are_safe_identifiers(tmp_path):
    text = export_code(derivation("poisson"), tmp_path / "poisson_fisher.py").read_text()
    assert "def fisher(lambda_):" in text and "I[lambda, lambda] = 1/lambda" in text


def test_export_errors(tmp_path):
    d = derivation("exponential")
    with pytest.raises(ModelError, match=r"^export_code needs a \.py file name, got '.*model\.txt'$"):
        export_code(d, tmp_path / "model.txt")
    with pytest.raises(ModelError, match=r"^export_code: folder '.*missing' does not exist$"):
        export_code(d, tmp_path / "missing" / "m.py")
    with pytest.raises(NotSupportedError, match=r"^export_code writes NumPy code only, got backend 'jax'$"):
        export_code(d, tmp_path / "m.py", backend="jax")


def test_cli_export(tmp_path, capsys):
    target = tmp_path / "expo.py"
    assert main(["export", "exponential", "--to", str(target), "--timeout", "30"]) == 0
    assert "def fisher(lambda_):" in target.read_text()
    assert capsys.readouterr().out.startswith(f"wrote {target}")
    assert main(["export", "no-such-family", "--to", str(target)]) == 3


def test_nasty_names_export_a_module_that_imports_in_a_fresh_interpreter(tmp_path):
    import sympy as sp

    import symfisher as sf

    text = '"""and open(chr(99),chr(119))and"""\n# \r\u2028\x0b\x0c\\\'\'\''
    name = "".join(c for c in text if c.isprintable())  # the core accepts printable model names only
    x, lam = sp.Symbol("x" + text, positive=True), sp.Symbol("lam" + text, positive=True)
    model = sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo), name=name)
    d = sf.derive(model, timeout=30)
    path = export_code(d, tmp_path / "nasty.py")
    runner = ("import importlib.util, json, sys\nspec = importlib.util.spec_from_file_location('nasty', sys.argv[1])\n"
              "mod = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(mod)\n"
              "print(json.dumps({'model': mod.MODEL, 'params': mod.PARAMS, 'score': mod.score([0.5, 3.0], 2.0).tolist(),"
              " 'fisher': mod.fisher(2.0).tolist(), 'doc': mod.fisher.__doc__}))\n")
    proc = subprocess.run([sys.executable, "-I", "-B", "-c", runner, str(path)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nasty.py"]  # no file "c"
    assert got["model"] == name and got["params"] == ["lam" + text]
    np.testing.assert_array_equal(got["score"], d.lambdify().score([0.5, 3.0], 2.0))
    assert got["fisher"] == [[0.25]] and f"I[lam{text}, lam{text}] = " in got["doc"]
