"""The one numeric compiler: SymPy expressions → NumPy/SciPy (or JAX, PyTorch) code.

Everything in symfisher that turns SymPy into numeric code goes through :func:`kernel_source`:

* :func:`compile_function` (and :func:`compiled_source`, its text): any expressions as one function — used by
  :class:`~symfisher.numeric.sample.SampleModel` (estimation, optimization), the JAX and PyTorch models, the
  uses (EWC, plots) and the LaTeX appendix; :func:`get_backend` picks the printer per backend;
* :func:`module_source`: a :class:`~symfisher.core.derivation.Derivation` as one Python module of NumPy/SciPy
  code (the source that :func:`symfisher.export.code.export_code` writes to disk), which
  :func:`lambdify_derivation` wraps in a :class:`NumericModel` that validates its arguments (cross-checks,
  empirical and observed information use it).

How the code is generated:

* ``sympy.lambdify(..., cse=True)`` once per quantity (log p, score, Hessian upper triangle, I(θ),
  −E[H]), with :class:`NumericPrinter`: small integer powers become products (``sigma**-2`` →
  ``1/(sigma*sigma)``, ~2-7× faster than ``numpy.power``), ``log Γ`` → ``gammaln``, ψ → ``digamma``,
  ψ1 → a vectorized :func:`~symfisher.numeric._runtime.trigamma` (~5× faster than
  ``scipy.special.polygamma(1, ·)``), and SciPy for the other special functions (erf, Bessel …).
* A sum Σ_{k=a}^{b} t(k) with b = ∞ (a density written as a mixture series) or b in the data (⌊x/2⌋) becomes a
  call of a generated function that sums the term, compiled as a kernel of (k, θ), by
  :func:`~symfisher.core.series.series_sum` (NumPy backend).
* ``log(b**e)`` with b > 0 is rewritten e·log(b) before printing (no overflow of b**e).
* Overflow-prone forms are rewritten before printing (:func:`stabilize`): log(1 + e^u) →
  ``numpy.logaddexp(0, u)``, e^u/(1 + e^u) and 1/(1 + e^-u) → ``scipy.special.expit(u)``,
  e^u/(1 + e^u)² → expit(u)·expit(−u), log(1 + y) → ``numpy.log1p(y)`` (logistic regression stays finite
  at ``|η| = 800``); c(1 − e^u) → −c·``numpy.expm1(u)`` (no 0/0 where e^u rounds to 1).
* User text (model name, symbol names, formulas, labels) enters the source only as string literals made
  by :func:`py_literal` or :func:`docstring_literal`; argument names are identifiers made from the symbol
  names, and :class:`NumericPrinter` refuses to print any other symbol name.

Conventions of every :class:`NumericModel` method:

* Arguments broadcast like NumPy; results are float64 arrays of the broadcast shape, with a trailing
  axis (k,) for the score and (k, k) for matrices — also for data-free entries and scalar input.
* Multivariate data (m data symbols): ``x`` has a trailing axis of size m, one column per data symbol
  in the order of ``Model.data``.
* Covariates (``Model.given``) are keyword arguments.
* Every argument must be a real number or an array of reals (ints, floats, NumPy scalars and arrays,
  lists of numbers, Dask arrays); complex, bool, str, None, object or ragged input raises
  :class:`~symfisher.errors.ModelError` naming the argument and the bad value.
* Parameter values outside their domain (σ ≤ 0, p ∉ (0, 1) …) raise :class:`~symfisher.errors.ModelError`
  naming the parameter and the first bad value. NaN parameters propagate as NaN. Data are not
  checked against the support: the formulas are evaluated as they stand.
* An entry of I(θ) = E[s sᵀ] that did not close (``Integral``/``Sum`` left) is taken from the closed
  −E[H] entry when the support does not depend on θ and the information equality is not refuted
  (``NumericModel.fisher_from_neh`` lists them; :func:`~symfisher.numeric.crosscheck.cross_check` tests exactly
  this by sampling E[s sᵀ]).
* Remaining unevaluated expectations (labelled "numeric, no closed form" in ``Derivation.strategies``) are
  evaluated per parameter point by :mod:`symfisher.core.quadrature`: adaptive Gauss–Kronrod quadrature of
  E[s_i s_j] (resp. E[−H_ij]) over the support, nested over 2–3 data axes of a product support, summation
  over discrete axes, the exact sum over a finite joint support (a FiniteSet of Tuples), a continuous simplex
  {x_i > 0, Σ x_i < c} mapped onto the unit box (stick-breaking), and for discrete data the box of the
  marginal ranges times the indicator of a ConditionSet support. ``NumericModel.fisher_error`` and
  ``NumericModel.neg_expected_hessian_error`` give the absolute error estimate of each entry (0 for closed
  forms). Where no quadrature exists (more than 3 continuous axes, a continuous ConditionSet other than a
  simplex, support bounds with no numeric form) they raise
  :class:`~symfisher.errors.NotSupportedError` naming the entry and the reason.
"""

from __future__ import annotations

import builtins
import decimal
import functools
import inspect
import itertools
import keyword
import linecache
import numbers
import unicodedata
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy as sp
from sympy.printing.numpy import SciPyPrinter
from sympy.printing.precedence import PRECEDENCE

from symfisher.core.display import readable_logpdf
from symfisher.core.special_forms import exp_minus_one, tame_logs, zeta_derivatives
from symfisher.core.expectation.base import NO_CLOSED_FORM, expanded_logpdf
from symfisher.core.points import domain_of, is_discrete_set
from symfisher.core.structure.joint import indicator, membership
from symfisher.errors import BudgetExceeded, ModelError, NotSupportedError
from symfisher.core import renaming, series
from symfisher.core import quadrature
from symfisher.core.deadline import run_with_deadline
from symfisher.core.removable import candidate_points, removable_points_of
from symfisher.numeric import _runtime

__all__ = ["Backend", "Expit", "Log1p", "NumericModel", "NumericPrinter", "Softplus", "check_names",
           "compile_function", "compiled_source", "docstring_literal", "docstring_text", "get_backend",
           "guarded_entries", "kernel_source", "lambdify_derivation", "module_source", "prepare", "py_literal",
           "real_argument", "stabilize"]

_RUNTIME_NAMES = ("series_sum", "SERIES_BLOCK", "SERIES_MAX_TERMS", "SERIES_RTOL", "SERIES_ZERO_BLOCKS",
                  "_TRIGAMMA_SERIES", "trigamma", "stack", "expect_1d", "mode_scale", "_XGK", "_WGK", "_WG", "gauss_kronrod",
                  "as_arrays", "split_data", "open_entries", "expect_on_support", "_EPS", "NESTED_POINTS",
                  "NESTED_INITIAL", "DEFAULT_RTOL", "_TINY", "_weighted",
                  "gauss_kronrod_error", "SINGULAR_START", "SINGULAR_ROUNDS", "SINGULAR_RATIO",
                  "SINGULAR_INTERVALS", "CHAIN_ROUNDS", "CHAIN_NOISE", "_kronrod", "_steady", "_stuck", "_chains",
                  "_combined", "_diverged", "_converged_overflow", "_sum_integers", "_axis", "_centers", "expect",
                  "expect_points",
                  "_stick_breaking", "_CHUNK", "NEGLIGIBLE", "EXPECT_SECONDS", "FALLBACK_RTOL", "_late", "_Due",
                  "_expect_until", "NESTED_OUTER", "CHAIN_WIDE", "_rule", "_chunked", "_segment_sum",
                  "gauss_kronrod_batch", "_sum_integers_batch", "mode_scale_batch", "expect_1d_batch", "_batch_part",
                  "zeta_derivative", "_EULER_MACLAURIN", "WHOLE_LINE", "_in_polar", "unit_hyper", "upper_gamma",
                  "_GAMMA_DERIVATIVES_AT_ONE", "_LAGUERRE")
_RESERVED = {"time", "numpy", "scipy", "out", "shape", "point", "fn", "lo", "hi", *_RUNTIME_NAMES, "logpdf", "score",
             "hessian", "fisher", "neg_expected_hessian", "_logpdf_kernel", "_score_kernel",
             "_hessian_kernel", "_fisher_kernel", "_neh_kernel", "_support_kernel", "_score_full", "_hessian_full",
             "_logpdf_factory", "_outer_factory", "_neg_hessian_factory", "MODEL", "DATA", "PARAMS", "GIVEN", "DISCRETE",
             "SUPPORT_VALUES", "GIVEN_ARGS", "FISHER_FROM_NEH", "FISHER_OPEN", "NEH_OPEN", "err",
             "fisher_error", "neg_expected_hessian_error", "_fisher_both", "_neh_both", "_indicator_kernel",
             "_indicator_factory", "_points_kernel", "SUPPORT_AXES", "SUPPORT_POINTS", "OPEN_UNSUPPORTED",
             "SUPPORT_SIMPLEX"}


# ---------------------------------------------------------------------------------------------- source safety
# Every piece of user-controlled text (model name, symbol names, sp.sstr of expressions, labels) reaches
# generated source only through py_literal (a repr) or docstring_literal (escaped docstring text); names in
# code are identifiers made by _safe_name, and NumericPrinter refuses to print a symbol that is not one.
_LITERAL_TYPES = (str, int, float, bool, type(None))


def py_literal(value: Any) -> str:
    r"""Python source of ``value`` (str, int, float, bool, None, or tuples/lists of them) via ``repr``.

    ``repr`` of these built-in types is a literal that reads back as exactly the value, so no text
    inside it can become code.

    >>> print(py_literal("it's \\ \n"))
    "it's \\ \n"

    Raises:
        TypeError: Another type, or an infinite or NaN float (their ``repr`` is no literal).
    """
    if isinstance(value, (tuple, list)):
        for v in value:
            py_literal(v)
    elif not isinstance(value, _LITERAL_TYPES) or (isinstance(value, float) and not np.isfinite(value)):
        raise TypeError(f"py_literal: {value!r} of type {type(value).__name__} has no literal")
    return repr(value)


