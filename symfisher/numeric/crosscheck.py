"""Numeric cross-checks of closed forms: Monte Carlo or quadrature against I(θ), −E[H] and E[s] = 0.

``cross_check`` is evidence, not proof: it compares the closed-form matrices of a derivation, entry by
entry, with

* **quadrature**: E[f(X)] = ∫ f p dx by adaptive quadrature, or Σ f p over a discrete support; an entry passes
  when ``|estimate − closed| ≤ rtol·scale`` (rtol = 1e-6; scale = ``|closed|``, at least √(I_ii I_jj) so that zero
  entries get a meaningful tolerance);
* **Monte Carlo**: n samples drawn from the model itself — numeric inversion of the CDF for continuous
  one-dimensional data (SciPy's ``NumericalInversePolynomial``, with a grid-based inversion as
  fallback), a cumulative table for discrete data — and the sample means of s sᵀ, −H and s with their
  standard errors; an entry passes when ``|z| < 5``.

``method="auto"`` uses quadrature. With several data symbols (2 or 3 continuous axes, any number of discrete
ones) quadrature is the only method: nested adaptive quadrature over the box of the support, the plane in polar
coordinates, the simplex {x_i > 0, Σ x_i < c} after the stick-breaking map, and the exact sum over a finite joint
support (:func:`symfisher.core.quadrature.expect_on_support`, the routine of entries with no closed form); there
is no sampler for them (``NotSupportedError`` for ``method="monte-carlo"``).
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import sympy as sp

from symfisher.errors import ModelError, NotSupportedError

__all__ = ["CheckEntry", "CrossCheck", "cross_check", "resolve_point", "sample"]

Z_LIMIT = 5.0
QUADRATURE_RTOL = 1e-6
_CHUNK = 1 << 16


@dataclass(frozen=True)
class CheckEntry:
    """One compared entry.

    Attributes:
        quantity: ``"fisher"`` (E[s sᵀ]), ``"neg_expected_hessian"`` (−E[H]) or ``"mean_score"`` (E[s]).
        label: e.g. ``"I[mu, sigma]"``.
        index: Matrix position (i, j), or (i,) for E[s].
        closed: The closed form's value.
        estimate: The numeric estimate.
        stderr: Its standard error (Monte Carlo) or 0 (quadrature).
        score: z = (estimate − closed)/stderr (Monte Carlo) or the scaled error ``|estimate − closed|/scale``.
        passed: Whether the entry agrees.
    """

    quantity: str
    label: str
    index: tuple[int, ...]
    closed: float
    estimate: float
    stderr: float
    score: float
    passed: bool


@dataclass(frozen=True)
class CrossCheck:
    """The report of :func:`cross_check` (immutable).

    Attributes:
        model: Model name.
        point: (name, value) of every parameter and covariate.
        method: ``"monte-carlo"`` or ``"quadrature"``.
        n: Sample size (0 for quadrature).
        seed: Random seed.
        entries: The compared entries.
        seconds: Wall time.
    """

    model: str
    point: tuple[tuple[str, float], ...]
    method: str
    n: int
    seed: int
    entries: tuple[CheckEntry, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        """Whether every entry agrees."""
        return all(e.passed for e in self.entries)

    @property
    def failures(self) -> tuple[CheckEntry, ...]:
        """The entries that disagree."""
        return tuple(e for e in self.entries if not e.passed)

    def __repr__(self) -> str:
        at = ", ".join(f"{_shown(k)} = {v:g}" for k, v in self.point)
        head = (f"CrossCheck({_shown(self.model)} at {at}; {self.method}"
                + (f", n = {self.n}, seed = {self.seed}" if self.method == "monte-carlo" else "")
                + f": {'passed' if self.passed else 'FAILED'}, {len(self.failures)}/{len(self.entries)} failing)")
        col = "z" if self.method == "monte-carlo" else "rel err"
        rows = [f"  {'entry':24s} {'closed':>14s} {'estimate':>14s} {'std err':>10s} {col:>9s}  ok"]
        for e in self.entries:
            rows.append(f"  {_shown(e.label):24s} {e.closed:14.8g} {e.estimate:14.8g} {e.stderr:10.3g} {e.score:9.3g}  "
                        f"{'yes' if e.passed else 'NO'}")
        return "\n".join([head, *rows])


# ---------------------------------------------------------------------------------------------- helpers
def _shown(text: str) -> str:
    """``text`` on one line for a report: characters that are not printable become escapes (``\\n``, ``\\u2028``)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def resolve_point(model: Any, params: Mapping[Any, Any]) -> tuple[list[float], dict[str, float]]:
    """Positional parameter values and covariate keywords from a dict symbol→value or name→value."""
    if not isinstance(params, Mapping):
        raise ModelError(f"model {model.name}: params must be a dict symbol → value, got {type(params).__name__}")
    by_name = {}
    for key, value in params.items():
        name = key.name if isinstance(key, sp.Symbol) else str(key)
        by_name[name] = value
    wanted = [str(s) for s in (*model.params, *model.given)]
    unknown = sorted(set(by_name) - set(wanted))
    if unknown:
        raise ModelError(f"model {model.name}: {unknown[0]!r} is not a parameter or covariate ({', '.join(wanted)})")
    missing = [w for w in wanted if w not in by_name]
    if missing:
        raise ModelError(f"model {model.name}: no value given for {missing[0]}")
    pos = [by_name[str(s)] for s in model.params]
    kw = {str(s): by_name[str(s)] for s in model.given}
    return pos, kw


