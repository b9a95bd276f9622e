"""Adversarial suite (issue 11): generated models and claims against an oracle independent of symfisher.

The grammar (:mod:`adversarial_grammar`) builds models from the catalog kernels — reparametrised,
mixed, multiplied, with supports written as Heaviside / Piecewise / sign / Max / Min factors and
random assumptions — and claims from their exact information — perturbed (constant factors, tiny
absolute terms, errors on part of the domain, Piecewise / floor / Max / Heaviside / sign, oscillating
factors, rounded constants) or rewritten into equivalent forms. The truth is the literature
information (reparametrised: Jᵀ I J; products: with the E[s] cross terms) where the grammar knows it,
cross-checked on a sample, and otherwise mpmath quadrature (summation) of E[s], E[s sᵀ] and −E[H] at
20 digits, factor by factor. The invariants checked on every example:

1. nothing but a :class:`symfisher.SymfisherError` is raised (and, in strict mode — tests/conftest.py —
   no ``StrategyBug``);
2. ``Model.from_pdf`` (validating), ``derive`` and ``check`` return within their ``timeout`` + 1 s
   (``SYMFISHER_TIME_SLACK``);
3. "proved" only where the truth agrees: for the information equality, I(θ) and −E[H] equal the truth
   at every parameter point tried (relative tolerance 10⁻⁶) and the truth satisfies the equality; for a
   claim, it agrees with quadrature and, if wrong by construction (checked at 60 digits), is never
   proved; "refuted" never for an equivalent form, never with a counterexample where the two sides
   agree (a claim, or E[s sᵀ] and −E[H] of the truth);
4. facts are true: "support independent of θ" never for a support that moves with θ, "E[s] = 0
   (proved)" only where E[s] vanishes; closed forms of I(θ), −E[H] and E[s] equal the truth.

Violations listed in ``KNOWN_ISSUES`` are counted but do not fail. Normal CI runs ``CI_MODELS`` models
and ``CI_CLAIMS`` claims (about 80 s on two cores). The nightly run::

    SYMFISHER_ADVERSARIAL_MODELS=10000 SYMFISHER_ADVERSARIAL_CLAIMS=2000 \\
        python -m pytest -q -m slow tests/integration/test_adversarial.py -s

prints the counts, the seconds and the outcome table. ``SYMFISHER_ADVERSARIAL_SECONDS`` caps each
nightly test's wall time, ``SYMFISHER_ADVERSARIAL_POINTS`` sets the parameter points per example (2),
``SYMFISHER_ADVERSARIAL_SEED`` draws another sample, ``SYMFISHER_ADVERSARIAL_REPORT=path.json`` writes
the tables with every violation's reproducer.
"""

from __future__ import annotations

import json
import math
import os
import time
import traceback
import zlib
from collections import Counter
from dataclasses import dataclass, field

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, Phase, given, seed, settings

import adversarial_grammar as ag
import symfisher as sf

SLACK = float(os.environ.get("SYMFISHER_TIME_SLACK", "1"))
CI_MODELS = 25  # 50 models and 60 claims took 155 s of a CI run near its 30-minute limit
CI_CLAIMS = 30
SLOW_MODELS = int(os.environ.get("SYMFISHER_ADVERSARIAL_MODELS", "10000"))
SLOW_CLAIMS = int(os.environ.get("SYMFISHER_ADVERSARIAL_CLAIMS", "2000"))
SLOW_SECONDS = float(os.environ.get("SYMFISHER_ADVERSARIAL_SECONDS", "inf"))
SEED = os.environ.get("SYMFISHER_ADVERSARIAL_SEED")
POINTS = int(os.environ.get("SYMFISHER_ADVERSARIAL_POINTS", "2"))  # oracle points per model / claim
RTOL = 1e-6  # oracle (quadrature) versus symfisher
EXACT = mpmath.mpf(10) ** -46  # a claim differs from the reference at 60 digits
CHECK_TIMEOUTS = [3.0, 5.0, 8.0]
CROSS_CHECK = 4  # one model in CROSS_CHECK with an exact reference also gets quadrature at one point
FACT_SUPPORT = "support independent of θ"
FACT_MEAN = "E[s] = 0 (proved)"


