"""PyTorch backend (optional): imported only when asked for; needs the package ``torch``.

Its :data:`BACKEND` (printer, namespace, stacking) is what :func:`symfisher.numeric.compiler.compile_function`
uses for ``backend="torch"``.

Special functions map to ``torch.special`` (ψ and ψ⁽ⁿ⁾ of any integer order, log Γ, erf, erfc, erf⁻¹, ζ and
Hurwitz ζ, I₀ and I₁, K₀ and K₁, the regularized incomplete Γ). Where torch has none, a small implementation
here: Γ (sign times e^{log Γ}), B and log B, n!, Iₙ of integer order n ≥ 2 (recurrence from I₀, I₁), E₁ and
Eₙ (series and continued fraction), Γ(a, x) of every real order (recurrence), ₘFₘ(1, …; 2, …; w) for m ≤ 5 (series,
and a Gauss–Laguerre form for w < −8), the principal branch of Lambert W (Halley's iteration), Heaviside and the
Dirac delta (zero off the origin). Bessel functions of symbolic order, Ei and other branches of W raise
:class:`~symfisher.errors.NotSupportedError`.

Precision: :func:`lambdify_derivation` computes in float64 by default (inputs cast with ``torch.as_tensor``,
which keeps autograd); ``dtype="float32"`` for single precision.
"""

from __future__ import annotations

import math
import types
from typing import Any, Sequence

import sympy as sp
from sympy.printing.pytorch import TorchPrinter

from symfisher.errors import NotSupportedError
from symfisher.numeric._array_special import unit_hyper
from symfisher.numeric._special_printing import HELPERS, SpecialFunctionPrinting
from symfisher.numeric.compiler import Backend, CheckedPrinter

__all__ = ["BACKEND", "TorchNumericPrinter", "lambdify_derivation"]

#: softplus(u) is returned as u above this: u + log1p(e^-u) rounds to u in float64 from u ≈ 37 on.
SOFTPLUS_THRESHOLD = 40.0
_S = "torch.special"


