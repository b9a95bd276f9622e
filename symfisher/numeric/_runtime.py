"""Run-time helpers of generated numeric code: NumPy and SciPy only, no symfisher import.

:func:`symfisher.export.code.export_code` copies the source of these functions verbatim into the
standalone modules it writes, so lambdified and exported code compute the same floats.
"""

from __future__ import annotations

import numpy
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
                out[..., j, i] = e
    return out


def expect_1d(fn, logpdf, lo, hi, discrete, values=None, rtol=1e-11):
    """E[fn(X)] for one-dimensional X with log-density (log-mass) ``logpdf`` on [lo, hi].

    Continuous data: adaptive Gauss–Kronrod quadrature of p(x)·fn(x) (vector valued), infinite ranges
    mapped onto finite ones around the mode (:func:`mode_scale`).
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

    if numpy.isfinite(lo) and numpy.isfinite(hi):
        return gauss_kronrod(weighted, float(lo), float(hi), rtol)
    c, s = mode_scale(logpdf, lo, hi)
    if numpy.isfinite(lo):
        s = max(c - lo, s)
        return gauss_kronrod(lambda t: weighted(lo + s * t / (1 - t)) * (s / (1 - t) ** 2)[:, None], 0.0, 1.0, rtol)
    if numpy.isfinite(hi):
        s = max(hi - c, s)
        return gauss_kronrod(lambda t: weighted(hi - s * t / (1 - t)) * (s / (1 - t) ** 2)[:, None], 0.0, 1.0, rtol)
    return gauss_kronrod(lambda t: weighted(c + s * t / (1 - t * t)) * (s * (1 + t * t) / (1 - t * t) ** 2)[:, None],
                         -1.0, 1.0, rtol)


def mode_scale(logpdf, lo, hi):
    """A point of highest density on a wide grid and a length scale there (from the curvature)."""
    mags = numpy.logspace(-6, 8, 1400)
    if numpy.isfinite(lo) and numpy.isfinite(hi):
        grid = lo + (hi - lo) * numpy.linspace(0.0005, 0.9995, 2001)
    elif numpy.isfinite(lo):
        grid = lo + mags
    elif numpy.isfinite(hi):
        grid = hi - mags[::-1]
    else:
        grid = numpy.concatenate([-mags[::-1], [0.0], mags])
    with numpy.errstate(all="ignore"):
        v = numpy.asarray(logpdf(grid), dtype=float) * numpy.ones_like(grid)
        v = numpy.where(numpy.isfinite(v), v, -numpy.inf)
        i = int(numpy.argmax(v))
        c = float(grid[i])
        h = max(abs(c) * 1e-4, 1e-6)
        l0, lm, lp = (float(numpy.asarray(logpdf(numpy.array([t])), dtype=float).ravel()[0]) for t in (c, c - h, c + h))
        curv = -(lp - 2 * l0 + lm) / (h * h)
    s = 1.0 / numpy.sqrt(curv) if numpy.isfinite(curv) and curv > 0 else 1.0 + abs(c) * 0.1
    return c, float(s)


# 15-point Gauss–Kronrod rule (QUADPACK's qk15 nodes and weights) on [-1, 1].
_XGK = (0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
        0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.0)
_WGK = (0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
        0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714)
_WG = (0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975,
       0.417959183673469387755102040816327)


def gauss_kronrod(f, a, b, rtol=1e-11, initial=32, max_rounds=60, max_intervals=200000):
    """∫_a^b f(x) dx for vector-valued f, adaptive 15-point Gauss–Kronrod, all intervals in one vectorized call.

    ``f`` maps an array of x (shape (N,)) to an array (N, m). An interval is accepted when its
    Kronrod–Gauss difference is below rtol·max|total|·(its share of [a, b]) or at round-off level; it stops
    when the error left in the open intervals is below rtol·max|total|/10.
    """
    nodes = numpy.array([-v for v in _XGK[:-1]] + list(_XGK[::-1]))
    wk = numpy.array(list(_WGK[:-1]) + list(_WGK[::-1]))
    wg = numpy.zeros(15)
    wg[[1, 3, 5]] = _WG[:3]
    wg[[13, 11, 9]] = _WG[:3]
    wg[7] = _WG[3]
    edges = numpy.linspace(a, b, initial + 1)
    lo, hi = edges[:-1], edges[1:]
    done = None
    for _ in range(max_rounds):
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        x = (mid[:, None] + half[:, None] * nodes[None, :]).ravel()
        fx = numpy.asarray(f(x), dtype=float).reshape(len(mid), 15, -1)
        fx = numpy.where(numpy.isfinite(fx), fx, 0.0)
        kron = half[:, None] * numpy.einsum("j,ijm->im", wk, fx)
        gauss = half[:, None] * numpy.einsum("j,ijm->im", wg, fx)
        err = numpy.max(numpy.abs(kron - gauss), axis=1)
        total = kron.sum(axis=0) + (0.0 if done is None else done)
        scale = max(float(numpy.max(numpy.abs(total))), 1e-300)
        ok = (err <= rtol * scale * (2 * half) / (b - a) + 1e-300) | (err <= 1e-14 * numpy.max(numpy.abs(kron), axis=1))
        if len(mid) * 2 > max_intervals or err[~ok].sum() <= 0.1 * rtol * scale:
            ok[:] = True
        acc = kron[ok].sum(axis=0)
        done = acc if done is None else done + acc
        if numpy.all(ok):
            break
        lo, hi, mid = lo[~ok], hi[~ok], mid[~ok]
        lo, hi = numpy.concatenate([lo, mid]), numpy.concatenate([mid, hi])
    else:
        done = done + kron[~ok].sum(axis=0)
    return numpy.asarray(done, dtype=float)


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
