"""The one way the core reaches an outer layer: convenience methods of core objects.

``Derivation.lambdify``, ``Derivation.to_latex`` and friends are conveniences for users; the work
lives in an outer layer (numeric code, exporters, uses, text parsing). Each such call goes through a
function here, which imports the outer module when it is called — the way pandas' ``DataFrame.plot``
reaches its plotting backend. Every import below is listed, with its reason, as an exception in the
import-linter contracts of ``pyproject.toml``; no other core module may import an outer layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import sympy as sp

if TYPE_CHECKING:
    from symfisher.core.derivation import Derivation
    from symfisher.core.model import Model
    from symfisher.core.verdict import Verdict


def lambdify(derivation: Derivation, backend: str, dtype: Any = None) -> Any:
    """``Derivation.lambdify`` → :func:`symfisher.numeric.compiler.lambdify_derivation`."""
    from symfisher.numeric.compiler import lambdify_derivation

    return lambdify_derivation(derivation, backend, dtype=dtype)


def derivation_latex(derivation: Derivation, document: bool) -> str:
    """``Derivation.to_latex`` → :func:`symfisher.export.latex.derivation_to_latex`."""
    from symfisher.export.latex import derivation_to_latex

    return derivation_to_latex(derivation, document)


def derivation_repr_latex(derivation: Derivation) -> str:
    """``Derivation._repr_latex_`` (Jupyter) → :func:`symfisher.export.latex.derivation_repr_latex`."""
    from symfisher.export.latex import derivation_repr_latex as render

    return render(derivation)


def derivation_markdown(derivation: Derivation) -> str:
    """``Derivation.to_markdown`` → :func:`symfisher.export.latex.derivation_to_markdown`."""
    from symfisher.export.latex import derivation_to_markdown

    return derivation_to_markdown(derivation)


def verdict_latex(verdict: Verdict) -> str:
    """``Verdict._repr_latex_`` (Jupyter) → :func:`symfisher.export.latex.verdict_to_latex`."""
    from symfisher.export.latex import verdict_to_latex

    return verdict_to_latex(verdict)


def reparametrize_derivation(derivation: Derivation, mapping: Mapping[sp.Symbol, sp.Expr],
                             new_params: Sequence[sp.Symbol], **kwargs: Any) -> Derivation:
    """``Derivation.reparametrize`` → :func:`symfisher.uses.reparam.reparametrize_derivation`."""
    from symfisher.uses.reparam import reparametrize_derivation as run

    return run(derivation, mapping, new_params, **kwargs)


def reparametrize_model(model: Model, mapping: Mapping[sp.Symbol, sp.Expr], new_params: Sequence[sp.Symbol],
                        **kwargs: Any) -> Model:
    """``Model.reparametrize`` → :func:`symfisher.uses.reparam.reparametrize_model`."""
    from symfisher.uses.reparam import reparametrize_model as run

    return run(model, mapping, new_params, **kwargs)


def model_from_string(*args: Any, **kwargs: Any) -> Model:
    """``Model.from_string`` → :func:`symfisher.text.untrusted.model_from_string` (the safe parser)."""
    from symfisher.text.untrusted import model_from_string as parse

    return parse(*args, **kwargs)
