"""Command line: exit codes and one-line errors."""

from __future__ import annotations

from symfisher.cli import main


def test_list(capsys):
    assert main(["list"]) == 0
    assert "normal" in capsys.readouterr().out


def test_derive_family_proved(capsys):
    assert main(["derive", "exponential"]) == 0
    assert "proved" in capsys.readouterr().out


def test_derive_refuted_exit_code(capsys):
    assert main(["derive", "uniform"]) == 1


def test_bad_input_is_one_line(capsys):
    assert main(["derive", "no-such-family"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("symfisher: error:") and err.count("\n") == 1


def test_user_file(tmp_path, capsys):
    f = tmp_path / "m.py"
    f.write_text(
        "import sympy as sp, symfisher as sf\n"
        "x = sp.Symbol('x', positive=True); lam = sp.Symbol('lam', positive=True)\n"
        "model = sf.Model.from_pdf(lam*sp.exp(-lam*x), x, [lam], sp.Interval.open(0, sp.oo))\n"
    )
    assert main(["derive", f"{f}:model"]) == 0
    assert main(["derive", f"{f}:nothing"]) == 3
