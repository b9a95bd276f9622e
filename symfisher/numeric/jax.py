"""JAX backend (optional): imported only when asked for; needs the package ``jax``."""

from __future__ import annotations

from typing import Any

from symfisher.errors import NotSupportedError

__all__ = ["lambdify_derivation"]


def lambdify_derivation(d: Any) -> Any:
    """Closed forms of ``d`` as jax functions (see :mod:`symfisher.numeric._arraylib`).

    Raises:
        NotSupportedError: jax is not installed.
    """
    try:
        import jax  # noqa: F401
    except ImportError:
        raise NotSupportedError("backend 'jax' needs the package 'jax', which is not installed") from None
    from symfisher.numeric._arraylib import build

    import jax.numpy as jnp

    def stack(entries: list, layout: tuple) -> Any:
        arrays = jnp.broadcast_arrays(*[jnp.asarray(e, dtype=float) for e in entries])
        out = jnp.stack(arrays, axis=-1)
        return out.reshape(out.shape[:-1] + tuple(layout))

    return build(d, "jax", "jax", stack)
