"""Run-time helpers of generated numeric code: NumPy and SciPy only, no symfisher import in the copied part.

:func:`symfisher.export.code.export_code` copies the source of these functions verbatim into the
standalone modules it writes, so lambdified and exported code compute the same floats.
"""

from __future__ import annotations

import numpy
import scipy.special

# The quadrature of entries without a closed form lives in symfisher.numeric.quadrature (copied next to this).
from symfisher.numeric.quadrature import expect_1d, gauss_kronrod, mode_scale  # noqa: F401 - re-exported

# Bernoulli numbers B_2 … B_20 of the asymptotic series ψ1(z) ~ 1/z + 1/(2z²) + Σ_j B_2j / z^(2j+1).
_TRIGAMMA_SERIES = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
                    -174611 / 330)


def trigamma(x):
    """ψ1(x) = d²/dx² log Γ(x), vectorized; about 5× faster than ``scipy.special.polygamma(1, x)``.

    For x > 0: ψ1(x) = Σ_{i<6} 1/(x+i)² + ψ1(x+6), the last term by its asymptotic series to B_20
    (relative error < 2e-15, measured against SciPy). Other x fall back to ``scipy.special.polygamma``.

    >>> round(float(trigamma(1.0)), 12)  # π²/6
    1.644934066848
    """
    x = numpy.asarray(x, dtype=float)
    with numpy.errstate(all="ignore"):
        head = 0.0
        for i in range(0, 6, 2):
            a = x + i
            b = a + 1.0
            a2, b2 = a * a, b * b
            head = head + (a2 + b2) / (a2 * b2)
        iz = 1.0 / (x + 6.0)
        w = iz * iz
        poly = _TRIGAMMA_SERIES[-1]
        for c in _TRIGAMMA_SERIES[-2::-1]:
            poly = c + w * poly
        out = head + iz * (1.0 + iz * (0.5 + poly * iz))
        big = x > 1e15
        if numpy.any(big):
            out = numpy.where(big, 1.0 / x, out)
        bad = ~(x > 0)
        if numpy.any(bad):
            out = numpy.where(bad, scipy.special.polygamma(1, numpy.where(bad, x, 1.0)), out)
    return out


def stack(shape, entries, layout):
    """An array of ``shape + layout`` filled with ``entries`` (broadcast), row-major.

    ``layout`` is ``(k,)`` for a vector or ``(k, k)`` for a symmetric matrix, whose entries are then the
    upper triangle i ≤ j (mirrored into the lower one).
    """
    out = numpy.empty(tuple(shape) + tuple(layout))
    if len(layout) == 1:
        for i, e in enumerate(entries):
            out[..., i] = e
        return out
    k = layout[0]
    it = iter(entries)
    for i in range(k):
        for j in range(i, k):
            e = next(it)
            out[..., i, j] = e
            if j != i:
                out[..., j, i] = e
    return out


def as_arrays(*args):
    """The arguments as float64 arrays (no copy for float64 input) and their broadcast shape."""
    arrays = tuple(numpy.asarray(a, dtype=float) for a in args)
    return arrays, numpy.broadcast_shapes(*(a.shape for a in arrays))


def split_data(x, m):
    """Multivariate data: the trailing axis of ``x`` (size m) split into m arrays."""
    x = numpy.asarray(x, dtype=float)
    if x.ndim == 0 or x.shape[-1] != m:
        raise ValueError(f"the data need a trailing axis of size {m} (one column per data symbol), got shape {x.shape}")
    return tuple(x[..., i] for i in range(m))
