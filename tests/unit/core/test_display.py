"""What a person reads: log p with logarithms expanded only where exact, ψ′ for polygamma, one report for
``print(d)`` and the CLI, and the readable log p in the proof and the exported code."""

from __future__ import annotations

import pytest
import sympy as sp

from symfisher import Model, derive
from symfisher.core.display import pretty, readable_log, readable_logpdf, readable_score, tidy_log_signs
from symfisher.core.special_forms import cancelled_polygammas

x = sp.Symbol("x")
u = sp.Symbol("u")
a, b, s = sp.symbols("a b s", positive=True)
mu = sp.Symbol("mu", real=True)


def test_log_likelihood_expanded_only_where_exact():
    xr = sp.Symbol("x", real=True)
    beta_like = Model(logpdf=sp.log((1 - xr)**(b - 1)) + sp.log(b), data=(xr,), params=(b,),
                      support=((xr, sp.Interval.open(0, 1)),))
    assert readable_logpdf(beta_like) == (b - 1) * sp.log(1 - xr) + sp.log(b)
    on_reals = Model(logpdf=sp.log((xr - mu)**2) - mu, data=(xr,), params=(mu,), support=((xr, sp.S.Reals),))
    assert readable_logpdf(on_reals) == on_reals.logpdf  # log(y²) ≠ 2 log(y) for y < 0


def test_a_plain_data_symbol_is_real_on_its_interval_support():
    """The issue's case: x without assumptions on [0, 1], log of the whole Beta density as the user wrote it."""
    density = x**(a - 1) * (1 - x)**(b - 1) / sp.beta(a, b)
    model = Model.from_pdf(density, x, [a, b], sp.Interval(0, 1))
    assert model.logpdf == sp.log(density)  # the model keeps what the user wrote
    assert readable_logpdf(model) == (a - 1) * sp.log(x) + (b - 1) * sp.log(1 - x) - sp.log(sp.beta(a, b))
    assert str(model).startswith("Model model: log p = (a - 1)*log(x) + (b - 1)*log(1 - x) - log(beta(a, b))  (")


def test_logit_normal_as_written_reads_as_a_sum():
    density = sp.exp(-(sp.log(u / (1 - u)) - mu)**2 / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi) * u * (1 - u))
    model = Model.from_pdf(density, u, [mu, s], sp.Interval.open(0, 1))
    readable = readable_logpdf(model)
    assert not any(isinstance(f.args[0], (sp.Mul, sp.Pow, sp.exp)) for f in readable.atoms(sp.log) if f.free_symbols)
    assert sp.Add.make_args(readable).count(-sp.log(u)) == 1 and -sp.log(2 * sp.pi, evaluate=False) / 2 in \
        sp.Add.make_args(readable)
    for point in ({u: sp.Rational(1, 3), mu: sp.Rational(1, 2), s: 2}, {u: sp.Rational(9, 10), mu: -3, s: 1}):
        assert abs(float((readable - model.logpdf).subs(point).evalf(30))) < 1e-25


def test_constant_logs_merge_only_with_one_coefficient():
    merged = readable_log(-sp.log(2) / 2 - sp.log(sp.pi) / 2 - x**2 / 2, {x: sp.S.Reals})
    assert sp.sstr(merged) == "-x**2/2 - log(2*pi)/2"
    kept = -sp.log(2) - sp.log(sp.pi) / 2 + x
    assert readable_log(kept, {x: sp.S.Reals}) == kept


def test_gamma_ratios_an_integer_apart_read_as_logs():
    """Γ(ν/2 + 1)/(Γ(ν/2)·ν·π), the bivariate t's constant, is 1/(2π); a ratio of Γ at a half-integer distance and
    a lone log Γ stay as written."""
    nu = sp.Symbol("nu", positive=True)
    t2 = sp.log(sp.gamma(nu / 2 + 1)) - sp.log(sp.gamma(nu / 2)) - sp.log(nu) - sp.log(sp.pi) - sp.log(1 + x**2 / nu)
    assert readable_log(t2, {x: sp.S.Reals}) == -sp.log(2 * sp.pi) - sp.log(1 + x**2 / nu)
    shifted = 3 * sp.log(sp.gamma(a + 2)) - 3 * sp.log(sp.gamma(a)) + x
    assert readable_log(shifted, {x: sp.S.Reals}) == 3 * sp.log(a) + 3 * sp.log(a + 1) + x
    t1 = sp.log(sp.gamma(nu / 2 + sp.S.Half)) - sp.log(sp.gamma(nu / 2)) + sp.log(sp.gamma(a)) + x
    assert readable_log(t1, {x: sp.S.Reals}) == t1


def test_psi_printing():
    assert pretty(sp.polygamma(1, a) + sp.digamma(a)) == "ψ(a) + ψ′(a)"
    assert pretty(sp.polygamma(2, a)) == "ψ″(a)"
    assert pretty(sp.loggamma(a)) == "log Γ(a)"


def test_print_of_a_derivation_is_the_cli_report_with_psi():
    d = derive(Model.from_pdf(x**(a - 1) * (1 - x)**(b - 1) / sp.beta(a, b), x, [a, b], sp.Interval(0, 1)))
    text = str(d)
    assert "log p = (a - 1)⋅log(x) + (b - 1)⋅log(1 - x) - log(Β(a, b))\n" in text
    assert "  ∂/∂a: log(x) - ψ(a) + ψ(a + b)\n" in text
    assert "ψ′(a) - ψ′(a + b)" in text and "polygamma" not in text
    assert text.endswith("Information equality: proved — " + str(d.equality.reason))
    latex = d.to_latex(document=False)
    assert r"\left(a - 1\right) \log{\left(x \right)}" in latex  # the proof's log-likelihood, expanded
    assert "(a - 1)*log(x) + (b - 1)*log(1 - x) - log(beta(a, b))" in d.lambdify().source



