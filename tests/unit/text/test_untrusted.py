"""Model.from_string, the CLI's --density/--logdensity, and symbol names shared with functions."""

from __future__ import annotations

import re

import pytest
import sympy as sp

import symfisher as sf
from symfisher.cli import main
from symfisher.text.parse import parse_expression, parse_symbols

NORMAL = "exp(-(x-mu)^2/(2*sigma^2))/sqrt(2*pi*sigma^2)"


def test_normal_from_string_has_declared_assumptions_and_fisher():
    m = sf.Model.from_string(NORMAL, "x", "mu:real sigma:positive", "(-oo, oo)", name="normal")
    mu, sigma = m.params
    assert (mu.name, mu.is_real, mu.is_positive) == ("mu", True, None)
    assert (sigma.name, sigma.is_positive) == ("sigma", True)
    assert m.support_map == {m.data[0]: sp.Interval(-sp.oo, sp.oo)}
    assert sf.derive(m, timeout=60).fisher == sp.Matrix([[sigma**-2, 0], [0, 2 / sigma**2]])


def test_logpdf_kind_and_support_from_assumptions():
    m = sf.Model.from_string("log(lam) - lam*x", "x:positive", "lam:positive", kind="logpdf")
    assert m.support == ((m.data[0], sp.Interval.open(0, sp.oo)),)
    assert sp.simplify(m.density - m.params[0] * sp.exp(-m.params[0] * m.data[0])) == 0


def test_discrete_support_refines_data_symbol_to_integer():
    m = sf.Model.from_string("lam^k*exp(-lam)/factorial(k)", "k", "lam:positive", "Naturals0")
    k = m.data[0]
    assert (k.is_integer, k.is_nonnegative, m.discrete) == (True, True, True)
    assert sf.derive(m, timeout=60).fisher == sp.Matrix([[1 / m.params[0]]])


DIRICHLET = "gamma(a+b+c)/(gamma(a)*gamma(b)*gamma(c))*x^(a-1)*y^(b-1)*(1-x-y)^(c-1)"


def test_point_masses_from_text_with_kronecker_delta():
    """The zero-inflated Poisson as text: KroneckerDelta(k, 0) becomes an Eq(k, 0) branch, whose point mass the
    engine splits off; I_ww = (1 − e^(−λ))/((1 − w)(w + (1 − w)e^(−λ))) (van den Broek 1995)."""
    m = sf.Model.from_string("KroneckerDelta(k, 0)*(w + (1 - w)*exp(-lam)) + (1 - KroneckerDelta(k, 0))*(1 - w)"
                             "*exp(-lam)*lam^k/factorial(k)", "k:nonnegative_integer", "w:(0, 1) lam:positive",
                             "Naturals0", name="zip")
    k, (w, lam) = m.data[0], m.params
    assert isinstance(m.density, sp.Piecewise) and m.density.args[0][1] == sp.Eq(k, 0)
    d = sf.derive(m, timeout=60)
    assert d.equality.status == "proved"
    p0 = w + (1 - w) * sp.exp(-lam)
    assert sp.simplify(d.fisher[0, 0] - (1 - sp.exp(-lam)) / ((1 - w) * p0)) == 0


def test_a_break_point_from_text_with_unit_steps():
    """The asymmetric Laplace as text, written with Heaviside steps on both sides of μ: one Piecewise with the break
    point μ, proved (it had been inconclusive, every entry open); I_μμ = 1, I_aa = 1/a² + 4/(1 + a²)²."""
    m = sf.Model.from_string("(exp(-a*(y - mu))*Heaviside(y - mu) + exp((y - mu)/a)*Heaviside(mu - y))/(a + 1/a)",
                             "y:real", "mu:real a:positive", "Reals", name="asymmetric-laplace")
    y, (mu, a) = m.data[0], m.params
    assert isinstance(m.density, sp.Piecewise) and m.density.args[0][1] in (y >= mu, mu <= y)
    d = sf.derive(m, timeout=60)
    assert d.equality.status == "proved", d.equality.reason
    assert d.fisher[0, 0] == 1 and sp.simplify(d.fisher[1, 1] - (1 / a**2 + 4 / (1 + a**2) ** 2)) == 0


