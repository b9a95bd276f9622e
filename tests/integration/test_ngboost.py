"""symfisher.ngboost: NGBoost distributions from the closed forms (score, gradient, Fisher metric in η)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st
import sympy as sp

pytest.importorskip("ngboost")
from ngboost import NGBRegressor  # noqa: E402
from ngboost.distns import Normal  # noqa: E402
from ngboost.manifold import manifold  # noqa: E402
from ngboost.scores import LogScore  # noqa: E402
from sklearn.datasets import load_diabetes  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import symfisher as sf  # noqa: E402
from symfisher.catalog import FAMILIES  # noqa: E402
from symfisher.errors import ModelError, RegularityError, SymfisherError  # noqa: E402
from symfisher.ngboost import distribution, internal_parameter  # noqa: E402

MU, SIGMA = FAMILIES["normal"].params
K, LAM = FAMILIES["weibull"].params
EG = float(sp.EulerGamma)


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


@pytest.fixture(scope="module")
def normal_derivation():
    return sf.derive(FAMILIES["normal"].model())


@pytest.fixture(scope="module")
def sym_normal(normal_derivation):
    return distribution(normal_derivation, internal={SIGMA: sp.log}, scipy_dist=lambda m, s: st.norm(m, s),
                        name="SymNormal")


@pytest.fixture(scope="module")
def weibull():
    return distribution("weibull", internal={K: sp.log, LAM: sp.log},
                        scipy_dist=lambda k, lam: st.weibull_min(k, scale=lam))


def _train(dist, X, y, n_estimators=50):
    return NGBRegressor(Dist=dist, n_estimators=n_estimators, learning_rate=0.05, minibatch_frac=1.0,
                        natural_gradient=True, random_state=1, verbose=False).fit(X, y)


@pytest.mark.parametrize("split_seed", [0, 3])
def test_normal_training_equals_ngboost_normal(sym_normal, split_seed):
    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=split_seed)
    ours, theirs = _train(sym_normal, Xtr, ytr), _train(Normal, Xtr, ytr)
    np.testing.assert_allclose(ours.predict(Xte), theirs.predict(Xte), rtol=1e-8, atol=0)
    np.testing.assert_allclose(ours.score(Xte, yte), theirs.score(Xte, yte), rtol=1e-8, atol=0)
    np.testing.assert_allclose(ours.pred_dist(Xte).params["sigma"], theirs.pred_dist(Xte).params["scale"],
                               rtol=1e-8, atol=0)


def test_normal_class_carries_the_derivation(sym_normal, diabetes):
    ytr = diabetes[2]
    assert sym_normal.n_params == 2
    assert sym_normal.verdict.status == "proved"
    assert sym_normal.metric_exact and sym_normal.metric_from == ()
    eta = sym_normal.internal[1].symbol
    assert sym_normal.derivation.fisher == sp.Matrix([[sp.exp(-2 * eta), 0], [0, 2]])
    np.testing.assert_allclose(sym_normal.fit(ytr), Normal.fit(ytr), rtol=1e-12)
    D = sym_normal(np.array([[1.0, 2.0], [0.0, np.log(3.0)]]))
    np.testing.assert_allclose(D.params["sigma"], [1.0, 3.0])
    np.testing.assert_allclose(D.mean(), [1.0, 2.0])
    np.testing.assert_allclose(D.cdf(np.array([1.0, 2.0])), [0.5, 0.5])  # delegated to scipy
    assert D.sample(7).shape == (7, 2)
    np.testing.assert_allclose(D[1].params["sigma"], 3.0)


def test_weibull_trains_and_beats_the_marginal(weibull, diabetes):
    Xtr, Xte, ytr, yte = diabetes
    model = _train(weibull, Xtr, ytr, n_estimators=25)  # the diabetes data overfit beyond ~30 trees
    nll = -model.score(Xte, yte)
    M = manifold(LogScore, weibull)
    baseline = float(np.mean(M(np.tile(weibull.fit(ytr)[:, None], len(yte))).score(yte)))
    assert np.isfinite(nll) and nll < baseline - 0.1      # 5.46 against 5.64 nats
    # the same model as NGBoost's hand-written Weibull (rounding aside)
    from ngboost.distns import Weibull
    np.testing.assert_allclose(nll, -_train(Weibull, Xtr, ytr, n_estimators=25).score(Xte, yte), rtol=1e-3)
    # the marginal fit is scipy's Weibull MLE
    k, _, lam = st.weibull_min.fit(ytr, floc=0)
    np.testing.assert_allclose(np.exp(weibull.fit(ytr)), [k, lam], rtol=1e-4)


def _rows():
    return np.array([[np.log(0.7), np.log(1.5), np.log(3.0)], [np.log(2.0), np.log(0.5), np.log(10.0)]])


def test_d_score_is_the_gradient_of_score(weibull):
    P, y = _rows(), np.array([1.3, 0.2, 12.0])
    M = manifold(LogScore, weibull)
    h = 1e-6
    fd = np.stack([(M(P + h * e[:, None]).score(y) - M(P - h * e[:, None]).score(y)) / (2 * h)
                   for e in np.eye(2)], axis=-1)
    np.testing.assert_allclose(M(P).d_score(y), fd, rtol=1e-6, atol=1e-8)


def test_metric_is_the_reparametrized_literature_information(weibull):
    P = _rows()
    k, lam = np.exp(P)
    c = (1 - EG) ** 2 + np.pi**2 / 6
    literature = np.stack([np.stack([c / k**2, -(1 - EG) / lam], -1), np.stack([-(1 - EG) / lam, k**2 / lam**2], -1)], -2)
    J = np.zeros((3, 2, 2))
    J[:, 0, 0], J[:, 1, 1] = k, lam  # ∂θ/∂η for θ = e^η
    expected = np.einsum("nji,njk,nkl->nil", J, literature, J)
    np.testing.assert_allclose(manifold(LogScore, weibull)(P).metric(), expected, rtol=1e-12)


def test_metric_matches_monte_carlo_outer_products(weibull):
    P = np.array([[np.log(1.7)], [np.log(2.5)]])
    M = manifold(LogScore, weibull)(P)
    y = st.weibull_min(1.7, scale=2.5).rvs(size=400_000, random_state=np.random.default_rng(5))
    D = M.__class__(np.repeat(P, y.size, axis=1)).d_score(y)
    mc = D.T @ D / y.size
    np.testing.assert_allclose(mc, M.metric()[0], rtol=0.02, atol=0.01)


def test_mean_without_scipy_is_the_closed_form():
    Exp = distribution("exponential")
    D = Exp(np.array([[0.0, np.log(4.0)]]))
    np.testing.assert_allclose(D.mean(), [1.0, 0.25])
    with pytest.raises(SymfisherError, match=r"^distribution Exponential: sampling and SciPy methods need scipy_dist$"):
        D.sample(3)


def test_default_transforms_and_free_constants():
    assert [sp.sstr(internal_parameter(p, FAMILIES["weibull"].model().domain_map[p]).transform)
            for p in (K, LAM)] == ["log(k)", "log(lambda)"]
    T = distribution("normal-mean", constants={"sigma": 2.0})
    assert [sp.sstr(ip.transform) for ip in T.internal] == ["mu"]
    assert T.constants == {"sigma": 2.0}
    M = manifold(LogScore, T)(np.array([[0.5, 1.0]]))
    np.testing.assert_allclose(M.score(np.array([1.0, 4.0])), -st.norm([0.5, 1.0], 2.0).logpdf([1.0, 4.0]),
                               rtol=1e-12)
    np.testing.assert_allclose(M.metric()[:, 0, 0], [0.25, 0.25])
    with pytest.raises(ModelError, match=r"^model normal-mean: the free constant sigma needs a value, e\.g\. "
                                         r"constants=\{'sigma': 5\}$"):
        distribution("normal-mean")


@pytest.mark.parametrize("internal, message", [
    ({MU: sp.Abs}, r"^transform Abs\(mu\) of mu is not invertible on the domain Reals of mu \(g\(θ\) = η has "
                   r"several solutions: .*\)$"),
    ({MU: MU**2}, r"^transform mu\*\*2 of mu is not invertible on the domain Reals of mu .*$"),
    ({MU: MU**3}, r"^transform mu\*\*3 of mu is not invertible with a differentiable inverse on Reals: its "
                  r"derivative 3\*mu\*\*2 vanishes at mu = 0$"),
    ({SIGMA: sp.Abs}, r"^parameter sigma has domain Interval.open\(0, oo\), but NGBoost's internal parameters take "
                      r"any real value: give it a transform onto ℝ \(e\.g\. internal=\{sigma: sympy\.log\}\)$"),
    ({SIGMA: sp.exp}, r"^transform exp\(sigma\) of sigma: its image is Interval.open\(1, oo\), not all of ℝ; "
                      r"NGBoost's internal parameters take any real value \(use e\.g\. log for a positive "
                      r"parameter\)$"),
    ({"tau": sp.log}, r"^model normal: tau is not a parameter \(parameters: mu, sigma\)$"),
    ({SIGMA: "log"}, r"^the transform of sigma must be a SymPy function or expression, not the string 'log' "
                     r"\(strings are not evaluated\)$"),
    ({SIGMA: sp.log(MU)}, r"^the transform of sigma must be an expression in sigma alone, got log\(mu\)$"),
])
def test_bad_transforms_are_one_line_errors(normal_derivation, internal, message):
    with pytest.raises(ModelError, match=message) as info:
        distribution(normal_derivation, internal=internal)
    assert "\n" not in str(info.value)


def test_bad_models_are_one_line_errors():
    with pytest.raises(ModelError, match=r"^model logistic-regression: has covariates z; an NGBoost distribution "
                                         r"is the conditional law of y, its features are NGBoost's X \(drop the "
                                         r"covariates\)$"):
        distribution("logistic-regression")
    with pytest.raises(ModelError, match=r"^unknown catalog family 'weibul' \(see `symfisher list`\)$"):
        distribution("weibul")
    with pytest.raises(RegularityError, match=r"^distribution Uniform: the information equality is refuted .*"):
        distribution("uniform")


def test_internal_parameter_logit():
    p = sp.Symbol("p", positive=True)
    ip = internal_parameter(p, sp.Interval.open(0, 1))
    assert sp.simplify(ip.inverse - 1 / (1 + sp.exp(-ip.symbol))) == 0
