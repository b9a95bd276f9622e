"""Packaging: ``python -m build`` makes a wheel and an sdist that ``twine check`` accepts, and the wheel
holds the package — its modules, the catalog's family modules copied from ``derivations/`` by setup.py,
and ``py.typed`` — and nothing else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """Wheel and sdist built from a copy of the source tree (the checkout is left untouched)."""
    pytest.importorskip("build")
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns(".git", ".scratch", "build", "dist", "*.egg-info", "__pycache__", "_build",
                                    ".hypothesis", ".benchmarks", ".import_linter_cache", ".pytest_cache")
    for entry in ROOT.iterdir():
        if entry.name in {".git", ".scratch", "build", "dist", ".hypothesis", ".benchmarks",
                          ".import_linter_cache", ".pytest_cache"} or entry.name.endswith(".egg-info"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, src / entry.name, ignore=ignore)
        else:
            shutil.copy2(entry, src / entry.name)
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the build backend (setuptools) comes from this environment; CI has no index access
    # guarantees, and isolation would download setuptools for every run.
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(src)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def _one(dist: Path, pattern: str) -> Path:
    found = sorted(dist.glob(pattern))
    assert len(found) == 1, f"expected one {pattern} in {dist}, found {[p.name for p in found]}"
    return found[0]


def test_twine_check_passes(dist: Path) -> None:
    pytest.importorskip("twine")
    files = [str(_one(dist, "*.whl")), str(_one(dist, "*.tar.gz"))]
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_wheel_holds_the_package_and_nothing_else(dist: Path) -> None:
    names = zipfile.ZipFile(_one(dist, "symfisher-*.whl")).namelist()
    top = {n.split("/")[0] for n in names}
    dist_info = {t for t in top if t.endswith(".dist-info")}
    assert top - dist_info == {"symfisher"}, sorted(top)
    assert len(dist_info) == 1
    assert "symfisher/py.typed" in names
    # every module of the package in the checkout is in the wheel
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "symfisher").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert package <= set(names), sorted(package - set(names))
    # the catalog's family modules come from derivations/ (setup.py), one per family
    families = {f"symfisher/catalog/{p.name}" for p in (ROOT / "derivations").glob("*.py")}
    assert families and families <= set(names), sorted(families - set(names))
    # nothing else: only Python modules and py.typed under symfisher/, and no repository folders
    extra = [n for n in names if n.startswith("symfisher/") and not (n.endswith(".py") or n == "symfisher/py.typed")]
    assert extra == [], extra
    stray = {n.split("/")[1] for n in names if n.startswith("symfisher/") and n.count("/") >= 2}
    assert not stray & {"tests", "benchmarks", "docs", "scripts", "derivations", "examples"}, stray
    assert set(names) <= package | families | {"symfisher/py.typed"} | {n for n in names if n.split("/")[0] in dist_info}


def test_wheel_catalog_imports_without_the_checkout(dist: Path, tmp_path: Path) -> None:
    """The installed wheel's catalog loads from symfisher/catalog/ alone (no derivations/ beside it)."""
    zipfile.ZipFile(_one(dist, "symfisher-*.whl")).extractall(tmp_path / "site")
    code = "import symfisher.catalog as c, pathlib; print(len(c.FAMILIES), pathlib.Path(c.__file__).parent)"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    count, where = result.stdout.split()
    assert int(count) == len(list((ROOT / "derivations").glob("*.py")))
    assert Path(where) == tmp_path / "site" / "symfisher" / "catalog"


def test_sdist_has_what_the_wheel_is_built_from(dist: Path) -> None:
    names = tarfile.open(_one(dist, "symfisher-*.tar.gz")).getnames()
    rel = {n.split("/", 1)[1] for n in names if "/" in n}
    for needed in ("setup.py", "pyproject.toml", "README.md", "symfisher/py.typed", "derivations/normal.py",
                   "symfisher/catalog/__init__.py"):
        assert needed in rel, needed
    assert not any(n.startswith(("docs/_build/", ".scratch/")) for n in rel)
