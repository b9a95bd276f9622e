"""The "Numeric implementation" appendix: the Fisher entries compiled with ``sympy.lambdify`` and read
back as math by latexify-py, so the generated code can be checked against the derivation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import sympy as sp

from symfisher.export.latex.blocks import Block, Display, Seg, formula, join_names, model_symbols, prose
from symfisher.export.latex.printer import euler_constant_beside, euler_constant_latex
from symfisher.export.latex.text import latex_name

if TYPE_CHECKING:  # pragma: no cover
    from symfisher.core.derivation import Derivation

__all__ = ["numeric_functions", "numeric_latex", "numeric_args", "appendix_blocks"]


def numeric_args(d: Derivation, expr: sp.Expr) -> list[sp.Symbol]:
    """The arguments of an entry's numeric function: the parameters, then its other free symbols by name."""
    extra = sorted((expr.free_symbols - set(d.params)), key=lambda s: s.name)
    return [*d.params, *extra]


def numeric_functions(d: Derivation) -> dict[tuple[int, int], Callable]:
    """NumPy/SciPy functions of the closed-form Fisher entries I_ij (i ≤ j), via ``sympy.lambdify``.

    Each takes the parameters in order, then any other free symbols (covariates, n) sorted by name.
    Entries without a closed form (unevaluated expectations) are left out.

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> numeric_functions(d)[(0, 0)](2.0)
    0.25
    """
    out = {}
    for i in range(len(d.params)):
        for j in range(i, len(d.params)):
            e = d.fisher[i, j]
            if e.has(sp.Integral, sp.Sum):
                continue
            args = numeric_args(d, e)
            out[(i, j)] = sp.lambdify(args, e, modules=["scipy", "numpy"], cse=True)
    return out


_PLACEHOLDER = "symfisherarg{}"
_EULER = "symfishereuler"  # numpy's euler_gamma in the generated code


def has_numeric_code(e: sp.Expr) -> bool:
    """Whether the one compiler writes NumPy/SciPy code for the closed form ``e``; where it cannot (Li₂, which
    SciPy has only as Spence's function, and whose closed forms cancel near their removable singularities), the
    numeric functions integrate the entry instead."""
    from symfisher.numeric.compiler import NumericPrinter

    try:
        NumericPrinter().doprint(e)
    except Exception:  # noqa: BLE001 - SymPy's printers raise PrintMethodNotImplementedError (or others)
        return False
    return True


def numeric_latex(d: Derivation) -> dict[tuple[int, int], str]:
    """The generated numeric functions rendered as math by latexify-py: ``{(i, j): "I_ij(θ) = ..."}``.

    The code is produced by ``sympy.lambdify(..., cse=True)`` and read back by ``latexify.get_latex``
    with ``reduce_assignments=True`` (CSE temporaries folded back in). Arguments are renamed to
    placeholders so that any symbol name renders as valid LaTeX.
    """
    import latexify

    out = {}
    for i in range(len(d.params)):
        for j in range(i, len(d.params)):
            e = d.fisher[i, j]
            if e.has(sp.Integral, sp.Sum) or not has_numeric_code(e):
                continue
            args = numeric_args(d, e)
            holders = [sp.Symbol(_PLACEHOLDER.format(n)) for n in range(len(args))]
            f = sp.lambdify(holders, e.xreplace(dict(zip(args, holders))), modules=["scipy", "numpy"], cse=True)
            try:
                body = latexify.get_latex(f, reduce_assignments=True, use_math_symbols=True, use_signature=False,
                                          identifiers={"_lambdifygenerated": f"I_{i}{j}", "euler_gamma": _EULER})
            except Exception:  # noqa: BLE001 - latexify cannot read some generated code; skip that entry
                continue
            body = body.replace(r"\mathrm{" + _EULER + "}", euler_constant_latex())  # γ, or γ_E beside a γ
            for n in reversed(range(len(args))):
                body = body.replace(r"\mathrm{" + _PLACEHOLDER.format(n) + "}", "{" + latex_name(args[n].name) + "}")
                body = body.replace(_PLACEHOLDER.format(n), "{" + latex_name(args[n].name) + "}")
            names = ", ".join(latex_name(a.name) for a in args)
            pn = join_names(latex_name(d.params[i].name), latex_name(d.params[j].name))
            out[(i, j)] = rf"\mathcal{{I}}_{{{pn}}}({names}) = {body}"
    return out


def appendix_blocks(d: Derivation, pre: str) -> list[Block]:
    """The appendix's blocks; ``pre`` is the equation-label prefix of the proof."""
    blocks = [Block("h1", (prose("Numeric implementation"),))]
    with euler_constant_beside(model_symbols(d)):
        code = numeric_latex(d)
    blocks.append(Block("p", (prose("The Fisher entries compile to NumPy/SciPy functions with "),
                              Seg("c", "sympy.lambdify"),
                              prose(" (common subexpressions eliminated); latexify-py reads the generated code back as "
                                    "the formulas below, so the code can be checked against the derivation."))))
    for (i, j), tex in code.items():
        lhs, _, rhs = tex.partition(" = ")
        blocks.append(Block("eq", eq=Display((lhs, rhs), f"{pre}code{i}{j}", True)))
    k = len(d.params)
    uncompiled = [(i, j) for i in range(k) for j in range(i, k) if (i, j) not in code
                  and not d.fisher[i, j].has(sp.Integral, sp.Sum) and not has_numeric_code(d.fisher[i, j])]
    if uncompiled:
        names = ", ".join(rf"\mathcal{{I}}_{{{join_names(*(latex_name(d.params[n].name) for n in cell))}}}"
                          for cell in uncompiled)
        one = len(uncompiled) == 1
        blocks.append(Block("p", (prose("The closed form of " if one else "The closed forms of "), formula(names),
                                  prose(f" {'has' if one else 'have'} no NumPy/SciPy code; the numeric functions "
                                        f"integrate {'that entry' if one else 'those entries'} instead."),)))
    if not code and not uncompiled:
        blocks.append(Block("p", (prose("No entry has a closed form, so no numeric function was generated."),)))
    return blocks
