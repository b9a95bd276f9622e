"""Model: a log-likelihood in SymPy with its data symbols, parameters, support and covariates.

A model is declarative data (like ``sympy.stats`` distributions): the density p(x | θ), the set the
data range over, and the parameter domains. Constructors validate it: every parameter must appear,
data and parameters must be distinct symbols, the support must be a set, the density must be
non-negative and integrate (or sum) to one.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

import sympy as sp

from symfisher.core.display import readable_logpdf
from symfisher.core.points import domain_of, is_discrete_set
from symfisher.errors import ModelError
from symfisher.core.breakpoints import as_piecewise
from symfisher.core.indicators import (abs_conditions_as_intervals, abs_resolved_on_branches, absorb_indicators,
                                      deltas_as_branches, steps_as_branches)
from symfisher.core.structure import joint as _joint

__all__ = ["Model"]

NORMALIZATION_HELP = (
    "a density must integrate (a mass function sum) to 1 over its support for every parameter value; "
    "divide by the normalizing constant, or check the support"
)


def symbol_tuple(symbols: sp.Symbol | Iterable[sp.Symbol] | None, role: str) -> tuple[sp.Symbol, ...]:
    if symbols is None:
        return ()
    if isinstance(symbols, sp.Basic):
        symbols = (symbols,)
    try:
        out = tuple(symbols)
    except TypeError:
        raise ModelError(f"{role} must be a SymPy Symbol or a list of Symbols, got {symbols!r}") from None
    for s in out:
        if not isinstance(s, sp.Symbol):
            raise ModelError(f"{role} must be SymPy Symbols, got {s!r} of type {type(s).__name__}")
    if len(set(out)) != len(out):
        raise ModelError(f"{role} lists a symbol twice: {list(out)}")
    return out


def log_of(density: sp.Expr) -> sp.Expr:
    """log p with its logarithms expanded; a density that is one ``Piecewise`` (its factors moved into the branches)
    with no zero branch gives the ``Piecewise`` of the branches' logarithms, so that the score reads branch by
    branch (the asymmetric Laplace's s_μ = Piecewise((κ, x ≥ μ), (−1/κ, True)), not p′/p as two Piecewise)."""
    folded = as_piecewise(density)
    if folded is not None and all(v != 0 for v, _ in folded.args):
        return sp.Piecewise(*[(sp.expand_log(sp.log(v), force=False), c) for v, c in folded.args])
    return sp.expand_log(sp.log(density), force=False)


def _branches_as_intervals(expr: sp.Expr, symbols: Sequence[sp.Symbol],
                           domain: Mapping[sp.Symbol, sp.Set] | None) -> sp.Expr:
    """A density's ``Piecewise`` conditions |g| ≤ c read as intervals, and |g|, sign(g) resolved on the branches where
    g keeps one sign (:mod:`symfisher.core.indicators`)."""
    return abs_resolved_on_branches(abs_conditions_as_intervals(expr, symbols), symbols, tuple((domain or {}).items()))


def _one_set(support: object, symbols: Sequence[sp.Symbol]) -> sp.Set | None:
    """The support of a single data symbol as given (a set, or a one-entry mapping), or, when none is given, the set its
    assumptions say (real: ℝ, integer and nonnegative: ℕ₀); None for several data symbols or nothing to read."""
    if len(symbols) != 1:
        return None
    given = list(support.values()) if isinstance(support, Mapping) else [support]
    if len(given) == 1 and isinstance(given[0], sp.Set):
        return given[0]
    x = symbols[0]
    return domain_of(x) if support is None and (x.is_real is not None or x.is_integer is not None) else None


def _as_set(value: object, sym: sp.Symbol) -> sp.Set:
    if isinstance(value, sp.Set):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        try:  # strict: never sympify (eval) strings
            lo, hi = (sp.sympify(v, strict=True) for v in value)
            return sp.Interval(lo, hi)
        except (sp.SympifyError, TypeError, ValueError):
            raise ModelError(f"support of {sym} must be a SymPy Set or a pair of SymPy bounds, got {value!r}") from None
    raise ModelError(
        f"support of {sym} must be a SymPy Set (Interval, Range, FiniteSet, S.Reals, S.Naturals0 ...), "
        f"got {value!r} of type {type(value).__name__}"
    )


@dataclass(frozen=True)
class Model:
    """A parametric family p(x | θ) with its support.

    Attributes:
        logpdf: log p(x | θ) as a SymPy expression.
        data: Data symbols x (integrated or summed over).
        params: Parameters θ (the rows of the Fisher matrix).
        support: Pairs (data symbol, SymPy Set); bounds may depend on θ.
        given: Covariates, conditioned on (not integrated over).
        domain: Pairs (symbol, Set): domains of parameters, covariates and known constants (a quantile level
            τ ∈ (0, 1) left symbolic).
        n_obs: Number of i.i.d. observations (a number or a Symbol).
        name: A label for messages and output.
        joint_support: The set of data points when the data are constrained jointly (``support`` then
            holds the marginal ranges): a FiniteSet of Tuples (one-hot vectors, count vectors) or a
            ConditionSet over ``Tuple(*data)`` (``Model.simplex(data)``); ``None`` for a product support.
        param_groups: Named groups of the parameters, e.g. ``(("mean", (mu1, mu2)), ("cov", (s11,)))``:
            results are shown by blocks (``Derivation.blocks()``); empty when not grouped.
        gaussian_structure: The Gaussian structure x ~ N(μ(θ), Σ(θ)) of a model made by :meth:`gaussian` (a
            :class:`~symfisher.core.structure.gaussian.GaussianStructure`), else ``None``.
        inferred_domains: How validation narrowed domains read from assumptions to where the density is
            one (:class:`~symfisher.core.valid_domain.ValidInterval`, e.g. p ∈ (0, 1) for p positive in
            p^x (1 − p)^(1 − x)); shown with the results and in the proof.
    """

    logpdf: sp.Expr
    data: tuple[sp.Symbol, ...]
    params: tuple[sp.Symbol, ...]
    support: tuple[tuple[sp.Symbol, sp.Set], ...]
    given: tuple[sp.Symbol, ...] = ()
    domain: tuple[tuple[sp.Symbol, sp.Set], ...] = ()
    n_obs: sp.Expr = sp.Integer(1)
    name: str = "model"
    density_expr: sp.Expr | None = field(default=None, repr=False, compare=False)
    joint_support: sp.Set | None = None
    param_groups: tuple[tuple[str, tuple[sp.Symbol, ...]], ...] = ()
    gaussian_structure: Any = field(default=None, repr=False, compare=False)
    inferred_domains: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_pdf(
        cls,
        density: sp.Expr,
        data: sp.Symbol | Sequence[sp.Symbol],
        params: Sequence[sp.Symbol],
        support: sp.Set | Sequence[sp.Set] | Mapping[sp.Symbol, sp.Set] | None = None,
        given: Sequence[sp.Symbol] | None = None,
        *,
        domain: Mapping[sp.Symbol, sp.Set] | None = None,
        name: str = "model",
        validate: bool = True,
        timeout: float = 20.0,
    ) -> Model:
        """A model from its density (continuous data) or mass function (discrete data).

        >>> import sympy as sp
        >>> x, lam = sp.Symbol("x", nonnegative=True, integer=True), sp.Symbol("lambda", positive=True)
        >>> Model.from_pdf(lam**x * sp.exp(-lam) / sp.factorial(x), x, [lam], sp.S.Naturals0).params
        (lambda,)
        """
        density = cls._sympify(density, "density")
        symbols = [data] if isinstance(data, sp.Symbol) else list(data)
        one_set = _one_set(support, symbols)
        if one_set is not None and is_discrete_set(one_set):  # KroneckerDelta(k, 0)
            density = deltas_as_branches(density, symbols)
        elif one_set is not None:  # Heaviside(y − μ) on both sides of a break point
            density = _branches_as_intervals(steps_as_branches(density, symbols), symbols, domain)
        return cls._build(log_of(density), density, data, params, support, given, domain, name, validate, timeout)

    @classmethod
    def from_logpdf(
        cls,
        logpdf: sp.Expr,
        data: sp.Symbol | Sequence[sp.Symbol],
        params: Sequence[sp.Symbol],
        support: sp.Set | Mapping[sp.Symbol, sp.Set] | None = None,
        given: Sequence[sp.Symbol] | None = None,
        *,
        domain: Mapping[sp.Symbol, sp.Set] | None = None,
        name: str = "model",
        validate: bool = True,
        timeout: float = 20.0,
    ) -> Model:
        """A model from its log-density log p(x | θ).

        >>> import sympy as sp
        >>> x, mu = sp.symbols("x mu", real=True)
        >>> Model.from_logpdf(-(x - mu)**2 / 2 - sp.log(2 * sp.pi) / 2, x, [mu], sp.S.Reals).data
        (x,)
        """
        logpdf = cls._sympify(logpdf, "log-density")
        symbols = [data] if isinstance(data, sp.Symbol) else list(data)
        one_set = _one_set(support, symbols)
        if one_set is not None and not is_discrete_set(one_set):  # a check loss, Huber's ρ
            logpdf = _branches_as_intervals(steps_as_branches(logpdf, symbols, log=True), symbols, domain)
        return cls._build(logpdf, sp.exp(logpdf), data, params, support, given, domain, name, validate, timeout)

    @classmethod
    def from_stats(cls, random_symbol: sp.Expr, params: Sequence[sp.Symbol], *, name: str | None = None,
                   domain: Mapping[sp.Symbol, sp.Set] | None = None) -> Model:
        """A model from a ``sympy.stats`` random symbol, e.g. ``Gamma("X", k, theta)``; ``domain`` as in
        :meth:`from_pdf` (e.g. ``{p: Interval.open(0, 1)}`` where assumptions cannot say it).

        >>> import sympy as sp, sympy.stats as st
        >>> lam = sp.Symbol("lambda", positive=True)
        >>> Model.from_stats(st.Exponential("X", lam), [lam]).support
        ((x, Interval(0, oo)),)
        """
        from sympy.stats.joint_rv import JointPSpace
        from sympy.stats.rv import RandomSymbol, pspace

        if not isinstance(random_symbol, RandomSymbol):
            raise ModelError(f"from_stats needs a sympy.stats random symbol, got {random_symbol!r}")
        space = pspace(random_symbol)
        from symfisher.core.structure.stats_joint import joint_parts

        parts = joint_parts(random_symbol)  # Dirichlet, Multinomial: the free coordinates on their simplex
        if parts is not None:
            density, data, support, label = parts
            return cls.from_pdf(density, data, params, support, name=name or label, domain=domain)
        dist = getattr(space, "distribution", None)
        if type(dist).__name__ == "MultivariateNormalDistribution":
            mean, cov = dist.args
            label = str(random_symbol.name).lower() or "x"
            xs = sp.symbols(f"{label}1:{mean.rows + 1}", real=True)
            return cls.gaussian(mean, cov, xs, params, name=name or "MultivariateNormal", domain=domain)
        mass = getattr(dist, "pdf", None) or getattr(dist, "pmf", None)  # finite ones (Bernoulli) have a pmf
        if isinstance(space, JointPSpace) and isinstance(dist.set, sp.ProductSet) and mass is not None:
            return cls._from_joint_stats(random_symbol, dist, params, name, domain)
        if dist is None or mass is None or isinstance(space, JointPSpace):
            raise ModelError(f"from_stats supports univariate sympy.stats distributions and joint ones on a product "
                             f"or simplex support, got {random_symbol} ~ {type(dist).__name__}")
        support = dist.set
        if isinstance(support, (set, frozenset)):  # finite distributions give a Python set of their values
            support = sp.FiniteSet(*support)
        if isinstance(support, sp.FiniteSet) and not all(v.is_number and v.is_real for v in support):
            raise ModelError(f"from_stats needs a random variable with numeric values; {random_symbol} ~ "
                             f"{type(dist).__name__} takes the values {support}")
        finite = isinstance(support, sp.FiniteSet)
        integer = all(v.is_integer for v in support.args) if finite else is_discrete_set(support)
        label = str(random_symbol.symbol.name).lower() or "x"
        x = sp.Symbol(label, integer=True) if integer else sp.Symbol(label, real=True)
        density = _stats_density(dist, mass, x, random_symbol)
        if finite:
            density, support = _finite_mass(density, x, support)
        return cls.from_pdf(density, x, params, support, domain=domain,
                            name=name or type(dist).__name__.replace("Distribution", ""))

    @classmethod
    def _from_joint_stats(cls, random_symbol, dist, params, name, domain) -> Model:
        """A joint ``sympy.stats`` distribution on a product set (NormalGamma, MultivariateT, …): one data
        symbol per factor, each with that factor as its support."""
        sets = dist.set.sets
        label = str(random_symbol.symbol.name).lower() or "x"
        xs = tuple(sp.Symbol(f"{label}{i}", integer=True) if is_discrete_set(s) else sp.Symbol(f"{label}{i}", real=True)
                   for i, s in enumerate(sets, 1))
        density, support = _finite_joint_mass(dist.pdf(*xs), xs, dict(zip(xs, sets)))
        return cls.from_pdf(density, xs, params, support, domain=domain,
                            name=name or type(dist).__name__.replace("Distribution", ""))

    @classmethod
    def gaussian(
        cls,
        mean: Any,
        cov: Any,
        data: Sequence[sp.Symbol],
        params: Sequence[sp.Symbol],
        given: Sequence[sp.Symbol] | None = None,
        *,
        domain: Mapping[sp.Symbol, sp.Set] | None = None,
        name: str = "gaussian",
        param_groups: Mapping[str, Sequence[sp.Symbol]] | None = None,
    ) -> Model:
        """x ~ N(μ(θ, z), Σ(θ, z)) for data x ∈ ℝᵏ: its information is the Slepian–Bangs formula
        I_ij = ∂_iμᵀ Σ⁻¹ ∂_jμ + ½ tr(Σ⁻¹ ∂_iΣ Σ⁻¹ ∂_jΣ) (see :mod:`symfisher.core.structure.gaussian`).

        Args:
            mean: μ, a k-vector of SymPy expressions.
            cov: Σ, a k×k symmetric matrix of SymPy expressions (for k ≤ 6 Σ⁻¹ in closed form), or a
                ``sympy.FunctionMatrix`` (a kernel over k inputs: Σ⁻¹ stays a matrix expression at every k,
                evaluated numerically by Cholesky; write a small Σ out as a matrix for a closed form).
            data: The k data symbols.
            params: θ.
            given: Covariates z.
            domain: Parameter domains (default: from the symbols' assumptions).
            name: A label.
            param_groups: Named groups of θ for block results; by default "mean" and "covariance" when
                every parameter is in exactly one of them.

        Raises:
            ModelError: Shapes that do not fit, a covariance that is not symmetric or not positive
                definite at a sampled parameter point (named in the message).

        >>> import sympy as sp
        >>> x1, x2, m = sp.symbols("x1 x2 m", real=True); s = sp.Symbol("s", positive=True)
        >>> Model.gaussian([m, m], [[s, 0], [0, s]], [x1, x2], [m, s]).param_groups
        (('mean', (m,)), ('covariance', (s,)))
        """
        from symfisher.core.structure.gaussian import gaussian_pieces

        data_t = symbol_tuple(data, "data")
        params_t = symbol_tuple(params, "params")
        given_t = symbol_tuple(given, "given")
        dom = tuple((p, _as_set(s, p)) for p, s in (domain or {}).items())
        domains = {s: domain_of(s) for s in (*params_t, *given_t)}
        domains.update(dict(dom))
        pieces = gaussian_pieces(mean, cov, data_t, params_t, given_t, domains, name)
        if param_groups is None:
            in_mean = pieces.structure.mean.free_symbols
            groups = {"mean": [p for p in params_t if p in in_mean],
                      "covariance": [p for p in params_t if p not in in_mean]}
            shared = [p for p in groups["mean"] if p in pieces.structure.cov.free_symbols]
            param_groups = groups if all(groups.values()) and not shared else {}
        return cls(logpdf=pieces.logpdf, data=data_t, params=params_t, support=tuple((x, sp.S.Reals) for x in data_t),
                   given=given_t, domain=dom, name=name, gaussian_structure=pieces.structure,
                   param_groups=_groups(param_groups))

    def with_param_groups(self, groups: Mapping[str, Sequence[sp.Symbol]]) -> Model:
        """The same model with its parameters in named groups (every parameter in exactly one), so that
        the results show I(θ) by blocks.

        >>> import sympy as sp
        >>> x, mu = sp.symbols("x mu", real=True); s = sp.Symbol("sigma", positive=True)
        >>> m = Model.from_logpdf(-(x - mu)**2 / (2 * s**2) - sp.log(s), x, [mu, s], sp.S.Reals, validate=False)
        >>> m.with_param_groups({"location": [mu], "scale": [s]}).param_groups
        (('location', (mu,)), ('scale', (sigma,)))
        """
        return replace(self, param_groups=_groups(groups))

    @staticmethod
    def simplex(data: Sequence[sp.Symbol], total: sp.Expr | int = 1, *, discrete: bool | None = None) -> sp.Set:
        """The joint support of the free coordinates of a simplex: {x_i > 0, Σ x_i < total}, or for counts
        {x_i ∈ {0, …, total}, Σ x_i ≤ total}; see :func:`symfisher.core.structure.joint.simplex`.

        >>> import sympy as sp
        >>> x1, x2 = sp.symbols("x1 x2", positive=True)
        >>> Model.simplex([x1, x2]).condition
        x1 + x2 < 1
        """
        return _joint.simplex(data, total, discrete=discrete)

    # ------------------------------------------------------------------ derived views
    def iid(self, n: int | sp.Expr) -> Model:
        """The model of ``n`` independent observations; its information is n·I(θ).

        >>> import sympy as sp
        >>> x, mu = sp.symbols("x mu", real=True)
        >>> Model.from_logpdf(-(x - mu)**2 / 2 - sp.log(2 * sp.pi) / 2, x, [mu], sp.S.Reals).iid(5).n_obs
        5
        """
        try:  # strict: never sympify (eval) strings
            n = sp.sympify(n, strict=True)
        except (sp.SympifyError, TypeError):
            raise ModelError(f"iid(n) needs a positive integer or a SymPy expression, got {n!r}") from None
        if not isinstance(n, sp.Expr):
            raise ModelError(f"iid(n) needs a positive integer or a SymPy expression, got {n!r}")
        if n.is_number and not (n.is_integer and n.is_positive):
            raise ModelError(f"iid(n) needs a positive integer number of observations, got {n}")
        if not n.is_number and n.is_positive is False:
            raise ModelError(f"iid(n) needs a positive number of observations, got {n}")
        return replace(self, n_obs=self.n_obs * n)

    @property
    def density(self) -> sp.Expr:
        """p(x | θ)."""
        return self.density_expr if self.density_expr is not None else sp.exp(self.logpdf)

    @property
    def support_map(self) -> dict[sp.Symbol, sp.Set]:
        """Data symbol → support set."""
        return dict(self.support)

    @property
    def domain_map(self) -> dict[sp.Symbol, sp.Set]:
        """Parameter (and covariate) → domain set, explicit or from assumptions."""
        out = {s: domain_of(s) for s in (*self.params, *self.given)}
        out.update(dict(self.domain))
        return out

    @property
    def constants(self) -> tuple[sp.Symbol, ...]:
        """Free symbols of log p and of the support that are neither data, parameters nor covariates
        (fixed numbers the user left symbolic, e.g. a known shape ``k``), sorted by name."""
        known = set(self.data) | set(self.params) | set(self.given)
        return tuple(sorted((self.logpdf.free_symbols | self.support_symbols) - known, key=str))

    @property
    def discrete(self) -> bool:
        """True when every data symbol ranges over a discrete set."""
        return all(is_discrete_set(s) for _, s in self.support)

    @property
    def support_symbols(self) -> frozenset[sp.Symbol]:
        """The free symbols of the support: those of every data symbol's range and of ``joint_support``.

        Every form of support a model accepts is stored as ranges plus, for data constrained jointly, a
        joint set: one Set, a list of Sets or a dict symbol → Set gives the ranges alone, a ProductSet its factors, a
        FiniteSet of Tuples (one-hot or count vectors) and a ConditionSet over the data tuple (a simplex)
        also keep the joint set, whose symbols count here too. The data are never among them (a range may
        not mention them, a ConditionSet binds them); parameters among them make the model irregular
        (:attr:`support_depends_on_params`), other symbols are constants such as a known total.

        >>> import sympy as sp
        >>> x, theta = sp.Symbol("x", positive=True), sp.Symbol("theta", positive=True)
        >>> Model.from_pdf(1 / theta, x, [theta], sp.Interval(0, theta), validate=False).support_symbols
        frozenset({theta})
        """
        free = set().union(*(s.free_symbols for _, s in self.support))
        if self.joint_support is not None:
            free |= self.joint_support.free_symbols
        return frozenset(free)

    @property
    def support_depends_on_params(self) -> bool:
        """Whether some support bound involves a parameter (an irregular model)."""
        return not self.support_symbols.isdisjoint(self.params)

    def __post_init__(self) -> None:
        """Invariants, checked on every construction (``Model(...)``, ``replace``, the constructors)."""
        _check_structure(self)

    def __str__(self) -> str:
        sup = _joint.describe(self.data, self.support, self.joint_support)
        return f"Model {self.name}: log p = {readable_logpdf(self)}  ({sup}; θ = {', '.join(map(str, self.params))})"

    # ------------------------------------------------------------------ validation
    @staticmethod
    def _sympify(expr: object, what: str) -> sp.Expr:
        if isinstance(expr, str):
            raise ModelError(f"the {what} must be a SymPy expression; parse text with Model.from_string")
        try:
            out = sp.sympify(expr, strict=True)
        except (sp.SympifyError, TypeError):
            raise ModelError(f"the {what} must be a SymPy expression, got {expr!r}") from None
        if not isinstance(out, sp.Expr):
            raise ModelError(f"the {what} must be a SymPy expression, got {type(out).__name__}: {out}")
        if out.has(sp.nan, sp.zoo) or out.has(sp.I):
            raise ModelError(f"the {what} contains nan, complex infinity or the imaginary unit: {out}")
        return out

    @classmethod
    def _build(cls, logpdf, density, data, params, support, given, domain, name, validate, timeout=20.0) -> Model:
        data_t = symbol_tuple(data, "data")
        params_t = symbol_tuple(params, "params")
        given_t = symbol_tuple(given, "given")
        split = _joint.split_support(support, data_t, name) if len(data_t) > 1 else None
        sup, joint = split if split is not None else (cls._support(support, data_t, name), None)
        for p in params_t:  # before indicators move into the support: Heaviside(θ − x) alone mentions θ
            if p not in logpdf.free_symbols:
                raise ModelError(f"model {name}: parameter {p} does not appear in the density")
        if not (logpdf.free_symbols & set(data_t)) and not any(s.free_symbols & set(params_t) for _, s in sup):
            raise ModelError(f"model {name}: the density does not depend on the data {list(data_t)}")
        absorbed = absorb_indicators(density, data_t, sup, params_t)
        if absorbed is not None:  # indicator factors are support: Heaviside(θ − x)/θ on (0, ∞) is 1/θ on (0, θ)
            density, sup = absorbed
            logpdf = log_of(density)
        dom = tuple((p, _as_set(s, p)) for p, s in (domain or {}).items())
        model = cls(logpdf=logpdf, data=data_t, params=params_t, support=sup, given=given_t, domain=dom,
                    name=name, density_expr=density, joint_support=joint)
        if validate:
            from symfisher.core.validation import validate_model

            inferred = validate_model(model, timeout=timeout)
            if inferred:  # the assumed domain was wider than where the density is one: record the narrowing
                model = replace(model, domain=(*model.domain, *((v.param, v.interval) for v in inferred)),
                                inferred_domains=inferred)
        return model

    @staticmethod
    def _support(support, data_t, name) -> tuple[tuple[sp.Symbol, sp.Set], ...]:
        if support is None:
            out = []
            for x in data_t:
                if x.is_real is None and x.is_integer is None:
                    raise ModelError(
                        f"model {name}: no support given and data symbol {x} has no assumptions to take it from; "
                        f"pass support=... or declare {x} real/positive/integer"
                    )
                out.append((x, domain_of(x)))
            return tuple(out)
        if isinstance(support, Mapping):
            missing = [x for x in data_t if x not in support]
            extra = [k for k in support if k not in data_t]
            if missing or extra:
                raise ModelError(f"model {name}: support dict must have exactly the data symbols; "
                                 f"missing {missing}, unexpected {extra}")
            return tuple((x, _as_set(support[x], x)) for x in data_t)
        if isinstance(support, (list, tuple)) and len(support) == len(data_t) > 1 \
                and all(isinstance(s, sp.Set) for s in support):  # one set per data symbol, in their order
            return tuple((x, _as_set(s, x)) for x, s in zip(data_t, support))
        if len(data_t) != 1:
            raise ModelError(f"model {name}: the support {support} does not fit the {len(data_t)} data symbols; "
                             + _joint.EXPECTED.format(data=_joint._data_text(data_t), k=len(data_t)))
        return ((data_t[0], _as_set(support, data_t[0])),)

    # ------------------------------------------------------------------ uses
    def reparametrize(self, mapping: Mapping[sp.Symbol, sp.Expr], new_params: Sequence[sp.Symbol], **kwargs) -> Model:
        """The model in new parameters θ_old = expression(θ_new); the data are untouched.

        See :func:`symfisher.uses.reparam.reparametrize_model`.

        >>> import sympy as sp
        >>> x, lam, t = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True), sp.Symbol("t", real=True)
        >>> Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)).reparametrize(
        ...     {lam: sp.exp(t)}, [t]).params
        (t,)
        """
        from symfisher.core import outer

        return outer.reparametrize_model(self, mapping, new_params, **kwargs)

    # ------------------------------------------------------------------ untrusted text
    @classmethod
    def from_string(
        cls,
        pdf: str,
        data: str,
        params: str,
        support: str | None = None,
        kind: str = "pdf",
        given: str | None = None,
        *,
        constants: str | None = None,
        name: str | None = None,
        timeout: float = 20.0,
    ) -> Model:
        """A model from untrusted text, parsed safely (no ``eval``); see :mod:`symfisher.text.untrusted`.

        Args:
            pdf: The density (``kind="pdf"``) or log-density (``kind="logpdf"``), e.g.
                ``"exp(-(x-mu)^2/(2*sigma^2))/sqrt(2*pi*sigma^2)"``.
            data: Data symbols with assumptions, e.g. ``"x"`` or ``"k:nonnegative_integer"``.
            params: Parameters with assumptions, e.g. ``"mu:real sigma:positive"``.
            support: The data's support, e.g. ``"(-oo, oo)"``, ``"(0, theta]"``, ``"Naturals0"``;
                with several data symbols ``"x: (0, oo); y: (0, 1)"``. ``None``: from the
                data assumptions.
            kind: ``"pdf"`` or ``"logpdf"``.
            given: Covariates, e.g. ``"z:real"``.
            constants: Known constants left symbolic, with their domains, e.g. ``"tau:(0,1)"``.
            name: A label for messages (default: the density text, shortened).
            timeout: Hard bound in seconds on validating the model.

        Raises:
            ModelError: On any malformed text, with a one-line message saying what and where.
            BudgetExceeded: Validation did not finish within ``timeout``.

        >>> Model.from_string("lam*exp(-lam*x)", "x", "lam:positive", "(0, oo)").params
        (lam,)
        """
        from symfisher.core import outer

        return outer.model_from_string(pdf, data, params, support, kind, given, constants=constants, name=name,
                                       timeout=timeout)


def _stats_density(dist, mass, x: sp.Symbol, random_symbol) -> sp.Expr:
    """The density (mass function) of a ``sympy.stats`` distribution at the symbol ``x``; for a finite one
    whose ``pmf`` needs a number, the table of its values as a Piecewise in ``x``.

    Raises:
        NotSupportedError: SymPy cannot write the density at a symbolic point.
    """
    from symfisher.errors import NotSupportedError

    try:
        return mass(x)
    except (TypeError, ValueError, NotImplementedError, AttributeError) as exc:
        table = getattr(dist, "dict", None)
        if isinstance(table, Mapping) and table:  # finite: p(x) = Σ_k p_k [x = k]
            return sp.Piecewise(*[(p, sp.Eq(x, k)) for k, p in table.items()], (0, True))
        detail = str(exc).splitlines()[0][:80] if str(exc) else ""
        raise NotSupportedError(f"sympy.stats cannot write the density of {random_symbol} ~ {type(dist).__name__} "
                                f"at a symbolic point ({type(exc).__name__}{': ' + detail if detail else ''})") from None


def _finite_mass(density: sp.Expr, x: sp.Symbol, support: sp.FiniteSet) -> tuple[sp.Expr, sp.FiniteSet]:
    """A mass function on a finite support without Piecewise cases in the data alone, and its support.

    A case split on ``x`` that picks the same branch at every support point is that branch
    (``Piecewise((binomial(3, x) p^x (1-p)^(3-x), (x >= 0) & (x <= 3)), (0, True))`` on {0, …, 3}); one that
    does not (Bernoulli's ``Piecewise((p, Eq(x, 1)), (1 - p, Eq(x, 0)), (0, True))``) becomes the table of
    values written as p(x) = Π_k p_k^{ℓ_k(x)}, with ℓ_k the Lagrange polynomials of the support (ℓ_k(j) = [j = k]):
    ``p**x*(1 - p)**(1 - x)``, exact at every support point and smooth in x and θ; points of mass 0 for
    every θ leave the support.
    """
    points = list(support.args)

    def branch(*args):
        pw = sp.Piecewise(*args)
        if any(c.free_symbols - {x} for _, c in args):
            return pw
        chosen = set()
        for k in points:
            truths = [c.subs(x, k) for _, c in args]
            first = next((i for i, t in enumerate(truths) if t is sp.true or t is True), None)
            if first is None or any(t not in (sp.true, sp.false, True, False) for t in truths[:first]):
                return pw
            chosen.add(first)
        return args[chosen.pop()][0] if len(chosen) == 1 else pw

    density = density.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: branch(*e.args))
    if not any(pw.has(x) for pw in density.atoms(sp.Piecewise)):
        return density, support
    values = {k: sp.simplify(density.subs(x, k)) for k in points}
    kept = [k for k in points if values[k] != 0]
    factors = []
    for k in kept:
        ell = sp.Mul(*[(x - j) / (k - j) for j in kept if j != k])
        factors.append(sp.Pow(values[k], sp.factor(ell)))
    return sp.Mul(*factors), sp.FiniteSet(*kept)