# ============================================================================================ tally
@dataclass
class Tally:
    """Outcome counts, seconds and invariant violations of one run."""

    name: str
    outcomes: Counter = field(default_factory=Counter)
    violations: list = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    samples: dict = field(default_factory=dict)
    seconds: Counter = field(default_factory=Counter)
    max_overshoot: dict = field(default_factory=dict)
    examples: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    def violation(self, kind: str, message: str, reproducer: str) -> None:
        known = _known(kind, message + "\n" + reproducer)
        if known:
            self.outcomes[f"KNOWN ISSUE {kind}: {known}"] += 1
            self.samples.setdefault(f"known: {known}", reproducer + "\n# " + message[:400])
            return
        self.outcomes[f"VIOLATION {kind}"] += 1
        self.violations.append({"kind": kind, "message": message[:2000], "reproducer": reproducer})

    def note(self, kind: str, reproducer: str = "") -> None:
        """Something worth knowing that is not an invariant violation (first example kept)."""
        self.notes[kind] += 1
        if reproducer and kind not in self.samples:
            self.samples[kind] = reproducer

    def timed(self, stage: str, fn, limit: float | None, reproducer: str):
        """``fn()``: ("ok", value) or ("error", SymfisherError); a foreign exception or a late return is a violation."""
        start = time.monotonic()
        try:
            value = fn()
            status = ("ok", value)
        except sf.SymfisherError as exc:
            status = ("error", exc)
            self.outcomes[f"{stage}: {type(exc).__name__}"] += 1
            message = str(exc)
            if not message or "\n" in message:
                self.violation("error-message", f"{stage}: {type(exc).__name__} message {message!r}", reproducer)
            if type(exc).__name__ == "StrategyBug":  # strict mode (tests/conftest.py): a strategy crashed
                self.violation("strategy-bug", f"{stage}: {exc}", reproducer)
        except Exception as exc:  # noqa: BLE001 - invariant 1
            status = ("foreign", exc)
            self.outcomes[f"{stage}: FOREIGN {type(exc).__name__}"] += 1
            self.violation("foreign-exception", f"{stage}: {type(exc).__name__}: {exc}\n"
                           + "".join(traceback.format_exception(exc))[-1500:], reproducer)
        elapsed = time.monotonic() - start
        self.seconds[stage] += elapsed
        if limit is not None:
            over = elapsed - limit
            if over > self.max_overshoot.get(stage, -math.inf):
                self.max_overshoot[stage] = over
            if over > SLACK:
                self.violation("late", f"{stage} took {elapsed:.2f} s with timeout {limit:g} s", reproducer)
        return status

    def table(self) -> dict:
        wall = (self.finished or time.monotonic()) - self.started
        return {"test": self.name, "examples": self.examples, "wall_seconds": round(wall, 1),
                "seconds": {k: round(v, 1) for k, v in sorted(self.seconds.items())},
                "max_overshoot_seconds": {k: round(v, 2) for k, v in sorted(self.max_overshoot.items())},
                "outcomes": dict(sorted(self.outcomes.items())), "notes": dict(sorted(self.notes.items())),
                "note_samples": self.samples, "violations": self.violations}

    def report(self) -> str:
        t = self.table()
        lines = [f"\n=== adversarial {self.name}: {t['examples']} examples in {t['wall_seconds']} s ===",
                 "seconds by stage: " + ", ".join(f"{k} {v}" for k, v in t["seconds"].items()),
                 "max overshoot past the timeout (s): " + ", ".join(f"{k} {v:+.2f}"
                                                                   for k, v in t["max_overshoot_seconds"].items())]
        lines += [f"  {v:6d}  {k}" for k, v in t["outcomes"].items()]
        if t["notes"]:
            lines.append("notes (not invariant violations):")
            lines += [f"  {v:6d}  {k}" for k, v in t["notes"].items()]
        for v in self.violations[:20]:
            lines.append(f"VIOLATION {v['kind']}: {v['message'][:600]}\n{v['reproducer']}")
        return "\n".join(lines)


