"""KL(p_θ ‖ p_{θ+δ}) = ½ δᵀ I(θ) δ + O(‖δ‖³), proved from the closed-form KL."""

import symfisher.catalog as derivations
import symfisher as sf
from symfisher.uses import kl_expansion

for name in ("exponential", "normal", "uniform"):
    r = kl_expansion(sf.derive(derivations.get(name).model()))
    print(f"{name}: KL = {r.kl}\n  terms (c0, c1, c2) = {r.terms}\n  {r.status}: {r.reason}")
