"""Special functions written once for the array-library backends (JAX, PyTorch): each takes the library's array
namespace ``xp`` (``jax.numpy`` or ``torch``) and uses only what both provide (``where``, ``log``, ``log1p``, ``exp``,
``sum`` over ``axis``), with a fixed number of steps, so ``jax.jit`` and torch's autograd go through."""

from __future__ import annotations

import math
from typing import Any, Callable

from symfisher.numeric._runtime import _GAMMA_DERIVATIVES_AT_ONE, _LAGUERRE

UNIT_HYPER_TERMS = 160  # series terms: enough for w ≤ 50 (the NumPy runtime takes 2w + 60); nan above


def unit_hyper(xp: Any, asarray: Callable[[Any], Any], m: int, w: Any) -> Any:
    """ₘFₘ(1, …, 1; 2, …, 2; w) for 1 ≤ m ≤ 5, as the NumPy runtime's ``unit_hyper`` computes it: the series
    Σ wⁿ/(n!(n + 1)^m) for w ≥ −8; below, with z = −w, the complete log-Γ moments minus a 32-point Gauss–Laguerre
    tail, (Σᵢ C(m−1, i) log^{m−1−i}(z) (−1)ⁱ Γ⁽ⁱ⁾(1) − e^{−z} Σ wₖ (−log(1 + uₖ/z))^{m−1}) / ((m − 1)! z);
    nan for w > 50. ``asarray`` casts to the library's float64 array."""
    w = asarray(w)
    near = xp.where(w >= -8.0, w, 0.0)
    total, term = xp.zeros_like(w), xp.ones_like(w)
    for n in range(UNIT_HYPER_TERMS):
        total = total + term / (n + 1.0) ** m
        term = term * near / (n + 1.0)
    z = xp.where(w < -8.0, -w, 9.0)
    lz = xp.log(z)
    head = sum(math.comb(m - 1, i) * lz ** (m - 1 - i) * (-1.0) ** i * _GAMMA_DERIVATIVES_AT_ONE[i] for i in range(m))
    u, weight = (asarray(a) for a in _LAGUERRE)
    tail = xp.exp(-z) * xp.sum(weight * (-xp.log1p(u / z[..., None])) ** (m - 1), axis=-1)
    far = (head - tail) / (math.factorial(m - 1) * z)
    return xp.where(w > 50.0, math.nan, xp.where(w >= -8.0, total, far))
