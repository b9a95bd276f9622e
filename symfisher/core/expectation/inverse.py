"""x = g⁻¹(t) on an interval: SymPy's ``solve`` without its symbolic check, each solution checked by numbers.

``solve`` checks every solution it finds by substituting it back symbolically and by the assumptions of x
(``checksol``: 0.13 s of the 0.15 s it takes for log(x/(1 − x)) = t). Here it is asked without that check, and a
solution is kept when, at a parameter point and at three points t of the image, x(t) is a real number inside
the support and g(x(t)) = t to 1e-9: the same two guarantees, by numbers, at a tenth of the cost.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import sympy as sp

from symfisher.core.evidence import numeric_value

ROUND_TRIP_RTOL = 1e-9


def image_points(lo: float, hi: float) -> list[float]:
    """Three points inside (lo, hi), an interval that may be unbounded on either side."""
    if math.isfinite(hi - lo):
        return [lo + w * (hi - lo) for w in (0.2, 0.5, 0.7)]
    if math.isfinite(lo):
        return [lo + w for w in (0.3, 1.0, 2.5)]
    if math.isfinite(hi):
        return [hi - w for w in (0.3, 1.0, 2.5)]
    return [-1.3, 0.2, 1.7]


def inverse_on(g: sp.Expr, x: sp.Symbol, t: sp.Symbol, support: sp.Interval, ends: Sequence[sp.Expr],
               point: Mapping[sp.Symbol, sp.Expr], avoid: tuple = ()) -> sp.Expr | None:
    """The one solution x(t) of g(x) = t that maps the image between ``ends`` (g at the ends of the support) into
    ``support`` and back, or ``None`` (no solution in closed form, or several branches). Solutions holding I, nan,
    zoo or a function in ``avoid`` are not considered."""
    found = _through_logs(g, x, t)
    if found is None:
        try:
            found = sp.solve(sp.Eq(g, t), x, check=False)
        except NotImplementedError:  # "no algorithms are implemented to solve equation ...": no closed form
            return None
    solutions = [r for r in found if not r.has(sp.I, sp.nan, sp.zoo, *avoid)]
    if not solutions:
        return None
    bounds = [numeric_value(e, point) for e in ends]
    if any(isinstance(b, complex) or math.isnan(b) for b in bounds):
        return None
    lo, hi = (numeric_value(e, point) for e in (support.inf, support.sup))
    kept = [r for r in solutions
            if all(_maps_back(g, x, r.xreplace({t: v}), v, lo, hi, point) for v in image_points(*sorted(bounds)))]
    return kept[0] if len(kept) == 1 else None


def _maps_back(g: sp.Expr, x: sp.Symbol, xv: sp.Expr, v: float, lo, hi, point) -> bool:
    """Whether x(v) is real, strictly inside (lo, hi), and g(x(v)) = v."""
    value = numeric_value(xv, point)
    if isinstance(value, complex) or math.isnan(value) or not lo < value < hi:
        return False
    back = numeric_value(g.xreplace({x: xv}), point)
    return not isinstance(back, complex) and abs(back - v) <= ROUND_TRIP_RTOL * max(1.0, abs(v))


def _through_logs(g: sp.Expr, x: sp.Symbol, t: sp.Symbol) -> list[sp.Expr] | None:
    """The roots of g(x) = t when g = c + Σ nᵢ log qᵢ(x) with integers nᵢ and polynomials qᵢ of degree ≤ 2 in all:
    e^{t − c} = Π qᵢ^{nᵢ} = N/D, so N − e^{t − c} D = 0 is a polynomial in x of degree ≤ 2 (the logit log x − log(1 − x),
    log x, log(1 + x²)). ``None`` for another g (then ``solve``, which checks its solutions symbolically even when
    told not to: 0.19 s of 0.29 s for the logit)."""
    const, num, den = sp.Integer(0), sp.Integer(1), sp.Integer(1)
    for term in sp.Add.make_args(sp.expand_log(g, force=True)):
        coeff, rest = term.as_independent(x, as_Add=False)
        if not rest.has(x):
            const += term
            continue
        if not (isinstance(rest, sp.log) and coeff.is_Integer and rest.args[0].is_polynomial(x)):
            return None
        if coeff > 0:
            num *= rest.args[0] ** int(coeff)
        else:
            den *= rest.args[0] ** int(-coeff)
    poly = sp.Poly(sp.expand(num - sp.exp(t - const) * den), x)
    if poly.degree() < 1 or poly.degree() > 2:
        return None
    return list(sp.roots(poly, x, multiple=True))