class TorchNumericPrinter(SpecialFunctionPrinting, CheckedPrinter, TorchPrinter):
    """SymPy's PyTorch printer with fully qualified names, the stable functions, ``torch.special`` for the
    special functions, and checked symbol names.

    >>> from symfisher.numeric.compiler import Expit
    >>> TorchNumericPrinter().doprint(Expit(sp.Symbol("u")))
    'torch.sigmoid(u)'
    >>> TorchNumericPrinter().doprint(sp.polygamma(1, sp.Symbol("a")))
    'symfisher_special.polygamma(1, a)'
    """

    LIBRARY, SPECIAL, GAMMA, ZETA = "PyTorch", _S, f"{HELPERS}.gamma", f"{HELPERS}.zeta"

    def _print_plain_log(self, expr: sp.Expr) -> str:
        return self._call("torch.log", expr.args[0])

    def _print(self, expr: Any, **kwargs: Any) -> str:
        """A real constant that is no plain number (log(2), sqrt(3), γ …) as a float literal: torch's functions
        take tensors only, and the literal carries the value to float64 round-off."""
        if isinstance(expr, sp.Expr) and expr.is_number and not expr.is_Atom and not expr.free_symbols \
                and expr.is_real:
            return repr(float(sp.N(expr, 20)))
        return super()._print(expr, **kwargs)

    def _print_Pow(self, expr: sp.Expr, rational: bool = False) -> str:
        """``(b)**(e)``: Python's operator takes tensors and plain floats alike (a constant cse temporary
        is a float, which ``torch.pow`` refuses)."""
        return f"({self._print(expr.base)})**({self._print(expr.exp)})"

    def _print_binomial(self, expr: sp.Expr) -> str:
        return self._print(expr.rewrite(sp.gamma))

    def _print_sinc(self, expr: sp.Expr) -> str:
        return f"torch.sinc({self._print(expr.args[0] / sp.pi)})"

    def _print_Softplus(self, expr: sp.Expr) -> str:
        return (f"{self._module_format('torch.nn.functional.softplus')}({self._print(expr.args[0])}, "
                f"beta=1.0, threshold={SOFTPLUS_THRESHOLD!r})")

    def _print_Expit(self, expr: sp.Expr) -> str:
        return f"{self._module_format('torch.sigmoid')}({self._print(expr.args[0])})"

    def _print_Log1p(self, expr: sp.Expr) -> str:
        return f"{self._module_format('torch.log1p')}({self._print(expr.args[0])})"

    def _print_expm1(self, expr: sp.Expr) -> str:
        return f"{self._module_format('torch.expm1')}({self._print(expr.args[0])})"

    # Γ family
    def _print_polygamma(self, expr: sp.Expr) -> str:
        n, z = expr.args
        if n == 0:
            return self._call(f"{_S}.digamma", z)
        if n.is_Integer and n > 0:
            return self._call(f"{HELPERS}.polygamma", str(int(n)), z)
        raise NotSupportedError(f"polygamma of order {sp.sstr(n)} has no PyTorch form (integer orders only)")

    def _print_factorial(self, expr: sp.Expr) -> str:
        return self._call(f"{HELPERS}.gamma", expr.args[0] + 1)

    # exponential integrals
    def _print_expint(self, expr: sp.Expr) -> str:
        nu, z = expr.args
        if nu.is_Integer and nu >= 0:
            return self._call(f"{HELPERS}.expn", str(int(nu)), z)
        raise NotSupportedError(f"expint of order {sp.sstr(nu)} has no PyTorch form (integer orders only)")

    # Bessel: Iₙ and K₀, K₁, and their scaled forms Iₙ(z)e^{−abs z}, K_ν(z)e^{z} (the compiler's stable forms)
    def _print_besseli(self, expr: sp.Expr) -> str:
        return self._bessel_i(expr, scaled=False)

    def _print_ScaledBesselI(self, expr: sp.Expr) -> str:
        return self._bessel_i(expr, scaled=True)

    def _bessel_i(self, expr: sp.Expr, scaled: bool) -> str:
        nu, z = expr.args
        if nu.is_Integer:
            return self._call(f"{HELPERS}.besseli_int", str(abs(int(nu))), z, *(("True",) if scaled else ()))
        raise NotSupportedError(f"besseli of order {sp.sstr(nu)} has no PyTorch form (integer orders only)")

    def _print_besselk(self, expr: sp.Expr) -> str:
        return self._bessel_k(expr, "modified_bessel_k")

    def _print_ScaledBesselK(self, expr: sp.Expr) -> str:
        return self._bessel_k(expr, "scaled_modified_bessel_k")

    def _bessel_k(self, expr: sp.Expr, name: str) -> str:
        nu, z = expr.args
        if nu in (0, 1, -1):
            return self._call(f"{_S}.{name}{abs(int(nu))}", z)
        raise NotSupportedError(f"besselk of order {sp.sstr(nu)} has no PyTorch form (orders 0 and 1 only)")

    # min/max
    def _print_Min(self, expr: sp.Expr) -> str:
        return self._fold(f"{HELPERS}.minimum", expr.args)

    def _print_Max(self, expr: sp.Expr) -> str:
        return self._fold(f"{HELPERS}.maximum", expr.args)

    def _fold(self, fn: str, args: Sequence[sp.Expr]) -> str:
        out = self._print(args[0])
        for a in args[1:]:
            out = f"{fn}({out}, {self._print(a)})"
        return out


# ---------------------------------------------------------------------------------------------- helpers
def _t(x: Any) -> Any:
    """``x`` as a tensor (a Python number in the default dtype of floats, float64 here)."""
    import torch

    return x if isinstance(x, torch.Tensor) else torch.as_tensor(x, dtype=torch.float64)


