"""Data sets: DataFrames and dicts of columns, and rows outside the support or a covariate's domain refused."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import sympy as sp

import symfisher as sf
from symfisher.core.model import Model
from symfisher.errors import ModelError
from symfisher.numeric.data import data_arrays, describe_set, first_outside
from symfisher.numeric.empirical import empirical_fisher, observed_information

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", integer=True, nonnegative=True)
z = sp.Symbol("z", real=True)
w = sp.Symbol("w", positive=True)
theta = sp.Symbol("theta", positive=True)
n = sp.Symbol("n", integer=True, positive=True)


def model(support, given=(), domain=None, logpdf=None):
    data = y if isinstance(support, (sp.FiniteSet, sp.Range)) or support in (sp.S.Naturals0,) else x
    return Model(logpdf=logpdf if logpdf is not None else -theta * data + sp.log(theta), data=(data,),
                 params=(theta,), support=((data, support),), given=tuple(given), domain=tuple((domain or {}).items()))


MEMBERSHIP = [  # (support, values, known values, first bad row or None)
    (sp.Interval.open(0, sp.oo), [1.0, 0.5, 0.0, -1.0], {}, 2),
    (sp.Interval(0, sp.oo), [1.0, 0.0, -1.0], {}, 2),
    (sp.Interval.open(0, theta), [0.5, 2.0, 3.0], {theta: 2.5}, 2),
    (sp.Interval.open(0, theta), [0.5, 2.0, 3.0], {}, None),       # θ unknown: only the lower bound is checked
    (sp.Interval.open(0, theta), [0.5, -2.0], {}, 1),
    (sp.FiniteSet(0, 1), [0, 1, 1, 2, 0], {}, 3),
    (sp.S.Naturals0, [0, 3, 7, 1.5], {}, 3),
    (sp.S.Naturals0, [0, 3, -1], {}, 2),
    (sp.Range(0, n + 1), [0, 3, 5, 6], {n: 5.0}, 3),
    (sp.Range(0, n + 1), [0, 3, 5, 6, 0.5], {}, 4),                # n unknown: integers from 0
    (sp.Union(sp.Interval(0, 1), sp.Interval(2, 3)), [0.5, 2.5, 1.5], {}, 2),
    (sp.Intersection(sp.S.Integers, sp.Interval(0, 4)), [0, 4, 5], {}, 2),
]


@pytest.mark.parametrize(("support", "values", "known", "bad"), MEMBERSHIP)
def test_first_row_outside_the_support(support, values, known, bad):
    m = model(support)
    (s,) = m.data
    found = first_outside(m, {s: np.array(values, dtype=float)}, known)
    assert (None if found is None else found[0]) == bad


def test_message_names_row_symbol_value_and_set():
    m = model(sp.FiniteSet(0, 1))
    with pytest.raises(ModelError, match=r"^model model: row 3 of the data: y = 2 is outside the support \{0, 1\} "
                                         r"of y$"):
        data_arrays(m, [0, 1, 1, 2, 7])
    covariate = model(sp.Interval.open(0, sp.oo), given=[w], logpdf=-theta * w * x + sp.log(theta * w))
    with pytest.raises(ModelError, match=r"^model model: row 1 of the data: covariate w = -1 is outside its domain "
                                         r"\(0, oo\)$"):
        data_arrays(covariate, {"x": [1.0, 2.0], "w": [1.0, -1.0]})
    declared = model(sp.S.Reals, given=[z], domain={z: sp.Interval(0, 1)}, logpdf=-(x - theta * z)**2 / 2)
    with pytest.raises(ModelError, match=r"^model model: row 0 of the data: covariate z = 3 is outside its domain "
                                         r"\[0, 1\]$"):
        data_arrays(declared, pd.DataFrame({"x": [0.0, 1.0], "z": [3.0, 0.5]}))


def test_dataframe_and_dict_give_the_same_arrays():
    m = model(sp.S.Reals, given=[z], logpdf=-(x - theta * z)**2 / 2)
    frame = pd.DataFrame({"z": [0.5, 1.5], "x": [1.0, 2.0], "other": ["a", "b"]})
    arrays, size = data_arrays(m, frame)
    assert size == 2 and arrays[x].tolist() == [1.0, 2.0] and arrays[z].tolist() == [0.5, 1.5]
    assert {k: v.tolist() for k, v in data_arrays(m, {x: [1.0, 2.0], "z": [0.5, 1.5]})[0].items()} == \
        {k: v.tolist() for k, v in arrays.items()}
    with pytest.raises(ModelError, match=r"^model model: the data have no column z \(columns: x\)$"):
        data_arrays(m, pd.DataFrame({"x": [1.0]}))


def test_describe_set():
    assert [describe_set(s) for s in (sp.Interval.open(0, sp.oo), sp.Interval.Lopen(0, theta), sp.S.Reals,
                                      sp.S.Naturals0)] == ["(0, oo)", "(0, theta]", "Reals", "Naturals0"]


# ------------------------------------------------------------------------------------- empirical information
@pytest.fixture(scope="module")
def logistic():
    from symfisher.catalog import get

    return sf.derive(get("logistic-regression").model(), timeout=60)


def test_empirical_refuses_a_response_outside_the_support(logistic):
    rng = np.random.default_rng(3)
    zs, ys = rng.normal(size=50), rng.integers(0, 2, size=50).astype(float)
    ys[17], ys[30] = 2.0, -1.0
    point = {"beta0": 0.1, "beta1": 0.5}
    message = "^model logistic-regression: row 17 of the data: y = 2 is outside the support \\{0, 1\\} of y$"
    with pytest.raises(ModelError, match=message):
        empirical_fisher(logistic, ys, {**point, "z": zs})
    with pytest.raises(ModelError, match=message):
        observed_information(logistic, pd.DataFrame({"y": ys, "z": zs}), point)


def test_empirical_accepts_a_dataframe_like_arrays(logistic):
    rng = np.random.default_rng(4)
    zs, ys = rng.normal(size=40), rng.integers(0, 2, size=40)
    point = {"beta0": 0.1, "beta1": 0.5}
    want = empirical_fisher(logistic, ys, {**point, "z": zs})
    np.testing.assert_allclose(empirical_fisher(logistic, pd.DataFrame({"y": ys, "z": zs}), point), want, rtol=1e-15)
    np.testing.assert_allclose(empirical_fisher(logistic, {"y": ys, "z": zs}, point), want, rtol=1e-15)
    eta = 0.1 + 0.5 * zs
    pi = 1 / (1 + np.exp(-eta))
    np.testing.assert_allclose(observed_information(logistic, {"y": ys, "z": zs}, point),
                               [[np.sum(pi * (1 - pi)), np.sum(pi * (1 - pi) * zs)],
                                [np.sum(pi * (1 - pi) * zs), np.sum(pi * (1 - pi) * zs**2)]], rtol=1e-12)
    with pytest.raises(ModelError, match=r"^model logistic-regression: covariate z is given both in the data and in "
                                         r"params$"):
        empirical_fisher(logistic, {"y": ys, "z": zs}, {**point, "z": zs})


def test_dask_blocks_report_the_first_bad_row_overall():
    da = pytest.importorskip("dask.array")
    lam = sp.Symbol("lam", positive=True)
    xp = sp.Symbol("x", positive=True)
    d = sf.derive(Model.from_pdf(lam * sp.exp(-lam * xp), xp, [lam], sp.Interval.open(0, sp.oo)), timeout=60)
    values = np.linspace(0.1, 3.0, 40)
    values[[13, 35]] = -1.0, -2.0
    with pytest.raises(ModelError, match=re.escape("model model: row 13 of the data: x = -1 is outside the support "
                                                   "(0, oo) of x")):
        empirical_fisher(d, da.from_array(values, chunks=10), {"lam": 1.0})
    good = np.abs(values)
    np.testing.assert_allclose(observed_information(d, da.from_array(good, chunks=7), {"lam": 2.0}), [[40 / 4]])
