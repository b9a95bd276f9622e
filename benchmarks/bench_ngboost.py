"""NGBoost distributions: NGBoost's own SymPy factory against ``symfisher.ngboost.distribution``.

``python -m benchmarks.bench_ngboost`` (``--families a,b``, ``--cap SECONDS``, ``--speed-estimators N``) prints

1. the reach table: per catalog family, the seconds each route takes to build a distribution class, whether
   its metric (the Fisher information in the internal parameters) is exact, and the test NLL after training
   on a real data set that ships with scikit-learn (``load_diabetes``: the target as it is for families on ℝ
   and (0, ∞), as counts for the Poisson, scaled into (0, 1) for the Beta), next to the constant-parameter
   baseline (the marginal MLE) and NGBoost's hand-written class where it ships one;
2. heavy tails: the Student-t with learned ν against NGBoost's ``Normal`` on a heavy-tailed target that ships
   with scikit-learn (``load_breast_cancer``: "texture error" from the 29 other features), test NLL;
3. the training wall time with symfisher's Normal against NGBoost's hand-written ``Normal`` (same data, same
   iterations, best of 3, alternating), and the pickle round trip of the trained model (size, time to load
   in a fresh process, i.e. rebuilding the class from its recipe, and whether the predictions are identical).

NGBoost's factory (``ngboost.distns.sympy_utils.make_distribution``) gets each family as a ``sympy.stats``
random variable with log links for positive parameters, and SciPy's distribution when its arguments are the
parameters themselves; each route runs in a forked worker under a hard time limit (``--cap`` for the factory,
``--symfisher-cap`` for symfisher: deriving the Student-t with learned ν takes ~100 s).
"""

from __future__ import annotations

import argparse
import inspect
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import scipy.stats as st
import sympy as sp

from symfisher.core.deadline import run_with_deadline
from symfisher.errors import BudgetExceeded

N_ESTIMATORS = 25        # the diabetes data overfit beyond ~30 trees at learning rate 0.05
LEARNING_RATE = 0.05


@dataclass(frozen=True)
class Spec:
    """One family: the symfisher model, NGBoost's factory inputs, SciPy, the target and NGBoost's own class."""

    name: str
    target: str                           # "real", "positive", "unit", "count"
    sympy_dist: Callable[[], tuple]       # () → (params [(symbol, log?)], y symbol, sympy.stats RV, scipy cls, map)
    scipy_dist: Callable[..., Any]        # θ (model order) → frozen SciPy distribution
    shipped: str | None = None            # NGBoost's own class, when it ships one
    model: Callable[[], Any] | None = None  # a model not in the catalog (default: the catalog family `name`)


def _pos(*names: str) -> list[sp.Symbol]:
    return [sp.Symbol(n, positive=True) for n in names]


def _real(*names: str) -> list[sp.Symbol]:
    return [sp.Symbol(n, real=True) for n in names]


def _student_t_nu():
    """Student-t with location μ, scale σ and degrees of freedom ν all learned (not in the catalog)."""
    from symfisher import Model
    from symfisher.catalog import FAMILIES

    f = FAMILIES["student-t"]
    nu = sp.Symbol("nu", positive=True)
    return Model.from_pdf(f.expr, f.data, [*f.params, nu], f.support, name="student-t-nu")