def _escape_char(c: str) -> str:
    r"""``c`` as an escape sequence of a Python string literal (``\xNN``, ``\uNNNN`` or ``\UNNNNNNNN``)."""
    o = ord(c)
    return f"\\x{o:02x}" if o < 0x100 else (f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")


def docstring_text(text: str) -> str:
    r"""``text`` escaped for the inside of a triple-quoted, non-raw string literal (a docstring).

    Backslashes and double quotes get a backslash, so no quote inside can end the literal; every
    character that is not printable (``\r``, ``\x0b``, ``\x0c``, ``\u2028``, NUL, lone surrogates …)
    except the newline becomes an escape sequence. Three double quotes, then the result, then three
    double quotes is a literal whose value is exactly ``text``.

    >>> print(docstring_text('a "b" \\ c\rd'))
    a \"b\" \\ c\x0dd
    """
    out = []
    for c in str(text):
        if c in ('"', "\\"):
            out.append("\\" + c)
        elif c == "\n" or c.isprintable():
            out.append(c)
        else:
            out.append(_escape_char(c))
    return "".join(out)


def docstring_literal(text: str) -> str:
    """A triple-quoted string literal (a docstring) whose value is exactly ``text`` (see :func:`docstring_text`)."""
    return '"""' + docstring_text(text) + '"""'


def _is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def check_names(expr: Any) -> None:
    """Raise NotSupportedError for a symbol (Symbol, Dummy, IndexedBase label, MatrixSymbol) of ``expr`` whose
    name is not a Python identifier: printers write such names into the code verbatim.

    Every backend's printer calls it first (:class:`NumericPrinter`, and the JAX and PyTorch printers).

    >>> check_names(sp.Symbol("a b") + 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symfisher.errors.NotSupportedError: symbol 'a b' is not a Python identifier (only arguments of the generated ...
    """
    if isinstance(expr, (list, tuple)):
        for e in expr:
            check_names(e)
        return
    if not isinstance(expr, sp.Basic):
        return
    for atom in expr.atoms(sp.Symbol, sp.MatrixSymbol):
        if not str(atom.name).isidentifier():  # keywords are fine: the printer appends "_"
            raise NotSupportedError(f"symbol {str(atom.name)!r} is not a Python identifier (only arguments of the "
                                    f"generated code, renamed to identifiers, may appear in it)")


# ---------------------------------------------------------------------------------------------- stable functions
class _Stable(sp.Function):
    """A function the compiler prints as one library call; its value, and so its evalf, is :meth:`elementary`'s."""

    def elementary(self) -> sp.Expr:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.elementary()._eval_evalf(prec)


class Softplus(_Stable):
    """softplus(u) = log(1 + e^u); NumPy code ``numpy.logaddexp(0, u)`` (no overflow of e^u)."""

    nargs = 1

    def elementary(self) -> sp.Expr:
        """The same value written with log and exp."""
        return sp.log(1 + sp.exp(self.args[0]))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return Expit(self.args[0])


class Expit(_Stable):
    """The logistic function expit(u) = 1/(1 + e^-u); NumPy code ``scipy.special.expit(u)``."""

    nargs = 1

    def elementary(self) -> sp.Expr:
        """The same value written with exp."""
        return 1 / (1 + sp.exp(-self.args[0]))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return Expit(self.args[0]) * Expit(-self.args[0])


class Log1p(_Stable):
    """log1p(y) = log(1 + y); NumPy code ``numpy.log1p(y)`` (accurate for small y)."""

    nargs = 1

    def elementary(self) -> sp.Expr:
        """The same value written with log."""
        return sp.log(1 + self.args[0])

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return 1 / (1 + self.args[0])


class ScaledBesselI(_Stable):
    """I_ν(z)·e^{−abs z} for real z; NumPy code ``scipy.special.ive(ν, z)`` (I_ν overflows beyond z ≈ 713)."""

    nargs = 2

    def elementary(self) -> sp.Expr:
        """The same value written with I_ν."""
        nu, z = self.args
        return sp.besseli(nu, z) * sp.exp(-sp.Abs(z))


class ScaledBesselK(_Stable):
    """K_ν(z)·e^{z} for z > 0; NumPy code ``scipy.special.kve(ν, z)`` (K_ν underflows to 0 beyond z ≈ 705)."""

    nargs = 2

    def elementary(self) -> sp.Expr:
        """The same value written with K_ν."""
        nu, z = self.args
        return sp.besselk(nu, z) * sp.exp(z)


# ---------------------------------------------------------------------------------------------- stable rewrites
def _one_plus_exp(e: sp.Expr) -> sp.Expr | None:
    """u when ``e`` is 1 + e^u, else None."""
    if isinstance(e, sp.Add) and len(e.args) == 2 and sp.S.One in e.args:
        other = e.args[1] if e.args[0] == sp.S.One else e.args[0]
        if isinstance(other, sp.exp):
            return other.args[0]
    return None


def _exp_ratio(w: sp.Expr, u: sp.Expr) -> sp.Expr | None:
    """The number a with w = a·u, or None (cheap tests only)."""
    if w == u:
        return sp.S.One
    if sp.count_ops(w) + sp.count_ops(u) > 60:
        return None
    try:
        if sp.expand(w - u) == 0:
            return sp.S.One
        a = sp.cancel(w / u)
    except (sp.PolynomialError, TypeError, ValueError):  # pragma: no cover - exotic arguments: no rewrite
        return None
    return a if a.is_number and a.is_real else None


def _stable_bessel(e: sp.Expr) -> sp.Expr:
    """I_ν(z) → ive(ν, z)·e^{abs z} and K_ν(z) → kve(ν, z)·e^{−z} for real z (z > 0 for K), so that the exponentials
    merge with the others of a product and cancel in a ratio: the Rice law's score holds I₁(z)/I₀(z), inf/inf = nan
    in floats beyond z ≈ 713, and its density e^{−(x² + ν²)/(2σ²)}·I₀(xν/σ²) becomes e^{−(x − ν)²/(2σ²)}·ive(0, ·)."""
    nu, z = e.args
    if isinstance(e, sp.besseli) and z.is_extended_real:
        return ScaledBesselI(nu, z) * sp.exp(sp.Abs(z))
    if isinstance(e, sp.besselk) and z.is_extended_positive:
        return ScaledBesselK(nu, z) * sp.exp(-z)
    return e


def _stable_log(e: sp.log) -> sp.Expr:
    (a,) = e.args
    if a.is_Mul and a.has(ScaledBesselI, ScaledBesselK):  # log(c·e^u) = log c + u for real u: no overflow of e^u
        exps = [f for f in a.args if isinstance(f, sp.exp) and f.args[0].is_extended_real]
        if exps:
            rest = sp.Mul(*[f for f in a.args if f not in exps])
            return sp.log(rest) + sp.Add(*[f.args[0] for f in exps])
    u = _one_plus_exp(a)
    if u is not None:  # log(1 + e^u) → softplus(u)
        return Softplus(u)
    if isinstance(a, Expit):  # log expit(v) = −softplus(−v)
        return -Softplus(-a.args[0])
    if isinstance(a, sp.Pow) and isinstance(a.base, Expit) and a.exp.is_real:
        return -a.exp * Softplus(-a.base.args[0])
    if isinstance(a, sp.Add) and sp.S.One in a.args:  # log(1 + y) → log1p(y)
        return Log1p(a - 1)
    return e


def _stable_pow(e: sp.Pow) -> sp.Expr:
    u = _one_plus_exp(e.base)
    if u is not None and e.exp.is_number and e.exp.is_negative:  # (1 + e^u)^-b → expit(−u)^b
        return Expit(-u) ** (-e.exp)
    return e


def _stable_mul(e: sp.Mul) -> sp.Expr:
    """e^(a·u) · expit(−u)^b → expit(u)^a · expit(−u)^(b−a) for 0 < a ≤ b (no overflow of e^(a·u))."""
    exps = [f for f in e.args if isinstance(f, sp.exp)]
    if not exps:
        return e
    if len(exps) > 1 and e.has(ScaledBesselI, ScaledBesselK):  # e^{−(x² + ν²)/2σ²}·e^{xν/σ²} of a scaled I₀: one
        return sp.Mul(*[f for f in e.args if f not in exps], sp.exp(sp.Add(*[f.args[0] for f in exps])))  # factor
    ex = exps[0]  # SymPy merges the exponentials of a product into one
    for f in e.args:
        base, b = (f.base, f.exp) if isinstance(f, sp.Pow) else (f, sp.S.One)
        if not (isinstance(base, Expit) and b.is_number and b.is_positive):
            continue
        u = -base.args[0]
        a = _exp_ratio(ex.args[0], u)
        if a is not None and a.is_positive and (a <= b) is sp.true:
            rest = [g for g in e.args if g is not ex and g is not f]
            return sp.Mul(*rest, Expit(u) ** a, Expit(-u) ** (b - a))
    return e


def _common_exp(e: sp.Add) -> sp.Expr | None:
    """e^u where every term of ``e`` holds that one exponential (the scaled Bessel functions' e^{abs z}), else None."""
    common = None
    for term in e.args:
        exps = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.exp)]
        if len(exps) != 1 or common not in (None, exps[0]):
            return None
        common = exps[0]
    return common


def _stable_add(e: sp.Add) -> sp.Expr:
    """1 − expit(u) → expit(−u) (no cancellation); e^u·a + e^u·b → e^u·(a + b) beside scaled Bessel functions (I₁′ =
    (I₀ + I₂)/2 in a Hessian: e^{z}(ive₀ + ive₂)/2, whose e^{z} then cancels the e^{−z} of a 1/I₀ instead of inf·0)."""
    if e.has(ScaledBesselI, ScaledBesselK):
        common = _common_exp(e)
        if common is not None:
            return sp.Mul(common, sp.Add(*[term / common for term in e.args]))
    if sp.S.One not in e.args:
        return e
    for t in e.args:
        if isinstance(t, sp.Mul) and len(t.args) == 2 and t.args[0] == -1 and isinstance(t.args[1], Expit):
            rest = [g for g in e.args if g is not t and g != sp.S.One]
            return sp.Add(*rest, Expit(-t.args[1].args[0]))
    return e


_STABLE_RULES = ((sp.log, _stable_log), (sp.Pow, _stable_pow), (sp.Mul, _stable_mul), (sp.Add, _stable_add),
                 ((sp.besseli, sp.besselk), _stable_bessel))


def stabilize(expr: Any) -> Any:
    """Rewrite overflow- and cancellation-prone forms bottom-up, for numeric code.

    log(1 + e^u) → :class:`Softplus` (u); (1 + e^u)^-b → :class:`Expit` (−u)^b, so e^u/(1 + e^u) → expit(u),
    1/(1 + e^-u) → expit(u) and e^u/(1 + e^u)² → expit(u)·expit(−u); log expit(u) → −softplus(−u);
    1 − expit(u) → expit(−u); log(1 + y) → :class:`Log1p` (y); I_ν(z) → :class:`ScaledBesselI` (ν, z)·e^{abs z} and
    K_ν(z) → :class:`ScaledBesselK` (ν, z)·e^{−z}, their exponentials merged with the others of a product, and
    log(c·e^u) → log c + u beside them. The value is unchanged.

    >>> u = sp.Symbol("u", real=True)
    >>> stabilize(sp.exp(u) / (1 + sp.exp(u))**2 - sp.log(1 + sp.exp(u)))
    Expit(-u)*Expit(u) - Softplus(u)
    """
    if not isinstance(expr, sp.Basic):
        return expr
    memo: dict[sp.Basic, sp.Basic] = {}

    def walk(e: sp.Basic) -> sp.Basic:
        if e.is_Atom or not e.args:
            return e
        hit = memo.get(e)
        if hit is not None:
            return hit
        args = tuple(walk(a) for a in e.args)
        out = e.func(*args) if args != e.args else e
        for cls, rule in _STABLE_RULES:
            if isinstance(out, cls):
                out = rule(out)
                break
        memo[e] = out
        return out

    return walk(expr)