def _floats(model: Any, pos: list, kw: dict) -> tuple[list[float], dict[str, float]]:
    """One float per parameter and covariate (checked by :func:`~symfisher.numeric.compiler.real_argument`)."""
    from symfisher.numeric.compiler import real_argument

    def one(v: Any, what: str) -> float:
        v = real_argument(v, what, model.name)
        if np.size(v) != 1:
            raise ModelError(f"model {model.name}: cross_check needs one number per parameter and covariate")
        return float(np.asarray(v, dtype=float).reshape(()))

    return ([one(v, f"parameter {s}") for v, s in zip(pos, model.params)],
            {k: one(v, f"covariate {k}") for k, v in kw.items()})


def _support(num: Any, pos: list[float], kw: dict[str, float]) -> tuple[float, float, tuple[float, ...] | None]:
    ns = num.namespace
    lo, hi = ns["_support_kernel"](*pos, *(kw[g] for g in num.given))
    return float(lo), float(hi), ns["SUPPORT_VALUES"]


def _center(logpdf: Callable, lo: float, hi: float) -> float:
    """A point of high density (PINV's ``center``): best of a wide grid, refined locally."""
    from scipy import optimize

    if math.isfinite(lo) and math.isfinite(hi):
        grid = lo + (hi - lo) * np.linspace(0.0005, 0.9995, 2001)
    else:
        mags = np.logspace(-6, 8, 700)
        if math.isfinite(lo):
            grid = lo + mags
        elif math.isfinite(hi):
            grid = hi - mags
        else:
            grid = np.concatenate([-mags[::-1], [0.0], mags])
    with np.errstate(all="ignore"):
        vals = np.asarray(logpdf(grid), dtype=float) * np.ones_like(grid)
    vals = np.where(np.isfinite(vals), vals, -np.inf)
    i = int(np.argmax(vals))
    if not np.isfinite(vals[i]):
        raise NotSupportedError("the density is zero or not finite on the whole support grid")
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    if a < b:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = optimize.minimize_scalar(lambda t: -float(logpdf(np.array([t]))[0]), bounds=(a, b), method="bounded")
        if r.success and np.isfinite(r.fun) and -r.fun >= vals[i]:
            return float(r.x)
    return float(grid[i])


