"""Smoke test of the benchmark command (one family, a 1-second cap on the naive route)."""

from __future__ import annotations

import pytest

from benchmarks import bench

pytestmark = pytest.mark.slow  # runs the benchmark command


def test_bench_one_family(capsys) -> None:
    assert bench.main(["--families", "exponential", "--naive-cap", "1"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| exponential |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2] == "exponential-family"
    assert cells[3] == "proved"
    assert cells[4].startswith("ok (")


def test_scale_model_shapes() -> None:
    m = bench.scale_models("logistic", 3)
    assert [str(p) for p in m.params] == ["beta1", "beta2", "beta3"]
    assert [str(z) for z in m.given] == ["z1", "z2", "z3"]


def test_scale_curve_reports_strategy_verdict_and_naive(capsys) -> None:
    import sys

    rows = bench._scale_curve("logistic", [2, 3], 30.0, sys.stdout)
    assert [r.k for r in rows] == [2, 3]
    assert all(r.closed and r.verdict == "proved" for r in rows)
    assert rows[0].strategies == ("linear-predictor", "finite-support")
    assert rows[0].naive.closed and rows[0].naive.seconds > 0  # a two-point sum: the naive route closes too
    assert "logistic  k =   3" in capsys.readouterr().out