def test_huber_from_text_with_a_piecewise_and_absolute_values():
    """Huber's ρ_k as the textbook writes it, ``Piecewise(((x-mu)^2/2, Abs(x-mu) <= k), (k*Abs(x-mu) - k^2/2, True))``,
    at k = 3/2 as text: proved, I = √(2π) erf(k/√2)/C (Huber 1964)."""
    norm = "sqrt(2*pi)*erf(3/(2*sqrt(2))) + 4*exp(-9/8)/3"
    text = f"-Piecewise(((x-mu)^2/2, Abs(x-mu) <= 3/2), (3/2*Abs(x-mu) - 9/8, True)) - log({norm})"
    m = sf.Model.from_string(text, "x:real", "mu:real", "Reals", "logpdf", name="huber")
    d = sf.derive(m, timeout=60)
    assert d.equality.status == "proved", d.equality.reason
    k = sp.Rational(3, 2)
    expected = sp.sqrt(2 * sp.pi) * sp.erf(k / sp.sqrt(2)) / (sp.sqrt(2 * sp.pi) * sp.erf(k / sp.sqrt(2))
                                                              + 2 * sp.exp(-k**2 / 2) / k)
    assert sp.simplify(d.fisher[0, 0] - expected) == 0


def test_a_uniform_written_as_a_piecewise_in_text_is_refuted():
    """The moving support of U(−θ, θ) written as a Piecewise with a chained condition: never proved."""
    m = sf.Model.from_string("Piecewise((1/(2*theta), -theta < x < theta), (0, True))", "x:real", "theta:positive",
                             "Reals")
    assert sf.derive(m, timeout=60).equality.status == "refuted"


CHECK_LOSS = "log(tau*(1-tau)/s) - (y-mu)/s*(tau - Heaviside(-(y-mu)/s))"


def test_a_known_constant_with_its_domain_from_text():
    """Quantile regression's check loss at a symbolic level τ, declared with ``constants="tau:(0,1)"``: τ is not
    differentiated, its domain tells the engine τ(1 − τ) > 0; proved, I = diag(τ(1 − τ)/s², 1/s²)."""
    m = sf.Model.from_string(CHECK_LOSS, "y:real", "mu:real s:positive", "Reals", "logpdf", constants="tau:(0,1)")
    (tau,), (mu, s) = m.constants, m.params
    assert dict(m.domain)[tau] == sp.Interval.open(0, 1)
    d = sf.derive(m, timeout=60)
    assert d.equality.status == "proved", d.equality.reason
    assert sp.simplify(d.fisher - sp.diag(tau * (1 - tau) / s**2, 1 / s**2)) == sp.zeros(2, 2)
    assert r"The known constant $\tau \in \left(0, 1\right)$ is not differentiated" in d.to_latex()


@pytest.mark.parametrize("constants, message", [
    ("tau:(0,1) c:positive", r"constant c is declared but appears neither in the density nor in the support"),
    ("mu:(0,1) tau:(0,1)", r"symbol 'mu' is declared as both a parameter and a constant"),
])
def test_constants_from_text_errors_name_the_problem(constants, message):
    with pytest.raises(sf.ModelError, match=message):
        sf.Model.from_string(CHECK_LOSS, "y:real", "mu:real s:positive", "Reals", "logpdf", constants=constants)


def test_the_cli_takes_constants_next_to_a_density_only(capsys):
    assert main(["derive", "--logdensity", CHECK_LOSS, "--data", "y:real", "--params", "mu:real s:positive",
                 "--constants", "tau:(0,1)", "--support", "(-oo, oo)"]) == 0
    out = capsys.readouterr().out
    assert "proved" in out and "Constants: tau ∈ (0, 1)" in out
    assert main(["derive", "normal", "--constants", "tau:(0,1)"]) == 3
    assert "--constants describes a density given with --density/--logdensity" in capsys.readouterr().err


def test_simplex_support_from_text_gives_the_dirichlet_information():
    """'simplex': the free coordinates of a Dirichlet, I = diag ψ′(α_i) − ψ′(α₀) (Ng, Tian & Tang 2011, §2.1)."""
    m = sf.Model.from_string(DIRICHLET, "x y", "a:positive b:positive c:positive", "simplex", name="dirichlet")
    x, y = m.data
    assert m.joint_support == sf.Model.simplex((x, y)) and x.is_positive and y.is_positive
    a, b, c = m.params
    total = sp.polygamma(1, a + b + c)
    expected = sp.diag(sp.polygamma(1, a), sp.polygamma(1, b), sp.polygamma(1, c)) - total * sp.ones(3, 3)
    assert sp.simplify(sf.derive(m, timeout=60).fisher - expected) == sp.zeros(3, 3)


