"""Smoke test of the benchmark command (one family, a 1-second cap on the naive route)."""

from __future__ import annotations

from symfisher import bench


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