class CheckedPrinter:
    """Mixin for every code printer of the compiler: fully qualified module names, strict printing,
    and no symbol whose name is not an identifier (its name would become code)."""

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__({"fully_qualified_modules": True, "strict": True, **dict(settings or {})})

    def doprint(self, expr: Any, assign_to: Any = None) -> str:
        """Code of ``expr``; refuses a symbol whose name is not an identifier (its name would become code)."""
        check_names(expr)
        return super().doprint(expr, assign_to)


class NumericPrinter(CheckedPrinter, SciPyPrinter):
    """SciPy printer with fast small integer powers, ``gammaln``, ``digamma`` and a fast ``trigamma``.

    >>> import sympy as sp
    >>> s = sp.Symbol("sigma", positive=True)
    >>> NumericPrinter().doprint(s**-2)
    '(1/(sigma*sigma))'
    """

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        b, e = expr.base, expr.exp
        if e.is_Integer and not b.is_number and 2 <= abs(int(e)) <= 8:
            base = self.parenthesize(b, PRECEDENCE["Mul"], strict=False)
            prod = "*".join([base] * abs(int(e)))
            return f"({prod})" if e > 0 else f"(1/({prod}))"
        if e == -1 and not b.is_number:
            return f"(1/({self._print(b)}))"
        if e == sp.S.Half:
            return f"numpy.sqrt({self._print(b)})"
        if e == -sp.S.Half:
            return f"(1/numpy.sqrt({self._print(b)}))"
        return super()._print_Pow(expr, rational=rational)

    def _print_polygamma(self, expr: sp.Expr) -> str:
        n, z = expr.args
        if n == 0:
            return f"scipy.special.digamma({self._print(z)})"
        if n == 1:
            return f"trigamma({self._print(z)})"
        return f"scipy.special.polygamma({self._print(n)}, {self._print(z)})"

    def _print_log(self, expr: sp.Expr) -> str:
        (arg,) = expr.args
        if isinstance(arg, sp.gamma):
            return f"scipy.special.gammaln({self._print(arg.args[0])})"
        if isinstance(arg, sp.factorial):
            return f"scipy.special.gammaln({self._print(arg.args[0] + 1)})"
        return super()._print_log(expr)

    def _print_loggamma(self, expr: sp.Expr) -> str:
        return f"scipy.special.gammaln({self._print(expr.args[0])})"

    def _print_ZetaDerivative(self, expr: sp.Expr) -> str:
        n, z = expr.args
        return f"zeta_derivative({int(n)}, {self._print(z)})"

    def _print_Pi(self, expr: sp.Expr) -> str:
        return "numpy.pi"

    def _print_Softplus(self, expr: sp.Expr) -> str:
        return f"numpy.logaddexp(0, {self._print(expr.args[0])})"

    def _print_Expit(self, expr: sp.Expr) -> str:
        return f"scipy.special.expit({self._print(expr.args[0])})"

    def _print_Log1p(self, expr: sp.Expr) -> str:
        return f"numpy.log1p({self._print(expr.args[0])})"

    def _print_ScaledBesselI(self, expr: sp.Expr) -> str:
        return f"scipy.special.ive({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_ScaledBesselK(self, expr: sp.Expr) -> str:
        return f"scipy.special.kve({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_expint(self, expr: sp.Expr) -> str:  # Eₙ(z): E₁ in the Gompertz and Benini laws' information
        nu, z = expr.args
        if nu == 1:
            return f"scipy.special.exp1({self._print(z)})"
        if nu.is_Integer and nu >= 0:
            return f"scipy.special.expn({int(nu)}, {self._print(z)})"
        return self._print_not_supported(expr)

    def _print_hyper(self, expr: sp.Expr) -> str:  # ₘFₘ(1, …; 2, …; w), the incomplete-gamma strategy's form
        m = len(expr.ap)
        if m == len(expr.bq) and 1 <= m <= 5 and set(expr.ap) == {1} and set(expr.bq) == {2}:
            return f"unit_hyper({m}, {self._print(expr.argument)})"
        return self._print_not_supported(expr)

    def _print_uppergamma(self, expr: sp.Expr) -> str:  # Γ(a, x) for any real a (SciPy's gammaincc: a ≥ 0 only)
        return f"upper_gamma({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_zeta(self, expr: sp.Expr) -> str:  # Riemann ζ(s), Hurwitz ζ(s, a)
        return f"scipy.special.zeta({', '.join(map(self._print, expr.args))})"

    def _print_DiracDelta(self, expr: sp.Expr) -> str:  # pointwise: 0 off the origin, inf at it
        return f"numpy.where(numpy.equal({self._print(expr.args[0])}, 0), numpy.inf, 0.0)"


# ---------------------------------------------------------------------------------------------- helpers
def _safe_name(sym: sp.Symbol, taken: set[str]) -> str:
    """A fresh Python identifier for ``sym`` in generated code (NFKC form, other characters → ``_``)."""
    raw = unicodedata.normalize("NFKC", str(sym.name))
    name = "".join(c if ("_" + c).isidentifier() else "_" for c in raw) or "v"
    if not name.isidentifier() or name.startswith("_Dummy"):  # a leading digit or combining mark; lambdify's names
        name = "v" + name
    if not name.isidentifier():  # pragma: no cover - defensive: NFKC edge cases
        name = "v"
    while not _is_identifier(name) or name in _RESERVED or name in taken:
        name += "_"
    taken.add(name)
    return name


def _is_open(expr: sp.Expr, printer: NumericPrinter) -> bool:
    if expr.has(sp.Integral, sp.Sum):
        return True
    try:
        printer.doprint(expr)
    except Exception:  # noqa: BLE001 - sympy raises PrintMethodNotImplementedError (or others) for no SciPy form
        return True
    return False


def _kernel(name: str, args: Sequence[sp.Symbol], exprs: Sequence[tuple[sp.Expr, str]], what: str, model: str) -> str:
    """One kernel of :func:`module_source`: ``def name(*args): return [exprs]`` (arguments already identifiers)."""
    return kernel_source(name, args, [e for e, _ in exprs], NUMPY,
                         labels=[f"model {model}: {what} entry {label}" for _, label in exprs])


# ---------------------------------------------------------------------------------------------- the one compiler
# Every place that turns SymPy into numeric code goes through kernel_source: module_source (NumericModel,
# export_code) directly, everything else through compile_function / compiled_source (SampleModel, the JAX and
# PyTorch models, the uses, the LaTeX appendix). One printer per backend, the same rewrites (prepare), the same
# renaming of arguments to fresh identifiers (_safe_name), the same refusal of other non-identifier names.
_LAMBDIFY_GLOBALS = ("builtins", "range")  # names sympy.lambdify adds to the globals of its functions


@dataclass(frozen=True)
class Backend:
    """One array library of generated code; a plug-in that imports its library only in ``namespace``.

    Attributes:
        name: ``"numpy"``, ``"jax"`` or ``"torch"``.
        title: The library's name in messages (``"NumPy/SciPy"``).
        printer: Makes a new printer of SymPy expressions as this library's code. It refuses symbol names that
            are not identifiers (:func:`check_names`) and prints :class:`Softplus`, :class:`Expit` and
            :class:`Log1p` with the library's stable functions.
        namespace: The globals of the generated functions (imports the library; raises
            :class:`~symfisher.errors.NotSupportedError` when it is not installed).
        stack: ``stack(entries, layout)``: broadcastable entries → one array of shape broadcast + ``layout``
            (row-major).
        broadcast: ``broadcast(value, shape)``: one computed value as a float64 array of ``shape`` (NumPy), or
            ``None`` to return the values as the library computes them.
        names: The global names of the generated code (taken: no argument or function gets one).
    """

    name: str
    title: str
    printer: Callable[[], Any]
    namespace: Callable[[], dict[str, Any]]
    stack: Callable[[Sequence[Any], tuple[int, ...]], Any]
    broadcast: Callable[[Any, tuple[int, ...]], Any] | None
    names: tuple[str, ...]


def _numpy_namespace() -> dict[str, Any]:
    import scipy
    import scipy.special  # noqa: F401 - printed as scipy.special.<name>

    return {"numpy": np, "scipy": scipy, "trigamma": _runtime.trigamma, "zeta_derivative": _runtime.zeta_derivative,
            "unit_hyper": _runtime.unit_hyper, "upper_gamma": _runtime.upper_gamma, "series_sum": series.series_sum}


def _numpy_broadcast(value: Any, shape: tuple[int, ...]) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    return a if a.shape == shape else np.broadcast_to(a, shape).copy()


def _numpy_stack(entries: Sequence[Any], layout: tuple[int, ...]) -> np.ndarray:
    arrays = np.broadcast_arrays(*[np.asarray(e, dtype=float) for e in entries])
    if not arrays:
        return np.empty(tuple(layout))
    out = np.stack(arrays, axis=-1)
    return out.reshape(out.shape[:-1] + tuple(layout))


NUMPY = Backend("numpy", "NumPy/SciPy", NumericPrinter, _numpy_namespace, _numpy_stack, _numpy_broadcast,
                ("numpy", "scipy", "trigamma", "zeta_derivative", "unit_hyper", "upper_gamma", "series_sum"))
BACKENDS = ("numpy", "jax", "torch")


def get_backend(name: str) -> Backend:
    """The :class:`Backend` called ``name``: NumPy here; JAX and PyTorch from their modules, loaded only when asked.

    Raises:
        NotSupportedError: An unknown name.

    >>> get_backend("numpy").title
    'NumPy/SciPy'
    """
    if name == "numpy":
        return NUMPY
    if name in BACKENDS:
        from importlib import import_module

        return import_module(f"{__package__}.{name}").BACKEND
    raise NotSupportedError(f"unknown backend {name!r}; available: {', '.join(BACKENDS)}")


