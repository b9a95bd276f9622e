"""Textbook continuous families that are not in the catalog, derived from their densities as a new user writes them.

Each closes by general mathematics (no family is named in the engine): Beta and Beta-prime integrals after the
power and rational substitutions u = x^a, u = x^a/(1 + x^a), the Mellin transform with its analytic continuation,
the parametric transform E[log h·g] = ∂/∂t E[h^t g], and parity for odd atoms. For every family I(θ) must equal
the literature's matrix, and the literature's matrix is itself checked against quadrature of E[s sᵀ] at a point,
so a misprint (ours or the source's) cannot pass unnoticed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import mpmath
import pytest
import sympy as sp

import symfisher as sf
from symfisher import Model
from symfisher.core.breakpoints import breaks_of

x = sp.Symbol("x", positive=True)
xr = sp.Symbol("x", real=True)
a, b, c, k, p, s, lam = sp.symbols("a b c k p s lambda", positive=True)
alpha, beta = sp.symbols("alpha beta", positive=True)
mu = sp.Symbol("mu", real=True)
m, z = sp.symbols("m z", real=True)  # a known offset, a covariate
UNIT, POS = sp.Interval.open(0, 1), sp.Interval.open(0, sp.oo)
psi = lambda z: sp.polygamma(0, z)  # noqa: E731
psi1 = lambda z: sp.polygamma(1, z)  # noqa: E731
G = sp.EulerGamma


@dataclass(frozen=True)
class Family:
    model: Callable[[], Model]
    fisher: sp.Matrix  # the literature's I(θ)
    points: tuple[dict, ...]  # parameter points for the quadrature checks
    equality: str = "proved"
    open_entries: frozenset = frozenset()  # entries still left to quadrature (see the family's comment)
    quadrature_end: float | None = None  # where the quadrature stops instead of ∞ (a double-exponential tail)
    config: sf.Config | None = None  # roomier limits, where a route needs most of the default's time alone


_LN3_W = sp.exp(-mu + s**2 / 2)  # E[1/(x − γ)] of the three-parameter log-normal


def _truncated_normal_fisher() -> sp.Matrix:
    """I(mu, s) of the normal truncated to x > 0, from the moments of T = (x, x²) (see the family's comment)."""
    mills = sp.sqrt(2 / sp.pi) * sp.exp(-mu**2 / (2 * s**2)) / (1 + sp.erf(mu / (sp.sqrt(2) * s)))
    m = [sp.S.One, mu + s * mills]
    for order in (2, 3, 4):
        m.append((order - 1) * s**2 * m[order - 2] + mu * m[order - 1])
    cov = sp.Matrix([[m[2] - m[1] ** 2, m[3] - m[1] * m[2]], [m[3] - m[1] * m[2], m[4] - m[2] ** 2]])
    jacobian = sp.Matrix([[1 / s**2, -2 * mu / s**3], [0, 1 / s**3]])  # ∂(mu/s², -1/(2s²))/∂(mu, s)
    return jacobian.T * cov * jacobian


def _gompertz_fisher() -> sp.Matrix:
    """I(b, eta) of the Gompertz law from Lenart's first two moments (see the family's comment)."""
    first = sp.exp(lam) * sp.expint(1, lam) / b
    second = sp.exp(lam) * ((G + sp.log(lam)) ** 2 + sp.pi**2 / 6 - 2 * lam * sp.hyper([1, 1, 1], [2, 2, 2], -lam)) / b**2
    cross = (1 / b + first) / lam
    return sp.Matrix([[1 / b**2 + 2 * first / b + second, cross], [cross, 1 / lam**2]])


_HUBER_C = sp.sqrt(2 * sp.pi) * sp.erf(k / sp.sqrt(2)) + 2 * sp.exp(-k**2 / 2) / k  # ∫ e^{−ρ_k(u)} du

FAMILIES = {
    # Jones (2009), "Kumaraswamy's distribution: a beta-type distribution with some tractability advantages",
    # Statistical Methodology 6, 70-81, Section 4.3 (the b/(b - 2) factor has a removable singularity at b = 2).
    "kumaraswamy": Family(
        lambda: Model.from_pdf(a * b * x ** (a - 1) * (1 - x**a) ** (b - 1), x, [a, b], UNIT, name="kumaraswamy"),
        sp.Matrix([[(1 + b / (b - 2) * ((psi(b) - psi(2)) ** 2 - (psi1(b) - psi1(2)))) / a**2,
                    -(psi(b + 1) - psi(2)) / (a * (b - 1))],
                   [-(psi(b + 1) - psi(2)) / (a * (b - 1)), 1 / b**2]]),
        ({a: 1.7, b: 3.2}, {a: 0.6, b: 1.4})),
    # Burr XII / Singh-Maddala with unit scale: Kleiber & Kotz (2003), "Statistical Size Distributions in
    # Economics and Actuarial Sciences", Section 6.2 (Fisher information of the Singh-Maddala distribution).
    "burr-xii": Family(
        lambda: Model.from_pdf(c * k * x ** (c - 1) * (1 + x**c) ** (-k - 1), x, [c, k], POS, name="burr-xii"),
        sp.Matrix([[(1 + k / (k + 2) * ((psi(k + 1) - psi(2)) ** 2 + psi1(k + 1) + psi1(2))) / c**2,
                    (psi(2) - psi(k)) / (c * (k + 1))],
                   [(psi(2) - psi(k)) / (c * (k + 1)), 1 / k**2]]),
        ({c: 2.2, k: 1.3}, {c: 0.8, k: 3.5})),
    # Log-logistic with scale alpha and shape beta: Shoukri, Mian & Tracy (1988), "Sampling properties of
    # estimators of the log-logistic distribution ...", Canadian Journal of Statistics 16, 223-236.
    "log-logistic": Family(
        lambda: Model.from_pdf((beta / alpha) * (x / alpha) ** (beta - 1) / (1 + (x / alpha) ** beta) ** 2, x,
                               [alpha, beta], POS, name="log-logistic"),
        sp.Matrix([[beta**2 / (3 * alpha**2), 0], [0, (3 + sp.pi**2) / (9 * beta**2)]]),
        ({alpha: 1.6, beta: 2.5}, {alpha: 0.7, beta: 4.0})),
    # Lomax / Pareto II with shape alpha and scale lambda: Giles, Feng & Godwin (2013), "On the bias of the
    # maximum likelihood estimator for the two-parameter Lomax distribution", Comm. Statist. Theory Methods 42.
    "lomax": Family(
        lambda: Model.from_pdf((alpha / lam) * (1 + x / lam) ** (-(alpha + 1)), x, [alpha, lam], POS, name="lomax"),
        sp.Matrix([[1 / alpha**2, -1 / (lam * (alpha + 1))],
                   [-1 / (lam * (alpha + 1)), alpha / (lam**2 * (alpha + 2))]]),
        ({alpha: 2.5, lam: 1.5}, {alpha: 0.8, lam: 3.0})),
    # Dagum (a, b, p): Kleiber & Kotz (2003), Section 6.3; Domma (2002), "L'andamento della hazard function nel
    # modello di Dagum a tre parametri", Quaderni di Statistica 4 (the information matrix of the Dagum model).
    "dagum": Family(
        lambda: Model.from_pdf(a * p / x * (x / b) ** (a * p) / ((x / b) ** a + 1) ** (p + 1), x, [a, b, p], POS,
                               name="dagum"),
        sp.Matrix([[(1 + p / (p + 2) * ((psi(p + 1) - psi(2)) ** 2 + psi1(p + 1) + psi1(2))) / a**2,
                    (p * (psi(2) - psi(p)) - 1) / (b * (p + 2)), (psi(2) - psi(p)) / (a * (p + 1))],
                   [(p * (psi(2) - psi(p)) - 1) / (b * (p + 2)), a**2 * p / (b**2 * (p + 2)), a / (b * (p + 1))],
                   [(psi(2) - psi(p)) / (a * (p + 1)), a / (b * (p + 1)), 1 / p**2]]),
        ({a: 3.0, b: 1.5, p: 0.9}, {a: 1.8, b: 0.6, p: 2.5})),
    # Generalized normal / exponential power with location mu, scale alpha, shape beta: Nadarajah (2005),
    # "A generalized normal distribution", Journal of Applied Statistics 32, 685-694, Section 5
    # (I_mu,mu needs beta > 1 on the Hessian route; the score route needs beta > 1/2). -E[H]_mu,mu holds
    # E[|Y|^(beta-1) delta(Y)], 0 for beta > 1 (strategy "dirac"): proved for beta > 1.
    "generalized-normal": Family(
        lambda: Model.from_pdf(beta / (2 * alpha * sp.gamma(1 / beta)) * sp.exp(-(sp.Abs(xr - mu) / alpha) ** beta),
                               xr, [mu, alpha, beta], sp.Reals, name="generalized-normal"),
        sp.Matrix([[beta * (beta - 1) * sp.gamma(1 - 1 / beta) / (alpha**2 * sp.gamma(1 / beta)), 0, 0],
                   [0, beta / alpha**2, -(1 + psi(1 + 1 / beta)) / (alpha * beta)],
                   [0, -(1 + psi(1 + 1 / beta)) / (alpha * beta),
                    ((1 + 1 / beta) * psi1(1 + 1 / beta) + psi(1 + 1 / beta) ** 2 + 2 * psi(1 + 1 / beta)) / beta**3]]),
        ({mu: 0.3, alpha: 1.2, beta: 1.5}, {mu: -0.4, alpha: 0.8, beta: 3.0})),
    # Frechet with shape alpha and scale s: the Weibull information (Cohen 1965, Technometrics 7, 579-588)
    # under X -> 1/X, which flips the sign of the shape-scale entry.
    "frechet": Family(
        lambda: Model.from_pdf((alpha / s) * (x / s) ** (-1 - alpha) * sp.exp(-((x / s) ** (-alpha))), x,
                               [alpha, s], POS, name="frechet"),
        sp.Matrix([[((1 - G) ** 2 + sp.pi**2 / 6) / alpha**2, (1 - G) / s], [(1 - G) / s, alpha**2 / s**2]]),
        ({alpha: 2.5, s: 1.3}, {alpha: 1.2, s: 0.5})),
    # Gompertz with shape eta and rate b: E[X] = e^eta E1(eta)/b and E[X²] = e^eta ((gamma + log eta)² + pi²/6
    # - 2 eta 3F3(1, 1, 1; 2, 2, 2; -eta))/b², Lenart (2014), "The moments of the Gompertz distribution and maximum
    # likelihood estimation of its parameters", Scandinavian Actuarial Journal 2014(3), 255-277. With U = e^{bX},
    # the score identities E[s_b] = 0 and ∂E[X]/∂b = E[X s_b] give E[XU] = (1/b + E[X])/eta and
    # eta E[X²U] = 2E[X]/b + E[X²], so I_bb = 1/b² + eta E[X²U] and I_b,eta = E[XU].
    "gompertz": Family(
        lambda: Model.from_pdf(b * lam * sp.exp(b * x + lam - lam * sp.exp(b * x)), x, [b, lam], POS, name="gompertz"),
        _gompertz_fisher(),
        ({b: 1.3, lam: 0.7}, {b: 0.4, lam: 2.5}),
        quadrature_end=60.0),  # exp(-eta e^{bx}) below e^{-10^9} there; mpmath's exp of e^{bx} at x = 10^30 never ends
    # Birnbaum-Saunders with shape alpha and scale beta: I = diag(2/alpha², (1 + alpha(2 pi)^(-1/2) h(alpha))/(alpha² beta²)),
    # h(alpha) = alpha sqrt(pi/2) - pi e^(2/alpha²)(1 - Phi(2/alpha)), Lemonte, Cribari-Neto & Vasconcellos (2007),
    # "Improved statistical inference for the two-parameter Birnbaum-Saunders distribution", Computational
    # Statistics & Data Analysis 51, 4656-4681. X and beta²/X have the same law: the harmonic terms close over
    # w = sqrt(x/beta) - sqrt(beta/x), which is N(0, alpha²).
    "birnbaum-saunders": Family(
        lambda: Model.from_pdf((sp.sqrt(x / beta) + sp.sqrt(beta / x)) / (2 * alpha * x * sp.sqrt(2 * sp.pi))
                               * sp.exp(-(x / beta + beta / x - 2) / (2 * alpha**2)), x, [alpha, beta], POS,
                               name="birnbaum-saunders"),
        sp.diag(2 / alpha**2, (1 + alpha / sp.sqrt(2 * sp.pi) * (alpha * sp.sqrt(sp.pi / 2) - sp.pi * sp.exp(2 / alpha**2)
                                                                * sp.erfc(sp.sqrt(2) / alpha) / 2)) / (alpha**2 * beta**2)),
        ({alpha: 0.7, beta: 1.3}, {alpha: 1.8, beta: 0.6}),
        config=sf.Config.defaults().merge(entry_timeout=8.0)),  # I_ββ closes in 3 s of 4 alone, not in 2.5
    # Normal (mu, s) truncated to x > 0. In the natural parameters eta = (mu/s², -1/(2s²)) of T = (x, x²),
    # I = Jᵀ Cov(T) J (J = ∂eta/∂theta); the moments follow Cohen (1991), "Truncated and Censored Samples",
    # Marcel Dekker, Section 2.2: m1 = mu + s·lambda with lambda = phi(mu/s)/Phi(mu/s) the inverse Mills ratio
    # (Johnson, Kotz & Balakrishnan 1994, Section 10.1, eq. 13.134), and m_k = (k - 1)s²m_{k-2} + mu·m_{k-1}
    # for k >= 2 at the truncation point 0.
    "truncated-normal": Family(
        lambda: Model.from_pdf(sp.exp(-(x - mu) ** 2 / (2 * s**2)) / (sp.sqrt(2 * sp.pi) * s)
                               / ((1 + sp.erf(mu / (sp.sqrt(2) * s))) / 2), x, [mu, s], POS, name="truncated-normal"),
        _truncated_normal_fisher(),
        ({mu: 0.4, s: 1.3}, {mu: -1.5, s: 0.7})),
    # Regressions whose location is no parameter but an expression in a covariate or a known offset: the
    # location-scale strategy reads it off log p (x − βz, x − m). Linear regression with t errors, ν = 5 known:
    # I_ββ = (ν + 1)z²/((ν + 3)s²), I_ss = 2ν/((ν + 3)s²), I_βs = 0, Lange, Little & Taylor (1989), "Robust
    # statistical modeling using the t distribution", JASA 84, 881-896, Section 3 (their scale is s²).
    "t5-regression": Family(
        lambda: Model.from_pdf(sp.gamma(3) / (sp.sqrt(5 * sp.pi) * sp.gamma(sp.Rational(5, 2)) * s)
                               * (1 + ((xr - beta * z) / s) ** 2 / 5) ** -3, xr, [beta, s], sp.Reals, given=[z],
                               name="t5-regression"),
        sp.diag(3 * z**2 / (4 * s**2), 5 / (4 * s**2)),
        ({beta: 0.7, s: 1.3, z: 1.8}, {beta: -1.2, s: 0.6, z: -0.5})),
    # The same with ν free: I_νν = ¼(ψ′(ν/2) − ψ′((ν + 1)/2)) − (ν + 5)/(2ν(ν + 1)(ν + 3)), I_sν = −2/(s(ν + 1)(ν + 3)),
    # Lange, Little & Taylor (1989), Section 3. The score route gives I_νν with Γ(ν/2 + 1/2)/Γ(ν/2 + 5/2): proved once
    # the zero test shifts Γ arguments by integers.
    "t-regression-free-nu": Family(
        lambda: Model.from_pdf(sp.gamma((k + 1) / 2) / (sp.sqrt(k * sp.pi) * sp.gamma(k / 2) * s)
                               * (1 + ((xr - beta * z) / s) ** 2 / k) ** (-(k + 1) / 2), xr, [beta, s, k], sp.Reals,
                               given=[z], name="t-regression-free-nu"),
        sp.Matrix([[(k + 1) * z**2 / ((k + 3) * s**2), 0, 0],
                   [0, 2 * k / ((k + 3) * s**2), -2 / (s * (k + 1) * (k + 3))],
                   [0, -2 / (s * (k + 1) * (k + 3)),
                    (psi1(k / 2) - psi1((k + 1) / 2)) / 4 - (k + 5) / (2 * k * (k + 1) * (k + 3))]]),
        ({beta: 0.7, s: 1.3, k: 4.5, z: 1.8}, {beta: -1.2, s: 0.6, k: 2.2, z: -0.5})),
    # Logistic errors about mu + m, m a known offset: the logistic law's location-scale information
    # diag(1/(3s²), (3 + π²)/(9s²)), Johnson, Kotz & Balakrishnan (1995), "Continuous Univariate Distributions",
    # Vol. 2, Chapter 23, Section 7 (Antle, Klimko & Harkness 1970, Biometrika 57, 397-402).
    "logistic-with-offset": Family(
        lambda: Model.from_pdf(sp.exp(-(xr - mu - m) / s) / (s * (1 + sp.exp(-(xr - mu - m) / s)) ** 2), xr, [mu, s],
                               sp.Reals, given=[m], name="logistic-with-offset"),
        sp.diag(1 / (3 * s**2), (3 + sp.pi**2) / (9 * s**2)),
        ({mu: 0.3, s: 1.1, m: 2.0}, {mu: -0.8, s: 0.5, m: -1.5})),
    # The exponential power law of order 4 about a known offset m: Nadarajah (2005) above, I_ss = beta/s² at beta = 4.
    "power-4-with-offset": Family(
        lambda: Model.from_pdf(2 / (s * sp.gamma(sp.Rational(1, 4))) * sp.exp(-(((xr - m) / s) ** 4)), xr, [s],
                               sp.Reals, given=[m], name="power-4-with-offset"),
        sp.Matrix([[4 / s**2]]),
        ({s: 1.3, m: 0.5}, {s: 0.6, m: -2.0})),
    # Topp–Leone, 2ν(1 − x)(x(2 − x))^(ν − 1) on (0, 1): an exponential family in ν with one statistic written as two
    # logarithms, T = log x + log(2 − x) (they share η = ν − 1). The MLE ν̂ = −n/Σ log(x_i(2 − x_i)) has asymptotic
    # variance ν²/n, so I(ν) = 1/ν²: Ghitany, Kotz & Xie (2005), "On some reliability measures and their stochastic
    # orderings for the Topp–Leone distribution", Journal of Applied Statistics 32, 715-722, Section 5.
    "topp-leone": Family(
        lambda: Model.from_pdf(2 * a * (1 - x) * (x * (2 - x)) ** (a - 1), x, [a], UNIT, name="topp-leone"),
        sp.Matrix([[1 / a**2]]),
        ({a: 0.7}, {a: 2.6})),
    # Laws written as two branches that meet at a break point which moves with θ (the piecewise strategy; the
    # Hessian carries the score's jump at the break point, −(s₊ − s₋)·∂y₀/∂θ·δ(x − y₀), as SymPy's |x − μ| does).
    # The two-piece normal, σ₁ = a below μ and σ₂ = b above: each half has mass σᵢ/(a + b) and is a half-normal
    # with E|Z| = √(2/π), EZ² = 1, E|Z|³ = 2√(2/π), EZ⁴ = 3 (Johnson, Kotz & Balakrishnan 1994, "Continuous
    # Univariate Distributions", Vol. 1, Section 13.10.2), which gives the matrix below term by term, with
    # I_μμ = 1/(ab) as in Wallis (2014), "The two-piece normal, binormal, or double Gaussian distribution", Statistical
    # Science 29, 106-112. The density is continuous at μ and so is the score: no jump term, the law is regular.
    "two-piece-normal": Family(
        lambda: Model.from_pdf(sp.sqrt(2 / sp.pi) / (a + b) * sp.Piecewise(
            (sp.exp(-(xr - mu) ** 2 / (2 * a**2)), xr < mu), (sp.exp(-(xr - mu) ** 2 / (2 * b**2)), True)),
            xr, [mu, a, b], sp.Reals, name="two-piece-normal"),
        sp.Matrix([[1 / (a * b), -2 * sp.sqrt(2 / sp.pi) / (a * (a + b)), 2 * sp.sqrt(2 / sp.pi) / (b * (a + b))],
                   [-2 * sp.sqrt(2 / sp.pi) / (a * (a + b)), (2 * a + 3 * b) / (a * (a + b) ** 2), -1 / (a + b) ** 2],
                   [2 * sp.sqrt(2 / sp.pi) / (b * (a + b)), -1 / (a + b) ** 2, (3 * a + 2 * b) / (b * (a + b) ** 2)]]),
        ({mu: 0.3, a: 0.7, b: 1.6}, {mu: -1.1, a: 2.2, b: 0.5})),
    # The asymmetric Laplace AL*(θ, κ, σ), density (√2/σ)κ/(1 + κ²)·exp(−√2κ(x − θ)/σ) above θ and
    # exp(√2(x − θ)/(σκ)) below: Kotz, Kozubowski & Podgórski (2001), "The Laplace Distribution and Generalizations",
    # Birkhäuser, Chapter 3 (I_θθ = 2/σ², I_κκ = 1/κ² + 4/(1 + κ²)², I_σσ = 1/σ², I_θσ = 0). The score jumps at θ:
    # −E[H_θθ] comes from the δ term alone, (√2/σ)(κ + 1/κ)·p(θ) = 2/σ².
    "asymmetric-laplace": Family(
        lambda: Model.from_pdf(sp.sqrt(2) / s * k / (1 + k**2) * sp.Piecewise(
            (sp.exp(-sp.sqrt(2) * k / s * (xr - mu)), xr >= mu), (sp.exp(sp.sqrt(2) / (s * k) * (xr - mu)), True)),
            xr, [mu, k, s], sp.Reals, name="asymmetric-laplace"),
        sp.Matrix([[2 / s**2, -2 * sp.sqrt(2) / (s * (1 + k**2)), 0],
                   [-2 * sp.sqrt(2) / (s * (1 + k**2)), 1 / k**2 + 4 / (1 + k**2) ** 2, (k**2 - 1) / (s * k * (1 + k**2))],
                   [0, (k**2 - 1) / (s * k * (1 + k**2)), 1 / s**2]]),
        ({mu: 0.3, k: 0.7, s: 1.6}, {mu: -1.1, k: 2.2, s: 0.5})),
    # Quantile regression: the asymmetric Laplace likelihood of the τ-quantile, τ(1 − τ)/s·exp(−ρ_τ((x − βz)/s)),
    # ρ_τ(u) = u(τ − 1{u < 0}), at τ = 1/4. P(x < βz) = τ, so I_ββ = (τ²(1 − τ) + (1 − τ)²τ)z²/s² = τ(1 − τ)z²/s²,
    # I_ss = 1/s², I_βs = 0: Yu & Zhang (2005), "A three-parameter asymmetric Laplace distribution and its
    # extension", Communications in Statistics - Theory and Methods 34, 1867-1879, Section 3.
    "quantile-regression": Family(
        lambda: Model.from_pdf(sp.Rational(3, 16) / s * sp.Piecewise(
            (sp.exp(-(xr - beta * z) / (4 * s)), xr >= beta * z), (sp.exp(3 * (xr - beta * z) / (4 * s)), True)),
            xr, [beta, s], sp.Reals, given=[z], name="quantile-regression"),
        sp.diag(sp.Rational(3, 16) * z**2 / s**2, 1 / s**2),
        ({beta: 0.7, s: 1.3, z: 1.8}, {beta: -1.2, s: 0.6, z: -0.5})),
    # Huber's least favourable law (a Gaussian centre, exponential tails; break points μ ± kσ, three pieces), written
    # as the textbook writes ρ, with |u| in the condition and in the tails: p = exp(−ρ_k(u))/(σC), u = (x − μ)/σ,
    # C = √(2π) erf(k/√2) + 2e^{−k²/2}/k. Huber (1964), "Robust estimation of a location parameter", Annals of
    # Mathematical Statistics 35, 73-101: I_μμ = E[ψ_k'(u)]/σ² = (1 − ε)(2Φ(k) − 1)/σ² with 1 − ε = √(2π)/C.
    # I_σσ = E[(uψ_k(u) − 1)²]/σ² term by term: ∫_{−k}^{k}(u² − 1)²e^{−u²/2}du = 2M₀ − 2k e − 2k³e (M₀ = √(2π) erf(k/√2),
    # e = e^{−k²/2}, the truncated normal moments), each tail e(k⁴ + 1)/k, so I_σσ = (2 − 2e(k + 1/k)/C)/σ²; I_μσ = 0
    # by symmetry. The score is continuous at both break points: no jump terms, the law is regular.
    "huber-least-favourable": Family(
        lambda: Model.from_logpdf(-sp.Piecewise((((xr - mu) / s) ** 2 / 2, sp.Abs((xr - mu) / s) <= k),
                                                (k * sp.Abs((xr - mu) / s) - k**2 / 2, True)) - sp.log(s * _HUBER_C),
                                  xr, [mu, s], sp.Reals, name="huber-least-favourable"),
        sp.diag(sp.sqrt(2 * sp.pi) * sp.erf(k / sp.sqrt(2)) / (_HUBER_C * s**2),
                (2 - 2 * sp.exp(-k**2 / 2) * (k + 1 / k) / _HUBER_C) / s**2),
        ({mu: 0.3, s: 1.6, k: 1.345}, {mu: -1.1, s: 0.5, k: 0.7})),
    # The three-parameter log-normal, log(x − γ) ~ N(μ, σ²) on x > γ with the threshold γ a parameter: the support
    # moves with γ, but the density vanishes there with all its derivatives, so the law is regular (Hill 1963, "The
    # three-parameter lognormal distribution and Bayesian analysis of a point-source epidemic", JASA 58, 72-84).
    # With z = (log(x − γ) − μ)/σ the γ-score is (1 + z/σ)e^{−μ−σz}, and E[zʲe^{−cσz}] from the normal moment
    # generating function (E[e^{−σz}] = e^{σ²/2}, E[ze^{−σz}] = −σe^{σ²/2}, E[z²e^{−σz}] = (1 + σ²)e^{σ²/2}, and at 2σ)
    # gives I_μγ = w/σ², I_σγ = −2w/σ with w = e^{−μ+σ²/2}, I_γγ = e^{2(σ²−μ)}(1 + σ²)/σ²; I_μμ = 1/σ², I_σσ = 2/σ²,
    # I_μσ = 0.
    # Closed by the shift x = γ + y, then t = log y and the square completed.
    "three-parameter-log-normal": Family(
        lambda: Model.from_pdf(sp.exp(-(sp.log(x - c) - mu) ** 2 / (2 * s**2)) / ((x - c) * s * sp.sqrt(2 * sp.pi)),
                               x, [mu, s, c], sp.Interval(c, sp.oo), name="three-parameter-log-normal"),
        sp.Matrix([[1 / s**2, 0, _LN3_W / s**2], [0, 2 / s**2, -2 * _LN3_W / s],
                   [_LN3_W / s**2, -2 * _LN3_W / s, sp.exp(2 * (s**2 - mu)) * (1 + s**2) / s**2]]),
        ({mu: 0.3, s: 0.6, c: 1.5}, {mu: -0.4, s: 1.1, c: 0.2})),
    # The four-parameter Beta law, (x − μ)/s ~ Beta(a, b) on (μ, μ + s), finite I for a, b > 2: Aryal and Nadarajah
    # (2004), "Information matrix for beta distributions", Serdica Math. J. 30, 513-526, give I' in (a, b, lower end,
    # upper end); in (a, b, μ, s) the upper end is μ + s, so I = Jᵀ I' J. Closed by location-scale (y = (x − μ)/s), Beta
    # integrals and the Mellin transform of the standard Beta law (whose score holds 1/(y − 1)).
    "four-parameter-beta": Family(
        lambda: Model.from_pdf((xr - mu) ** (a - 1) * (mu + s - xr) ** (b - 1) / (sp.beta(a, b) * s ** (a + b - 1)),
                               xr, [a, b, mu, s], sp.Interval.open(mu, mu + s), name="four-parameter-beta",
                               domain={a: sp.Interval.open(2, sp.oo), b: sp.Interval.open(2, sp.oo)}),
        (lambda lit: sp.Matrix([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]]) * lit
         * sp.Matrix([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1]]))(sp.Matrix([
             [psi1(a) - psi1(a + b), -psi1(a + b), b / ((a - 1) * s), 1 / s],
             [-psi1(a + b), psi1(b) - psi1(a + b), -1 / s, -a / ((b - 1) * s)],
             [b / ((a - 1) * s), -1 / s, b * (a + b - 1) / ((a - 2) * s**2), (a + b - 1) / s**2],
             [1 / s, -a / ((b - 1) * s), (a + b - 1) / s**2, a * (a + b - 1) / ((b - 2) * s**2)]])),
        ({a: 3.5, b: 3.25, mu: -0.3, s: 2.5}, {a: 5.0, b: 2.5, mu: 1.2, s: 0.7})),
    # The generalized Pareto law with a positive shape ξ (heavy tail), (1 + ξx/σ)^(−1/ξ−1)/σ on x > 0: Smith (1985),
    # "Maximum likelihood estimating in a class of nonregular cases", Biometrika 72, 67-90, I = [[2, 1/σ],
    # [1/σ, (1 + ξ)/σ²]]/((1 + ξ)(1 + 2ξ)) in (ξ, σ). Closed by scale, the substitution u = ξy/(1 + ξy) and Beta
    # integrals, whose convergence conditions (1 + (1 − ξ)/ξ = 1/ξ > 0) hold for every ξ > 0: none is left.
    "generalized-pareto": Family(
        lambda: Model.from_pdf((1 + c * x / s) ** (-1 / c - 1) / s, x, [c, s], POS, name="generalized-pareto"),
        sp.Matrix([[2, 1 / s], [1 / s, (1 + c) / s**2]]) / ((1 + c) * (1 + 2 * c)),
        ({c: 0.3, s: 1.7}, {c: 0.8, s: 0.4})),
}


