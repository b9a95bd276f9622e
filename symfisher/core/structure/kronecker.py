"""Kronecker structure: several linear predictors sharing one covariate vector.

Softmax (multinomial logistic) regression with K classes and covariates z ∈ ℝᵖ has the predictors
η_a = Σ_r W_ar z_r, a = 1, …, K − 1, so the Jacobian of φ = η(θ) is J = I_m ⊗ zᵀ (weights ordered
class by class) or zᵀ ⊗ I_m (covariate by covariate). With J = I ⊗ zᵀ the chain rule gives

    s = s_η ⊗ z,    H = H_η ⊗ z zᵀ,    I(W) = I_η ⊗ z zᵀ = (diag π − π πᵀ) ⊗ z zᵀ,

the form K-FAC approximates: two small factors instead of a (K − 1)p × (K − 1)p matrix. The numeric
functions evaluate the factors as functions of the predictors η (computed numerically, η = W c) and form
the product (``einsum``), never the dense symbolic matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symfisher.errors import ModelError

__all__ = ["Kronecker", "kronecker_layout"]


@dataclass(frozen=True)
class Kronecker:
    """I(θ) = left ⊗ right (``swap``: right ⊗ left), with the factors of the other matrices alike.

    Unpacks as the two factors in the order of the product: ``A, B = d.kronecker`` with I(θ) = A ⊗ B.

    Attributes:
        fisher: The m×m factor of I(θ) = E[s sᵀ] (the reduced model's information, in θ).
        neg_expected_hessian: The m×m factor of −E[H].
        hessian: The m×m factor of H (depends on the data).
        score: The m×1 factor of s.
        vector: The shared covariate vector c (p×1); the other factor is c cᵀ.
        swap: ``False``: θ runs class by class (index a·p + r), products are left ⊗ c cᵀ; ``True``:
            covariate by covariate (index r·m + a), products are c cᵀ ⊗ left.
        predictors: The predictor symbols η_1, …, η_m (empty when not known).
        forms: η_a in θ (η_a = Σ_r θ_ar c_r), aligned with ``predictors``.
        reduced: The four factors written in the predictors η instead of θ — ``(score, hessian, fisher,
            neg_expected_hessian)``, short expressions for printing and numeric code (empty when not known).
    """

    fisher: sp.ImmutableMatrix
    neg_expected_hessian: sp.ImmutableMatrix
    hessian: sp.ImmutableMatrix
    score: sp.ImmutableMatrix
    vector: sp.ImmutableMatrix
    swap: bool = False
    predictors: tuple[sp.Symbol, ...] = ()
    forms: tuple[sp.Expr, ...] = ()
    reduced: tuple[sp.ImmutableMatrix, ...] = ()

    def __post_init__(self) -> None:
        m = self.fisher.rows
        if len(self.predictors) != len(self.forms) or (self.predictors and len(self.predictors) != m) \
                or len(self.reduced) not in (0, 4):
            raise ModelError(f"a Kronecker structure needs m = {m} predictors with their forms and the four reduced "
                             f"factors, got {len(self.predictors)} predictors, {len(self.forms)} forms and "
                             f"{len(self.reduced)} factors")

    @property
    def outer(self) -> sp.ImmutableMatrix:
        """c cᵀ."""
        return sp.ImmutableMatrix(self.vector * self.vector.T)

    def in_predictors(self, matrix: str = "fisher") -> sp.ImmutableMatrix:
        """The factor of ``matrix`` ("score", "hessian", "fisher", "neg_expected_hessian") written in the
        predictors η (in θ when they are not known): substituting ``forms`` for ``predictors`` gives the
        attribute of the same name."""
        names = ("score", "hessian", "fisher", "neg_expected_hessian")
        if matrix not in names:
            raise ModelError(f"unknown factor {matrix!r}; one of {', '.join(names)}")
        return self.reduced[names.index(matrix)] if self.reduced else getattr(self, matrix)

    def factors(self, matrix: str = "fisher") -> tuple[sp.ImmutableMatrix, sp.ImmutableMatrix]:
        """(A, B) with the named matrix ("fisher", "neg_expected_hessian", "hessian") equal to A ⊗ B."""
        left = getattr(self, matrix)
        return (self.outer, left) if self.swap else (left, self.outer)

    def matrix(self, matrix: str = "fisher") -> sp.ImmutableMatrix:
        """The dense product A ⊗ B (for checks; the point of the structure is not to build it)."""
        a, b = self.factors(matrix)
        return sp.ImmutableMatrix(sp.kronecker_product(a, b).as_explicit())

    def scaled(self, n: sp.Expr) -> Kronecker:
        """The structure of n i.i.d. observations: the information factors times n."""
        reduced = self.reduced and (*self.reduced[:2], self.reduced[2] * n, self.reduced[3] * n)
        return Kronecker(self.fisher * n, self.neg_expected_hessian * n, self.hessian, self.score, self.vector,
                         self.swap, self.predictors, self.forms, tuple(reduced))

    def __iter__(self):
        return iter(self.factors("fisher"))

    def __repr__(self) -> str:
        a, b = self.factors("fisher")
        return f"Kronecker(I(θ) = A ⊗ B with A {a.shape[0]}×{a.shape[1]}, B {b.shape[0]}×{b.shape[1]})"


def kronecker_layout(jacobian: sp.Matrix) -> tuple[sp.ImmutableMatrix, bool] | None:
    """(c, swap) when J = I_m ⊗ cᵀ (``swap`` False) or cᵀ ⊗ I_m (True) with m ≥ 2 and p ≥ 2, else ``None``.

    >>> z1, z2 = sp.symbols("z1 z2", real=True)
    >>> kronecker_layout(sp.Matrix([[z1, z2, 0, 0], [0, 0, z1, z2]]))
    (Matrix([
    [z1],
    [z2]]), False)
    """
    m, k = jacobian.shape
    if m < 2 or k % m or k // m < 2:
        return None
    p = k // m
    rows = [list(jacobian.row(a)) for a in range(m)]
    c = rows[0][:p]
    if all(rows[a] == [0] * (a * p) + c + [0] * ((m - a - 1) * p) for a in range(m)) and any(v != 0 for v in c):
        return sp.ImmutableMatrix(c), False
    c = [rows[0][r * m] for r in range(p)]
    if all(rows[a][r * m + b] == (c[r] if a == b else 0) for a in range(m) for r in range(p) for b in range(m)) \
            and any(v != 0 for v in c):
        return sp.ImmutableMatrix(c), True
    return None
