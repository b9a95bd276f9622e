"""Pictures: files written, plotted numbers right."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from symfisher.cli import main  # noqa: E402
from symfisher.uses.plot import plot_information, plot_kl, plot_likelihood  # noqa: E402


def test_likelihood_curvature(tmp_path):
    out = tmp_path / "lik.png"
    r = plot_likelihood(out=out)
    assert out.stat().st_size > 10_000 and r["path"] == str(out)
    small, large = r["curves"]
    assert small["p_hat"] == pytest.approx(0.6) and large["p_hat"] == pytest.approx(0.6)
    assert small["observed_information"] == pytest.approx(10 / 0.24, rel=1e-9)
    assert large["observed_information"] == pytest.approx(100 / 0.24, rel=1e-9)
    assert small["interval"] == pytest.approx((0.6 - 1.959964 * math.sqrt(0.024), 0.6 + 1.959964 * math.sqrt(0.024)),
                                              rel=1e-6)
    assert np.max(small["loglik"]) == pytest.approx(0.0, abs=1e-4)
    assert r["p"][np.argmax(large["loglik"])] == pytest.approx(0.6, abs=0.003)


def test_information_curve(tmp_path):
    out = tmp_path / "info.svg"
    r = plot_information("bernoulli", out=out)
    assert out.read_text().startswith("<?xml")
    assert np.allclose(r["information"], 1 / (r["theta"] * (1 - r["theta"])), rtol=1e-12)


def test_kl_pairs(tmp_path):
    r = plot_kl(out=tmp_path / "kl.png")
    a, b = r["pairs"]
    assert a["euclidean"] == b["euclidean"] == 1.0
    assert a["kl"] == pytest.approx(2.0) and b["kl"] == pytest.approx(0.02)
    assert a["kl"] / b["kl"] == pytest.approx(100.0)


def test_cli(tmp_path, capsys):
    out = tmp_path / "l.png"
    assert main(["plot", "likelihood", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "60/100: p̂ = 0.6, observed information J = 416.667" in text and out.exists()
    assert main(["plot", "kl", "--out", str(tmp_path / "k.svg")]) == 0
    assert "KL = 0.02" in capsys.readouterr().out
    assert main(["plot", "information"]) == 3
    assert capsys.readouterr().err == ("symfisher: error: plot information needs a FAMILY, e.g. "
                                       "'symfisher plot information bernoulli'\n")
