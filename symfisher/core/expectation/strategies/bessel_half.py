"""Bessel functions of half-integer order are elementary: E[f] in the model with them written out.

    I_{1/2}(z) = √(2/(πz)) sinh z,  I_{−1/2}(z) = √(2/(πz)) cosh z,  I_{ν+1}(z) = I_{ν−1}(z) − (2ν/z) I_ν(z);
    K_{±1/2}(z) = √(π/(2z)) e^{−z},                                 K_{ν+1}(z) = K_{ν−1}(z) + (2ν/z) K_ν(z);
    J_{1/2}(z) = √(2/(πz)) sin z,   J_{−1/2}(z) = √(2/(πz)) cos z,   J_{ν+1}(z) = (2ν/z) J_ν(z) − J_{ν−1}(z)

(Abramowitz & Stegun 10.2.13-17, 9.1.27, 10.1.11). The noncentral χ law with k = 3 degrees of freedom,
x^{3/2} e^{−(x² + λ²)/2} I_{1/2}(λx)/√λ as sympy.stats writes it, is √(2/π) x sinh(λx) e^{−(x² + λ²)/2}/λ; its
score's I_{−1/2} and I_{3/2} become cosh and sinh, and its expectations Gaussian tails. The orders must be numbers:
the recurrence is unrolled.
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.expectation.base import Expectation
from symfisher.core.expectation.registry import register
from symfisher.core.note import Note

MAX_ORDER = 8  # |ν| ≤ 8½: the unrolled recurrence grows with the order
_KINDS = (sp.besseli, sp.besselk, sp.besselj)


def _half_integer(order: sp.Expr) -> bool:
    return order.is_Rational and order.q == 2 and abs(order) <= MAX_ORDER + sp.Rational(1, 2)


def _halves(e: sp.Basic) -> bool:
    return isinstance(e, _KINDS) and _half_integer(e.args[0])


def elementary(order: sp.Rational, z: sp.Expr, kind: type) -> sp.Expr:
    """I_ν(z), K_ν(z) or J_ν(z) (``kind``: ``sp.besseli``, ``sp.besselk``, ``sp.besselj``) for a half-integer ν.

    >>> z = sp.Symbol("z", positive=True)
    >>> elementary(sp.Rational(3, 2), z, sp.besseli)
    sqrt(2)*cosh(z)/(sqrt(pi)*sqrt(z)) - sqrt(2)*sinh(z)/(sqrt(pi)*z**(3/2))
    """
    if kind is sp.besselk:
        order = abs(order)  # K_{−ν} = K_ν
        minus_half = plus_half = sp.sqrt(sp.pi / (2 * z)) * sp.exp(-z)
    else:
        odd, even = (sp.sinh, sp.cosh) if kind is sp.besseli else (sp.sin, sp.cos)
        minus_half, plus_half = sp.sqrt(2 / (sp.pi * z)) * even(z), sp.sqrt(2 / (sp.pi * z)) * odd(z)
    if order > 0:
        nu, below, at = sp.Rational(1, 2), minus_half, plus_half  # C_{ν−1}, C_ν
        while nu < order:
            below, at, nu = at, _step_up(kind, nu, z, below, at), nu + 1
        return at
    nu, at, above = -sp.Rational(1, 2), minus_half, plus_half  # C_ν, C_{ν+1}
    while nu > order:
        at, above, nu = _step_down(kind, nu, z, at, above), at, nu - 1
    return at


def _step_up(kind: type, nu: sp.Rational, z: sp.Expr, below: sp.Expr, at: sp.Expr) -> sp.Expr:
    """C_{ν+1} from C_{ν−1} = ``below`` and C_ν = ``at``."""
    if kind is sp.besseli:
        return sp.expand(below - 2 * nu / z * at)
    if kind is sp.besselk:
        return sp.expand(below + 2 * nu / z * at)
    return sp.expand(2 * nu / z * at - below)


def _step_down(kind: type, nu: sp.Rational, z: sp.Expr, at: sp.Expr, above: sp.Expr) -> sp.Expr:
    """C_{ν−1} from C_ν = ``at`` and C_{ν+1} = ``above`` (I and J: K is even in ν)."""
    if kind is sp.besseli:
        return sp.expand(above + 2 * nu / z * at)
    return sp.expand(2 * nu / z * at - above)


def written_out(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every Bessel function of half-integer order elementary."""
    return expr.replace(_halves, lambda e: elementary(e.args[0], e.args[1], e.func))


@register("elementary-bessel", "expression")
def elementary_bessel(engine, f: sp.Expr) -> Expectation | None:
    ctx = engine.ctx
    if not ctx.univariate or not any(_halves(e) for e in f.atoms(*_KINDS) | ctx.density.atoms(*_KINDS)):
        return None
    x = ctx.data[0]
    sub_ctx = engine.cached("elementary-bessel-context", lambda: ctx.in_variable(
        x, sp.powsimp(written_out(ctx.density)), ctx.support[x], ctx.to_user[x], f"{ctx.label}, elementary"))
    sub = engine.cached("elementary-bessel-engine", lambda: engine.child(sub_ctx, sibling_without="elementary-bessel"))
    inner = sub.expect(written_out(f))
    detail = Note.of("Bessel functions of half-integer order written out as elementary functions",
                     *(("; ", inner.detail) if inner.detail else ()), rule="elementary Bessel functions")
    return Expectation(inner.value, ("elementary-bessel", *inner.strategies), inner.closed, detail, inner.conditions)

