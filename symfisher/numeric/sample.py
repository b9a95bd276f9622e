"""Sums over a data set of log p, the score, the Hessian and I(θ), for estimation and optimization.

Each compiled function takes ``(*data, *covariates, *params)`` and broadcasts over NumPy arrays of
observations; :class:`SampleModel` sums over a data set. Unlike
:class:`symfisher.numeric.compiler.NumericModel` (per-point functions of a finished derivation) it also
works from a bare :class:`~symfisher.core.model.Model` (maximum likelihood needs no expectation) and
substitutes known constants (``Model.constants``). Both compile through the one compiler,
:func:`symfisher.numeric.compiler.compile_function` (the same printer, stable rewrites and argument names).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import sympy as sp

from symfisher.errors import ModelError
from symfisher.numeric.compiler import compile_function
from symfisher.numeric.data import data_arrays as data_arrays  # the one conversion and check of data sets


def _domain_bounds(model) -> list[tuple[float, float, bool, bool]]:
    out = []
    for p in model.params:
        dom = model.domain_map[p]
        if isinstance(dom, sp.Interval):
            out.append((float(dom.inf), float(dom.sup), bool(dom.left_open), bool(dom.right_open)))
        else:
            out.append((-math.inf, math.inf, True, True))
    return out


@dataclass(frozen=True)
class SampleModel:
    """A model compiled to NumPy: sums of log p, score, Hessian and Fisher information over a data set.

    Attributes:
        model: The symbolic model.
        fisher_expr: The per-observation I(θ) used (``None``: no closed form, so no expected information).
        constants: Values substituted for free constants (e.g. a known σ).
    """

    model: Any
    fisher_expr: sp.ImmutableMatrix | None
    constants: Mapping[sp.Symbol, float] = field(default_factory=dict)
    _fns: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, derivation_or_model: Any, constants: Mapping | None = None) -> SampleModel:
        from symfisher.core.derivation import Derivation

        if isinstance(derivation_or_model, Derivation):
            model = derivation_or_model.model
            F = derivation_or_model.fisher
            F = F / model.n_obs if model.n_obs != 1 else F
            fisher = None if F.has(sp.Integral, sp.Sum) else sp.ImmutableMatrix(F)
        else:
            model, fisher = derivation_or_model, None
        consts = {}
        given = {str(k): v for k, v in (constants or {}).items()}
        for c in model.constants:
            if c not in (constants or {}) and c.name not in given:
                raise ModelError(f"model {model.name}: give a numeric value for the constant {c} "
                                 f"(constants={{{c.name}: ...}})")
            consts[c] = float((constants or {}).get(c, given.get(c.name)))
        out = cls(model, fisher, consts)
        sub = {c: sp.Float(v) for c, v in consts.items()}
        args = [*model.data, *model.given, *model.params]
        logpdf = model.logpdf.xreplace(sub)
        score = [sp.diff(logpdf, p) for p in model.params]
        k = len(model.params)
        hess = [sp.diff(score[i], model.params[j]) for i in range(k) for j in range(k)]
        out._fns["loglik"] = compile_function(args, [logpdf], name="loglik")
        out._fns["score"] = compile_function(args, score, name="score")
        out._fns["hessian"] = compile_function(args, hess, name="hessian")
        if fisher is not None:
            out._fns["fisher"] = compile_function(args, list(fisher.xreplace(sub)), name="fisher")
        out._fns["bounds"] = _domain_bounds(model)
        return out

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        return self.model.params

    @property
    def has_fisher(self) -> bool:
        return "fisher" in self._fns

    def arrays(self, data: Any) -> tuple[list[np.ndarray], int]:
        """The data (and covariates) as arrays in argument order, and the sample size; a DataFrame or a dict
        of columns by symbol name, rows outside the support refused (:func:`symfisher.numeric.data.data_arrays`)."""
        arrays, n = data_arrays(self.model, data, self.constants)
        return [arrays[s] for s in (*self.model.data, *self.model.given)], n

    def _eval(self, name: str, theta: np.ndarray, cols: list[np.ndarray], n: int) -> np.ndarray:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            vals = self._fns[name](*cols, *np.asarray(theta, dtype=float))
        return np.array([np.sum(np.broadcast_to(v, (n,))) for v in vals])

    def loglik(self, theta, cols, n) -> float:
        """Σ_i log p(x_i | θ)."""
        return float(self._eval("loglik", theta, cols, n)[0])

    def score(self, theta, cols, n) -> np.ndarray:
        """Σ_i s(x_i; θ)."""
        return self._eval("score", theta, cols, n)

    def hessian(self, theta, cols, n) -> np.ndarray:
        """Σ_i H(x_i; θ); the observed information is its negative."""
        k = len(self.params)
        return self._eval("hessian", theta, cols, n).reshape(k, k)

    def fisher(self, theta, cols, n) -> np.ndarray:
        """Σ_i I(θ; z_i): n·I(θ), or the sum over covariate values for regression models."""
        k = len(self.params)
        return self._eval("fisher", theta, cols, n).reshape(k, k)

    def inside(self, theta) -> bool:
        """Whether θ lies in the parameter domain."""
        for v, (lo, hi, lo_open, hi_open) in zip(np.asarray(theta, dtype=float), self._fns["bounds"]):
            if not math.isfinite(v) or v < lo or v > hi or (lo_open and v == lo) or (hi_open and v == hi):
                return False
        return True

    def default_start(self) -> np.ndarray:
        """A point inside the domain: the midpoint of a bounded interval, 1 from a finite end, else 0."""
        out = []
        for lo, hi, _, _ in self._fns["bounds"]:
            if math.isfinite(lo) and math.isfinite(hi):
                out.append((lo + hi) / 2)
            elif math.isfinite(lo):
                out.append(lo + 1.0)
            elif math.isfinite(hi):
                out.append(hi - 1.0)
            else:
                out.append(0.0)
        return np.array(out)

    def source(self, name: str) -> str:
        """The generated source of one compiled function: ``"loglik"``, ``"score"``, ``"hessian"`` or ``"fisher"``."""
        import inspect

        return inspect.getsource(self._fns[name])
