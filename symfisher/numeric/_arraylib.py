"""Shared code of the optional array-library backends (JAX, PyTorch): compiled closed forms, stacked.

Every quantity is compiled by :func:`symfisher.numeric.compiler.compile_function` with the backend's printer
(the same stable rewrites and argument names as the NumPy code). Only closed-form entries are supported (no
quadrature); these backends are untested where the library is not installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import sympy as sp

from symfisher.errors import NotSupportedError
from symfisher.numeric.compiler import check_names, compile_function, get_backend


@dataclass(frozen=True)
class ArrayModel:
    """``logpdf``/``score``/``hessian``/``fisher``/``neg_expected_hessian`` on another array library.

    Same argument conventions as :class:`~symfisher.numeric.compiler.NumericModel` (without domain checks).
    """

    name: str
    backend: str
    k: int
    n_data: int
    functions: dict = field(repr=False)
    stack: Callable = field(repr=False)

    def _run(self, key: str, x: Any, params: tuple, given: dict, layout: tuple) -> Any:
        args = list(params) + list(given.values())
        if x is not None:
            xs = [x[..., i] for i in range(self.n_data)] if self.n_data > 1 else [x]
            args = xs + args
        return self.stack(self.functions[key](*args), layout)

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


def build(d: Any, backend: str, modules: Any = None, stack: Callable | None = None) -> ArrayModel:
    """Compile every quantity of ``d`` for ``backend`` (full matrices, row-major) into an :class:`ArrayModel`.

    Args:
        d: A :class:`~symfisher.core.derivation.Derivation`.
        backend: ``"jax"``, ``"torch"`` (or ``"numpy"``, for tests without those libraries).
        modules: Ignored (the backend's own namespace is used); kept for old callers.
        stack: ``stack(entries, layout)``; default the backend's.

    Raises:
        NotSupportedError: The library is not installed, or a free symbol's name is no identifier. A quantity
            with an unevaluated expectation or no code in the library raises only when called.
    """
    be = get_backend(backend)
    be.namespace()  # a missing library fails here, not at the first call
    m = d.model
    k = len(m.params)
    xs, ps, gs = list(m.data), list(m.params), list(m.given)
    quantities = {
        "logpdf": [m.logpdf], "score": list(d.score), "hessian": list(d.hessian),
        "fisher": list(d.fisher), "neg_expected_hessian": list(d.neg_expected_hessian),
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
    return ArrayModel(m.name, backend, k, len(xs), functions, stack if stack is not None else be.stack)


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
