"""JAX backend (optional): imported only when asked for; needs the package ``jax``.

Its :data:`BACKEND` (printer, namespace, stacking) is what :func:`symfisher.numeric.compiler.compile_function`
uses for ``backend="jax"``.

Special functions map to ``jax.scipy.special`` (ψ and ψ⁽ⁿ⁾ of any integer order, log Γ, Γ, B, erf, erfc,
erf⁻¹, ζ and Hurwitz ζ, I₀ and I₁, the regularized incomplete Γ, Eₙ, E₁, Ei, n!). Where JAX has none, a small
implementation here: Iₙ of integer order n ≥ 2 (recurrence from I₀, I₁), the principal branch of Lambert W
(Halley's iteration), Heaviside and the Dirac delta (zero off the origin). Modified Bessel K, Bessel J/Y of
symbolic order and other branches of W raise :class:`~symfisher.errors.NotSupportedError`.

Precision: :func:`lambdify_derivation` computes in float64 by default, which JAX only does in its x64 mode;
building a float64 model turns that mode on for the process (``jax.config.update("jax_enable_x64", True)``,
what every JAX user who wants float64 does). ``dtype="float32"`` leaves JAX's configuration alone.
"""

from __future__ import annotations

import functools
import math
import types
from typing import Any, Sequence

import sympy as sp
from sympy.printing.numpy import JaxPrinter

from symfisher.errors import NotSupportedError
from symfisher.numeric._array_special import unit_hyper
from symfisher.numeric._special_printing import HELPERS, SpecialFunctionPrinting
from symfisher.numeric.compiler import Backend, CheckedPrinter

__all__ = ["BACKEND", "JaxNumericPrinter", "lambdify_derivation"]

_S = "jax.scipy.special"
_NP = "jax.numpy"


class JaxNumericPrinter(SpecialFunctionPrinting, CheckedPrinter, JaxPrinter):
    """SymPy's JAX printer with fully qualified names, the stable functions, ``jax.scipy.special`` for the
    special functions, and checked symbol names.

    >>> from symfisher.numeric.compiler import Softplus
    >>> JaxNumericPrinter().doprint(Softplus(sp.Symbol("u")))
    'jax.numpy.logaddexp(0, u)'
    >>> JaxNumericPrinter().doprint(sp.polygamma(1, sp.Symbol("a")))
    'jax.scipy.special.polygamma(1, a)'
    """

    LIBRARY, SPECIAL, GAMMA, ZETA = "JAX", _S, f"{_S}.gamma", f"{_S}.zeta"

    def _print_Softplus(self, expr: sp.Expr) -> str:
        return f"{self._module_format('jax.numpy.logaddexp')}(0, {self._print(expr.args[0])})"

    def _print_Expit(self, expr: sp.Expr) -> str:
        return f"{self._module_format('jax.scipy.special.expit')}({self._print(expr.args[0])})"

    def _print_Log1p(self, expr: sp.Expr) -> str:
        return f"{self._module_format('jax.numpy.log1p')}({self._print(expr.args[0])})"

    # Γ family
    def _print_polygamma(self, expr: sp.Expr) -> str:
        n, z = expr.args
        if n == 0:
            return self._call(f"{_S}.digamma", z)
        if n.is_Integer and n > 0:
            return self._call(f"{_S}.polygamma", str(int(n)), z)
        raise NotSupportedError(f"polygamma of order {sp.sstr(n)} has no JAX form (integer orders only)")

    def _print_factorial(self, expr: sp.Expr) -> str:
        return self._call(f"{_S}.factorial", expr.args[0])

    # exponential integrals
    def _print_expint(self, expr: sp.Expr) -> str:
        nu, z = expr.args
        if nu == 1:
            return self._call(f"{_S}.exp1", z)
        if nu.is_Integer and nu >= 0:
            return self._call(f"{_S}.expn", str(int(nu)), z)
        raise NotSupportedError(f"expint of order {sp.sstr(nu)} has no JAX form (integer orders only)")

    def _print_Ei(self, expr: sp.Expr) -> str:
        return self._call(f"{_S}.expi", expr.args[0])

    # Bessel
    def _print_besseli(self, expr: sp.Expr) -> str:
        nu, z = expr.args
        if nu == 0:
            return self._call(f"{_S}.i0", z)
        if nu == 1:
            return self._call(f"{_S}.i1", z)
        if nu.is_Integer:
            return self._call(f"{HELPERS}.besseli_int", str(abs(int(nu))), z)
        raise NotSupportedError(f"besseli of order {sp.sstr(nu)} has no JAX form (integer orders only)")

    def _print_ScaledBesselI(self, expr: sp.Expr) -> str:  # Iₙ(z)e^{−abs z} (the compiler's stable form of Iₙ)
        nu, z = expr.args
        if nu.is_Integer:
            return self._call(f"{HELPERS}.besseli_int", str(abs(int(nu))), z, "True")
        raise NotSupportedError(f"besseli of order {sp.sstr(nu)} has no JAX form (integer orders only)")

    def _print_ScaledBesselK(self, expr: sp.Expr) -> str:  # as K_ν itself: no JAX form
        return self._print(expr.elementary())