def _quadrature_fisher(model: Model, point: dict, end: float | None = None) -> sp.Matrix:
    """E[s sᵀ] at the point by mpmath quadrature of the score's outer product against the density."""
    (data, support), = model.support
    score = [sp.diff(model.logpdf, q).subs(point) for q in model.params]
    density = sp.lambdify(data, model.density.subs(point), "mpmath")
    fns = [sp.lambdify(data, si, "mpmath") for si in score]
    lo, hi = (float(e.subs(point)) if e.is_finite else (mpmath.inf if e > 0 else -mpmath.inf)
              for e in (support.inf, support.sup))
    hi = hi if end is None else end
    found = breaks_of(model.density, data) or ()  # kinks of the integrand: quadrature splits there
    inner = [float(b.point.subs(point)) for b in found] or [point.get(mu, 0) + point.get(m, 0)]
    cut = [lo, hi] if support.inf != -sp.oo else [lo, *inner, hi]
    n = len(score)
    out = sp.zeros(n, n)
    for i in range(n):
        for j in range(i, n):
            v = mpmath.quad(lambda t: fns[i](t) * fns[j](t) * density(t), cut)
            out[i, j] = out[j, i] = float(v)
    return out


def _matrix_at(m: sp.Matrix, point: dict) -> sp.Matrix:
    return m.subs(point).evalf(30)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_literature_matrix_agrees_with_quadrature(name: str) -> None:
    fam = FAMILIES[name]
    model = fam.model()
    for point in fam.points:
        lit = _matrix_at(fam.fisher, point)
        num = _quadrature_fisher(model, point, fam.quadrature_end)
        for i in range(lit.rows):
            for j in range(lit.cols):
                assert float(lit[i, j]) == pytest.approx(float(num[i, j]), rel=1e-7, abs=1e-10), (name, point, i, j)


