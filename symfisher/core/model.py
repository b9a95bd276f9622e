"""Model: a log-likelihood in SymPy with its data symbols, parameters, support and covariates.

A model is declarative data (like ``sympy.stats`` distributions): the density p(x | θ), the set the
data range over, and the parameter domains. Constructors validate it: every parameter must appear,
data and parameters must be distinct symbols, the support must be a set, the density must be
non-negative and integrate (or sum) to one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

import sympy as sp

from symfisher.core.points import domain_of, is_discrete_set
from symfisher.errors import ModelError
from symfisher.core.indicators import absorb_indicators

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
        domain: Pairs (parameter, Set) of parameter domains.
        n_obs: Number of i.i.d. observations (a number or a Symbol).
        name: A label for messages and output.
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

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_pdf(
        cls,
        density: sp.Expr,
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
        """A model from its density (continuous data) or mass function (discrete data).

        >>> import sympy as sp
        >>> x, lam = sp.Symbol("x", nonnegative=True, integer=True), sp.Symbol("lambda", positive=True)
        >>> Model.from_pdf(lam**x * sp.exp(-lam) / sp.factorial(x), x, [lam], sp.S.Naturals0).params
        (lambda,)
        """
        density = cls._sympify(density, "density")
        logpdf = sp.expand_log(sp.log(density), force=False)
        return cls._build(logpdf, density, data, params, support, given, domain, name, validate, timeout)

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
        return cls._build(logpdf, sp.exp(logpdf), data, params, support, given, domain, name, validate, timeout)

    @classmethod
    def from_stats(cls, random_symbol: sp.Expr, params: Sequence[sp.Symbol], *, name: str | None = None) -> Model:
        """A model from a ``sympy.stats`` random symbol, e.g. ``Gamma("X", k, theta)``.

        >>> import sympy as sp, sympy.stats as st
        >>> lam = sp.Symbol("lambda", positive=True)
        >>> Model.from_stats(st.Exponential("X", lam), [lam]).support
        ((x, Interval(0, oo)),)
        """
        from sympy.stats.rv import RandomSymbol, pspace

        if not isinstance(random_symbol, RandomSymbol):
            raise ModelError(f"from_stats needs a sympy.stats random symbol, got {random_symbol!r}")
        space = pspace(random_symbol)
        dist = getattr(space, "distribution", None)
        if dist is None or not hasattr(dist, "pdf"):
            raise ModelError(f"from_stats supports univariate sympy.stats distributions, got {random_symbol}")
        support = dist.set
        discrete = is_discrete_set(support)
        label = str(random_symbol.symbol.name).lower() or "x"
        x = sp.Symbol(label, integer=True) if discrete else sp.Symbol(label, real=True)
        density = dist.pdf(x)
        return cls.from_pdf(density, x, params, support, name=name or type(dist).__name__.replace("Distribution", ""))

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
        free = self.logpdf.free_symbols.union(*(s.free_symbols for _, s in self.support))
        return tuple(sorted(free - known, key=str))

    @property
    def discrete(self) -> bool:
        """True when every data symbol ranges over a discrete set."""
        return all(is_discrete_set(s) for _, s in self.support)

    @property
    def support_depends_on_params(self) -> bool:
        """Whether some support bound involves a parameter (an irregular model)."""
        return any(s.free_symbols & set(self.params) for _, s in self.support)

    def __post_init__(self) -> None:
        """Invariants, checked on every construction (``Model(...)``, ``replace``, the constructors)."""
        _check_structure(self)

    def __str__(self) -> str:
        sup = ", ".join(f"{x} ∈ {s}" for x, s in self.support)
        return f"Model {self.name}: log p = {self.logpdf}  ({sup}; θ = {', '.join(map(str, self.params))})"

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
        sup = cls._support(support, data_t, name)
        for p in params_t:  # before indicators move into the support: Heaviside(θ − x) alone mentions θ
            if p not in logpdf.free_symbols:
                raise ModelError(f"model {name}: parameter {p} does not appear in the density")
        if not (logpdf.free_symbols & set(data_t)) and not any(s.free_symbols & set(params_t) for _, s in sup):
            raise ModelError(f"model {name}: the density does not depend on the data {list(data_t)}")
        absorbed = absorb_indicators(density, data_t, sup, params_t)
        if absorbed is not None:  # indicator factors are support: Heaviside(θ − x)/θ on (0, ∞) is 1/θ on (0, θ)
            density, sup = absorbed
            logpdf = sp.expand_log(sp.log(density), force=False)
        dom = tuple((p, _as_set(s, p)) for p, s in (domain or {}).items())
        model = cls(logpdf=logpdf, data=data_t, params=params_t, support=sup, given=given_t, domain=dom,
                    name=name, density_expr=density)
        if validate:
            from symfisher.core.validation import validate_model

            validate_model(model, timeout=timeout)
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
        if len(data_t) != 1:
            raise ModelError(f"model {name}: with several data symbols, give support as a dict symbol → Set")
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
        name: str = "model",
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
            name: A label for messages.
            timeout: Hard bound in seconds on validating the model.

        Raises:
            ModelError: On any malformed text, with a one-line message saying what and where.
            BudgetExceeded: Validation did not finish within ``timeout``.

        >>> Model.from_string("lam*exp(-lam*x)", "x", "lam:positive", "(0, oo)").params
        (lam,)
        """
        from symfisher.core import outer

        return outer.model_from_string(pdf, data, params, support, kind, given, name=name, timeout=timeout)


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
    free = m.logpdf.free_symbols.union(*(s.free_symbols for _, s in m.support))
    for p in m.params:
        if p not in free:
            raise ModelError(f"model {name}: parameter {p} appears neither in the density nor in the support")
    for p, s in m.domain:
        if p not in m.params and p not in m.given:
            raise ModelError(f"model {name}: domain given for {p}, which is not a parameter")
        if not isinstance(s, sp.Set):
            raise ModelError(f"model {name}: the domain of {p} must be a SymPy Set, got {s!r:.60}")
    n = m.n_obs
    if not isinstance(n, sp.Expr) or (n.is_number and not (n.is_integer and n.is_positive)) or n.is_positive is False:
        raise ModelError(f"model {name}: the number of observations must be a positive integer or a positive symbol "
                         f"as a SymPy expression, got {type(n).__name__} {n}")
