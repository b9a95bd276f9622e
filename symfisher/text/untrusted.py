"""Models from untrusted text: a density, symbol specs and a support, parsed without ``eval``.

:func:`model_from_string` (also :meth:`symfisher.Model.from_string` and the CLI's ``--pdf``) turns
text such as ``"exp(-(x-mu)^2/(2*sigma^2))/sqrt(2*pi*sigma^2)"`` into a validated
:class:`~symfisher.core.model.Model`:

1. the symbol specifications (``"p:(0,1) mu:real sigma:positive"``) are read by
   :func:`symfisher.text.symbols.parse_domains`: each symbol's assumptions and declared domain come
   from its spec (an interval, or the set an assumption word implies: ``positive`` → (0, ∞)). The
   declared domains become the model's ``domain=``, and the density must be a density on *all* of
   them: ``p^x*(1-p)^(1-x)`` on {0, 1} with ``p:positive`` is refused (negative for p > 1), with
   ``p:(0,1)`` it is accepted. A data symbol declared with an interval (``x:(0,1)``) has it as support;
2. the support (``"(-oo, oo)"``, ``"(0, theta]"``, ``"Naturals0"``, ``"x: (0, oo); y: (0, 1)"``) by
   :func:`symfisher.text.sets.parse_supports`; its bounds may use parameters and covariates, never data.
   The data symbols are refined to their support (integer on a discrete set, positive on
   (0, ∞), ...), and a declaration that contradicts the support is an error;
3. the density by :func:`symfisher.text.expressions.parse_expression` (an allow-list over :mod:`ast`);
4. the model is built by :meth:`~symfisher.core.model.Model.from_pdf` /
   :meth:`~symfisher.core.model.Model.from_logpdf` and validated (normalized, non-negative at every
   drawn point of the declared domains) by :func:`~symfisher.core.validation.validate_model`.

All of it runs in a worker process killed after ``timeout`` seconds. Every problem raises a
:class:`~symfisher.errors.ModelError` (or :class:`~symfisher.errors.BudgetExceeded` on time-out)
with a one-line message; no other exception escapes.
"""

from __future__ import annotations

import math

import sympy as sp

from symfisher.core.note import written_set
from symfisher.core.deadline import Budget, run_with_deadline
from symfisher.errors import BudgetExceeded, ModelError, SymfisherError
from symfisher.core.model import Model, is_discrete_set
from symfisher.core.points import domain_of
from symfisher.core.validation import validate_model
from symfisher.text.expressions import parse_expression
from symfisher.text.sets import SUPPORT_HELP, parse_simplex, parse_supports
from symfisher.text.symbols import parse_domains

__all__ = ["model_from_string", "text_label", "SUPPORT_HELP"]

TIMED_OUT = "model {name}: building the model from text did not finish within {seconds:g} s"
_MAX_NAME = 60


