"""Reparametrization: I(η) = Jᵀ I(θ) J, by transforming a derivation and by re-deriving."""

import sympy as sp

import symfisher.catalog as derivations
import symfisher as sf

model = derivations.get("normal").model()
mu, sigma = model.params
tau = sp.Symbol("tau", real=True)                      # log σ

d = sf.derive(model)
transformed = d.reparametrize({sigma: sp.exp(tau)}, [mu, tau])      # Jᵀ I J, no new expectations
rederived = sf.derive(model.reparametrize({sigma: sp.exp(tau)}, [mu, tau]))
print("I(mu, sigma)       =", d.fisher.tolist())
print("J^T I J (mu, tau)  =", transformed.fisher.tolist())
print("re-derived         =", rederived.fisher.tolist())
assert transformed.fisher == rederived.fisher == sp.Matrix([[sp.exp(-2 * tau), 0], [0, 2]])