REPORTS: list[Tally] = []

#: Violations already reported to the maintainers: (violation kind, a substring of the message or the
#: reproducer, short name). They are counted in the table as "KNOWN ISSUE" (with a sample reproducer under
#: the notes) and do not fail the run; delete an entry once it is fixed and the run stays green.
KNOWN_ISSUES: list[tuple[str, str, str]] = [
    # a scale parameter known positive only through domain= (no assumption): SymPy's limit raises
    # NotImplementedError("Result depends on the sign of ...") inside 'symmetry' (caught there only as ValueError)
    ("strategy-bug", "Result depends on the sign of", "symmetry: sign of an unassumed scale"),
    # a density with θ-indicators left in it (Max(0, sign(θ − x)), Min(1, Heaviside(θ − x)), a mixture
    # with a jump at θ): Derivation.mean_score comes out distributional (0: the Dirac terms included),
    # while the classical E[s] — the convention for the same model written with a support — is −1/θ
    ("mean-closed-form", "which ties the data to θ", "distributional E[s] with θ-indicators"),
    ("mean-fact", "which ties the data to θ", "distributional E[s] with θ-indicators"),
]


def _known(kind: str, text: str) -> str:
    for k, needle, why in KNOWN_ISSUES:
        if k == kind and needle in text:
            return why
    return ""


@pytest.fixture(scope="module", autouse=True)
def _write_report():
    yield
    path = os.environ.get("SYMFISHER_ADVERSARIAL_REPORT")
    if path and REPORTS:
        with open(path, "w") as f:
            json.dump([t.table() for t in REPORTS], f, indent=1, default=str)


def _finish(tally: Tally) -> None:
    tally.finished = time.monotonic()
    REPORTS.append(tally)
    print(tally.report())
    assert tally.examples > 0
    assert not tally.violations, tally.report()


