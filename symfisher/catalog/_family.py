"""The catalog entry type: a model's raw ingredients plus its literature Fisher matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping

import sympy as sp


@dataclass(frozen=True)
class Family:
    """One catalog family.

    Attributes:
        name: CLI name, lower-case with dashes (``"gamma-rate"``).
        title: Human title with the parametrization (``"Gamma (shape α, rate β)"``).
        expr: The density / mass function (``kind="pdf"``) or log-density (``kind="logpdf"``).
        data: Data symbol(s).
        params: Parameters, in the order of the Fisher matrix rows.
        support: SymPy set (or dict symbol → set) of the data.
        fisher: Literature Fisher information I(θ) for ONE observation, in terms of ``params``
            (and ``given`` covariates).
        source: Citation of the literature value.
        equality: Expected verdict on I(θ) = −E[H]: ``"proved"`` or ``"refuted"``.
        given: Covariate symbols conditioned on (regression models).
        domain: Parameter domains beyond the symbol assumptions (e.g. ``{p: Interval.open(0, 1)}``).
        kind: ``"pdf"`` (density or mass function) or ``"logpdf"``.
        notes: Parametrization details and remarks.
    """

    name: str
    title: str
    expr: sp.Expr
    data: sp.Symbol | tuple[sp.Symbol, ...]
    params: tuple[sp.Symbol, ...]
    support: sp.Set | Mapping[sp.Symbol, sp.Set]
    fisher: sp.Matrix
    source: str
    equality: Literal["proved", "refuted"] = "proved"
    given: tuple[sp.Symbol, ...] = ()
    domain: Mapping[sp.Symbol, sp.Set] = field(default_factory=dict)
    kind: Literal["pdf", "logpdf"] = "pdf"
    notes: str = ""

    def model(self):
        """Build the :class:`symfisher.Model` for this family."""
        from symfisher.core.model import Model

        build = Model.from_pdf if self.kind == "pdf" else Model.from_logpdf
        return build(
            self.expr,
            data=self.data,
            params=list(self.params),
            support=self.support,
            given=list(self.given) or None,
            domain=dict(self.domain) or None,
            name=self.name,
        )
