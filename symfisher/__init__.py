"""symfisher: Fisher information in closed form, from a density written in SymPy.

>>> import sympy as sp, symfisher as sf
>>> x = sp.Symbol("x", real=True); mu = sp.Symbol("mu", real=True)
>>> d = sf.derive(sf.Model.from_pdf(sp.exp(-(x - mu)**2 / 2) / sp.sqrt(2 * sp.pi), x, [mu], sp.S.Reals))
>>> d.fisher
Matrix([[1]])
"""

from __future__ import annotations

from .config import Config
from .derive import Derivation, Step, check, derive, fisher_information
from .errors import BudgetExceeded, ModelError, NotSupportedError, RegularityError, SymfisherError
from .model import Model
from .verify import Evidence, Verdict

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
    "check",
    "derive",
    "fisher_information",
]
__version__ = "0.1.0"
