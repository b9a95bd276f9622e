"""Shared cases of the numeric tests: catalog families, parameter points, SciPy log-densities.

Derivations are cached for the whole session (``derive`` is the slow part).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import stats

from _uses_cache import derived

# family → parameter ranges (uniform draws), covariate ranges, a data sampler for checks, SciPy log p
CASES = {
    "normal": dict(params={"mu": (-2, 2), "sigma": (0.5, 3)},
                   scipy=lambda x, mu, sigma: stats.norm(mu, sigma).logpdf(x), data=lambda rng, n: rng.normal(size=n)),
    "gamma-rate": dict(params={"alpha": (0.6, 5), "beta": (0.3, 3)},
                       scipy=lambda x, a, b: stats.gamma(a, scale=1 / b).logpdf(x),
                       data=lambda rng, n: rng.gamma(2.0, size=n)),
    "beta": dict(params={"a": (0.6, 4), "b": (0.6, 4)}, scipy=lambda x, a, b: stats.beta(a, b).logpdf(x),
                 data=lambda rng, n: rng.beta(2.0, 3.0, size=n)),
    "poisson": dict(params={"lambda": (0.5, 8)}, scipy=lambda x, lam: stats.poisson(lam).logpmf(x),
                    data=lambda rng, n: rng.poisson(3.0, size=n).astype(float)),
    "bernoulli": dict(params={"p": (0.1, 0.9)}, scipy=lambda x, p: stats.bernoulli(p).logpmf(x),
                      data=lambda rng, n: (rng.random(n) < 0.4).astype(float)),
    "exponential": dict(params={"lambda": (0.3, 4)}, scipy=lambda x, lam: stats.expon(scale=1 / lam).logpdf(x),
                        data=lambda rng, n: rng.exponential(size=n)),
    "weibull": dict(params={"k": (0.8, 4), "lambda": (0.5, 3)},
                    scipy=lambda x, k, lam: stats.weibull_min(k, scale=lam).logpdf(x),
                    data=lambda rng, n: rng.weibull(1.5, size=n) * 1.2),
    "logistic-regression": dict(params={"beta0": (-1.5, 1.5), "beta1": (-1.5, 1.5)}, given={"z": (-2, 2)},
                                scipy=lambda y, b0, b1, z: y * (b0 + b1 * z) - np.logaddexp(0, b0 + b1 * z),
                                data=lambda rng, n: (rng.random(n) < 0.5).astype(float)),
}
NAMES = list(CASES)


def derivation(name: str):
    return derived(name)  # the session's one derivation of each catalog family


@lru_cache(maxsize=None)
def numeric(name: str):
    return derivation(name).lambdify()


def points(name: str, count: int = 2, seed: int = 7) -> list[dict[str, float]]:
    """``count`` random parameter (and covariate) points of a family, reproducible."""
    case = CASES[name]
    rng = np.random.default_rng(seed + NAMES.index(name))
    ranges = {**case["params"], **case.get("given", {})}
    return [{k: float(rng.uniform(lo, hi)) for k, (lo, hi) in ranges.items()} for _ in range(count)]


def split(name: str, point: dict[str, float]) -> tuple[list[float], dict[str, float]]:
    case = CASES[name]
    return [point[k] for k in case["params"]], {k: point[k] for k in case.get("given", {})}