def prepare(expr: Any) -> sp.Expr:
    """The form of ``expr`` that is printed: log(b**e) → e·log(b) for b > 0, c(1 − e^u) → −c·expm1(u), then
    :func:`stabilize`.

    >>> u = sp.Symbol("u", real=True)
    >>> prepare(sp.log(1 + sp.exp(u)))
    Softplus(u)
    """
    expr = sp.sympify(expr, strict=True)
    if expr.has(sp.zoo):  # complex infinity (a Piecewise branch at a pole, on a null set) has no float: NaN
        expr = renaming.renamed(expr, {sp.zoo: sp.nan})
    if expr.has(sp.Derivative):
        expr = zeta_derivatives(expr)
    return stabilize(exp_minus_one(tame_logs(expr)))


def kernel_source(name: str, args: Sequence[sp.Symbol], exprs: Any, backend: Backend | None = None, *,
                  cse: bool = True, labels: Sequence[str] | None = None) -> str:
    """The source ``def name(*args): return exprs`` that ``sympy.lambdify`` writes with the backend's printer.

    The low-level step shared by :func:`module_source` and :func:`compiled_source`: ``args`` must already be
    plain symbols named by identifiers, ``exprs`` prepared (:func:`prepare`); one expression gives
    ``return expr``, a list ``return [e0, e1, …]``.

    Raises:
        NotSupportedError: An entry with a symbol name that is no identifier, or with no code in the library;
            the message starts with the entry's label.
    """
    backend = NUMPY if backend is None else backend
    printer = backend.printer()
    helpers = ""
    if backend is NUMPY:
        exprs, helpers = _series_helpers(name, args, exprs, cse)
    entries = exprs if isinstance(exprs, list) else [exprs]
    labels = labels if labels is not None else ([name] if not isinstance(exprs, list)
                                                else [f"{name}: entry {i}" for i in range(len(entries))])
    for e, label in zip(entries, labels):
        try:
            printer.doprint(e)
        except NotSupportedError as exc:
            raise NotSupportedError(f"{label}: {exc}") from None
        except Exception:  # noqa: BLE001 - sympy raises PrintMethodNotImplementedError (or others) for no form
            written = e.replace(lambda f: isinstance(f, (ScaledBesselI, ScaledBesselK)), lambda f: f.elementary())
            raise NotSupportedError(f"{label} has no {backend.title} form: {sp.sstr(written)}") from None
    fn = sp.lambdify(list(args), exprs, modules=[{}], printer=printer, cse=cse, docstring_limit=0)
    src = inspect.getsource(fn)
    return helpers + src.replace("def _lambdifygenerated(", f"def {name}(", 1)


class SeriesCall(sp.Function):
    """A call of a generated function that sums a series; each is a subclass named as that function."""

    def _numpycode(self, printer: Any) -> str:  # the NumPy and SciPy printers call this (their printmethod) first
        return f"{type(self).__name__}({', '.join(map(printer._print, self.args))})"


def _series_helpers(name: str, args: Sequence[sp.Symbol], exprs: Any, cse: bool) -> tuple[Any, str]:
    """``exprs`` with each sum Σ_{k=a}^{b} t(k) (b = ∞, or b(θ, x) such as ⌊x/2⌋) replaced by a call
    ``{name}_series{i}(θ…)``, and the source of those functions: the term and the upper limit compiled as kernels,
    summed by ``series_sum`` (lambdify would print ``sum(… for k in range(a, b + 1))``, which needs a scalar
    integer b, and its cse lifts terms in k out of the sum)."""
    entries = exprs if isinstance(exprs, list) else [exprs]
    if not any(e.has(sp.Sum) for e in entries):
        return exprs, ""
    sources: list[str] = []
    calls: dict[sp.Sum, sp.Expr] = {}

    def call(s: sp.Sum) -> sp.Expr:
        if s not in calls:
            (k, start, stop), = s.limits
            free = [a for a in args if a in s.free_symbols]
            taken = {str(a) for a in s.free_symbols}
            index = sp.Symbol(next(n for n in itertools.chain(["k"], (f"k{i}" for i in itertools.count()))
                                   if n not in taken))
            helper = f"{name}_series{len(calls)}"
            sources.append(kernel_source(f"{helper}_term", [index, *free], s.function.xreplace({k: index}), NUMPY,
                                         cse=cse))
            values = "".join(f", {a}" for a in free)
            upper = "numpy.inf"
            if stop is not sp.oo:
                sources.append(kernel_source(f"{helper}_stop", free, stop, NUMPY, cse=cse))
                upper = f"{helper}_stop({values[2:]})"
            sources.append(f"def {helper}({values[2:]}):\n    return series_sum({helper}_term, {int(start)}, {upper}"
                           f"{values})\n")
            calls[s] = type(helper, (SeriesCall,), {})(*free)
        return calls[s]

    swapped = [e.replace(series.is_summable, call) for e in entries]
    return (swapped if isinstance(exprs, list) else swapped[0]), "".join(sources)


def _layout(exprs: Any) -> tuple[Any, tuple[int, ...] | None]:
    """(one expression or a list of them, the matrix shape or None): a matrix becomes its entries, row-major."""
    def one(e: Any) -> sp.Expr:
        try:
            out = sp.sympify(e, strict=True)
        except sp.SympifyError:
            out = None
        if not isinstance(out, sp.Expr):
            raise NotSupportedError(f"compile_function: {e!r} of type {type(e).__name__} is not a SymPy expression")
        return out

    if isinstance(exprs, sp.MatrixBase):
        return [one(e) for e in exprs], tuple(exprs.shape)
    if isinstance(exprs, (list, tuple)):
        return [one(e) for e in exprs], None
    return one(exprs), None


def _generate(args: Sequence[sp.Symbol], exprs: Any, name: str, backend: Backend,
              cse: bool) -> tuple[str, tuple[int, ...] | None, bool]:
    """(source, matrix layout or None, whether one expression): rename, prepare, print."""
    reserved = {*backend.names, *_LAMBDIFY_GLOBALS}
    if not isinstance(name, str) or not _is_identifier(name) or name in reserved:
        raise NotSupportedError(f"compile_function: the function name {name!r} is not a free Python identifier")
    args = list(args)
    for a in args:
        if not isinstance(a, sp.Symbol):
            raise NotSupportedError(f"compile_function: argument {a!r} of type {type(a).__name__} is not a SymPy "
                                    f"Symbol")
    if len(set(args)) != len(args):
        raise NotSupportedError(f"compile_function: the arguments {sp.sstr(args)} repeat a symbol")
    body, layout = _layout(exprs)
    single = not isinstance(body, list)
    prepared = [prepare(e) for e in ([body] if single else body)]
    free = set().union(*(e.free_symbols for e in prepared)) - set(args)
    # Plain symbols print as their names; without assumptions, cse's temporaries x0, x1 … avoid them.
    plain = {s: sp.Symbol(s.name) for s in free if type(s) is sp.Symbol}
    taken = {str(s.name) for s in free} | {name} | reserved
    renamed = {a: sp.Symbol(_safe_name(a, taken)) for a in args}
    printed = [e.xreplace({**plain, **renamed}) for e in prepared]
    src = kernel_source(name, [renamed[a] for a in args], printed[0] if single else printed, backend, cse=cse)
    return src, layout, single


_COMPILED = itertools.count()


def _load(src: str, name: str, namespace: Mapping[str, Any]) -> Callable:
    """Execute ``src`` in a copy of ``namespace``; register it in ``linecache`` as lambdify does (so
    ``inspect.getsource`` and latexify read it) until the function is garbage collected."""
    filename = f"<symfisher-compiled-{next(_COMPILED)}>"
    globs = {**namespace, "builtins": builtins, "range": range}
    exec(compile(src, filename, "exec"), globs)  # noqa: S102 - our own generated code (names checked)
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    fn = globs[name]
    weakref.finalize(fn, linecache.cache.pop, filename, None)
    return fn


def compiled_source(args: Sequence[sp.Symbol], exprs: Any, name: str = "compiled", *, backend: str = "numpy",
                    cse: bool = True) -> str:
    """The Python source that :func:`compile_function` runs for the same arguments (``sympy.lambdify`` + cse).

    ``inspect.getsource`` of the compiled function returns exactly this text (it is registered in
    ``linecache``), so latexify-py can read the function back; a matrix compiles to the list of its entries.

    >>> x, s = sp.symbols("x sigma", positive=True)
    >>> print(compiled_source([x, s], -x**2 / (2 * s**2) - sp.log(s), "logp"), end="")
    def logp(x, sigma):
        return -numpy.log(sigma) - 1/2*(x*x)/(sigma*sigma)
    """
    be = get_backend(backend)
    be.namespace()  # a missing library: NotSupportedError (lambdify imports the printer's modules)
    return _generate(args, exprs, name, be, cse)[0]


def compile_function(args: Sequence[sp.Symbol], exprs: Any, *, backend: str = "numpy", name: str = "compiled",
                     cse: bool = True) -> Callable:
    """Compile SymPy expressions into a numeric function of ``args``: the one path from SymPy to numeric code.

    The expressions are rewritten for stability (:func:`prepare`: softplus, expit, log1p, log(b**e) → e·log(b)),
    the arguments renamed to fresh identifiers, and the source generated by ``sympy.lambdify(..., cse=True)``
    with the backend's printer (:class:`NumericPrinter` for NumPy: fast small powers, ``gammaln``, a fast
    trigamma). :func:`module_source` (:class:`NumericModel`, ``export_code``) builds its kernels the same way.

    Args:
        args: The arguments, SymPy Symbols (any names: renamed to identifiers in the code).
        exprs: One expression, a list/tuple of expressions, or a matrix.
        backend: ``"numpy"``, ``"jax"`` or ``"torch"``.
        name: Name of the generated function (``inspect.getsource`` shows ``def name(...)``).
        cse: Eliminate common subexpressions.

    Returns:
        A function of the argument values, broadcasting like the library. NumPy: one expression gives a float64
        array of the broadcast shape of the arguments (constants broadcast too), a list gives a list of such
        arrays, a matrix an array of shape broadcast + (rows, cols). JAX/PyTorch: the values as the library
        computes them (a matrix stacked the same way).

    Raises:
        NotSupportedError: A symbol that is not an argument and whose name is no identifier, an expression with
            no code in the library, a bad function name or argument, an unknown backend or a missing library.

    >>> x, s = sp.symbols("x sigma", positive=True)
    >>> f = compile_function([x, s], -x**2 / (2 * s**2) - sp.log(s), name="logp")
    >>> f(np.array([1.0, 2.0]), 1.0).tolist()
    [-0.5, -2.0]
    >>> compile_function([s], sp.Matrix([[1 / s**2, 0], [0, 2 / s**2]]))(np.array([1.0, 2.0])).shape
    (2, 2, 2)
    """
    be = get_backend(backend)
    namespace = be.namespace()
    src, layout, single = _generate(args, exprs, name, be, cse)
    kernel = _load(src, name, namespace)
    if be.broadcast is None and layout is None:
        return kernel

    def compiled(*values: Any) -> Any:
        out = kernel(*values)
        if be.broadcast is not None:
            shape = np.broadcast_shapes(*(np.shape(v) for v in values))
            out = be.broadcast(out, shape) if single else [be.broadcast(v, shape) for v in out]
        return out if layout is None else be.stack(out, layout)

    return functools.update_wrapper(compiled, kernel)  # __wrapped__: inspect.getsource gives the kernel's source


