"""Strategy "elliptical" (strategies/elliptical.py): a density of one quadratic form, taken in radius and direction.

Literature: Lange, Little & Taylor (1989), "Robust statistical modeling using the t distribution", JASA 84,
881–896, §2: for the k-variate t with ν degrees of freedom, location μ and scale Σ,
I_μμ = (ν + k)/(ν + k + 2) Σ⁻¹, I_νν = ¼[ψ′(ν/2) − ψ′((ν + k)/2)] − k(ν + k + 4)/(2ν(ν + k)(ν + k + 2)),
and for Σ(θ): I_ij = (ν + k)/(2(ν + k + 2)) tr(Σ⁻¹Σ_iΣ⁻¹Σ_j) − tr(Σ⁻¹Σ_i) tr(Σ⁻¹Σ_j)/(2(ν + k + 2)),
I_{ν,i} = −tr(Σ⁻¹Σ_i)/((ν + k)(ν + k + 2)).
The numeric check by cubature of every entry is sympy.stats' MultivariateT in tests/integration/test_sympy_stats.py.
"""

from __future__ import annotations

import pytest
import sympy as sp

import symfisher as sf
from _strategy_cases import apply, same
from symfisher.core.expectation.strategies.elliptical import radial_shapes, sphere_moment

x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
mu1, mu2 = sp.symbols("mu1 mu2", real=True)
nu, s = sp.symbols("nu s", positive=True)
REALS2 = {x1: sp.S.Reals, x2: sp.S.Reals}
# forms and verdicts, not speed (the benchmark's): limits that a loaded CI machine does not reach
ROOMY = sf.Config.defaults().merge(entry_timeout=30.0, open_timeout=30.0, try_scale=4.0)


def _t_density(scale: sp.Matrix, k: int, xs, mus, dof) -> sp.Expr:
    d = sp.Matrix([x - m for x, m in zip(xs, mus)])
    q = (d.T * scale.inv() * d)[0]
    return (sp.gamma((dof + k) / 2) / (sp.gamma(dof / 2) * (dof * sp.pi)**sp.Rational(k, 2) * sp.sqrt(scale.det()))
            * (1 + q / dof)**(-(dof + k) / 2))


CORRELATED = sp.Matrix([[2, 1], [1, 3]])
T_CORRELATED = sf.Model.from_pdf(_t_density(CORRELATED, 2, (x1, x2), (mu1, mu2), nu), [x1, x2], [mu1, mu2, nu],
                                 REALS2, name="bivariate-t")


def test_the_correlated_bivariate_t_matches_lange_little_taylor():
    d = sf.derive(T_CORRELATED, config=ROOMY)
    assert d.closed and d.equality.status == "proved"
    ratio = (nu + 2) / (nu + 4)
    assert all(same(d.fisher[i, j], ratio * CORRELATED.inv()[i, j]) for i in range(2) for j in range(2))
    i_nu = (sp.polygamma(1, nu / 2) - sp.polygamma(1, nu / 2 + 1)) / 4 - 2 * (nu + 6) / (2 * nu * (nu + 2) * (nu + 4))
    assert same(d.fisher[2, 2], sp.expand_func(i_nu)) and same(d.fisher[0, 2], 0)
    assert d.strategies[("fisher", 2, 2)].startswith("elliptical")


def test_a_trivariate_cauchy_law_with_a_scale():
    """ν = 1, k = 3, Σ = s²I: I_μ = (4/6)/s² per coordinate and I_ss = (4/6)·12/s² − 36/(12 s²) = 1/s²."""
    q = ((x1 - mu1)**2 + (x2 - mu2)**2 + x3**2) / s**2
    m = sf.Model.from_pdf((1 + q)**-2 / (sp.pi**2 * s**3), [x1, x2, x3], [mu1, mu2, s],
                          {x1: sp.S.Reals, x2: sp.S.Reals, x3: sp.S.Reals}, name="cauchy-3")
    d = sf.derive(m)
    assert [[same(d.fisher[i, j], v) for j, v in enumerate(row)] for i, row in
            enumerate([[2 / (3 * s**2), 0, 0], [0, 2 / (3 * s**2), 0], [0, 0, 1 / s**2]])] == [[True] * 3] * 3
    assert d.equality.status == "proved"


def test_the_entry_is_a_sum_of_sphere_moments_times_radial_expectations():
    r = apply("expression", "elliptical", T_CORRELATED, (x1 - mu1)**2 / (1 + (x1 - mu1)**2))
    assert r is None  # a non-polynomial part that sees the direction: not a function of the radius
    r = apply("expression", "elliptical", T_CORRELATED, (x1 - mu1)**2)
    assert r is not None and same(r.value, 2 * nu / (nu - 2)) and r.strategies[0] == "elliptical"


def test_a_tilted_density_is_not_elliptical():
    """sympy.stats' multivariate Laplace: exp(xᵀΣ⁻¹μ) K₀(√(xᵀΣ⁻¹x)·c) is no function of one quadratic form."""
    a = sp.Symbol("a", real=True)
    tilted = sf.Model.from_pdf(sp.exp(a * x1 - (x1**2 + x2**2)**2) * sp.exp(-a**2 / 4) / sp.pi, [x1, x2], [a],
                               REALS2, validate=False, name="tilted")
    assert apply("expression", "elliptical", tilted, x1**2) is None


@pytest.mark.parametrize(("alpha", "value"), [((2, 0), sp.Rational(1, 2)), ((4, 0), sp.Rational(3, 8)),
                                              ((2, 2), sp.Rational(1, 8)), ((1, 1), 0), ((2, 0, 0), sp.Rational(1, 3)),
                                              ((2, 2, 0), sp.Rational(1, 15))])
def test_sphere_moments(alpha, value):
    assert sphere_moment(alpha) == value


def test_radial_shapes_sum_the_coefficients_of_each_shape_after_the_sphere_moments():
    """a ρ²u₁²/(ρ² + 1) + b ρ²u₂²/(ρ² + 1) + c u₁ + u₁²u₂²: E[u₁²] = E[u₂²] = 1/2, E[u₁] = 0, E[u₁²u₂²] = 1/8 in ℝ²,
    so two shapes are left, ρ²/(ρ² + 1) with (a + b)/2 and 1 with 1/8; a shape whose coefficients cancel is dropped."""
    rho = sp.Symbol("rho", positive=True)
    u = sp.symbols("u1 u2", real=True)
    a, b, c = sp.symbols("a b c", positive=True)
    shape = rho**2 / (rho**2 + 1)
    g = a * shape * u[0]**2 + b * shape * u[1]**2 + c * u[0] + u[0]**2 * u[1]**2 + sp.log(rho) * (u[0]**2 - u[1]**2)
    found = radial_shapes(g, rho, u)
    assert set(found) == {shape, sp.Integer(1)}
    assert sp.simplify(found[shape] - (a + b) / 2) == 0 and found[sp.Integer(1)] == sp.Rational(1, 8)
    assert radial_shapes(sp.sin(u[0]) * rho, rho, u) is None
