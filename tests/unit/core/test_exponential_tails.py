"""Limits at ±∞ by a decaying exponential factor (core/exponential_tails.py): e^{P(y)}, P of degree d ≥ 1 tending to
−∞, beats every factor of growth order below d; a term of any other shape leaves the limit to SymPy (``None``)."""

from __future__ import annotations

import pytest
import sympy as sp

from symfisher.core.exponential_tails import exponential_tail_limit, growth_order

y = sp.Symbol("y", real=True)
u = sp.Symbol("u", positive=True)
a = sp.Symbol("a", positive=True)
g = sp.Symbol("gamma", real=True)
GAUSSIAN = sp.exp(-(a * y + g) ** 2 / 2)


@pytest.mark.parametrize("expr", [
    # Johnson's S_U law's ∂²F/∂ξ∂λ in y = asinh((x − ξ)/λ), as the route at the ends of the support meets it
    -a * (a * (a * y + g) * sp.sinh(y) / sp.cosh(y) ** 2 + sp.sinh(y) ** 2 / sp.cosh(y) ** 3 - 2 / sp.cosh(y))
    * GAUSSIAN * sp.sinh(y),
    y ** 5 * sp.exp(3 * y) * GAUSSIAN,  # e^{−a²y²/2} beats e^{3y}·y⁵ at both ends
    (1 + y ** 2) ** sp.Rational(3, 2) * sp.erf(y) * sp.atan(y) * GAUSSIAN / (y ** 2 + 1),
    sp.cosh(2 * y + g) ** 3 / sp.sinh(y) * GAUSSIAN,
])
@pytest.mark.parametrize("end", [sp.oo, -sp.oo])
def test_a_gaussian_factor_sends_terms_of_exponential_order_to_zero(expr, end):
    assert exponential_tail_limit(expr, y, end) == 0
    at = {a: sp.Rational(3, 2), g: sp.Rational(1, 2)}  # SymPy's own limit agrees at a point
    assert sp.limit(expr.subs(at), y, end) == 0


@pytest.mark.parametrize("expr", [
    # the exponentiated Weibull law's ∂²F/∂a∂k in y = (x/λ)^k: e^{−y} against powers, logarithms and (1 − e^{−y})^{a−1}
    u * a * (1 - sp.exp(-u)) ** (a - 1) * (u * sp.log(u) - sp.log(u) / (1 - sp.exp(-u)) - 1) * sp.exp(-u),
    u ** 7 * sp.log(u) ** 3 * sp.exp(-a * u + 2),
    sp.sqrt(u) * sp.tanh(u) / (1 + sp.exp(-u)) ** a * sp.exp(-u),
    sp.exp(-u) / (1 - 2 * sp.exp(-u)) ** a,  # 1 − 2e^{−u} is negative near 0, but tends to 1
])
def test_an_exponential_factor_sends_terms_of_power_order_to_zero(expr):
    assert exponential_tail_limit(expr, u, sp.oo) == 0
    assert sp.limit(expr.subs(a, sp.Rational(1, 2)), u, sp.oo) == 0


@pytest.mark.parametrize("expr, end", [
    (sp.exp(y ** 2) * y, sp.oo),  # grows
    (sp.exp(-y ** 3), -sp.oo),  # e^{−y³} → ∞ as y → −∞
    (sp.exp(-y) * sp.sinh(y), sp.oo),  # → 1/2: order 1 against degree 1
    (sp.exp(-(a - 1) ** 2 * y ** 2), sp.oo),  # the leading coefficient's sign is unknown (0 at a = 1)
    (sp.exp(sp.exp(y)) * GAUSSIAN, sp.oo),  # e^{e^y} is not of exponential order
    (sp.Symbol("c") * GAUSSIAN, sp.oo),  # c may be infinite
    (sp.sqrt(y) * GAUSSIAN, sp.oo),  # √y is complex for y < 0
    (GAUSSIAN / sp.sinh(y ** 2 - 1), sp.oo),  # 1/sinh of a non-linear argument: not known to be bounded here
    (GAUSSIAN + 1, sp.oo),  # one term does not vanish
    (GAUSSIAN / (sp.Symbol("c", real=True) * y), sp.oo),  # 1/(cy): c may be 0
    (sp.exp(-y), sp.Integer(0)),  # ±∞ only
])
def test_other_shapes_are_left_to_sympy(expr, end):
    assert exponential_tail_limit(expr, y, end) is None


def test_growth_orders():
    assert growth_order(y ** 7 * sp.sinh(3 * y) * sp.cosh(y) / sp.cosh(y ** 3) + sp.tanh(y), y, sp.oo) == 1
    assert growth_order(u ** 2 * sp.log(u) * (1 - sp.exp(-u)) ** (a - 1), u, sp.oo) == 0
    assert growth_order(sp.sqrt(sp.pi) / sp.sinh(a), y, sp.oo) == 0  # a finite constant
    assert growth_order(sp.exp(y ** 2), y, sp.oo) is None
    assert growth_order(sp.gamma(y), y, sp.oo) is None
    assert growth_order(sp.sinh(y) ** -1 * sp.sinh(y ** 2) ** -1, y, sp.oo) is None
