"""The engine at scale and at the edges: linear predictors, independent blocks, conditions, infinite information."""

import time

import sympy as sp

import symfisher as sf
from benchmarks.bench import scale_models

# Logistic regression with 32 coefficients: log p depends on β only through η = zᵀβ, so the engine
# derives the one-parameter Bernoulli model in η and maps back: I(β) = z zᵀ · e^η/(1 + e^η)².
t0 = time.perf_counter()
d = sf.derive(scale_models("logistic", 32))
print(f"logistic regression, p = 32: {time.perf_counter() - t0:.1f} s, {d.equality.status}, "
      f"strategy {d.strategies[('fisher', 3, 7)]}")
eta = sp.Symbol("eta")
print("  I[4, 8] =", d.fisher[3, 7].replace(lambda e: isinstance(e, sp.exp), lambda e: sp.exp(eta)), " (η = zᵀβ)")

# The multivariate normal mean with identity covariance separates into k independent blocks:
# every cross entry is E[s_i] E[s_j] = 0 without an integral.
d = sf.derive(scale_models("mvn-mean", 32))
print("MVN mean, k = 32:", "I = identity" if d.fisher == sp.eye(32) else d.fisher, "|", d.strategies[("fisher", 0, 1)])

# A density nobody catalogued: the hyperbolic secant location family (u = e^{−πy/2} makes it half-Cauchy).
x, mu = sp.Symbol("x", real=True), sp.Symbol("mu", real=True)
d = sf.derive(sf.Model.from_pdf(sp.sech(sp.pi * (x - mu) / 2) / 2, x, [mu], sp.S.Reals, name="hyperbolic-secant"))
print("hyperbolic secant:", d.fisher[0, 0], d.equality.status)

# Generalized normal location, shape k: E[s²] has E|Y|^{2k−2} in it, finite only for k > 1/2.
k = sp.Symbol("k", positive=True)


def generalized_normal(shape):
    pdf = shape / (2 * sp.gamma(1 / shape)) * sp.exp(-sp.Abs(x - mu) ** shape)
    return sf.Model.from_pdf(pdf, x, [mu], sp.S.Reals, name="generalized-normal", validate=False)


d = sf.derive(generalized_normal(k))
print("generalized normal, shape k:", d.fisher[0, 0], "valid for", d.conditions)
d = sf.derive(generalized_normal(sp.Rational(1, 2)))
print("generalized normal, shape 1/2: I =", d.fisher[0, 0], "| infinite:", d.infinite, "|", d.equality.reason)
