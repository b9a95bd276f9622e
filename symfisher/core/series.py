"""Series Σ_{k=a}^{b} t(k, θ), b = ∞ or b(θ), evaluated numerically, elementwise over arrays of θ.

A density written as a mixture series (the noncentral beta and chi-squared laws: Poisson weights times
Beta or Gamma densities) keeps its ``Sum`` in log p, the score and the Hessian. ``sympy.lambdify`` prints
a ``Sum`` as a Python ``sum`` over ``range(a, b + 1)``, which cannot run for b = ∞ or for a limit that is an
array (Σ_{j=0}^{⌊x/2⌋} in the Hermite law), and its ``cse`` lifts subexpressions of the summation index out
of the sum. :func:`series_sum` is what both the verdict's evidence and the numeric compiler call instead,
with the term compiled as a function of (k, θ).

From the marker on, NumPy only and no symfisher import: the numeric compiler copies that part into
exported modules.
"""

from __future__ import annotations

import numpy
import sympy as sp


def is_summable(e: sp.Basic) -> bool:
    """Whether ``e`` is Σ_{k=a}^{b} over one index from an integer a, b = ∞ or any expression (what
    :func:`series_sum` evaluates)."""
    return isinstance(e, sp.Sum) and len(e.limits) == 1 and e.limits[0][1].is_Integer


# ---- series (copied into exported modules from here on)
SERIES_BLOCK = 64  # terms evaluated per call of the term, k on a leading axis
SERIES_MAX_TERMS = 100_000
SERIES_RTOL = 1e-16  # a block adds less than this, relative to the partial sum: converged
SERIES_ZERO_BLOCKS = 16  # so many blocks of exact zeros before a sum of zeros counts as 0


def series_sum(term, start, stop, *args, max_terms=SERIES_MAX_TERMS):
    """Σ_{k=start}^{stop} term(k, *args), elementwise over the broadcast shape of ``args`` and ``stop``
    (``numpy.inf`` for an infinite series; an array for a limit such as ⌊x/2⌋ that varies elementwise).

    Terms are summed in blocks of :data:`SERIES_BLOCK`, each term only where k ≤ stop; a finite sum takes
    every term. An element of an infinite series is done once a block adds at most :data:`SERIES_RTOL` of
    its partial sum and its terms no longer grow (so Poisson weights far below their peak, all tiny, do not
    end the sum early). Terms that are all exactly zero (an underflow, as x^k at a tiny x, or of a weight e^(−λ/2) that the later terms make
    up for) count as a sum of 0 only after :data:`SERIES_ZERO_BLOCKS` blocks. An element is ``nan`` where a
    term is not finite or the sum has not converged after ``max_terms`` terms: no value, rather
    than a wrong one.

    >>> from scipy.special import factorial
    >>> round(float(series_sum(lambda k, lam: lam**k / factorial(k), 0, numpy.inf, 2.0)), 13)  # e²
    7.3890560989307
    >>> series_sum(lambda k: k, 1, numpy.array([3.0, 10.0]))  # 1 + 2 + 3, 1 + … + 10
    array([ 6., 55.])
    """
    arrays = [numpy.asarray(a, dtype=float) for a in args]
    stop = numpy.asarray(stop, dtype=float)
    shape = numpy.broadcast_shapes(stop.shape, *(a.shape for a in arrays))
    ks = numpy.arange(SERIES_BLOCK, dtype=float).reshape((SERIES_BLOCK,) + (1,) * len(shape))
    total = numpy.zeros(shape)
    done = numpy.broadcast_to(stop < start, shape).copy()
    zeros = numpy.zeros(shape, dtype=int)  # blocks of exact zeros so far, while the partial sum is 0
    with numpy.errstate(all="ignore"):
        for first in range(int(start), int(start) + max_terms, SERIES_BLOCK):
            k = first + ks
            inside = k <= stop
            terms = numpy.where(inside, numpy.broadcast_to(numpy.asarray(term(k, *arrays), dtype=float),
                                                           ks.shape[:1] + shape), 0.0)
            block = terms.sum(axis=0)
            total = numpy.where(done, total, total + block)
            size = numpy.abs(terms)
            largest = size.max(axis=0)
            zeros = numpy.where((largest == 0) & (total == 0), zeros + 1, 0)
            settled = (largest <= SERIES_RTOL * numpy.abs(total)) & (size[-1] <= size[0]) \
                & ((total != 0) | (zeros >= SERIES_ZERO_BLOCKS)) & numpy.isinf(stop)  # a finite sum: every term
            failed = ~numpy.isfinite(block)
            total = numpy.where(failed & ~done, numpy.nan, total)
            done = done | settled | failed | (first + SERIES_BLOCK > stop)
            if done.all():
                return total
    return numpy.where(done, total, numpy.nan)