def _specs() -> list[Spec]:
    ss = __import__("sympy.stats", fromlist=["stats"])

    def real_y():
        return sp.Symbol("y", real=True)

    def pos_y():
        return sp.Symbol("y", positive=True)

    def normal():
        (mu,), (s,) = _real("mu"), _pos("sigma")
        return [(mu, False), (s, True)], real_y(), ss.Normal("Y", mu, s), st.norm, {"loc": mu, "scale": s}

    def lognormal():
        (mu,), (s,) = _real("mu"), _pos("sigma")
        return [(mu, False), (s, True)], pos_y(), ss.LogNormal("Y", mu, s), None, None

    def gamma_rate():
        a, b = _pos("alpha", "beta")
        return [(a, True), (b, True)], pos_y(), ss.Gamma("Y", a, 1 / b), None, None

    def weibull():
        k, lam = _pos("k", "lam")
        return [(k, True), (lam, True)], pos_y(), ss.Weibull("Y", lam, k), st.weibull_min, {"c": k, "scale": lam}

    def beta():
        a, b = _pos("a", "b")
        return [(a, True), (b, True)], pos_y(), ss.Beta("Y", a, b), st.beta, {"a": a, "b": b}

    def student_t():
        (mu,), (s, nu) = _real("mu"), _pos("sigma", "nu")
        rv = mu + s * ss.StudentT("T", nu)
        return [(mu, False), (s, True), (nu, True)], real_y(), rv, st.t, {"loc": mu, "scale": s, "df": nu}

    def exponential():
        (lam,) = _pos("lam")
        return [(lam, True)], pos_y(), ss.Exponential("Y", lam), None, None

    def poisson():
        (lam,) = _pos("lam")
        y = sp.Symbol("y", integer=True, nonnegative=True)
        return [(lam, True)], y, ss.Poisson("Y", lam), st.poisson, {"mu": lam}

    def laplace():
        (mu,), (b,) = _real("mu"), _pos("b")
        return [(mu, False), (b, True)], real_y(), ss.Laplace("Y", mu, b), st.laplace, {"loc": mu, "scale": b}

    def logistic():
        (mu,), (s,) = _real("mu"), _pos("s")
        return [(mu, False), (s, True)], real_y(), ss.Logistic("Y", mu, s), st.logistic, {"loc": mu, "scale": s}

    def gumbel():
        (mu,), (b,) = _real("mu"), _pos("beta")
        return [(mu, False), (b, True)], real_y(), ss.Gumbel("Y", b, mu), st.gumbel_r, {"loc": mu, "scale": b}

    def inverse_gaussian():
        mu, lam = _pos("mu", "lam")
        return [(mu, True), (lam, True)], pos_y(), ss.GaussianInverse("Y", mu, lam), None, None

    def rayleigh():
        (s,) = _pos("sigma")
        return [(s, True)], pos_y(), ss.Rayleigh("Y", s), st.rayleigh, {"scale": s}

    def cauchy():
        (x0,), (g,) = _real("x0"), _pos("gamma")
        return [(x0, False), (g, True)], real_y(), ss.Cauchy("Y", x0, g), st.cauchy, {"loc": x0, "scale": g}

    return [
        Spec("normal", "real", normal, lambda m, s: st.norm(m, s), "Normal"),
        Spec("lognormal", "positive", lognormal, lambda m, s: st.lognorm(s, scale=np.exp(m)), "LogNormal"),
        Spec("gamma-rate", "positive", gamma_rate, lambda a, b: st.gamma(a, scale=1 / b), "Gamma"),
        Spec("weibull", "positive", weibull, lambda k, lam: st.weibull_min(k, scale=lam), "Weibull"),
        Spec("beta", "unit", beta, lambda a, b: st.beta(a, b), "Beta"),
        Spec("student-t-nu", "real", student_t, lambda m, s, nu: st.t(nu, m, s), "T", _student_t_nu),
        Spec("exponential", "positive", exponential, lambda lam: st.expon(scale=1 / lam), "Exponential"),
        Spec("poisson", "count", poisson, lambda lam: st.poisson(lam), "Poisson"),
        Spec("laplace", "real", laplace, lambda m, b: st.laplace(m, b), "Laplace"),
        Spec("logistic", "real", logistic, lambda m, s: st.logistic(m, s)),
        Spec("gumbel", "real", gumbel, lambda m, b: st.gumbel_r(m, b)),
        Spec("inverse-gaussian", "positive", inverse_gaussian, lambda m, lam: st.invgauss(m / lam, scale=lam)),
        Spec("rayleigh", "positive", rayleigh, lambda s: st.rayleigh(scale=s)),
        Spec("cauchy", "real", cauchy, lambda x0, g: st.cauchy(x0, g), "Cauchy"),
    ]


# ---------------------------------------------------------------------------------------------- data
def data(target: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, X_test, y_train, y_test) of scikit-learn's diabetes data, the target moved into the support."""
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True)
    if target == "unit":
        y = (y - y.min() + 1) / (y.max() - y.min() + 2)
    elif target == "count":
        y = np.round(y)
    return tuple(train_test_split(X, y, test_size=0.25, random_state=0))


