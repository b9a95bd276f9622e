"""Special-function printing shared by the array-library backends (JAX, PyTorch).

Each backend's printer names where a function lives (the library's special-function module, or the
tested helpers the backend ships under :data:`HELPERS` where the library has none or an inaccurate one);
this mixin prints the functions both backends write the same way: log Γ and the logs of Γ, n!, B and
binomial coefficients, the lower and upper incomplete Γ (the upper one for every real order,
through the backend's helper), erf, erfc, erf⁻¹, Hurwitz ζ, principal-branch
Lambert W, Heaviside and the Dirac delta.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symfisher.errors import NotSupportedError

__all__ = ["HELPERS", "SpecialFunctionPrinting"]

HELPERS = "symfisher_special"  # global name of a backend's helper namespace in generated code


class SpecialFunctionPrinting:
    """Mixin for a SymPy code printer; put it first among the bases.

    Attributes:
        LIBRARY: The library's name in messages ("JAX", "PyTorch").
        SPECIAL: Its module of special functions (``gammaln``, ``digamma``, ``erf`` … are taken from it).
        GAMMA: The function that computes Γ.
        ZETA: The function that computes the Hurwitz ζ(s, q).
    """

    LIBRARY = ""
    SPECIAL = ""
    GAMMA = ""
    ZETA = ""

    def _call(self, name: str, *args: Any) -> str:
        return f"{name}({', '.join(a if isinstance(a, str) else self._print(a) for a in args)})"

    def _unsupported(self, what: str, limit: str) -> NotSupportedError:
        return NotSupportedError(f"{what} has no {self.LIBRARY} form ({limit})")

    def _print_plain_log(self, expr: sp.Expr) -> str:
        """log of anything else: the base printer's."""
        return super()._print_log(expr)  # type: ignore[misc]

    def _print_hyper(self, expr: sp.Expr) -> str:  # ₘFₘ(1, …; 2, …; w): the incomplete-gamma strategy's form
        m = len(expr.ap)
        if m == len(expr.bq) and 1 <= m <= 5 and set(expr.ap) == {1} and set(expr.bq) == {2}:
            return self._call(f"{HELPERS}.unit_hyper", str(m), expr.argument)
        raise self._unsupported(sp.sstr(expr), "only mFm(1, ..., 1; 2, ..., 2; w), m <= 5")

    def _print_loggamma(self, expr: sp.Expr) -> str:
        return self._call(f"{self.SPECIAL}.gammaln", expr.args[0])

    def _print_gamma(self, expr: sp.Expr) -> str:
        return self._call(self.GAMMA, expr.args[0])

    def _print_beta(self, expr: sp.Expr) -> str:
        a, b = expr.args if len(expr.args) == 2 else (expr.args[0], expr.args[0])
        return self._call(f"{HELPERS}.beta", a, b)

    def _print_log(self, expr: sp.Expr) -> str:
        """log Γ(a), log n!, log B(a, b) and log C(n, k) through log Γ (no overflow of Γ itself)."""
        (arg,) = expr.args
        lg = f"{self.SPECIAL}.gammaln"
        if isinstance(arg, sp.gamma):
            return self._call(lg, arg.args[0])
        if isinstance(arg, sp.factorial):
            return self._call(lg, arg.args[0] + 1)
        if isinstance(arg, sp.beta) and len(arg.args) == 2:
            return self._call(f"{HELPERS}.betaln", *arg.args)
        if isinstance(arg, sp.binomial):
            n, k = arg.args
            return f"({self._call(lg, n + 1)} - {self._call(lg, k + 1)} - {self._call(lg, n - k + 1)})"
        return self._print_plain_log(expr)

    def _print_lowergamma(self, expr: sp.Expr) -> str:
        a, x = expr.args
        return f"({self._call(self.GAMMA, a)}*{self._call(f'{self.SPECIAL}.gammainc', a, x)})"

    def _print_uppergamma(self, expr: sp.Expr) -> str:  # every real order: the helper recurs below a ≤ 0
        return self._call(f"{HELPERS}.upper_gamma", *expr.args)

    def _print_erf(self, expr: sp.Expr) -> str:
        return self._call(f"{self.SPECIAL}.erf", expr.args[0])

    def _print_erfc(self, expr: sp.Expr) -> str:
        return self._call(f"{self.SPECIAL}.erfc", expr.args[0])

    def _print_erfinv(self, expr: sp.Expr) -> str:
        return self._call(f"{self.SPECIAL}.erfinv", expr.args[0])

    def _print_zeta(self, expr: sp.Expr) -> str:
        s, q = (expr.args[0], sp.S.One) if len(expr.args) == 1 else expr.args
        return self._call(self.ZETA, s, q)

    def _print_LambertW(self, expr: sp.Expr) -> str:
        if len(expr.args) == 2 and expr.args[1] != 0:
            raise self._unsupported(f"LambertW branch {sp.sstr(expr.args[1])}", "principal branch only")
        return self._call(f"{HELPERS}.lambertw", expr.args[0])

    def _print_Heaviside(self, expr: sp.Expr) -> str:
        h0 = expr.args[1] if len(expr.args) == 2 else sp.S.Half
        return self._call(f"{HELPERS}.heaviside", expr.args[0], h0)

    def _print_DiracDelta(self, expr: sp.Expr) -> str:
        return self._call(f"{HELPERS}.dirac_delta", expr.args[0])
