"""The derivation cache on disk: hits equal fresh derivations, and never another model's result.

The suite runs with the cache off (tests/conftest.py); each test here turns it on in its own
temporary directory, so nothing touches the user's cache.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
import sympy as sp

import symfisher
import symfisher.catalog as catalog
from symfisher import cache
from symfisher.cli import main
from symfisher.config import Config
from symfisher.core.derivation import Derivation, derive
from symfisher.core.model import Model
from symfisher.errors import ConfigError, ModelError
from symfisher.uses._common import as_derivation

ROOT = Path(__file__).resolve().parents[2]
x = sp.Symbol("x", positive=True)
lam = sp.Symbol("lambda", positive=True)
OPEN = sp.Interval.open(0, sp.oo)


def exponential(**changes) -> Model:
    """λ e^{−λx} on (0, ∞); ``changes`` swap one ingredient (validation off: these are only looked up)."""
    ingredients = dict(data=x, param=lam, support=OPEN, domain=None, name="model")
    ingredients.update(changes)
    xs, p = ingredients["data"], ingredients["param"]
    return Model.from_pdf(p * sp.exp(-p * xs), xs, [p], ingredients["support"], domain=ingredients["domain"],
                          name=ingredients["name"], validate=not changes)


@pytest.fixture
def cache_on(tmp_path, monkeypatch) -> Path:
    """The default cache, on, in a fresh temporary directory."""
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def stored() -> tuple[Model, Derivation]:
    m = exponential()
    return m, derive(m)


def _no_derive(monkeypatch) -> list:
    """Make any derivation fail the test; returns the list of attempted calls."""
    calls: list = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("derived although the cache should have answered")

    monkeypatch.setattr("symfisher.core.derivation.derive", refuse)
    return calls


def _entries(root: Path, kind: str = cache.DERIVATIONS) -> list[Path]:
    folder = root / kind
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _same_result(a: Derivation, b: Derivation) -> None:
    assert (a.model, a.score, a.hessian, a.fisher, a.neg_expected_hessian, a.mean_score) == \
        (b.model, b.score, b.hessian, b.fisher, b.neg_expected_hessian, b.mean_score)
    assert (a.equality, dict(a.strategies), a.steps, a.conditions, a.failures) == \
        (b.equality, dict(b.strategies), b.steps, b.conditions, b.failures)


# ---------------------------------------------------------------------------------------------- hits
def test_a_hit_returns_an_equal_derivation(cache_on, monkeypatch):
    m = exponential()
    first = cache.derive_cached(m)
    assert len(_entries(cache_on)) == 1
    _same_result(first, derive(m))                    # what derive gives, strategies and verdict included
    calls = _no_derive(monkeypatch)
    again = cache.derive_cached(m)
    assert again == first and again.model is m and not calls   # equal to the stored one, timings included
    assert again.fisher == sp.Matrix([[lam**-2]]) and again.equality.status == "proved"
    assert again.strategies == first.strategies and again.steps == first.steps


@pytest.mark.parametrize("family", ["normal", "poisson-regression", "uniform"])
def test_derivations_pickle(family):
    d = derive(catalog.get(family).model())
    back = pickle.loads(pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == d and back.model.density == d.model.density
    assert back.equality.counterexample == d.equality.counterexample   # uniform: refuted at a point


def test_a_settled_result_answers_any_budget_an_open_one_only_a_smaller(cache_on, stored, monkeypatch):
    m, d = stored
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    cache.derive_cached(m, timeout=5.0)
    assert cache.lookup(m, timeout=600.0) == d        # closed and proved: no budget changes it
    monkeypatch.setattr(cache, "_settled", lambda derivation: False)
    cache.clear()
    cache.derive_cached(m, timeout=5.0)
    assert cache.lookup(m, timeout=3.0) == d
    assert cache.lookup(m, timeout=5.0 + cache.SLACK) == d
    assert cache.lookup(m, timeout=30.0) is None      # "inconclusive" under 5 s may close under 30 s


def test_uses_and_plot_go_through_the_cache(cache_on, stored, monkeypatch):
    m, d = stored
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    assert as_derivation(m) == d and len(_entries(cache_on)) == 1
    _no_derive(monkeypatch)
    assert as_derivation(m) == d


# ---------------------------------------------------------------------------------------------- never another model
@pytest.mark.parametrize("other", [
    pytest.param(dict(param=sp.Symbol("lambda", positive=True, integer=True)), id="assumption-of-parameter"),
    pytest.param(dict(data=sp.Symbol("x", positive=True, integer=True)), id="assumption-of-data"),
    pytest.param(dict(support=sp.Interval(0, sp.oo)), id="support-endpoint-closed"),
    pytest.param(dict(support=sp.Interval.open(1, sp.oo)), id="support-endpoint-moved"),
    pytest.param(dict(domain={lam: sp.Interval.open(0, 5)}), id="parameter-domain"),
    pytest.param(dict(param=sp.Symbol("mu", positive=True)), id="parameter-name"),
    pytest.param(dict(data=sp.Symbol("y", positive=True)), id="data-name"),
    pytest.param(dict(name="other"), id="model-name"),
])
def test_models_differing_in_one_detail_never_share_an_entry(cache_on, stored, monkeypatch, other):
    m, d = stored
    twin = exponential(**other)
    assert cache.model_form(twin) != cache.model_form(m)
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    cache.derive_cached(m)
    assert cache.lookup(m) == d and cache.lookup(twin) is None


def test_a_hash_collision_is_a_miss(cache_on, stored, monkeypatch):
    m, d = stored
    monkeypatch.setattr(cache, "_digest", lambda key: "0" * 64)   # every key lands in one file
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    cache.derive_cached(m)
    twin = exponential(param=sp.Symbol("mu", positive=True))
    assert len(_entries(cache_on)) == 1 and cache.lookup(twin) is None
    monkeypatch.setattr("symfisher.core.derivation.derive", derive)
    mu = twin.params[0]
    got = cache.derive_cached(twin)                  # derived, and now it owns the file
    assert got.model == twin and got.fisher == sp.Matrix([[mu**-2]])
    assert cache.lookup(m) is None and cache.lookup(twin) == got


def test_equal_keys_with_different_models_are_still_a_miss(cache_on, stored, monkeypatch):
    """Belt and braces: even a canonical form that failed to tell two models apart is caught on load."""
    m, d = stored
    monkeypatch.setattr(cache, "model_form", lambda model: "one form for every model")
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    cache.derive_cached(m)
    assert cache.lookup(m) == d
    assert cache.lookup(exponential(support=sp.Interval(0, sp.oo))) is None


def test_versions_and_config_are_in_the_key(cache_on, stored, monkeypatch):
    m, d = stored
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    cache.derive_cached(m)
    assert cache.lookup(m) == d
    assert cache.lookup(m, config=Config(seed=1)) is None
    assert cache.lookup(m, config=Config(strict=not Config().strict)) is None
    assert cache.lookup(m, config=Config(atom_timeout=1.0)) is None
    with monkeypatch.context() as patch:
        patch.setattr(symfisher, "__version__", "99.0")
        assert cache.lookup(m) is None
    with monkeypatch.context() as patch:
        patch.setattr(sp, "__version__", "0.1")
        assert cache.lookup(m) is None
    with monkeypatch.context() as patch:    # the engine's source changed (same version number)
        patch.setattr(cache, "_source_digest", lambda parts: "edited")
        assert cache.lookup(m) is None
    assert cache.lookup(m) == d


# ---------------------------------------------------------------------------------------------- files
@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "wrong-object", "bad-payload"])
def test_a_corrupt_entry_is_a_miss_and_is_replaced(cache_on, stored, monkeypatch, damage):
    m, d = stored
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    cache.derive_cached(m)
    [path] = _entries(cache_on)
    raw = path.read_bytes()
    entry = pickle.loads(raw)
    path.write_bytes({"truncate": raw[: len(raw) // 2], "garbage": os.urandom(len(raw)), "empty": b"",
                      "wrong-object": pickle.dumps([1, 2]),
                      "bad-payload": pickle.dumps(dict(entry, derivation=entry["derivation"][:-40]))}[damage])
    assert cache.lookup(m) is None
    assert cache.derive_cached(m) == d and cache.lookup(m) == d


def test_entries_others_can_write_are_ignored(cache_on, stored, monkeypatch):
    m, d = stored
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    cache.derive_cached(m)
    [path] = _entries(cache_on)
    path.chmod(0o666)
    assert cache.lookup(m) is None


def test_turned_off_writes_nothing(tmp_path, stored, monkeypatch):
    m, d = stored
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "c"))
    monkeypatch.setenv(cache.ENV_OFF, "1")
    assert cache.derive_cached(m) == d and not cache.enabled()
    monkeypatch.setenv(cache.ENV_OFF, "0")
    assert cache.enabled()
    with cache.disabled():
        assert not cache.enabled() and cache.derive_cached(m) == d
    assert cache.derive_cached(m, cache=False) == d
    assert not (tmp_path / "c").exists()
    monkeypatch.setenv(cache.ENV_OFF, "1")
    assert cache.derive_cached(m, cache=tmp_path / "explicit") == d    # an explicit folder is used
    assert len(_entries(tmp_path / "explicit")) == 1


def test_cache_dir_clear_and_bad_arguments(cache_on, stored, monkeypatch):
    m, d = stored
    assert cache.cache_dir() == cache_on
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    cache.derive_cached(m)
    cache.derive_cached(m, config=Config(seed=3))
    (cache_on / cache.DERIVATIONS / ".left-over.tmp").write_bytes(b"x")
    assert cache.clear() == 3 and not (cache_on / cache.DERIVATIONS).exists()
    assert cache.clear() == 0
    with pytest.raises(ConfigError, match=r"^cache must be True, False or a directory path, got 3$"):
        cache.derive_cached(m, cache=3)
    monkeypatch.setattr("symfisher.core.derivation.derive", derive)
    with pytest.raises(ModelError, match=r"^derive needs a symfisher Model, got str$"):
        cache.derive_cached("lam*exp(-lam*x)")


def test_the_least_recently_used_entries_go_first(cache_on, stored, monkeypatch):
    m, d = stored
    monkeypatch.setattr("symfisher.core.derivation.derive", lambda *a, **k: d)
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    for seed, stamp in ((1, 10), (2, 20)):
        before = set(_entries(cache_on))
        cache.derive_cached(m, config=Config(seed=seed))
        [new] = set(_entries(cache_on)) - before
        os.utime(new, ns=(stamp * 10**9, stamp * 10**9))
    assert cache.lookup(m, config=Config(seed=1)) == d      # used now: the most recent
    cache.derive_cached(m, config=Config(seed=3))
    assert len(_entries(cache_on)) == 2 and cache.lookup(m, config=Config(seed=2)) is None
    assert cache.lookup(m, config=Config(seed=1)) == d and cache.lookup(m, config=Config(seed=3)) == d


def test_concurrent_writers_never_leave_a_broken_entry(tmp_path):
    """Four processes rewrite one entry with payloads of different sizes while this one reads it."""
    path = tmp_path / cache.DERIVATIONS / "entry.pickle"
    writer = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from symfisher.cache import _write
        payload = bytes([int(sys.argv[1])]) * (int(sys.argv[1]) * 50_000)
        for _ in range(100):
            _write(Path({str(path)!r}), payload)
        """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", writer, str(i)], env=env) for i in (1, 2, 3, 4)]
    seen = set()
    while any(p.poll() is None for p in procs):
        raw = cache._read(path)
        if raw:
            assert len(set(raw)) == 1 and len(raw) == raw[0] * 50_000   # whole payloads only
            seen.add(raw[0])
    assert all(p.wait() == 0 for p in procs)
    seen.add((cache._read(path) or b"?")[0])
    assert seen and not [f for f in path.parent.iterdir() if f.name != "entry.pickle"]   # no temp files left


