"""Shared code of the optional array-library backends (JAX, PyTorch): compiled closed forms, stacked.

Every quantity is compiled by :func:`symfisher.numeric.compiler.compile_function` with the backend's printer
(the same stable rewrites and argument names as the NumPy code). Only closed-form entries are supported (no
quadrature). Every argument is cast to the model's dtype (float64 unless ``dtype="float32"``) with the
library's own conversion, so the functions compose with ``jax.jit``, ``jax.vmap``, ``jax.grad`` and torch's
autograd.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Callable

import numpy as np
import sympy as sp

from symfisher.errors import ModelError, NotSupportedError
from symfisher.numeric.compiler import (check_names, compile_function, get_backend, guarded_entries,
                                         keyword_arguments)


@dataclass(frozen=True)
class ArrayModel:
    """``logpdf``/``score``/``hessian``/``fisher``/``neg_expected_hessian`` on another array library.

    Same argument conventions as :class:`~symfisher.numeric.compiler.NumericModel` (without domain checks);
    every argument is cast to :attr:`dtype` (``"float64"`` or ``"float32"``), and so are the results.
    """

    name: str
    backend: str
    k: int
    n_data: int
    functions: dict = field(repr=False)
    stack: Callable = field(repr=False)
    dtype: str = "float64"
    asarray: Callable = field(default=np.asarray, repr=False)
    given: tuple[str, ...] = ()
    array_dtype: Any = field(default=np.float64, repr=False)

    def _run(self, key: str, x: Any, params: tuple, given: dict, layout: tuple) -> Any:
        if len(params) != self.k:
            raise ModelError(f"model {self.name}: expected {self.k} parameter value(s), got {len(params)}")
        unknown = sorted(set(given) - set(self.given))
        missing = [g for g in self.given if g not in given]
        if unknown or missing:
            raise ModelError(f"model {self.name}: covariates {', '.join(self.given) or 'none'} are keyword "
                                    f"arguments; " + (f"unknown {unknown[0]!r}" if unknown else f"missing {missing[0]!r}"))
        args = [self.asarray(v, self.dtype) for v in (*params, *(given[g] for g in self.given))]
        if x is not None:
            x = self.asarray(x, self.dtype)
            xs = [x[..., i] for i in range(self.n_data)] if self.n_data > 1 else [x]
            args = xs + args
        return self.stack(self.functions[key](*args), layout, self.array_dtype)

    def logpdf(self, x: Any, *params: Any, **given: Any) -> Any:
        return self._run("logpdf", x, params, given, (1,))[..., 0]

    def score(self, x: Any, *params: Any, **given: Any) -> Any:
        return self._run("score", x, params, given, (self.k,))

    def hessian(self, x: Any, *params: Any, **given: Any) -> Any:
        return self._run("hessian", x, params, given, (self.k, self.k))

    def fisher(self, *params: Any, **given: Any) -> Any:
        return self._run("fisher", None, params, given, (self.k, self.k))

    def neg_expected_hessian(self, *params: Any, **given: Any) -> Any:
        return self._run("neg_expected_hessian", None, params, given, (self.k, self.k))


def dtype_name(dtype: Any) -> str:
    """``"float64"`` or ``"float32"`` for a dtype given as a string, NumPy, JAX or torch dtype.

    >>> dtype_name("float32"), dtype_name(np.float64), dtype_name(None)
    ('float32', 'float64', 'float64')

    Raises:
        NotSupportedError: Any other dtype.
    """
    if dtype is None:
        return "float64"
    name = str(dtype).removeprefix("torch.")
    try:
        name = np.dtype(name if isinstance(dtype, str) or name.startswith("float") else dtype).name
    except TypeError:
        pass
    if name not in ("float32", "float64"):
        raise NotSupportedError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    return name


def _numpy_asarray(value: Any, dtype: str) -> Any:
    return np.asarray(value, dtype=dtype)


def _numpy_stack(entries: Any, layout: tuple[int, ...], dtype: Any = None) -> Any:
    arrays = np.broadcast_arrays(*[np.asarray(e, dtype=dtype) for e in entries])
    out = np.stack(arrays, axis=-1)
    return out.reshape(out.shape[:-1] + tuple(layout))


def build(d: Any, backend: str, modules: Any = None, stack: Callable | None = None, dtype: Any = "float64") -> ArrayModel:
    """Compile every quantity of ``d`` for ``backend`` (full matrices, row-major) into an :class:`ArrayModel`.

    Args:
        d: A :class:`~symfisher.core.derivation.Derivation`.
        backend: ``"jax"``, ``"torch"`` (or ``"numpy"``, for tests without those libraries).
        modules: Ignored (the backend's own namespace is used); kept for old callers.
        stack: ``stack(entries, layout, dtype)``; default the backend's.
        dtype: ``"float64"`` (default) or ``"float32"``; for JAX, float64 turns on its x64 mode.

    Raises:
        NotSupportedError: The library is not installed, an unknown dtype, or a free symbol's name is no
            identifier. A quantity with an unevaluated expectation or no code in the library raises only when
            called.
    """
    be = get_backend(backend)
    be.namespace()  # a missing library fails here, not at the first call
    dtype = dtype_name(dtype)
    if backend == "numpy":
        asarray, array_dtype = _numpy_asarray, np.dtype(dtype)
        default_stack = _numpy_stack
    else:
        lib = import_module(f"symfisher.numeric.{backend}")
        asarray, array_dtype, default_stack = lib.asarray, lib.use_dtype(dtype), lib.stack
    m = d.model
    k = len(m.params)
    xs, ps, gs = list(m.data), list(m.params), list(keyword_arguments(m))
    quantities = {
        "logpdf": [m.logpdf], "score": list(d.score), "hessian": list(d.hessian),
        "fisher": guarded_entries(d, "fisher"), "neg_expected_hessian": guarded_entries(d, "neg_expected_hessian"),
    }
    functions = {}
    for key, exprs in quantities.items():
        if any(sp.sympify(e).has(sp.Integral, sp.Sum) for e in exprs):
            functions[key] = _unsupported(m.name, key, f"has an unevaluated expectation, which the {backend} backend "
                                                       f"cannot compute")
            continue
        args = ps + gs if key in ("fisher", "neg_expected_hessian") else xs + ps + gs
        _check_free_symbols(m.name, key, exprs, args)
        try:
            functions[key] = compile_function(args, exprs, backend=backend, name=key)
        except NotSupportedError as exc:  # no code in this library (names were checked above)
            functions[key] = _unsupported(m.name, key, f"cannot be compiled for {backend} ({exc})")
    return ArrayModel(m.name, backend, k, len(xs), functions, stack if stack is not None else default_stack, dtype,
                      asarray, tuple(map(str, gs)), array_dtype)


def _check_free_symbols(name: str, key: str, exprs: list, args: list) -> None:
    """Refuse a symbol that is not an argument and whose name is not an identifier (it would be printed as code).

    Arguments are safe: :func:`~symfisher.numeric.compiler.compile_function` renames them to identifiers.
    """
    stand_in = {a: sp.Dummy() for a in args}
    try:
        check_names([sp.sympify(e).xreplace(stand_in) for e in exprs])
    except NotSupportedError as exc:
        raise NotSupportedError(f"model {name}: {key}: {exc}") from None


def _unsupported(name: str, key: str, problem: str) -> Callable:
    def fn(*args: Any) -> Any:
        raise NotSupportedError(f"model {name}: {key} {problem} (use backend='numpy')")

    return fn
