"""Benchmark of the entries with no closed form: ``python -m benchmarks.bench_quadrature``.

``NumericModel.fisher`` at 1, 10, 100 and 1000 parameter points, all points in one call (quadrature vectorised
over θ: :func:`symfisher.core.quadrature.expect_1d_batch`) against the per-point loop (one call per point,
as a user without vectorisation would write it), side by side in one run (best of ``repeat``): seconds per call,
the speed-up, and the largest |difference| between the two next to the largest summed error estimate
(|vectorised − loop| ≤ err_vectorised + err_loop must hold).

Families: the two-component normal mixture w·N(0, 1) + (1 − w)·N(m, 1) (no closed form; quadrature over ℝ),
and Poisson(λ) with its closed form removed (the numeric path forced: summation over k = 0, 1, …, cut off
per point with its tail estimate), checked against I(λ) = 1/λ.
"""

from __future__ import annotations

import argparse
import dataclasses
import timeit
from typing import Any, Callable

import numpy as np
import sympy as sp

from symfisher import Model, derive


def mixture() -> tuple[Any, Callable[[int], tuple[np.ndarray, ...]]]:
    x, m = sp.Symbol("x", real=True), sp.Symbol("m", real=True)
    w = sp.Symbol("w", positive=True)
    pdf = (w * sp.exp(-x**2 / 2) + (1 - w) * sp.exp(-(x - m)**2 / 2)) / sp.sqrt(2 * sp.pi)
    d = derive(Model.from_pdf(pdf, x, [w, m], sp.Reals, domain={w: sp.Interval.open(0, 1)}, name="mixture"),
               timeout=2)
    rng = np.random.default_rng(0)
    return d, lambda n: (rng.uniform(0.05, 0.95, n), rng.uniform(-3.0, 3.0, n))


def poisson_opened() -> tuple[Any, Callable[[int], tuple[np.ndarray, ...]]]:
    k = sp.Symbol("k", integer=True, nonnegative=True)
    lam = sp.Symbol("lambda", positive=True)
    d = derive(Model.from_pdf(lam**k * sp.exp(-lam) / sp.factorial(k), k, [lam], sp.Range(0, sp.oo), name="poisson"))
    opened = sp.ImmutableMatrix([[d.fisher[0, 0] + sp.Sum(0 * k, (k, 0, 1))]])  # unevaluated: numeric path
    d = dataclasses.replace(d, fisher=opened, neg_expected_hessian=opened)
    rng = np.random.default_rng(1)
    return d, lambda n: (rng.uniform(0.1, 50.0, n),)


def run(sizes: tuple[int, ...], repeat: int) -> None:
    print(f"{'family':<10} {'points':>6} {'vectorised s':>13} {'loop s':>10} {'speed-up':>9} {'max |diff|':>11} "
          f"{'max err':>10} {'diff ≤ err':>10}")
    for name, make in (("mixture", mixture), ("poisson", poisson_opened)):
        d, points = make()
        f = d.lambdify()
        assert f.fisher_open, f"{name}: no open entry"
        for n in sizes:
            theta = points(n)
            f.fisher(*(v[:1] for v in theta))  # warm
            t_vec = min(timeit.repeat(lambda: f.fisher(*theta), number=1, repeat=repeat))
            t_loop = min(timeit.repeat(lambda: [f.fisher(*(v[i] for v in theta)) for i in range(n)], number=1,
                                        repeat=1 if n >= 1000 else repeat))
            vec, err = f.fisher(*theta), f.fisher_error(*theta)
            loop = np.array([f.fisher(*(v[i] for v in theta)) for i in range(n)])
            loop_err = np.array([f.fisher_error(*(v[i] for v in theta)) for i in range(n)])
            diff = np.abs(vec - loop)
            ok = bool(np.all(diff <= err + loop_err))
            if name == "poisson":
                ok = ok and bool(np.all(np.abs(vec[:, 0, 0] - 1 / theta[0]) <= err[:, 0, 0] + 1e-13 / theta[0]))
            print(f"{name:<10} {n:>6} {t_vec:>13.4g} {t_loop:>10.4g} {t_loop / t_vec:>8.1f}× {diff.max():>11.2e} "
                  f"{(err + loop_err).max():>10.2e} {str(ok):>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run(tuple(args.sizes), args.repeat)


if __name__ == "__main__":
    main()
