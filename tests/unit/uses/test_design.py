"""Optimal design: published D-, A- and E-optimal designs, the equivalence-theorem certificate, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import brentq

import symfisher as sf
import symfisher.catalog as catalog
from symfisher.errors import ModelError, NotSupportedError, RegularityError
from symfisher.uses.design import (Design, bounds_from_text, evaluate_design, optimal_design, plot_design,
                                   point_from_text)

y = sp.Symbol("y", real=True)
z = sp.Symbol("z", real=True)
b0, b1, b2 = sp.symbols("b0 b1 b2", real=True)
NORMAL_CONST = -sp.log(2 * sp.pi) / 2


def _regression(mean: sp.Expr, params, given=(z,)) -> sf.Derivation:
    """y ~ N(mean, 1) given the covariates."""
    return sf.derive(sf.Model.from_logpdf(-(y - mean) ** 2 / 2 + NORMAL_CONST, y, list(params), sp.S.Reals,
                                          given=list(given)))


@pytest.fixture(scope="module")
def logistic() -> sf.Derivation:
    return sf.derive(catalog.get("logistic-regression").model())


@pytest.fixture(scope="module")
def line() -> sf.Derivation:
    return _regression(b0 + b1 * z, (b0, b1))


@pytest.fixture(scope="module")
def quadratic() -> sf.Derivation:
    return _regression(b0 + b1 * z + b2 * z**2, (b0, b1, b2))


MM_Z = sp.Symbol("z", nonnegative=True)
V, K, SIGMA = sp.symbols("V K sigma", positive=True)


@pytest.fixture(scope="module")
def michaelis_menten() -> sf.Derivation:
    """E[y] = V z/(K + z), constant variance σ² (σ a parameter too)."""
    mean = V * MM_Z / (K + MM_Z)
    pdf = sp.exp(-(y - mean) ** 2 / (2 * SIGMA**2)) / sp.sqrt(2 * sp.pi * SIGMA**2)
    return sf.derive(sf.Model.from_pdf(pdf, y, [V, K, SIGMA], sp.S.Reals, given=[MM_Z]))


def _support(r: Design) -> tuple[list[float], list[float]]:
    return r.points[:, 0].tolist(), r.weights.tolist()


# ---------------------------------------------------------------------------------------------- published designs
def test_logistic_d_optimal_at_linear_predictor_pm_1_5434(logistic):
    # symmetric two-point designs ±η have det M = (π(1−π) η)²: optimal where η tanh(η/2) = 1
    eta = brentq(lambda e: e * math.tanh(e / 2) - 1, 0.5, 3.0)
    assert round(eta, 4) == 1.5434
    r = optimal_design(logistic, {"z": (-5, 5)}, {"beta0": 0, "beta1": 1})
    points, weights = _support(r)
    assert points == pytest.approx([-eta, eta], abs=1e-7)
    assert weights == pytest.approx([0.5, 0.5], abs=1e-8)
    assert r.certificate.maximum == pytest.approx(2.0, abs=1e-8)
    assert r.certificate.bound == 2.0 and abs(r.certificate.gap) < 1e-8
    assert r.certificate.efficiency_bound == pytest.approx(1.0, abs=1e-8)
    pi = 1 / (1 + math.exp(-eta))
    assert r.value == pytest.approx(math.log((pi * (1 - pi) * eta) ** 2), abs=1e-10)
    # another θ: the same linear predictor values, z = (±η − β0)/β1
    r2 = optimal_design(logistic, {"z": (-5, 5)}, [1, 2])
    assert _support(r2)[0] == pytest.approx([(-eta - 1) / 2, (eta - 1) / 2], abs=1e-7)


@pytest.mark.parametrize("theta, z_max", [((2.0, 3.0, 0.5), 10.0), ((1.0, 0.5, 1.0), 2.0)])
def test_michaelis_menten_d_optimal(michaelis_menten, theta, z_max):
    v, k, s = theta
    r = optimal_design(michaelis_menten, {MM_Z: (0, z_max)}, {V: v, K: k, SIGMA: s})
    points, weights = _support(r)
    assert points == pytest.approx([k * z_max / (2 * k + z_max), z_max], abs=1e-7)
    assert weights == pytest.approx([0.5, 0.5], abs=1e-8)
    assert r.certificate.bound == 3.0 and abs(r.certificate.gap) < 1e-7


@pytest.mark.parametrize("criterion, value", [("D", 0.0), ("A", 2.0), ("E", 1.0)])
def test_straight_line_on_minus_one_one(line, criterion, value):
    r = optimal_design(line, {z: (-1, 1)}, [0, 0], criterion=criterion)
    points, weights = _support(r)
    assert points == pytest.approx([-1.0, 1.0], abs=1e-8)
    assert weights == pytest.approx([0.5, 0.5], abs=1e-7)
    assert r.value == pytest.approx(value, abs=1e-9)
    assert r.certificate.maximum == pytest.approx(r.certificate.bound, abs=1e-8)
    assert r.certificate.optimal()
    assert r.objective == {"D": "log det M", "A": "tr M⁻¹", "E": "λ_min(M)"}[criterion]


def test_straight_line_e_optimal_eigenvalue_is_double(line):
    # M = I: λ_min = 1 twice; the certificate searches the whole eigenspace (E = diag(a, 1 − a))
    r = optimal_design(line, {z: (-1, 1)}, [0, 0], criterion="E")
    assert r.certificate.multiplicity == 2
    assert np.allclose(r.information, np.eye(2), atol=1e-7)


@pytest.mark.parametrize("criterion, weights, value", [
    ("D", [1 / 3, 1 / 3, 1 / 3], math.log(4 / 27)),   # det M = (2/3)(2/3 − 4/9) = 4/27
    ("A", [1 / 4, 1 / 2, 1 / 4], 8.0),                # Pukelsheim (1993) §9.5: A-optimal weights ¼, ½, ¼
    ("E", [1 / 5, 3 / 5, 1 / 5], 0.2),                # Pukelsheim & Studden (1993): 1/5, 3/5, 1/5, λ_min = 1/5
])
def test_quadratic_regression(quadratic, criterion, weights, value):
    r = optimal_design(quadratic, {z: (-1, 1)}, [0, 0, 0], criterion=criterion)
    points, w = _support(r)
    assert points == pytest.approx([-1.0, 0.0, 1.0], abs=1e-6)
    assert w == pytest.approx(weights, abs=1e-6)
    assert r.value == pytest.approx(value, abs=1e-8)
    assert r.certificate.gap < 1e-7 * max(1.0, r.certificate.bound)


def test_two_covariates_interaction_model_puts_a_quarter_on_each_corner():
    x1, x2 = sp.symbols("x1 x2", real=True)
    b = sp.symbols("c0:4", real=True)
    d = _regression(b[0] + b[1] * x1 + b[2] * x2 + b[3] * x1 * x2, b, given=(x1, x2))
    r = optimal_design(d, {"x2": (-1, 1), x1: (-1, 1)}, [0, 0, 0, 0])
    assert r.covariates == (x1, x2)
    assert r.points.tolist() == [[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]]
    assert r.weights == pytest.approx([0.25] * 4, abs=1e-8)
    assert r.certificate.maximum == pytest.approx(4.0, abs=1e-8)


# ---------------------------------------------------------------------------------------------- certificate
def test_certificate_of_a_non_optimal_design(line):
    r = evaluate_design(line, {z: (-1, 1)}, [0, 0], points=[-0.5, 0.5])
    c = r.certificate
    assert not r.optimized and "design (D criterion)" in str(r)
    # M = diag(1, 1/4): d(z) = 1 + 4 z², largest at z = ±1: 5 against p = 2
    assert c.maximum == pytest.approx(5.0, abs=1e-9) and c.gap == pytest.approx(3.0, abs=1e-9)
    assert abs(c.argmax[0]) == pytest.approx(1.0)
    assert not c.optimal()
    assert r.sensitivity([0.0, 0.5, 1.0]) == pytest.approx([1.0, 2.0, 5.0])
    best = optimal_design(line, {z: (-1, 1)}, [0, 0])
    assert r.efficiency(best) == pytest.approx(0.5)          # (det diag(1, 1/4) / det I)^{1/2}
    assert c.efficiency_bound == pytest.approx(2 / 5) and c.efficiency_bound <= r.efficiency(best)


def test_sensitivity_equals_the_bound_at_the_support(logistic):
    r = optimal_design(logistic, {"z": (-4, 4)}, [0, 1])
    assert r.sensitivity(r.points[:, 0]) == pytest.approx([2.0, 2.0], abs=1e-8)
    assert r.sensitivity(0.0) < 2.0


def test_n_support_caps_the_support(quadratic):
    r = optimal_design(quadratic, {z: (-1, 1)}, [0, 0, 0], n_support=3)
    assert len(r.weights) == 3
    with pytest.raises(RegularityError, match=r"^model model: n_support = 2 point\(s\) give a singular information: each "
                       r"I\(θ; z\) has rank 1, and 3 parameters \(b0, b1, b2\) need at least 3$"):
        optimal_design(quadratic, {z: (-1, 1)}, [0, 0, 0], n_support=2)


def test_representations(logistic):
    r = optimal_design(logistic, {"z": (-3, 3)}, {"beta0": 0, "beta1": 1})
    assert repr(r).startswith("Design(D-optimal design for logistic-regression over z: -1.5434 (w 0.5), 1.5434 (w 0.5); "
                              "log det M = -2.9933652; gap")
    text = str(r)
    assert "z = -1.5434046    w = 0.5" in text and "certificate: max_z tr(M⁻¹ I(θ; z)) = 2" in text
    assert r._repr_latex_().startswith(r"$\text{D-optimal design}: \begin{array}{c|c} z & w")
    assert r.as_dict()["weights"] == pytest.approx([0.5, 0.5])
    with pytest.raises(AttributeError):
        r.value = 0.0  # frozen


# ---------------------------------------------------------------------------------------------- bad input
def test_region_outside_the_covariate_domain(michaelis_menten):
    with pytest.raises(ModelError, match=r"^model model: design region \[-1, 10\] of covariate z is outside its domain "
                       r"\[0, oo\)$"):
        optimal_design(michaelis_menten, {MM_Z: (-1, 10)}, [1, 1, 1])


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(covariate_bounds={"w": (0, 1)}), ModelError, r"^model logistic-regression: unknown covariate 'w'; covariates: z$"),
    (dict(criterion="G"), ModelError, r"^unknown criterion 'G'; choose one of 'D', 'A', 'E'$"),
    (dict(covariate_bounds={"z": (1, -1)}), ModelError,
     r"^model logistic-regression: design region of covariate z is empty: low 1 is not below high -1$"),
    (dict(covariate_bounds={"z": (0, math.inf)}), ModelError,
     r"^model logistic-regression: the high bound of covariate z must be finite, got inf$"),
    (dict(at={"beta0": 0}), ModelError, r"^model logistic-regression: no value for parameter beta1$"),
    (dict(n_support=0), ModelError, r"^n_support must be a positive integer, got 0$"),
    (dict(n_support=1), RegularityError, r"^model logistic-regression: n_support = 1 point\(s\) give a singular "
     r"information: each I\(θ; z\) has rank 1, and 2 parameters \(beta0, beta1\) need at least 2$"),
])
def test_bad_input(logistic, kwargs, error, message):
    args = dict(covariate_bounds={"z": (-3, 3)}, at=[0, 1]) | kwargs
    with pytest.raises(error, match=message):
        optimal_design(logistic, **args)


def test_model_without_covariates():
    d = sf.derive(catalog.get("normal").model())
    with pytest.raises(ModelError, match=r"^model normal has no covariates \(given=...\), so there is nothing to design$"):
        optimal_design(d, {"z": (0, 1)}, [0, 1])


def test_singular_information_of_a_given_design(logistic):
    with pytest.raises(RegularityError, match=r"^model logistic-regression: the information M = Σ wᵢ I\(θ; zᵢ\) of the "
                       r"design with 1 support point\(s\) is singular at beta0 = 0, beta1 = 1 \(2 parameters\)$"):
        evaluate_design(logistic, {"z": (-3, 3)}, [0, 1], points=[1.0])
    with pytest.raises(ModelError, match=r"^model logistic-regression: design point \[4.0\] is outside the region \[-3, 3\]$"):
        evaluate_design(logistic, {"z": (-3, 3)}, [0, 1], points=[1.0, 4.0])


def test_parameter_outside_its_domain(michaelis_menten):
    with pytest.raises(ModelError, match=r"^model model: parameter K = -3 is outside its domain \(0, oo\)$"):
        optimal_design(michaelis_menten, {MM_Z: (0, 10)}, {V: 2, K: -3, SIGMA: 1})


# ---------------------------------------------------------------------------------------------- text, plot, CLI
def test_text_forms():
    assert bounds_from_text("z1:(0, 1); z2:[-1,1]") == {"z1": (0.0, 1.0), "z2": (-1.0, 1.0)}
    assert point_from_text("b0 = 0, b1=1") == {"b0": 0.0, "b1": 1.0}
    with pytest.raises(ModelError, match=r"^bounds must look like \"z:\(-3,3\)\" \(several separated by ';'\), got 'z=3'$"):
        bounds_from_text("z=3")
    with pytest.raises(ModelError, match=r"^the value of b0 must be a number, got 'x'$"):
        point_from_text("b0=x")


def test_plot_design(logistic, tmp_path):
    pytest.importorskip("matplotlib")
    r = optimal_design(logistic, {"z": (-4, 4)}, [0, 1])
    out = plot_design(r, tmp_path / "design.png")
    assert (tmp_path / "design.png").stat().st_size > 10_000 and out["path"] == str(tmp_path / "design.png")
    assert out["bound"] == 2.0 and np.max(out["sensitivity"]) == pytest.approx(2.0, abs=1e-4)
    assert out["sensitivity"] == pytest.approx(r.sensitivity(out["z"]))


def test_cli_design(tmp_path, capsys):
    from symfisher.cli import main

    rc = main(["design", "logistic-regression", "--bounds", "z:(-3,3)", "--at", "beta0=0 beta1=1"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "z = -1.5434046    w = 0.5" in out and "z =  1.5434046    w = 0.5" in out
    rc = main(["design", "logistic-regression", "--bounds", "z:(-3,3)", "--at", "beta0=0"])
    assert rc == 3 and capsys.readouterr().err == "symfisher: error: model logistic-regression: no value for parameter beta1\n"
    if pytest.importorskip("matplotlib"):
        rc = main(["design", "logistic-regression", "--bounds", "z:(0,4)", "--at", "beta0=0 beta1=1", "--criterion", "A",
                   "--plot", str(tmp_path / "a.png")])
        assert rc == 0 and (tmp_path / "a.png").is_file()
        assert "A-optimal design" in capsys.readouterr().out


def test_plot_refuses_three_covariates():
    x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
    d = _regression(b0 + b1 * x1 + b2 * x2 * x3, (b0, b1, b2), given=(x1, x2, x3))
    r = evaluate_design(d, {x1: (-1, 1), x2: (-1, 1), x3: (-1, 1)}, [0, 0, 0], points=[(-1, -1, -1), (1, 1, 1), (1, -1, 1)])
    assert r.certificate.bound == 3.0
    with pytest.raises(NotSupportedError, match=r"^plot_design draws one or two covariates, not 3$"):
        plot_design(r)
