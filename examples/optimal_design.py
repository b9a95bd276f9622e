"""Optimal experimental design from closed-form Fisher information: ``python examples/optimal_design.py [OUT_DIR]``.

Where should the covariate z be set so that the estimates of θ are most precise? A design puts the fraction
wᵢ of the observations at zᵢ; its information is M = Σ wᵢ I(θ; zᵢ), with I(θ; z) derived by symfisher. The
D-optimal design maximises log det M, and the equivalence theorem certifies it: the sensitivity
d(z) = tr(M⁻¹ I(θ; z)) is at most p (the number of parameters) everywhere, with equality at the support.
With OUT_DIR (and matplotlib), the sensitivity of the logistic design is plotted to OUT_DIR/design.png.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import sympy as sp

import symfisher as sf
import symfisher.catalog as catalog
from symfisher.uses.design import evaluate_design, optimal_design, plot_design

# 1. Logistic regression, η = β0 + β1 z: two equal weights at η = ±1.5434 (the root of η tanh(η/2) = 1)
logistic = sf.derive(catalog.get("logistic-regression").model())
best = optimal_design(logistic, {"z": (-5, 5)}, {"beta0": 0, "beta1": 1})
print(best, end="\n\n")

# the A- and E-optimal designs for the same model, on z ∈ [0, 8]
for criterion in ("A", "E"):
    r = optimal_design(logistic, {"z": (0, 8)}, {"beta0": 0, "beta1": 1}, criterion=criterion)
    print(repr(r))
print()

# a design that is not optimal: the certificate shows it, and bounds its efficiency
naive = evaluate_design(logistic, {"z": (-5, 5)}, {"beta0": 0, "beta1": 1}, points=[-3, 0, 3])
c = naive.certificate
print(f"equal thirds at z = -3, 0, 3: max d(z) = {c.maximum:.4f} > p = 2 (gap {c.gap:.4f}) at z = {c.argmax[0]:.4f}; "
      f"D-efficiency {naive.efficiency(best):.4f} ≥ {c.efficiency_bound:.4f} (Atwood's bound p / max d)\n")

# 2. Michaelis–Menten, E[y] = V z/(K + z) with constant variance, z ∈ [0, z_max]:
#    equal weights at K z_max/(2K + z_max) and z_max
y = sp.Symbol("y", real=True)
z = sp.Symbol("z", nonnegative=True)
V, K, sigma = sp.symbols("V K sigma", positive=True)
pdf = sp.exp(-(y - V * z / (K + z)) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)
mm = sf.derive(sf.Model.from_pdf(pdf, y, [V, K, sigma], sp.S.Reals, given=[z], name="michaelis-menten"))
r = optimal_design(mm, {z: (0, 10)}, {V: 2, K: 3, sigma: 0.5})
print(repr(r))
print(f"  published: {3 * 10 / (2 * 3 + 10):g} and 10, equal weights\n")

# 3. Quadratic regression on [-1, 1]: D puts 1/3 on -1, 0, 1; A 1/4, 1/2, 1/4; E 1/5, 3/5, 1/5
x = sp.Symbol("x", real=True)
b0, b1, b2 = sp.symbols("b0 b1 b2", real=True)
quad = sf.derive(sf.Model.from_logpdf(-(y - b0 - b1 * x - b2 * x**2) ** 2 / 2 - sp.log(2 * sp.pi) / 2, y,
                                      [b0, b1, b2], sp.S.Reals, given=[x], name="quadratic"))
for criterion in ("D", "A", "E"):
    r = optimal_design(quad, {x: (-1, 1)}, [0, 0, 0], criterion=criterion)
    print(f"{criterion}: x = {[round(float(v), 6) + 0.0 for v in r.points[:, 0]]}, w = {[round(float(w), 6) for w in r.weights]}, "
          f"{r.objective} = {r.value:.6g}, gap {r.certificate.gap:.1e}")
    assert r.certificate.optimal()

if len(sys.argv) > 1:
    try:
        out = plot_design(best, Path(sys.argv[1]) / "design.png")
        print(f"\nwrote {out['path']}")
    except sf.NotSupportedError as exc:
        print(f"\nno plot: {exc}")
assert math.isclose(best.points[1, 0], 1.5434046, abs_tol=1e-6)
