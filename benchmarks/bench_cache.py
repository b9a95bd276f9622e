"""Benchmark of the derivation cache: ``python -m benchmarks.bench_cache``.

1. ``symfisher derive normal`` as a subprocess, end to end (interpreter start included): cold (empty
   cache), warm (the output replayed), warm through the derivation cache only (other arguments, so
   the output is not replayed), and ``--no-cache``; next to ``python -c pass`` and ``import sympy``.
2. Maximum likelihood on a 20,000-row Poisson regression (fixed seed, y ~ Poisson(exp(b0 + b1 z))):
   ``mle(derive_cached(model), data)`` warm and cold, ``mle(model, data)`` (Newton, no derivation)
   and statsmodels' ``sm.GLM(y, X, family=Poisson()).fit()``, in this process, side by side with
   the estimates' largest difference; then the same as end-to-end scripts (imports included).

Runs against a copy of the package in a temporary folder with a fresh cache there, so edits to the
working tree during the run cannot turn a warm run cold, and the user's cache is not touched.
Run it alone (``.scratch/cpu --exclusive`` here): the numbers are wall-clock times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
N_ROWS = 20_000
SEED = 20261201
BETA = (0.5, 0.3)

POISSON_DATA = f"""
import numpy as np
rng = np.random.default_rng({SEED})
z = rng.normal(size={N_ROWS})
y = rng.poisson(np.exp({BETA[0]} + {BETA[1]} * z))
"""
MLE_SCRIPT = POISSON_DATA + """
import symfisher as sf, symfisher.catalog as catalog
fit = sf.mle(sf.derive_cached(catalog.get("poisson-regression").model()), {"y": y, "z": z})
print(*fit.estimate)
"""
STATSMODELS_SCRIPT = POISSON_DATA + """
import statsmodels.api as sm
print(*sm.GLM(y, sm.add_constant(z), family=sm.families.Poisson()).fit().params)
"""


def _snapshot(into: Path) -> Path:
    for folder in ("symfisher", "derivations"):
        shutil.copytree(ROOT / folder, into / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return into


def _wall(cmd: list[str], env: dict, cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, done


def _times(cmd: list[str], env: dict, cwd: Path, repeat: int) -> tuple[list[float], subprocess.CompletedProcess]:
    out, done = [], None
    for _ in range(repeat):
        t, done = _wall(cmd, env, cwd)
        if done.returncode not in (0, 1, 2) or "Traceback" in done.stderr:  # 1 is also Python's own failure
            raise RuntimeError(f"{' '.join(cmd[1:])} failed: {done.stderr.strip().splitlines()[-1:]}")
        out.append(t)
    return out, done


def _row(label: str, times: list[float], note: str = "") -> None:
    print(f"  {label:58s} {statistics.median(times):8.3f} s  (best {min(times):.3f}, n={len(times)}) {note}")


def bench_cli(src: Path, env: dict, repeat: int) -> float:
    py = [sys.executable]
    derive = [*py, "-m", "symfisher", "derive", "normal"]
    print("symfisher derive normal, subprocess, wall clock (median):")
    _row("python -c pass", _times([*py, "-c", "pass"], env, src, repeat)[0])
    _row("python -c 'import sympy'", _times([*py, "-c", "import sympy"], env, src, repeat)[0])
    cold, first = _times(derive, env, src, 1)
    _row("cold (empty cache: derive, store)", cold)
    warm, again = _times(derive, env, src, repeat)
    _row("warm (output replayed)", warm, "— target ≤ 0.5 s")
    if again.stdout != first.stdout:
        raise RuntimeError("the replayed output differs from the derived one")
    via = _times([*derive, "--strategies"], env, src, 1)[0]
    _row("warm derivation only (--strategies: imports, loads, prints)", via)
    _row("--no-cache (derives every time)", _times([*derive, "--no-cache"], env, src, 1)[0])
    return statistics.median(warm)


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def bench_mle(src: Path, env: dict, repeat: int) -> float:
    sys.path.insert(0, str(src))
    os.environ.update(env)
    import statsmodels.api as sm

    import symfisher as sf
    import symfisher.catalog as catalog
    from symfisher import cache

    assert Path(sf.__file__).is_relative_to(src), sf.__file__
    ns: dict = {}
    exec(POISSON_DATA, ns)
    y, z = ns["y"], ns["z"]
    data = {"y": y, "z": z}
    model = catalog.get("poisson-regression").model()
    X = sm.add_constant(z)

    t_sm, ref = _best(lambda: sm.GLM(y, X, family=sm.families.Poisson()).fit(), repeat)
    t_cold, fit_cold = _best(lambda: sf.mle(sf.derive(model), data), 1)
    cache.derive_cached(model)
    t_derive_hit, _ = _best(lambda: cache.derive_cached(model), repeat)
    t_warm, fit = _best(lambda: sf.mle(cache.derive_cached(model), data), repeat)
    d = cache.derive_cached(model)
    t_fit, _ = _best(lambda: sf.mle(d, data), repeat)
    t_model, fit_model = _best(lambda: sf.mle(model, data), repeat)
    diff = max(float(np.max(np.abs(f.estimate - np.asarray(ref.params)))) for f in (fit, fit_cold, fit_model))
    se = np.sqrt(np.diag(np.linalg.inv(fit.expected_information)))
    se_diff = float(np.max(np.abs(se - np.asarray(ref.bse))))
    print(f"\nmle, Poisson regression, n = {N_ROWS:,} (in this process, best of {repeat}):")
    print(f"  {'statsmodels GLM(y, X, Poisson()).fit()':58s} {t_sm:8.4f} s")
    print(f"  {'warm: mle(derive_cached(model), data)':58s} {t_warm:8.4f} s  ({t_warm / t_sm:.2f}× statsmodels; "
          "target ≤ 3×)")
    print(f"  {'   of which derive_cached(model) (a hit)':58s} {t_derive_hit:8.4f} s")
    print(f"  {'mle(derivation, data) alone':58s} {t_fit:8.4f} s")
    print(f"  {'mle(model, data) (Newton, no derivation)':58s} {t_model:8.4f} s")
    print(f"  {'cold: mle(derive(model), data)':58s} {t_cold:8.4f} s")
    print(f"  estimates {fit.estimate.tolist()} vs statsmodels {np.asarray(ref.params).tolist()}: "
          f"largest difference {diff:.1e}; standard errors (expected information) differ by {se_diff:.1e}")
    return t_warm / t_sm


def bench_scripts(src: Path, env: dict, repeat: int) -> None:
    print(f"\nthe same as scripts, end to end (imports included; subprocess, median of {repeat}):")
    times, out = _times([sys.executable, "-c", MLE_SCRIPT], env, src, repeat)
    _row("symfisher (warm cache)", times)
    sm_times, sm_out = _times([sys.executable, "-c", STATSMODELS_SCRIPT], env, src, repeat)
    _row("statsmodels", sm_times)
    a, b = (np.array(o.stdout.split(), dtype=float) for o in (out, sm_out))
    print(f"  estimates agree to {float(np.max(np.abs(a - b))):.1e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per warm measurement (default 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="symfisher-bench-cache-") as tmp:
        src = _snapshot(Path(tmp) / "src")
        env = {k: v for k, v in os.environ.items() if k != "SYMFISHER_NO_CACHE"}
        env.update(PYTHONPATH=str(src), SYMFISHER_CACHE_DIR=str(Path(tmp) / "cache"))
        warm_cli = bench_cli(src, env, args.repeat)
        ratio = bench_mle(src, env, args.repeat)
        bench_scripts(src, env, args.repeat)
    print(f"\ntargets: warm derive {warm_cli:.3f} s ≤ 0.5 s: {'met' if warm_cli <= 0.5 else 'MISSED'}; "
          f"warm mle {ratio:.2f}× statsmodels ≤ 3×: {'met' if ratio <= 3 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