FINITE_JOINT_POINTS = 10_000  # the most points of a finite product support enumerated for its constraint


def _finite_joint_mass(density: sp.Expr, xs: tuple[sp.Symbol, ...], sets: dict[sp.Symbol, sp.Set]
                       ) -> tuple[sp.Expr, Any]:
    """A joint mass function on a finite product of ranges whose Piecewise cases in the data pick one branch where
    the mass is not 0: that branch, on the points where it applies as a joint support (a FiniteSet of Tuples).
    sympy.stats' Ewens sampling formula is Piecewise((…, Eq(x1 + 2 x2 + 3 x3, 3)), (0, True)) on
    {0…3}×{0, 1}×{0, 1}: three points of sixteen. Anything else is returned as it is, with the product support."""
    cases = [pw for pw in density.atoms(sp.Piecewise) if any(c.has(*xs) for _, c in pw.args)]
    values = [list(s) for s in sets.values()] if all(isinstance(s, (sp.FiniteSet, sp.Range)) and s.is_finite_set
                                                     for s in sets.values()) else None
    if len(cases) != 1 or values is None or math.prod(map(len, values)) > FINITE_JOINT_POINTS \
            or any(c.free_symbols - set(xs) for _, c in cases[0].args):
        return density, sets
    chosen, points = set(), []
    for point in itertools.product(*values):
        at = dict(zip(xs, point))
        index = next((i for i, (_, c) in enumerate(cases[0].args) if c.xreplace(at) in (sp.true, True)), None)
        if index is None:
            return density, sets
        if cases[0].args[index][0] != 0:
            chosen.add(index)
            points.append(sp.Tuple(*point))
    if len(chosen) != 1 or not points:
        return density, sets
    return density.xreplace({cases[0]: cases[0].args[chosen.pop()][0]}), sp.FiniteSet(*points)


