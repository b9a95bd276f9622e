"""Numeric expectations over the support, with an error estimate: the entries that have no closed form.

An entry of I(θ) or −E[H] that no strategy closes (labelled "numeric, no closed form" in
``Derivation.strategies``) is computed here, one parameter point at a time, by :func:`open_entries`:

* one data symbol, or a box of 2–3 data symbols (a product support: ``sp.Reals**2``, a dict, a
  ``ProductSet``): :func:`expect`, nested adaptive quadrature, the inner axes vectorised over all nodes
  of the outer ones (:func:`gauss_kronrod_error` per continuous axis; a sum per discrete axis, exact
  over finitely many values, else in blocks until the terms are negligible); infinite ranges are mapped
  onto finite ones around the mode (:func:`mode_scale`);
* a joint support given as a ``FiniteSet`` of ``Tuple`` (one-hot vectors): :func:`expect_points`, the
  exact sum over its points;
* a continuous simplex {x_i > 0, Σ x_i < c} (``Model.simplex``): :func:`expect` over the unit box after the
  stick-breaking map; discrete data on a ``ConditionSet`` (counts with Σ k ≤ n): the exact sum over the box
  of the marginal ranges with the indicator of the set as a factor.

Every result comes with an absolute error estimate per entry:

* quadrature: the difference K − G of the 15-point Gauss–Kronrod and the embedded 7-point Gauss rule (the
  error estimate of the Gauss rule, so a conservative one for the Kronrod result that is returned, also
  where the integrand has a kink), summed over the intervals, at least round-off; nested axes add the
  integral of the inner estimates;
* an infinite sum: the tail beyond the last term N from the decay of the last terms, the larger of the
  geometric ``|t_N|·r/(1 − r)`` and the power-law ``N·|t_N|/(a − 1)`` estimates, plus round-off;
* a finite sum: round-off only, (log₂ n + 2)·ε·Σ|t| (NumPy sums pairwise).

The code needs NumPy only and imports nothing from symfisher: :func:`symfisher.export.code.export_code`
copies this module's functions verbatim into the modules it writes, so lambdified and exported code
compute the same floats (and the same error estimates).
"""

from __future__ import annotations

import numpy

__all__ = ["expect", "expect_1d", "expect_points", "gauss_kronrod", "gauss_kronrod_error", "mode_scale",
           "open_entries"]

# ---- quadrature and summation (copied into generated code from here on)
# 15-point Gauss–Kronrod rule (QUADPACK's qk15 nodes and weights) on [-1, 1].
_XGK = (0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
        0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.0)
_WGK = (0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
        0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714)
_WG = (0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975,
       0.417959183673469387755102040816327)
_EPS = 2.220446049250313e-16
NESTED_INITIAL = {2: 8, 3: 2}  # initial intervals per axis of nested quadrature (doubled on the whole real line)
DEFAULT_RTOL = {1: 1e-11, 2: 1e-11, 3: 1e-8}  # three nested axes cost ~(300 nodes)³: a looser default tolerance


def gauss_kronrod(f, a, b, rtol=1e-11, initial=32, max_rounds=60, max_intervals=200000):
    """∫_a^b f(x) dx for vector-valued f, adaptive 15-point Gauss–Kronrod: the value of :func:`gauss_kronrod_error`.

    >>> import numpy
    >>> round(float(gauss_kronrod(lambda x: numpy.exp(x)[:, None], 0.0, 1.0)[0]), 12)  # e − 1
    1.718281828459
    """
    return gauss_kronrod_error(f, a, b, rtol, initial, max_rounds, max_intervals)[0]


