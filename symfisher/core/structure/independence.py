"""Independent blocks: when log p separates into terms over disjoint groups of data, the groups are independent.

log p(x | θ) = Σ_b ℓ_b(x_b, θ_b) + c(θ) means p factorizes over the blocks x_b, so they are
independent under p, and a score component depends on the data of its own block only. For θ_i and
θ_j in different blocks, E[s_i s_j] = E[s_i] E[s_j] (0 for a regular model) and H_ij = 0: no
integral at all for the cross-block entries (the multivariate normal with diagonal covariance has k
blocks, so k(k − 1)/2 of its entries come free).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

if TYPE_CHECKING:  # structure/ sits below expectation/ (whose Context may consult structure.joint)
    from symfisher.core.expectation.base import Context


def independent_blocks(ctx: Context) -> dict[sp.Symbol, int] | None:
    """Parameter → block number when log p separates into ≥ 2 blocks with data, else ``None``.

    Blocks are the connected components of the graph linking the data and parameters that share
    a term of log p. Parameters in a data-free term join the block of the other parameters there.

    >>> from symfisher.core.expectation.base import Context
    >>> from symfisher.core.model import Model
    >>> x1, x2, m1, m2 = sp.symbols("x1 x2 mu1 mu2", real=True)
    >>> ctx = Context.of(Model.from_logpdf(-(x1 - m1)**2/2 - (x2 - m2)**2/2 - sp.log(2*sp.pi), (x1, x2), (m1, m2),
    ...                                    {x1: sp.S.Reals, x2: sp.S.Reals}, validate=False))
    >>> sorted(independent_blocks(ctx).values())
    [0, 1]
    """
    data, params = set(ctx.data), set(ctx.params)
    if len(data) < 2 or ctx.joint is not None:  # a joint support (a simplex) couples the data whatever log p says
        return None
    parent: dict[sp.Symbol, sp.Symbol] = {s: s for s in data | params}

    def root(s: sp.Symbol) -> sp.Symbol:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for term in sp.Add.make_args(ctx.logpdf):
        linked = sorted(term.free_symbols & (data | params), key=str)
        for a, b in zip(linked, linked[1:]):
            parent[root(a)] = root(b)
    for x, s in ctx.support.items():  # a support bound in θ ties θ to that data symbol's block
        for p in s.free_symbols & params:
            parent[root(p)] = root(x)
    with_data = {root(x) for x in data}
    if len(with_data) < 2:
        return None
    number = {r: n for n, r in enumerate(sorted(with_data, key=str))}
    extra = len(number)
    out = {}
    for p in ctx.params:
        r = root(p)
        if r not in number:
            number[r] = extra
            extra += 1
        out[p] = number[r]
    return out
