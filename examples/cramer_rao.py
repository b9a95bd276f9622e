"""Cramér–Rao: Var(T) ≥ I(θ)⁻¹/n for unbiased T; for g(θ), ∇gᵀ I⁻¹ ∇g / n."""

import sympy as sp

import symfisher.catalog as derivations
import symfisher as sf
from symfisher.uses import cramer_rao_bound

n = sp.Symbol("n", positive=True, integer=True)
d = sf.derive(derivations.get("normal").model())
mu, sigma = d.params
print("normal, I^-1/n            :", cramer_rao_bound(d, n).tolist())
print("normal, g = sigma^2       :", cramer_rao_bound(d, n, g=sigma**2))       # 2σ⁴/n
p = sf.derive(derivations.get("poisson").model())
print("poisson, g = log(lambda)  :", cramer_rao_bound(p, n, g=sp.log(p.params[0])))
try:
    cramer_rao_bound(sf.derive(derivations.get("logistic-regression").model()))
except sf.RegularityError as exc:
    print("logistic regression (one observation):", exc)