def _upper(k: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(k) for j in range(i, k)]


def _set_bounds(s: sp.Set) -> tuple[sp.Expr, sp.Expr, tuple[float, ...] | None]:
    if isinstance(s, sp.FiniteSet):
        if not all(v.is_number for v in s.args):
            raise NotSupportedError(f"a finite support with symbolic values is not supported: {s}")
        vals = tuple(float(v) for v in s.args)
        return sp.Float(min(vals)), sp.Float(max(vals)), vals
    if isinstance(s, sp.Range):
        return s.inf, s.sup, None
    return s.inf, s.sup, None


def _quadrature_support(model: Any, prep: Callable[[sp.Expr], sp.Expr], data_args: Sequence[sp.Symbol],
                        theta_args: Sequence[sp.Symbol]) -> tuple[list[str], dict[str, Any]]:
    """The kernels and constants the quadrature of open entries needs (:func:`~symfisher.core.quadrature.open_entries`).

    ``_support_kernel(θ)`` gives the bounds lo_1, hi_1, … of the data axes and ``SUPPORT_AXES`` their
    (discrete, finite values); a FiniteSet of Tuples gives ``SUPPORT_POINTS`` (``_points_kernel(θ)`` when its
    coordinates involve constants or parameters); a ConditionSet adds
    ``_indicator_kernel``. ``OPEN_UNSUPPORTED`` says why no quadrature exists (else ``None``).
    """
    consts: dict[str, Any] = {"SUPPORT_VALUES": None, "SUPPORT_AXES": (), "SUPPORT_POINTS": None,
                              "OPEN_UNSUPPORTED": None, "SUPPORT_SIMPLEX": False}
    joint = model.joint_support
    if isinstance(joint, sp.FiniteSet):
        pts = [tuple(p) if isinstance(p, sp.Tuple) else (p,) for p in joint.args]
        consts["SUPPORT_AXES"] = tuple((True, None) for _ in model.data)
        kernels = ["def _support_kernel(*args):\n    return ()\n"]
        if all(v.is_number and v.is_real for p in pts for v in p):
            consts["SUPPORT_POINTS"] = tuple(tuple(float(v) for v in p) for p in pts)
            return kernels, consts
        try:  # coordinates with constants or parameters (x₂ ∈ {0, n}): evaluated at each parameter point
            kernels.append(_kernel("_points_kernel", theta_args, [(prep(v), f"point {n}") for n, p in enumerate(pts)
                                                                  for v in p], "support point", model.name))
        except NotSupportedError as exc:
            consts["OPEN_UNSUPPORTED"] = f"the points of the joint support have no numeric form ({exc})"
        return kernels, consts
    kernels, bounds, axes = [], [], []
    try:
        for x, s in model.support:
            lo, hi, vals = _set_bounds(s)
            bounds += [(prep(lo), f"inf {x}"), (prep(hi), f"sup {x}")]
            axes.append((bool(is_discrete_set(s)), vals))
        total = _simplex_total(joint, model.data) if joint is not None else None
        if total is not None and not all(a[0] for a in axes):  # mapped onto the unit box: no kink at the face
            consts["SUPPORT_SIMPLEX"] = True
            bounds.append((prep(total), "simplex total"))
        elif joint is not None and not all(a[0] for a in axes):
            consts["OPEN_UNSUPPORTED"] = (f"the continuous joint support {sp.sstr(joint)} is not a simplex "
                                          f"(Σ x < c), and over a box with its indicator the quadrature error "
                                          f"estimate is not reliable")
        kernels.append(_kernel("_support_kernel", theta_args, bounds, "support bound", model.name))
        if joint is not None and not consts["SUPPORT_SIMPLEX"]:
            kernels.append(_kernel("_indicator_kernel", data_args, [(prep(indicator(joint, model.data)), "indicator")],
                                   "support indicator", model.name))
    except NotSupportedError as exc:
        consts["OPEN_UNSUPPORTED"] = str(exc)
        return ["def _support_kernel(*args):\n    raise NotImplementedError('no numeric support')\n"], consts
    continuous = sum(not a[0] for a in axes)
    if continuous > 3:
        consts["OPEN_UNSUPPORTED"] = (f"nested quadrature over {continuous} continuous data axes is not supported "
                                      f"(at most 3)")
    consts["SUPPORT_AXES"] = tuple(axes)
    if len(axes) == 1:
        consts["SUPPORT_VALUES"] = axes[0][1]
    return kernels, consts


def _simplex_total(joint: sp.Set, data: Sequence[sp.Symbol]) -> sp.Expr | None:
    """c when the joint support is the simplex {x_i > 0, Σ x_i < c} (``Model.simplex``), else None."""
    if not isinstance(joint, sp.ConditionSet):
        return None
    cond = membership(joint, data)
    if not isinstance(cond, (sp.StrictLessThan, sp.LessThan)) or sp.expand(cond.lhs - sp.Add(*data)) != 0:
        return None
    if cond.rhs.free_symbols & set(data):
        return None
    base = joint.base_set
    factors = base.args if isinstance(base, sp.ProductSet) else ()
    if len(factors) != len(data) or any(f.inf != 0 for f in factors):
        return None
    return cond.rhs


def _open_doc(labels: Sequence[str], error_function: str) -> str:
    """The docstring note on the entries with no closed form (``NO_CLOSED_FORM``), or ""."""
    if not labels:
        return ""
    return (f"\n\n    {', '.join(labels)}: {NO_CLOSED_FORM} — adaptive quadrature (summation) over the support per "
            f"parameter point; {error_function}(...) gives the error estimate.")


def _domain_check(s: sp.Set) -> tuple[float, float, bool, bool] | None:
    """Numeric bounds of a parameter domain (lo, hi, lo_open, hi_open), or None when unchecked."""
    if s == sp.S.Reals or not isinstance(s, sp.Interval) or not (s.inf.is_number and s.sup.is_number):
        return None
    return float(s.inf), float(s.sup), bool(s.left_open), bool(s.right_open)


def _doc_formulas(labels: Sequence[str], exprs: Sequence[sp.Expr], indent: str = "    ") -> str:
    return "\n".join(f"{indent}{lab} = {sp.sstr(e)}" for lab, e in zip(labels, exprs))


# ---------------------------------------------------------------------------------------------- generator
def keyword_arguments(model: Any) -> tuple[sp.Symbol, ...]:
    """The keyword-only arguments of the numeric functions: covariates, then the model's free constants.

    A constant the user left symbolic (the binomial's number of trials n) is an argument like a covariate,
    so ``fisher(p, n=10)`` works and a missing value is an error naming it, never a ``NameError``.
    """
    return (*model.given, *getattr(model, "constants", ()))  # duck-typed models may have no constants


KRON_RUNTIME = """
SWAP = {swap}  # False: θ class by class, products A ⊗ c cᵀ; True: covariate by covariate, c cᵀ ⊗ A


def kron_vector(a, c):
    \"\"\"a ⊗ c (or c ⊗ a) over the trailing axis, batched.\"\"\"
    out = numpy.einsum("...r,...a->...ra", c, a) if SWAP else numpy.einsum("...a,...r->...ar", a, c)
    return out.reshape(out.shape[:-2] + (-1,))


def kron_matrix(a, c):
    \"\"\"A ⊗ c cᵀ (or c cᵀ ⊗ A) over the two trailing axes, batched: the K-FAC form.\"\"\"
    if SWAP:
        out = numpy.einsum("...r,...s,...ab->...rasb", c, c, a)
    else:
        out = numpy.einsum("...ab,...r,...s->...arbs", a, c, c)
    n = out.shape[-1] * out.shape[-2]
    return out.reshape(out.shape[:-4] + (n, n))
"""


def _kron_closed(d: Any, printer: Any) -> Any:
    """``d.kronecker`` when its factors have closed forms (else the dense matrices are compiled)."""
    kron = getattr(d, "kronecker", None)
    if kron is None or d.model.n_obs != 1:
        return None
    if any(e.has(sp.Integral, sp.Sum) for e in (*kron.fisher, *kron.neg_expected_hessian)):
        return None
    return kron


