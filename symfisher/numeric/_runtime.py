"""Run-time helpers of generated numeric code: NumPy and SciPy only, no symfisher import in the copied part.

:func:`symfisher.export.code.export_code` copies the source of these functions verbatim into the
standalone modules it writes, so lambdified and exported code compute the same floats.
"""

from __future__ import annotations

import numpy
import scipy.special

# The quadrature of entries without a closed form lives in symfisher.core.quadrature (copied next to this).
from symfisher.core.quadrature import expect_1d, gauss_kronrod, mode_scale  # noqa: F401 - re-exported

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


# Bernoulli numbers B_2 … B_16 of the Euler–Maclaurin tail of zeta_derivative.
_EULER_MACLAURIN = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def zeta_derivative(n, s):
    """ζ⁽ⁿ⁾(s) = Σ_k≥1 (−log k)ⁿ k⁻ˢ for real s > 1 and an integer n ≥ 0, vectorized over s.

    Euler–Maclaurin with the first 11 terms summed: the tail Σ_k≥N f(k), f(x) = (log x)ⁿ x⁻ˢ, is
    ∫_N^∞ f + f(N)/2 − Σ_j B_2j/(2j)! f⁽²ʲ⁻¹⁾(N); the integral is n!/(s − 1)ⁿ⁺¹ · e⁻ᶻ Σ_i≤n zⁱ/i! with
    z = (s − 1) log N, and f⁽ᵐ⁾(x) = x⁻ˢ⁻ᵐ P_m(log x) with P_m+1 = −(s + m) P_m + P_m′.
    Relative error below 1e-13 against mpmath for 1 < s ≤ 40, n ≤ 4. Other s give nan.

    >>> round(float(zeta_derivative(0, 2.0)), 12), round(float(zeta_derivative(1, 2.0)), 12)  # π²/6, ζ′(2)
    (1.644934066848, -0.937548254316)
    """
    s = numpy.asarray(s, dtype=float)
    n = int(n)
    big = 11.0
    with numpy.errstate(all="ignore"):
        head = 0.0
        for k in range(2, int(big)):
            head = head + numpy.log(k) ** n * numpy.exp(-s * numpy.log(k))
        if n == 0:
            head = head + 1.0
        c, lg = s - 1.0, numpy.log(big)
        z = c * lg
        total, term = 0.0, 1.0
        for i in range(n + 1):
            total = total + term
            term = term * z / (i + 1)
        integral = numpy.exp(-z) * total * float(numpy.prod(numpy.arange(1, n + 1))) / c ** (n + 1)
        poly = [0.0] * n + [1.0]  # P_0(L) = Lⁿ, coefficients of L⁰ … Lⁿ
        powers = [lg ** i for i in range(n + 1)]
        value = lambda p: sum(a * b for a, b in zip(p, powers))  # noqa: E731
        tail = integral + value(poly) * big ** -s / 2
        factorial = 1.0
        for m in range(2 * len(_EULER_MACLAURIN)):
            poly = [-(s + m) * poly[i] + ((i + 1) * poly[i + 1] if i < n else 0.0) for i in range(n + 1)]
            factorial *= m + 1
            if m % 2 == 0:  # f⁽²ʲ⁻¹⁾(N), j = m // 2 + 1
                tail = tail - _EULER_MACLAURIN[m // 2] / (factorial * (m + 2)) * value(poly) * big ** (-s - m - 1)
        out = (-1.0) ** n * (head + tail)
    return numpy.where(s > 1, out, numpy.nan)


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


# Γ⁽ⁱ⁾(1) = ∫₀^∞ logⁱs e^{−s} ds for i = 0 … 4, and 32 Gauss–Laguerre nodes and weights, for unit_hyper.
_GAMMA_DERIVATIVES_AT_ONE = (1.0, -0.5772156649015329, 1.978111990655945, -5.4448744564853175, 23.561474084025605)
_LAGUERRE = numpy.polynomial.laguerre.laggauss(32)


def upper_gamma(a, x):
    """Γ(a, x) = ∫ₓ^∞ t^{a−1} e^{−t} dt for real a and x > 0, vectorized (the Nadarajah–Haghighi law's Γ(1 − 2/α, 1)).

    SciPy's ``gammaincc`` takes a ≥ 0 only: for a > 0, Γ(a)·Q(a, x); at a = 0, E₁(x); for a < 0, from the order
    a + n in (0, 1] (or 0 for an integer a) down by Γ(o − 1, x) = (Γ(o, x) − x^{o−1}e^{−x})/(o − 1).

    >>> print(f"{float(upper_gamma(-1.0, 1.0)):.12f}")  # Γ(−1, 1) = e^{−1} − E₁(1)
    0.148495506776
    """
    a, x = numpy.broadcast_arrays(numpy.asarray(a, dtype=float), numpy.asarray(x, dtype=float))
    with numpy.errstate(all="ignore"):
        steps = numpy.where(a > 0, 0.0, numpy.ceil(-a))
        top = a + steps
        positive = numpy.where(top > 0, top, 1.0)
        value = numpy.where(top > 0, scipy.special.gamma(positive) * scipy.special.gammaincc(positive, x),
                            scipy.special.exp1(x))
        for i in range(int(numpy.max(steps, initial=0.0))):
            order = top - (i + 1)
            value = numpy.where(i < steps, (value - x**order * numpy.exp(-x)) / order, value)
    return value[()] if value.ndim == 0 else value


def unit_hyper(m, w):
    """ₘFₘ(1, …, 1; 2, …, 2; w) = Σₙ wⁿ/(n! (n + 1)ᵐ) for 1 ≤ m ≤ 5, vectorized over real w (the Gompertz law's
    ₃F₃(1, 1, 1; 2, 2, 2; −η)).

    For w ≥ −8 the series (cancellation costs at most four digits there). For w = −z < −8, from
    ₘFₘ = ∫₀¹ (−log t)^{m−1} e^{−zt} dt/(m − 1)! and s = zt:
    (Σᵢ C(m−1, i) log^{m−1−i}(z) (−1)ⁱ Γ⁽ⁱ⁾(1) − e^{−z} ∫₀^∞ (−log(1 + u/z))^{m−1} e^{−u} du)/((m − 1)! z),
    the last integral by Gauss–Laguerre. Relative error below 1e-13 against mpmath for −10⁴ ≤ w ≤ 30.

    >>> print(f"{float(unit_hyper(1, -2.0)):.12f} {(1 - numpy.exp(-2.0)) / 2.0:.12f}")  # ₁F₁(1; 2; −z) = (1 − e^{−z})/z
    0.432332358382 0.432332358382
    """
    w = numpy.asarray(w, dtype=float)
    m = int(m)
    with numpy.errstate(all="ignore"):
        terms = int(min(4000.0, 2.0 * float(numpy.max(numpy.maximum(w, 0.0), initial=0.0)) + 60.0))
        series_value, term = numpy.zeros_like(w), numpy.ones_like(w)
        near = numpy.where(w >= -8.0, w, 0.0)
        for n in range(terms):
            series_value = series_value + term / (n + 1.0) ** m
            term = term * near / (n + 1.0)
        z = numpy.where(w < -8.0, -w, 9.0)
        lz = numpy.log(z)
        head = sum(float(scipy.special.binom(m - 1, i)) * lz ** (m - 1 - i) * (-1.0) ** i * _GAMMA_DERIVATIVES_AT_ONE[i]
                   for i in range(m))
        u, weight = _LAGUERRE
        tail = numpy.exp(-z) * numpy.sum(weight * (-numpy.log1p(u / z[..., None])) ** (m - 1), axis=-1)
        far = (head - tail) / (float(scipy.special.factorial(m - 1)) * z)
    return numpy.where(w >= -8.0, series_value, far)
