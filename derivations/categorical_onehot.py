"""Categorical with 3 classes, coded one-hot by two 0/1 indicators (x1, x2).

Mass function  p(x1, x2) = (1 - x1 x2) * p1^x1 p2^x2 (1 - p1 - p2)^(1 - x1 - x2),
on {0,1} x {0,1}; the factor (1 - x1 x2) vanishes at the impossible point (1, 1).
Fisher information  I(p1, p2) = diag(1/p1, 1/p2) + (1/p3) * [[1, 1], [1, 1]],  p3 = 1-p1-p2.
"""

import sympy as sp

from symfisher.catalog._family import Family

x1 = sp.Symbol("x1", integer=True, nonnegative=True)
x2 = sp.Symbol("x2", integer=True, nonnegative=True)
p1 = sp.Symbol("p1", positive=True)
p2 = sp.Symbol("p2", positive=True)

_p3 = 1 - p1 - p2

FAMILY = Family(
    name="categorical-onehot",
    title="Categorical, 3 classes, one-hot data (x1, x2); probabilities p1, p2",
    # (1 - x1*x2) kills the point x1 = x2 = 1, which a product support cannot exclude.
    expr=(1 - x1 * x2) * p1**x1 * p2**x2 * _p3 ** (1 - x1 - x2),
    data=(x1, x2),
    params=(p1, p2),
    support={x1: sp.FiniteSet(0, 1), x2: sp.FiniteSet(0, 1)},
    fisher=sp.Matrix([[1 / p1 + 1 / _p3, 1 / _p3], [1 / _p3, 1 / p2 + 1 / _p3]]),
    source=(
        "Multinomial with a single trial: Agresti (2013), Categorical Data Analysis, 3rd ed., "
        "Wiley, Ch. 16 (asymptotic theory for multinomial models: information matrix "
        "diag(1/p_i) + (1/p_k) 1 1^T for the first k-1 cell probabilities). Directly: "
        "s_i = 1{class i}/p_i - 1{class 3}/p3, E[s s^T] = diag(1/p_i) + 1 1^T / p3."
    ),
    domain={p1: sp.Interval.open(0, 1), p2: sp.Interval.open(0, 1)},
    notes=(
        "(x1, x2) = (1, 0): class 1 (prob. p1); (0, 1): class 2 (p2); (0, 0): class 3 "
        "(p3 = 1 - p1 - p2). The support is given as the product {0,1} x {0,1}; the "
        "parameter-free factor (1 - x1 x2) makes the mass at the impossible point (1, 1) zero "
        "(it contributes nothing to the score). p1 + p2 < 1 is required."
    ),
)