# ---------------------------------------------------------------------------------------------- command line
def test_cli_derive_replays_its_output(cache_on, capsys, monkeypatch):
    assert main(["derive", "exponential"]) == 0
    first = capsys.readouterr().out
    assert "proved" in first and len(_entries(cache_on, cache.OUTPUTS)) == 1
    real = cache.derive_cached
    monkeypatch.setattr(cache, "derive_cached", lambda *a, **k: pytest.fail("not replayed"))
    assert main(["derive", "exponential"]) == 0
    assert capsys.readouterr().out == first
    calls = []
    monkeypatch.setattr(cache, "derive_cached", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert main(["derive", "exponential", "--strategies"]) == 0          # other arguments: not replayed,
    assert calls and "Strategies" in capsys.readouterr().out             # but the derivation is cached
    assert main(["derive", "exponential", "--no-cache"]) == 0
    assert capsys.readouterr().out == first and len(calls) == 2
    assert len(_entries(cache_on, cache.OUTPUTS)) == 2 and len(_entries(cache_on)) == 1


def test_cli_errors_are_not_recorded(cache_on, capsys):
    assert main(["derive", "no-such-family"]) == 3
    assert not _entries(cache_on, cache.OUTPUTS)


def test_cli_warm_run_imports_no_sympy(cache_on, tmp_path):
    src = tmp_path / "src"  # a copy of the package: an edit to the working tree between the runs would miss
    for folder in ("symfisher", "derivations"):
        shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ, PYTHONPATH=str(src))
    probe = ("import sys, runpy; sys.argv = ['symfisher', 'derive', 'exponential']\n"
             "try:\n    runpy.run_module('symfisher', run_name='__main__')\n"
             "except SystemExit as e:\n    print('sympy' in sys.modules, e.code, file=sys.stderr)")
    runs = [subprocess.run([sys.executable, "-c", probe], env=env, cwd=src, capture_output=True, text=True)
            for _ in range(2)]
    assert [r.stderr.split()[-2:] for r in runs] == [["True", "0"], ["False", "0"]]
    assert runs[0].stdout == runs[1].stdout and "proved" in runs[0].stdout
