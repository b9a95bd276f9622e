"""What Fisher information is used for, in statistics and machine learning.

Each module states its mathematics in the docstrings:

- :mod:`.reparam` — reparametrization, I(η) = Jᵀ I(θ) J.
"""

from __future__ import annotations

from .reparam import jacobian, reparametrize_derivation, reparametrize_model

__all__ = ["jacobian", "reparametrize_derivation", "reparametrize_model"]
