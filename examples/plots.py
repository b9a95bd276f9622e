"""The pictures (needs matplotlib): likelihood curvature, I(p) for Bernoulli, KL vs Euclidean distance."""

import sys
import tempfile
from pathlib import Path

from symfisher.uses.plot import plot_information, plot_kl, plot_likelihood

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
r = plot_likelihood(out=out / "likelihood.png")
for c in r["curves"]:
    print(f"{c['successes']}/{c['trials']}: p̂ = {c['p_hat']:.3g}, J = {c['observed_information']:.1f}, "
          f"95% Wald {tuple(round(v, 4) for v in c['interval'])}")
print("I(p) =", plot_information("bernoulli", out=out / "information.png")["expr"])
print("KL:", [round(c["kl"], 4) for c in plot_kl(out=out / "kl.png")["pairs"]])
print("wrote", sorted(p.name for p in out.iterdir()))