def _grid_inverse(logpdf: Callable, lo: float, hi: float, center: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Inverse-CDF sampling on a fine grid (fallback when PINV cannot set up, e.g. unbounded densities)."""
    m = 1 << 18
    u = 0.5 - 0.5 * np.cos(np.pi * np.linspace(0.0, 1.0, m))  # clustered at both ends
    u = u[1:-1]
    if math.isfinite(lo) and math.isfinite(hi):
        x, dx = lo + (hi - lo) * u, np.full_like(u, hi - lo)
    elif math.isfinite(lo):
        s = max(abs(center - lo), 1e-3)
        x, dx = lo + s * u / (1 - u), s / (1 - u) ** 2
    elif math.isfinite(hi):
        s = max(abs(hi - center), 1e-3)
        x, dx = hi - s * (1 - u) / u, s / u**2
    else:
        s = 1.0 + abs(center) * 0.1
        x, dx = center + s * np.tan(np.pi * (u - 0.5)), s * np.pi / np.cos(np.pi * (u - 0.5)) ** 2
    with np.errstate(all="ignore"):
        w = np.exp(np.asarray(logpdf(x), dtype=float)) * dx
    w = np.where(np.isfinite(w), w, 0.0)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (w[1:] + w[:-1]) * np.diff(u))])
    cdf /= cdf[-1]
    return np.interp(rng.random(n), cdf, x)


def sample(num: Any, pos: list[float], kw: dict[str, float], n: int, seed: int) -> np.ndarray:
    """n draws from the model at one parameter point (one data symbol; continuous or discrete).

    Continuous: numeric CDF inversion (SciPy ``NumericalInversePolynomial`` on the lambdified density;
    grid inversion as fallback). Discrete: a cumulative table of the mass function, inverted by search.
    """
    if len(num.data) != 1:
        raise NotSupportedError(f"model {num.name}: sampling needs one data symbol, the model has {len(num.data)}")
    rng = np.random.default_rng(seed)
    lo, hi, values = _support(num, pos, kw)
    given = [kw[g] for g in num.given]

    def logpdf(x: np.ndarray) -> np.ndarray:
        return num.namespace["_logpdf_kernel"](x, *pos, *given)[0]

    if num.namespace["DISCRETE"]:
        ks = np.asarray(values, dtype=float) if values is not None else _integer_range(logpdf, lo, hi)
        with np.errstate(all="ignore"):
            p = np.exp(np.asarray(logpdf(ks), dtype=float)) * np.ones_like(ks)
        p = np.where(np.isfinite(p), p, 0.0)
        cdf = np.cumsum(p)
        idx = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
        return ks[np.minimum(idx, len(ks) - 1)]
    center = _center(logpdf, lo, hi)
    try:
        from scipy.stats.sampling import NumericalInversePolynomial

        class _Dist:
            def pdf(self, x: float) -> float:
                with np.errstate(all="ignore"):
                    v = math.exp(float(logpdf(np.array([x]))[0]))
                return v if math.isfinite(v) else 0.0

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gen = NumericalInversePolynomial(_Dist(), domain=(lo, hi), center=center, u_resolution=1e-12,
                                             random_state=rng)
        return np.asarray(gen.rvs(n), dtype=float)
    except Exception:  # noqa: BLE001 - UNU.RAN refuses some densities (unbounded, flat tails): use the grid
        return _grid_inverse(logpdf, lo, hi, center, n, rng)


def _integer_range(logpdf: Callable, lo: float, hi: float) -> np.ndarray:
    if not math.isfinite(lo):
        raise NotSupportedError("sampling a discrete support unbounded below is not supported")
    out, start, block, total = [], lo, 4096, 0.0
    while start <= hi:
        ks = np.arange(start, min(start + block, hi + 1.0))
        with np.errstate(all="ignore"):
            p = np.exp(np.asarray(logpdf(ks), dtype=float)) * np.ones_like(ks)
        p = np.where(np.isfinite(p), p, 0.0)
        out.append(ks)
        total += float(p.sum())
        if (total > 0 and p[-64:].max(initial=0.0) < 1e-18 * total) or start > 5e7:
            break
        start += block
        block *= 2
    return np.concatenate(out)


def _closed(d: Any, num: Any, pos: list[float], kw: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fisher = np.asarray(num.fisher(*pos, **kw), dtype=float)
    neh = np.asarray(num.neg_expected_hessian(*pos, **kw), dtype=float)
    point = {s: sp.Float(v) for s, v in zip(d.model.params, pos)}
    point.update({s: sp.Float(kw[str(s)]) for s in d.model.given})
    mean, quad = [], None
    for i, e in enumerate(d.mean_score):
        e = sp.sympify(e)
        if e.has(sp.Integral, sp.Sum):  # no closed form: the quadrature value of E[s_i]
            quad = _quadrature_mean(num, pos, kw) if quad is None else quad
            mean.append(float(quad[i]))
            continue
        try:
            mean.append(float(sp.N(e.subs(point))))
        except (TypeError, ValueError):
            mean.append(math.nan)
    return fisher, neh, np.array(mean)


def _quadrature_mean(num: Any, pos: list[float], kw: dict[str, float]) -> np.ndarray:
    ns, given = num.namespace, [kw[g] for g in num.given]

    def score(*xs: np.ndarray) -> np.ndarray:
        return ns["_score_full"](*xs, *pos, *given).reshape(np.size(xs[0]), -1)

    return _expectation(num, score, pos, kw)


def _expectation(num: Any, fn: Callable, pos: list[float], kw: dict[str, float]) -> np.ndarray:
    """E[fn(X)] by quadrature over the model's support at one parameter point, for one data symbol or several."""
    from symfisher.core.quadrature import expect_1d, expect_on_support

    ns, given = num.namespace, [kw[g] for g in num.given]
    if len(num.data) == 1:
        lo, hi, values = _support(num, pos, kw)
        return expect_1d(fn, lambda x: ns["_logpdf_kernel"](x, *pos, *given)[0], lo, hi, ns["DISCRETE"], values)
    if ns["OPEN_UNSUPPORTED"] is not None:
        raise NotSupportedError(f"model {num.name}: no quadrature over its support: {ns['OPEN_UNSUPPORTED']}")
    point = [*pos, *given]
    value, _ = expect_on_support(fn, ns["_logpdf_factory"](point), point, ns["_support_kernel"], ns["SUPPORT_AXES"],
                                 ns.get("_points_kernel", ns["SUPPORT_POINTS"]), ns.get("_indicator_factory"),
                                 ns["SUPPORT_SIMPLEX"])
    return value


def _labels(num: Any) -> list[tuple[str, str, tuple[int, ...]]]:
    k, p = len(num.params), num.params
    out = [("fisher", f"I[{p[i]}, {p[j]}]", (i, j)) for i in range(k) for j in range(i, k)]
    out += [("neg_expected_hessian", f"-E[H][{p[i]}, {p[j]}]", (i, j)) for i in range(k) for j in range(i, k)]
    out += [("mean_score", f"E[s_{p[i]}]", (i,)) for i in range(k)]
    return out


def _stack_terms(s: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Per sample: the upper triangles of s sᵀ and −H, then s; shape (n, 2·k(k+1)/2 + k)."""
    k = s.shape[-1]
    iu = np.triu_indices(k)
    outer = s[:, iu[0]] * s[:, iu[1]]
    return np.concatenate([outer, -h[:, iu[0], iu[1]], s], axis=1)


# ---------------------------------------------------------------------------------------------- public
def cross_check(derivation: Any, params: Mapping[Any, Any], n: int = 10**6, seed: int = 0,
                method: str = "auto") -> CrossCheck:
    """Check I(θ) = E[s sᵀ], −E[H] and E[s] = 0 numerically at one parameter point, entry by entry.

    Args:
        derivation: A :class:`~symfisher.core.derivation.Derivation`.
        params: Value of every parameter (and covariate): dict Symbol → value or name → value.
        n: Monte Carlo sample size.
        seed: Seed of the sampler (same seed, same report).
        method: ``"monte-carlo"``, ``"quadrature"`` or ``"auto"`` (quadrature for one data symbol).

    Returns:
        An immutable :class:`CrossCheck`; ``.passed`` when every entry agrees (``|z| < 5`` for Monte Carlo,
        relative error < 1e-6 for quadrature).

    Raises:
        ModelError: Missing/unknown parameters, values outside the domain, bad n or method.
        NotSupportedError: No sampler or quadrature for the model's data (several data symbols).

    >>> import sympy as sp, symfisher as sf
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = sf.derive(sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> cross_check(d, {lam: 2.0}, n=20000).passed, cross_check(d, {"lambda": 2.0}, method="quadrature").passed
    (True, True)
    """
    t0 = time.perf_counter()
    model = derivation.model
    if method not in ("auto", "monte-carlo", "mc", "quadrature"):
        raise ModelError(f"method must be 'auto', 'monte-carlo' or 'quadrature', got {method!r}")
    if not (isinstance(n, (int, np.integer)) and n >= 2):
        raise ModelError(f"n must be an integer ≥ 2, got {n!r}")
    method = "quadrature" if method == "auto" else ("monte-carlo" if method == "mc" else method)
    if len(model.data) > 1 and method == "monte-carlo":
        raise NotSupportedError(f"model {model.name}: no sampler for {len(model.data)} data symbols; "
                                f"use method='quadrature'")
    num = derivation.lambdify()
    pos, kw = _floats(model, *resolve_point(model, params))
    fisher, neh, mean = _closed(derivation, num, pos, kw)
    k = len(pos)
    iu = np.triu_indices(k)
    closed = np.concatenate([fisher[iu], neh[iu], mean])
    given = [kw[g] for g in num.given]
    ns = num.namespace

    def terms(*xs: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            s = ns["_score_full"](*xs, *pos, *given)
            h = ns["_hessian_full"](*xs, *pos, *given)
        n = np.size(xs[0])
        return _stack_terms(s.reshape(n, k), h.reshape(n, k, k))

    diag = np.sqrt(np.abs(np.diag(fisher)))
    scales = np.concatenate([np.maximum(np.abs(fisher[iu]), diag[iu[0]] * diag[iu[1]]),
                             np.maximum(np.abs(neh[iu]), diag[iu[0]] * diag[iu[1]]), diag])
    labels = _labels(num)
    entries = []
    if method == "quadrature":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = _expectation(num, terms, pos, kw)
        for (q, lab, idx), c, e, sc in zip(labels, closed, est, scales):
            rel = abs(e - c) / sc if sc > 0 else abs(e - c)
            entries.append(CheckEntry(q, lab, idx, float(c), float(e), 0.0, float(rel),
                                      bool(rel <= QUADRATURE_RTOL)))
        n_used = 0
    else:
        x = sample(num, pos, kw, int(n), seed)
        s1 = np.zeros_like(closed)
        s2 = np.zeros_like(closed)
        for a in range(0, len(x), _CHUNK):
            dev = terms(x[a:a + _CHUNK]) - closed
            s1 += dev.sum(axis=0)
            s2 += (dev * dev).sum(axis=0)
        nn = float(len(x))
        mdev = s1 / nn
        var = np.maximum(s2 - nn * mdev * mdev, 0.0) / (nn - 1.0)
        se = np.sqrt(var / nn)
        for (q, lab, idx), c, md, e_se, sc in zip(labels, closed, mdev, se, scales):
            if e_se > 1e-12 * max(sc, abs(c), 1e-300):
                z = md / e_se
                ok = abs(z) < Z_LIMIT
            else:  # a constant per sample (e.g. −H of a location parameter): must agree exactly
                z = 0.0 if abs(md) <= 1e-9 * max(abs(c), sc, 1e-300) else math.inf
                ok = z == 0.0
            entries.append(CheckEntry(q, lab, idx, float(c), float(c + md), float(e_se), float(z), bool(ok)))
        n_used = int(n)
    point = tuple((str(s), float(v)) for s, v in zip(model.params, pos)) + tuple(
        (str(s), float(kw[str(s)])) for s in model.given)
    return CrossCheck(model.name, point, method, n_used, int(seed), tuple(entries), time.perf_counter() - t0)
