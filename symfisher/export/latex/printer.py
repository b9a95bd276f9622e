"""SymPy's LaTeX printer with safe symbol names and textbook special functions: :func:`math_latex`."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable, Iterator

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from symfisher.export.latex.text import escape_text, latex_name

__all__ = ["math_latex", "euler_constant_beside", "euler_constant_latex"]


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with safe symbol names and textbook special functions."""

    def _print_Symbol(self, expr, style="plain"):  # noqa: D401 - sympy hook
        return latex_name(expr.name)

    _print_Dummy = _print_Symbol

    def _print(self, expr, **kwargs) -> str:
        if expr is sp.EulerGamma:  # its own ``_latex`` hook would win over a ``_print_EulerGamma``
            return euler_constant_latex()
        return super()._print(expr, **kwargs)

    def _print_polygamma(self, expr, exp=None):
        n, z = expr.args
        arg = self._print(z)
        head = {0: r"\psi", 1: r"\psi'", 2: r"\psi''"}.get(n, None) if n.is_Integer else None
        if head is None:
            head = r"\psi^{(" + self._print(n) + ")}"
        tex = head + r"\!\left(" + arg + r"\right)"
        return _powered(tex, exp)

    def _print_beta(self, expr, exp=None):
        """B(a, b) with its arguments typeset (SymPy's printer writes them with ``str``: B(t + 1, u + 1/xi))."""
        a, b = expr.args if len(expr.args) == 2 else (expr.args[0], expr.args[0])
        tex = r"\operatorname{B}\left(" + self._print(a) + ", " + self._print(b) + r"\right)"
        return _powered(tex, exp)

    def _print_loggamma(self, expr, exp=None):
        tex = r"\log\Gamma\!\left(" + self._print(expr.args[0]) + r"\right)"
        return _powered(tex, exp)

    def _print_Function(self, expr, exp=None):
        if isinstance(expr, AppliedUndef):
            name = expr.func.__name__
            head = latex_name(name) if len(name) == 1 or name.isidentifier() is False else \
                r"\operatorname{" + escape_text(name) + "}"
            if len(name) == 1:
                head = latex_name(name)
            tex = head + r"\left(" + ", ".join(self._print(a) for a in expr.args) + r"\right)"
            return _powered(tex, exp)
        return super()._print_Function(expr, exp)


def _powered(tex: str, exp: str | None) -> str:
    """``tex`` raised to SymPy's ``exp`` (a power of a function printed by a hook), in brackets; ``tex`` without one."""
    return r"\left(" + tex + r"\right)^{" + exp + "}" if exp else tex


_SETTINGS = {"ln_notation": False, "long_frac_ratio": None}

_EULER = ContextVar("symfisher_euler_constant", default=r"\gamma")


def euler_constant_latex() -> str:
    r"""Euler's constant as the document being written types it: ``\gamma``, or ``\gamma_{\mathrm{E}}``
    inside :func:`euler_constant_beside` symbols of which one is also typed γ."""
    return _EULER.get()


@contextmanager
def euler_constant_beside(symbols: Iterable[sp.Symbol]) -> Iterator[None]:
    r"""Within the block, Euler's constant is γ_E where one of ``symbols`` (a model's) prints as γ.

    >>> with euler_constant_beside([sp.Symbol("gamma")]):
    ...     math_latex(sp.EulerGamma + sp.Symbol("gamma"))
    '\\gamma + \\gamma_{\\mathrm{E}}'
    >>> math_latex(sp.EulerGamma)
    '\\gamma'
    """
    clash = any(latex_name(s.name) == r"\gamma" for s in symbols)
    token = _EULER.set(r"\gamma_{\mathrm{E}}" if clash else r"\gamma")
    try:
        yield
    finally:
        _EULER.reset(token)


def math_latex(expr: object) -> str:
    r"""A SymPy object (expression, matrix, set) as LaTeX math with safe symbol names.

    >>> math_latex(sp.polygamma(1, sp.Symbol("alpha")) / sp.Symbol("σ2"))
    "\\frac{\\psi'\\!\\left(\\alpha\\right)}{\\sigma_{2}}"
    """
    expr = sp.sympify(expr) if not isinstance(expr, sp.Basic) else expr
    # ordering the terms of a sum evaluates numeric ones: never do that to an unevaluated integral
    settings = dict(_SETTINGS, order="none") if expr.has(sp.Integral, sp.Sum) else _SETTINGS
    return _Printer(settings).doprint(expr)