def _gamma(x: Any) -> Any:
    """Γ(x) = sign·e^{log |Γ(x)|}; the sign is −1 on (−2k−1, −2k) (torch has no Γ)."""
    import torch

    x = _t(x)
    negative = (x < 0) & (torch.remainder(torch.floor(x), 2) != 0)
    return torch.where(negative, -1.0, 1.0).to(x.dtype) * torch.exp(torch.special.gammaln(x))


# Bernoulli numbers B_2 … B_20 of the asymptotic series of ψ⁽ⁿ⁾
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798, -174611 / 330)
_SHIFT = 10


def _polygamma(n: int, x: Any) -> Any:
    """ψ⁽ⁿ⁾(x) for an integer n ≥ 1 (``torch.special.polygamma(1, 0.7)`` is off by 4e-10).

    For x > 0: ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹ n! Σ_{k<10} (x+k)^−(n+1) + ψ⁽ⁿ⁾(x + 10), the last term by its asymptotic series
    (−1)ⁿ⁺¹ [(n−1)!/zⁿ + n!/(2zⁿ⁺¹) + Σ_j B_2j (2j+n−1)!/((2j)! z^(2j+n))] to B_20 (relative error below 1e-16
    for z ≥ 10). Other x: torch's own. Differentiable by autograd.
    """
    import torch

    x = _t(x)
    pos = x > 0
    xp = torch.where(pos, x, torch.ones_like(x))
    sign = -1.0 if n % 2 == 0 else 1.0
    head = torch.zeros_like(xp)
    for k in range(_SHIFT):
        head = head + (xp + k) ** -(n + 1)
    z = xp + _SHIFT
    tail = math.factorial(n - 1) / z ** n + math.factorial(n) / (2 * z ** (n + 1))
    for j, b2j in enumerate(_BERNOULLI, start=1):
        tail = tail + (b2j * math.factorial(2 * j + n - 1) / math.factorial(2 * j)) / z ** (2 * j + n)
    out = sign * (math.factorial(n) * head + tail)
    if bool(torch.all(pos)):
        return out
    return torch.where(pos, out, torch.special.polygamma(n, x))


def _betaln(a: Any, b: Any) -> Any:
    """log |B(a, b)| = log Γ(a) + log Γ(b) − log Γ(a + b)."""
    import torch

    a, b = _t(a), _t(b)
    return torch.special.gammaln(a) + torch.special.gammaln(b) - torch.special.gammaln(a + b)


def _beta(a: Any, b: Any) -> Any:
    """B(a, b) = Γ(a)Γ(b)/Γ(a + b), from log Γ with signs (no overflow of Γ)."""
    import torch

    a, b = _t(a), _t(b)
    sign = _gamma(a).sign() * _gamma(b).sign() * _gamma(a + b).sign()
    return sign * torch.exp(_betaln(a, b))


def _zeta(s: Any, q: Any) -> Any:
    """Hurwitz ζ(s, q) (Riemann ζ for q = 1)."""
    import torch

    s, q = _t(s), _t(q)
    s, q = torch.broadcast_tensors(s, q.to(s.dtype))
    return torch.special.zeta(s, q)


def _besseli_int(n: int, z: Any, scaled: bool = False) -> Any:
    """Iₙ(z) for an integer order n ≥ 0 by the recurrence I_{k+1} = I_{k−1} − (2k/z)·I_k from I₀, I₁; ``scaled``:
    Iₙ(z)e^{−abs z}, the same recurrence from i0e, i1e (it is linear, so the factor carries through)."""
    import torch

    z = _t(z)
    prev, cur = (torch.special.i0e(z), torch.special.i1e(z)) if scaled else (torch.special.i0(z), torch.special.i1(z))
    if n == 0:
        return prev
    for k in range(1, n):
        prev, cur = cur, prev - (2.0 * k / z) * cur
    return cur


_EULER = 0.57721566490153286061


