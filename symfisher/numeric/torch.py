"""PyTorch backend (optional): imported only when asked for; needs the package ``torch``.

Its :data:`BACKEND` (printer, namespace, stacking) is what :func:`symfisher.numeric.compiler.compile_function`
uses for ``backend="torch"``.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import sympy as sp
from sympy.printing.pytorch import TorchPrinter

from symfisher.errors import NotSupportedError
from symfisher.numeric.compiler import Backend, CheckedPrinter

__all__ = ["BACKEND", "TorchNumericPrinter", "lambdify_derivation"]

#: softplus(u) is returned as u above this: u + log1p(e^-u) rounds to u in float64 from u ≈ 37 on.
SOFTPLUS_THRESHOLD = 40.0


class TorchNumericPrinter(CheckedPrinter, TorchPrinter):
    """SymPy's PyTorch printer with fully qualified names, the stable functions, and checked symbol names.

    >>> from symfisher.numeric.compiler import Expit
    >>> TorchNumericPrinter().doprint(Expit(sp.Symbol("u")))
    'torch.sigmoid(u)'
    """

    def _print_Softplus(self, expr: sp.Expr) -> str:
        return (f"{self._module_format('torch.nn.functional.softplus')}({self._print(expr.args[0])}, "
                f"beta=1.0, threshold={SOFTPLUS_THRESHOLD!r})")

    def _print_Expit(self, expr: sp.Expr) -> str:
        return f"{self._module_format('torch.sigmoid')}({self._print(expr.args[0])})"

    def _print_Log1p(self, expr: sp.Expr) -> str:
        return f"{self._module_format('torch.log1p')}({self._print(expr.args[0])})"


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
    return {"torch": torch, "math": math}


def stack(entries: Sequence[Any], layout: tuple[int, ...]) -> Any:
    """Broadcast ``entries`` and stack them into shape broadcast + ``layout`` (row-major)."""
    import torch

    tensors = [torch.as_tensor(e, dtype=torch.float64) for e in entries]
    out = torch.stack(torch.broadcast_tensors(*tensors), dim=-1)
    return out.reshape(out.shape[:-1] + tuple(layout))


BACKEND = Backend("torch", "PyTorch", TorchNumericPrinter, namespace, stack, None, ("torch", "math"))


def lambdify_derivation(d: Any) -> Any:
    """Closed forms of ``d`` as torch functions (see :mod:`symfisher.numeric._arraylib`).

    Raises:
        NotSupportedError: torch is not installed.
    """
    from symfisher.numeric._arraylib import build

    return build(d, "torch")
