"""symfisher: Fisher information in closed form, from a density written in SymPy.

>>> import sympy as sp, symfisher as sf
>>> x = sp.Symbol("x", real=True); mu = sp.Symbol("mu", real=True)
>>> d = sf.derive(sf.Model.from_pdf(sp.exp(-(x - mu)**2 / 2) / sp.sqrt(2 * sp.pi), x, [mu], sp.S.Reals))
>>> d.fisher
Matrix([[1]])
"""

from __future__ import annotations

from symfisher.config import Config
from symfisher.core.derivation import Derivation, Step, check, derive, fisher_information
from symfisher.errors import BudgetExceeded, ModelError, NotSupportedError, RegularityError, SymfisherError
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
    standard_errors,
    wald_intervals,
)

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
    "standard_errors",
    "wald_intervals",
]
__version__ = "0.1.0"
