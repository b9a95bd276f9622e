"""Removable singularities of closed forms inside the parameter domain (symfisher.core.removable)."""

from __future__ import annotations

import sympy as sp

from symfisher.core.removable import candidate_points, removable_points

a, c = sp.symbols("a c", positive=True)
DOMAINS = {a: sp.Interval.open(0, sp.oo), c: sp.Interval.open(0, sp.oo)}


def test_a_zero_over_zero_inside_the_domain_is_filled_by_its_limit():
    """(Γ(a) − 1)/(a − 1) → Γ′(1) = −γ at a = 1; (log a − (a − 1))/((a − 1)c) → 0; (2^a − a²)/((a − 2)c²) →
    (4 log 2 − 4)/c² at a = 2, with c kept symbolic."""
    assert removable_points((sp.gamma(a) - 1) / (a - 1), DOMAINS) == ((a, 1, -sp.EulerGamma),)
    expr = (sp.log(a) - (a - 1)) / ((a - 1) * c)  # log a = (a − 1) − (a − 1)²/2 + …: removable, limit 0
    assert removable_points(expr, DOMAINS) == ((a, 1, 0),)
    expr = (2 ** a - a ** 2) / ((a - 2) * c ** 2)  # 0/0 at a = 2: derivative 4 log 2 − 4
    (p, r, value), = removable_points(expr, DOMAINS)
    assert (p, r) == (a, 2) and sp.simplify(value - (4 * sp.log(2) - 4) / c**2) == 0


def test_poles_and_points_outside_the_domain_are_left_alone():
    assert removable_points(1 / (a - 1) + a, DOMAINS) == ()  # a pole: ±∞ on either side
    assert candidate_points(a / ((a + 1) * (a + 3)), DOMAINS) == []  # Student-t's (ν + 1)(ν + 3): roots below 0
    assert candidate_points(1 / (a - c), DOMAINS) == []  # a root that depends on another parameter
    assert candidate_points(1 / (a**2 - 2), DOMAINS) == []  # √2: not rational
    assert candidate_points(1 / ((2 * a - 1) * (a - 3) ** 2), DOMAINS) == [(a, sp.Rational(1, 2)), (a, 3)]
