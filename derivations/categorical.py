"""Categorical with 3 classes, coded as one variable x in {0, 1, 2}.

Mass function  P(x=0) = p1, P(x=1) = p2, P(x=2) = p3 = 1 - p1 - p2, written as
  p(x) = p1^((x-1)(x-2)/2) * p2^(-x(x-2)) * p3^(x(x-1)/2)
(each exponent is the 0/1 indicator of its class on {0, 1, 2}).
Fisher information  I(p1, p2) = diag(1/p1, 1/p2) + (1/p3) * [[1, 1], [1, 1]].
"""

import sympy as sp

from symfisher.catalog._family import Family

x = sp.Symbol("x", integer=True, nonnegative=True)
p1 = sp.Symbol("p1", positive=True)
p2 = sp.Symbol("p2", positive=True)

_p3 = 1 - p1 - p2

FAMILY = Family(
    name="categorical",
    title="Categorical, 3 classes (probabilities p1, p2; p3 = 1 - p1 - p2)",
    expr=p1 ** ((x - 1) * (x - 2) / 2) * p2 ** (-x * (x - 2)) * _p3 ** (x * (x - 1) / 2),
    data=x,
    params=(p1, p2),
    support=sp.FiniteSet(0, 1, 2),
    fisher=sp.Matrix([[1 / p1 + 1 / _p3, 1 / _p3], [1 / _p3, 1 / p2 + 1 / _p3]]),
    source=(
        "Multinomial with a single trial: Agresti (2013), Categorical Data Analysis, 3rd ed., "
        "Wiley, Ch. 16 (asymptotic theory for multinomial models: information matrix "
        "diag(1/p_i) + (1/p_k) 1 1^T for the first k-1 cell probabilities). Directly: "
        "s_i = 1{class i}/p_i - 1{class 3}/p3, E[s s^T] = diag(1/p_i) + 1 1^T / p3."
    ),
    domain={p1: sp.Interval.open(0, 1), p2: sp.Interval.open(0, 1)},
    notes=(
        "Class 0 has probability p1, class 1 p2, class 2 p3 = 1 - p1 - p2. The joint "
        "constraint p1 + p2 < 1 is not expressible per-parameter in `domain`; it is required."
    ),
)
