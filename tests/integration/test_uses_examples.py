"""Every script in examples/ runs and finishes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs every example script end to end

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "examples").glob("*.py"))
OPTIONAL = {"plots": "matplotlib", "ngboost_distributions": "ngboost"}  # example → the package of its extra


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example_runs(script, tmp_path):
    if script.stem in OPTIONAL:  # an example of an optional extra runs where that extra is installed
        pytest.importorskip(OPTIONAL[script.stem])
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    args = [sys.executable, str(script)] + ([str(tmp_path)] if script.stem == "plots" else [])
    done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()
