"""Shared code of the optional array-library backends (JAX, PyTorch): lambdified closed forms, stacked.

Only closed-form entries are supported (no quadrature); these backends are untested where the library
is not installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import sympy as sp

from symfisher.errors import NotSupportedError


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


def build(d: Any, backend: str, modules: Any, stack: Callable) -> ArrayModel:
    """Lambdify every quantity of ``d`` with ``modules`` (full matrices, row-major)."""
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
            functions[key] = _unsupported(m.name, key, backend)
            continue
        args = ps + gs if key in ("fisher", "neg_expected_hessian") else xs + ps + gs
        _check_free_symbols(m.name, key, exprs, args)
        functions[key] = sp.lambdify(args, exprs, modules=modules, cse=True)
    return ArrayModel(m.name, backend, k, len(xs), functions, stack)


def _check_free_symbols(name: str, key: str, exprs: list, args: list) -> None:
    """Refuse a symbol that is not an argument and whose name is not an identifier (it would be printed as code).

    Arguments are safe: ``sympy.lambdify`` replaces those whose names are not identifiers by dummies.
    """
    from symfisher.numeric.compiler import _check_names

    stand_in = {a: sp.Dummy() for a in args}
    try:
        _check_names([sp.sympify(e).xreplace(stand_in) for e in exprs])
    except NotSupportedError as exc:
        raise NotSupportedError(f"model {name}: {key}: {exc}") from None


def _unsupported(name: str, key: str, backend: str) -> Callable:
    def fn(*args: Any) -> Any:
        raise NotSupportedError(f"model {name}: {key} has an unevaluated expectation, which the {backend} backend "
                                f"cannot compute (use backend='numpy')")

    return fn