def gauss_kronrod_error(f, a, b, rtol=1e-11, initial=32, max_rounds=60, max_intervals=200000, check=None):
    """∫_a^b f(x) dx and its absolute error estimate, per component, all intervals in one vectorized call.

    ``f`` maps an array of x (shape (N,)) to an array (N, m). An interval is accepted when its
    Kronrod–Gauss difference is below rtol·max|total|·(its share of [a, b]) or at round-off level; it stops
    when the error left in the open intervals is below rtol·max|total|/10. Only the components where
    ``check`` (a boolean mask of length m) is true steer the refinement; the others are integrated along.
    The error estimate of a component is the Kronrod–Gauss difference K − G in absolute value, summed over the
    intervals, and at least 50·ε·∫|f| on each.

    >>> import numpy
    >>> value, error = gauss_kronrod_error(lambda x: numpy.exp(x)[:, None], 0.0, 1.0)
    >>> bool(abs(value[0] - (numpy.e - 1)) <= error[0] < 1e-9)
    True
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
        # |K − G|: the error estimate of the Gauss rule, an upper estimate for the Kronrod result also where the
        # integrand has a kink (QUADPACK's rescaled (200|K − G|)^1.5 is optimistic there); at least 50·ε·∫|f|
        diff = numpy.maximum(numpy.abs(kron - gauss),
                             50 * _EPS * half[:, None] * numpy.einsum("j,ijm->im", wk, numpy.abs(fx)))
        mask = slice(None) if check is None else numpy.asarray(check, dtype=bool)
        err = numpy.max(diff[:, mask], axis=1)
        total = kron.sum(axis=0) + (0.0 if done is None else done[0])
        scale = max(float(numpy.max(numpy.abs(total[mask]))), 1e-300)
        ok = (err <= rtol * scale * (2 * half) / (b - a) + 1e-300) | (err <= 1e-14 * numpy.max(numpy.abs(kron[:, mask]),
                                                                                              axis=1))
        if len(mid) * 2 > max_intervals or err[~ok].sum() <= 0.1 * rtol * scale:
            ok[:] = True
        acc = (kron[ok].sum(axis=0), diff[ok].sum(axis=0))
        done = acc if done is None else (done[0] + acc[0], done[1] + acc[1])
        if numpy.all(ok):
            break
        lo, hi, mid = lo[~ok], hi[~ok], mid[~ok]
        lo, hi = numpy.concatenate([lo, mid]), numpy.concatenate([mid, hi])
    else:
        done = (done[0] + kron[~ok].sum(axis=0), done[1] + diff[~ok].sum(axis=0))
    return numpy.asarray(done[0], dtype=float), numpy.asarray(done[1], dtype=float)


def _sum_integers(h, lo, hi, check=None):
    """Σ_{k=lo}^{hi} h(k) and its error estimate (round-off, and the tail when the sum is cut off)."""
    mask = slice(None) if check is None else numpy.asarray(check, dtype=bool)
    total, absum, start, block, terms, count = None, None, float(lo), 4096, None, 0
    while start <= hi:
        ks = numpy.arange(start, min(start + block, hi + 1.0))
        terms = numpy.asarray(h(ks), dtype=float).reshape(len(ks), -1)
        total = terms.sum(axis=0) if total is None else total + terms.sum(axis=0)
        absum = numpy.abs(terms).sum(axis=0) if absum is None else absum + numpy.abs(terms).sum(axis=0)
        last, count = ks[-1], count + len(ks)
        tail = numpy.max(numpy.abs(terms[-64:][:, mask])) if len(terms) else 0.0
        if tail <= 1e-17 * max(1.0, float(numpy.max(numpy.abs(total[mask])))) or start > 5e7:
            break
        start += block
        block *= 2
    if total is None:  # an empty range
        return 0.0, 0.0
    err = (numpy.log2(count + 1.0) + 2) * _EPS * absum  # NumPy sums pairwise: round-off ~ log2(n)·ε·Σ|t|
    if last < hi:  # cut off: the tail from the decay of the last terms, the larger of two models
        a = numpy.abs(terms[-64:])
        first = last - (len(a) - 1)
        with numpy.errstate(all="ignore"):
            r = (a[-1] / a[0]) ** (1.0 / max(len(a) - 1, 1))  # geometric t_k ~ r^k: |t_N| r / (1 − r)
            geometric = numpy.where(r < 1, a[-1] * r / (1 - r), numpy.inf)
            power = numpy.log(a[0] / a[-1]) / numpy.log(last / first) if first > 0 else numpy.zeros_like(r)
            power = numpy.where(power > 1, a[-1] * last / (power - 1), numpy.inf)  # t_k ~ k^-a: N |t_N| / (a − 1)
            rest = numpy.maximum(geometric, power)
            if numpy.isfinite(hi):
                rest = numpy.minimum(rest, numpy.max(a, axis=0) * (hi - last))
        err = err + numpy.where(a[-1] == 0, 0.0, numpy.where(a[0] == 0, a[-1] * len(a), rest))
    return total, err


def _axis(h, lo, hi, discrete, values, c, s, rtol, check, initial):
    """∫ (or Σ) of h over one axis [lo, hi] and its error estimate; ``c``, ``s``: mode and scale there."""
    if values is not None:
        terms = numpy.asarray(h(numpy.asarray(values, dtype=float)), dtype=float).reshape(len(values), -1)
        return terms.sum(axis=0), (numpy.log2(len(values) + 1.0) + 2) * _EPS * numpy.abs(terms).sum(axis=0)
    if discrete:
        if not numpy.isfinite(lo):
            v1, e1 = _sum_integers(h, 0.0, hi, check) if hi >= 0 else (0.0, 0.0)
            v2, e2 = _sum_integers(lambda k: h(-k), max(1.0, -hi), -lo, check)
            return v1 + v2, e1 + e2
        return _sum_integers(h, numpy.ceil(lo), numpy.floor(hi), check)
    if numpy.isfinite(lo) and numpy.isfinite(hi):
        return gauss_kronrod_error(h, float(lo), float(hi), rtol, initial, check=check)
    if numpy.isfinite(lo):
        s = max(c - lo, s)
        return gauss_kronrod_error(lambda t: h(lo + s * t / (1 - t)) * (s / (1 - t) ** 2)[:, None], 0.0, 1.0, rtol,
                                   initial, check=check)
    if numpy.isfinite(hi):
        s = max(hi - c, s)
        return gauss_kronrod_error(lambda t: h(hi - s * t / (1 - t)) * (s / (1 - t) ** 2)[:, None], 0.0, 1.0, rtol,
                                   initial, check=check)
    return gauss_kronrod_error(lambda t: h(c + s * t / (1 - t * t)) * (s * (1 + t * t) / (1 - t * t) ** 2)[:, None],
                               -1.0, 1.0, rtol, initial, check=check)


def _centers(logpdf, axes):
    """A mode and a length scale per axis (coordinate sweeps of :func:`mode_scale`), for the maps of infinite ranges."""
    start = []
    for lo, hi, _, values in axes:
        if values is not None:
            start.append(float(numpy.mean(values)))
        elif numpy.isfinite(lo) and numpy.isfinite(hi):
            start.append((lo + hi) / 2)
        elif numpy.isfinite(lo):
            start.append(lo + 1.0)
        elif numpy.isfinite(hi):
            start.append(hi - 1.0)
        else:
            start.append(0.0)
    out = [(c, 1.0) for c in start]
    if len(axes) == 1 and (axes[0][2] or axes[0][3] is not None):
        return out
    for _ in range(2 if len(axes) > 1 else 1):
        for j, (lo, hi, discrete, values) in enumerate(axes):
            if discrete or values is not None or (numpy.isfinite(lo) and numpy.isfinite(hi)):
                continue

            def line(t, j=j):
                xs = [numpy.full(numpy.shape(t), c) for c, _ in out]
                xs[j] = t
                return logpdf(*xs)

            out[j] = mode_scale(line, lo, hi)
    return out


def expect(fn, logpdf, axes, rtol=None, indicator=None):
    """E[fn(X)] and its absolute error estimate, for X on a box of ``len(axes)`` coordinates (1 to 3).

    ``axes`` holds one ``(lo, hi, discrete, values)`` per coordinate: the range, whether it is summed, and its
    finitely many values (or None). ``fn(*xs)`` maps coordinate arrays of shape (N,) to an array (N, m);
    ``logpdf(*xs)`` gives log p, shape (N,); ``indicator(*xs)``, when given, restricts the box to the support
    (a ConditionSet). Terms where p(x) = 0 count as 0 (so 0·inf at the edge of the support is not nan).
    The axes are nested, the first outermost; each inner axis is integrated for all nodes of the outer ones
    at once; ``rtol`` (default 1e-11, 1e-8 for three axes) is the relative tolerance of each quadrature.
    Returns (value, error), both of shape (m,).

    >>> import numpy
    >>> normal = lambda x, y: -(x * x + y * y) / 2 - numpy.log(2 * numpy.pi)
    >>> value, error = expect(lambda x, y: numpy.stack([x * x, x * y], axis=-1), normal,
    ...                       [(-numpy.inf, numpy.inf, False, None)] * 2)
    >>> numpy.round(value, 9).tolist(), bool(numpy.all(error < 1e-8))
    ([1.0, 0.0], True)
    """
    d = len(axes)
    rtol = DEFAULT_RTOL.get(d, 1e-8) if rtol is None else rtol
    centers = _centers(logpdf, axes)
    width = [None]

    def weighted(xs):
        with numpy.errstate(all="ignore"):
            p = numpy.exp(numpy.asarray(logpdf(*xs), dtype=float)) * numpy.ones_like(xs[0])
            f = numpy.asarray(fn(*xs), dtype=float).reshape(len(xs[0]), -1)
            keep = p != 0
            if indicator is not None:
                keep = keep & (numpy.asarray(indicator(*xs), dtype=float) * numpy.ones_like(xs[0]) != 0)
            out = numpy.where(keep[:, None], p[:, None] * f, 0.0)
        width[0] = out.shape[1]
        return out

    def level(j, outer):
        """(n_out, 2m): the integral over the axes j… and its error, for each point of the outer axes."""
        if j == d:
            v = weighted(outer)
            return numpy.concatenate([v, numpy.zeros_like(v)], axis=1)
        n_out = len(outer[0]) if j else 1

        def h(x):
            x = numpy.asarray(x, dtype=float)
            cols = [numpy.tile(o, len(x)) for o in outer] + [numpy.repeat(x, n_out)]
            return level(j + 1, cols).reshape(len(x), -1)

        if j == d - 1:
            check = None
        else:
            m2 = 2 * width[0] if width[0] else None
            check = None if m2 is None else numpy.tile(numpy.arange(m2) < m2 // 2, n_out)
        lo, hi, discrete, values = axes[j]
        c, s = centers[j]
        initial = NESTED_INITIAL.get(d, 2) * (1 if numpy.isfinite(lo) or numpy.isfinite(hi) else 2)
        val, err = _axis(h, lo, hi, discrete, values, c, s, rtol, check, initial)
        val = numpy.asarray(val, dtype=float).reshape(n_out, -1)
        err = numpy.asarray(err, dtype=float).reshape(n_out, -1)
        m = val.shape[1] // 2
        return numpy.concatenate([val[:, :m], err[:, :m] + numpy.abs(val[:, m:])], axis=1)

    if d == 1:  # the common case without the error columns of nested axes
        lo, hi, discrete, values = axes[0]
        c, s = centers[0]
        val, err = _axis(lambda x: weighted([numpy.asarray(x, dtype=float)]), lo, hi, discrete, values, c, s, rtol,
                         None, 32)
        return numpy.asarray(val, dtype=float), numpy.asarray(err, dtype=float)
    weighted([numpy.array([c]) for c, _ in centers])  # sets the width m of fn's output
    out = level(0, [])[0]
    m = len(out) // 2
    return out[:m], out[m:]


def expect_points(fn, logpdf, points):
    """E[fn(X)] over finitely many points (rows of ``points``, one column per data symbol): the exact sum, and
    its round-off estimate (log₂ n + 2)·ε·Σ|p·fn| (NumPy sums pairwise).

    >>> import numpy
    >>> value, error = expect_points(lambda x, y: (x + 2 * y)[:, None], lambda x, y: numpy.log(0.5) + 0 * x,
    ...                              [(1, 0), (0, 1)])
    >>> value.tolist(), bool(error[0] < 1e-14)
    ([1.5], True)
    """
    pts = numpy.asarray(points, dtype=float)
    xs = [pts[:, i] for i in range(pts.shape[1])]
    with numpy.errstate(all="ignore"):
        p = numpy.exp(numpy.asarray(logpdf(*xs), dtype=float)) * numpy.ones(len(pts))
        f = numpy.asarray(fn(*xs), dtype=float).reshape(len(pts), -1)
        terms = numpy.where((p == 0)[:, None], 0.0, p[:, None] * f)
    return terms.sum(axis=0), (numpy.log2(len(pts) + 1.0) + 2) * _EPS * numpy.abs(terms).sum(axis=0)


def expect_1d(fn, logpdf, lo, hi, discrete, values=None, rtol=1e-11):
    """E[fn(X)] for one-dimensional X with log-density (log-mass) ``logpdf`` on [lo, hi] (the value of :func:`expect`).

    Continuous data: adaptive Gauss–Kronrod quadrature of p(x)·fn(x) (vector valued), infinite ranges
    mapped onto finite ones around the mode (:func:`mode_scale`).
    Discrete data: the sum over ``values`` when given (a finite support), else over the integers
    lo, lo+1, … in blocks until the terms are negligible (and hi when it is finite).
    ``fn`` maps an array of x to an array of shape (len(x), m); the result has shape (m,).

    >>> import numpy
    >>> round(float(expect_1d(lambda k: k[:, None], lambda k: (k + 1) * numpy.log(0.5), 0, numpy.inf, True)[0]), 12)
    1.0
    """
    return expect(fn, logpdf, [(float(lo), float(hi), bool(discrete), values)], rtol)[0]


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


def _stick_breaking(fn, logpdf, total):
    """``fn`` and ``logpdf`` on the unit box for data on the simplex {x_i > 0, Σ x_i < total}: x_1 = total·t_1,
    x_j = (total − Σ_{i<j} x_i)·t_j, with the log-Jacobian Σ_j log(total − Σ_{i<j} x_i) added to log p."""

    def to_x(ts):
        xs, rest, logj = [], total, 0.0
        with numpy.errstate(all="ignore"):
            for t in ts:
                xs.append(rest * t)
                logj = logj + numpy.log(rest)
                rest = rest - xs[-1]
        return xs, logj

    def fn_t(*ts):
        return fn(*to_x(ts)[0])

    def logpdf_t(*ts):
        xs, logj = to_x(ts)
        return logpdf(*xs) + logj

    return fn_t, logpdf_t


def open_entries(out, err, entries, shape, point_args, fn_factory, logpdf_factory, support, axes, points=None,
                 indicator_factory=None, simplex=False):
    """Fill ``out[..., i, j]`` and its error estimate ``err[..., i, j]`` for the ``entries`` (i, j), one parameter
    point at a time.

    ``support(*point)`` gives the bounds lo_1, hi_1, lo_2, hi_2, … of the data axes, ``axes`` their
    ``(discrete, values)``; ``points`` the rows of a finite joint support instead (then ``support`` is unused), or a
    function of the parameter point giving their coordinates, flattened;
    ``indicator_factory(point)`` the indicator of a ConditionSet support; ``simplex``: the data lie on
    {x_i > 0, Σ x_i < c}, c the last value of ``support``, integrated over the unit box after the stick-breaking
    map (:func:`_stick_breaking`; no kink at the face Σ x_i = c). A parameter point with a NaN gives NaN.
    """
    cols = [numpy.broadcast_to(numpy.asarray(a, dtype=float), shape) for a in point_args]
    for idx in numpy.ndindex(*shape):
        point = [float(c[idx]) for c in cols]
        if any(numpy.isnan(point)):
            vals = errs = numpy.full(len(entries), numpy.nan)
        elif points is not None:
            rows = numpy.reshape(numpy.ravel([numpy.asarray(v, dtype=float) for v in points(*point)]), (-1, len(
                axes))) if callable(points) else points
            vals, errs = expect_points(fn_factory(point), logpdf_factory(point), rows)
        else:
            bounds = numpy.ravel([numpy.asarray(b, dtype=float) for b in support(*point)])
            fn, logpdf = fn_factory(point), logpdf_factory(point)
            if simplex:
                fn, logpdf = _stick_breaking(fn, logpdf, float(bounds[-1]))
                box = [(0.0, 1.0, False, None)] * len(axes)
            else:
                box = [(float(bounds[2 * n]), float(bounds[2 * n + 1]), bool(a[0]), a[1]) for n, a in enumerate(axes)]
            vals, errs = expect(fn, logpdf, box,
                                indicator=None if indicator_factory is None else indicator_factory(point))
        for (i, j), v, e in zip(entries, vals, errs):
            out[idx + (i, j)] = out[idx + (j, i)] = v
            err[idx + (i, j)] = err[idx + (j, i)] = e
    return out, err
