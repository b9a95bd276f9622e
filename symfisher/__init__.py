"""symfisher: Fisher information in closed form, from a density written in SymPy.

>>> import sympy as sp, symfisher as sf
>>> x = sp.Symbol("x", real=True); mu = sp.Symbol("mu", real=True)
>>> d = sf.derive(sf.Model.from_pdf(sp.exp(-(x - mu)**2 / 2) / sp.sqrt(2 * sp.pi), x, [mu], sp.S.Reals))
>>> d.fisher
Matrix([[1]])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from symfisher.config import Config
from symfisher.errors import BudgetExceeded, ModelError, NotSupportedError, RegularityError, SymfisherError

# Everything else is imported on first use (PEP 562), so that ``import symfisher`` — and the command
# line replaying a cached result — does not pay about a second for SymPy, NumPy and SciPy up front.
_LAZY = {
    "symfisher.core.derivation": ("Derivation", "Step", "check", "derive", "fisher_information"),
    "symfisher.core.model": ("Model",),
    "symfisher.core.verdict": ("Evidence", "Verdict"),
    "symfisher.cache": ("derive_cached",),
    "symfisher.numeric.compiler": ("NumericModel",),
    "symfisher.numeric.crosscheck": ("CheckEntry", "CrossCheck", "cross_check"),
    "symfisher.numeric.empirical": ("empirical_fisher", "observed_information"),
    "symfisher.export.code": ("export_code",),
    "symfisher.uses": ("cramer_rao_bound", "diagonal_fisher", "ewc_penalty", "fisher_scoring_step",
                       "gradient_ascent_step", "iterate", "jeffreys_prior", "kl_expansion", "mle",
                       "natural_gradient_step", "newton_step", "standard_errors", "wald_intervals",
                       "optimal_design"),
}
_ORIGIN = {name: module for module, names in _LAZY.items() for name in names}
_SUBPACKAGES = ("cache", "catalog", "core", "export", "ngboost", "numeric", "text", "uses")

if TYPE_CHECKING:  # the same names, imported eagerly, for type checkers
    from symfisher.core.derivation import Derivation, Step, check, derive, fisher_information
    from symfisher.core.model import Model
    from symfisher.core.verdict import Evidence, Verdict
    from symfisher.numeric.compiler import NumericModel
    from symfisher.numeric.crosscheck import CheckEntry, CrossCheck, cross_check
    from symfisher.numeric.empirical import empirical_fisher, observed_information
    from symfisher.export.code import export_code
    from symfisher.uses import (
        cramer_rao_bound,
        diagonal_fisher,
        ewc_penalty,
        fisher_scoring_step,
        gradient_ascent_step,
        iterate,
        jeffreys_prior,
        kl_expansion,
        mle,
        natural_gradient_step,
        newton_step,
        optimal_design,
        standard_errors,
        wald_intervals,
    )
    from symfisher.cache import derive_cached

__all__ = [
    "BudgetExceeded",
    "Config",
    "Derivation",
    "Evidence",
    "Model",
    "ModelError",
    "NotSupportedError",
    "RegularityError",
    "Step",
    "SymfisherError",
    "Verdict",
    "CheckEntry",
    "CrossCheck",
    "NumericModel",
    "check",
    "cramer_rao_bound",
    "cross_check",
    "derive",
    "derive_cached",
    "diagonal_fisher",
    "empirical_fisher",
    "ewc_penalty",
    "export_code",
    "fisher_information",
    "fisher_scoring_step",
    "gradient_ascent_step",
    "iterate",
    "jeffreys_prior",
    "kl_expansion",
    "mle",
    "natural_gradient_step",
    "newton_step",
    "observed_information",
    "optimal_design",
    "standard_errors",
    "wald_intervals",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """A public name or subpackage, imported when first asked for."""
    if name in _ORIGIN:
        value = getattr(importlib.import_module(_ORIGIN[name]), name)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
