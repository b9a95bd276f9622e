"""Fisher scoring / natural gradient vs plain gradient ascent on a gamma sample and a logistic regression."""

import numpy as np

import symfisher.catalog as derivations
import symfisher as sf
from symfisher.uses import fisher_scoring_step, gradient_ascent_step, iterate, natural_gradient_step, newton_step

# generous per-step limits, so that a busy machine still closes every expectation
CONFIG = sf.Config.defaults().merge(atom_timeout=20.0, simplify_timeout=15.0)

rng = np.random.default_rng(7)
gamma = sf.derive(derivations.get("gamma-rate").model(), timeout=180, config=CONFIG)
x = rng.gamma(3.0, 1 / 2.0, size=500)
for rule in (fisher_scoring_step(gamma), newton_step(gamma), natural_gradient_step(gamma, lr=0.5),
             gradient_ascent_step(gamma, lr=1.0)):
    print("gamma:", iterate(rule, [1.0, 1.0], x, max_iter=50_000))

logit = sf.derive(derivations.get("logistic-regression").model())
z = rng.normal(size=500)
y = (rng.random(500) < 1 / (1 + np.exp(-(0.5 + 1.2 * z)))).astype(float)
for rule in (fisher_scoring_step(logit), gradient_ascent_step(logit, lr=1.0)):
    print("logistic regression:", iterate(rule, [0.0, 0.0], {"y": y, "z": z}, max_iter=50_000))
print(fisher_scoring_step(logit).numeric.source("fisher"))
