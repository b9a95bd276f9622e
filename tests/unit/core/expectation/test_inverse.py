"""x = g⁻¹(t) by solve without its symbolic check: the branch is chosen by numbers."""

import sympy as sp

from symfisher.core.expectation.inverse import image_points, inverse_on

x = sp.Symbol("x", real=True)  # no sign assumption: solve alone would keep both roots of x² = t
t = sp.Dummy("t", real=True)
a = sp.Symbol("a", positive=True)


def test_the_branch_inside_the_support_is_kept():
    half = sp.Interval.open(0, sp.oo)
    assert inverse_on(x**2, x, t, half, (0, sp.oo), {}) == sp.sqrt(t)
    assert inverse_on(x**2, x, t, sp.Interval.open(-sp.oo, 0), (sp.oo, 0), {}) == -sp.sqrt(t)


def test_two_branches_on_the_support_give_none():
    assert inverse_on(x**2, x, t, sp.S.Reals, (sp.oo, sp.oo), {}) is None


def test_logit_with_a_parameter():
    g = sp.log(x / (1 - x)) + a
    inv = inverse_on(g, x, t, sp.Interval.open(0, 1), (-sp.oo, sp.oo), {a: sp.Rational(3, 2)})
    assert sp.simplify(g.xreplace({x: inv}) - t) == 0


def test_no_closed_form_gives_none():
    assert inverse_on(x + sp.exp(x) * sp.sin(x), x, t, sp.Interval.open(0, 1), (0, 1 + sp.E * sp.sin(1)), {}) is None


def test_image_points_lie_inside():
    for lo, hi in ((0.0, 1.0), (2.0, float("inf")), (float("-inf"), -1.0), (float("-inf"), float("inf"))):
        assert all(lo < v < hi for v in image_points(lo, hi))


def test_sums_of_logarithms_are_inverted_as_polynomials():
    """g = c + Σ nᵢ log qᵢ(x): e^{t − c} = Π qᵢ^{nᵢ} is a polynomial equation of degree ≤ 2, no solve."""
    from symfisher.core.expectation.inverse import _through_logs

    p = sp.Symbol("p", positive=True)
    (root,) = _through_logs(sp.log(p) - sp.log(1 - p) + 2, p, t)
    assert sp.simplify(root - sp.exp(t - 2) / (sp.exp(t - 2) + 1)) == 0
    assert len(_through_logs(sp.log(1 + p**2), p, t)) == 2  # ±√(eᵗ − 1): the support picks one
    assert inverse_on(sp.log(1 + x**2), x, t, sp.Interval.open(0, sp.oo), (0, sp.oo), {}) == sp.sqrt(sp.exp(t) - 1)
    assert _through_logs(sp.log(p) * p, p, t) is None  # not a sum of logarithms
    assert _through_logs(sp.log(p**3 + 1), p, t) is None  # degree 3: left to solve