def _train(dist: type, target: str, n_estimators: int = N_ESTIMATORS) -> tuple[float, float]:
    """(test NLL after boosting, test NLL of the constant marginal fit), in nats per observation."""
    from ngboost import NGBRegressor

    Xtr, Xte, ytr, yte = data(target)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        model = NGBRegressor(Dist=dist, n_estimators=n_estimators, learning_rate=LEARNING_RATE, random_state=1,
                             verbose=False).fit(Xtr, ytr)
        nll = -float(model.score(Xte, yte))
        base = -float(NGBRegressor(Dist=dist, n_estimators=0, verbose=False).fit(Xtr, ytr).score(Xte, yte))
    return nll, base


# ---------------------------------------------------------------------------------------------- routes
def _ngboost_route(spec: Spec) -> dict:
    from ngboost.distns.sympy_utils import make_distribution

    params, y, rv, scipy_cls, kwmap = spec.sympy_dist()
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dist = make_distribution(params=params, y=y, sympy_dist=rv, scipy_dist_cls=scipy_cls, scipy_kwarg_map=kwmap,
                                 name="Factory")
    seconds = time.perf_counter() - t
    # the factory's analytic metric is metric(self); its Monte-Carlo fallback takes n_mc_samples
    exact = "n_mc_samples" not in inspect.signature(dist.scores[0].metric).parameters
    nll, _ = _train(dist, spec.target)
    return {"seconds": seconds, "metric": "exact" if exact else "Monte Carlo", "nll": nll}


def _symfisher_route(spec: Spec) -> dict:
    from symfisher.ngboost import MetricWarning, distribution

    t = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MetricWarning)
        dist = distribution(spec.model() if spec.model else spec.name, scipy_dist=spec.scipy_dist, timeout=290)
    seconds = time.perf_counter() - t
    metric = "exact" if dist.metric_exact else "−E[H] (equality inconclusive)"
    nll, base = _train(dist, spec.target)
    return {"seconds": seconds, "metric": metric, "verdict": dist.verdict.status, "nll": nll, "base": base,
            "warned": bool(caught)}


def _shipped(spec: Spec) -> float | None:
    if spec.shipped is None:
        return None
    import ngboost.distns as nd

    return _train(getattr(nd, spec.shipped), spec.target)[0]


def _run(fn: Callable, spec: Spec, cap: float) -> dict:
    try:
        return run_with_deadline(fn, (spec,), cap)
    except BudgetExceeded:
        return {"error": f"timeout > {cap:g} s"}
    except Exception as exc:  # noqa: BLE001 - a failed route is a result of the benchmark
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:60]}"}


def _cell(r: dict, with_nll: bool = True) -> tuple[str, str, str]:
    if "error" in r:
        return "—", "fails", r["error"]
    nll = r["nll"]
    trained = f"{nll:.3f}" if np.isfinite(nll) else f"fails (NLL {nll})"
    return f"{r['seconds']:.1f}", r["metric"], trained