def _same(left: sp.Expr, right: sp.Expr) -> bool:
    difference = sp.expand_func(sp.sympify(left) - right)
    return sp.simplify(sp.cancel(sp.gammasimp(difference))) == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_derivation_closes_and_matches_literature(name: str) -> None:
    fam = FAMILIES[name]
    t0 = time.perf_counter()
    d = sf.derive(fam.model(), config=fam.config)
    seconds = time.perf_counter() - t0
    assert {key for key, v in d.strategies.items() if "no closed form" in v} == fam.open_entries, dict(d.strategies)
    assert all(_same(d.fisher[i, j], fam.fisher[i, j]) for i in range(d.fisher.rows) for j in range(d.fisher.cols)), \
        d.fisher.tolist()
    assert d.equality.status == fam.equality, d.equality.reason
    assert seconds < 30, seconds
    if name == "generalized-pareto":  # 1 + (1 − ξ)/ξ > 0 is 1/ξ > 0: no condition left to state
        assert d.conditions == () and "valid only" not in d.equality.reason
    if name == "kumaraswamy":  # u = x^a, then Mellin; b > 0 suffices, as log factors widen the Beta strip
        assert d.strategies[("neg_expected_hessian", 0, 0)] == "linearity+substitution+transform:mellin+data-free"
        assert d.conditions == ()