def _drive(strategy, body, n: int, seconds: float, tally: Tally) -> None:
    """Run ``body`` on examples of ``strategy`` until ``n`` were counted (``tally.examples``) or ``seconds``
    passed: Hypothesis runs of at most 200 examples, seeded ``SEED + i`` (fixed: CI draws the same sample
    every time), so a time cap stops the generation too. Duplicates are skipped by ``body``."""
    base = int(SEED) if SEED is not None else 20261201
    stale = 0
    for chunk in range(10**6):
        before = tally.examples
        if before >= n or time.monotonic() - tally.started > seconds or stale >= 3:
            return

        @seed(base + chunk)
        @settings(max_examples=min(200, 2 * (n - before)), deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def run(example):
            if tally.examples < n and time.monotonic() - tally.started <= seconds:
                body(example)

        run()
        stale = stale + 1 if tally.examples == before else 0


def _nightly(request) -> None:
    expr = request.config.getoption("markexpr") or ""
    if not (("slow" in expr and "not slow" not in expr) or os.environ.get("SYMFISHER_ADVERSARIAL_SLOW")):
        pytest.skip("nightly: run with -m slow (or SYMFISHER_ADVERSARIAL_SLOW=1)")


# ============================================================================================ oracle helpers
def _close(a, b, scale) -> bool:
    """|a − b| ≤ RTOL·(|b| + scale) for mpf / float values (infinities equal only to themselves)."""
    if a is None or b is None:
        return True
    if mpmath.isinf(a) or mpmath.isinf(b):
        return a == b
    return abs(a - b) <= RTOL * (abs(b) + scale) + mpmath.mpf(10) ** -25


def _lib_values(matrix, point) -> list | None:
    vals = ag.mp_values(list(matrix), point)
    return None if any(v is None for v in vals) else vals


def _satisfies(conditions, point) -> bool:
    try:
        return all(bool(c.xreplace({k: sp.Float(sp.Rational(v), 30) for k, v in point.items()})) for c in conditions)
    except TypeError:
        return False


def _fmt(point) -> str:
    return "{" + ", ".join(f"{k}: {sp.sstr(v)}" for k, v in point.items()) + "}"


def _compare_matrix(tally, what, lib, truth_entry, ov, point, k, spec, extra="", context="") -> bool:
    """Compare a k×k library matrix (or k-vector for 'mean') with the oracle; record a violation."""
    vals = _lib_values(lib, point)
    if vals is None:
        return True
    for idx, v in enumerate(vals):
        i, j = (idx, 0) if what == "mean" else divmod(idx, k)
        scale = ov.scale(i, i) ** 0.5 if what == "mean" else ov.scale(i, j)
        o = ov.entry(truth_entry, i, j)
        if not _close(v, o, scale):
            tally.violation(f"{what}{extra}", f"{spec.label}: {what} entry {idx} is {sp.sstr(lib[idx])} = "
                            f"{mpmath.nstr(v, 12)} at {_fmt(point)}, the oracle gives {mpmath.nstr(o, 12)}{context}",
                            spec.reproducer())
            return False
    return True


# ============================================================================================ models
def _check_model(tally: Tally, spec: ag.ModelSpec) -> None:
    rep = spec.reproducer()
    status, model = tally.timed("construct", spec.build, spec.timeout if spec.validate else None, rep)
    kind = spec.label.split(":")[0]
    if status != "ok":
        tally.outcomes[f"model[{kind}]: rejected"] += 1
        if status == "error" and spec.valid and not spec.conflict:
            tally.note(f"valid model rejected ({type(model).__name__})", rep + f"\n# {model}")
        return
    tally.outcomes[f"model[{kind}]: built"] += 1
    if not spec.valid and spec.validate:
        tally.note("invalid model accepted by validation", rep)
    status, d = tally.timed("derive", lambda: sf.derive(model, timeout=spec.timeout), spec.timeout, rep)
    if status != "ok":
        return
    verdict = d.equality
    if verdict.status not in ("proved", "refuted", "inconclusive"):
        tally.violation("status", f"unknown status {verdict.status}", rep)
        return
    tally.outcomes[f"derive[{kind}]: {verdict.status}"] += 1
    facts = verdict.facts
    if FACT_SUPPORT in facts and spec.moving:
        tally.violation("false-fact-support", f"{spec.label}: '{FACT_SUPPORT}' but the effective support moves "
                        f"with θ; facts {facts}", rep)
    if not spec.valid:
        return
    _oracle_model(tally, spec, model, d, rep)


def _oracle_model(tally: Tally, spec: ag.ModelSpec, model, d, rep: str) -> None:
    verdict = d.equality
    k = len(spec.params)
    t0 = time.monotonic()
    points = ag.oracle_points(spec, model.domain_map, POINTS, zlib.crc32(spec.label.encode()),
                              lambda p: _satisfies(d.conditions, p))
    oracle = _truth(tally, spec, points, rep)
    if oracle is None:
        return
    closed = d.closed and not d.infinite
    checked = 0
    for point in points:
        try:
            ov = oracle.at(point)
        except ag.OracleFailure as exc:
            tally.note(f"oracle point skipped ({str(exc)[:40].split(' at ')[0]})")
            continue
        checked += 1
        if verdict.status == "proved":
            ok = _compare_matrix(tally, "fisher", d.fisher, "fisher", ov, point, k, spec, "-proved")
            ok = ok and _compare_matrix(tally, "neg_hessian", d.neg_expected_hessian, "neg_hessian", ov, point, k, spec,
                                        "-proved")
            if ok and not all(_close(a, b, ov.scale(*divmod(i, k))) for i, (a, b) in
                              enumerate(zip(ov.fisher, ov.neg_hessian))):
                tally.violation("proved-false-equality", f"{spec.label}: I = −E[H] proved, but by quadrature at "
                                f"{_fmt(point)} E[ss'] = {[mpmath.nstr(v, 10) for v in ov.fisher]} and −E[H] = "
                                f"{[v if v is None else mpmath.nstr(v, 10) for v in ov.neg_hessian]}", rep)
        elif closed:
            _compare_matrix(tally, "fisher", d.fisher, "fisher", ov, point, k, spec, "-closed-form")
            _compare_matrix(tally, "neg_hessian", d.neg_expected_hessian, "neg_hessian", ov, point, k, spec,
                            "-closed-form")
        if not d.mean_score.has(sp.Integral, sp.Sum) and not any(
                ag_non_numbers(e) for e in d.mean_score):
            stated = any(str(f).startswith("E[s] =") for f in verdict.facts)
            _compare_matrix(tally, "mean", d.mean_score, "mean", ov, point, k, spec,
                            "-fact" if stated else "-closed-form", f"; facts: {'; '.join(map(str, verdict.facts))}")
        if FACT_MEAN in verdict.facts:
            for i in range(k):
                if abs(ov.mean[i]) > 1e-8 * (ov.scale(i, i) ** 0.5) + 1e-20:
                    tally.violation("false-fact-mean", f"{spec.label}: '{FACT_MEAN}' but the oracle gives E[s_{i}] = "
                                    f"{mpmath.nstr(ov.mean[i], 10)} at {_fmt(point)}", rep)
                    break
    tally.seconds["oracle"] += time.monotonic() - t0
    if checked == 0:
        tally.note(f"no oracle point ({verdict.status})")
    elif verdict.status == "proved":
        tally.outcomes["derive: proved and confirmed by the oracle"] += 1
    if verdict.status == "refuted" and verdict.counterexample and checked:
        _check_refutation(tally, spec, oracle, verdict, rep)


def _truth(tally: Tally, spec: ag.ModelSpec, points, rep: str):
    """The exact references where the spec has them (quadrature cross-checks one model in CROSS_CHECK at
    its first point), else the quadrature oracle; ``None`` when neither can be built."""
    try:
        oracle = ag.Oracle(spec)
    except Exception as exc:  # noqa: BLE001 - the oracle cannot lambdify: no evidence
        tally.note(f"oracle unavailable ({type(exc).__name__})", rep)
        return None
    if not ag.ExactTruth.applies(spec):
        tally.outcomes["truth: quadrature"] += 1
        return oracle
    exact = ag.ExactTruth(spec)
    if points and zlib.crc32(rep.encode()) % CROSS_CHECK == 0:
        try:
            ov, ev = oracle.at(points[0]), exact.at(points[0])
        except ag.OracleFailure:
            pass
        else:
            k = len(spec.params)
            tally.outcomes["truth: exact reference cross-checked by quadrature"] += 1
            if not all(_close(a, b, ov.scale(*divmod(i, k))) for i, (a, b) in enumerate(zip(ev.fisher, ov.fisher))):
                tally.note("grammar: exact reference disagrees with quadrature (quadrature used)", rep)
                return oracle
            return exact
    tally.outcomes["truth: exact reference"] += 1
    return exact


def _check_refutation(tally, spec, oracle, verdict, rep) -> None:
    """A refuted equality: at its counterexample, E[s sᵀ] and −E[H] must really differ."""
    point = {p: verdict.counterexample[p] for p in spec.params if p in verdict.counterexample}
    if len(point) != len(spec.params):
        return
    try:
        ov = oracle.at(point)
    except ag.OracleFailure:
        return
    k = len(spec.params)
    if any(v is None for v in ov.neg_hessian):
        return
    same = all(_close(a, b, ov.scale(*divmod(i, k))) for i, (a, b) in enumerate(zip(ov.fisher, ov.neg_hessian)))
    if same:
        tally.violation("refuted-true-equality", f"{spec.label}: equality refuted at {_fmt(point)}, but there "
                        f"E[ss'] = −E[H] = {[mpmath.nstr(v, 10) for v in ov.fisher]} by quadrature", rep)


def ag_non_numbers(e) -> bool:
    """Whether a parameter-only expression is not a number (DiracDelta, zoo, nan, ∞ inside)."""
    e = sp.sympify(e)
    if e in (sp.oo, -sp.oo):
        return False
    return bool(e.atoms(sp.DiracDelta)) or e.has(sp.zoo, sp.nan, sp.oo, -sp.oo)


def _run_models(n: int, seconds: float, name: str) -> Tally:
    tally = Tally(name)
    seen: set[str] = set()

    def body(spec):
        key = spec.reproducer()
        if key in seen:
            return
        seen.add(key)
        tally.examples += 1
        _check_model(tally, spec)

    _drive(ag.model_specs(), body, n, seconds, tally)
    return tally


# ============================================================================================ claims
def _claim_points(spec, model, claim, count, salt):
    points = ag.oracle_points(spec, model.domain_map, count, salt)
    if claim.witness and points:
        w = dict(points[0])
        w.update(claim.witness)
        dom = model.domain_map
        if all(v is not None and v in dom.get(p, sp.S.Reals) and v in spec.true_domain.get(p, sp.S.Reals)
               for p, v in w.items()):
            points.insert(0, w)
    return points


def _differs(claim_m, ref_m, point) -> bool | None:
    """Whether the claim differs from the reference at ``point`` (60 digits); None if not evaluable."""
    cv = ag.mp_values(list(claim_m), point, dps=60)
    rv = ag.mp_values(list(ref_m), point, dps=60)
    if any(v is None for v in cv + rv):
        return None
    scale = max([abs(v) for v in rv if not mpmath.isinf(v)] + [mpmath.mpf(10) ** -30])
    return any(abs(a - b) > EXACT * scale for a, b in zip(cv, rv))


_MODELS: dict = {}


def _base_model(tally: Tally, spec: ag.ModelSpec):
    """The claim's model, built once per distinct spec (validated in the model runs, not here)."""
    rep = spec.reproducer()
    if rep not in _MODELS:
        status, model = tally.timed("construct", lambda: spec.build(validate=False), None, rep)
        _MODELS[rep] = model if status == "ok" else None
    return _MODELS[rep]


def _check_claim(tally: Tally, spec: ag.ModelSpec, claim: ag.Claim, timeout: float, seen: set) -> None:
    rep = spec.reproducer()
    key = (rep, claim.kind, sp.srepr(sp.ImmutableMatrix(claim.matrix)))
    if key in seen:
        return
    seen.add(key)
    model = _base_model(tally, spec)
    if model is None:
        tally.outcomes["base model rejected"] += 1
        return
    points = _claim_points(spec, model, claim, POINTS, zlib.crc32((spec.label + claim.kind).encode()))
    diffs = [_differs(claim.matrix, spec.reference, p) for p in points]
    equal_everywhere = all(v is False for v in diffs if v is not None) and any(v is not None for v in diffs)
    wrong = any(v for v in diffs)
    if claim.equivalent and wrong:
        tally.note(f"grammar: an 'equivalent' {claim.kind} differs numerically (skipped)", rep)
        return
    if not claim.equivalent and not wrong:
        label = "equivalent-by-accident" if equal_everywhere else "undetermined"
        claim = ag.Claim(f"{claim.kind}({label})", claim.matrix, equal_everywhere, None)
    tally.examples += 1
    crep = rep + f"\nclaim = {sp.srepr(sp.ImmutableMatrix(claim.matrix))}\nsf.check(m, claim, timeout={timeout})" \
                 f"  # {claim.kind}: {sp.sstr(claim.matrix.tolist())}"
    status, verdict = tally.timed("check", lambda: sf.check(model, claim.matrix, timeout=timeout), timeout, crep)
    family = "equivalent" if claim.equivalent else ("wrong" if wrong else "undetermined")
    if status != "ok":
        tally.outcomes[f"claim[{family}] {claim.kind}: {type(verdict).__name__}"] += 1
        return
    tally.outcomes[f"claim[{family}]: {verdict.status}"] += 1
    tally.outcomes[f"claim {claim.kind}: {verdict.status}"] += 1
    if verdict.status == "proved":
        _proved_claim(tally, spec, claim, points, diffs, verdict, crep)
    elif verdict.status == "refuted":
        cx = verdict.counterexample or {}
        point = {p: cx[p] for p in spec.params if p in cx}
        at_cx = _differs(claim.matrix, spec.reference, point) if len(point) == len(spec.params) else None
        if at_cx is False or (at_cx is None and claim.equivalent and "(" not in claim.kind):
            kind = "refuted-equivalent-claim" if claim.equivalent else "refuted-false-witness"
            agrees = _claim_agrees_with_quadrature(spec, claim, point) if at_cx is False else None
            if agrees is False:  # the reference itself is wrong there: a grammar bug, not symfisher's
                tally.note("grammar: reference disagrees with quadrature (skipped)", crep)
            else:
                how = "and by quadrature" if agrees else "(quadrature unavailable there)"
                tally.violation(kind, f"{spec.label}: claim '{claim.kind}' refuted at {_fmt(point)}, where it equals "
                                f"the exact information at 60 digits {how}: {verdict.reason}", crep)
    elif wrong:
        tally.note(f"wrong claim not refuted: {claim.kind}", crep + f"\n# {verdict.status}: {verdict.reason[:300]}")


def _oracle(spec):
    key = spec.reproducer()
    if key not in _ORACLES:
        _ORACLES[key] = ag.Oracle(spec)
    return _ORACLES[key]


def _claim_agrees_with_quadrature(spec, claim, point) -> bool | None:
    """Whether every entry of the claim is within RTOL of the oracle's E[s sᵀ] at ``point`` (None: no oracle)."""
    try:
        ov = _oracle(spec).at(point)
    except (ag.OracleFailure, Exception):  # noqa: BLE001 - no quadrature there
        return None
    k = len(spec.params)
    vals = ag.mp_values(list(claim.matrix), point)
    return all(_close(v, ov.fisher[idx], ov.scale(*divmod(idx, k))) for idx, v in enumerate(vals))


def _proved_claim(tally, spec, claim, points, diffs, verdict, crep) -> None:
    """A proved claim must agree with quadrature wherever that can be evaluated, and equal the exact
    information (at 60 digits) at every point tried, once that reference is confirmed by quadrature."""
    t0 = time.monotonic()
    checked = 0
    for point in points:
        agrees = _claim_agrees_with_quadrature(spec, claim, point)
        if agrees is None:
            continue
        checked += 1
        if not agrees:
            tally.violation("proved-claim-quadrature", f"{spec.label}: claim '{claim.kind}' proved, but at {_fmt(point)} "
                            f"it disagrees with E[s sᵀ] by quadrature (rtol {RTOL}): {verdict.reason}", crep)
            break
    else:
        wrong_at = [p for p, d in zip(points, diffs) if d]
        if wrong_at:
            reference = ag.Claim("reference", spec.reference, True)
            confirmed = any(_claim_agrees_with_quadrature(spec, reference, p) for p in points)
            message = (f"{spec.label}: claim '{claim.kind}' proved, but at {_fmt(wrong_at[0])} it differs from the "
                       f"exact information at 60 digits ({'confirmed' if confirmed else 'not confirmed'} by "
                       f"quadrature): {verdict.reason}")
            if confirmed:
                tally.violation("proved-wrong-claim", message, crep)
            else:
                tally.note("proved a claim that differs from an unconfirmed reference", crep + "\n# " + message)
    tally.seconds["oracle"] += time.monotonic() - t0
    tally.outcomes["claim: proved and confirmed by the oracle" if checked else "claim: proved, no oracle point"] += 1


_ORACLES: dict = {}


def _run_claims(n: int, seconds: float, name: str) -> Tally:
    tally = Tally(name)
    seen: set = set()

    def body(case):
        spec, claim, timeout = case
        if claim is not None:
            _check_claim(tally, spec, claim, timeout, seen)

    _drive(ag.claim_cases(CHECK_TIMEOUTS), body, n, seconds, tally)
    return tally


# ============================================================================================ tests
ORACLE_SANITY = ["exponential", "normal", "poisson", "bernoulli", "gamma-rate", "weibull", "laplace", "uniform",
                 "geometric", "cauchy", "von-mises", "beta"]


@pytest.mark.parametrize("name", ORACLE_SANITY)
def test_the_oracle_reproduces_the_literature(name):
    """The oracle itself: E[s sᵀ] by mpmath equals the catalog's literature matrix at two points."""
    kernel = ag.KERNELS[name]
    x = sp.Symbol("x", integer=True, nonnegative=True) if kernel.discrete else sp.Symbol("x", real=True)
    chosen = []
    for i, (p, role) in enumerate(kernel.params):
        dom = {"real": sp.S.Reals, "pos": ag.POS, "unit": ag.UNIT}[role]
        t = sp.Symbol(f"t{i}", real=True)
        chosen.append(("id", t, t, dom))
    spec = ag._single(kernel, x, chosen, 5.0)
    oracle = ag.Oracle(spec)
    points = ag.oracle_points(spec, dict(spec.true_domain), 2, 7)
    assert points
    for point in points:
        ov = oracle.at(point)
        ref = ag.mp_values(list(spec.reference), point)
        k = len(spec.params)
        for i, r in enumerate(ref):
            assert _close(r, ov.fisher[i], ov.scale(*divmod(i, k))), (name, point, i, r, ov.fisher[i])
        if not kernel.moving:
            assert all(abs(m) < 1e-9 * (1 + ov.scale(i, i) ** 0.5) for i, m in enumerate(ov.mean))


def test_the_grammar_labels_moving_supports():
    """Indicator-written Uniform(0, θ) carries its truth: support (0, θ), moving, E[s] = −1/θ."""
    theta = sp.Symbol("t0", positive=True)
    x = sp.Symbol("x", positive=True)
    for form in ag.UPPER_FORMS:
        density = ag._upper(form, x, theta, 1 / theta)
        assert density.subs({theta: 2, x: sp.Rational(1, 2)}) == sp.Rational(1, 2), form
        assert density.subs({theta: 2, x: 3}) == 0, form


@pytest.mark.slow  # about 40 s: part of the full CI run, not of the fast subset
def test_adversarial_models():
    """A few dozen generated models (normal CI); the nightly run is :func:`test_adversarial_models_nightly`."""
    _finish(_run_models(CI_MODELS, math.inf, "models (CI)"))


@pytest.mark.slow  # about 40 s: part of the full CI run, not of the fast subset
def test_adversarial_claims():
    """A few dozen generated claims (normal CI)."""
    _finish(_run_claims(CI_CLAIMS, math.inf, "claims (CI)"))


@pytest.mark.slow
def test_adversarial_models_nightly(request):
    _nightly(request)
    _finish(_run_models(SLOW_MODELS, SLOW_SECONDS, "models (nightly)"))


@pytest.mark.slow
def test_adversarial_claims_nightly(request):
    _nightly(request)
    _finish(_run_claims(SLOW_CLAIMS, SLOW_SECONDS, "claims (nightly)"))
