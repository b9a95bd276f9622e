"""``sympy.stats`` joint distributions whose data lie on a simplex, in their free coordinates.

SymPy writes a Dirichlet (``MultivariateBeta``) and a multinomial over all K coordinates, with the
constraint Σ x_i = total either stated by the density (the multinomial's ``Piecewise((…, Eq(Σ x, n)),
(0, True))``) or left implicit (the Dirichlet: its ``set`` is the cube [0, 1]^K, its density lives on
Σ x_i = 1). A density on a (K − 1)-dimensional set is a density in K − 1 free coordinates: the last
coordinate is substituted, x_K = total − Σ_{i<K} x_i, and the support is the simplex of the free
coordinates (:func:`symfisher.core.structure.joint.simplex`).
"""

from __future__ import annotations

import sympy as sp

from symfisher.core.structure.joint import simplex

__all__ = ["joint_parts"]

IMPLICIT_SIMPLEX = {"MultivariateBetaDistribution": sp.Integer(1)}  # Dirichlet: Σ x = 1, not in its ``set``


def _sum_constraint(pdf: sp.Expr, xs: tuple[sp.Symbol, ...]) -> tuple[sp.Expr, sp.Expr] | None:
    """(density, total) for ``Piecewise((density, Eq(Σ x, total)), (0, True))``."""
    if not isinstance(pdf, sp.Piecewise) or len(pdf.args) != 2 or pdf.args[1] != (0, True):
        return None
    expr, cond = pdf.args[0]
    if not isinstance(cond, sp.Eq):
        return None
    total = sp.expand(cond.rhs - cond.lhs + sp.Add(*xs))
    if total.free_symbols & set(xs):
        return None
    return expr, total


def joint_parts(random_symbol: sp.Expr) -> tuple[sp.Expr, tuple[sp.Symbol, ...], sp.Set, str] | None:
    """(density, free data symbols, joint support, name) for a joint random symbol whose data lie on a
    simplex Σ x = total; ``None`` for every other random symbol.

    >>> import sympy.stats as st
    >>> a = sp.symbols("a1:4", positive=True)
    >>> density, data, support, name = joint_parts(st.Dirichlet("D", list(a)))
    >>> data, name
    ((d1, d2), 'Dirichlet')
    """
    from sympy.stats.joint_rv import JointPSpace
    from sympy.stats.rv import pspace

    space = pspace(random_symbol)
    if not isinstance(space, JointPSpace):
        return None
    dist = space.distribution
    kind = type(dist).__name__
    k = len(dist.set.sets) if isinstance(dist.set, sp.ProductSet) else None
    if not k or k < 2:
        return None
    label = str(random_symbol.symbol.name).lower() or "x"
    discrete = all(isinstance(s, sp.Range) or s.is_subset(sp.S.Integers) for s in dist.set.sets)
    assume = {"integer": True, "nonnegative": True} if discrete else {"positive": True}
    xs = tuple(sp.Symbol(f"{label}{i}", **assume) for i in range(1, k + 1))
    pdf = dist.pdf(*xs)
    found = _sum_constraint(pdf, xs)
    if found is None and kind in IMPLICIT_SIMPLEX:
        found = pdf, IMPLICIT_SIMPLEX[kind]
    if found is None:
        return None
    density, total = found
    free = xs[:-1]
    density = density.xreplace({xs[-1]: total - sp.Add(*free)})
    name = {"MultivariateBetaDistribution": "Dirichlet"}.get(kind, kind.replace("Distribution", ""))
    return density, free, simplex(free, total, discrete=discrete), name
