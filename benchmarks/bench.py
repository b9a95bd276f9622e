"""Benchmark: derive the whole catalog cold, against naive per-entry ``sympy.integrate``.

Run as ``python -m benchmarks.bench``. For every family it prints the seconds ``derive`` took, the
expectation strategies used, the verdict on I(θ) = −E[H], a numeric spot check of I(θ) against
quadrature of s_i s_j at one random parameter point, and beside it the naive approach: SymPy's
``integrate(s_i s_j p, conds="none")`` (``summation`` for counts) per entry, in a worker killed
at ``--naive-cap`` seconds for the whole family, with its outcome (closed, timeout, left an
integral, SymPy error) and the ratio naive / engine. The scale section times the multivariate
normal mean in dimension k (identity covariance) and logistic regression with p coefficients
(covariates given) for k = p = 2 … 64, each beside the naive route until that first fails.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import sympy as sp

from symfisher.core.deadline import run_with_deadline
from symfisher.core.points import parameter_points
from symfisher.core.derivation import derive
from symfisher.errors import BudgetExceeded
from symfisher.core.model import Model, is_discrete_set

__all__ = ["FamilyResult", "NaiveResult", "ScaleRow", "bench_family", "main", "naive_route", "scale_models", "spot_check"]

SIZES = (2, 4, 8, 16, 32, 64)
SCALE_KINDS = {"mvn-mean": "MVN mean, identity covariance", "logistic": "logistic regression, p coefficients",
               "mvn-precision": "MVN mean, symbolic precision Λ"}
CURVE_STOP_SECONDS = 60.0
HIDDEN = {"linearity", "data-free"}


@dataclass(frozen=True)
class NaiveResult:
    """The naive route on one model: "closed", "timeout" (hit the cap), "open" (left an integral or sum),
    "error" (SymPy raised) or "not run", with the seconds it took."""

    outcome: str
    seconds: float = 0.0

    @property
    def closed(self) -> bool:
        return self.outcome == "closed"

    def cell(self, cap: float) -> str:
        return {"closed": f"{self.seconds:.2f}", "timeout": f"timeout (>{cap:g})",
                "open": f"left an integral ({self.seconds:.1f} s)", "error": f"SymPy error ({self.seconds:.1f} s)",
                "not run": "not run"}[self.outcome]


@dataclass(frozen=True)
class FamilyResult:
    """One row of the catalog table."""

    name: str
    seconds: float
    strategies: tuple[str, ...]
    verdict: str
    closed: bool
    spot: str
    naive: NaiveResult

    @property
    def ratio(self) -> float | None:
        return self.naive.seconds / max(self.seconds, 1e-9) if self.naive.closed else None


def _constants(model: Model) -> list[sp.Symbol]:
    known = set(model.data) | set(model.params) | set(model.given)
    return sorted(model.logpdf.free_symbols - known, key=str)


def _point(model: Model, seed: int) -> dict:
    symbols = (*model.params, *model.given, *_constants(model))
    return parameter_points(symbols, model.domain_map, 1, seed)[0]


def spot_check(d, seed: int = 20261125) -> str:
    """Max relative difference between I(θ) and quadrature of s_i s_j at one random point.

    >>> import sympy as sp
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> spot_check(derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo))))[:2]
    'ok'
    """
    from symfisher.core.evidence import numeric_expectation, numeric_value

    if not d.closed:
        return "open"
    model = d.model
    point = _point(model, seed)
    worst = 0.0
    k = len(model.params)
    for i in range(k):
        for j in range(i, k):
            closed = numeric_value(d.fisher[i, j], point)
            numeric = numeric_expectation(d.score[i] * d.score[j], model.density, model.support_map, point)
            if isinstance(closed, complex) or not math.isfinite(closed):
                return "no value"
            worst = max(worst, abs(closed - numeric) / max(1.0, abs(numeric)))
    return f"ok ({worst:.0e})" if worst <= 1e-6 else f"FAIL ({worst:.1e})"


def _naive_entries(model: Model) -> bool:
    """sympy.integrate / summation of E[s_i s_j] for every entry; True when all closed."""
    score = [sp.diff(model.logpdf, p) for p in model.params]
    p = model.density
    for i in range(len(score)):
        for j in range(i, len(score)):
            expr = score[i] * score[j] * p
            for x, s in model.support:
                if isinstance(s, sp.FiniteSet):
                    expr = sp.Add(*[expr.subs(x, v) for v in s.args])
                elif is_discrete_set(s):
                    expr = sp.summation(expr, (x, s.inf, s.sup))
                else:
                    expr = sp.integrate(expr, (x, s.inf, s.sup), conds="none")
            if expr.has(sp.Integral, sp.Sum):
                return False
    return True


def naive_route(model: Model, cap: float) -> NaiveResult:
    """The naive per-entry integration of E[s_i s_j] under a hard limit of ``cap`` seconds.

    >>> import sympy as sp
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> naive_route(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)), 30).outcome
    'closed'
    """
    if cap <= 0:
        return NaiveResult("not run")
    t0 = time.perf_counter()
    try:
        ok = run_with_deadline(_naive_entries, (model,), cap)
    except BudgetExceeded:
        return NaiveResult("timeout", cap)
    except Exception:  # noqa: BLE001 - SymPy failing is a failed naive route
        return NaiveResult("error", time.perf_counter() - t0)
    return NaiveResult("closed" if ok else "open", time.perf_counter() - t0)


def _strategies(d) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for value in d.strategies.values():
        for part in value.split("+"):
            if part not in HIDDEN:
                names[part] = None
    return tuple(names) or ("data-free",)


def bench_family(name: str, naive_cap: float, timeout: float = 60.0) -> FamilyResult:
    """Derive one catalog family cold and time it against the naive route."""
    import symfisher.catalog as derivations

    fam = derivations.get(name)
    model = fam.model()
    t0 = time.perf_counter()
    d = derive(model, timeout=timeout)
    seconds = time.perf_counter() - t0
    spot = spot_check(d)
    naive = naive_route(model, naive_cap)
    return FamilyResult(fam.name, seconds, _strategies(d), d.equality.status, d.closed, spot, naive)


def scale_models(kind: str, k: int) -> Model:
    """The scale-section models: ``"mvn-mean"`` (N(μ, I) in dimension k), ``"mvn-precision"`` (N(μ, Λ⁻¹)
    with k(k + 1)/2 precision symbols) or ``"logistic"`` (p = k).

    >>> scale_models("mvn-mean", 2).params
    (mu1, mu2)
    """
    if kind in ("mvn-mean", "mvn-precision"):
        xs = sp.symbols(f"x1:{k + 1}", real=True)
        mus = sp.symbols(f"mu1:{k + 1}", real=True)
        if kind == "mvn-mean":
            logp = sum(-(x - m) ** 2 / 2 for x, m in zip(xs, mus)) - k * sp.log(2 * sp.pi) / 2
        else:  # known precision Λ = Σ⁻¹ of k(k + 1)/2 symbols; D stands for det Λ
            lam = {(i, j): sp.Symbol(f"lambda_{i + 1}_{j + 1}", positive=i == j, real=True)
                   for i in range(k) for j in range(i, k)}
            c = [x - m for x, m in zip(xs, mus)]
            quad = sum(lam[(i, i)] * c[i] ** 2 for i in range(k)) + 2 * sum(
                lam[(i, j)] * c[i] * c[j] for i in range(k) for j in range(i + 1, k))
            logp = -quad / 2 + sp.log(sp.Symbol("D", positive=True)) / 2 - k * sp.log(2 * sp.pi) / 2
        return Model.from_logpdf(logp, xs, mus, {x: sp.S.Reals for x in xs}, name=f"{kind}-{k}", validate=False)
    y = sp.Symbol("y", integer=True, nonnegative=True)
    betas = sp.symbols(f"beta1:{k + 1}", real=True)
    zs = sp.symbols(f"z1:{k + 1}", real=True)
    eta = sum(b * z for b, z in zip(betas, zs))
    return Model.from_logpdf(y * eta - sp.log(1 + sp.exp(eta)), y, betas, sp.FiniteSet(0, 1), given=zs,
                             name=f"logistic-regression-{k}", validate=False)


@dataclass(frozen=True)
class ScaleRow:
    """One point of a scale curve: derive's seconds beside the naive route's."""

    k: int
    seconds: float
    closed: bool
    verdict: str
    strategies: tuple[str, ...]
    naive: NaiveResult


def _scale_curve(kind: str, sizes: Sequence[int], naive_cap: float, out) -> list[ScaleRow]:
    """derive at each size until one takes over a minute; the naive route until it first hits its cap."""
    rows: list[ScaleRow] = []
    naive_on = naive_cap > 0
    for k in sizes:
        model = scale_models(kind, k)
        t0 = time.perf_counter()
        d = derive(model, timeout=max(60.0, CURVE_STOP_SECONDS * 2))
        seconds = time.perf_counter() - t0
        naive = naive_route(model, naive_cap if naive_on else 0)
        naive_on = naive_on and naive.closed
        rows.append(ScaleRow(k, seconds, d.closed, d.equality.status, _strategies(d), naive))
        print(f"  {kind:9s} k = {k:3d}: {seconds:8.2f} s  closed={d.closed} {d.equality.status:9s} "
              f"naive {naive.cell(naive_cap):>10s}  {'+'.join(_strategies(d))}", file=out, flush=True)
        if seconds > CURVE_STOP_SECONDS:
            break
    return rows


def _table(results: Sequence[FamilyResult], cap: float) -> list[str]:
    lines = ["| family | seconds | strategies | verdict | spot check | naive integrate (s) | naive / engine |",
             "|---|---:|---|---|---|---:|---:|"]
    for r in results:
        ratio = "—" if r.ratio is None else f"{r.ratio:.1f}×"
        naive = r.naive.cell(cap)
        lines.append(f"| {r.name} | {r.seconds:.2f} | {', '.join(r.strategies)} | {r.verdict} | {r.spot} | "
                     f"{naive} | {ratio} |")
    return lines


def _summary(results: Sequence[FamilyResult], cap: float) -> list[str]:
    secs = [r.seconds for r in results]
    closed = sum(r.closed for r in results)
    outcomes = [r.naive.outcome for r in results]
    naive = (f"naive integrate closed {outcomes.count('closed')}/{len(results)} (timeout at {cap:g} s: "
             f"{outcomes.count('timeout')}, left an integral: {outcomes.count('open')}, SymPy error: "
             f"{outcomes.count('error')})" if cap > 0 else "naive integrate not run")
    slowest = max(results, key=lambda r: r.seconds)
    return [f"total {sum(secs):.1f} s, median {statistics.median(secs):.2f} s, max {slowest.seconds:.2f} s "
            f"({slowest.name}); {closed}/{len(results)} closed; {naive}"]


def _machine() -> str:
    return f"{platform.platform()}, Python {platform.python_version()}, SymPy {sp.__version__}, " \
           f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") \
        else platform.platform()


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--naive-cap", type=float, default=60.0, help="seconds for the naive integrate per family")
    ap.add_argument("--families", nargs="*", default=None, help="catalog names (default: all)")
    ap.add_argument("--scale", action="store_true", help="also run the scale section")
    ap.add_argument("--sizes", type=int, nargs="*", default=list(SIZES), help="scale sizes k = p")
    ap.add_argument("--write-readme", action="store_true", help="write the tables to derivations/README.md")
    args = ap.parse_args(argv)
    import sympy.physics.units  # noqa: F401  (the one-time import simplify needs, outside the timings)

    import symfisher.catalog as derivations

    names = [derivations.get(n).name for n in (args.families or derivations.names())]
    out = sys.stdout
    results = []
    for name in names:
        r = bench_family(name, args.naive_cap)
        results.append(r)
        print(f"{r.name:24s} {r.seconds:7.2f} s  {r.verdict:12s} {r.spot:14s} naive {r.naive.cell(args.naive_cap):>10s}  "
              f"{'+'.join(r.strategies)}", file=out, flush=True)
    table = _table(results, args.naive_cap)
    summary = _summary(results, args.naive_cap)
    print("\n".join(["", *table, "", *summary]), file=out)
    curves: dict[str, list] = {}
    if args.scale:
        print("\nScale (seconds per derive):", file=out)
        for kind in SCALE_KINDS:
            curves[kind] = _scale_curve(kind, args.sizes, args.naive_cap, out)
    if args.write_readme:
        _write_readme(table, summary, curves, args.naive_cap)
    return 0 if all(r.closed for r in results) else 1


def _write_readme(table, summary, curves, cap) -> None:
    path = Path(__file__).resolve().parent.parent / "derivations" / "README.md"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Catalog benchmark", "",
             f"Generated by `python -m benchmarks.bench{' --scale' if curves else ''} --write-readme` on {now}; "
             f"machine: {_machine()}.",
             "", f"Each family derived cold with `derive(model, timeout=60)`; naive = SymPy `integrate(s_i s_j p, "
             f"conds=\"none\")` per entry, capped at {cap:g} s per family. Spot check: max relative "
             "difference of I(θ) from quadrature at one random point.", "", *table, "", *summary]
    if curves:
        header = " | ".join(f"{title} (s) | naive (s)" for kind, title in SCALE_KINDS.items() if kind in curves)
        lines += ["", "## Scale", "", "Seconds per `derive` (both routes and the verdict), beside the naive per-entry "
                  f"integrate/summation capped at {cap:g} s (not run again once it has failed). The naive route computes "
                  "E[s sᵀ] only — no −E[H], no simplification, no verdict — so for logistic regression, whose "
                  "support has two points, it is a two-term sum per entry.", "",
                  f"| k = p | {header} |", "|---:|" + "---:|---:|" * len(curves)]
        sizes = sorted({r.k for rows in curves.values() for r in rows})
        for k in sizes:
            cells = []
            for kind in (kind for kind in SCALE_KINDS if kind in curves):
                row = next((r for r in curves[kind] if r.k == k), None)
                if row is None:
                    cells += ["—", "—"]
                    continue
                cells.append(f"{row.seconds:.2f} ({row.verdict}, {'+'.join(row.strategies)})"
                             + ("" if row.closed else " (open)"))
                cells.append(row.naive.cell(cap) if row.naive.outcome != "not run" else "—")
            lines.append(f"| {k} | {' | '.join(cells)} |")
    else:  # the scale section not run again: the one on file is kept, with its own date
        lines += _kept_scale(path)
    path.write_text("\n".join(lines) + "\n" + _stats_block(path), encoding="utf-8")


def _kept_scale(path: Path) -> list[str]:
    """The "## Scale" section already in the file, dated by the run that wrote it (``[]`` when there is none)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = old.find("## Scale"), old.find("<!-- bench_stats:start")
    if start < 0:
        return []
    section = old[start:end if end > start else len(old)].rstrip().splitlines()
    generated = re.search(r"on (\d{4}-\d\d-\d\d \d\d:\d\d UTC)", old)
    if generated and not any("kept from the run of" in line for line in section):
        section[2:2] = [f"(Kept from the run of {generated.group(1)}: `--write-readme` without `--scale` leaves it "
                        "as it was.)", ""]
    return ["", *section]


def _stats_block(path: Path) -> str:
    """The sympy.stats section that ``benchmarks.bench_stats`` keeps in the same file (kept as it is)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = old.find("<!-- bench_stats:start"), old.find("<!-- bench_stats:end -->")
    if start < 0 or end < 0:
        return ""
    return "\n" + old[start:end + len("<!-- bench_stats:end -->")] + "\n"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