def reach(names: list[str] | None, cap: float, symfisher_cap: float) -> str:
    rows = ["| family | NGBoost ships | factory s | factory metric | factory test NLL | symfisher s | symfisher metric "
            "(verdict) | symfisher test NLL | baseline NLL | NGBoost's own class NLL |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    print("\n".join(rows), flush=True)
    for spec in _specs():
        if names and spec.name not in names:
            continue
        a = _run(_ngboost_route, spec, cap)
        b = _run(_symfisher_route, spec, symfisher_cap)
        own = _run(lambda s: {"nll": _shipped(s)}, spec, cap)
        fs, fm, fn = _cell(a)
        ss_, sm, sn = _cell(b)
        if "verdict" in b:
            sm = f"{sm} ({b['verdict']})"
        base = f"{b['base']:.3f}" if "base" in b else "—"
        own_nll = "—" if own.get("nll") is None else f"{own['nll']:.3f}"
        row = (f"| {spec.name} | {spec.shipped or 'no'} | {fs} | {fm} | {fn} | {ss_} | {sm} | {sn} | {base} | "
               f"{own_nll} |")
        rows.append(row)
        print(row, flush=True)
    return "\n".join(rows)


def _t(mu: Any, sigma: Any, nu: Any) -> Any:
    return st.t(nu, mu, sigma)


def heavy_tails(n_estimators: int = N_ESTIMATORS) -> str:
    """Student-t with learned ν against NGBoost's Normal on breast-cancer "texture error" (test NLL)."""
    from ngboost import NGBRegressor
    from ngboost.distns import Normal
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    from symfisher.ngboost import distribution

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        T = distribution(_student_t_nu(), scipy_dist=_t, timeout=290)
        build = time.perf_counter() - t
    data = load_breast_cancer().data
    Xtr, Xte, ytr, yte = train_test_split(np.delete(data, 11, axis=1), data[:, 11], test_size=0.25, random_state=0)
    out = [f"Heavy tails: breast cancer 'texture error' from 29 features, 75/25 split, {n_estimators} trees "
           f"(Student-t built in {build:.1f} s, ν bounds {T.bounds}):"]
    for label, dist in (("NGBoost Normal", Normal), ("symfisher Student-t (ν learned)", T)):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            m = NGBRegressor(Dist=dist, n_estimators=n_estimators, learning_rate=LEARNING_RATE, random_state=1,
                             verbose=False).fit(Xtr, ytr)
        extra = ""
        if dist is T:
            extra = f"   median predicted ν {np.median(m.pred_dist(Xte).params['nu']):.2f}"
        out.append(f"  {label:<33} test NLL {-float(m.score(Xte, yte)):.3f}{extra}")
    return "\n".join(out)


def _unpickle_fresh(blob: bytes) -> tuple[float, Any]:
    """(seconds, model): pickle.loads as a fresh process would, rebuilding the class from its recipe."""
    import pickle
    import weakref

    import symfisher.ngboost as sfn

    saved, sfn._BUILT = sfn._BUILT, weakref.WeakValueDictionary()
    try:
        t = time.perf_counter()
        model = pickle.loads(blob)
        return time.perf_counter() - t, model
    finally:
        sfn._BUILT = saved


def speed(n_estimators: int, repeat: int = 3) -> str:
    """Training wall time, symfisher's Normal against NGBoost's ``Normal``: same data, same iterations."""
    from ngboost import NGBRegressor
    from ngboost.distns import Normal

    from symfisher.ngboost import distribution

    sym = distribution("normal", scipy_dist=st.norm, name="SymNormal")
    X, _, y, _ = data("real")
    X = np.tile(X, (4, 1)) + np.random.default_rng(0).normal(0, 1e-3, (4 * len(X), X.shape[1]))
    y = np.tile(y, 4)
    best = {"Normal": np.inf, "SymNormal": np.inf}
    preds = {}
    for _ in range(repeat):
        for dist in (Normal, sym):
            t = time.perf_counter()
            m = NGBRegressor(Dist=dist, n_estimators=n_estimators, learning_rate=LEARNING_RATE, random_state=1,
                             verbose=False).fit(X, y)
            best[dist.__name__] = min(best[dist.__name__], time.perf_counter() - t)
            preds[dist.__name__] = m.predict(X)
            if dist is sym:
                trained = m
    diff = float(np.max(np.abs(preds["Normal"] - preds["SymNormal"]) / np.abs(preds["Normal"])))
    import pickle

    blob = pickle.dumps(trained)
    seconds, loaded = _unpickle_fresh(blob)
    same = bool(np.array_equal(loaded.predict(X), preds["SymNormal"]))
    return (f"NGBoost training, n = {len(y)} rows × {X.shape[1]} features, {n_estimators} iterations, best of "
            f"{repeat}:\n  NGBoost Normal    {best['Normal']:.2f} s\n  symfisher Normal  {best['SymNormal']:.2f} s"
            f"   ratio {best['SymNormal'] / best['Normal']:.2f}   max relative prediction difference {diff:.1e}\n"
            f"Pickled trained model: {len(blob) / 1e6:.1f} MB; pickle.loads rebuilding the class {seconds:.2f} s; "
            f"identical predictions: {same}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", default="", help="comma-separated subset (default: all)")
    ap.add_argument("--cap", type=float, default=60.0, help="seconds for NGBoost's factory per family")
    ap.add_argument("--symfisher-cap", type=float, default=300.0, help="seconds for symfisher per family")
    ap.add_argument("--speed-estimators", type=int, default=200)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--no-heavy-tails", action="store_true")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.families.split(",") if n.strip()] or None
    print(f"Reach: diabetes data (scikit-learn), 75/25 split, {N_ESTIMATORS} trees, learning rate {LEARNING_RATE}; "
          f"test NLL in nats per observation\n")
    reach(names, args.cap, args.symfisher_cap)
    if not args.no_heavy_tails:
        print()
        print(heavy_tails(), flush=True)
    if not args.no_speed:
        print()
        print(speed(args.speed_estimators))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
