"""Pictures of what Fisher information measures (optional extra: ``pip install 'symfisher[plot]'``).

- :func:`plot_likelihood`: binomial log-likelihoods after 6/10 and 60/100 successes; the same maximum
  p̂ = 0.6, but the curvature (the observed information J = −ℓ''(p̂) = n / (p̂(1−p̂))) is ten times larger
  with ten times the data, so the Wald interval p̂ ± 1.96/√J is √10 times narrower;
- :func:`plot_information`: I(θ) against θ for a catalog family (Bernoulli: 1/(p(1−p)));
- :func:`plot_kl`: two pairs of normals at the same Euclidean distance in (μ, σ) whose KL divergences
  differ a hundredfold: the parameter space is curved, with metric I(θ) = diag(1/σ², 2/σ²).

Every function returns the plotted numbers (NumPy arrays) with the path written, so tests can
check them. Figures are drawn with ``matplotlib.figure.Figure`` (no pyplot, no display needed).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import sympy as sp

from symfisher.errors import ModelError, NotSupportedError
from symfisher.numeric.compiler import compile_function

__all__ = ["plot_information", "plot_kl", "plot_likelihood"]

NEEDS_MATPLOTLIB = "plotting needs matplotlib: pip install 'symfisher[plot]'"


def _figure(ncols: int = 1, width: float = 6.4):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise NotSupportedError(NEEDS_MATPLOTLIB) from None
    fig = Figure(figsize=(width, 4.2), layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes


def _save(fig, out: str | Path | None) -> str | None:
    if out is None:
        return None
    path = Path(out)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ModelError(f"--out must end in .png, .svg or .pdf, got {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    return str(path)


def plot_likelihood(successes: Sequence[int] = (6, 60), trials: Sequence[int] = (10, 100), *,
                    level: float = 0.95, out: str | Path | None = None) -> dict[str, Any]:
    """Binomial log-likelihoods ℓ(p) − ℓ(p̂), their curvature J = −ℓ''(p̂) and Wald intervals p̂ ± z/√J.

    The MLE and the observed information come from :func:`symfisher.uses.mle` on the Bernoulli model
    (k ones and n − k zeros): J = n / (p̂(1 − p̂)).

    Returns:
        ``{"p": grid, "curves": [{"successes", "trials", "p_hat", "observed_information", "interval",
        "loglik", "quadratic"}, ...], "path": out}``.

    >>> r = plot_likelihood((6,), (10,))
    >>> round(r["curves"][0]["p_hat"], 6), round(r["curves"][0]["observed_information"], 4)   # 10/(0.6·0.4)
    (0.6, 41.6667)
    """
    from scipy.stats import norm

    import symfisher.catalog as derivations

    from symfisher.uses.estimate import mle

    if len(successes) != len(trials) or not successes:
        raise ModelError("give as many success counts as trial counts")
    model = derivations.get("bernoulli").model()
    z = float(norm.ppf((1 + level) / 2))
    grid = np.linspace(0.005, 0.995, 397)
    curves = []
    for k, n in zip(successes, trials):
        if not (isinstance(k, (int, np.integer)) and isinstance(n, (int, np.integer)) and 0 < k < n):
            raise ModelError(f"need 0 < successes < trials (integers), got {k}/{n}")
        data = np.r_[np.ones(k), np.zeros(n - k)]
        fit = mle(model, data, [0.5])
        p_hat = float(fit.estimate[0])
        J = float(fit.observed_information[0, 0])
        ll = k * np.log(grid) + (n - k) * np.log1p(-grid)
        ll -= k * math.log(p_hat) + (n - k) * math.log1p(-p_hat)
        half = z / math.sqrt(J)
        curves.append({"successes": k, "trials": n, "p_hat": p_hat, "observed_information": J,
                       "interval": (p_hat - half, p_hat + half), "loglik": ll,
                       "quadratic": -0.5 * J * (grid - p_hat) ** 2})
    path = None
    if out is not None:
        fig, ax = _figure()
        for c, color in zip(curves, ("tab:blue", "tab:red", "tab:green", "tab:purple")):
            label = (f"{c['successes']}/{c['trials']}: J = −ℓ''(p̂) = {c['observed_information']:.1f}, "
                     f"{round(level * 100)}% Wald [{c['interval'][0]:.3f}, {c['interval'][1]:.3f}]")
            ax.plot(grid, c["loglik"], color=color, label=label)
            ax.plot(grid, c["quadratic"], color=color, ls="--", lw=0.9)
            for end in c["interval"]:
                ax.axvline(end, color=color, ls=":", lw=1)
        ax.axvline(0.6, color="gray", lw=0.6)
        ax.set_ylim(-6, 0.5)
        ax.set_xlabel("p")
        ax.set_ylabel("ℓ(p) − ℓ(p̂)")
        ax.set_title("Binomial log-likelihood: same maximum p̂ = 0.6, curvature J = observed information\n"
                     "dashed: −½ J (p − p̂)²;  dotted: Wald interval p̂ ± z/√J", fontsize=9)
        ax.legend(fontsize=7, loc="lower center")
        path = _save(fig, out)
    return {"p": grid, "curves": curves, "path": path}


def _grid(dom: sp.Set) -> np.ndarray:
    lo, hi = float(dom.inf), float(dom.sup)
    if math.isfinite(lo) and math.isfinite(hi):
        return np.linspace(lo + (hi - lo) * 0.02, hi - (hi - lo) * 0.02, 300)
    if math.isfinite(lo):
        return np.linspace(lo + 0.1, lo + 5.0, 300)
    if math.isfinite(hi):
        return np.linspace(hi - 5.0, hi - 0.1, 300)
    return np.linspace(-3.0, 3.0, 300)


def _default(dom: sp.Set) -> float:
    lo, hi = float(dom.inf), float(dom.sup)
    if math.isfinite(lo) and math.isfinite(hi):
        return (lo + hi) / 2
    if math.isfinite(lo):
        return lo + 1.0
    return 0.0 if not math.isfinite(hi) else hi - 1.0


def plot_information(family: str, param: str | None = None, *, fixed: Mapping[str, float] | None = None,
                     out: str | Path | None = None, timeout: float = 60.0) -> dict[str, Any]:
    """I_jj(θ) against θ_j for a catalog family (other parameters and constants held at ``fixed`` or 1).

    Returns:
        ``{"param", "theta": grid, "information": values, "expr": I_jj, "fixed": {...}, "path": out}``.

    >>> r = plot_information("bernoulli")
    >>> r["expr"], bool(np.allclose(r["information"], 1 / (r["theta"] * (1 - r["theta"]))))
    (1/(p*(1 - p)), True)
    """
    import symfisher.catalog as derivations

    from symfisher.cache import derive_cached

    try:
        fam = derivations.get(family)
    except KeyError as exc:
        raise ModelError(str(exc.args[0])) from None
    d = derive_cached(fam.model(), timeout)  # the cache on disk: instant when derived before
    model = d.model
    names = [p.name for p in model.params]
    j = 0 if param is None else (names.index(param) if param in names else -1)
    if j < 0:
        raise ModelError(f"model {model.name}: no parameter {param!r} (parameters: {', '.join(names)})")
    target = model.params[j]
    expr = d.fisher[j, j]
    if expr.has(sp.Integral, sp.Sum):
        raise NotSupportedError(f"model {model.name}: I_{target}{target} has no closed form to plot")
    fixed = dict(fixed or {})
    held = sorted((s for s in (*model.params, *model.given, *model.constants)
                   if s != target and s in expr.free_symbols), key=str)
    other = sorted(map(str, expr.free_symbols - {target, *held}))
    if other:
        raise NotSupportedError(f"model {model.name}: I_{target}{target} depends on {other[0]}, which is no parameter, "
                                f"covariate or constant of the model")
    values = {}
    for s in held:
        dom = model.domain_map.get(s)
        values[s.name] = float(fixed.get(s.name, _default(dom) if dom is not None else 1.0))
    fn = compile_function([target], expr.xreplace({s: values[s.name] for s in held}), name="information")
    grid = _grid(model.domain_map[target])
    info = fn(grid)
    path = None
    if out is not None:
        fig, ax = _figure()
        ax.plot(grid, info, color="tab:blue")
        ax.set_yscale("log")
        ax.set_xlabel(str(target))
        ax.set_ylabel(f"I({target})")
        extra = ", ".join(f"{k} = {v:g}" for k, v in values.items())
        ax.set_title(f"{fam.title}: I = ${sp.latex(expr)}$" + (f"  ({extra})" if extra else ""), fontsize=9)
        path = _save(fig, out)
    return {"param": target.name, "theta": grid, "information": info, "expr": expr, "fixed": values, "path": path}


def plot_kl(pairs: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (((0.0, 0.5), (1.0, 0.5)),
                                                                               ((0.0, 5.0), (1.0, 5.0))), *,
            out: str | Path | None = None) -> dict[str, Any]:
    """Normal pairs at the same Euclidean distance in (μ, σ) with very different KL divergences.

    KL(N(μ, σ²) ‖ N(μ', σ'²)) comes in closed form from the expectation engine
    (:mod:`symfisher.uses.kl`); the Fisher metric I = diag(1/σ², 2/σ²) explains the difference:
    a unit step in μ costs ½/σ² nats.

    Returns:
        ``{"pairs": [{"theta", "theta2", "euclidean", "kl", "fisher_quadratic", "x", "p", "q"}, ...],
        "path": out}``.

    >>> r = plot_kl()
    >>> [round(c["kl"], 6) for c in r["pairs"]]              # 1/(2·0.25) and 1/(2·25)
    [2.0, 0.02]
    """
    import symfisher.catalog as derivations

    from symfisher.uses.kl import exact_kl

    model = derivations.get("normal").model()
    mu, sigma = model.params
    deltas = (sp.Symbol("delta_mu", real=True), sp.Symbol("delta_sigma", real=True))
    kl = exact_kl(model, deltas, 30.0)
    if kl is None:  # pragma: no cover - the engine closes the normal KL
        raise NotSupportedError("model normal: the KL divergence has no closed form")
    kl_fn = compile_function([mu, sigma, *deltas], kl, name="kl")
    out_pairs = []
    for (m1, s1), (m2, s2) in pairs:
        if s1 <= 0 or s2 <= 0:
            raise ModelError(f"model normal: sigma must be positive, got {s1} and {s2}")
        dmu, dsig = m2 - m1, s2 - s1
        x = np.linspace(min(m1 - 4 * s1, m2 - 4 * s2), max(m1 + 4 * s1, m2 + 4 * s2), 400)
        dens = lambda m, s: np.exp(-((x - m) ** 2) / (2 * s * s)) / (math.sqrt(2 * math.pi) * s)  # noqa: E731
        out_pairs.append({"theta": (m1, s1), "theta2": (m2, s2), "euclidean": math.hypot(dmu, dsig),
                          "kl": float(kl_fn(m1, s1, dmu, dsig)),
                          "fisher_quadratic": 0.5 * (dmu**2 + 2 * dsig**2) / s1**2,
                          "x": x, "p": dens(m1, s1), "q": dens(m2, s2)})
    path = None
    if out is not None:
        fig, axes = _figure(len(out_pairs), width=4.2 * len(out_pairs))
        for ax, c in zip(np.atleast_1d(axes), out_pairs):
            ax.plot(c["x"], c["p"], color="tab:blue", label=f"N({c['theta'][0]:g}, {c['theta'][1]:g}²)")
            ax.plot(c["x"], c["q"], color="tab:red", label=f"N({c['theta2'][0]:g}, {c['theta2'][1]:g}²)")
            ax.fill_between(c["x"], np.minimum(c["p"], c["q"]), color="gray", alpha=0.25)
            ax.set_title(f"distance in (μ, σ) = {c['euclidean']:g},  KL = {c['kl']:.4g} nats", fontsize=9)
            ax.set_xlabel("x")
            ax.legend(fontsize=8)
        fig.suptitle("Same Euclidean step, different information: KL ≈ ½ δᵀ I(θ) δ with I = diag(1/σ², 2/σ²)",
                     fontsize=10)
        path = _save(fig, out)
    return {"pairs": out_pairs, "path": path}
