"""Models from untrusted text: a density, symbol specs and a support, parsed without ``eval``.

:func:`model_from_string` (also :meth:`symfisher.Model.from_string` and the CLI's ``--pdf``) turns
text such as ``"exp(-(x-mu)^2/(2*sigma^2))/sqrt(2*pi*sigma^2)"`` into a validated
:class:`~symfisher.core.model.Model`:

1. the symbol specifications (``"mu:real sigma:positive"``) are read by
   :func:`symfisher.text.symbols.parse_symbols`: each symbol's assumptions come from its spec, and a
   parameter's domain from its assumptions (``positive`` → (0, ∞));
2. the support (``"(-oo, oo)"``, ``"(0, theta]"``, ``"Naturals0"``, ``"x: (0, oo); y: (0, 1)"``) by
   :func:`symfisher.text.sets.parse_supports`; its bounds may use parameters and covariates, never data.
   The data symbols are refined to their support (integer on a discrete set, positive on
   (0, ∞), ...), and a declaration that contradicts the support is an error;
3. the density by :func:`symfisher.text.expressions.parse_expression` (an allow-list over :mod:`ast`);
4. the model is built and validated (normalized, non-negative) by
   :meth:`~symfisher.core.model.Model.from_pdf` / :meth:`~symfisher.core.model.Model.from_logpdf`.

All of it runs in a worker process killed after ``timeout`` seconds. Every problem raises a
:class:`~symfisher.errors.ModelError` (or :class:`~symfisher.errors.BudgetExceeded` on time-out)
with a one-line message; no other exception escapes.
"""

from __future__ import annotations

import math

import sympy as sp

from symfisher.core.deadline import Budget, run_with_deadline
from symfisher.errors import BudgetExceeded, ModelError, SymfisherError
from symfisher.core.model import Model, is_discrete_set
from symfisher.text.expressions import parse_expression
from symfisher.text.sets import SUPPORT_HELP, parse_supports
from symfisher.text.symbols import parse_symbols

__all__ = ["model_from_string", "SUPPORT_HELP"]

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
    name: str = "model",
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
        name: A label for messages.
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
    for value, role in ((support, "support"), (given, "given")):
        if value is not None and not isinstance(value, str):
            raise ModelError(f"{role} must be given as text (str) or None, got {type(value).__name__}")
    if kind not in ("pdf", "logpdf"):
        raise ModelError(f"kind must be 'pdf' or 'logpdf', got {kind!r}")
    if not isinstance(name, str) or not name.isprintable() or len(name) > _MAX_NAME:
        raise ModelError(f"name must be printable text of at most {_MAX_NAME} characters, got {name!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < math.inf:
        raise ModelError(f"timeout must be a positive number of seconds, got {timeout!r}")
    seconds = max(0.05, min(timeout * 0.95, timeout - 0.1))  # leave time to kill and reap the worker
    budget = Budget.of(seconds)
    try:
        return run_with_deadline(_build, (pdf, data, params, support, kind, given, name, budget), seconds)
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


def _build(pdf: str, data: str, params: str, support: str | None, kind: str, given: str | None, name: str,
           budget: Budget) -> Model:
    data_s = parse_symbols(data)
    params_s = parse_symbols(params)
    given_s = parse_symbols(given or "")
    if not data_s:
        raise ModelError(f"model {name}: no data symbol declared (data={data!r})")
    if not params_s:
        raise ModelError(f"model {name}: no parameter declared (params={params!r})")
    roles = {}
    for role, symbols in (("data", data_s), ("a parameter", params_s), ("a covariate", given_s)):
        for s in symbols:
            if s.name in roles:
                raise ModelError(f"model {name}: symbol {s.name!r} is declared as both {roles[s.name]} and {role}")
            roles[s.name] = role
    outer = {s.name: s for s in (*params_s, *given_s)}
    sets = _supports(support, data_s, outer, name)
    if sets is not None:
        data_s = [_refine(x, sets[x.name], name) for x in data_s]
    symbols = {s.name: s for s in (*data_s, *params_s, *given_s)}
    expr = parse_expression(pdf, symbols)
    support_map = None if sets is None else {x: sets[x.name] for x in data_s}
    build = Model.from_pdf if kind == "pdf" else Model.from_logpdf
    return build(expr, data_s, params_s, support_map, given_s or None, name=name,
                 timeout=max(0.1, budget.left() - 0.1))


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
