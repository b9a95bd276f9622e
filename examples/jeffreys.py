"""Jeffreys priors √det I(θ): Bernoulli → Beta(½, ½) (proper); normal location → flat (improper)."""

import symfisher.catalog as derivations
import symfisher as sf
from symfisher.uses import jeffreys_prior

for name in ("bernoulli", "normal-mean", "poisson", "normal"):
    prior = jeffreys_prior(sf.derive(derivations.get(name).model()))
    print(f"{name:12s} {prior!r}\n{'':12s} ({prior.reason})")
