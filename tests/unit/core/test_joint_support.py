"""Joint supports (issue #13 item 3): ProductSet, FiniteSet of Tuples, ConditionSet / Model.simplex, and bad input."""

from __future__ import annotations

import pytest
import sympy as sp

from symfisher import Model, ModelError
from symfisher.core.structure import joint
from symfisher.core.structure.joint import joint_mass, simplex

x, y = sp.symbols("x y", real=True)
u, v = sp.symbols("u v", positive=True)
mu = sp.Symbol("mu", real=True)
lam = sp.Symbol("lambda", positive=True)
a = sp.symbols("alpha1:4", positive=True)
k1, k2 = sp.symbols("k1 k2", integer=True, nonnegative=True)
p1, p2 = sp.symbols("p1 p2", positive=True)
n = sp.Symbol("n", integer=True, positive=True)

BIVARIATE = -(x - mu) ** 2 / 2 - (y - mu) ** 2 / 2 - sp.log(2 * sp.pi)
DIRICHLET = (sp.gamma(sum(a)) / sp.Mul(*map(sp.gamma, a)) * u ** (a[0] - 1) * v ** (a[1] - 1)
             * (1 - u - v) ** (a[2] - 1))
MULTINOMIAL = (sp.factorial(n) / (sp.factorial(k1) * sp.factorial(k2) * sp.factorial(n - k1 - k2))
               * p1 ** k1 * p2 ** k2 * (1 - p1 - p2) ** (n - k1 - k2))


@pytest.mark.parametrize("support, expected", [
    (sp.Reals ** 2, ((x, sp.Reals), (y, sp.Reals))),
    (sp.Interval(0, 1) * sp.Interval(0, sp.oo), ((x, sp.Interval(0, 1)), (y, sp.Interval(0, sp.oo)))),
    ({x: sp.Reals, y: sp.Reals}, ((x, sp.Reals), (y, sp.Reals))),
])
def test_a_product_set_splits_into_one_set_per_data_symbol(support, expected):
    m = Model.from_logpdf(BIVARIATE, (x, y), [mu], support, validate=False)
    assert m.support == expected and m.joint_support is None


def test_three_factors_flatten():
    z = sp.Symbol("z", real=True)
    m = Model.from_logpdf(BIVARIATE - z ** 2 / 2 - sp.log(2 * sp.pi) / 2, (x, y, z), [mu],
                          sp.Interval(-1, 1) * sp.Reals * sp.Reals, validate=False)
    assert [s for _, s in m.support] == [sp.Interval(-1, 1), sp.Reals, sp.Reals]


def test_a_product_support_is_validated_by_cubature():
    m = Model.from_pdf(lam * sp.exp(-lam * y), (x, y), [lam], sp.Interval(0, 1) * sp.Interval(0, sp.oo))
    assert m.joint_support is None and m.support[1] == (y, sp.Interval(0, sp.oo))


def test_one_hot_vectors_are_a_finite_joint_support():
    y1, y2, y3 = sp.symbols("y1:4", integer=True, nonnegative=True)
    onehot = sp.FiniteSet(sp.Tuple(1, 0, 0), sp.Tuple(0, 1, 0), sp.Tuple(0, 0, 1))
    m = Model.from_pdf(p1 ** y1 * p2 ** y2 * (1 - p1 - p2) ** y3, (y1, y2, y3), [p1, p2], onehot)
    assert m.joint_support == onehot
    assert m.support == ((y1, sp.FiniteSet(0, 1)), (y2, sp.FiniteSet(0, 1)), (y3, sp.FiniteSet(0, 1)))
    assert m.discrete


def test_simplex_helper_and_its_model():
    assert simplex([u, v]) == sp.ConditionSet(sp.Tuple(u, v), u + v < 1, sp.Interval.open(0, 1) ** 2)
    assert Model.simplex([k1, k2], n) == sp.ConditionSet(sp.Tuple(k1, k2), k1 + k2 <= n, sp.Range(0, n + 1) ** 2)
    m = Model.from_pdf(DIRICHLET, (u, v), list(a), Model.simplex([u, v]))
    assert m.joint_support.condition == (u + v < 1)
    assert "(u, v) ∈ (0, 1) × (0, 1) with u + v < 1" in str(m)


def test_joint_mass_is_one_on_the_simplex_and_on_the_counts():
    m = Model.from_pdf(DIRICHLET, (u, v), list(a), Model.simplex([u, v]), validate=False)
    point = {a[0]: sp.Rational(3, 2), a[1]: sp.Rational(7, 5), a[2]: sp.Rational(9, 4)}
    assert joint_mass(m.density, m.joint_support, m.data, m.support_map, point) == pytest.approx(1, abs=1e-6)
    c = Model.from_pdf(MULTINOMIAL, (k1, k2), [p1, p2], Model.simplex([k1, k2], n), validate=False)
    point = {p1: sp.Rational(1, 5), p2: sp.Rational(1, 3), n: 7}
    assert joint_mass(c.density, c.joint_support, c.data, c.support_map, point) == pytest.approx(1, abs=1e-12)
    assert c.constants == (n,)


