"""JAX backend (optional): imported only when asked for; needs the package ``jax``.

Its :data:`BACKEND` (printer, namespace, stacking) is what :func:`symfisher.numeric.compiler.compile_function`
uses for ``backend="jax"``.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import sympy as sp
from sympy.printing.numpy import JaxPrinter

from symfisher.errors import NotSupportedError
from symfisher.numeric.compiler import Backend, CheckedPrinter

__all__ = ["BACKEND", "JaxNumericPrinter", "lambdify_derivation"]


class JaxNumericPrinter(CheckedPrinter, JaxPrinter):
    """SymPy's JAX printer with fully qualified names, the stable functions, and checked symbol names.

    >>> from symfisher.numeric.compiler import Softplus
    >>> JaxNumericPrinter().doprint(Softplus(sp.Symbol("u")))
    'jax.numpy.logaddexp(0, u)'
    """

    def _print_Softplus(self, expr: sp.Expr) -> str:
        return f"{self._module_format('jax.numpy.logaddexp')}(0, {self._print(expr.args[0])})"

    def _print_Expit(self, expr: sp.Expr) -> str:
        return f"{self._module_format('jax.scipy.special.expit')}({self._print(expr.args[0])})"

    def _print_Log1p(self, expr: sp.Expr) -> str:
        return f"{self._module_format('jax.numpy.log1p')}({self._print(expr.args[0])})"


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
    return {"jax": jax, "math": math}


def stack(entries: Sequence[Any], layout: tuple[int, ...]) -> Any:
    """Broadcast ``entries`` and stack them into shape broadcast + ``layout`` (row-major)."""
    import jax.numpy as jnp

    arrays = jnp.broadcast_arrays(*[jnp.asarray(e, dtype=float) for e in entries])
    out = jnp.stack(arrays, axis=-1)
    return out.reshape(out.shape[:-1] + tuple(layout))


BACKEND = Backend("jax", "JAX", JaxNumericPrinter, namespace, stack, None, ("jax", "math"))


def lambdify_derivation(d: Any) -> Any:
    """Closed forms of ``d`` as jax functions (see :mod:`symfisher.numeric._arraylib`).

    Raises:
        NotSupportedError: jax is not installed.
    """
    from symfisher.numeric._arraylib import build

    return build(d, "jax")