def test_a_quotient_with_minus_signs_above_and_below_is_written_without_them():
    """The logit-normal's score holds log(−u/(u − 1)) as SymPy writes it: log(u/(1 − u)), the same value."""
    u, mu = sp.Symbol("u"), sp.Symbol("mu", real=True)
    tidy = tidy_log_signs(sp.log(-u / (u - 1)) - mu)
    assert sp.sstr(tidy) == "-mu + log(u/(1 - u))"
    assert tidy.subs(u, sp.Rational(1, 3)) == sp.log(sp.Rational(1, 2)) - mu
    assert tidy_log_signs(sp.log(u / (1 - u))) == sp.log(u / (1 - u))


def test_printed_score_cancels_a_whole_class_of_shifted_polygammas():
    """The bivariate t's s_ν held −ψ(ν/2)/2 + ψ(ν/2 + 1)/2 − 1/ν, which is 0; inside a product too."""
    nu, q = sp.symbols("nu q", positive=True)
    zero_part = -sp.polygamma(0, nu / 2) / 2 + sp.polygamma(0, nu / 2 + 1) / 2 - 1 / nu
    score = -sp.log(1 + q / nu) / 2 + zero_part
    assert readable_score(score) == -sp.log(1 + q / nu) / 2
    nested = sp.exp(-q) * (q + zero_part)
    assert readable_score(nested) == q * sp.exp(-q)


def test_printed_score_keeps_a_polygamma_difference_that_does_not_cancel():
    """ψ(a + b + 3) − ψ(a + b) as the literature prints it, not −1/(a + b) − 1/(a + b + 1) − 1/(a + b + 2);
    the derivation's own score is not touched."""
    k = sp.Symbol("k", integer=True, nonnegative=True)
    score = sp.polygamma(0, a + k) - sp.polygamma(0, a) + sp.polygamma(0, a + b) - sp.polygamma(0, a + b + 3)
    assert readable_score(score) == score
    assert cancelled_polygammas(score) == score


def test_an_expectation_with_no_closed_form_is_named_and_valued_not_printed_as_its_series():
    """The Yule–Simon law's I(r) = 1/r² − ψ′(r + 1) + E[ψ′(k + r + 1)], the last a series with no closed form: the
    terminal shows the entry with ε for it, states ε = E[ψ′(k + r + 1)] below, and gives its value at the evidence
    point, solved from the entry's value there (here checked against the partial sums); −E[H] holds the same ε."""
    import mpmath

    from symfisher.core.display import matrix_lines

    k, r = sp.Symbol("k", integer=True, positive=True), sp.Symbol("r", positive=True)
    d = derive(Model.from_pdf(r * sp.beta(k, r + 1), k, [r], sp.Range(1, sp.oo), name="yule-simon"))
    lines = matrix_lines(d, "fisher")
    assert "ε - ψ′(r + 1)" in lines[0] and "  ε = E[ψ′(k + r + 1)]" in lines
    assert "quadrature at any θ" in lines[-1]
    assert matrix_lines(d, "neg_expected_hessian")[-1] == "  (ε as above)"
    point = d.equality.evidence[0].point[r]
    (valued,) = [line for line in lines if line.startswith("  no closed form for ε; ≈ ")]
    shown = float(valued.split("≈ ")[1].split(" at ")[0])
    assert valued.split(" at ")[1] == f"r = {float(point):.4g} (quadrature)"
    rr = mpmath.mpf(float(point))
    exact = mpmath.nsum(lambda j: rr * mpmath.beta(j, rr + 1) * mpmath.psi(1, j + rr + 1), [1, mpmath.inf])
    assert shown == pytest.approx(float(exact), rel=1e-5)  # shown to 6 significant digits
    assert "Integral" not in str(d) and "Sum(" not in str(d)


def test_entries_that_are_each_one_open_expectation_alone_are_named_as_themselves():
    """An entry that is one integral with nothing around it is its own name (I₁₁ = E[s_r s_r]: no closed form), not
    ε: _open_expectations names nothing then, nor where an open part is not E[g] of a g free of integrals."""
    from types import SimpleNamespace

    from symfisher.core.display import _open_expectations

    x, r = sp.Symbol("x", positive=True), sp.Symbol("r", positive=True)
    density = r * sp.exp(-r * x)
    bare = sp.Integral(sp.log(1 + x) ** 2 * density, (x, 0, sp.oo))
    other = sp.Integral(sp.log(2 + x) * density, (x, 0, sp.oo))
    model = SimpleNamespace(density=density)
    alone = SimpleNamespace(fisher=sp.Matrix([[bare]]), neg_expected_hessian=sp.Matrix([[other]]), model=model)
    assert _open_expectations(alone) == {}
    around = SimpleNamespace(fisher=sp.Matrix([[bare / r]]), neg_expected_hessian=sp.Matrix([[other + 1]]), model=model)
    assert [(str(n), g) for n, g in _open_expectations(around).values()] == [("ε₁", sp.log(1 + x) ** 2),
                                                                            ("ε₂", sp.log(2 + x))]
    nested = sp.Integral(sp.Integral(x, (x, 0, 1)) * x, (x, 0, sp.oo))
    assert _open_expectations(SimpleNamespace(fisher=sp.Matrix([[nested + 1]]), neg_expected_hessian=sp.Matrix([[1]]),
                                              model=model)) == {}
