"""Cheap size measures of SymPy expressions, used to decide whether a costly step is worth taking."""

from __future__ import annotations

import itertools

import sympy as sp


def more_nodes_than(expr: sp.Basic, limit: int) -> bool:
    """Whether ``expr`` has more than ``limit`` nodes in its tree, counting no further than ``limit + 1``.

    >>> x = sp.Symbol("x")
    >>> more_nodes_than(x + 1, 3), more_nodes_than(x + 1, 2)
    (False, True)
    """
    return next(itertools.islice(sp.preorder_traversal(expr), limit, None), None) is not None
