"""The "Numeric implementation" appendix: the Fisher entries compiled with ``sympy.lambdify`` and read
back as math by latexify-py, so the generated code can be checked against the derivation. latexify-py prints a
SciPy special function by its name, ``iv(1, κ)``; :func:`special_functions_as_math` writes I₁(κ), as the derivation
does.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

import sympy as sp

from symfisher.export.latex.blocks import Block, Display, Seg, formula, join_names, model_symbols, prose
from symfisher.export.latex.printer import euler_constant_beside, euler_constant_latex
from symfisher.export.latex.text import latex_name

if TYPE_CHECKING:  # pragma: no cover
    from symfisher.core.derivation import Derivation

__all__ = ["numeric_functions", "numeric_latex", "numeric_args", "appendix_blocks", "special_functions_as_math"]


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
            body = special_functions_as_math(body)
            for n in reversed(range(len(args))):
                body = body.replace(r"\mathrm{" + _PLACEHOLDER.format(n) + "}", "{" + latex_name(args[n].name) + "}")
                body = body.replace(_PLACEHOLDER.format(n), "{" + latex_name(args[n].name) + "}")
            names = ", ".join(latex_name(a.name) for a in args)
            pn = join_names(latex_name(d.params[i].name), latex_name(d.params[j].name))
            out[(i, j)] = rf"\mathcal{{I}}_{{{pn}}}({names}) = {body}"
    return out


_OPEN, _CLOSE = r"\mathopen{}\left(", r"\mathclose{}\right)"  # latexify-py's parentheses of a call
#: SciPy's special functions in the generated code, written as the derivation writes them: the LaTeX of the function
#: of (order, argument) or of (argument). ``polygamma(0, x)`` is ψ(x), the digamma function.
_ORDERED = {"iv": "I_{{{}}}", "kv": "K_{{{}}}", "jv": "J_{{{}}}", "yv": "Y_{{{}}}", "polygamma": r"\psi^{{({})}}"}
_PLAIN = {"gammaln": r"\ln\Gamma", "erfc": r"\operatorname{erfc}", "erf": r"\operatorname{erf}",
          "expit": r"\operatorname{expit}"}


def special_functions_as_math(tex: str) -> str:
    r"""latexify-py's ``\mathrm{iv} \left( ν, x \right)`` of the generated code as the math it computes, I_ν(x);
    ``polygamma(n, x)`` as ψ⁽ⁿ⁾(x) (ψ(x) for n = 0), ``gammaln`` as ln Γ: the appendix is checked against the
    derivation, which writes them so.

    >>> special_functions_as_math(r"\mathrm{polygamma} \mathopen{}\left( 1, \mathrm{iv} \mathopen{}\left( 0, x "
    ...                           r"\mathclose{}\right) \mathclose{}\right)")
    '\\psi^{(1)} \\mathopen{}\\left( I_{0} \\mathopen{}\\left( x \\mathclose{}\\right) \\mathclose{}\\right)'
    """
    out, at = [], 0
    while (call := _SPECIAL_CALL.search(tex, at)) is not None:
        found = _call_arguments(tex, call.end())
        if found is None:  # unbalanced: the rest is left as it is
            break
        args, end = found
        name = call.group(1)
        if name in _PLAIN or len(args) != 2:
            head, rest = _PLAIN.get(name, rf"\mathrm{{{name}}}"), args
        else:
            order = args[0].strip()
            head = r"\psi" if (name, order) == ("polygamma", "0") else _ORDERED[name].format(order)
            rest = args[1:]
        inner = special_functions_as_math(", ".join(a.strip() for a in rest))
        out += [tex[at:call.start()], f"{head} {_OPEN} {inner} {_CLOSE}"]
        at = end
    return "".join(out) + tex[at:]


_SPECIAL_CALL = re.compile(r"\\mathrm\{(" + "|".join((*_ORDERED, *_PLAIN)) + r")\} " + re.escape(_OPEN))


def _call_arguments(tex: str, start: int) -> tuple[list[str], int] | None:
    """The top-level comma-separated arguments of the call whose parentheses open just before ``start``, and the
    index after its closing parenthesis (None where they do not close)."""
    depth, args, begun, i = 0, [], start, start
    while i < len(tex):
        token = next((t for t in (_OPEN, _CLOSE) if tex.startswith(t, i)), tex[i])
        if token == _CLOSE and depth == 0:
            return [*args, tex[begun:i]], i + len(token)
        if token in (_OPEN, "{"):
            depth += 1
        elif token in (_CLOSE, "}"):
            if depth == 0:  # a brace closes outside the call
                return None
            depth -= 1
        elif token == "," and depth == 0:
            args.append(tex[begun:i])
            begun = i + 1
        i += len(token)
    return None


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
