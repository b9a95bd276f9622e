"""The command line without traps: output files vs density text, --version, pretty output, closed pipes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata

import pytest
import sympy as sp

import symfisher
from symfisher import cli
from symfisher.cli import main

BERNOULLI = ["derive", "--density", "p^x*(1-p)^(1-x)", "--data", "x", "--support", "{0, 1}"]


def error_of(argv, capsys) -> str:
    assert main(argv) == 3
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    return captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["derive", "normal", "--pdf", "exp(-x)"],
         "--pdf names the proof's output file and must end in .pdf, got 'exp(-x)'; "
         "give the density as text with --density (or --logdensity)"),
        (["derive", "--density", "lam*exp(-lam*x)", "--data", "x", "--support", "(0, oo)", "--pdf", "out.pdf"],
         "--density/--logdensity needs --params (the parameters with their domains), "
         "e.g. --params \"p:(0,1)\" or --params \"mu:real sigma:positive\""),
        (["derive", "--logpdf=-x"],
         "--logpdf is now --logdensity (the log-density as text); --pdf names the proof's PDF file"),
        (["derive", "normal", "--params", "mu"],
         "--params describes a density given with --density/--logdensity; a TARGET (normal) brings its own"),
        (["derive", "normal", "--data", "x", "--support", "Reals"],
         "--data, --support describe a density given with --density/--logdensity; a TARGET (normal) brings its own"),
    ],
)
def test_misused_options_are_one_line_errors_before_any_work(argv, message, capsys, monkeypatch, tmp_path):
    looked_for = []
    monkeypatch.setattr(shutil, "which", lambda name: looked_for.append(name))
    monkeypatch.chdir(tmp_path)
    assert error_of(argv, capsys) == f"symfisher: error: {message}\n"
    assert looked_for == [] and list(tmp_path.iterdir()) == []  # no LaTeX engine asked for, no file written


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"symfisher {metadata.version('symfisher')}\n"


def test_version_falls_back_to_the_module_attribute(monkeypatch):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert cli.package_version() == symfisher.__version__


def test_parameter_interval_proves_and_positive_alone_is_refused(capsys):
    assert main([*BERNOULLI, "--params", "p:(0,1)"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Model: p^x*(1-p)^(1-x)    θ = (p)\n")
    assert "Information equality: proved" in out
    err = error_of([*BERNOULLI, "--params", "p:positive"], capsys)
    assert err.startswith("symfisher: error: model p^x*(1-p)^(1-x): the density is negative or not real (")
    assert err.endswith("inside the declared domain (p ∈ (0, oo)); it is a density for p ∈ (0, 1): declare p:(0, 1)\n")
    assert "model model" not in err


def test_text_model_errors_name_the_density_not_model_model(capsys):
    err = error_of(["derive", "--density", "2*lam*exp(-lam*x)", "--params", "lam:positive", "--support", "(0, oo)"],
                   capsys)
    assert err.startswith("symfisher: error: model 2*lam*exp(-lam*x): the density is not normalized: it integrates "
                          "to 2 over x ∈ ")


def test_a_formula_that_starts_with_a_minus_sign_is_the_option_value(capsys):
    """The logarithmic series law −pˣ/(x log(1 − p)): argparse takes "-p**x…" for an option ("expected one
    argument") unless it is attached to --density; the command line attaches it. Its I(p) = Var(X)/p² is
    −(p + log(1 − p))/(p(1 − p)² log²(1 − p)) (Johnson, Kemp & Kotz 2005, Univariate Discrete Distributions, §7.1)."""
    assert cli._attached_texts(["derive", "--density", "-x", "--logdensity", "-y", "--data", "-z"]) == \
        ["derive", "--density=-x", "--logdensity=-y", "--data", "-z"]
    argv = ["derive", "--density", "-p**x/(x*log(1-p))", "--data", "x:positive_integer", "--params", "p:(0,1)",
            "--support", "Naturals", "--no-cache"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("Model: -p**x/(x*log(1-p))    θ = (p)\n") and "Information equality: proved" in out
    model = cli._model_from_args(cli.build_parser().parse_args(cli._attached_texts(argv)))
    p = model.params[0]
    log = sp.log(1 - p)
    assert sp.simplify(symfisher.derive(model).fisher[0, 0] + (p + log) / (p * (1 - p)**2 * log**2)) == 0


def test_an_undeclared_name_in_a_text_model_says_how_to_declare_it(capsys):
    err = error_of(["derive", "--density", "lam*exp(-lam*y)", "--params", "lam:positive", "--support", "(0, oo)"],
                   capsys)
    assert err == ("symfisher: error: undeclared name 'y' in a model expression at column 14; declared symbols: lam, x"
                   " (declare names with --data, --params, --given or --constants; the data symbol is x unless --data"
                   " says)\n")


def test_score_and_log_likelihood_are_pretty_with_psi(capsys):
    assert main(["derive", "gamma-rate"]) == 0
    out = capsys.readouterr().out
    assert "log p = α⋅log(β) - β⋅x + (α - 1)⋅log(x) - log(Γ(α))\n" in out
    assert "  ∂/∂α: log(β⋅x) - ψ(α)\n" in out
    assert "        α    \n  ∂/∂β: ─ - x\n        β    \n" in out
    assert "⎢ψ′(α)  ───⎥\n" in out
    assert "polygamma" not in out and "**" not in out


def test_strategies_table(capsys):
    assert main(["derive", "normal", "--strategies"]) == 0
    out = capsys.readouterr().out
    table = out[out.index("Strategies"):]
    lines = table.splitlines()
    assert lines[0] == "Strategies (which expectation strategy produced each entry):"
    assert lines[1].split() == ["entry", "I(θ)", "=", "E[s", "sᵀ]", "−E[H]"]
    assert [line.split()[:2] for line in lines[3:6]] == [["(mu,", "mu)"], ["(mu,", "sigma)"], ["(sigma,", "sigma)"]]
    assert [line.split()[:3] for line in lines[6:8]] == [["E[s]", "(mu)", lines[6].split()[2]],
                                                          ["E[s]", "(sigma)", lines[7].split()[2]]]
    assert "('fisher'" not in out and len(lines) == 8


def test_closed_stdout_ends_quietly(monkeypatch, capsys):
    class Closed:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Closed())
    assert main(["list"]) == cli.CLOSED_PIPE == 141
    assert capsys.readouterr().err == ""


def test_closed_pipe_in_a_real_process():
    child = subprocess.Popen([sys.executable, "-m", "symfisher", "list"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    child.stdout.close()  # the reader is gone before the first line is written (`| head -0`)
    with child.stderr:
        err = child.stderr.read()
    assert child.wait(timeout=60) == 141
    assert err == b""