# ---------------------------------------------------------------------------------------------- helpers
def _beta(a: Any, b: Any) -> Any:
    """B(a, b) = Γ(a)Γ(b)/Γ(a + b) with signs, from log Γ (no overflow of Γ)."""
    import jax.numpy as jnp
    import jax.scipy.special as jss

    sign = jss.gammasgn(a) * jss.gammasgn(b) * jss.gammasgn(a + b)
    return sign * jnp.exp(jss.gammaln(a) + jss.gammaln(b) - jss.gammaln(a + b))


def _betaln(a: Any, b: Any) -> Any:
    """log |B(a, b)| = log Γ(a) + log Γ(b) − log Γ(a + b) (``jax.scipy.special.betaln`` is off by ~1e-8 at (17, 2.5))."""
    import jax.scipy.special as jss

    return jss.gammaln(a) + jss.gammaln(b) - jss.gammaln(a + b)


def _besseli_int(n: int, z: Any, scaled: bool = False) -> Any:
    """Iₙ(z) for an integer order n ≥ 0 by the recurrence I_{k+1} = I_{k−1} − (2k/z)·I_k from I₀, I₁; ``scaled``:
    Iₙ(z)e^{−abs z}, the same recurrence from i0e, i1e (it is linear, so the factor carries through)."""
    import jax.scipy.special as jss

    prev, cur = (jss.i0e(z), jss.i1e(z)) if scaled else (jss.i0(z), jss.i1(z))
    if n == 0:
        return prev
    for k in range(1, n):
        prev, cur = cur, prev - (2.0 * k / z) * cur
    return cur


def _lambertw(x: Any) -> Any:
    """Principal branch W₀(x) for real x ≥ −1/e (nan below): w·e^w = x by Halley's iteration.

    Start: the branch-point series near −1/e, log(1 + x) elsewhere, log x − log log x for large x; a fixed
    number of iterations (differentiable, jit-friendly; converged to float64 round-off).
    """
    import jax.numpy as jnp

    x = jnp.asarray(x)
    p = jnp.sqrt(jnp.maximum(2.0 * (math.e * x + 1.0), 0.0))
    near = -1.0 + p - p * p / 3.0 + 11.0 / 72.0 * p ** 3
    lx = jnp.log(jnp.maximum(x, 3.0))
    w = jnp.where(x < -0.25, near, jnp.where(x < 3.0, jnp.log1p(jnp.maximum(x, -0.25)), lx - jnp.log(lx)))
    for _ in range(8):
        ew = jnp.exp(w)
        f = w * ew - x
        wp1 = w + 1.0
        denom = ew * wp1 - (w + 2.0) * f / (2.0 * wp1)
        step = jnp.where(denom == 0, 0.0, f / jnp.where(denom == 0, 1.0, denom))
        w = w - step
    return jnp.where(x < -1.0 / math.e, jnp.nan, w)


UPPER_GAMMA_STEPS = 40  # orders down to −40 (jit needs a fixed number of steps)


