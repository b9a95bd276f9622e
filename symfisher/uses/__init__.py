"""What Fisher information is used for, in statistics and machine learning.

Each module states its mathematics in its docstrings:

- :mod:`.reparam` — reparametrization, I(η) = Jᵀ I(θ) J (``Model.reparametrize``, ``Derivation.reparametrize``);
- :mod:`.bounds` — the Cramér–Rao bound I(θ)⁻¹/n and ∇gᵀ I⁻¹ ∇g / n;
- :mod:`.prior` — the Jeffreys prior √det I(θ) and whether it is proper;
- :mod:`.estimate` — MLE, observed vs expected information, standard errors, Wald intervals;
- :mod:`.kl` — KL(p_θ ‖ p_{θ+δ}) = ½ δᵀ I(θ) δ + O(‖δ‖³), proved;
- :mod:`.optimize` — natural gradient, Fisher scoring, Newton (compiled by ``numeric.compiler.compile_function``);
- :mod:`.approx` — the diagonal Fisher (Adam, EWC) and the EWC penalty;
- :mod:`.design` — D-, A- and E-optimal experimental designs with the equivalence-theorem certificate;
- :mod:`.plot` — pictures (optional ``matplotlib``).
"""

from __future__ import annotations

from symfisher.uses.approx import DiagonalFisher, EWCPenalty, diagonal_fisher, ewc_penalty
from symfisher.uses.bounds import cramer_rao_bound
from symfisher.uses.design import Certificate, Design, evaluate_design, optimal_design, plot_design
from symfisher.uses.estimate import MLEResult, mle, standard_errors, wald_intervals
from symfisher.uses.kl import KLExpansion, kl_expansion
from symfisher.uses.optimize import (IterationResult, UpdateRule, fisher_scoring_step, gradient_ascent_step, iterate,
                       natural_gradient_step, newton_step)
from symfisher.uses.prior import JeffreysPrior, jeffreys_prior
from symfisher.uses.reparam import jacobian, reparametrize_derivation, reparametrize_model

__all__ = [
    "Certificate",
    "Design",
    "DiagonalFisher",
    "EWCPenalty",
    "IterationResult",
    "JeffreysPrior",
    "KLExpansion",
    "MLEResult",
    "UpdateRule",
    "cramer_rao_bound",
    "diagonal_fisher",
    "evaluate_design",
    "ewc_penalty",
    "fisher_scoring_step",
    "gradient_ascent_step",
    "iterate",
    "jacobian",
    "jeffreys_prior",
    "kl_expansion",
    "mle",
    "natural_gradient_step",
    "newton_step",
    "optimal_design",
    "plot_design",
    "reparametrize_derivation",
    "reparametrize_model",
    "standard_errors",
    "wald_intervals",
]
