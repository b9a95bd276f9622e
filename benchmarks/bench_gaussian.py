"""Benchmark of Gaussian models (Slepian–Bangs): ``python -m benchmarks.bench_gaussian``.

Three rows, printed side by side in one run:

* full symbolic covariance, k = 2, 3, 4 (k + k(k + 1)/2 parameters): seconds to build the model and to
  ``derive`` it (the issue's bound: k = 4, 14 parameters, ≤ 10 s);
* numeric Slepian–Bangs for a squared-exponential Gaussian process over n = 500 inputs with 3
  hyperparameters: one ``fisher(θ)`` beside one Cholesky factorisation of the same n×n covariance
  (SciPy ``cho_factor`` and NumPy ``cholesky``), best of ``--repeat`` (bound: ≤ 5× one Cholesky).
  A second line times the LAPACK calls ``fisher`` makes, each alone on the same matrices: ``potrf``
  (n³/3 flops), ``sygst`` for ∂Σ/∂ℓ (n³), ``trtri`` and ``lauum`` for the identity's basis
  G = L⁻¹L⁻ᵀ that the noise and signal variances need (n³/3 each) — 2n³ flops in all, six times the
  Cholesky's, so ≤ 5× holds only where those routines run faster per flop than ``potrf``; a third
  line states that floor with the measured times (``--rows gp`` runs this row alone);
* the multivariate normal mean with a full symbolic precision (k(k + 1)/2 symbols), k = 16, 32, 64
  (bound: k = 64 within 60 s).
"""

from __future__ import annotations

import argparse
import time
from typing import Callable, Sequence

import numpy as np
import sympy as sp
from scipy.linalg import cho_factor

from symfisher import Model, derive


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def full_covariance(k: int) -> Model:
    """N(μ, Σ) with every mean and covariance entry a parameter."""
    xs = sp.symbols(f"x1:{k + 1}", real=True)
    mus = sp.symbols(f"mu1:{k + 1}", real=True)
    S = sp.Matrix(k, k, lambda i, j: sp.Symbol(f"s{min(i, j) + 1}{max(i, j) + 1}", positive=i == j, real=True))
    cov = [S[i, j] for i in range(k) for j in range(i, k)]
    return Model.gaussian(list(mus), S, xs, [*mus, *cov], name=f"mvn-full-{k}")


def gp(n: int, seed: int = 0) -> tuple[Model, np.ndarray]:
    """A squared-exponential GP (variance v, length-scale ℓ, noise τ²) at n sorted random inputs."""
    t = np.sort(np.random.default_rng(seed).uniform(0, 10, n))
    i, j = sp.symbols("i j", integer=True)
    v, ell, tau = sp.symbols("v ell tau2", positive=True)
    T = sp.ImmutableDenseNDimArray([sp.Float(float(x)) for x in t])
    K = sp.FunctionMatrix(n, n, sp.Lambda((i, j), v * sp.exp(-(T[i] - T[j])**2 / (2 * ell**2))
                                          + tau * sp.KroneckerDelta(i, j)))
    return Model.gaussian(sp.zeros(n, 1), K, sp.symbols(f"x1:{n + 1}", real=True), [v, ell, tau], name=f"gp-{n}"), t


def _lapack_parts(num: object, theta: tuple, repeat: int) -> dict[str, float]:
    """Milliseconds of the steps of one ``fisher(θ)`` of the GP, each timed alone on the same arrays."""
    from scipy.linalg import lapack

    evaluate = num._evaluate  # type: ignore[attr-defined]
    S, D = (np.array(m, order="F") for m in evaluate(*theta))
    L = lapack.dpotrf(S, lower=1, clean=0)[0]
    A = np.asfortranarray(L.reshape(-1, order="F")[::-1].reshape(L.shape, order="F"))  # J L J, upper
    Wr = lapack.dtrtri(A, lower=0)[0]
    steps = {"Σ, ∂Σ": lambda: evaluate(*theta), "potrf": lambda: lapack.dpotrf(S, lower=1, clean=0),
             "sygst": lambda: lapack.dsygst(D, L, itype=1, lower=1), "trtri": lambda: lapack.dtrtri(A, lower=0),
             "lauum": lambda: lapack.dlauum(Wr, lower=0)}
    return {name: _best(fn, repeat) * 1e3 for name, fn in steps.items()}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_gaussian", description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--n", type=int, default=500, help="GP inputs")
    ap.add_argument("--sizes", type=int, nargs="*", default=[16, 32, 64], help="precision dimensions k")
    ap.add_argument("--rows", nargs="*", choices=("full", "gp", "precision"), default=["full", "gp", "precision"],
                    help="which rows to run (default: all three)")
    args = ap.parse_args(argv)
    import sympy.physics.units  # noqa: F401  (the one-time import simplify needs, outside the timings)

    if "full" in args.rows:
        _full_rows()
    if "gp" in args.rows:
        _gp_row(args.n, args.repeat)
    if "precision" in args.rows:
        _precision_rows(args.sizes)
    return 0


