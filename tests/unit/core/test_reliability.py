"""Hard time limits, size limits and clean errors on bad input (issue #7)."""

from __future__ import annotations

import os
import time

import pytest
import sympy as sp

import symfisher as sf
from symfisher.core import deadline as _deadline
from symfisher.core.expectation.engine import engine_for, expanded_size

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
lam = sp.Symbol("lambda", positive=True)

#: Expectations no strategy closes and direct integration chews on for minutes.
NASTY = sf.Model.from_logpdf(
    -((x - mu) ** 2) / 2 - sp.log(2 + sp.sin(mu * x)) * sp.exp(sp.cos(sigma * x)),
    x, [mu, sigma], sp.Reals, name="nasty", validate=False,
)
EXPONENTIAL = sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo), name="exponential",
                                validate=False)


@pytest.mark.parametrize("timeout", [1, 2])
def test_derive_on_a_nasty_model_returns_inconclusive_within_the_timeout(timeout):
    start = time.monotonic()
    d = sf.derive(NASTY, timeout=timeout)
    assert time.monotonic() - start < timeout + 1
    assert d.equality.status == "inconclusive" and not d.closed


def test_check_and_fisher_information_honor_the_timeout():
    claim = sp.Matrix([[1, 0], [0, 1]])
    start = time.monotonic()
    verdict = sf.check(NASTY, claim, timeout=2)
    assert time.monotonic() - start < 3
    assert verdict.status in ("inconclusive", "refuted")
    start = time.monotonic()
    sf.fisher_information(NASTY, timeout=1)
    assert time.monotonic() - start < 2


def _sleep_and_record(path: str) -> None:
    with open(path, "w") as f:
        f.write(str(os.getpid()))
    time.sleep(60)


def _nested(path: str) -> None:
    _deadline.run_with_deadline(_sleep_and_record, (path,), 50)


def test_a_killed_worker_takes_its_nested_workers_with_it(tmp_path):
    path = str(tmp_path / "pid")
    start = time.monotonic()
    with pytest.raises(sf.BudgetExceeded, match=r"^gave up after 1 s$"):
        _deadline.run_with_deadline(_nested, (path,), 1)
    assert time.monotonic() - start < 2
    with open(path) as f:
        pid = int(f.read())
    for _ in range(50):
        if not _running(pid):
            break
        time.sleep(0.02)
    else:
        pytest.fail(f"nested worker {pid} still running after its parent was killed")


def _running(pid: int) -> bool:
    """Whether ``pid`` is alive and not a zombie (a killed orphan may wait a while to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: fall back to signal 0
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _slow_probe(model, point, compiled=None):
    time.sleep(60)


def test_model_validation_is_bounded(monkeypatch):
    from symfisher.core import validation as validate

    monkeypatch.setattr(validate, "_negative_at", _slow_probe)  # inherited by the forked worker
    start = time.monotonic()
    with pytest.raises(sf.BudgetExceeded, match=r"^model slow: validating the density did not finish within 1 s "
                       r"\(evaluating it is too costly\); simplify the density, raise timeout=, or pass "
                       r"validate=False to skip the check$"):
        sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo), name="slow", timeout=1)
    assert time.monotonic() - start < 2


def test_expanded_size_estimates_multinomial_terms():
    assert expanded_size((x + mu) ** 10, [x]) == pytest.approx(11)
    assert expanded_size((x + mu + sigma) ** 10, [x]) == pytest.approx(66)
    assert expanded_size((x + mu) ** 3 * (x + sigma) ** 2 + x, [x]) == pytest.approx(13)
    assert expanded_size((mu + sigma) ** 1000 * x, [x]) == 1
    assert expanded_size((x + mu + sigma) ** 10**9, [x]) == pytest.approx(10**18 / 2, rel=1e-4)
    assert expanded_size((x + mu + sigma) ** 10**9 * (x + lam) ** 10**9, [x]) > 1e26


def test_expansion_beyond_the_size_limit_raises_budget_exceeded():
    engine = engine_for(EXPONENTIAL)
    (d,) = engine.ctx.data
    with pytest.raises(sf.BudgetExceeded, match=r"^model exponential: expanding \(lambda \+ mu \+ x\)\*\*400 would "
                       r"give about 8.06e\+04 terms, more than the limit of 20000 \(Config.max_expression_ops\)$"):
        engine.by_linearity((d + mu + lam) ** 400)


@pytest.mark.parametrize(
    ("claimed", "message"),
    [
        ("1/lambda**2", r"the claimed Fisher information must be a 1×1 SymPy matrix of expressions, got the string "
                        r"'1/lambda\*\*2'; parse text with symfisher.text.parse.parse_expression"),
        ([["__import__('os').getpid()"]], r"the claimed Fisher information must be a 1×1 SymPy matrix of "
                                          r"expressions, got the string .*"),
        (sp.Matrix([[sp.nan]]), r"the claimed Fisher information must be a 1×1 SymPy matrix of expressions; entry "
                                r"nan contains nan, an infinity, DiracDelta or the imaginary unit, which is not a number"),
        (sp.Matrix([[1, 0], [0, 1]]), r"the claimed Fisher information must be 1×1 for 1 parameter\(s\), got 2×2"),
        (sp.Matrix([[1 / mu**2]]), r"the claimed Fisher information uses mu, which is not a parameter, covariate or "
                                   r"constant of model exponential"),
        (object(), r"the claimed Fisher information must be a 1×1 SymPy matrix of expressions, got object .*"),
    ],
)
def test_check_refuses_bad_claims_without_evaluating_strings(claimed, message):
    with pytest.raises(sf.ModelError, match=f"^{message}$"):
        sf.check(EXPONENTIAL, claimed, timeout=5)


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), True, "5"])
def test_bad_timeouts_are_model_errors(timeout):
    with pytest.raises(sf.ModelError, match=r"^timeout must be a positive number of seconds, got .*$"):
        sf.derive(EXPONENTIAL, timeout=timeout)


def test_support_bounds_given_as_strings_are_not_evaluated():
    with pytest.raises(sf.ModelError, match=r"^support of x must be a SymPy Set or a pair of SymPy bounds, got "
                       r"\('0', \"__import__\('os'\).getpid\(\)\"\)$"):
        sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], ("0", "__import__('os').getpid()"))


def test_sympy_failures_inside_the_worker_become_symfisher_errors(monkeypatch):
    import sys

    derive_module = sys.modules["symfisher.core.derivation"]

    def broken(*args):
        raise ZeroDivisionError("boom")
        yield  # pragma: no cover

    monkeypatch.setattr(derive_module, "pipeline", broken)
    with pytest.raises(sf.NotSupportedError, match=r"^model exponential: the derivation failed inside SymPy "
                       r"\(ZeroDivisionError: boom\)$"):
        sf.derive(EXPONENTIAL, timeout=5)


def test_iid_does_not_evaluate_strings():
    with pytest.raises(sf.ModelError, match=r"^iid\(n\) needs a positive integer or a SymPy expression, got "
                       r"\"__import__\('os'\).getpid\(\)\"$"):
        EXPONENTIAL.iid("__import__('os').getpid()")
    assert EXPONENTIAL.iid(3).n_obs == 3
