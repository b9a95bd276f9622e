"""PyTorch backend (optional): imported only when asked for; needs the package ``torch``."""

from __future__ import annotations

from typing import Any

from symfisher.errors import NotSupportedError

__all__ = ["lambdify_derivation"]


def lambdify_derivation(d: Any) -> Any:
    """Closed forms of ``d`` as torch functions (see :mod:`symfisher.numeric._arraylib`).

    Raises:
        NotSupportedError: torch is not installed.
    """
    try:
        import torch
    except ImportError:
        raise NotSupportedError("backend 'torch' needs the package 'torch', which is not installed") from None
    from symfisher.numeric._arraylib import build

    def stack(entries: list, layout: tuple) -> Any:
        tensors = [torch.as_tensor(e, dtype=torch.float64) for e in entries]
        out = torch.stack(torch.broadcast_tensors(*tensors), dim=-1)
        return out.reshape(out.shape[:-1] + tuple(layout))

    return build(d, "torch", "torch", stack)
