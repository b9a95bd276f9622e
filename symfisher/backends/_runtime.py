"""Run-time helpers of generated numeric code: NumPy and SciPy only, no symfisher import.

:func:`symfisher.export.code.export_code` copies the source of these functions verbatim into the
standalone modules it writes, so lambdified and exported code compute the same floats.
"""

from __future__ import annotations

import numpy
import scipy.integrate
import scipy.special

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
                out[..., j, i] = out[..., i, j]
    return out


def expect_1d(fn, logpdf, lo, hi, discrete, values=None, rtol=1e-11):
    """E[fn(X)] for one-dimensional X with log-density (log-mass) ``logpdf`` on [lo, hi].

    Continuous data: adaptive quadrature ``scipy.integrate.quad_vec`` of p(x)·fn(x) (vector valued).
    Discrete data: the sum over ``values`` when given (a finite support), else over the integers
    lo, lo+1, … in blocks until the terms are negligible (and hi when it is finite).
    ``fn`` maps an array of x to an array of shape (len(x), m); the result has shape (m,).
    Terms where p(x) = 0 count as 0 (so 0·inf at the edge of the support is not nan).
    """

    def weighted(x):
        x = numpy.atleast_1d(numpy.asarray(x, dtype=float))
        with numpy.errstate(all="ignore"):
            p = numpy.exp(logpdf(x)) * numpy.ones_like(x)
            f = numpy.asarray(fn(x), dtype=float).reshape(len(x), -1)
            out = p[:, None] * f
        return numpy.where((p == 0)[:, None], 0.0, out)

    if discrete:
        if values is not None:
            return weighted(numpy.asarray(values, dtype=float)).sum(axis=0)
        if not numpy.isfinite(lo):
            return (expect_1d(fn, logpdf, 0.0, hi, True, None, rtol)
                    + expect_1d(lambda x: fn(-x), lambda x: logpdf(-x), 1.0, -lo, True, None, rtol))
        total, start, block = None, float(lo), 4096
        while start <= hi:
            ks = numpy.arange(start, min(start + block, hi + 1.0))
            terms = weighted(ks)
            total = terms.sum(axis=0) if total is None else total + terms.sum(axis=0)
            tail = numpy.max(numpy.abs(terms[-64:])) if len(terms) else 0.0
            if tail <= 1e-17 * max(1.0, float(numpy.max(numpy.abs(total)))) or start > 5e7:
                break
            start += block
            block *= 2
        return total

    def integrand(t):
        return weighted(numpy.array([t]))[0]

    value, _err = scipy.integrate.quad_vec(integrand, float(lo), float(hi), epsrel=rtol, epsabs=1e-300, limit=4000)
    return numpy.asarray(value, dtype=float)


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


def open_entries(out, entries, shape, point_args, fn_factory, logpdf_factory, support, discrete, values):
    """Fill ``out[..., i, j]`` for the ``entries`` (i, j) by quadrature, one parameter point at a time."""
    cols = [numpy.broadcast_to(a, shape) for a in point_args]
    for idx in numpy.ndindex(*shape):
        point = [float(c[idx]) for c in cols]
        lo, hi = (float(numpy.asarray(b)) for b in support(*point))
        vals = expect_1d(fn_factory(point), logpdf_factory(point), lo, hi, discrete, values)
        for (i, j), v in zip(entries, vals):
            out[idx + (i, j)] = v
            out[idx + (j, i)] = v
    return out