@pytest.mark.slow
def test_the_dagum_verdict_does_not_rest_on_the_entries_being_tidied(monkeypatch):
    """With every tidy of the entries cut short (as a loaded machine's time limits do; in CI the verdict was then
    "vanishes numerically"), the residual E[s_a²] − E[−H_aa], 705 operations with B((ap + 2a)/a, 1) and b^a, b^(2a)
    in it, still simplifies to 0: proved."""
    from symfisher.core import deadline, pipeline

    if deadline.start_method() != "fork":
        pytest.skip("workers started from a fork server do not see the patched tidy")
    monkeypatch.setattr(pipeline, "rational_form", lambda value, seconds: None)
    monkeypatch.setattr(pipeline, "simplify_within", lambda value, seconds: value)
    d = sf.derive(FAMILIES["dagum"].model())
    assert d.equality.status == "proved", d.equality.reason
    assert "the residual simplifies to zero" in d.equality.reason
    assert sp.count_ops(d.fisher[0, 0]) > 3 * sp.count_ops(FAMILIES["dagum"].fisher[0, 0])  # the tidy was cut


@pytest.mark.slow
def test_the_gompertz_numeric_functions_evaluate_the_closed_forms(tmp_path):
    """E₁ compiles to scipy.special.exp1 and ₃F₃(1, 1, 1; 2, 2, 2; ·) to the runtime's unit_hyper: no entry is left to
    quadrature, the generated functions agree with the closed forms, and so does the exported standalone module."""
    import numpy as np

    d = sf.derive(FAMILIES["gompertz"].model())
    f = d.lambdify()
    assert tuple(f.fisher_open) == ()  # E₁ as scipy.special.exp1, ₃F₃ as unit_hyper
    at = {b: 1.3, lam: 0.7}
    closed = np.array(_matrix_at(d.fisher, at).tolist(), dtype=float)
    np.testing.assert_allclose(f.fisher(at[b], at[lam]), closed, rtol=1e-12)
    path = sf.export_code(d, tmp_path / "gompertz_fisher.py")
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - our own generated code
    np.testing.assert_allclose(namespace["fisher"](at[b], at[lam]), closed, rtol=1e-12)


