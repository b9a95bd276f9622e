"""Adversarial grammar for symfisher (issue 11): random models and claims, and an mpmath oracle.

Models are built from the univariate catalog kernels (``symfisher.catalog``; constants fixed, some
parameters frozen) and combined by

* reparametrisation of each parameter (θ → exp t, t², 1/t, 2t + 1, 1/(1 + e^{−t}), …),
* two-component mixtures with fixed weights whose components share a parameter,
* products of independent kernels in two data symbols (support given as a dict),
* supports written inside the density: Heaviside / Piecewise / sign / Max / Min indicator factors,
  both moving with θ (Uniform(0, θ), shifted and truncated exponentials) and fixed (an exponential
  times Heaviside(x) on ℝ, a Laplace density written with Max or Piecewise), and a mixture whose
  component jumps at θ (fixed support, yet E[s] ≠ 0),
* random assumptions on every symbol (real / positive / nonnegative / integer / none, with or
  without a ``domain=``), and a few deliberately broken variants (unnormalized, wrong support).

Each :class:`ModelSpec` carries its own ground truth, independent of symfisher: the smooth density
of each independent factor on its *effective* support (indicators removed), whether that support
moves with θ, and, where the literature gives it, the exact information J(t)ᵀ I_cat(θ(t)) J(t).

:class:`Oracle` computes E[s], E[s sᵀ] and −E[H] at a parameter point with mpmath (tanh-sinh
quadrature at 20 digits with break points at the kernel's location and scale, direct summation for
mass functions), factor by factor, combining independent factors exactly:
E[s sᵀ] = Σ_c E[s_c s_cᵀ] + Σ_{c≠d} E[s_c] E[s_d]ᵀ. :class:`ExactTruth` gives the same values from
the exact references where a spec has them (regular models only).

Claims (:func:`claims`) perturb a reference Fisher matrix (constant factors, terms small in
absolute but not relative size, errors confined to part of the domain, Piecewise / floor / Max /
Heaviside / sign, oscillating factors, rounded constants, wrong off-diagonals) or rewrite it into an
equivalent form (expand, factor, rewrite(gamma), polygamma recurrence, trigonometric identities,
Piecewise with equal branches, …). Every wrong claim carries a witness point where it is wrong.

>>> spec = ModelSpec.example()
>>> spec.label
'single:exponential[lambda<-t0]'
>>> [float(v) for v in Oracle(spec).at({spec.params[0]: sp.Rational(2)}).fisher]
[0.25]
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import mpmath
import sympy as sp
from hypothesis import strategies as st

try:
    from symfisher.catalog import FAMILIES
except ImportError:  # pragma: no cover - the layout before the catalog moved into the package
    from derivations import FAMILIES

__all__ = ["Claim", "Component", "ExactTruth", "Kernel", "KERNELS", "ModelSpec", "Oracle", "OracleValues", "claim_cases",
           "claim_specs", "claims", "declared_domains", "model_specs", "oracle_points"]

POS = sp.Interval.open(0, sp.oo)
UNIT = sp.Interval.open(0, 1)
H = sp.Heaviside


# ============================================================================================ kernels
@dataclass(frozen=True)
class Kernel:
    """A univariate catalog kernel with its constants fixed.

    Attributes:
        name: Catalog name.
        density: The density in the catalog symbols.
        data: The catalog data symbol.
        params: Catalog parameters (in order) and their role: "real", "pos" or "unit".
        support: The support in the catalog symbols (may involve a parameter).
        fisher: The literature information, rows ``params``.
        discrete: Mass function.
        hints: x-locations where the mass is, from the catalog parameter values (floats).
        moving: Whether the support moves with a parameter.
        mean_score: E[s] in the catalog symbols (zero unless the support moves).
    """

    name: str
    density: sp.Expr
    data: sp.Symbol
    params: tuple[tuple[sp.Symbol, str], ...]
    support: sp.Set
    fisher: sp.Matrix
    discrete: bool
    hints: Callable[[Mapping[str, float]], list[float]]
    moving: bool = False
    mean_score: tuple[sp.Expr, ...] = ()

    def fixed_values(self, role: str) -> list[sp.Expr]:
        return {"real": [sp.Integer(0), sp.Integer(1), sp.Rational(-1, 2)],
                "pos": [sp.Integer(1), sp.Integer(2), sp.Rational(1, 2), sp.Rational(3, 2)],
                "unit": [sp.Rational(1, 3), sp.Rational(1, 2)]}[role]


def _scaled(center: float, scale: float, cs: Sequence[float]) -> list[float]:
    return [center + scale * c for c in cs]


SYMMETRIC = (-40, -6, -1, 0, 1, 6, 40)
HEAVY = (-1e6, -1e3, -30, -3, 0, 3, 30, 1e3, 1e6)
POSITIVE = (1e-4, 0.05, 0.5, 2, 8, 40)


def _h(name: str, v: Mapping[str, float]) -> list[float]:  # noqa: C901 - one table
    g = lambda k, d=1.0: v.get(k, d)  # noqa: E731
    if name in ("normal", "normal-mean", "normal-scale"):
        return _scaled(g("mu", 0.0), g("sigma"), SYMMETRIC)
    if name == "normal-var":
        return _scaled(g("mu", 0.0), math.sqrt(g("v")), SYMMETRIC)
    if name in ("laplace",):
        return _scaled(g("mu", 0.0), g("b"), SYMMETRIC)
    if name == "logistic":
        return _scaled(g("mu", 0.0), g("s"), SYMMETRIC)
    if name == "gumbel":
        return _scaled(g("mu", 0.0), g("beta"), (-5, -2, -1, 0, 1, 3, 8, 20, 50, 120))
    if name == "cauchy":
        return _scaled(g("x0", 0.0), g("gamma"), HEAVY)
    if name in ("student-t", "student-t3"):
        return _scaled(g("mu", 0.0), g("sigma"), HEAVY)
    if name == "exponential":
        return [c / g("lambda") for c in POSITIVE]
    if name == "exponential-scale":
        return [c * g("theta") for c in POSITIVE]
    if name == "erlang":
        return [c / g("lambda") for c in POSITIVE]
    if name == "gamma-rate":
        return [c * (g("alpha") + 1) / g("beta") for c in POSITIVE]
    if name == "gamma-scale":
        return [c * (g("k") + 1) * g("theta") for c in POSITIVE]
    if name == "gamma-shape":
        return [c * (g("alpha") + 1) for c in POSITIVE]
    if name in ("half-normal", "rayleigh"):
        return [c * g("sigma") for c in POSITIVE]
    if name == "maxwell":
        return [c * g("a") for c in POSITIVE]
    if name == "weibull":  # log X is Gumbel with scale 1/k around log λ
        return [c * g("lambda") for c in POSITIVE] + [g("lambda") * math.exp(c / g("k")) for c in (-8, -3, -1, 0, 1, 2)]
    if name == "lognormal":
        return [math.exp(g("mu", 0.0) + g("sigma") * c) for c in (-40, -12, -4, -1, 0, 1, 4, 12, 40)]
    if name == "inverse-gaussian":
        m, lam = g("mu"), g("lambda")
        return sorted({c * m for c in POSITIVE} | {c * min(m, lam) for c in POSITIVE} | {c * m * m / lam for c in POSITIVE})
    if name == "pareto":
        return [1.0 + c for c in (1e-3, 0.1, 1, 10, 100, 1e4, 1e6, 1e8)]
    if name == "shifted-exponential":
        return [g("theta", 0.0) + c / g("lambda") for c in POSITIVE]
    if name == "uniform":
        return [g("theta") / 2]
    if name == "beta":
        return [1e-6, 1e-3, 0.1, 0.5, 0.9, 1 - 1e-3, 1 - 1e-6]
    if name == "von-mises":
        mu = math.remainder(g("mu", 0.0), 2 * math.pi)
        return [mu, mu - math.pi / 2, mu + math.pi / 2, 0.0]
    return []


CONSTANTS = {"n": 4, "k": 2, "r": 3, "sigma": 1, "mu": 0, "x_m": 1, "nu": 5}
UNIVARIATE = ["bernoulli", "beta", "binomial", "cauchy", "erlang", "exponential", "exponential-scale", "gamma-rate",
              "gamma-scale", "gamma-shape", "geometric", "gumbel", "half-normal", "inverse-gaussian", "laplace",
              "logistic", "lognormal", "maxwell", "negative-binomial", "normal", "normal-mean", "normal-scale",
              "normal-var", "pareto", "poisson", "rayleigh", "shifted-exponential", "student-t", "student-t3",
              "uniform", "von-mises", "weibull"]
#: Kernels whose derivations are quick: the bases of claims (check re-derives every time).
FAST = ["bernoulli", "binomial", "erlang", "exponential", "exponential-scale", "gamma-rate", "gamma-shape",
        "geometric", "gumbel", "half-normal", "laplace", "lognormal", "maxwell", "normal", "normal-mean",
        "normal-scale", "normal-var", "pareto", "poisson", "rayleigh", "shifted-exponential", "uniform", "weibull"]


def _kernel(name: str) -> Kernel:
    fam = FAMILIES[name]
    data = fam.data
    params = tuple(fam.params)
    extra = sorted(fam.expr.free_symbols - {data} - set(params), key=str)
    const = {s: sp.Integer(CONSTANTS[s.name]) for s in extra}
    roles = []
    for p in params:
        if p in fam.domain and fam.domain[p] == UNIT:
            roles.append((p, "unit"))
        else:
            roles.append((p, "pos" if p.is_positive else "real"))
    support = fam.support.xreplace(const) if isinstance(fam.support, sp.Set) else fam.support
    moving = bool(support.free_symbols & set(params))
    mean = ()
    if name == "uniform":
        mean = (-1 / params[0],)
    elif name == "shifted-exponential":
        theta, lam = params
        mean = (lam, sp.Integer(0))
    return Kernel(name, fam.expr.xreplace(const), data, tuple(roles), support, fam.fisher.xreplace(const),
                  bool(isinstance(support, (sp.FiniteSet, sp.Range)) or support in (sp.S.Naturals0, sp.S.Naturals)),
                  lambda v, _n=name: _h(_n, v), moving, mean)


KERNELS: dict[str, Kernel] = {n: _kernel(n) for n in UNIVARIATE}


# ============================================================================================ specs
@dataclass(frozen=True)
class Component:
    """One independent factor of the truth: a smooth density on its effective support.

    Attributes:
        data: Its data symbol (a symbol of the model).
        density: The density on the effective support, in the model parameters (Piecewise allowed
            for a jump inside the support).
        support: The effective support, bounds in the model parameters.
        discrete: Mass function.
        hints: Catalog-parameter hint functions and the maps catalog parameter → model expression.
    """

    data: sp.Symbol
    density: sp.Expr
    support: sp.Set
    discrete: bool
    hints: tuple[tuple[Callable, Mapping[str, sp.Expr]], ...] = ()
    breaks: tuple[sp.Expr, ...] = ()


@dataclass(frozen=True)
class ModelSpec:
    """A generated model: the arguments of ``Model.from_pdf`` and its ground truth.

    Attributes:
        label: The grammar path that produced it.
        density, data, params, support, domain: What ``Model.from_pdf`` gets.
        validate, timeout: Its keyword arguments (``timeout`` also bounds ``derive``).
        components: The truth, one entry per independent factor.
        valid: The grammar believes the model is a valid one (normalized, parameters in range).
        moving: The effective support moves with θ.
        irregular: E[s] may differ from 0 (moving support or a jump that moves).
        reference: The exact information (literature, reparametrised), or ``None``.
        mean_reference: The exact E[s] (zero unless the support moves), or ``None``.
        true_domain: Parameter → the set where the truth holds.
        conflict: The data symbol's assumptions contradict the declared support.
    """

    label: str
    density: sp.Expr
    data: tuple[sp.Symbol, ...]
    params: tuple[sp.Symbol, ...]
    support: object
    domain: Mapping[sp.Symbol, sp.Set] | None
    validate: bool
    timeout: float
    components: tuple[Component, ...]
    valid: bool = True
    moving: bool = False
    irregular: bool = False
    reference: sp.Matrix | None = None
    mean_reference: sp.Matrix | None = None
    true_domain: Mapping[sp.Symbol, sp.Set] = field(default_factory=dict)
    conflict: bool = False

    def build(self, **overrides):
        import symfisher as sf

        kw = dict(domain=self.domain, validate=self.validate, timeout=self.timeout, name=self.label[:60])
        kw.update(overrides)
        data = self.data[0] if len(self.data) == 1 else list(self.data)
        return sf.Model.from_pdf(self.density, data, list(self.params), self.support, **kw)

    def reproducer(self) -> str:
        """Runnable Python that rebuilds the model exactly (``srepr``)."""
        data = sp.srepr(self.data[0]) if len(self.data) == 1 else "[" + ", ".join(map(sp.srepr, self.data)) + "]"
        support = (sp.srepr(self.support) if isinstance(self.support, sp.Basic) else
                   "{" + ", ".join(f"{sp.srepr(k)}: {sp.srepr(v)}" for k, v in self.support.items()) + "}")
        domain = ("None" if not self.domain else
                  "{" + ", ".join(f"{sp.srepr(k)}: {sp.srepr(v)}" for k, v in self.domain.items()) + "}")
        return ("from sympy import *; import symfisher as sf\n"
                f"m = sf.Model.from_pdf({sp.srepr(self.density)}, {data}, [{', '.join(map(sp.srepr, self.params))}], "
                f"{support}, domain={domain}, validate={self.validate}, timeout={self.timeout})\n"
                f"# label: {self.label}; density: {sp.sstr(self.density)}")

    @staticmethod
    def example() -> ModelSpec:
        t = sp.Symbol("t0", positive=True)
        x = sp.Symbol("x", positive=True)
        return _single(KERNELS["exponential"], x, [("lambda", t, t, POS)], timeout=5.0)


def _jacobian(kernel: Kernel, sub: Mapping[sp.Symbol, sp.Expr], params: Sequence[sp.Symbol]) -> sp.Matrix:
    cat = [p for p, _ in kernel.params]
    return sp.Matrix(len(cat), len(params), lambda i, j: sp.diff(sub[cat[i]], params[j]))


def _jacobian_reference(kernel: Kernel, sub: Mapping[sp.Symbol, sp.Expr], params: Sequence[sp.Symbol]) -> sp.Matrix:
    """I_new = Jᵀ I_cat(θ(t)) J with J = ∂θ/∂t."""
    J = _jacobian(kernel, sub, params)
    return sp.Matrix(J.T * kernel.fisher.xreplace(sub) * J)


def _mean_reference(kernel: Kernel, sub: Mapping[sp.Symbol, sp.Expr], params: Sequence[sp.Symbol]) -> sp.Matrix:
    """E[s] in the new parameters: Jᵀ E[s_cat] (zero for a support that does not move)."""
    if not kernel.mean_score:
        return sp.zeros(len(params), 1)
    m = sp.Matrix(len(kernel.params), 1, [e.xreplace(sub) for e in kernel.mean_score])
    return sp.Matrix(_jacobian(kernel, sub, params).T * m)


def _single(kernel: Kernel, x: sp.Symbol, chosen, timeout: float, **kw) -> ModelSpec:
    """chosen: per catalog parameter (catalog name, model expression, new symbol or None, true domain)."""
    sub = {p: e for (p, _), (_, _, e, _) in zip(kernel.params, chosen)}
    sub_x = {kernel.data: x}
    params = []
    true_domain = {}
    for _, sym, _, dom in chosen:
        if sym is not None and sym not in params:
            params.append(sym)
            true_domain[sym] = dom
    density = kernel.density.xreplace(sub).xreplace(sub_x)
    support = kernel.support.xreplace(sub)
    hint_map = {p.name: e for (p, _), (_, _, e, _) in zip(kernel.params, chosen)}
    comp = Component(x, density, support, kernel.discrete, ((kernel.hints, hint_map),))
    ref = _jacobian_reference(kernel, sub, params)
    mean_ref = _mean_reference(kernel, sub, params)
    moving = bool(support.free_symbols & set(params))
    fields_ = dict(label=f"single:{kernel.name}[" + "; ".join(
        f"{n}<-{sp.sstr(e)}" for (n, _, e, _) in chosen) + "]",
        density=density, data=(x,), params=tuple(params), support=support, domain=None, validate=True,
        timeout=timeout, components=(comp,), moving=moving, irregular=moving, reference=ref,
        mean_reference=mean_ref, true_domain=true_domain)
    fields_.update(kw)
    return ModelSpec(**fields_)


# ---------------------------------------------------------------------------------- strategies
REPARAM = {  # role → (label, θ(t), true domain of t)
    "real": [("id", lambda t: t, sp.S.Reals), ("affine", lambda t: 2 * t + 1, sp.S.Reals),
             ("affine3", lambda t: t / 3 - 2, sp.S.Reals), ("cube", lambda t: t**3, sp.S.Reals),
             ("exp", lambda t: sp.exp(t), sp.S.Reals)],
    "pos": [("id", lambda t: t, POS), ("id", lambda t: t, POS), ("exp", lambda t: sp.exp(t), sp.S.Reals),
            ("square", lambda t: t**2, POS), ("inverse", lambda t: 1 / t, POS), ("times3", lambda t: 3 * t, POS),
            ("shift", lambda t: t + 1, sp.Interval.open(-1, sp.oo)), ("sqrt", lambda t: sp.sqrt(t), POS)],
    "unit": [("id", lambda t: t, UNIT), ("logit", lambda t: 1 / (1 + sp.exp(-t)), sp.S.Reals),
             ("square", lambda t: t**2, UNIT), ("flip", lambda t: 1 - t, UNIT),
             ("half", lambda t: t / 2, sp.Interval.open(0, 2))],
}
ASSUMPTIONS = {  # true domain → assumption sets to draw from (the first ones are the right ones)
    "Reals": [{"real": True}, {"real": True}, {}, {"positive": True}, {"integer": True}],
    "pos": [{"positive": True}, {"positive": True}, {"positive": True}, {"nonnegative": True},
            {"positive": True, "integer": True}, {"real": True}, {}],
    "bounded": [{"positive": True}, {"real": True}, {}],
}


def _assumption_kind(dom: sp.Set) -> str:
    if dom == sp.S.Reals:
        return "Reals"
    if dom == POS:
        return "pos"
    return "bounded"


def domain_of(sym: sp.Symbol) -> sp.Set:
    """The set a symbol ranges over by its assumptions (as symfisher reads them)."""
    if sym.is_integer:
        return sp.S.Naturals if sym.is_positive else sp.S.Naturals0 if sym.is_nonnegative else sp.S.Integers
    if sym.is_positive:
        return POS
    if sym.is_nonnegative:
        return sp.Interval(0, sp.oo)
    if sym.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    return sp.S.Reals


def _declared_domain(sym: sp.Symbol, explicit: sp.Set | None) -> sp.Set:
    return explicit if explicit is not None else domain_of(sym)


def _covers(declared: sp.Set, true: sp.Set) -> bool:
    """Whether the declared parameter domain lies in the true one (up to its edge points)."""
    if true == sp.S.Reals:
        return True
    try:
        return bool(declared.is_subset(true.closure))
    except Exception:  # noqa: BLE001
        return False


@st.composite
def _param(draw, role: str, counter):
    """One catalog parameter: frozen to a constant, or a new symbol t through a reparametrisation."""
    label, fn, tdom = draw(st.sampled_from(REPARAM[role]))
    kind = _assumption_kind(tdom)
    assumptions = draw(st.sampled_from(ASSUMPTIONS[kind]))
    t = sp.Symbol(f"t{next(counter)}", **assumptions)
    return label, t, fn(t), tdom


@st.composite
def _instantiate(draw, kernel: Kernel, x: sp.Symbol, counter, shared: dict | None = None, min_free: int = 1):
    """chosen parameters for ``kernel``: list of (label, symbol or None, expression, true domain)."""
    n = len(kernel.params)
    free = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    if sum(free) < min_free:
        free[draw(st.integers(0, n - 1))] = True
    chosen = []
    for (p, role), keep in zip(kernel.params, free):
        if shared and role in shared and keep:
            label, t, e, dom = shared[role]
            chosen.append((label, t, e, dom))
        elif keep:
            chosen.append(draw(_param(role, counter)))
        else:
            chosen.append(("fixed", None, draw(st.sampled_from(kernel.fixed_values(role))), None))
    return chosen


def _data_symbol(kernel: Kernel, name: str, choice: int) -> tuple[sp.Symbol, bool]:
    """A data symbol with assumptions drawn by ``choice``, and whether they contradict the support."""
    s = kernel.support
    if kernel.discrete:
        opts = [dict(integer=True, nonnegative=True), dict(integer=True), dict(integer=True, nonnegative=True),
                dict(nonnegative=True, integer=True), dict(real=True)]
        return sp.Symbol(name, **opts[choice % len(opts)]), False
    if s.free_symbols:
        lo = s.inf
        if lo == 0:
            opts = [dict(positive=True), dict(real=True), dict(positive=True), dict(nonnegative=True)]
        else:
            opts = [dict(real=True), dict(real=True), dict()]
        return sp.Symbol(name, **opts[choice % len(opts)]), False
    if s.inf == 0 or s.inf == 1:
        opts = [dict(positive=True), dict(positive=True), dict(real=True), dict(nonnegative=True), dict()]
        return sp.Symbol(name, **opts[choice % len(opts)]), False
    opts = [dict(real=True), dict(real=True), dict(real=True), dict(), dict(positive=True)]
    a = opts[choice % len(opts)]
    return sp.Symbol(name, **a), a.get("positive", False)


def _finish(draw, spec: ModelSpec) -> ModelSpec:
    """Domain arguments, validate flag and validity from the parameters' assumptions.

    A parameter whose assumptions allow values outside its true domain gets ``domain=`` (the true
    domain, or integers inside it) four times in five; otherwise the model is invalid there.
    Now and then a parameter gets a narrower domain than it needs.
    """
    domain = {}
    valid = spec.valid
    for p in spec.params:
        true = spec.true_domain.get(p, sp.S.Reals)
        declared = _declared_domain(p, None)
        if not _covers(declared, true):
            if draw(st.integers(0, 4)) < 4:
                if p.is_integer:
                    ints = sp.Range(1, 7) if true.inf.is_finite and true.inf >= -1 else sp.Range(-3, 4)
                    domain[p] = sp.FiniteSet(*[v for v in ints if v in true]) or sp.FiniteSet(1)
                else:
                    domain[p] = true
        elif draw(st.integers(0, 19)) == 0 and not p.is_integer and true in (POS, sp.S.Reals):
            domain[p] = sp.Interval(sp.Rational(1, 2), 4)
        if not _covers(domain.get(p, declared), true):
            valid = False
    validate = draw(st.integers(0, 9)) < 8
    return ModelSpec(**{**spec.__dict__, "domain": domain or None, "valid": valid, "validate": validate})


def _timeout(draw, heavy: bool = False) -> float:
    return float(draw(st.sampled_from([1, 2, 2, 3] if heavy else [1, 2, 3, 3, 5, 5, 8])))


@st.composite
def single_specs(draw, names: Sequence[str] = tuple(UNIVARIATE), timeout: float | None = None):
    kernel = KERNELS[draw(st.sampled_from(list(names)))]
    counter = iter(range(100))
    x, conflict = _data_symbol(kernel, "x", draw(st.integers(0, 9)))
    chosen = draw(_instantiate(kernel, x, counter))
    chosen = [(lbl, sym, e, dom) for lbl, sym, e, dom in chosen]
    spec = _single(kernel, x, chosen, timeout or _timeout(draw), conflict=conflict)
    return _finish(draw, spec)


MIX_GROUPS = {  # kernels on the same support whose parameters of one role can be shared
    "pos-scale": (["exponential-scale", "half-normal", "rayleigh", "maxwell", "gamma-scale", "weibull"], "pos"),
    "pos-rate": (["exponential", "erlang", "gamma-rate"], "pos"),
    "loc": (["normal", "normal-mean", "laplace", "logistic", "cauchy", "gumbel", "student-t3"], "real"),
    "count": (["poisson", "geometric", "negative-binomial"], None),
}


@st.composite
def mixture_specs(draw):
    group, (names, role) = draw(st.sampled_from(sorted(MIX_GROUPS.items())))
    a = KERNELS[draw(st.sampled_from(names))]
    b = KERNELS[draw(st.sampled_from([n for n in names if n != a.name]))]
    counter = iter(range(100))
    x, _ = _data_symbol(a, "x", draw(st.integers(0, 3)))
    ca = draw(_instantiate(a, x, counter))
    shared = {}
    for (p, r), c in zip(a.params, ca):
        if c[1] is not None and r not in shared:
            shared[r] = c
    cb = draw(_instantiate(b, x, counter, shared=shared))
    w = draw(st.sampled_from([sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(1, 4)]))
    sa = _single(a, x, ca, 1.0)
    sb = _single(b, x, cb, 1.0)
    params = tuple(dict.fromkeys((*sa.params, *sb.params)))
    density = w * sa.density + (1 - w) * sb.density
    comp = Component(x, density, sa.support, a.discrete, sa.components[0].hints + sb.components[0].hints)
    spec = ModelSpec(f"mixture:{w}*{sa.label[7:]}+{sb.label[7:]}", density, (x,), params, sa.support, None, True,
                     _timeout(draw, heavy=True), (comp,), reference=None,
                     true_domain={**sa.true_domain, **sb.true_domain})
    return _finish(draw, spec)


@st.composite
def product_specs(draw, names: Sequence[str] = tuple(UNIVARIATE), timeout: float | None = None):
    a = KERNELS[draw(st.sampled_from(list(names)))]
    b = KERNELS[draw(st.sampled_from(list(names)))]
    counter = iter(range(100))
    x, _ = _data_symbol(a, "x", draw(st.integers(0, 2)))
    y, _ = _data_symbol(b, "y", draw(st.integers(0, 2)))
    ca = draw(_instantiate(a, x, counter))
    shared = None
    if draw(st.booleans()):
        shared = {}
        for (p, r), c in zip(a.params, ca):
            if c[1] is not None and r not in shared:
                shared[r] = c
    cb = draw(_instantiate(b, y, counter, shared=shared))
    sa, sb = _single(a, x, ca, 1.0), _single(b, y, cb, 1.0)
    params = tuple(dict.fromkeys((*sa.params, *sb.params)))
    # independent factors: E[s sᵀ] = I_a + I_b + m_a m_bᵀ + m_b m_aᵀ (m = E[s], zero unless a support moves)
    ref, mean = sp.zeros(len(params)), sp.zeros(len(params), 1)
    means = []
    for s_ in (sa, sb):
        idx = [params.index(p) for p in s_.params]
        m = sp.zeros(len(params), 1)
        for i, pi in enumerate(idx):
            m[pi] = s_.mean_reference[i]
            for j, pj in enumerate(idx):
                ref[pi, pj] += s_.reference[i, j]
        means.append(m)
        mean += m
    ref = ref + means[0] * means[1].T + means[1] * means[0].T
    spec = ModelSpec(f"product:{sa.label[7:]}*{sb.label[7:]}", sa.density * sb.density, (x, y), params,
                     {x: sa.support, y: sb.support}, None, True, timeout or _timeout(draw),
                     (sa.components[0], sb.components[0]), moving=sa.moving or sb.moving,
                     irregular=sa.irregular or sb.irregular, reference=ref, mean_reference=mean,
                     true_domain={**sa.true_domain, **sb.true_domain})
    return _finish(draw, spec)


# ---------------------------------------------------------------------------- indicator supports
def _upper(form: str, x, th, g):
    """g·1{x < θ} written as ``form``."""
    return {
        "heaviside": lambda: g * H(th - x),
        "piecewise": lambda: sp.Piecewise((g, x < th), (0, True)),
        "sign": lambda: g * (1 + sp.sign(th - x)) / 2,
        "max-sign": lambda: g * sp.Max(0, sp.sign(th - x)),
        "min-heaviside": lambda: g * sp.Min(1, H(th - x)),
        "heaviside-ratio": lambda: g * H(1 - x / th),
        "heaviside-square": lambda: g * H(th**2 - x**2),
        "piecewise-le": lambda: sp.Piecewise((g, x <= th), (0, True)),
    }[form]()


def _lower(form: str, x, th, g):
    """g·1{x > θ} written as ``form``."""
    return {
        "heaviside": lambda: g * H(x - th),
        "piecewise": lambda: sp.Piecewise((g, x > th), (0, True)),
        "sign": lambda: g * (1 + sp.sign(x - th)) / 2,
        "max-sign": lambda: g * sp.Max(0, sp.sign(x - th)),
        "min-heaviside": lambda: g * sp.Min(1, H(x - th)),
        "heaviside-ratio": lambda: g * H(x - th),
        "heaviside-square": lambda: g * H(x - th),
        "piecewise-le": lambda: sp.Piecewise((g, x >= th), (0, True)),
    }[form]()


UPPER_FORMS = ["heaviside", "piecewise", "sign", "max-sign", "min-heaviside", "heaviside-ratio", "heaviside-square",
               "piecewise-le"]


@st.composite
def indicator_specs(draw):
    """Supports written in the density, moving with θ or not."""
    shape = draw(st.sampled_from(["uniform", "uniform", "uniform-reals", "shifted-exp", "truncated-exp",
                                  "fixed-heaviside", "fixed-piecewise", "laplace-max", "laplace-piecewise",
                                  "jump-mixture"]))
    form = draw(st.sampled_from(UPPER_FORMS))
    counter = iter(range(100))
    uniform = KERNELS["uniform"]
    if shape in ("uniform", "uniform-reals", "truncated-exp", "jump-mixture"):
        label, t, th, tdom = draw(_param("pos", counter))
        if shape == "uniform-reals":
            x = sp.Symbol("x", real=True)
            declared = sp.S.Reals
            density = _upper(form, x, th, 1 / th) * H(x)
        else:
            x = sp.Symbol("x", **draw(st.sampled_from([dict(positive=True), dict(real=True)])))
            declared = POS
            density = _upper(form, x, th, 1 / th) if shape == "uniform" else None
        if shape in ("uniform", "uniform-reals"):
            comp = Component(x, 1 / th, sp.Interval.open(0, th), False, ((KERNELS["uniform"].hints, {"theta": th}),))
            ref = _jacobian_reference(uniform, {uniform.params[0][0]: th}, [t])
            mean = _mean_reference(uniform, {uniform.params[0][0]: th}, [t])
            spec = ModelSpec(f"indicator:{shape}:{form}[theta<-{sp.sstr(th)}]", density, (x,), (t,), declared, None,
                             True, _timeout(draw), (comp,), moving=True, irregular=True, reference=ref,
                             mean_reference=mean, true_domain={t: tdom})
        elif shape == "truncated-exp":
            g = sp.exp(-x) / (1 - sp.exp(-th))
            density = _upper(form, x, th, g)
            comp = Component(x, g, sp.Interval.open(0, th), False, ((lambda v: [v["theta"] / 2], {"theta": th}),))
            ref = sp.Matrix([[sp.diff(th, t) ** 2 / (sp.exp(th) - 1) ** 2]])  # s = −θ'/(e^θ − 1), a constant
            mean = sp.Matrix([[-sp.diff(th, t) / (sp.exp(th) - 1)]])
            spec = ModelSpec(f"indicator:truncated-exp:{form}[theta<-{sp.sstr(th)}]", density, (x,), (t,), declared,
                             None, True, _timeout(draw), (comp,), moving=True, irregular=True, reference=ref,
                             mean_reference=mean, true_domain={t: tdom})
        else:  # jump-mixture: ½ Uniform(0, θ) + ½ Exponential(rate θ), support (0, ∞) fixed
            w = sp.Rational(1, 2)
            density = w * _upper(form, x, th, 1 / th) + (1 - w) * th * sp.exp(-th * x)
            truth = sp.Piecewise((w / th + (1 - w) * th * sp.exp(-th * x), x < th), ((1 - w) * th * sp.exp(-th * x), True))
            comp = Component(x, truth, POS, False, ((KERNELS["exponential"].hints, {"lambda": th}),), breaks=(th,))
            spec = ModelSpec(f"indicator:jump-mixture:{form}[theta<-{sp.sstr(th)}]", density, (x,), (t,), POS, None,
                             True, _timeout(draw, heavy=True), (comp,), moving=False, irregular=True, reference=None,
                             true_domain={t: tdom})
        return _finish(draw, spec)
    if shape == "shifted-exp":
        se = KERNELS["shifted-exponential"]
        x = sp.Symbol("x", **draw(st.sampled_from([dict(real=True), dict()])))
        chosen = draw(_instantiate(se, x, counter))
        base = _single(se, x, chosen, 1.0)
        th = chosen[0][2]
        lam = chosen[1][2]
        g = lam * sp.exp(-lam * (x - th))
        density = _lower(form, x, th, g)
        spec = ModelSpec(f"indicator:shifted-exp:{form}{base.label[6:]}", density, (x,), base.params, sp.S.Reals, None,
                         True, _timeout(draw), base.components, moving=bool(chosen[0][1] is not None), irregular=True,
                         reference=base.reference, mean_reference=base.mean_reference, true_domain=base.true_domain)
        if chosen[0][1] is None:  # the shift is a constant: the support does not move
            spec = ModelSpec(**{**spec.__dict__, "moving": False, "irregular": False})
        return _finish(draw, spec)
    if shape in ("fixed-heaviside", "fixed-piecewise"):
        kernel = KERNELS[draw(st.sampled_from(["exponential", "half-normal", "rayleigh", "gamma-rate", "weibull"]))]
        x = sp.Symbol("x", real=True)
        chosen = draw(_instantiate(kernel, x, counter))
        base = _single(kernel, x, chosen, 1.0)
        g = base.density
        density = g * H(x) if shape == "fixed-heaviside" else sp.Piecewise((g, x > 0), (0, True))
        comp = Component(x, g, POS, False, base.components[0].hints)
        spec = ModelSpec(f"indicator:{shape}{base.label[6:]}", density, (x,), base.params, sp.S.Reals, None, True,
                         _timeout(draw), (comp,), reference=base.reference, mean_reference=base.mean_reference,
                         true_domain=base.true_domain)
        return _finish(draw, spec)
    # Laplace written with Max or Piecewise: support ℝ, fixed; a kink at μ
    lap = KERNELS["laplace"]
    x = sp.Symbol("x", real=True)
    chosen = draw(_instantiate(lap, x, counter))
    base = _single(lap, x, chosen, 1.0)
    mu, b = chosen[0][2], chosen[1][2]
    if shape == "laplace-max":
        density = sp.exp(-sp.Max(x - mu, mu - x) / b) / (2 * b)
    else:
        density = sp.Piecewise((sp.exp(-(x - mu) / b) / (2 * b), x > mu), (sp.exp((x - mu) / b) / (2 * b), True))
    spec = ModelSpec(f"indicator:{shape}{base.label[6:]}", density, (x,), base.params, sp.S.Reals, None, True,
                     _timeout(draw), base.components, reference=base.reference, mean_reference=base.mean_reference,
                     true_domain=base.true_domain)
    return _finish(draw, spec)


@st.composite
def broken_specs(draw):
    """Invalid on purpose: unnormalized, or a wrong support. The right answer is a ModelError."""
    spec = draw(single_specs())
    how = draw(st.sampled_from(["times2", "times-param", "wrong-support"]))
    if how == "times2":
        density, support = 2 * spec.density, spec.support
    elif how == "times-param":
        p = spec.params[0]
        density, support = spec.density * (2 + sp.sin(p)) / 2, spec.support
    else:
        s = spec.support
        if spec.components[0].discrete:
            support = sp.S.Naturals if s == sp.S.Naturals0 else sp.S.Naturals0
        else:
            support = sp.S.Reals if s != sp.S.Reals else POS
        density = spec.density
    return ModelSpec(**{**spec.__dict__, "label": f"broken:{how}:{spec.label}", "density": density,
                        "support": support, "valid": False, "validate": True})


def model_specs():
    """Every kind of generated model, weighted."""
    return st.one_of(single_specs(), single_specs(), single_specs(), mixture_specs(), product_specs(),
                     indicator_specs(), indicator_specs(), broken_specs())


def claim_specs():
    """Base models for claims: quick kernels, their products and the moving-support forms."""
    return st.one_of(single_specs(FAST, timeout=6.0), single_specs(FAST, timeout=6.0),
                     product_specs(["normal-mean", "exponential", "poisson", "bernoulli", "uniform", "rayleigh"],
                                   timeout=6.0),
                     indicator_specs().filter(lambda s: s.reference is not None))


# ============================================================================================ oracle
@dataclass(frozen=True)
class OracleValues:
    """E[s], E[s sᵀ] and −E[H] at one point (mpf), and the normalization of each factor."""

    mean: tuple
    fisher: tuple  # k×k row-major
    neg_hessian: tuple
    mass: tuple
    k: int

    def entry(self, which: str, i: int, j: int = 0):
        if which == "mean":
            return self.mean[i]
        m = self.fisher if which == "fisher" else self.neg_hessian
        return m[i * self.k + j]

    def scale(self, i: int, j: int) -> mpmath.mpf:
        """sqrt(I_ii I_jj): the size an entry (i, j) is measured against."""
        return mpmath.sqrt(abs(self.fisher[i * self.k + i] * self.fisher[j * self.k + j]))


class OracleFailure(Exception):
    """The oracle could not evaluate reliably at this point."""


DPS = 20


EXP_FLOOR = -10**6  # exp(z) below this is taken as 0: exp(−exp(10³⁰)) would never finish in mpmath


def _safe_exp(z):
    if isinstance(z, mpmath.mpf) and z < EXP_FLOOR:
        return mpmath.mpf(0)
    return mpmath.exp(z)


def _lambdify(args, exprs):
    fresh = [sp.Dummy(f"a{i}") for i in range(len(args))]
    rep = dict(zip(args, fresh))
    return sp.lambdify(fresh, [sp.sympify(e).xreplace(rep) for e in exprs], modules=[{"exp": _safe_exp}, "mpmath"])


class Oracle:
    """mpmath expectations for a :class:`ModelSpec`, independent of symfisher.

    The derivatives ∂g/∂θ_i and ∂²g/∂θ_i∂θ_j of each factor's density are taken symbolically once;
    at a point they are evaluated to ``DPS`` + 10 digits in everything but the data, then integrated
    (summed) as g, ∂_i g, ∂_i g ∂_j g / g and −∂²_ij g + ∂_i g ∂_j g / g.
    """

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self.params = spec.params
        self._exprs = []
        self._unknown: set[int] = set()
        for comp in spec.components:
            g = comp.density
            dg = [sp.diff(g, p) for p in self.params]
            d2g = [sp.diff(g, p, q) for p in self.params for q in self.params]
            # a DiracDelta in ∂²g (|x − μ| differentiated twice) is a point mass quadrature cannot see:
            # that entry of −E[H] is left unknown (None)
            self._unknown |= {i for i, e in enumerate(d2g) if e.has(sp.DiracDelta)}
            d2g = [sp.Integer(0) if e.has(sp.DiracDelta) else e for e in d2g]
            self._exprs.append([g, *dg, *d2g])
        self._cache: dict = {}

    def at(self, point: Mapping[sp.Symbol, sp.Expr]) -> OracleValues:
        key = tuple(sorted((str(k), str(v)) for k, v in point.items()))
        if key in self._cache:
            if isinstance(self._cache[key], OracleFailure):
                raise self._cache[key]
            return self._cache[key]
        try:
            out = self._at(point)
        except OracleFailure as exc:
            self._cache[key] = exc
            raise
        except (ZeroDivisionError, ValueError, TypeError, OverflowError, ArithmeticError, RecursionError) as exc:
            self._cache[key] = OracleFailure(f"{type(exc).__name__}: {str(exc)[:80]}")
            raise self._cache[key] from None
        self._cache[key] = out
        return out

    def _at(self, point) -> OracleValues:
        k = len(self.params)
        with mpmath.workdps(DPS):
            total_f = [mpmath.mpf(0)] * (k * k)
            total_h = [mpmath.mpf(0)] * (k * k)
            means, masses = [], []
            for comp, exprs in zip(self.spec.components, self._exprs):
                m, f, h, mass = self._component(comp, exprs, point)
                means.append(m)
                masses.append(mass)
                total_f = [a + b for a, b in zip(total_f, f)]
                total_h = [a + b for a, b in zip(total_h, h)]
            mean = [sum(m[i] for m in means) for i in range(k)]
            for c, mc in enumerate(means):  # independent factors: E[s_c s_dᵀ] = E[s_c] E[s_d]ᵀ
                for d, md in enumerate(means):
                    if c != d:
                        total_f = [total_f[i * k + j] + mc[i] * md[j] for i in range(k) for j in range(k)]
            total_h = [None if i in self._unknown else v for i, v in enumerate(total_h)]
            return OracleValues(tuple(mean), tuple(total_f), tuple(total_h), tuple(masses), k)

    def _component(self, comp: Component, exprs, point):
        k = len(self.params)
        sub = {p: sp.Rational(point[p]) for p in self.params}
        support = comp.support.xreplace(sub)
        # Floats, not Rationals: a Rational to a Rational power makes SymPy factor huge integers
        fsub = {p: sp.Float(v, DPS + 15) for p, v in sub.items()}
        numeric = [sp.sympify(e).xreplace(fsub).evalf(DPS + 10) for e in exprs]
        if any(e.has(sp.nan, sp.zoo, sp.I) for e in numeric):
            raise OracleFailure(f"the density is not a real number at {point}")
        fn = _lambdify([comp.data], numeric)
        n = 1 + k + 2 * k * k

        def integrands(xv):
            vals = fn(xv)
            g = vals[0]
            dg = vals[1:1 + k]
            d2g = vals[1 + k:]
            if g == 0:
                return [mpmath.mpf(0)] * n
            out = [g, *dg]
            out += [dg[i] * dg[j] / g for i in range(k) for j in range(k)]
            out += [-d2g[i * k + j] + dg[i] * dg[j] / g for i in range(k) for j in range(k)]
            return out

        if comp.discrete:
            vals = _sum(integrands, support, n)
        else:
            vals = _integrate(integrands, support, self._breaks(comp, sub), n, k)
        for v in vals:
            if isinstance(v, mpmath.mpc) or not mpmath.isfinite(v):
                raise OracleFailure(f"non-finite or complex expectation at {point}")
        mass = vals[0]
        if abs(mass - 1) > 1e-8:
            raise OracleFailure(f"the factor in {comp.data} has mass {mpmath.nstr(mass, 12)} at {point}")
        mean = vals[1:1 + k]
        f = vals[1 + k:1 + k + k * k]
        h = vals[1 + k + k * k:]
        return mean, f, h, mass

    def _breaks(self, comp: Component, sub) -> list:
        out = []
        for hint, mapping in comp.hints:
            values = {}
            for name, expr in mapping.items():
                try:
                    values[name] = float(sp.sympify(expr).xreplace(sub))
                except (TypeError, ValueError, OverflowError):
                    pass
            try:
                out += [v for v in hint(values) if math.isfinite(v)]
            except (ValueError, OverflowError, ZeroDivisionError):
                pass
        for b in comp.breaks:
            out.append(float(b.xreplace(sub)))
        return out


class ExactTruth:
    """The truth from the exact references (literature information, reparametrised; E[s]) at 40 digits.

    Only for regular specs (support fixed, no jump): there −E[H] = E[s sᵀ]. Cheaper than quadrature, and
    as independent of symfisher; :class:`Oracle` cross-checks it on a sample of models.
    """

    def __init__(self, spec: ModelSpec):
        if not self.applies(spec):
            raise ValueError("no exact reference for this spec")
        self.spec = spec

    @staticmethod
    def applies(spec: ModelSpec) -> bool:
        return spec.reference is not None and spec.mean_reference is not None and not spec.irregular

    def at(self, point: Mapping[sp.Symbol, sp.Expr]) -> OracleValues:
        k = len(self.spec.params)
        fisher = mp_values(list(self.spec.reference), point, dps=40)
        mean = mp_values(list(self.spec.mean_reference), point, dps=40)
        if any(v is None or mpmath.isinf(v) for v in (*fisher, *mean)):
            raise OracleFailure(f"the reference is not a finite number at {point}")
        return OracleValues(tuple(mean), tuple(fisher), tuple(fisher), (mpmath.mpf(1),), k)


def _integrate(integrands, support: sp.Set, breaks: list, n: int, k: int) -> list:
    if not isinstance(support, sp.Interval) and support != sp.S.Reals:
        raise OracleFailure(f"cannot integrate over {support}")
    lo, hi = support.inf, support.sup
    lo_m = -mpmath.inf if lo == -sp.oo else mpmath.mpf(str(sp.N(lo, DPS + 5)))
    hi_m = mpmath.inf if hi == sp.oo else mpmath.mpf(str(sp.N(hi, DPS + 5)))
    if not lo_m < hi_m:
        raise OracleFailure(f"empty support {support}")
    inner = sorted({mpmath.mpf(b) for b in breaks if lo_m < b < hi_m})
    pts = [lo_m]
    for b in inner:  # drop break points closer together than 10⁻⁶ relative: they only cost evaluations
        if mpmath.isinf(pts[-1]) or abs(b - pts[-1]) > 1e-6 * (abs(b) + abs(pts[-1])):
            pts.append(b)
    if len(pts) > 1 and not mpmath.isinf(hi_m) and abs(hi_m - pts[-1]) <= 1e-6 * (abs(hi_m) + abs(pts[-1])):
        pts.pop()
    pts.append(hi_m)
    memo: dict = {}

    def vec(xv):
        if xv not in memo:
            memo[xv] = integrands(xv)
        return memo[xv]

    out = []
    for idx in range(n):
        out.append(mpmath.quad(lambda xv: vec(xv)[idx], pts, error=True, maxdegree=7))
    vals = [v for v, _ in out]
    diag = [abs(vals[1 + k + i * k + i]) for i in range(k)]
    for idx, (v, e) in enumerate(out):
        if idx == 0:
            scale = 1
        elif idx <= k:
            scale = mpmath.sqrt(diag[idx - 1])
        else:
            i, j = divmod((idx - 1 - k) % (k * k), k)
            scale = mpmath.sqrt(diag[i] * diag[j])
        if e > 1e-10 * (abs(v) + scale):
            raise OracleFailure(f"quadrature error {mpmath.nstr(e, 3)} on a value {mpmath.nstr(v, 6)}")
    return vals


def _sum(integrands, support: sp.Set, n: int) -> list:
    if isinstance(support, sp.FiniteSet):
        values = [int(v) for v in support.args]
    elif isinstance(support, sp.Range) and support.size.is_finite:
        values = list(range(int(support.inf), int(support.sup) + 1))
    elif support in (sp.S.Naturals0, sp.S.Naturals):
        values = None
    else:
        raise OracleFailure(f"cannot sum over {support}")
    total = [mpmath.mpf(0)] * n
    if values is not None:
        for v in values:
            total = [a + b for a, b in zip(total, integrands(mpmath.mpf(v)))]
        return total
    start = 0 if support == sp.S.Naturals0 else 1
    small = 0
    for v in range(start, start + 60_000):
        terms = integrands(mpmath.mpf(v))
        total = [a + b for a, b in zip(total, terms)]
        big = max(abs(t) for t in total)
        if max(abs(t) for t in terms) < mpmath.mpf(10) ** -(DPS + 2) * (big + 1e-300) and v > start + 5:
            small += 1
            if small > 20:
                return total
        else:
            small = 0
    raise OracleFailure("the sum did not converge within 60000 terms")


def oracle_points(spec: ModelSpec, declared: Mapping[sp.Symbol, sp.Set], count: int, seed: int,
                  valid: Callable | None = None) -> list[dict]:
    """``count`` parameter points inside both the declared and the true domains: ordinary ones first,
    then (every third) one near an edge or moderately far out; values off every decimal grid."""
    rng = random.Random(seed)
    out = []
    for attempt in range(count * 40):
        if len(out) == count:
            break
        mode = 0 if len(out) % 3 != 2 else 1
        point = {}
        for p in spec.params:
            dom = declared.get(p, sp.S.Reals)
            true = spec.true_domain.get(p, sp.S.Reals)
            point[p] = _draw(dom, true, rng, mode, bool(p.is_integer))
            if point[p] is None:
                break
        else:
            if valid is None or valid(point):
                out.append(point)
    return out


def _draw(dom: sp.Set, true: sp.Set, rng: random.Random, mode: int, integer: bool):
    for _ in range(30):
        if integer:
            v = sp.Integer(rng.choice([1, 2, 3, 4, 5, -1, -2, 0, 7]))
        else:
            lo = max(_f(dom.inf), _f(true.inf))
            hi = min(_f(dom.sup), _f(true.sup))
            if math.isinf(lo) and math.isinf(hi):
                mag = rng.uniform(0.1, 2.5) if mode == 0 else rng.uniform(4, 12)
                v = rng.choice((-1, 1)) * mag
            elif math.isinf(hi):
                v = lo + (rng.uniform(0.2, 3.0) if mode == 0 else rng.choice([rng.uniform(0.01, 0.1),
                                                                                rng.uniform(8, 40)]))
            elif math.isinf(lo):
                v = hi - (rng.uniform(0.2, 3.0) if mode == 0 else rng.uniform(8, 40))
            else:
                u = rng.uniform(0.15, 0.85) if mode == 0 else rng.choice([rng.uniform(0.02, 0.08),
                                                                          rng.uniform(0.92, 0.98)])
                v = lo + (hi - lo) * u
            v = sp.Rational(round(v * 9973), 9973)
        if v in dom and v in true:
            return v
    return None


def _f(v) -> float:
    try:
        return float(v)
    except TypeError:
        return math.nan


def mp_values(exprs: Sequence[sp.Expr], point: Mapping[sp.Symbol, sp.Expr], dps: int = DPS):
    """Entries evaluated at ``point`` with mpmath at ``dps`` digits (None where that fails)."""
    syms = tuple(sorted(point, key=str))
    out = []
    with mpmath.workdps(dps):
        args = [mpmath.mpf(sp.Rational(point[s]).p) / sp.Rational(point[s]).q for s in syms]
        for e in exprs:
            try:
                v = _entry_fn(sp.sympify(e), syms)(*args)
                if isinstance(v, mpmath.mpc):
                    v = v.real if abs(v.imag) <= mpmath.mpf(10) ** (-dps + 5) * (1 + abs(v)) else None
                elif not isinstance(v, mpmath.mpf):
                    v = mpmath.mpf(v)
                out.append(v if v is None or not mpmath.isnan(v) else None)
            except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError, NameError,
                    AttributeError):
                out.append(None)
    return out


_FNS: dict = {}


def _entry_fn(expr: sp.Expr, syms: tuple):
    key = (expr, syms)
    if key not in _FNS:
        if len(_FNS) > 20_000:
            _FNS.clear()
        try:
            _FNS[key] = _lambdify(list(syms), [expr])
        except Exception as exc:  # noqa: BLE001 - not printable for mpmath (zoo ...): no value
            raise ValueError(f"cannot evaluate {expr}: {exc}") from None
        fn = _FNS[key]
        _FNS[key] = lambda *a, _fn=fn: _fn(*a)[0]
    return _FNS[key]


# ============================================================================================ claims
@dataclass(frozen=True)
class Claim:
    """A claimed Fisher matrix: ``equivalent`` to the reference, or wrong at ``witness``."""

    kind: str
    matrix: sp.Matrix
    equivalent: bool
    witness: dict | None = None


def _anchor(dom: sp.Set, rng_choice) -> tuple[sp.Expr, sp.Expr | None]:
    """(a, a point beyond a), both inside ``dom``: a perturbation wrong for θ > a is shown wrong at the second."""
    integer = isinstance(dom, (sp.Range, sp.FiniteSet)) or dom in (sp.S.Naturals, sp.S.Naturals0, sp.S.Integers)
    if integer:
        cands = [v for v in (1, 2, 3) if sp.Integer(v) in dom and sp.Integer(v + 1) in dom]
        a = sp.Integer(rng_choice(cands)) if cands else sp.Integer(1)
        return a, a + 1 if a + 1 in dom else None
    cands = [sp.Rational(1, 3), sp.Rational(1, 2), sp.Integer(2), sp.Integer(3), sp.Integer(10), sp.Integer(-1),
             sp.Integer(0), sp.Integer(1)]
    pairs = []
    for a in cands:
        beyond = (a + 1) / 2 - sp.Rational(1, 997) if dom.sup == 1 else a * 2 + 1 + sp.Rational(3, 997) \
            if a > 0 else a + 1 + sp.Rational(3, 997)
        if a in dom and beyond in dom and a not in (dom.inf, dom.sup):
            pairs.append((a, beyond))
    if not pairs:
        mid = (dom.inf + dom.sup) / 2 if dom.inf.is_finite and dom.sup.is_finite else dom.inf + 1
        return mid, None
    return rng_choice(pairs)


def _rewrite_polygamma(e: sp.Expr) -> sp.Expr:
    return e.replace(lambda u: isinstance(u, sp.polygamma) and u.args[0] == 1,
                     lambda u: sp.polygamma(1, u.args[1] + 1) + 1 / u.args[1] ** 2)


def _rewrite_euler(e: sp.Expr) -> sp.Expr:
    return e.xreplace({sp.EulerGamma: -sp.polygamma(0, 1)})


WRONG_KINDS = ["factor-2", "factor-half", "factor-minus", "factor-zero", "factor-1e-9", "factor-1e-6", "factor-1e6",
               "matrix-factor", "plus-1e-9", "plus-1e-20", "plus-1e-40", "rel-1e-12", "max-kink", "max-kink-1e-6",
               "piecewise-step", "heaviside-step", "sign-step", "floor-step", "ceiling-floor", "sin-fast",
               "sin-slow-integers", "frozen-theta", "power-1e-9", "rounded-constants", "offdiag-add",
               "offdiag-asymmetric", "offdiag-negate", "swap-diagonal", "plus-reciprocal-far", "plus-small-far"]
EQUIVALENT_KINDS = ["identity", "expand", "factor", "together", "rewrite-gamma", "rewrite-exp", "trig-one",
                    "square-cancel", "polygamma-recurrence", "euler-digamma", "piecewise-equal", "gamma-ratio",
                    "float-one", "max-one", "matrix-transpose", "abs-diagonal", "heaviside-sum"]


@st.composite
def claims(draw, reference: sp.Matrix, params: Sequence[sp.Symbol], true_domain: Mapping[sp.Symbol, sp.Set],
           declared: Mapping[sp.Symbol, sp.Set], salt: int = 0):
    """A claim built from ``reference``: a wrong perturbation (with a witness point) or an equivalent form.

    The choices come from a ``random.Random`` seeded by one Hypothesis integer and ``salt`` (the base
    model): drawn after a large base model, Hypothesis's own choices lean heavily on the first option.
    """
    rng = random.Random(draw(st.integers(0, 2**32 - 1)) ^ salt)
    k = reference.rows
    I = sp.Matrix(reference)
    wrong = rng.random() < 0.6
    j = rng.randrange(len(params))
    th = params[j]
    dom = declared.get(th, sp.S.Reals).intersect(true_domain.get(th, sp.S.Reals))
    choice = rng.choice
    a, beyond = _anchor(dom, choice)
    i = rng.randrange(k)
    e = I[i, i]

    def with_entry(new, r=i, c=i):
        M = sp.Matrix(I)
        M[r, c] = new
        return M

    witness = {th: beyond}
    if wrong:
        kind = rng.choice(WRONG_KINDS)
        c1e9 = sp.Rational(10**9 + 1, 10**9)
        table = {
            "factor-2": lambda: with_entry(2 * e), "factor-half": lambda: with_entry(e / 2),
            "factor-minus": lambda: with_entry(-e), "factor-zero": lambda: with_entry(0 * e + 0),
            "factor-1e-9": lambda: with_entry(c1e9 * e), "factor-1e-6": lambda: with_entry((1 - sp.Rational(1, 10**6)) * e),
            "factor-1e6": lambda: with_entry(10**6 * e), "matrix-factor": lambda: I * sp.Rational(3, 2),
            "plus-1e-9": lambda: with_entry(e + sp.Rational(1, 10**9)),
            "plus-1e-20": lambda: with_entry(e + sp.Rational(1, 10**20)),
            "plus-1e-40": lambda: with_entry(e + sp.Rational(1, 10**40)),
            "rel-1e-12": lambda: with_entry(e * (1 + (th - a) ** 2 / 10**12)),
            "max-kink": lambda: with_entry(e + sp.Max(0, th - a)),
            "max-kink-1e-6": lambda: with_entry(e + sp.Max(0, th - a) / 10**6),
            "piecewise-step": lambda: with_entry(sp.Piecewise((e, th < a), (2 * e, True))),
            "heaviside-step": lambda: with_entry(e * (1 + H(th - a))),
            "sign-step": lambda: with_entry(e * (1 + (1 + sp.sign(th - a)) / 2)),
            "floor-step": lambda: with_entry(e * (1 + sp.floor((th - a) / (beyond - a)) ** 2)),
            "ceiling-floor": lambda: with_entry(e * (1 - sp.ceiling(th) + sp.floor(th))),
            "sin-fast": lambda: with_entry(e * (1 + sp.sin(1000 * sp.pi * th) ** 2)),
            "sin-slow-integers": lambda: with_entry(e * (1 + sp.sin(sp.pi * th) ** 2)),
            "frozen-theta": lambda: with_entry(e.xreplace({th: a})),
            "power-1e-9": lambda: with_entry(e * (th**2 + 1) ** sp.Rational(1, 10**9)),
            "rounded-constants": lambda: I.applyfunc(lambda u: u.evalf(15)),
            "offdiag-add": lambda: _sym_add(I, sp.Max(0, th - a) + sp.Rational(1, 10**12)),
            "offdiag-asymmetric": lambda: _asym_add(I, 1 / (th**2 + 1)),
            "offdiag-negate": lambda: _negate_off(I),
            "swap-diagonal": lambda: _swap(I),
            "plus-reciprocal-far": lambda: with_entry(e + e / 10**8 * (th - a) ** 2),
            # a constant 10⁻³·I(far): negligible next to I(θ) for ordinary θ when I decays, 10⁻³ relative at far
            "plus-small-far": lambda: with_entry(e + e.xreplace({th: far}) / 10**3) if far is not None else None,
        }
        far = next((v for v in (sp.Integer(10**6), sp.Integer(10**3), sp.Integer(-10**3)) if v in dom), None)
        if kind == "ceiling-floor":
            witness = {th: _integer_in(dom, a)}
        elif kind == "plus-small-far":
            witness = {th: far}
        elif kind == "sin-fast":
            witness = {th: a + sp.Rational(1, 2000)}
        elif kind == "sin-slow-integers":
            witness = {th: a + sp.Rational(1, 2)}
        elif kind in ("frozen-theta", "power-1e-9", "rounded-constants", "offdiag-asymmetric", "offdiag-negate",
                      "swap-diagonal", "factor-2", "factor-half", "factor-minus", "factor-zero", "factor-1e-9",
                      "factor-1e-6", "factor-1e6", "matrix-factor", "plus-1e-9", "plus-1e-20", "plus-1e-40"):
            witness = {th: beyond}
        M = table[kind]()
        if M is None or witness[th] is None:
            M, kind = with_entry(3 * e), "factor-3"
            witness = {th: beyond}
        return Claim(kind, M, False, witness)
    kind = rng.choice(EQUIVALENT_KINDS)
    real = dom.is_subset(sp.S.Reals)
    table = {
        "identity": lambda: I,
        "expand": lambda: I.applyfunc(sp.expand),
        "factor": lambda: I.applyfunc(sp.factor),
        "together": lambda: I.applyfunc(sp.together),
        "rewrite-gamma": lambda: I.applyfunc(lambda u: u.rewrite(sp.gamma)),
        "rewrite-exp": lambda: I.applyfunc(lambda u: u.rewrite(sp.exp)),
        "trig-one": lambda: with_entry(e * (sp.sin(th) ** 2 + sp.cos(th) ** 2)),
        "square-cancel": lambda: with_entry(e + (th + 1) ** 2 - th**2 - 2 * th - 1),
        "polygamma-recurrence": lambda: I.applyfunc(_rewrite_polygamma),
        "euler-digamma": lambda: I.applyfunc(_rewrite_euler),
        "piecewise-equal": lambda: with_entry(sp.Piecewise((e, th < a), (sp.expand(e), True))),
        "gamma-ratio": lambda: with_entry(e * sp.gamma(th**2 + 2) / ((th**2 + 1) * sp.gamma(th**2 + 1))),
        "float-one": lambda: with_entry(sp.Float(1.0) * e),
        "max-one": lambda: with_entry(e * sp.Max(1, 1 - th**2)),
        "matrix-transpose": lambda: I.T,
        "abs-diagonal": lambda: with_entry(sp.Abs(e)),
        "heaviside-sum": lambda: with_entry(e * (H(th - a) + H(a - th))),
    }
    if not real and kind in ("trig-one", "max-one"):
        kind = "identity"
    return Claim(kind, table[kind](), True, None)


def _integer_in(dom: sp.Set, a) -> sp.Expr | None:
    for v in (2, 3, 1, 0, -1, 5):
        if sp.Integer(v) in dom:
            return sp.Integer(v)
    return None


def _sym_add(I: sp.Matrix, d) -> sp.Matrix:
    if I.rows < 2:
        return I + sp.Matrix([[d]])
    M = sp.Matrix(I)
    M[0, 1] += d
    M[1, 0] += d
    return M


def _asym_add(I: sp.Matrix, d) -> sp.Matrix:
    M = sp.Matrix(I)
    if I.rows < 2:
        M[0, 0] += d
    else:
        M[0, 1] += d
    return M


def _negate_off(I: sp.Matrix) -> sp.Matrix | None:
    if I.rows < 2 or I[0, 1] == 0:
        return None
    M = sp.Matrix(I)
    M[0, 1], M[1, 0] = -I[0, 1], -I[1, 0]
    return M


def _swap(I: sp.Matrix) -> sp.Matrix | None:
    if I.rows < 2 or sp.simplify(I[0, 0] - I[1, 1]) == 0:
        return None
    M = sp.Matrix(I)
    M[0, 0], M[1, 1] = I[1, 1], I[0, 0]
    return M


def declared_domains(spec: ModelSpec) -> dict:
    """Parameter → its declared domain (``domain=`` or the assumptions), as the model will have it."""
    return {p: (spec.domain or {}).get(p, domain_of(p)) for p in spec.params}


@st.composite
def claim_cases(draw, timeouts: Sequence[float] = (3.0, 5.0, 8.0)):
    """(base model, claim, check timeout): the claim is drawn from the base's exact information."""
    spec = draw(claim_specs())
    if spec.reference is None or not spec.valid:
        return spec, None, 0.0
    salt = zlib.crc32(spec.reproducer().encode())
    claim = draw(claims(spec.reference, spec.params, spec.true_domain, declared_domains(spec), salt))
    return spec, claim, float(list(timeouts)[(salt ^ zlib.crc32(claim.kind.encode())) % len(timeouts)])