def module_source(d: Any) -> str:
    """Standalone NumPy/SciPy module source for a derivation (no symfisher import).

    Functions: ``logpdf``, ``score``, ``hessian``, ``fisher``, ``neg_expected_hessian``; docstrings give
    each formula. See the module docstring of :mod:`symfisher.numeric.compiler` for the conventions.
    """
    model = d.model
    printer = NumericPrinter()
    taken: set[str] = set()
    given = keyword_arguments(model)
    names = {s: _safe_name(s, taken) for s in (*model.data, *model.params, *given)}
    sub = {s: sp.Symbol(n) for s, n in names.items()}
    xs = [sub[s] for s in model.data]
    ps = [sub[s] for s in model.params]
    gs = [sub[s] for s in given]
    k, m = len(ps), len(xs)
    pn = [names[s] for s in model.params]
    gn = [names[s] for s in given]
    xn = [names[s] for s in model.data]

    def prep(e: sp.Expr) -> sp.Expr:
        return prepare(e).xreplace(sub)

    up = _upper(k)
    logp = prep(expanded_logpdf(model))  # log Γ(k₀ + x₁ + x₂) − log x₁!, not the log of their overflowing ratio
    kron = _kron_closed(d, printer)  # I = A ⊗ ccᵀ (softmax regression): kernels for the small factors only,
    # written in the predictors η (short), which the wrappers compute first (η = Σ_r θ_ar c_r, numerically)
    src_s, src_h, src_f, src_n = ([kron.in_predictors(n) for n in ("score", "hessian", "fisher", "neg_expected_hessian")]
                                  if kron else (d.score, d.hessian, d.fisher, d.neg_expected_hessian))
    etas = [sp.Symbol(_safe_name(e, taken)) for e in kron.predictors] if kron else []
    sub.update(zip(kron.predictors if kron else (), etas))
    up = _upper(kron.fisher.rows) if kron else up
    score = [prep(e) for e in src_s]
    hess = [prep(src_h[i, j]) for i, j in up]
    fis = [prep(src_f[i, j]) for i, j in up]
    neh = [prep(src_n[i, j]) for i, j in up]
    fis_open = [ij for ij, e in zip(up, fis) if _is_open(e, printer)]
    neh_open = [ij for ij, e in zip(up, neh) if _is_open(e, printer)]
    fis_from_neh = []
    if d.equality.status != "refuted" and not model.support_depends_on_params:
        fis_from_neh = [ij for ij in fis_open if ij not in neh_open]
        fis = [neh[n] if ij in fis_from_neh else e for n, (ij, e) in enumerate(zip(up, fis))]
        fis_open = [ij for ij in fis_open if ij not in fis_from_neh]
    fis = [sp.Float(0) if ij in fis_open else e for ij, e in zip(up, fis)]
    neh = [sp.Float(0) if ij in neh_open else e for ij, e in zip(up, neh)]
    if not kron:  # a closed form that holds under conditions (convergence): +inf or NaN outside them
        fis = [e if ij in fis_open else _guarded(e, d, ("neg_expected_hessian" if ij in fis_from_neh else "fisher",
                                                         *ij), ij[0] == ij[1], prep) for ij, e in zip(up, fis)]
        neh = [e if ij in neh_open else _guarded(e, d, ("neg_expected_hessian", *ij), False, prep)
               for ij, e in zip(up, neh)]

    ptheta = [f"{model.params[i]}" for i in range(k)]
    lab_s = [f"s[{p}]" for p in ptheta]
    lab_h = [f"H[{ptheta[i]}, {ptheta[j]}]" for i, j in up]
    lab_f = [f"I[{ptheta[i]}, {ptheta[j]}]" for i, j in up]
    lab_n = [f"-E[H][{ptheta[i]}, {ptheta[j]}]" for i, j in up]
    if kron:
        lab_s = [f"s_eta[{a}]" for a in range(len(score))]
        lab_h, lab_f, lab_n = ([f"{what}[{a}, {b}]" for a, b in up] for what in ("H_eta", "A", "A_neh"))
    data_args, theta_args = [*xs, *ps, *gs], [*ps, *gs]
    kernels = [
        _kernel("_logpdf_kernel", data_args, [(logp, "log p")], "log-density", model.name),
        _kernel("_score_kernel", data_args + etas, list(zip(score, lab_s)), "score", model.name),
        _kernel("_hessian_kernel", data_args + etas, list(zip(hess, lab_h)), "Hessian", model.name),
        _kernel("_fisher_kernel", theta_args + etas, list(zip(fis, lab_f)), "Fisher information", model.name),
        _kernel("_neh_kernel", theta_args + etas, list(zip(neh, lab_n)), "−E[H]", model.name),
    ]
    if etas:
        kernels.append(_kernel("_eta_kernel", theta_args, [(prep(f), f"{e}") for e, f in zip(etas, kron.forms)],
                               "linear predictor", model.name))
    if kron:
        kernels.append(_kernel("_kron_vector_kernel", theta_args, [(prep(e), f"c[{r}]") for r, e in enumerate(
            kron.vector)], "Kronecker vector", model.name))
        kernels.append(KRON_RUNTIME.format(swap=kron.swap))
    discrete = bool(model.discrete)
    support_kernels, support_constants = _quadrature_support(model, prep, data_args, theta_args)
    kernels += support_kernels
    values = support_constants.pop("SUPPORT_VALUES")

    runtime = inspect.getsource(_runtime)
    runtime = runtime[runtime.index("# Bernoulli numbers"):]
    sums = inspect.getsource(series)
    runtime += "\n\n" + sums[sums.index("# ---- series"):]
    quad = inspect.getsource(quadrature)
    runtime += "\n\n" + quad[quad.index("# ---- quadrature and summation"):]
    sig_theta = ", ".join(pn) + (", *, " + ", ".join(gn) if gn else "")
    call_theta = ", ".join([*pn, *gn])
    x_sig = "x" if m > 1 else xn[0]
    split = f"    {', '.join(xn)} = split_data(x, {m})\n" if m > 1 else ""
    data_call = ", ".join([*xn, *pn, *gn])
    theta_doc = ", ".join(ptheta)
    data_names = ", ".join(map(str, model.data))
    data_doc = (f"Data: {', '.join(map(str, model.data))}" + (f" (pass x with a trailing axis of size {m}, columns in "
                                                               f"this order)" if m > 1 else ""))
    given_doc = f"Covariates and constants (keyword-only): {', '.join(map(str, given))}." if gn else "No covariates."

    def wrapper(name: str, doc: str, kernel: str, layout: str, with_data: bool, post: str = "") -> str:
        args = f"{x_sig}, {sig_theta}" if with_data else sig_theta
        arr = data_call if with_data else call_theta
        doc_src = docstring_literal(doc + "\n    ")
        make = f"stack(shape, {kernel}({arr}), {layout})"
        if kron and name != "logpdf":  # the small factor and c, then their Kronecker product
            call = f"{kernel}({arr}, *_eta_kernel({call_theta}))" if etas else f"{kernel}({arr})"
            fac = f"stack(shape, {call}, ({len(score)},{'' if name == 'score' else f' {len(score)}'}))"
            make = f"kron_{'vector' if name == 'score' else 'matrix'}({fac}, stack(shape, _kron_vector_kernel(" \
                   f"{call_theta}), ({kron.vector.rows},)))"
        body = (f"def {name}({args}):\n    {doc_src}\n{split if with_data else ''}"
                f"    ({arr},), shape = as_arrays({arr})\n"
                f"    out = {make}\n{post}")
        return body

    def fill_open(entries: list, factory: str, what: str) -> str:
        """The tail of ``_fisher_both``/``_neh_both``: (values, error estimates), open entries by quadrature."""
        if not entries:
            return "    return out, numpy.zeros_like(out)\n"
        problem = support_constants["OPEN_UNSUPPORTED"]
        if problem is not None:
            i, j = entries[0]
            message = f"{what} entry ({ptheta[i]}, {ptheta[j]}) has no closed form and no quadrature: {problem}"
            return f"    raise NotImplementedError({py_literal(message)})\n"
        indicator = "_indicator_factory" if "_indicator_kernel" in "".join(kernels) else "None"
        points = "_points_kernel" if "_points_kernel" in "".join(kernels) else "SUPPORT_POINTS"
        return (f"    return open_entries(out, numpy.zeros_like(out), {py_literal(entries)}, shape, ({call_theta},), "
                f"{factory}, _logpdf_factory, _support_kernel, SUPPORT_AXES, {points}, {indicator}, SUPPORT_SIMPLEX)\n")

    def public(name: str, both: str, part: int, doc: str) -> str:
        """``fisher`` (part 0) or ``fisher_error`` (part 1) from ``_fisher_both`` (likewise for −E[H])."""
        call = ", ".join([*pn, *(f"{g}={g}" for g in gn)])
        return f"def {name}({sig_theta}):\n    {docstring_literal(doc + chr(10) + '    ')}\n    return {both}({call})[{part}]\n"

    fis_doc = _doc_formulas(lab_f, [src_n[i, j] if (i, j) in fis_from_neh else src_f[i, j] for i, j in up])
    if fis_from_neh:
        fis_doc += ("\n\n    E[s sᵀ] did not close for " + ", ".join(lab_f[up.index(ij)] for ij in fis_from_neh)
                    + "; those entries are −E[H] (information equality; the support does not depend on θ).")
    neh_doc = _doc_formulas(lab_n, [src_n[i, j] for i, j in up])
    fis_doc += _open_doc([lab_f[up.index(ij)] for ij in fis_open], "fisher_error")
    neh_doc += _open_doc([lab_n[up.index(ij)] for ij in neh_open], "neg_expected_hessian_error")
    if kron:
        product = "c cᵀ ⊗ {}" if kron.swap else "{} ⊗ c cᵀ"
        c_doc = _doc_formulas([f"c[{r}]" for r in range(kron.vector.rows)], list(kron.vector))
        if etas:
            c_doc += "\n" + _doc_formulas([str(e) for e in kron.predictors], list(kron.forms))
        fis_doc = f"I(θ) = {product.format('A')} (Kronecker product, formed numerically), with\n\n{fis_doc}\n{c_doc}"
        neh_doc = f"−E[H] = {product.format('A_neh')}, with\n\n{neh_doc}\n{c_doc}"
    logp_doc = sp.sstr(readable_logpdf(model))
    module_doc = (
        f"Numeric log-density, score, Hessian and Fisher information of the model {model.name!r}.\n\n"
        f"Generated by symfisher (export_code); needs NumPy and SciPy only.\n\n"
        f"    log p({data_names} | {theta_doc}) = {logp_doc}\n\n"
        f"Parameters θ = ({theta_doc}). {data_doc}. {given_doc}\n"
        f"Arguments broadcast like NumPy; the score has a trailing axis (k,), matrices (k, k), k = {k}.\n"
        f"Entries of I(θ) or −E[H] without a closed form ({NO_CLOSED_FORM!r}) are computed by adaptive quadrature or\n"
        f"summation per parameter point; fisher_error and neg_expected_hessian_error give the absolute error estimate\n"
        f"of each entry (0 for closed forms).\n"
        + (f"Numeric, no closed form: {', '.join(lab_f[up.index(ij)] for ij in fis_open)}"
           f"{'; ' if fis_open and neh_open else ''}{', '.join(lab_n[up.index(ij)] for ij in neh_open)}.\n"
           if fis_open or neh_open else ""))
    constants = {"MODEL": model.name, "DATA": tuple(map(str, model.data)), "PARAMS": tuple(ptheta),
                 "GIVEN": tuple(map(str, given)), "GIVEN_ARGS": tuple(gn), "DISCRETE": discrete,
                 "SUPPORT_VALUES": values, "FISHER_OPEN": fis_open, "NEH_OPEN": neh_open,
                 "FISHER_FROM_NEH": fis_from_neh, **support_constants}
    parts = [
        docstring_literal(module_doc) + "\n",
        "import time\n\nimport numpy\nimport scipy.special\n",
        "".join(f"{key} = {py_literal(value)}\n" for key, value in constants.items()) + "\n",
        runtime,
        "\n# ---- kernels generated by sympy.lambdify(..., cse=True)\n",
        *kernels,
        "\n# ---- public functions\n",
        wrapper("logpdf", f"log p({data_names} | {theta_doc}) = {logp_doc}", "_logpdf_kernel", "(1,)", True,
                "    return out[..., 0]\n"),
        "\n\n",
        wrapper("score", f"Score s = ∇θ log p, shape (..., {k}).\n\n{_doc_formulas(lab_s, list(src_s))}",
                "_score_kernel", f"({k},)", True, "    return out\n"),
        "\n\n",
        wrapper("hessian", f"Hessian H = ∇²θ log p, shape (..., {k}, {k}).\n\n"
                f"{_doc_formulas(lab_h, [src_h[i, j] for i, j in up])}", "_hessian_kernel", f"({k}, {k})",
                True, "    return out\n"),
        "\n\n",
        f"def _score_full(*args):\n    return stack(numpy.shape(args[0]), _score_kernel(*args), ({k},))\n\n\n"
        f"def _hessian_full(*args):\n    return stack(numpy.shape(args[0]), _hessian_kernel(*args), ({k}, {k}))\n\n\n"
        f"def _logpdf_factory(point):\n    return lambda *xs: _logpdf_kernel(*xs, *point)[0]\n\n\n"
        + ("def _indicator_factory(point):\n    return lambda *xs: _indicator_kernel(*xs, *point)[0]\n\n\n"
           if "_indicator_kernel" in "".join(kernels) else "") +
        f"def _outer_factory(point):\n    def fn(*xs):\n        s = _score_full(*xs, *point)\n"
        f"        return numpy.stack([s[..., i] * s[..., j] for i, j in FISHER_OPEN], axis=-1)\n    return fn\n\n\n"
        f"def _neg_hessian_factory(point):\n    def fn(*xs):\n        h = _hessian_full(*xs, *point)\n"
        f"        return numpy.stack([-h[..., i, j] for i, j in NEH_OPEN], axis=-1)\n    return fn\n\n\n",
        wrapper("_fisher_both", "I(θ) and the error estimate of each entry (see fisher, fisher_error).", "_fisher_kernel",
                f"({k}, {k})", False, fill_open(fis_open, "_outer_factory", "Fisher information")),
        "\n\n",
        wrapper("_neh_both", "−E[H] and the error estimate of each entry (see neg_expected_hessian).", "_neh_kernel",
                f"({k}, {k})", False, fill_open(neh_open, "_neg_hessian_factory", "−E[H]")),
        "\n\n",
        public("fisher_error", "_fisher_both", 1, f"Absolute error estimate of each entry of fisher(...), shape (..., {k}, "
               f"{k}): 0 for closed forms, the quadrature or summation error estimate for entries with no closed form."),
        "\n\n",
        public("neg_expected_hessian_error", "_neh_both", 1, f"Absolute error estimate of each entry of "
               f"neg_expected_hessian(...), shape (..., {k}, {k}); 0 for closed forms."),
        "\n\n",
        public("fisher", "_fisher_both", 0, f"Fisher information I(θ) = E[s sᵀ], shape (..., {k}, {k}).\n\n{fis_doc}"),
        "\n\n",
        public("neg_expected_hessian", "_neh_both", 0, f"−E[H], shape (..., {k}, {k}).\n\n{neh_doc}"),
    ]
    return "".join(parts)


