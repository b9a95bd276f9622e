"""Benchmark of optimal design: ``python -m benchmarks.bench_design``.

Wall time of :func:`symfisher.uses.design.optimal_design` after the derivation (issue #15: at most 1 s for a
two-parameter model): compiling I(θ; z), the grid search, polishing and the certificate, for logistic
regression (D, A, E), Michaelis–Menten and quadratic regression (three parameters), and a two-covariate
model. Each case is timed ``repeat`` times; best and median are printed with the design found.
"""

from __future__ import annotations

import argparse
import statistics
import time

import sympy as sp

import symfisher as sf
import symfisher.catalog as catalog
from symfisher.uses.design import optimal_design

LIMIT_S = 1.0  # issue #15, two-parameter models


def _cases() -> list[tuple[str, sf.Derivation, dict, dict, str]]:
    y = sp.Symbol("y", real=True)
    z = sp.Symbol("z", real=True)
    zn = sp.Symbol("z", nonnegative=True)
    b0, b1, b2 = sp.symbols("b0 b1 b2", real=True)
    V, K = sp.symbols("V K", positive=True)
    x1, x2 = sp.symbols("x1 x2", real=True)
    const = -sp.log(2 * sp.pi) / 2
    logistic = sf.derive(catalog.get("logistic-regression").model())
    mm = sf.derive(sf.Model.from_logpdf(-(y - V * zn / (K + zn)) ** 2 / 2 + const, y, [V, K], sp.S.Reals, given=[zn]))
    quad = sf.derive(sf.Model.from_logpdf(-(y - b0 - b1 * z - b2 * z**2) ** 2 / 2 + const, y, [b0, b1, b2], sp.S.Reals,
                                          given=[z]))
    plane = sf.derive(sf.Model.from_logpdf(-(y - b0 - b1 * x1 - b2 * x2) ** 2 / 2 + const, y, [b0, b1, b2], sp.S.Reals,
                                           given=[x1, x2]))
    theta = {"beta0": 0, "beta1": 1}
    return [
        ("logistic regression, D", logistic, {"z": (-5, 5)}, theta, "D"),
        ("logistic regression, A", logistic, {"z": (-5, 5)}, theta, "A"),
        ("logistic regression, E", logistic, {"z": (0, 8)}, theta, "E"),
        ("Michaelis-Menten, D", mm, {zn: (0, 10)}, {V: 2, K: 3}, "D"),
        ("quadratic regression, D (p = 3)", quad, {z: (-1, 1)}, [0, 0, 0], "D"),
        ("plane on [-1,1]^2, D (p = 3)", plane, {x1: (-1, 1), x2: (-1, 1)}, [0, 0, 0], "D"),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"optimal_design after the derivation, best and median of {args.repeat} (limit {LIMIT_S:g} s for p = 2)\n")
    print(f"{'case':34s} {'best s':>8s} {'median s':>9s}  {'gap':>8s}  support (w)")
    for label, d, bounds, at, criterion in _cases():
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            r = optimal_design(d, bounds, at, criterion)
            times.append(time.perf_counter() - t)
        support = ", ".join(f"{'(' + ', '.join(f'{v:.4g}' for v in pt) + ')' if len(pt) > 1 else f'{pt[0]:.6g}'} "
                            f"({w:.3g})" for pt, w in zip(r.points, r.weights))
        flag = " over the limit" if len(r.params) == 2 and min(times) > LIMIT_S else ""
        print(f"{label:34s} {min(times):8.3f} {statistics.median(times):9.3f}  {r.certificate.gap:8.1e}  {support}{flag}")


if __name__ == "__main__":
    main()
