"""Renaming symbols in an expression (engine dummies → the user's symbols) without evaluating it again.

The same holds for any replacement of symbols by what they stand for (opaque blocks back into an expression).

``xreplace`` rebuilds every node it changes and so evaluates it again: a ``Piecewise`` re-collapses its
pieces and each ``And`` puts its relations in canonical form, which took 1.1 s of the 1.5 s spent turning
the open entries of the trapezoidal law (and the notes naming their atoms) into the user's symbols. A
renaming changes no value, so those nodes are rebuilt as they stand.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import sympy as sp
from sympy.core.relational import Relational

#: nodes rebuilt with ``evaluate=False``; everything else is rebuilt by its constructor, as ``xreplace`` does
_AS_THEY_STAND = (sp.Piecewise, Relational, sp.And, sp.Or, sp.Not)


def renamed(expr: sp.Basic, names: Mapping[sp.Basic, sp.Basic], evaluate: bool = True) -> sp.Basic:
    """``expr.xreplace(names)`` for a renaming of symbols, with piecewise pieces, their conditions and
    relations rebuilt as they stand (not evaluated again).

    >>> x, _x, a = sp.Symbol("x"), sp.Dummy("x"), sp.Symbol("a")
    >>> renamed(sp.Piecewise((_x, (_x > a) & (_x < 2)), (0, True)), {_x: x})
    Piecewise((x, (x > a) & (x < 2)), (0, True))

    With ``evaluate=False`` every node is rebuilt as it stands (a copy for printing: its canonical order and
    what the old symbols' assumptions simplified stay as they were).
    """
    build = rebuilt if evaluate else _as_it_stands
    memo: dict[sp.Basic, sp.Basic] = {}

    def walk(e: sp.Basic) -> sp.Basic:
        if e in names:
            return names[e]
        if not e.args:
            return e
        done = memo.get(e)
        if done is None:
            done = memo[e] = build(e, tuple(walk(a) for a in e.args))
        return done

    return walk(expr)


def rebuilt(e: sp.Basic, args: tuple[sp.Basic, ...]) -> sp.Basic:
    """``e`` with new arguments that stand for the same values: ``e`` itself when none changed, piecewise
    pieces, conditions and relations as they stand, anything else by its constructor."""
    if all(new is old for new, old in zip(args, e.args)):
        return e
    if isinstance(e, _AS_THEY_STAND):
        return e.func(*args, evaluate=False)
    return e.func(*args)


def _as_it_stands(e: sp.Basic, args: tuple[sp.Basic, ...]) -> sp.Basic:
    if all(new is old for new, old in zip(args, e.args)):
        return e
    try:
        return e.func(*args, evaluate=False)
    except TypeError:  # a node whose constructor takes no evaluate flag
        return e.func(*args)


def as_plain_arguments(args: Sequence[sp.Symbol], expr: sp.Basic) -> tuple[list[sp.Symbol], sp.Basic]:
    """``args`` renamed to plain symbols ``_sf_arg0``, ``_sf_arg1``, … in ``expr``, for ``lambdify``: no argument
    then shadows a function of its namespace (a parameter called ``gamma``), and none is a ``Dummy``, which
    makes ``lambdify`` rename every argument again, rebuilding the whole expression once per argument. The renamed
    expression is a copy for printing, not evaluated again.

    >>> x, g = sp.Dummy("x"), sp.Symbol("gamma", positive=True)
    >>> names, e = as_plain_arguments([x, g], x * sp.gamma(g))
    >>> names, e, float(sp.lambdify(names, e)(2.0, 3.0))
    ([_sf_arg0, _sf_arg1], _sf_arg0*gamma(_sf_arg1), 4.0)
    """
    plain = [sp.Symbol(f"_sf_arg{i}") for i in range(len(args))]
    return plain, renamed(expr, dict(zip(args, plain)), evaluate=False)
