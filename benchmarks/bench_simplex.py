"""Simplex models at the sizes people use (issue #14): Dirichlet K = 3…8, softmax regression K = 10, p = 20.

Run ``python -m benchmarks.bench_simplex``. Each row derives a model cold (``derive``; models built with
``validate=False``, as in the scale curves of ``benchmarks.bench``) and, for softmax regression, also
generates the NumPy functions (``d.lambdify()``) and evaluates I(W) once; the targets of the issue are
printed beside the measured seconds, side by side in one run:

- Dirichlet K = 8: ≤ 5 s;
- softmax regression K = 10, p = 20 ((K − 1)·p = 180 weights): ≤ 10 s including code generation.
"""

from __future__ import annotations

import argparse
import time
from typing import Sequence

import numpy as np
import sympy as sp

from symfisher import Model, derive

TARGETS = {"dirichlet-8": 5.0, "softmax-10-20": 10.0}


def dirichlet(K: int) -> Model:
    """Dirichlet(α_1..α_K) in the free coordinates x_1..x_{K−1} on their simplex."""
    x = sp.symbols(f"x1:{K}", positive=True)
    a = sp.symbols(f"alpha1:{K + 1}", positive=True)
    xs = (*x, 1 - sum(x))
    dens = sp.gamma(sum(a)) / sp.Mul(*map(sp.gamma, a)) * sp.Mul(*[xi ** (ai - 1) for xi, ai in zip(xs, a)])
    return Model.from_pdf(dens, x, a, Model.simplex(x), name=f"dirichlet-{K}", validate=False)


def softmax_parts(K: int, p: int, validate: bool = False) -> tuple[Model, list, tuple, list]:
    """Softmax regression: K classes (class K the reference), p covariates, one-hot y_1..y_{K−1}; returns the
    model, the weights W (K − 1 rows of p), the covariates z and the predictors η = W z."""
    y = sp.symbols(f"y1:{K}", integer=True, nonnegative=True)
    z = sp.symbols(f"z1:{p + 1}", real=True)
    W = [[sp.Symbol(f"w{a}_{r}", real=True) for r in range(1, p + 1)] for a in range(1, K)]
    eta = [sum(w * zr for w, zr in zip(row, z)) for row in W]
    logp = sum(yi * e for yi, e in zip(y, eta)) - sp.log(1 + sum(sp.exp(e) for e in eta))
    support = sp.FiniteSet(sp.Tuple(*[0] * (K - 1)), *[sp.Tuple(*[int(i == j) for i in range(K - 1)])
                                                         for j in range(K - 1)])
    model = Model.from_logpdf(logp, y, [w for row in W for w in row], support, given=z, name=f"softmax-{K}-{p}",
                              validate=validate)
    return model, W, z, eta


def softmax(K: int, p: int) -> Model:
    """The softmax regression model of :func:`softmax_parts` (not validated, as in the scale curves)."""
    return softmax_parts(K, p)[0]


def run_dirichlet(K: int) -> tuple[str, int, float, float, str]:
    model = dirichlet(K)
    t0 = time.perf_counter()
    d = derive(model, timeout=120)
    seconds = time.perf_counter() - t0
    return model.name, len(model.params), seconds, 0.0, d.equality.status


def run_softmax(K: int, p: int) -> tuple[str, int, float, float, str]:
    model = softmax(K, p)
    t0 = time.perf_counter()
    d = derive(model, timeout=120)
    derived = time.perf_counter() - t0
    num = d.lambdify()
    rng = np.random.default_rng(0)
    W, z = rng.normal(size=(K - 1, p)), rng.normal(size=p)
    F = num.fisher(*W.ravel(), **{g: v for g, v in zip(num.given, z)})
    e = np.exp(W @ z)
    pi = e / (1 + e.sum())
    assert np.allclose(F, np.kron(np.diag(pi) - np.outer(pi, pi), np.outer(z, z))), "I(W) differs from the closed form"
    return model.name, len(model.params), derived, time.perf_counter() - t0, d.equality.status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dirichlet", type=int, nargs="*", default=[3, 5, 8])
    parser.add_argument("--softmax", type=str, nargs="*", default=["3x2", "5x8", "10x20"], help="KxP pairs")
    args = parser.parse_args(argv)
    rows = [run_dirichlet(K) for K in args.dirichlet]
    rows += [run_softmax(*map(int, kp.split("x"))) for kp in args.softmax]
    print(f"{'model':16} {'params':>6} {'derive s':>9} {'+numeric s':>10} {'target s':>8}  verdict")
    for name, k, derived, total, status in rows:
        target = TARGETS.get(name)
        print(f"{name:16} {k:6d} {derived:9.2f} {total or derived:10.2f} {target or '':>8}  {status}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
