"""Infinite series Σ_{k ≥ a} t(k, θ) evaluated numerically, elementwise over arrays of θ.

A density written as a mixture series (the noncentral beta and chi-squared laws: Poisson weights times
Beta or Gamma densities) keeps its ``Sum`` in log p, the score and the Hessian. ``sympy.lambdify`` prints
an infinite ``Sum`` as a Python ``sum`` over ``range(a, inf + 1)``, which cannot run, and its ``cse`` lifts
subexpressions of the summation index out of the sum. :func:`series_sum` is what both the verdict's
evidence and the numeric compiler call instead, with the term compiled as a function of (k, θ).

From the marker on, NumPy only and no symfisher import: the numeric compiler copies that part into
exported modules.
"""

from __future__ import annotations

import numpy
import sympy as sp


def is_infinite_series(e: sp.Basic) -> bool:
    """Whether ``e`` is Σ_{k=a}^{∞} over one index from an integer a (what :func:`series_sum` evaluates)."""
    return isinstance(e, sp.Sum) and len(e.limits) == 1 and e.limits[0][2] is sp.oo and e.limits[0][1].is_Integer


# ---- infinite series (copied into exported modules from here on)
SERIES_BLOCK = 64  # terms evaluated per call of the term, k on a leading axis
SERIES_MAX_TERMS = 100_000
SERIES_RTOL = 1e-16  # a block adds less than this, relative to the partial sum: converged
SERIES_ZERO_BLOCKS = 16  # so many blocks of exact zeros before a sum of zeros counts as 0


def series_sum(term, start, *args):
    """Σ_{k=start}^{∞} term(k, *args), elementwise over the broadcast shape of ``args``.

    Terms are summed in blocks of :data:`SERIES_BLOCK`. An element is done once a block adds at most
    :data:`SERIES_RTOL` of its partial sum and its terms no longer grow (so Poisson weights far below
    their peak, all tiny, do not end the sum early). Terms that are all exactly zero (an underflow, as
    x^k at a tiny x, or of a weight e^(−λ/2) that the later terms make up for) count as a sum of 0 only
    after :data:`SERIES_ZERO_BLOCKS` blocks. An element is ``nan`` where a term is not finite or the sum
    has not converged after :data:`SERIES_MAX_TERMS` terms: no value, rather than a wrong one.

    >>> from scipy.special import factorial
    >>> round(float(series_sum(lambda k, lam: lam**k / factorial(k), 0, 2.0)), 13)  # e²
    7.3890560989307
    """
    arrays = [numpy.asarray(a, dtype=float) for a in args]
    shape = numpy.broadcast_shapes(*(a.shape for a in arrays))
    ks = numpy.arange(SERIES_BLOCK, dtype=float).reshape((SERIES_BLOCK,) + (1,) * len(shape))
    total = numpy.zeros(shape)
    done = numpy.zeros(shape, dtype=bool)
    zeros = numpy.zeros(shape, dtype=int)  # blocks of exact zeros so far, while the partial sum is 0
    with numpy.errstate(all="ignore"):
        for first in range(int(start), int(start) + SERIES_MAX_TERMS, SERIES_BLOCK):
            terms = numpy.broadcast_to(numpy.asarray(term(first + ks, *arrays), dtype=float), ks.shape[:1] + shape)
            block = terms.sum(axis=0)
            total = numpy.where(done, total, total + block)
            size = numpy.abs(terms)
            largest = size.max(axis=0)
            zeros = numpy.where((largest == 0) & (total == 0), zeros + 1, 0)
            settled = (largest <= SERIES_RTOL * numpy.abs(total)) & (size[-1] <= size[0]) \
                & ((total != 0) | (zeros >= SERIES_ZERO_BLOCKS))
            failed = ~numpy.isfinite(block)
            total = numpy.where(failed & ~done, numpy.nan, total)
            done = done | settled | failed
            if done.all():
                return total
    return numpy.where(done, total, numpy.nan)
