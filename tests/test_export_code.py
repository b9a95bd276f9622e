"""export_code: a standalone module that imports in a fresh interpreter and matches lambdify."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from _numeric_cases import CASES, NAMES, derivation, numeric, points, split
from symfisher import ModelError, NotSupportedError
from symfisher.cli import main
from symfisher.export.code import export_code

RUNNER = r"""
import importlib.util, json, sys
import numpy as np
spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
assert "symfisher" not in sys.modules, "the exported module imported symfisher"
job = json.loads(sys.argv[2])
x, theta, given = np.array(job["x"]), job["theta"], job["given"]
out = {"logpdf": mod.logpdf(x, *theta, **given).tolist(), "score": mod.score(x, *theta, **given).tolist(),
       "hessian": mod.hessian(x, *theta, **given).tolist(), "fisher": mod.fisher(*theta, **given).tolist(),
       "neh": mod.neg_expected_hessian(*theta, **given).tolist()}
print(json.dumps(out))
"""


@pytest.mark.parametrize("name", NAMES)
def test_exported_module_matches_lambdify(name, tmp_path):
    path = export_code(derivation(name), tmp_path / f"{name.replace('-', '_')}.py")
    text = path.read_text()
    assert "import symfisher" not in text and "from symfisher" not in text
    theta, given = split(name, points(name)[0])
    x = CASES[name]["data"](np.random.default_rng(0), 7)
    job = json.dumps({"x": x.tolist(), "theta": theta, "given": given})
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(path), job], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
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
    assert "log p(x | mu, sigma) = -log(sigma) - log(pi)/2 - log(2)/2 - (-mu + x)**2/(2*sigma**2)" in text
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
