"""The power and rational substitutions of strategy "substitution" (strategies/substitution.py) for binomial
kernels: u = x^c/(1 + x^c) on (0, ∞) and u = x^a on (0, 1) turn Burr XII and Kumaraswamy atoms into Beta-density
atoms that the Mellin transform closes (with its analytic continuation where log factors widen convergence)."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from _strategy_cases import apply, k, model, same, x

a, b, c = sp.symbols("a b c", positive=True)
BURR = model(c * k * x ** (c - 1) * (1 + x**c) ** (-k - 1), x, [c, k], sp.Interval.open(0, sp.oo), "burr-xii")
KUMARASWAMY = model(a * b * x ** (a - 1) * (1 - x**a) ** (b - 1), x, [a, b], sp.Interval.open(0, 1), "kumaraswamy")
psi, psi1 = (lambda z: sp.polygamma(0, z)), (lambda z: sp.polygamma(1, z))


@pytest.mark.parametrize("m, g, expected, point, label", [
    # Burr XII: X^c/(1 + X^c) is Beta(1, k) (Kleiber & Kotz 2003, §6.2)
    pytest.param(BURR, x**c * sp.log(x) / (1 + x**c), (psi(2) - psi(k)) / (c * (k + 1)), {c: 1.7, k: 2.3},
                 "substitution u = x**c/(x**c + 1)", id="burr-weighted-log"),
    pytest.param(BURR, x**(2 * c) * sp.log(x) ** 2 / (1 + x**c) ** 2,
                 2 * ((psi(3) - psi(k)) ** 2 + psi1(3) + psi1(k)) / (c**2 * (k + 1) * (k + 2)),
                 {c: 1.7, k: 2.3}, "substitution u = x**c/(x**c + 1)", id="burr-weighted-log-squared"),
    # Kumaraswamy: X^a is Beta(1, b) (Jones 2009, §2); b/((b − 1)(b − 2)) is the continuation to b ≤ 2
    pytest.param(KUMARASWAMY, x**a * sp.log(x) ** 2 / (1 - x**a) ** 2,
                 b * ((psi(b) - psi(2)) ** 2 - psi1(b) + psi1(2)) / (a**2 * (b - 1) * (b - 2)), {a: 1.3, b: 1.5},
                 "substitution u = x**a", id="kumaraswamy-beyond-the-beta-strip"),
])
def test_closed_forms(m, g, expected, point, label):
    r = apply("atom", "substitution", m, g)
    assert r is not None and r.strategies == ("substitution", "transform:mellin")
    assert r.detail.startswith(label)
    assert r.conditions == ()
    assert same(r.value, expected)
    (data, support), = m.support
    f = sp.lambdify(data, (g * m.density).subs(point), "mpmath")
    assert float(r.value.subs(point).evalf()) == pytest.approx(float(mpmath.quad(f, [0, 1 if support.sup == 1 else mpmath.inf])),
                                                               rel=1e-8)
