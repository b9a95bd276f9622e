"""The diagonal Fisher (what Adam's second moment estimates) and the EWC penalty."""

import symfisher.catalog as derivations
import symfisher as sf
from symfisher.uses import diagonal_fisher, ewc_penalty

# generous per-step limits, so that a busy machine still closes every expectation
CONFIG = sf.Config.defaults().merge(atom_timeout=20.0, simplify_timeout=15.0)

for name, point in (("normal", {"mu": 0, "sigma": 1}), ("gamma-rate", {"alpha": 2, "beta": 1})):
    d = sf.derive(derivations.get(name).model(), timeout=180, config=CONFIG)
    r = diagonal_fisher(d, at=point)
    print(f"{name}: {r!r}")
    pen = ewc_penalty(d, point, strength=10)
    print(f"  EWC penalty around {point}: {pen.expr};  at θ* + 0.1: {pen([v + 0.1 for v in point.values()]):.5f}")