def _groups(groups: Mapping[str, Sequence[sp.Symbol]] | None) -> tuple[tuple[str, tuple[sp.Symbol, ...]], ...]:
    """Named parameter groups as a tuple of (name, symbols) pairs (checked against the model later)."""
    if not groups:
        return ()
    if not isinstance(groups, Mapping):
        raise ModelError(f"param_groups must be a dict name → list of parameters, got {type(groups).__name__}")
    return tuple((name, symbol_tuple(symbols, f"param group {name!r}")) for name, symbols in groups.items())


def _check_groups(m: Model) -> None:
    """Every parameter in exactly one named group; names printable and distinct."""
    seen: dict[sp.Symbol, str] = {}
    for name, symbols in m.param_groups:
        if not isinstance(name, str) or not name or not name.isprintable() or len(name) > 60:
            raise ModelError(f"model {m.name}: a parameter group name must be printable text, got {name!r:.60}")
        for p in symbols:
            if p not in m.params:
                raise ModelError(f"model {m.name}: param group {name!r} lists {p}, which is not a parameter")
            if p in seen:
                raise ModelError(f"model {m.name}: parameter {p} is in two groups, {seen[p]!r} and {name!r}")
            seen[p] = name
    if len({name for name, _ in m.param_groups}) != len(m.param_groups):
        raise ModelError(f"model {m.name}: two parameter groups have the same name")
    missing = [p for p in m.params if p not in seen]
    if missing:
        raise ModelError(f"model {m.name}: parameter {missing[0]} is in no group; param_groups must cover θ")


