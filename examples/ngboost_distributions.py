"""NGBoost distributions from symfisher's closed forms (``pip install ".[ngboost]"``).

1. The normal with internal parameters (μ, log σ): trained on scikit-learn's diabetes data it gives exactly
   the predictions of NGBoost's hand-written ``Normal``.
2. A family NGBoost does not ship, the Gumbel (maxima), on the same data: test NLL against the
   constant-parameter baseline (the marginal MLE).
3. Saving the trained model with pickle: the class is rebuilt from its recipe, the predictions are identical.
"""

from __future__ import annotations

import pickle

import numpy as np
import scipy.stats as st
import sympy as sp
from ngboost import NGBRegressor
from ngboost.distns import Normal
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

from symfisher.catalog import FAMILIES
from symfisher.ngboost import distribution

X, y = load_diabetes(return_X_y=True)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)


def train(dist, n_estimators=25):
    return NGBRegressor(Dist=dist, n_estimators=n_estimators, learning_rate=0.05, random_state=1,
                        verbose=False).fit(Xtr, ytr)


# 1. Normal: internal η = (μ, log σ); the metric is I(η) = Jᵀ I(θ) J = diag(e^{-2η₂}, 2)
mu, sigma = FAMILIES["normal"].params
SymNormal = distribution("normal", internal={sigma: sp.log}, scipy_dist=lambda m, s: st.norm(m, s), name="SymNormal")
print("Normal: metric", SymNormal.derivation.fisher.tolist(), "| verdict:", SymNormal.verdict.status)
ours, theirs = train(SymNormal, 50), train(Normal, 50)
diff = np.max(np.abs(ours.predict(Xte) - theirs.predict(Xte)) / np.abs(theirs.predict(Xte)))
print(f"  test NLL symfisher {-ours.score(Xte, yte):.6f}, NGBoost Normal {-theirs.score(Xte, yte):.6f}, "
      f"max relative prediction difference {diff:.1e}")

# 2. Gumbel (location μ, scale β), not shipped by NGBoost; β gets the default transform log β. scipy_dist is a
#    module-level function (not a lambda) so that the class, and a model trained with it, can be pickled
def gumbel_scipy(mu, beta):
    return st.gumbel_r(mu, beta)


Gumbel = distribution("gumbel", scipy_dist=gumbel_scipy)
print("Gumbel: internal", [sp.sstr(ip.transform) for ip in Gumbel.internal], "| metric",
      sp.sstr(Gumbel.derivation.fisher.tolist()), "| verdict:", Gumbel.verdict.status)
model = train(Gumbel)
baseline = -NGBRegressor(Dist=Gumbel, n_estimators=0, verbose=False).fit(Xtr, ytr).score(Xte, yte)
print(f"  test NLL {-model.score(Xte, yte):.3f} against the constant-parameter baseline {baseline:.3f}")
print("  first predicted (μ, β):", {k: round(float(v[0]), 2) for k, v in model.pred_dist(Xte[:1]).params.items()})

# 3. pickle (or joblib) the trained model: the class pickles as its recipe (derivations, transforms, bounds)
blob = pickle.dumps(model)
loaded = pickle.loads(blob)
assert np.array_equal(loaded.predict(Xte), model.predict(Xte))
print(f"Pickled the trained Gumbel model ({len(blob) / 1e3:.0f} kB): identical predictions after loading")
