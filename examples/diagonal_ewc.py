"""The diagonal Fisher (what Adam's second moment estimates) and the EWC penalty."""

import derivations
import symfisher as sf
from symfisher.uses import diagonal_fisher, ewc_penalty

for name, point in (("normal", {"mu": 0, "sigma": 1}), ("gamma-rate", {"alpha": 2, "beta": 1})):
    d = sf.derive(derivations.get(name).model(), timeout=120)
    r = diagonal_fisher(d, at=point)
    print(f"{name}: {r!r}")
    pen = ewc_penalty(d, point, strength=10)
    print(f"  EWC penalty around {point}: {pen.expr};  at θ* + 0.1: {pen([v + 0.1 for v in point.values()]):.5f}")