def test_simplex_of_counts_from_text_is_the_multinomial():
    """'simplex(n)' with integer data: counts with k1 + k2 ≤ n; I_11 = n(1/p1 + 1/p3), p3 = 1 − p1 − p2."""
    pmf = "factorial(5)/(factorial(k1)*factorial(k2)*factorial(5-k1-k2))*p1^k1*p2^k2*(1-p1-p2)^(5-k1-k2)"
    m = sf.Model.from_string(pmf, "k1:integer k2:integer", "p1:(0,1/2) p2:(0,1/2)", "simplex(5)")
    k1, k2 = m.data
    assert m.joint_support == sf.Model.simplex((k1, k2), 5) and m.discrete
    p1, p2 = m.params
    fisher = sf.derive(m, timeout=60).fisher
    assert sp.simplify(fisher[0, 0] - 5 * (1 / p1 + 1 / (1 - p1 - p2))) == 0
    assert sp.simplify(fisher[0, 1] - 5 / (1 - p1 - p2)) == 0


@pytest.mark.parametrize("data, support, message", [
    ("x:(0,2) y", "simplex", "x is declared on (0, 2) but its support is given as (0, 1)"),
    ("x y", "simplex()", "simplex() needs its total"),
])
def test_simplex_support_text_errors_name_the_problem(data, support, message):
    with pytest.raises(sf.ModelError, match=re.escape(message)):
        sf.Model.from_string("x*y", data, "a:positive", support)


def test_support_depending_on_parameter():
    m = sf.Model.from_string("1/theta", "x", "theta:positive", "(0, theta]")
    assert m.support_depends_on_params
    assert m.support_map[m.data[0]] == sp.Interval.Lopen(0, m.params[0])


def test_several_data_symbols_and_covariates():
    m = sf.Model.from_string("exp(-(y-b*z)^2/2)/sqrt(2*pi)", "y", "b", "Reals", given="z")
    assert [s.name for s in m.given] == ["z"]
    two = sf.Model.from_string("exp(-(x-mu)^2/2 - (y-nu)^2/2)/(2*pi)", "x y", "mu nu", "x: Reals; y: (-oo, oo)")
    assert [x.name for x, _ in two.support] == ["x", "y"]


def test_gamma_rate_with_beta_and_gamma_names():
    m = sf.Model.from_string("beta^alpha*x^(alpha-1)*exp(-beta*x)/gamma(alpha)", "x", "alpha:positive beta:positive",
                             "(0, oo)")
    alpha, beta = m.params
    assert m.logpdf.has(sp.gamma(alpha)) and beta.name == "beta"
    claim = sp.Matrix([[sp.polygamma(1, alpha), -1 / beta], [-1 / beta, alpha / beta**2]])
    assert sf.check(m, claim, timeout=60).status in ("proved", "inconclusive")
    assert sf.check(m, claim * 2, timeout=60).status == "refuted"


def test_parse_symbols_allows_beta_and_gamma_but_not_other_functions():
    beta, gamma = parse_symbols("beta:positive gamma:positive")
    assert parse_expression("gamma*beta(gamma, 2) + gamma(beta)", {"beta": beta, "gamma": gamma}) == (
        gamma * sp.beta(gamma, 2) + sp.gamma(beta)
    )
    with pytest.raises(sf.ModelError, match=r"^symbol name 'exp' is the name of a function: 'exp' at column 1$"):
        parse_symbols("exp")


def test_a_data_symbol_named_gamma_does_not_shadow_the_function_numerically():
    m = sf.Model.from_string("gamma^(a-1)*exp(-gamma)/gamma(a)", "gamma", "a:positive", "(0, oo)")
    assert m.data[0].name == "gamma"
    with pytest.raises(sf.ModelError, match=r"^model 2\*gamma\^\(a-1\)\*exp\(-gamma\)/gamma\(a\): the density is not "
                                            r"normalized: it integrates to 2 "):  # named by its text, not "model model"
        sf.Model.from_string("2*gamma^(a-1)*exp(-gamma)/gamma(a)", "gamma", "a:positive", "(0, oo)")


