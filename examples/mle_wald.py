"""MLE with observed and expected information: standard errors and 95% Wald intervals."""

import numpy as np

import symfisher.catalog as derivations
import symfisher as sf
from symfisher.uses import mle, standard_errors, wald_intervals

# generous per-step limits, so that a busy machine still closes every expectation
CONFIG = sf.Config.defaults().merge(atom_timeout=20.0, simplify_timeout=15.0)

rng = np.random.default_rng(1)
x = rng.poisson(4.0, size=200)
fit = mle(sf.derive(derivations.get("poisson").model()), x)
print(fit)
print("MLE = mean:", fit.estimate[0], x.mean(), " se = sqrt(mean/n):", standard_errors(fit)[0], np.sqrt(x.mean() / x.size))

y = rng.gamma(3.0, 1 / 2.0, size=500)
fit = mle(sf.derive(derivations.get("gamma-rate").model(), timeout=180, config=CONFIG), y)
print(fit)
for kind in ("observed", "expected"):
    print(f"{kind:9s} se = {standard_errors(fit, kind=kind)}, 95% Wald = {wald_intervals(fit, kind=kind).round(4).tolist()}")