def _full_rows() -> None:
    print("Full symbolic covariance (derive; bound k = 4 ≤ 10 s):")
    for k in (2, 3, 4):
        t0 = time.perf_counter()
        model = full_covariance(k)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        d = derive(model, timeout=120)
        print(f"  k = {k}  ({len(model.params):2d} parameters): build {built:6.2f} s  derive "
              f"{time.perf_counter() - t0:6.2f} s  {d.equality.status}", flush=True)


def _gp_row(n: int, repeat: int) -> None:
    print(f"\nGaussian process, n = {n}, 3 hyperparameters (bound: fisher ≤ 5× one Cholesky):")
    t0 = time.perf_counter()
    model, t = gp(n)
    d = derive(model)
    num = d.lambdify()
    setup = time.perf_counter() - t0
    theta = (1.3, 0.8, 0.3)
    S = theta[0] * np.exp(-(t[:, None] - t[None, :])**2 / (2 * theta[1]**2)) + theta[2] * np.eye(n)
    fisher = _best(lambda: num.fisher(*theta), repeat)
    scipy_chol = _best(lambda: cho_factor(S, lower=True, check_finite=False), repeat)
    numpy_chol = _best(lambda: np.linalg.cholesky(S), repeat)
    batch = _best(lambda: num.fisher(np.full(10, theta[0]), np.linspace(0.5, 1.5, 10), theta[2]), max(2, repeat // 5))
    print(f"  model + derive + lambdify {setup:.2f} s; ∂Σ handled as {', '.join(num.solved)}")
    print(f"  fisher(θ) {fisher * 1e3:7.2f} ms | scipy cho_factor {scipy_chol * 1e3:6.2f} ms  "
          f"(ratio {fisher / scipy_chol:4.1f}×) | numpy cholesky {numpy_chol * 1e3:6.2f} ms "
          f"(ratio {fisher / numpy_chol:4.1f}×) | 10 points {batch * 1e3:7.1f} ms")
    parts = _lapack_parts(num, theta, repeat)
    print("  inside fisher: " + " + ".join(f"{name} {ms:.2f}" for name, ms in parts.items())
          + f" = {sum(parts.values()):.2f} ms (each alone, best of {repeat})")
    lapack_ms = sum(ms for name, ms in parts.items() if name != "Σ, ∂Σ")
    print(f"  exact-arithmetic floor: potrf n³/3 + sygst n³ + trtri n³/3 + lauum n³/3 = 2n³ flops = 6.0× potrf's "
          f"n³/3; those four alone take {lapack_ms:.2f} ms = {lapack_ms / (scipy_chol * 1e3):.1f}× cho_factor, "
          f"{(lapack_ms + parts['Σ, ∂Σ']) / (scipy_chol * 1e3):.1f}× with the n(n + 1)/2 kernel entries")


def _precision_rows(sizes: Sequence[int]) -> None:
    print("\nMultivariate normal mean, full symbolic precision (derive; bound k = 64 ≤ 60 s):")
    from benchmarks.bench import scale_models

    for k in sizes:
        model = scale_models("mvn-precision", k)
        t0 = time.perf_counter()
        d = derive(model, timeout=240)
        print(f"  k = {k:3d}: {time.perf_counter() - t0:7.2f} s  {d.equality.status}  "
              f"{'+'.join(sorted(set(d.strategies.values())))}", flush=True)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