# ---------------------------------------------------------------------------------------------- argument checks
_REAL_KINDS = "iuf"  # NumPy dtype kinds accepted as real numbers (not bool, complex, object, str …)


def _real_scalar(v: Any) -> float | None:
    """``v`` as a float when it is one real number (not bool), else None."""
    if isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (numbers.Real, decimal.Decimal)) or (isinstance(v, sp.Expr) and v.is_number and v.is_real):
        try:
            return float(v)
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def _describe(v: Any) -> str:
    """``type value`` of one value for a message: one line, at most about 60 characters."""
    if v is None:
        return "None"
    text = " ".join(repr(v).split())
    if len(text) > 50:
        text = text[:40] + f"… ({len(text)} characters)"
    return f"{type(v).__name__} {text}"


def _first_bad(v: Any) -> tuple[bool, Any]:
    """(True, the first entry of the list/tuple/array ``v`` that is not a real number), or (False, None)."""
    for e in (v.flat if isinstance(v, np.ndarray) else v):
        if isinstance(e, (list, tuple, np.ndarray)):
            found, bad = _first_bad(e)
            if found:
                return found, bad
            continue
        item = e.item() if isinstance(e, np.generic) else e
        if _real_scalar(item) is None:
            return True, item
    return False, None


def _array_argument(v: Any, what: str, model: str) -> np.ndarray:
    """A list, tuple or ndarray checked to hold real numbers only; object arrays of numbers become float64."""
    fail = f"model {model}: {what} must be a real number or array of reals, got"
    try:
        a = np.asarray(v)
    except ValueError:
        raise ModelError(f"{fail} ragged {_describe(v)}") from None
    except (TypeError, OverflowError):
        raise ModelError(f"{fail} {_describe(v)}") from None
    if a.dtype.kind in _REAL_KINDS:
        return a
    container = f"{a.dtype} array" if isinstance(v, np.ndarray) else type(v).__name__
    found, bad = _first_bad(v)
    if found or a.dtype.kind != "O":
        raise ModelError(f"{fail} {container}" + (f" containing {_describe(bad)}" if found else ""))
    return np.array([_real_scalar(e) for e in a.flat], dtype=float).reshape(a.shape)


def real_argument(value: Any, what: str, model: str) -> Any:
    """``value`` checked to be a real number or an array of reals, for the argument ``what`` of ``model``.

    Accepts ints, floats, NumPy scalars and integer/float arrays (returned unchanged), lists and tuples
    of numbers (returned as float64 arrays) and array-likes with a ``dtype`` such as Dask arrays (dtype
    checked, not computed).

    Raises:
        ModelError: Complex, bool, str, None, object values, ragged lists, ints beyond the float range;
            the one-line message names the model, the argument and the bad value.

    >>> real_argument(2, "parameter lam", "exponential")
    2.0
    >>> real_argument("1.0", "parameter lam", "exponential")
    Traceback (most recent call last):
    ...
    symfisher.errors.ModelError: model exponential: parameter lam must be a real number or array of reals, got str '1.0'
    """
    if isinstance(value, (list, tuple, np.ndarray)):
        return _array_argument(value, what, model)
    if isinstance(value, np.generic) or not hasattr(value, "dtype"):
        x = _real_scalar(value)
        if x is None:
            raise ModelError(f"model {model}: {what} must be a real number or array of reals, got {_describe(value)}")
        return x
    if getattr(value.dtype, "kind", None) not in tuple(_REAL_KINDS):
        raise ModelError(f"model {model}: {what} must be a real number or array of reals, got {type(value).__name__} "
                         f"of dtype {value.dtype}")
    return value