def _expn(n: int, x: Any) -> Any:
    """Eₙ(x) = ∫₁^∞ e^{−xt} t^{−n} dt for x > 0 (Numerical Recipes' expint): the power series for x ≤ 1, the
    continued fraction (modified Lentz, fixed length) for x > 1; E₀(x) = e^{−x}/x. nan for x < 0."""
    import torch

    x = _t(x)
    if n == 0:
        return torch.exp(-x) / x
    xs = torch.where(x <= 1.0, x, torch.ones_like(x))  # the series branch sees x ≤ 1
    xc = torch.where(x > 1.0, x, 2.0 * torch.ones_like(x))  # the continued fraction x > 1
    nm1 = n - 1
    # series: Eₙ(x) = (−x)^{n−1}/(n−1)! (−log x + ψ(n)) − Σ_{k≠n−1} (−x)^k / ((k − n + 1) k!)
    psi = -_EULER + sum(1.0 / i for i in range(1, n))
    ans = (torch.full_like(xs, 1.0 / nm1) if nm1 else -torch.log(xs) - _EULER)
    fact = torch.ones_like(xs)
    for k in range(1, 40):
        fact = fact * (-xs / k)
        if k != nm1:
            ans = ans - fact / (k - nm1)
        else:
            ans = ans + fact * (-torch.log(xs) + psi)
    # continued fraction
    b = xc + n
    c = torch.full_like(xc, 1e300)
    d = 1.0 / b
    h = d
    for i in range(1, 80):
        an = -i * (nm1 + i)
        b = b + 2.0
        d = 1.0 / (an * d + b)
        c = b + an / c
        h = h * (c * d)
    cf = h * torch.exp(-xc)
    out = torch.where(x <= 1.0, ans, cf)
    return torch.where(x < 0, torch.full_like(x, math.nan), torch.where(x == 0, torch.full_like(
        x, math.inf if n <= 1 else 1.0 / nm1), out))


UPPER_GAMMA_STEPS = 40  # orders down to −40 (a fixed number of steps, differentiable by autograd)


def _upper_gamma(a: Any, x: Any) -> Any:
    """Γ(a, x) for real a ≥ −40 and x > 0 (``gammaincc`` takes a > 0 only): Γ(a)·Q(a, x) from the order a + n in
    (0, 1], or E₁(x) from 0, then down by Γ(o − 1, x) = (Γ(o, x) − x^{o−1}e^{−x})/(o − 1); nan below −40."""
    import torch

    a, x = torch.broadcast_tensors(_t(a), _t(x))
    steps = torch.where(a > 0, torch.zeros_like(a), torch.ceil(-a))
    top = a + steps
    positive = torch.where(top > 0, top, torch.ones_like(top))
    value = torch.where(top > 0, _gamma(positive) * torch.special.gammaincc(positive, x), _expn(1, x))
    for i in range(UPPER_GAMMA_STEPS):
        order = torch.where(i < steps, top - (i + 1), torch.ones_like(top))
        value = torch.where(i < steps, (value - x**order * torch.exp(-x)) / order, value)
    return torch.where(steps > UPPER_GAMMA_STEPS, torch.full_like(value, float("nan")), value)


def _unit_hyper(m: int, w: Any) -> Any:
    """ₘFₘ(1, …, 1; 2, …, 2; w), 1 ≤ m ≤ 5 (:func:`~symfisher.numeric._array_special.unit_hyper`)."""
    import torch

    return unit_hyper(torch, _t, m, w)


