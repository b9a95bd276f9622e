"""Reparametrization: re-deriving the substituted model equals Jᵀ I J (normal log σ, logit, gamma scale)."""

from __future__ import annotations

import pytest
import sympy as sp
from _uses_cache import derive, derived

import symfisher.catalog as derivations
import symfisher as sf
from symfisher.uses import jacobian

tau = sp.Symbol("tau", real=True)
eta = sp.Symbol("eta", real=True)
theta = sp.Symbol("theta", positive=True)


def _case(name):
    m = derivations.get(name).model()
    if name == "normal":
        mu, sigma = m.params
        return {sigma: sp.exp(tau)}, [mu, tau], sp.Matrix([[sp.exp(-2 * tau), 0], [0, 2]])
    if name == "bernoulli":
        (p,) = m.params
        return {p: 1 / (1 + sp.exp(-eta))}, [eta], sp.Matrix([[sp.exp(eta) / (1 + sp.exp(eta)) ** 2]])
    alpha, beta = m.params
    return ({beta: 1 / theta}, [alpha, theta],
            sp.Matrix([[sp.polygamma(1, alpha), 1 / theta], [1 / theta, alpha / theta**2]]))


def _same(a, b) -> bool:
    return all(sp.simplify((x - y).rewrite(sp.exp)) == 0 for x, y in zip(a, b))


@pytest.mark.parametrize("name", ["normal", "bernoulli", "gamma-rate"])
def test_both_routes_agree_with_the_closed_form(name):
    mapping, new, expected = _case(name)
    transformed = derived(name).reparametrize(mapping, new)
    model = derivations.get(name).model().reparametrize(mapping, new)
    rederived = derive(model)
    assert model.params == tuple(new) and rederived.params == tuple(new)
    assert _same(transformed.fisher, expected)
    assert _same(rederived.fisher, expected)
    assert _same(transformed.neg_expected_hessian, rederived.neg_expected_hessian)
    assert _same(transformed.score, rederived.score)
    assert _same(transformed.hessian, rederived.hessian)
    assert transformed.equality.status == "proved"
    assert transformed.mean_score == sp.zeros(len(new), 1)
    assert set(transformed.strategies.values()) >= {"Jᵀ I J (reparametrized)"}
    assert any(s.stage == "reparametrize" for s in transformed.steps)


def test_reparametrized_model_keeps_data_and_support():
    m = derivations.get("normal").model()
    r = m.reparametrize({m.params[1]: sp.exp(tau)}, [m.params[0], tau])
    assert r.data == m.data and r.support == m.support
    assert r.logpdf == m.logpdf.xreplace({m.params[1]: sp.exp(tau)})
    assert r.name == "normal[sigma=exp(tau)]"


def test_jacobian():
    m = derivations.get("gamma-rate").model()
    assert jacobian(m.params, {m.params[1]: 1 / theta}, [m.params[0], theta]) == sp.Matrix(
        [[1, 0], [0, -1 / theta**2]])


def test_iid_model_transforms_with_n():
    x, lam, t = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True), sp.Symbol("t", real=True)
    d = sf.derive(sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)).iid(5))
    r = d.reparametrize({lam: sp.exp(t)}, [t])
    assert r.fisher == sp.Matrix([[5]]) and r.neg_expected_hessian == sp.Matrix([[5]])


@pytest.mark.parametrize("mapping, new, message", [
    ({"sigma": 1}, ["tau"], r"^model normal: new_params must be SymPy Symbols, got 'tau' of type str$"),
    ({sp.Symbol("nu"): tau}, [tau], r"^model normal: nu is not a parameter \(parameters: mu, sigma\)$"),
    ("sigma", [tau], r"^model normal: reparametrize needs a non-empty dict \{old parameter: expression\}, got 'sigma'$"),
])
def test_bad_mappings(mapping, new, message):
    m = derivations.get("normal").model()
    with pytest.raises(sf.ModelError, match=message):
        m.reparametrize(mapping, new)


def test_parameter_neither_replaced_nor_kept():
    m = derivations.get("normal").model()
    with pytest.raises(sf.ModelError, match=r"^model normal: parameter mu is neither replaced nor listed in new_params$"):
        m.reparametrize({m.params[1]: sp.exp(tau)}, [tau])


def test_mapping_outside_the_domain():
    m = derivations.get("normal").model()
    with pytest.raises(sf.ModelError, match=r"^model normal: the reparametrization maps .* to sigma = -.*, "
                                            r"outside its domain \(0, oo\)$"):
        m.reparametrize({m.params[1]: tau}, [m.params[0], tau])
