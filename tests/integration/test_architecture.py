"""The layers hold: import-linter's contracts pass, and a forbidden import breaks them.

The contracts live in pyproject.toml ([tool.importlinter]); .ci/run runs ``lint-imports`` too. Here
a copy of the package gets one forbidden import at a time, so a contract that silently stopped
applying (a renamed package, a typo in a module name) fails this test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = shutil.which("lint-imports")
pytestmark = pytest.mark.skipif(LINT is None, reason="import-linter is not installed (pip install '.[test]')")


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([LINT, "--config", str(root / "pyproject.toml")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "symfisher", tmp_path / "symfisher", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("core/points.py", "from symfisher.numeric.compiler import NumericModel", "The core imports no outer layer"),
    ("core/model.py", "    from symfisher.export import latex", "The core imports no outer layer"),  # inside a function
    ("core/expectation/strategies/finite.py", "from symfisher.core import derivation", "Expectation strategies"),
    ("uses/bounds.py", "import symfisher.cli", "Nothing imports the CLI"),
    ("text/untrusted.py", "from symfisher.numeric import compiler", "Layers"),
])
def test_a_forbidden_import_breaks_a_contract(copy: Path, module: str, line: str, contract: str):
    path = copy / "symfisher" / module
    text = path.read_text()
    if line.startswith("    "):  # an import hidden inside a function body
        text += f"\n\ndef _hidden():\n{line}\n"
    else:
        text += f"\n{line}  # deliberately forbidden\n"
    path.write_text(text)
    result = _lint(copy)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if " BROKEN" in row]
    assert any(row.startswith(contract) for row in broken), result.stdout