# ---------------------------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class NumericModel:
    """Vectorized numeric functions of a derivation (see the module docstring for the conventions).

    Attributes:
        name: The model name.
        data: Data symbol names (multivariate x: trailing axis in this order).
        params: Parameter names θ, in the order of the positional arguments.
        given: Covariate names (keyword arguments).
        backend: ``"numpy"``.
        source: The generated module source (what ``export_code`` writes).
        fisher_open: Entries (i, j) of I(θ) evaluated by quadrature or summation (no closed form); their
            error estimates: :meth:`fisher_error`.
        neh_open: Entries (i, j) of −E[H] evaluated by quadrature (:meth:`neg_expected_hessian_error`).
        fisher_from_neh: Entries (i, j) of I(θ) whose E[s sᵀ] did not close, taken from the closed −E[H]
            (the information equality; only when the support does not depend on θ and it is not refuted).

    >>> import sympy as sp, symfisher as sf
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> num = sf.derive(sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo))).lambdify()
    >>> num.score([1.0, 2.0], 0.5).tolist(), num.fisher(0.5).tolist()
    ([[1.0], [0.0]], [[4.0]])
    """

    name: str
    data: tuple[str, ...]
    params: tuple[str, ...]
    given: tuple[str, ...]
    backend: str
    source: str = field(repr=False)
    fisher_open: tuple[tuple[int, int], ...] = ()
    neh_open: tuple[tuple[int, int], ...] = ()
    fisher_from_neh: tuple[tuple[int, int], ...] = ()
    domains: tuple[tuple[str, Any], ...] = field(default=(), repr=False)
    namespace: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        given = f"; given {', '.join(self.given)}" if self.given else ""
        return f"NumericModel({self.name}; θ = ({', '.join(self.params)}); data {', '.join(self.data)}{given}; {self.backend})"

    # ------------------------------------------------------------------ validation
    def _check(self, x: Any, params: Sequence[Any], given: Mapping[str, Any],
               has_data: bool = True) -> tuple[Any, tuple[Any, ...]]:
        """The data (None without data) and parameter/covariate values, checked (count, types, shapes, domains)."""
        k = len(self.params)
        if len(params) != k:
            raise ModelError(f"model {self.name}: expected {k} parameter value(s) ({', '.join(self.params)}), "
                             f"got {len(params)}")
        unknown = sorted(set(given) - set(self.given))
        if unknown:
            raise ModelError(f"model {self.name}: unknown keyword argument {unknown[0]!r}; covariates: "
                             f"{', '.join(self.given) or 'none'}")
        missing = [g for g in self.given if g not in given]
        if missing:
            raise ModelError(f"model {self.name}: covariate {missing[0]!r} must be given as a keyword argument")
        labels = [*(f"parameter {p}" for p in self.params), *(f"covariate {g}" for g in self.given)]
        values = tuple(real_argument(v, what, self.name)
                       for v, what in zip((*params, *(given[g] for g in self.given)), labels))
        shapes = [np.shape(v) for v in values]
        if has_data:
            x = real_argument(x, self._data_label(), self.name)
            xshape = np.shape(x)
            if len(self.data) > 1:
                if not xshape or xshape[-1] != len(self.data):
                    raise ModelError(f"model {self.name}: the data need a trailing axis of size {len(self.data)} "
                                     f"({', '.join(self.data)}), got shape {xshape}")
                xshape = xshape[:-1]
            shapes.insert(0, xshape)
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            raise ModelError(f"model {self.name}: argument shapes {', '.join(map(str, shapes))} do not broadcast "
                             f"together") from None
        for (pname, bounds), v in zip(self.domains, values):
            if bounds is None:
                continue
            lo, hi, lo_open, hi_open = bounds
            a = np.asarray(v, dtype=float)
            bad = (a < lo) | (a > hi)
            if lo_open:
                bad |= a == lo
            if hi_open:
                bad |= a == hi
            if np.any(bad):
                first = a[bad].flat[0] if a.ndim else float(a)
                dom = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
                raise ModelError(f"model {self.name}: parameter {pname} = {float(first)!r} is outside its domain {dom}")
        return x, values

    def _data_label(self) -> str:
        return f"data {self.data[0]}" if len(self.data) == 1 else f"data ({', '.join(self.data)})"

    # ------------------------------------------------------------------ public
    def logpdf(self, x: Any, *params: Any, **given: Any) -> np.ndarray:
        """log p(x | θ), of the broadcast shape of the arguments."""
        return self._call("logpdf", *self._check(x, params, given))

    def score(self, x: Any, *params: Any, **given: Any) -> np.ndarray:
        """s = ∇θ log p(x | θ), shape (..., k)."""
        return self._call("score", *self._check(x, params, given))

    def hessian(self, x: Any, *params: Any, **given: Any) -> np.ndarray:
        """H = ∇²θ log p(x | θ), shape (..., k, k)."""
        return self._call("hessian", *self._check(x, params, given))

    def fisher(self, *params: Any, **given: Any) -> np.ndarray:
        """I(θ) = E[s sᵀ], shape (..., k, k).

        Entries with no closed form (``fisher_open``, labelled "numeric, no closed form") are computed by adaptive
        quadrature or summation at each parameter point; :meth:`fisher_error` estimates their error.

        Raises:
            ModelError: A bad argument (type, shape, a parameter outside its domain).
            NotSupportedError: An open entry whose support admits no quadrature (more than 3 continuous data axes).
        """
        checked = self._check(None, params, given, has_data=False)
        self._open_ok(self.fisher_open, "Fisher information")
        return self._call("fisher", *checked)

    def fisher_error(self, *params: Any, **given: Any) -> np.ndarray:
        """Absolute error estimate of each entry of :meth:`fisher`, the same shape (..., k, k).

        Closed-form entries (and those taken from a closed −E[H]) have error 0. For an entry with no closed form:
        adaptive Gauss–Kronrod quadrature gives the Kronrod–Gauss differences summed over its intervals (nested axes add
        the integral of the inner estimates); an infinite sum gives the tail beyond its last term, estimated from
        the decay of the last terms; a finite sum gives its round-off, (log₂ n + 2)·ε·Σ|t|. Nested quadrature (2–3
        data axes) keeps a budget of ``quadrature.EXPECT_SECONDS`` (20 s) per parameter point: a tolerance it cannot
        reach ends in a larger estimate, at least the distance between a tight and a looser try. The quadrature is
        run again, so ask for both only when the error is needed.

        Raises:
            ModelError: A bad argument, as for :meth:`fisher`.
            NotSupportedError: As for :meth:`fisher`.

        >>> import sympy as sp, symfisher as sf
        >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
        >>> num = sf.derive(sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo))).lambdify()
        >>> num.fisher_error([0.5, 2.0]).tolist()  # I(λ) = 1/λ² is closed: no error
        [[[0.0]], [[0.0]]]
        """
        checked = self._check(None, params, given, has_data=False)
        self._open_ok(self.fisher_open, "Fisher information")
        return self._call("fisher_error", *checked)

    def neg_expected_hessian(self, *params: Any, **given: Any) -> np.ndarray:
        """−E[H], shape (..., k, k); entries with no closed form (``neh_open``) by quadrature, as in :meth:`fisher`."""
        checked = self._check(None, params, given, has_data=False)
        self._open_ok(self.neh_open, "−E[H]")
        return self._call("neg_expected_hessian", *checked)

    def neg_expected_hessian_error(self, *params: Any, **given: Any) -> np.ndarray:
        """Absolute error estimate of each entry of :meth:`neg_expected_hessian` (0 for closed forms; see
        :meth:`fisher_error`), shape (..., k, k)."""
        checked = self._check(None, params, given, has_data=False)
        self._open_ok(self.neh_open, "−E[H]")
        return self._call("neg_expected_hessian_error", *checked)

    def _open_ok(self, entries: Sequence[tuple[int, int]], what: str) -> None:
        problem = self.namespace.get("OPEN_UNSUPPORTED")
        if entries and problem is not None:
            i, j = entries[0]
            raise NotSupportedError(f"model {self.name}: {what} entry ({self.params[i]}, {self.params[j]}) has no "
                                    f"closed form and no quadrature: {problem}")

    def _call(self, name: str, x: Any, args: Sequence[Any]) -> np.ndarray:
        k = len(self.params)
        pos, kw = list(args[:k]), dict(zip(self.namespace["GIVEN_ARGS"], args[k:]))
        fn = self.namespace[name]
        with np.errstate(all="ignore"):
            return fn(*pos, **kw) if x is None else fn(x, *pos, **kw)


_CACHE: dict[int, tuple[Any, NumericModel]] = {}  # id(derivation) → (derivation, model); the last 32


def _guarded(value: sp.Expr, d: Any, key: tuple, diagonal: bool, prep: Callable) -> sp.Expr:
    """``value`` where the conditions of its closed form (``d.entry_conditions[key]``) hold; outside them the integral
    diverges: +inf for a diagonal entry of I(θ) (E[s_i²] ≥ 0), else NaN (its sign is not known)."""
    conditions = getattr(d, "entry_conditions", {}).get(key, ())
    filled = _filled(value, d, key, prep)
    if not conditions:
        return filled
    return sp.Piecewise((filled, sp.And(*[prep(c) for c in conditions])), (sp.oo if diagonal else sp.nan, True))


REMOVABLE_SECONDS = 5.0  # for the limits at the removable singularities of all the entries of one derivation
_REMOVABLE: dict[int, tuple[Any, dict]] = {}  # id(derivation) → (derivation, entry → its removable points); last 32


def _removable(d: Any) -> dict:
    """Each entry of I(θ) and −E[H] with removable singularities inside the domain → (p, r, limit) for each
    (:mod:`symfisher.core.removable`), the limits of all entries taken in one worker under one time limit."""
    hit = _REMOVABLE.get(id(d))
    if hit is not None and hit[0] is d:
        return hit[1]
    domains = d.model.domain_map
    entries = list(dict.fromkeys(e for M in (d.fisher, d.neg_expected_hessian) for i in range(M.rows)
                                 for e in M.row(i)[i:] if candidate_points(e, domains)))
    try:
        found = run_with_deadline(removable_points_of, (tuple(entries), domains), REMOVABLE_SECONDS) if entries \
            else ()
    except BudgetExceeded:
        found = ()
    points = {e: p for e, p in zip(entries, found) if p}
    if len(_REMOVABLE) >= 32:
        _REMOVABLE.pop(next(iter(_REMOVABLE)))
    _REMOVABLE[id(d)] = (d, points)
    return points


def _filled(value: sp.Expr, d: Any, key: tuple, prep: Callable) -> sp.Expr:
    """``value`` with its removable singularities inside the domain filled by their limits (:func:`_removable`):
    the exponentiated exponential law's I_ac, 0/0 at a = 1, is (π²/6 − 1)/c there."""
    if not (hasattr(getattr(d, "model", None), "domain_map") and hasattr(d, "neg_expected_hessian")):
        return value  # not a derivation (the compiler's own tests pass plain matrices)
    points = _removable(d).get(getattr(d, key[0])[key[1], key[2]])
    if not points:
        return value
    return sp.Piecewise(*[(prep(limit), sp.Eq(prep(p), r)) for p, r, limit in points], (value, True))


def guarded_entries(d: Any, which: str) -> list[sp.Expr]:
    """The entries of ``d.fisher`` (``which="fisher"``) or ``d.neg_expected_hessian``, row by row, each closed
    form that holds under conditions written as :func:`_guarded` does (for the other array libraries)."""
    matrix = getattr(d, which)
    k = matrix.rows
    return [_guarded(matrix[i, j], d, (which, min(i, j), max(i, j)), which == "fisher" and i == j, lambda e: e)
            for i in range(k) for j in range(k)]


def lambdify_derivation(d: Any, backend: str = "numpy", *, dtype: Any = None) -> Any:
    """Numeric functions of a derivation for ``backend`` ("numpy"; "jax" or "torch" when installed).

    Args:
        d: A :class:`~symfisher.core.derivation.Derivation`.
        backend: Array library of the generated code.
        dtype: Floating type of the JAX/torch functions: ``"float64"`` (the default; for JAX this turns on
            its x64 mode) or ``"float32"``. NumPy computes in float64 only.

    Returns:
        A :class:`NumericModel` (NumPy) or the backend's equivalent.

    Raises:
        NotSupportedError: Unknown backend, its package missing, or an entry with no numeric form.

    >>> import sympy as sp, symfisher as sf
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = sf.derive(sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> float(lambdify_derivation(d).fisher(2.0)[0, 0])  # 1/λ²
    0.25
    """
    structure = getattr(d.model, "gaussian_structure", None)
    if structure is not None and structure.form == "matrix":  # Σ⁻¹ kept as a matrix expression: Cholesky solves
        if backend != "numpy":
            raise NotSupportedError(f"model {d.model.name}: a Gaussian with Σ⁻¹ kept as a matrix expression is "
                                    "evaluated with NumPy/SciPy Cholesky solves only (backend 'numpy')")
        from importlib import import_module  # a plug-in, like the JAX/torch backends: it builds on this compiler

        return import_module(f"{__package__}.gaussian").gaussian_numeric_model(d)
    if backend == "numpy":
        if dtype is not None and np.dtype(str(dtype).removeprefix("torch.")) != np.float64:
            raise NotSupportedError(f"backend 'numpy' computes in float64 only, got dtype {dtype!r}")
        hit = _CACHE.get(id(d))
        if hit is not None and hit[0] is d:
            return hit[1]
        num = _numpy_model(d)
        if len(_CACHE) >= 32:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[id(d)] = (d, num)
        return num
    if backend in ("jax", "torch"):
        from importlib import import_module

        return import_module(f"{__package__}.{backend}").lambdify_derivation(d, dtype=dtype)
    raise NotSupportedError(f"unknown backend {backend!r}; available: {', '.join(BACKENDS)}")


def _numpy_model(d: Any) -> NumericModel:
    model = d.model
    src = module_source(d)
    ns: dict[str, Any] = {"__name__": f"symfisher_generated_{model.name}"}
    exec(compile(src, f"<symfisher generated {model.name!r}>", "exec"), ns)  # noqa: S102 - our own generated code
    dmap = model.domain_map
    given = keyword_arguments(model)
    domains = tuple((str(s), _domain_check(dmap.get(s) or domain_of(s))) for s in (*model.params, *given))
    return NumericModel(name=model.name, data=tuple(map(str, model.data)), params=tuple(map(str, model.params)),
                        given=tuple(map(str, given)), backend="numpy", source=src,
                        fisher_open=tuple(ns["FISHER_OPEN"]), neh_open=tuple(ns["NEH_OPEN"]),
                        fisher_from_neh=tuple(ns["FISHER_FROM_NEH"]), domains=domains,
                        namespace=ns)