@pytest.mark.slow
def test_the_power_lindley_law_closes():
    """α θ²/(θ + 1) (1 + x^α) x^{α−1} e^{−θx^α} (Ghitany, Al-Mutairi, Balakrishnan & Al-Enezi 2013, Computational
    Statistics & Data Analysis 64, 20–33): in u = x^α a Lindley law, so I_θθ is the Lindley law's
    (θ² + 4θ + 2)/(θ²(θ + 1)²) (Ghitany, Atieh & Nadarajah 2008); the paper leaves I_αα and I_αθ as integrals, here
    closed (E[U² log²U/(1 + U)] a Stieltjes transform of the Gamma kernel) and checked by quadrature."""
    model = Model.from_pdf(a * lam**2 / (lam + 1) * (1 + x**a) * x ** (a - 1) * sp.exp(-lam * x**a), x, [a, lam], POS,
                           name="power-lindley")
    d = sf.derive(model)
    assert d.closed and d.equality.status == "proved", dict(d.strategies)
    assert _same(d.fisher[1, 1], (lam**2 + 4 * lam + 2) / (lam**2 * (lam + 1) ** 2))
    score = [sp.diff(model.logpdf, q) for q in (a, lam)]
    for point in ({a: sp.Rational(17, 10), lam: sp.Rational(9, 10)}, {a: sp.Rational(3, 5), lam: sp.Rational(12, 5)}):
        lit = _matrix_at(d.fisher, point)
        with mpmath.workdps(30):  # x^{α−1} log²x at 0 for α < 1: the plain quadrature keeps only eight digits
            for i in range(2):
                for j in range(i, 2):
                    f = sp.lambdify(x, (score[i] * score[j] * model.density).subs(point), "mpmath")
                    num = mpmath.quad(f, [0, 1e-12, 1e-8, 1e-4, 1e-2, 1, 10, mpmath.inf])
                    assert float(lit[i, j]) == pytest.approx(float(num), rel=1e-12), (point, i, j)


@pytest.mark.slow
def test_a_threshold_of_either_sign_is_proved():
    """The three-parameter log-normal with γ real, as a user declares a threshold that may be negative: γ is then a
    location, and the standardized law (a log-normal in y = x − γ) needs the inner variable t = log y and the normal
    law's moment generating function, which its engine now has (before, at one level down, every γ entry stayed
    open: 'inconclusive'). Hill's matrix, as for γ > 0 above."""
    g = sp.Symbol("g", real=True)
    fam = FAMILIES["three-parameter-log-normal"]
    model = Model.from_pdf(sp.exp(-(sp.log(xr - g) - mu) ** 2 / (2 * s**2)) / ((xr - g) * s * sp.sqrt(2 * sp.pi)),
                           xr, [mu, s, g], sp.Interval.open(g, sp.oo), name="three-parameter-log-normal")
    d = sf.derive(model)
    assert d.closed and d.equality.status == "proved", d.equality.reason
    assert all(_same(d.fisher[i, j], fam.fisher[i, j]) for i in range(3) for j in range(3)), d.fisher.tolist()