def model_from_string(
    pdf: str,
    data: str,
    params: str,
    support: str | None = None,
    kind: str = "pdf",
    given: str | None = None,
    *,
    constants: str | None = None,
    name: str | None = None,
    timeout: float = 20.0,
) -> Model:
    """A validated model p(x | θ) from untrusted text, without ``eval``.

    Args:
        pdf: The density or mass function p(x | θ) (``kind="pdf"``) or log p (``kind="logpdf"``).
        data: Data symbols x with assumptions, e.g. ``"x"`` (real) or ``"k:nonnegative_integer"``.
        params: Parameters θ with assumptions, e.g. ``"mu:real sigma:positive"``.
        support: The set x ranges over (see :data:`SUPPORT_HELP`); ``None`` takes it from the
            data assumptions (real → (-∞, ∞), positive → (0, ∞), nonnegative_integer → ℕ₀).
        kind: ``"pdf"`` or ``"logpdf"``.
        given: Covariates (conditioned on, not integrated over), e.g. ``"z:real"``.
        constants: Known constants left symbolic, with their domains, e.g. ``"tau:(0,1)"`` (a quantile level):
            neither differentiated nor integrated over.
        name: A label for messages; default the density text in one line, shortened to 40 characters
            (so messages read ``model lam*exp(-lam*x): ...``).
        timeout: Hard bound in seconds on parsing, building and validating.

    Returns:
        The :class:`~symfisher.core.model.Model`.

    Raises:
        ModelError: On malformed text, an unknown or misused symbol, a bad support, or a density
            that is negative or not normalized; the message names the problem.
        BudgetExceeded: The work did not finish within ``timeout`` seconds.

    >>> model_from_string("lam*exp(-lam*x)", "x", "lam:positive", "(0, oo)").support
    ((x, Interval.open(0, oo)),)
    """
    for value, role in ((pdf, "the density"), (data, "data"), (params, "params")):
        if not isinstance(value, str):
            raise ModelError(f"{role} must be given as text (str), got {type(value).__name__}")
    for value, role in ((support, "support"), (given, "given"), (constants, "constants")):
        if value is not None and not isinstance(value, str):
            raise ModelError(f"{role} must be given as text (str) or None, got {type(value).__name__}")
    if kind not in ("pdf", "logpdf"):
        raise ModelError(f"kind must be 'pdf' or 'logpdf', got {kind!r}")
    name = text_label(pdf) if name is None else name
    if not isinstance(name, str) or not name.isprintable() or len(name) > _MAX_NAME:
        raise ModelError(f"name must be printable text of at most {_MAX_NAME} characters, got {name!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < math.inf:
        raise ModelError(f"timeout must be a positive number of seconds, got {timeout!r}")
    seconds = max(0.05, min(timeout * 0.95, timeout - 0.1))  # leave time to kill and reap the worker
    budget = Budget.of(seconds)
    try:
        return run_with_deadline(_build, (pdf, data, params, support, kind, given, constants, name, budget), seconds)
    except BudgetExceeded as exc:
        if str(exc).startswith(f"model {name}:"):
            raise
        raise BudgetExceeded(TIMED_OUT.format(name=name, seconds=timeout)) from None
    except SymfisherError:
        raise
    except RecursionError:
        raise ModelError(f"model {name}: the expression is nested too deeply to handle") from None
    except Exception as exc:  # noqa: BLE001 - SymPy failed on validated input: still the input's fault
        detail = str(exc).splitlines()[0][:80] if str(exc) else ""
        raise ModelError(f"model {name}: the model could not be built from the text: {type(exc).__name__}"
                         + (f": {detail}" if detail else "")) from None


def text_label(text: str, width: int = 40) -> str:
    """A model name from its text: one line, printable, at most ``width`` characters (``…`` when cut).

    >>> text_label("lam * exp(-lam*x)")
    'lam * exp(-lam*x)'
    """
    one_line = "".join(c if c.isprintable() else "?" for c in " ".join(text.split()))
    return (one_line if len(one_line) <= width else one_line[:width - 1] + "…") or "model"


def _build(pdf: str, data: str, params: str, support: str | None, kind: str, given: str | None,
           constants: str | None, name: str, budget: Budget) -> Model:
    data_d, params_d, given_d = parse_domains(data), parse_domains(params), parse_domains(given or "")
    constants_d = parse_domains(constants or "")
    data_s, params_s, given_s, constants_s = list(data_d), list(params_d), list(given_d), list(constants_d)
    if not data_s:
        raise ModelError(f"model {name}: no data symbol declared (data={data!r})")
    if not params_s:
        raise ModelError(f"model {name}: no parameter declared (params={params!r})")
    roles = {}
    for role, symbols in (("data", data_s), ("a parameter", params_s), ("a covariate", given_s),
                          ("a constant", constants_s)):
        for s in symbols:
            if s.name in roles:
                raise ModelError(f"model {name}: symbol {s.name!r} is declared as both {roles[s.name]} and {role}")
            roles[s.name] = role
    outer = {s.name: s for s in (*params_s, *given_s, *constants_s)}
    declared = {x.name: d for x, d in data_d.items() if d != domain_of(x)}  # beyond its assumptions: x:(0,1)
    total = _simplex_total(support, outer, name)
    if total is not None:  # the free coordinates of a simplex: each on (0, total) (counts: 0 … total), Σ < total
        discrete = all(x.is_integer for x in data_s)
        margin = sp.Range(0, total + 1) if discrete else sp.Interval.open(0, total)
        sets = _declared_supports({x.name: margin for x in data_s}, data_s, declared, name)
    else:
        sets = _supports(support, data_s, outer, name)
        if declared:  # a data symbol declared with an interval: that interval is its support
            sets = _declared_supports(sets, data_s, declared, name)
    if sets is not None:
        data_s = [_refine(x, sets[x.name], name) for x in data_s]
    symbols = {s.name: s for s in (*data_s, *params_s, *given_s, *constants_s)}
    expr = parse_expression(pdf, symbols)
    unused = [c.name for c in constants_s if not expr.has(c) and not any(
        c in sets[x.name].free_symbols for x in data_s if sets is not None and x.name in sets)]
    if unused:
        raise ModelError(f"model {name}: constant {unused[0]} is declared but appears neither in the density nor in "
                         "the support")
    support_map = None if sets is None else {x: sets[x.name] for x in data_s}
    if total is not None:
        support_map = Model.simplex(data_s, total, discrete=discrete)
    build = Model.from_pdf if kind == "pdf" else Model.from_logpdf
    model = build(expr, data_s, params_s, support_map, given_s or None, domain={**params_d, **given_d, **constants_d},
                  name=name, validate=False)
    validate_model(model, timeout=max(0.1, budget.left() - 0.1), declared=True)  # every declared value must work
    return model


def _declared_supports(sets: dict[str, sp.Set] | None, data: list[sp.Symbol], declared: dict[str, sp.Set],
                       name: str) -> dict[str, sp.Set] | None:
    """The supports with each data interval of the declaration (``x:(0, 1)``) filled in; a different
    ``support`` for the same symbol is an error."""
    out = dict(sets or {})
    for x in data:
        if x.name not in declared:
            continue
        if x.name in out and out[x.name] != declared[x.name]:
            raise ModelError(f"model {name}: data symbol {x.name} is declared on {written_set(declared[x.name])} but "
                             f"its support is given as {written_set(out[x.name])}; give one of them")
        out[x.name] = declared[x.name]
    if len(out) != len(data):  # some data symbols without an interval: their support from assumptions
        out.update({x.name: domain_of(x) for x in data if x.name not in out})
    return out


def _simplex_total(text: str | None, outer: dict[str, sp.Symbol], name: str) -> sp.Expr | None:
    """The total of a ``simplex(total)`` support text, else ``None``."""
    try:
        return parse_simplex(text, outer)
    except ModelError as exc:
        raise ModelError(f"model {name}: {exc}") from None


def _supports(text: str | None, data: list[sp.Symbol], outer: dict[str, sp.Symbol],
              name: str) -> dict[str, sp.Set] | None:
    """Data name → support set, parsed from ``text`` (``None`` when no support is given)."""
    try:
        return parse_supports(text, [x.name for x in data], outer)
    except ModelError as exc:
        raise ModelError(f"model {name}: {exc}") from None


def _refine(x: sp.Symbol, s: sp.Set, name: str) -> sp.Symbol:
    """``x`` with the assumptions its support implies; a declaration contradicting it is an error."""
    discrete = is_discrete_set(s)
    declared = f"data symbol {x.name} is declared"
    if x.is_integer and not discrete:
        raise ModelError(f"model {name}: {declared} integer but its support {s} is not a discrete set; "
                         "use e.g. Naturals0, range(0, n + 1) or {0, 1}")
    assume: dict[str, bool] = {"real": True}
    if discrete:
        assume["integer"] = True
    lo = s.inf
    if lo.is_number and lo.is_finite:
        positive = bool(lo > 0 or (lo == 0 and s.contains(0) == sp.false))
        if positive:
            assume["positive"] = True
        elif lo >= 0:
            assume["nonnegative"] = True
        if x.is_positive and not positive or x.is_nonnegative and lo < 0:
            what = "positive" if x.is_positive else "nonnegative"
            raise ModelError(f"model {name}: {declared} {what} but its support {s} contains smaller values")
    elif lo is sp.S.NegativeInfinity and (x.is_positive or x.is_nonnegative):
        what = "positive" if x.is_positive else "nonnegative"
        raise ModelError(f"model {name}: {declared} {what} but its support {s} contains negative values")
    if x.is_positive:
        assume["positive"] = True
    elif x.is_nonnegative and "positive" not in assume:
        assume["nonnegative"] = True
    return sp.Symbol(x.name, **assume)