BAD = [
    (("__import__('os').system('true')", "x", "mu"),
     r"attribute access is not allowed in a model expression: \"__import__\('os'\).system\" at column 1"),
    ((NORMAL, "x", "mu:real sigma:positive nu"), r"model m: parameter nu does not appear in the density"),
    (("exp(-(x-mu)^2/2)/sqrt(2*pi) + y", "x", "mu"),
     r"undeclared name 'y' in a model expression at column 31; declared symbols: mu, x"),
    ((NORMAL, "x", "mu sigma:positive", "(0, oo)"),
     r"model m: the density is not normalized: it integrates to .* over x ∈ \(0, oo\) at .*"),
    ((NORMAL, "x:positive", "mu sigma:positive", "Reals"),
     r"model m: data symbol x is declared positive but its support Reals contains negative values"),
    ((NORMAL, "x", "mu sigma:positive", "(0, x)"),
     r"model m: support of x: in the upper bound of the set '\(0, x\)': undeclared name 'x' .*"),
    ((NORMAL, "x", "mu sigma:positive", "(oo, 0)"), r"model m: support of x: the set '\(oo, 0\)' is empty"),
    ((NORMAL, "x", "mu sigma:positive", "bananas"), r"model m: support of x: not a set: 'bananas'; .*"),
    ((NORMAL, "x", "mu x"), r"model m: symbol 'x' is declared as both data and a parameter"),
    ((NORMAL, "x", ""), r"model m: no parameter declared \(params=''\)"),
    ((NORMAL, "x", "mu:complex"), r"unknown assumption 'complex' in symbol specification: 'mu:complex' at column 1; .*"),
    (("x^(10^6)*exp(-x)", "x", "mu"), r"an exponent beyond 10000 .*|.*exponent.*"),
    (("x^9999*exp(-mu*x)", "x:positive", "mu:positive"),
     r"model m: the density is not normalized: it is about 10\^\d+ at x=.* far too large for a density .*"),
    (("-exp(-x/mu)/mu", "x:positive", "mu:positive"), r"model m: the density is negative .*"),
    (("b^a*x^(a-1)*exp(-b*x)/gamma(a)", "x", "a:positive b:positive", "(-oo, oo)"),
     r"model m: the density is negative or not real \(.*\) at x=-3.1 with .*"),
    (("sqrt(-mu)*exp(-x)", "x:positive", "mu:positive"), r"a non-real value is not allowed in a model expression: .*"),
    (("(oo - oo)*x + mu", "x", "mu"), r".*(nan|not allowed|undefined).*"),
    (("", "x", "mu"), r"a model expression may not be empty"),
    ((NORMAL, "x", "mu sigma:positive", "(-oo, oo)", "cdf"), r"kind must be 'pdf' or 'logpdf', got 'cdf'"),
    ((NORMAL, "x", "mu sigma:positive", "x: Reals; x: Reals"), r"model m: the support of x is given twice"),
    ((NORMAL, "x y", "mu sigma:positive", "(0, 1)"),
     r"model m: with several data symbols \(x, y\), a support is one set .*"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_malformed_text_raises_one_line_model_error(args, message):
    with pytest.raises(sf.ModelError) as info:
        sf.Model.from_string(*args, name="m")
    text = str(info.value)
    assert "\n" not in text
    assert re.fullmatch(message, text), text


def test_non_text_arguments_and_bad_timeout():
    with pytest.raises(sf.ModelError, match=r"^the density must be given as text \(str\), got Symbol$"):
        sf.Model.from_string(sp.Symbol("x"), "x", "mu")
    with pytest.raises(sf.ModelError, match=r"^timeout must be a positive number of seconds, got -1$"):
        sf.Model.from_string(NORMAL, "x", "mu sigma:positive", timeout=-1)
    with pytest.raises(sf.ModelError, match=r"^timeout must be a positive number of seconds, got nan$"):
        sf.Model.from_string(NORMAL, "x", "mu sigma:positive", timeout=float("nan"))


def test_cli_pdf_derives_and_exits_by_verdict(capsys):
    assert main(["derive", "--density", "lam*exp(-lam*x)", "--params", "lam:positive", "--support", "(0, oo)",
                 "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    assert "proved" in out and "lam" in out
    assert main(["derive", "--logdensity=-log(theta)", "--params", "theta:positive", "--support", "(0, theta]"]) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["derive"], "give a TARGET (family or file.py:name) or a density with --density/--logdensity"),
        (["derive", "normal", "--density", "x", "--params", "lam:positive"],
         "give either a TARGET or --density/--logdensity, not both"),
        (["derive", "--logdensity=-lam*x"], '--density/--logdensity needs --params (the parameters with their '
         'domains), e.g. --params "p:(0,1)" or --params "mu:real sigma:positive"'),
        (["derive", "--density", "lam*exp(-lam*x)+import", "--params", "lam:positive"],
         "invalid syntax in a model expression: invalid syntax at column 17"),
    ],
)
def test_cli_bad_text_is_one_line_error(argv, message, capsys):
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert err == f"symfisher: error: {message}\n"


def test_cli_help_says_files_execute_and_text_does_not(capsys):
    from symfisher.cli import build_parser

    sub = build_parser()._subparsers._group_actions[0].choices["derive"]
    text = " ".join(sub.format_help().split())
    assert "EXECUTES the file's code" in text and "parsed safely (never executed)" in text