def test_the_mass_over_a_simplex_comes_from_tanh_sinh_to_rounding(monkeypatch):
    """Shapes below 1 make the density singular on the faces: nested tanh-sinh gets the mass to 2e-10 (the screen
    needs 1e-6) where nquad's adaptive rules needed 10⁵ calls for 1e-8; nquad is not called at all."""
    monkeypatch.setattr("scipy.integrate.nquad", lambda *a, **k: pytest.fail("nquad called"))
    m = Model.from_pdf(DIRICHLET, (u, v), list(a), Model.simplex([u, v]), validate=False)
    for shapes in ((sp.Rational(1, 2), sp.Rational(7, 10), sp.Rational(3, 5)), (3, 2, 5)):
        point = dict(zip(a, map(sp.Integer, shapes) if isinstance(shapes[0], int) else shapes))
        assert joint_mass(m.density, m.joint_support, m.data, m.support_map, point) == pytest.approx(1, abs=1e-9)


def test_a_mass_tanh_sinh_cannot_settle_falls_back_to_nquad(monkeypatch):
    monkeypatch.setattr(joint, "_tanh_sinh_mass", lambda *args: None)
    m = Model.from_pdf(DIRICHLET, (u, v), list(a), Model.simplex([u, v]), validate=False)
    point = {a[0]: sp.Rational(3, 2), a[1]: sp.Rational(7, 5), a[2]: sp.Rational(9, 4)}
    assert joint_mass(m.density, m.joint_support, m.data, m.support_map, point) == pytest.approx(1, abs=1e-6)


def test_a_dirichlet_density_twice_too_large_is_refused_with_its_mass():
    with pytest.raises(ModelError, match=r"^model twice: the density is not normalized: it integrates to 2 over "
                                         r"\(u, v\) ∈ .* with u \+ v < 1 at alpha1="):
        Model.from_pdf(2 * DIRICHLET, (u, v), list(a), Model.simplex([u, v]), name="twice")


# ---------------------------------------------------------------------------------------------- bad input
EXPECTED = (r"give the support of the data \(k1, k2\) as a ProductSet with one factor per data symbol "
            r"\(Interval\(0, 1\) \* Interval\(0, oo\)\), a FiniteSet of 2-tuples aligned with them, a ConditionSet "
            r"over Tuple\(k1, k2\) \(Model.simplex\(data\) for Σ x < 1\), a list of 2 Sets in their order, or a "
            r"dict symbol → Set$")


@pytest.mark.parametrize("support, message", [
    (sp.Range(0, 6) ** 3, r"^model multinomial: the support ProductSet\(Range\(0, 6, 1\), Range\(0, 6, 1\), "
                          r"Range\(0, 6, 1\)\) has 3 factor\(s\) for 2 data symbol\(s\) \(k1, k2\); " + EXPECTED),
    (sp.FiniteSet(sp.Tuple(0, 0, 5), sp.Tuple(1, 0, 4)),
     r"^model multinomial: the support point \(0, 0, 5\) has 3 coordinate\(s\), but the data \(k1, k2\) have 2; "
     + EXPECTED),
    (sp.ConditionSet(sp.Tuple(x, y), x + y <= 5, sp.Range(0, 6) ** 2),
     r"^model multinomial: the support is a ConditionSet over \(x, y\), but the data are \(k1, k2\); " + EXPECTED),
    (sp.Range(0, 6), r"^model multinomial: the support Range\(0, 6, 1\) does not fit the 2 data symbols; " + EXPECTED),
])
def test_a_support_that_does_not_match_the_data_symbols_is_refused(support, message):
    density = MULTINOMIAL.subs(n, 5)
    with pytest.raises(ModelError, match=message):
        Model.from_pdf(density, (k1, k2), [p1, p2], support, name="multinomial")


def test_a_dirichlet_on_a_box_is_refused_with_a_pointer_to_the_simplex():
    with pytest.raises(ModelError, match=r"^model dirichlet: the density is negative or not real \(.*\) at u=.*; if "
                                         r"the data \(u, v\) are constrained jointly, give their joint support "
                                         r"\(support=Model.simplex\(data\) for a simplex, a FiniteSet of Tuples, a "
                                         r"ConditionSet\)$"):
        Model.from_pdf(DIRICHLET, (u, v), list(a), {u: sp.Interval.open(0, 1), v: sp.Interval.open(0, 1)},
                       name="dirichlet")


def test_counts_that_do_not_sum_to_one_are_refused_with_the_joint_support_named():
    wrong = MULTINOMIAL.subs(n, 4) * 2
    with pytest.raises(ModelError, match=r"^model twice: the density is not normalized: it sums to 2 over \(k1, k2\) "
                                         r"∈ \{0, 1, …, 4\} × \{0, 1, …, 4\} with k1 \+ k2 <= 4 at "):
        Model.from_pdf(wrong, (k1, k2), [p1, p2], Model.simplex([k1, k2], 4), name="twice")


def test_simplex_needs_symbols_and_a_positive_total():
    with pytest.raises(ModelError, match=r"^simplex\(data, total\) needs a positive total, got -1$"):
        simplex([u, v], -1)
    with pytest.raises(ModelError, match=r"^simplex\(data\) needs distinct SymPy Symbols"):
        simplex([u, u])