def _check_structure(m: Model) -> None:
    """The structural invariants of a model (cheap; the numeric checks are in :mod:`.validation`).

    Raises:
        ModelError: The first violated invariant, in one line that names the model and the symbol.
    """
    name = m.name
    if not isinstance(name, str) or not name.isprintable() or len(name) > 200:
        raise ModelError(f"a model name must be printable text of at most 200 characters, got {name!r:.80}")
    if not isinstance(m.logpdf, sp.Expr) or m.logpdf.has(sp.nan, sp.zoo):
        raise ModelError(f"model {name}: log p must be a SymPy expression without nan or zoo, got {m.logpdf!r:.80}")
    for role, symbols in (("data", m.data), ("params", m.params), ("given", m.given)):
        if not isinstance(symbols, tuple) or not all(isinstance(s, sp.Symbol) for s in symbols):
            raise ModelError(f"model {name}: {role} must be a tuple of SymPy Symbols, got {symbols!r:.80}")
        if len(set(symbols)) != len(symbols):
            raise ModelError(f"model {name}: {role} lists a symbol twice: {list(symbols)}")
    if not m.data:
        raise ModelError(f"model {name}: no data symbol given")
    if not m.params:
        raise ModelError(f"model {name}: no parameter given")
    for a, b, what in ((m.data, m.params, "both data and a parameter"), (m.data, m.given, "both data and a covariate"),
                       (m.params, m.given, "both a parameter and a covariate")):
        both = set(a) & set(b)
        if both:
            raise ModelError(f"model {name}: symbol {sorted(map(str, both))[0]} is {what}")
    if not isinstance(m.support, tuple) or [x for x, _ in m.support] != list(m.data) or not all(
            isinstance(s, sp.Set) for _, s in m.support):
        raise ModelError(f"model {name}: support must pair each data symbol, in order, with a SymPy Set")
    for x, s in m.support:
        if s.free_symbols & set(m.data):
            raise ModelError(f"model {name}: the support of {x} ({s}) depends on the data")
        if s.is_empty:
            raise ModelError(f"model {name}: the support of {x} is empty")
    free = m.logpdf.free_symbols | m.support_symbols
    for p in m.params:
        if p not in free:
            raise ModelError(f"model {name}: parameter {p} appears neither in the density nor in the support")
    if m.joint_support is not None:
        if not isinstance(m.joint_support, sp.Set):
            raise ModelError(f"model {name}: the joint support must be a SymPy Set, got {m.joint_support!r:.80}")
        _joint.check_joint(m.joint_support, m.data, dict(m.support), name)
    if m.param_groups:
        _check_groups(m)
    for p, s in m.domain:
        if p not in m.params and p not in m.given and p not in m.constants:
            raise ModelError(f"model {name}: domain given for {p}, which is neither a parameter, a covariate nor a "
                             "known constant of the density")
        if not isinstance(s, sp.Set):
            raise ModelError(f"model {name}: the domain of {p} must be a SymPy Set, got {s!r:.60}")
    n = m.n_obs
    if not isinstance(n, sp.Expr) or (n.is_number and not (n.is_integer and n.is_positive)) or n.is_positive is False:
        raise ModelError(f"model {name}: the number of observations must be a positive integer or a positive symbol "
                         f"as a SymPy expression, got {type(n).__name__} {n}")