def _upper_gamma(a: Any, x: Any) -> Any:
    """Γ(a, x) for real a ≥ −40 and x > 0 (``gammaincc`` takes a > 0 only): Γ(a)·Q(a, x) from the order a + n in
    (0, 1], or E₁(x) from 0, then down by Γ(o − 1, x) = (Γ(o, x) − x^{o−1}e^{−x})/(o − 1); nan below −40."""
    import jax.numpy as jnp
    import jax.scipy.special as jss

    a, x = jnp.broadcast_arrays(jnp.asarray(a) * 1.0, jnp.asarray(x) * 1.0)  # floats of the configured precision
    steps = jnp.where(a > 0, 0.0, jnp.ceil(-a))
    top = a + steps
    positive = jnp.where(top > 0, top, 1.0)
    value = jnp.where(top > 0, jss.gamma(positive) * jss.gammaincc(positive, x), jss.exp1(x))
    for i in range(UPPER_GAMMA_STEPS):
        order = jnp.where(i < steps, top - (i + 1), 1.0)
        value = jnp.where(i < steps, (value - x**order * jnp.exp(-x)) / order, value)
    return jnp.where(steps > UPPER_GAMMA_STEPS, jnp.nan, value)


def _unit_hyper(m: int, w: Any) -> Any:
    """ₘFₘ(1, …, 1; 2, …, 2; w), 1 ≤ m ≤ 5 (:func:`~symfisher.numeric._array_special.unit_hyper`)."""
    import jax.numpy as jnp

    return unit_hyper(jnp, lambda v: jnp.asarray(v) * 1.0, m, w)


def _heaviside(x: Any, h0: Any) -> Any:
    """H(x): 0 for x < 0, ``h0`` at 0, 1 for x > 0 (nan for nan)."""
    import jax.numpy as jnp

    s = jnp.sign(x)
    return 0.5 * (1.0 + s) + (h0 - 0.5) * (1.0 - s * s)


def _dirac_delta(x: Any) -> Any:
    """δ(x) pointwise: 0 off the origin, +inf at it (the distribution has no value there)."""
    import jax.numpy as jnp

    x = jnp.asarray(x)
    return jnp.where(x == 0, jnp.inf, jnp.zeros_like(x))


SPECIAL = types.SimpleNamespace(beta=_beta, betaln=_betaln, besseli_int=_besseli_int, lambertw=_lambertw,
                                heaviside=_heaviside, dirac_delta=_dirac_delta, upper_gamma=_upper_gamma,
                                unit_hyper=_unit_hyper)


def namespace() -> dict[str, Any]:
    """Globals of generated JAX code.

    Raises:
        NotSupportedError: jax is not installed.
    """
    try:
        import jax
        import jax.numpy  # noqa: F401
        import jax.scipy.special  # noqa: F401
    except ImportError:
        raise NotSupportedError("backend 'jax' needs the package 'jax', which is not installed") from None
    return {"jax": jax, "math": math, "functools": functools, HELPERS: SPECIAL}


def stack(entries: Sequence[Any], layout: tuple[int, ...], dtype: Any = None) -> Any:
    """Broadcast ``entries`` and stack them into shape broadcast + ``layout`` (row-major).

    ``dtype``: of the result; default JAX's default float (float64 in x64 mode, else float32).
    """
    import jax.numpy as jnp

    dtype = jnp.result_type(float) if dtype is None else dtype
    arrays = jnp.broadcast_arrays(*[jnp.asarray(e, dtype=dtype) for e in entries])
    out = jnp.stack(arrays, axis=-1)
    return out.reshape(out.shape[:-1] + tuple(layout))


def asarray(value: Any, dtype: str) -> Any:
    """``value`` as a JAX array of ``dtype`` ("float32" or "float64"); tracers stay tracers."""
    import jax.numpy as jnp

    return jnp.asarray(value, dtype=getattr(jnp, dtype))


def use_dtype(dtype: str) -> Any:
    """Prepare JAX for ``dtype`` and return the JAX dtype: float64 turns on x64 mode (process-wide)."""
    import jax
    import jax.numpy as jnp

    if dtype == "float64" and not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
    return getattr(jnp, dtype)


BACKEND = Backend("jax", "JAX", JaxNumericPrinter, namespace, stack, None, ("jax", "math", "functools", HELPERS))


def lambdify_derivation(d: Any, dtype: Any = "float64") -> Any:
    """Closed forms of ``d`` as jax functions (see :mod:`symfisher.numeric._arraylib`).

    Args:
        d: A :class:`~symfisher.core.derivation.Derivation`.
        dtype: ``"float64"`` (default; turns on JAX's x64 mode for the process) or ``"float32"`` (JAX's
            configuration untouched). Inputs are cast to it, results have it.

    Raises:
        NotSupportedError: jax is not installed, or ``dtype`` is neither.
    """
    from symfisher.numeric._arraylib import build

    return build(d, "jax", dtype=dtype)
