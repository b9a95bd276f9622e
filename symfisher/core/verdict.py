"""Three-valued verdicts: "proved", "refuted" (with a concrete point), or "inconclusive" (with evidence).

"proved" needs a residual that simplifies to exactly zero; "refuted" needs a parameter point where
the two sides differ numerically far beyond rounding (closed forms are evaluated to 30 digits);
everything else is "inconclusive", never "proved".
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace
from typing import Literal, Mapping, Sequence

import sympy as sp

from symfisher.core.deadline import Background, now, run_with_deadline
from symfisher.core.simplify import is_zero, rational_form, signed_symbols, tidy, zero_test
from symfisher.core.evidence import numeric_value
from symfisher.core.indicators import non_numbers
from symfisher.core.note import Note, eq, listed
from symfisher.errors import BudgetExceeded

Status = Literal["proved", "refuted", "inconclusive"]
REFUTE_RTOL = 1e-10  # closed forms at 30 digits: a relative difference above this is real
REFUTE_FLOOR = 1e-20  # ... unless it is this small next to the largest entry compared (rounding of a zero)


@dataclass(frozen=True)
class Evidence:
    """Numeric values at one parameter point: the entries compared and their difference."""

    point: Mapping[sp.Symbol, sp.Expr]
    left: tuple[float, ...]
    right: tuple[float, ...]
    max_abs_diff: float

    @property
    def max_rel_diff(self) -> float:
        """``max |a − b| / max(|a|, |b|)`` over the entries (0 where both are 0): 0.0078 between entries of size
        10¹³ is round-off."""
        return max((abs(a - b) / max(abs(a), abs(b)) for a, b in zip(self.left, self.right) if a != b), default=0.0)

    def __str__(self) -> str:
        at = ", ".join(f"{k}={v}" for k, v in self.point.items())
        return f"at {at}: max |difference| = {self.max_abs_diff:.3g} (relative {self.max_rel_diff:.2g})"


@dataclass(frozen=True)
class Verdict:
    """The outcome of an equality check.

    Attributes:
        status: "proved", "refuted" or "inconclusive".
        reason: What was shown, or why it fails / could not be decided.
        residual: The simplified difference (a SymPy matrix), when computed.
        evidence: Numeric comparisons at random parameter points.
        counterexample: For "refuted": a point where the sides differ.
        facts: Regularity facts established on the way.
    """

    status: Status
    reason: str
    residual: sp.ImmutableMatrix | None = None
    evidence: tuple[Evidence, ...] = ()
    counterexample: Mapping[sp.Symbol, sp.Expr] | None = None
    facts: tuple[str, ...] = field(default=())
    conditions: tuple[sp.Basic, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in ("proved", "refuted", "inconclusive"):
            raise ValueError(f"unknown verdict status {self.status!r}")
        if self.status == "refuted" and self.counterexample is None:
            raise ValueError("a refuted verdict needs a counterexample")
        if self.status == "proved" and self.residual is not None \
                and any(non_numbers(e) for e in self.residual if e != 0):
            raise ValueError("a proved verdict cannot rest on entries that are not numbers")

    def __bool__(self) -> bool:
        return self.status == "proved"

    def __repr__(self) -> str:
        where = f" [for {' and '.join(map(sp.sstr, self.conditions))}]" if self.conditions else ""
        return f"Verdict({self.status}{where}: {self.reason})"

    def with_conditions(self, conditions: tuple[sp.Basic, ...]) -> Verdict:
        """The same verdict, holding only where every condition holds (proofs inherit them)."""
        new = tuple(c for c in conditions if c not in self.conditions)
        if not new:
            return self
        reason = self.reason
        if self.status == "proved":
            reason = Note.of(reason, "; valid only for ", *listed((*self.conditions, *new), " and "))
        return replace(self, conditions=(*self.conditions, *new), reason=reason)

    def _repr_markdown_(self) -> str:
        return f"**{self.status}** — {self.reason}"

    def _repr_latex_(self) -> str:
        from symfisher.core import outer

        return outer.verdict_latex(self)


def simplify_within(expr: sp.Expr, seconds: float) -> sp.Expr:
    """A short equivalent form under a hard time limit (the input back when it runs out)."""
    return tidy(expr, seconds)


def compare_numerically(
    left: sp.Matrix, right: sp.Matrix, points: Sequence[Mapping[sp.Symbol, sp.Expr]]
) -> tuple[list[Evidence], Evidence | None]:
    """Evidence at each point, and the first point where the sides clearly differ (or ``None``)."""
    evidence, witness = [], None
    for point in points:
        lv = [numeric_value(e, point) for e in left]
        rv = [numeric_value(e, point) for e in right]
        diffs = [abs(a - b) for a, b in zip(lv, rv)]
        if any(isinstance(d, float) and math.isnan(d) for d in diffs):
            continue
        ev = Evidence(dict(point), tuple(map(_real, lv)), tuple(map(_real, rv)), max(diffs))
        evidence.append(ev)
        if witness is None and clearly_differ(lv, rv):
            witness = ev
    return evidence, witness


def clearly_differ(left: Sequence[complex | float], right: Sequence[complex | float]) -> bool:
    """Whether some entry differs relative to its own size: ``|a − b| > 1e-10·max(|a|, |b|)``.

    Relative per entry, so I = 10⁻¹⁴ versus a claim of 2·10⁻¹⁴ differs; differences below 10⁻²⁰ of
    the largest entry compared are rounding (a zero evaluated at 30 digits), not a difference.
    """
    scale = max([abs(v) for v in (*left, *right)] or [0.0])
    for a, b in zip(left, right):
        if math.isinf(abs(a)) or math.isinf(abs(b)):
            if a != b:
                return True
            continue
        d = abs(a - b)
        if d > REFUTE_RTOL * max(abs(a), abs(b)) and d > REFUTE_FLOOR * scale:
            return True
    return False


def _real(v) -> float:
    return float(v.real) if isinstance(v, complex) else float(v)


def matrices_equal(
    left: sp.Matrix,
    right: sp.Matrix,
    points: Sequence[Mapping[sp.Symbol, sp.Expr]],
    what: str,
    simplify_seconds: float = 5.0,
    irregular_reason: str = "",
    facts: tuple[str, ...] = (),
    symmetric: bool = False,
    domains: Mapping[sp.Symbol, sp.Set] | None = None,
    second_look_seconds: float = 0.0,
) -> Verdict:
    """Decide ``left == right`` soundly: simplify the residual, else compare at random points.

    ``symmetric``: both sides are symmetric by construction, so the upper triangle decides. ``domains``: the
    parameters' domains; the residual is simplified with the sign each implies (log(1/r) + log(r) = 0 for r > 1).
    ``second_look_seconds``: the time, shared, for a second zero test of the cells whose first one ran out of time,
    taken only where no point tells the sides apart.
    """
    undefined = sorted({b for e in (*left, *right) for b in non_numbers(e)}, key=sp.sstr)
    if undefined:
        return Verdict("inconclusive", Note.of(what, ": entries contain ", *listed(undefined), ", which is not a "
                       "number (a derivative of an indicator or an undefined value), so nothing can be proved"),
                       facts=facts)
    if left.has(sp.Integral, sp.Sum) or right.has(sp.Integral, sp.Sum):
        shared = _shared_open_parts(left, right, simplify_seconds, symmetric)
        if shared:
            return Verdict("proved", Note.of(what, f": the residual simplifies to the zero matrix, the {shared} "
                                             "unevaluated expectation(s) of the two sides cancelling in it: they are "
                                             "equal wherever these are finite"),
                           sp.ImmutableMatrix.zeros(left.rows, left.cols), facts=facts)
        open_entries = [f"({i + 1},{j + 1})" for i in range(left.rows) for j in range(left.cols)
                        if left[i, j].has(sp.Integral, sp.Sum) or right[i, j].has(sp.Integral, sp.Sum)]
        return Verdict("inconclusive", Note.of(what, f": entries {', '.join(open_entries)} have no closed form "
                       "(unevaluated expectations), so the identity could not be decided symbolically"),
                       facts=facts)
    cells = [(i, j) for i in range(left.rows) for j in range(left.cols) if not symmetric or j >= i]
    signs = signed_symbols(left.free_symbols | right.free_symbols, domains)
    back = {d: s for s, d in signs.items()}
    differences = {ij: (left[ij] - right[ij]).xreplace(signs) for ij in cells}
    tests = {ij: zero_test(differences[ij], simplify_seconds) for ij in cells}
    proved = Verdict("proved", Note.of(what, ": the residual simplifies to the zero matrix"),
                     sp.ImmutableMatrix.zeros(left.rows, left.cols), facts=facts)
    if all(zero for zero, _ in tests.values()):
        return proved
    nonzero = {ij: differences[ij] for ij, (zero, _) in tests.items() if not zero}
    late = {ij: differences[ij] for ij, (_, ran_out) in tests.items() if ran_out} if second_look_seconds > 0 else {}
    # in a worker while the points are evaluated here: the residual's short forms (for the reader), then a second
    # look at the cells whose zero test ran out of time (a loaded machine), each found 0 coming as the short form 0
    with Background(_simplified_cells, (nonzero, simplify_seconds, late, second_look_seconds),
                    simplify_seconds * len(nonzero) + (second_look_seconds if late else 0.0)) as simplified:
        evidence, witness = compare_numerically(left, right, points)
        items = iter(simplified)
        short = dict(itertools.islice(items, len(nonzero)))
        if witness is None:  # a point where the sides differ decides: no second look
            short.update(items)
    if witness is None and all(short.get(ij) == 0 for ij in nonzero):
        return proved
    upper = {ij: short.get(ij, d).xreplace(back) for ij, d in nonzero.items()}
    residual = sp.ImmutableMatrix(left.rows, left.cols, lambda i, j: upper.get((i, j) if j >= i or not symmetric
                                                                               else (j, i), sp.Integer(0)))
    if witness is not None:
        at = listed([eq(k, v) if isinstance(v, (sp.Basic, int)) else f"{k} = {v}" for k, v in witness.point.items()])
        reason = Note.of(what, ": they differ at ", *at, f" by up to {witness.max_abs_diff:.6g}")
        if irregular_reason:
            reason = Note.of(reason, "; ", irregular_reason)
        return Verdict("refuted", reason, residual, tuple(evidence), dict(witness.point), facts)
    return Verdict("inconclusive", Note.of(what, ": the residual does not simplify to zero but vanishes numerically "
                   f"at {len(evidence)} random points (", _tried(evidence), "; evidence, not proof)"), residual,
                   tuple(evidence), facts=facts)


def _shared_open_parts(left: sp.Matrix, right: sp.Matrix, seconds: float, symmetric: bool) -> int:
    """How many unevaluated expectations (``Sum``, ``Integral``) the two sides hold, where each cell's residual, with
    every one of them as a symbol, expands to a form free of them that simplifies to zero (they cancel: the negative
    binomial law's I_rr and −E[H]_rr are both ψ′(r) − E[ψ′(K + r)]); else 0."""
    try:
        differences = run_with_deadline(_without_open_parts, (left, right, symmetric), seconds)
    except BudgetExceeded:
        return 0
    if differences is None or any(is_zero(d, seconds) is not True for d in differences):
        return 0
    return len({a for m in (left, right) for e in m for a in e.atoms(sp.Sum, sp.Integral)})


def _without_open_parts(left: sp.Matrix, right: sp.Matrix, symmetric: bool) -> list[sp.Expr] | None:
    """Each cell's residual expanded with the unevaluated expectations as symbols, or ``None`` where one is left."""
    named = {a: sp.Dummy("E") for m in (left, right) for e in m for a in e.atoms(sp.Sum, sp.Integral)}
    out = []
    for i in range(left.rows):
        for j in range(i if symmetric else 0, left.cols):
            difference = sp.expand((left[i, j] - right[i, j]).xreplace(named))
            if difference.free_symbols & set(named.values()):
                return None
            out.append(difference)
    return out


def _simplified_cells(cells: Mapping[tuple[int, int], sp.Expr], seconds: float,
                      late: Mapping[tuple[int, int], sp.Expr] | None = None, late_seconds: float = 0.0):
    """(cell, a short form of its expression), cell by cell, each within ``seconds``: a rational function of the
    parameters (and their logarithms) in lowest terms (:func:`~symfisher.core.simplify.rational_form`), else
    :func:`simplify_within`; then (cell, 0) for each of the ``late`` cells found 0
    (:func:`~symfisher.core.simplify.is_zero`) within what is left of ``late_seconds``."""
    for ij, expr in cells.items():
        rational = rational_form(expr, seconds)
        yield ij, rational if rational is not None else simplify_within(expr, seconds)
    end = now() + late_seconds
    for ij, expr in (late or {}).items():
        if end - now() <= 0.05:
            return
        if is_zero(expr, end - now()) is True:
            yield ij, sp.Integer(0)


def _tried(evidence: Sequence[Evidence]) -> Note:
    """The points tried, in short: ``sigma ∈ [0.0013, 4.1e+06]`` per parameter."""
    if not evidence:
        return Note("no point evaluated")
    parts = []
    for sym in evidence[0].point:
        values = [float(e.point[sym]) for e in evidence]
        parts.append(Note.of(sym, f" ∈ [{min(values):.3g}, {max(values):.3g}]"))
    return Note.of("tried ", *listed(parts)) if parts else Note("no parameters")