def _lambertw(x: Any) -> Any:
    """Principal branch W₀(x) for real x ≥ −1/e (nan below): w·e^w = x by Halley's iteration (fixed length,
    differentiable by autograd)."""
    import torch

    x = _t(x)
    p = torch.sqrt(torch.clamp(2.0 * (math.e * x + 1.0), min=0.0))
    near = -1.0 + p - p * p / 3.0 + 11.0 / 72.0 * p ** 3
    lx = torch.log(torch.clamp(x, min=3.0))
    w = torch.where(x < -0.25, near, torch.where(x < 3.0, torch.log1p(torch.clamp(x, min=-0.25)), lx - torch.log(lx)))
    for _ in range(8):
        ew = torch.exp(w)
        f = w * ew - x
        wp1 = w + 1.0
        wp1 = torch.where(wp1 == 0, torch.full_like(wp1, 1e-300), wp1)
        denom = ew * wp1 - (w + 2.0) * f / (2.0 * wp1)
        safe = torch.where(denom == 0, torch.ones_like(denom), denom)
        w = w - torch.where(denom == 0, torch.zeros_like(f), f / safe)
    return torch.where(x < -1.0 / math.e, torch.full_like(w, math.nan), w)


def _heaviside(x: Any, h0: Any) -> Any:
    """H(x): 0 for x < 0, ``h0`` at 0, 1 for x > 0 (nan for nan)."""
    s = _t(x).sign()
    return 0.5 * (1.0 + s) + (h0 - 0.5) * (1.0 - s * s)


def _dirac_delta(x: Any) -> Any:
    """δ(x) pointwise: 0 off the origin, +inf at it (the distribution has no value there)."""
    import torch

    x = _t(x)
    return torch.where(x == 0, torch.full_like(x, math.inf), torch.zeros_like(x))


def _minimum(a: Any, b: Any) -> Any:
    import torch

    return torch.minimum(_t(a), _t(b))


def _maximum(a: Any, b: Any) -> Any:
    import torch

    return torch.maximum(_t(a), _t(b))


SPECIAL = types.SimpleNamespace(polygamma=_polygamma, gamma=_gamma, beta=_beta, betaln=_betaln, zeta=_zeta,
                                besseli_int=_besseli_int, expn=_expn,
                                lambertw=_lambertw, heaviside=_heaviside, dirac_delta=_dirac_delta, minimum=_minimum,
                                maximum=_maximum, upper_gamma=_upper_gamma, unit_hyper=_unit_hyper)


def namespace() -> dict[str, Any]:
    """Globals of generated PyTorch code.

    Raises:
        NotSupportedError: torch is not installed.
    """
    try:
        import torch
        import torch.nn.functional  # noqa: F401
    except ImportError:
        raise NotSupportedError("backend 'torch' needs the package 'torch', which is not installed") from None
    return {"torch": torch, "math": math, HELPERS: SPECIAL}


def stack(entries: Sequence[Any], layout: tuple[int, ...], dtype: Any = None) -> Any:
    """Broadcast ``entries`` and stack them into shape broadcast + ``layout`` (row-major); float64 by default."""
    import torch

    tensors = [torch.as_tensor(e, dtype=torch.float64 if dtype is None else dtype) for e in entries]
    out = torch.stack(torch.broadcast_tensors(*tensors), dim=-1)
    return out.reshape(out.shape[:-1] + tuple(layout))


def asarray(value: Any, dtype: str) -> Any:
    """``value`` as a tensor of ``dtype`` ("float32" or "float64"); a tensor's autograd history is kept."""
    import torch

    return torch.as_tensor(value, dtype=getattr(torch, dtype))


def use_dtype(dtype: str) -> Any:
    """The torch dtype called ``dtype``."""
    import torch

    return getattr(torch, dtype)


BACKEND = Backend("torch", "PyTorch", TorchNumericPrinter, namespace, stack, None, ("torch", "math", HELPERS))


def lambdify_derivation(d: Any, dtype: Any = "float64") -> Any:
    """Closed forms of ``d`` as torch functions (see :mod:`symfisher.numeric._arraylib`).

    Args:
        d: A :class:`~symfisher.core.derivation.Derivation`.
        dtype: ``"float64"`` (default) or ``"float32"`` (also ``torch.float32`` …). Inputs are cast to it.

    Raises:
        NotSupportedError: torch is not installed, or ``dtype`` is neither.
    """
    from symfisher.numeric._arraylib import build

    return build(d, "torch", dtype=dtype)
