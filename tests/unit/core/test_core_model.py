"""symfisher.core.model: the invariants every Model holds, and its constructors and derived views."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp
import sympy.stats as st

from symfisher.core.model import Model
from symfisher.errors import ModelError, SymfisherError

x = sp.Symbol("x", positive=True)
y = sp.Symbol("y", positive=True)
xr = sp.Symbol("x", real=True)
lam = sp.Symbol("lambda", positive=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
theta = sp.Symbol("theta", positive=True)
k = sp.Symbol("k", positive=True)
z = sp.Symbol("z", real=True)
n = sp.Symbol("n", positive=True, integer=True)
POS = sp.Interval.open(0, sp.oo)

EXPONENTIAL = dict(logpdf=sp.log(lam) - lam * x, data=(x,), params=(lam,), support=((x, POS),), name="exponential")


def exponential(**overrides) -> Model:
    """``Model(...)`` built directly (only ``__post_init__`` checks it), with some fields replaced."""
    return Model(**{**EXPONENTIAL, **overrides})


# ---------------------------------------------------------------------------------------------- invariants
INVALID = [
    pytest.param(dict(params=(lam, lam)), r"model exponential: params lists a symbol twice: \[lambda, lambda\]",
                 id="duplicate-parameter"),
    pytest.param(dict(data=(x, x), support=((x, POS), (x, POS))),
                 r"model exponential: data lists a symbol twice: \[x, x\]", id="duplicate-data"),
    pytest.param(dict(params=(lam, x)), r"model exponential: symbol x is both data and a parameter",
                 id="data-also-parameter"),
    pytest.param(dict(given=(x,)), r"model exponential: symbol x is both data and a covariate",
                 id="data-also-covariate"),
    pytest.param(dict(given=(lam,)), r"model exponential: symbol lambda is both a parameter and a covariate",
                 id="parameter-also-covariate"),
    pytest.param(dict(params=(lam, mu)),
                 r"model exponential: parameter mu appears neither in the density nor in the support",
                 id="parameter-absent"),
    pytest.param(dict(support=()),
                 r"model exponential: support must pair each data symbol, in order, with a SymPy Set",
                 id="support-missing"),
    pytest.param(dict(data=(x, y), logpdf=sp.log(lam) - lam * x - y),
                 r"model exponential: support must pair each data symbol, in order, with a SymPy Set",
                 id="support-not-covering-data"),
    pytest.param(dict(data=(x, y), logpdf=sp.log(lam) - lam * x - y, support=((y, POS), (x, POS))),
                 r"model exponential: support must pair each data symbol, in order, with a SymPy Set",
                 id="support-out-of-order"),
    pytest.param(dict(support=((x, (0, 1)),)),
                 r"model exponential: support must pair each data symbol, in order, with a SymPy Set",
                 id="support-not-a-set"),
    pytest.param(dict(support=((x, sp.S.EmptySet),)), r"model exponential: the support of x is empty",
                 id="empty-support"),
    pytest.param(dict(support=((x, sp.Interval(2, 1)),)), r"model exponential: the support of x is empty",
                 id="reversed-interval"),
    pytest.param(dict(support=((x, sp.Interval(0, x)),)),
                 r"model exponential: the support of x \(Interval\(0, x\)\) depends on the data",
                 id="support-depends-on-data"),
    pytest.param(dict(domain=((mu, sp.S.Reals),)),
                 r"model exponential: domain given for mu, which is neither a parameter, a covariate nor a known "
                 r"constant of the density", id="domain-non-parameter"),
    pytest.param(dict(domain=((lam, "R"),)), r"model exponential: the domain of lambda must be a SymPy Set, got 'R'",
                 id="domain-not-a-set"),
    pytest.param(dict(n_obs=sp.Integer(0)),
                 r"model exponential: the number of observations must be a positive integer or a positive symbol as a SymPy expression, got Zero 0", id="n-obs-zero"),
    pytest.param(dict(n_obs=sp.Rational(1, 2)),
                 r"model exponential: the number of observations must be a positive integer or a positive symbol as a SymPy expression, got Half 1/2",
                 id="n-obs-fraction"),
    pytest.param(dict(n_obs=-n), r"model exponential: the number of observations must be a positive integer or a positive symbol as a SymPy expression, got Mul -n",
                 id="n-obs-negative-symbol"),
    pytest.param(dict(data=()), r"model exponential: no data symbol given", id="no-data"),
    pytest.param(dict(params=()), r"model exponential: no parameter given", id="no-parameter"),
    pytest.param(dict(params=[lam]), r"model exponential: params must be a tuple of SymPy Symbols, got \[lambda\]",
                 id="params-a-list"),
    pytest.param(dict(logpdf=sp.nan),
                 r"model exponential: log p must be a SymPy expression without nan or zoo, got nan", id="logpdf-nan"),
    pytest.param(dict(name="a\nb"), r"a model name must be printable text of at most 200 characters, got 'a\\nb'",
                 id="name-unprintable"),
    pytest.param(dict(name="a" * 201), r"a model name must be printable text of at most 200 characters, got 'a{79}",
                 id="name-too-long"),
    pytest.param(dict(name=5), r"a model name must be printable text of at most 200 characters, got 5",
                 id="name-not-text"),
]


@pytest.mark.parametrize("overrides, message", INVALID)
def test_direct_construction_checks_invariants(overrides, message):
    with pytest.raises(ModelError, match=rf"^{message}$"):
        exponential(**overrides)


def test_model_errors_are_value_errors_and_symfisher_errors():
    with pytest.raises(ValueError) as info:
        exponential(params=(lam, lam))
    assert isinstance(info.value, SymfisherError)


def test_replace_checks_invariants_too():
    model = exponential()
    with pytest.raises(ModelError, match=r"^model exponential: symbol x is both data and a parameter$"):
        dataclasses.replace(model, params=(x,))


def test_valid_direct_construction_keeps_its_fields():
    model = exponential(name="a" * 200, n_obs=n, domain=((lam, sp.Interval.open(0, 5)),))
    assert (model.data, model.params, model.n_obs) == ((x,), (lam,), n)
    assert model.density == lam * sp.exp(-lam * x)
    assert model.support_map == {x: POS}
    assert model.domain_map == {lam: sp.Interval.open(0, 5)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.name = "other"  # type: ignore[misc]


def test_a_parameter_only_in_the_support_is_present():
    model = Model(-sp.log(theta), (x,), (theta,), ((x, sp.Interval.open(0, theta)),), name="uniform")
    assert model.support_depends_on_params


# ---------------------------------------------------------------------------------------------- constructors
def test_from_pdf_exponential():
    model = Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], POS, name="exponential")
    assert sp.expand(model.logpdf - (sp.log(lam) - lam * x)) == 0
    assert model.density == lam * sp.exp(-lam * x)
    assert (model.data, model.params, model.given, model.n_obs) == ((x,), (lam,), (), 1)
    assert model.support == ((x, POS),)
    assert not model.discrete and not model.support_depends_on_params
    assert str(model) == "Model exponential: log p = -lambda*x + log(lambda)  (x ∈ (0, oo); θ = lambda)"


def test_from_logpdf_normal_mean():
    logp = -(xr - mu) ** 2 / 2 - sp.log(2 * sp.pi) / 2
    model = Model.from_logpdf(logp, xr, [mu], sp.S.Reals, name="normal")
    assert model.logpdf == logp
    assert sp.simplify(model.density - sp.exp(-(xr - mu) ** 2 / 2) / sp.sqrt(2 * sp.pi)) == 0
    assert model.support_map == {xr: sp.S.Reals}
    assert model.domain_map == {mu: sp.S.Reals}
    assert model.constants == ()


def test_support_from_data_assumptions_and_as_a_pair():
    assert Model.from_pdf(lam * sp.exp(-lam * x), x, [lam]).support == ((x, POS),)
    pair = Model.from_pdf(1 / theta, x, [theta], (0, theta), validate=False)
    assert pair.support == ((x, sp.Interval(0, theta)),)


@pytest.mark.parametrize("make, name, label, support, discrete", [
    pytest.param(lambda: st.Exponential("X", lam), "Exponential", "x", sp.Interval(0, sp.oo), False, id="exponential"),
    pytest.param(lambda: st.Poisson("N", lam), "Poisson", "n", sp.S.Naturals0, True, id="poisson"),
])
def test_from_stats(make, name, label, support, discrete):
    model = Model.from_stats(make(), [lam])
    assert model.name == name
    assert [s.name for s in model.data] == [label]
    assert model.support_map[model.data[0]] == support
    assert model.discrete is discrete
    assert model.data[0].is_integer is (True if discrete else None)


def test_from_stats_rejects_a_plain_symbol():
    with pytest.raises(ModelError, match=r"^from_stats needs a sympy.stats random symbol, got x$"):
        Model.from_stats(x, [lam])


CONSTRUCTOR_ERRORS = [
    pytest.param(("lam*exp(-lam*x)", x, [lam], POS),
                 r"the density must be a SymPy expression; parse text with Model.from_string", id="string-density"),
    pytest.param((sp.I * x, x, [lam], POS),
                 r"the density contains nan, complex infinity or the imaginary unit: I\*x", id="imaginary-density"),
    pytest.param((lam * sp.exp(-lam * x), x, [mu], POS), r"model model: parameter mu does not appear in the density",
                 id="parameter-absent"),
    pytest.param((sp.exp(-lam), x, [lam], POS), r"model model: the density does not depend on the data \[x\]",
                 id="data-absent"),
    pytest.param((lam * sp.exp(-lam * x), x, [lam], "R"),
                 r"support of x must be a SymPy Set \(Interval, Range, FiniteSet, S.Reals, S.Naturals0 \.\.\.\), "
                 r"got 'R' of type str", id="support-a-string"),
    pytest.param((lam * sp.exp(-lam * x), [x, y], [lam], POS),
                 r"model model: the support Interval.open\(0, oo\) does not fit the 2 data symbols; give the support "
                 r"of the data \(x, y\) as a ProductSet with one factor per data symbol .* or a dict symbol → Set",
                 id="support-not-a-dict"),
    pytest.param((lam * sp.exp(-lam * x - y), [x, y], [lam], {x: POS}),
                 r"model model: support dict must have exactly the data symbols; missing \[y\], unexpected \[\]",
                 id="support-dict-missing-symbol"),
    pytest.param((lam * sp.exp(-lam * x), sp.Symbol("w"), [lam], None),
                 r"model model: no support given and data symbol w has no assumptions to take it from; "
                 r"pass support=\.\.\. or declare w real/positive/integer", id="no-support-no-assumptions"),
    pytest.param((lam * sp.exp(-lam * x), x, [lam, lam], POS), r"params lists a symbol twice: \[lambda, lambda\]",
                 id="duplicate-parameter"),
    pytest.param((lam * sp.exp(-lam * x), x, lam * 2, POS),
                 r"params must be SymPy Symbols, got 2\*lambda of type Mul", id="params-an-expression"),
    pytest.param((lam * sp.exp(-lam * x), x, 3, POS),
                 r"params must be a SymPy Symbol or a list of Symbols, got 3", id="params-a-number"),
    pytest.param((2 * lam * sp.exp(-lam * x), x, [lam], POS),
                 r"model model: the density is not normalized: it integrates to 2 over x ∈ \(0, oo\) "
                 r"at lambda=[0-9/]+; a density must integrate \(a mass function sum\) to 1 for every parameter value",
                 id="not-normalized"),
]


@pytest.mark.parametrize("args, message", CONSTRUCTOR_ERRORS)
def test_from_pdf_errors(args, message):
    with pytest.raises(ModelError, match=rf"^{message}$"):
        Model.from_pdf(*args)


# ---------------------------------------------------------------------------------------------- derived views
@pytest.mark.parametrize("n_obs, expected", [
    pytest.param(5, sp.Integer(5), id="integer"),
    pytest.param(n, n, id="symbol"),
])
def test_iid_multiplies_the_number_of_observations(n_obs, expected):
    model = exponential()
    assert model.iid(n_obs).n_obs == expected
    assert model.iid(2).iid(n_obs).n_obs == 2 * expected
    assert model.n_obs == 1  # frozen: iid is a copy


@pytest.mark.parametrize("bad, message", [
    pytest.param(0, r"iid\(n\) needs a positive integer number of observations, got 0", id="zero"),
    pytest.param(-1, r"iid\(n\) needs a positive integer number of observations, got -1", id="negative"),
    pytest.param(sp.Rational(1, 2), r"iid\(n\) needs a positive integer number of observations, got 1/2",
                 id="fraction"),
    pytest.param(-n, r"iid\(n\) needs a positive number of observations, got -n", id="negative-symbol"),
    pytest.param("3", r"iid\(n\) needs a positive integer or a SymPy expression, got '3'", id="string"),
])
def test_iid_rejects(bad, message):
    with pytest.raises(ModelError, match=rf"^{message}$"):
        exponential().iid(bad)


def test_constants_are_free_symbols_that_are_not_data_parameters_or_covariates():
    """Gamma with a known shape k and an unknown scale θ: k is a constant."""
    density = x ** (k - 1) * sp.exp(-x / theta) / (sp.gamma(k) * theta**k)
    model = Model.from_pdf(density, x, [theta], POS, validate=False)
    assert model.constants == (k,)
    assert Model.from_pdf(density, x, [theta, k], POS, validate=False).constants == ()


def test_constants_include_support_bounds():
    a = sp.Symbol("a", positive=True)
    model = Model(-sp.log(theta), (x,), (theta,), ((x, sp.Interval.open(a, a + theta)),))
    assert model.constants == (a,)


def test_domain_map_from_assumptions_explicit_domains_and_covariates():
    logp = -(xr - mu * z) ** 2 / (2 * sigma**2) - sp.log(sigma) - sp.log(2 * sp.pi) / 2
    model = Model.from_logpdf(logp, xr, [mu, sigma], sp.S.Reals, given=[z], validate=False,
                              domain={sigma: sp.Interval(1, 2)})
    assert model.domain_map == {mu: sp.S.Reals, sigma: sp.Interval(1, 2), z: sp.S.Reals}
    assert model.domain == ((sigma, sp.Interval(1, 2)),)


@pytest.mark.parametrize("support, depends", [
    pytest.param(POS, False, id="fixed"),
    pytest.param(sp.Interval.open(0, theta), True, id="upper-bound-theta"),
    pytest.param(sp.Interval(theta, sp.oo), True, id="lower-bound-theta"),
])
def test_support_depends_on_params(support, depends):
    model = Model(-sp.log(theta) + 0 * x, (x,), (theta,), ((x, support),))
    assert model.support_depends_on_params is depends


A = sp.Symbol("a", positive=True)
K1, K2 = sp.symbols("k1 k2", integer=True, nonnegative=True)
P1, P2 = sp.symbols("p1 p2", positive=True)
TRINOMIAL = (sp.factorial(n) / (sp.factorial(K1) * sp.factorial(K2) * sp.factorial(n - K1 - K2))
             * P1**K1 * P2**K2 * (1 - P1 - P2) ** (n - K1 - K2))
ONE_HOT = sp.FiniteSet(sp.Tuple(1, 0), sp.Tuple(0, 1))


@pytest.mark.parametrize("density, data, params, support, symbols", [
    pytest.param(1 / theta, (x,), [theta], sp.Interval.open(0, theta), {theta}, id="set"),
    pytest.param(1 / theta, (x,), [theta], {x: sp.Interval.open(A, A + theta)}, {A, theta}, id="dict"),
    pytest.param(1 / (theta * k), (x, y), [theta], sp.Interval.open(0, theta) * sp.Interval.open(0, k), {theta, k},
                 id="product-set"),
    pytest.param(TRINOMIAL, (K1, K2), [P1, P2], Model.simplex([K1, K2], n), {n}, id="condition-set"),
    pytest.param(P1**K1 * (1 - P1) ** K2, (K1, K2), [P1], ONE_HOT, set(), id="finite-set-of-tuples"),
])
def test_support_symbols_on_every_form_of_support(density, data, params, support, symbols):
    """The free symbols of the ranges and of the joint set, never the data (a ConditionSet binds them)."""
    model = Model.from_pdf(density, data, params, support, validate=False)
    assert model.support_symbols == frozenset(symbols)
    assert isinstance(model.support_symbols, frozenset)
    assert model.support_depends_on_params is not model.support_symbols.isdisjoint(params)
    assert set(model.constants) == set(symbols) - set(params)


# ---------------------------------------------------------------------------------------------- indicators
def test_heaviside_indicator_is_absorbed_into_the_support():
    """Heaviside(θ − x)/θ on (0, ∞) is Uniform(0, θ): density 1/θ on (0, θ)."""
    model = Model.from_pdf(sp.Heaviside(theta - x) / theta, x, [theta], POS, name="uniform")
    assert model.support == ((x, sp.Interval.open(0, theta)),)
    assert model.density == 1 / theta
    assert model.logpdf == -sp.log(theta)
    assert model.support_depends_on_params
    assert not model.logpdf.has(sp.Heaviside)


def test_two_sided_indicators_give_a_symmetric_support():
    density = sp.Heaviside(theta - xr) * sp.Heaviside(xr + theta) / (2 * theta)
    model = Model.from_pdf(density, xr, [theta], sp.S.Reals, name="uniform")
    assert model.support_map[xr] in (sp.Interval.open(-theta, theta), sp.Interval(-theta, theta))
    assert model.density == 1 / (2 * theta)
