"""Hard time limits: forked workers at the top, an interval timer for limits nested inside a worker."""

from __future__ import annotations

import time

import pytest

from symfisher._deadline import run_with_deadline
from symfisher.errors import BudgetExceeded


def _stubborn() -> None:
    """A loop whose ``except Exception`` would swallow an ordinary timeout exception."""
    while True:
        try:
            sum(range(1000))
        except Exception:  # noqa: BLE001
            pass


def _timed(fn, *args) -> tuple[str, float]:
    t0 = time.monotonic()
    try:
        fn(*args)
    except BudgetExceeded:
        return "budget", time.monotonic() - t0
    return "returned", time.monotonic() - t0


def _nested(inner: float) -> tuple[str, float]:
    """Inside a worker: a nested limit of ``inner`` seconds around a loop that never ends."""
    return _timed(run_with_deadline, _stubborn, (), inner)


def _two_levels(outer: float, inner: float) -> tuple[str, float]:
    """Inside a worker: an in-process limit around another, longer one."""
    return _timed(run_with_deadline, _nested, (inner,), outer)


def test_nested_limit_interrupts_a_loop_that_swallows_exceptions():
    kind, seconds = run_with_deadline(_nested, (0.3,), 20)
    assert kind == "budget"
    assert 0.25 <= seconds < 2.0


def test_the_enclosing_deadline_wins_when_it_comes_first():
    kind, seconds = run_with_deadline(_two_levels, (0.3, 30.0), 20)
    assert kind == "budget"
    assert seconds < 2.0


def test_results_and_errors_pass_through_nested_limits():
    assert run_with_deadline(run_with_deadline, (sum, ([1, 2, 3],), 5), 10) == 6
    with pytest.raises(ZeroDivisionError):
        run_with_deadline(run_with_deadline, (divmod, (1, 0), 5), 10)


def test_top_level_limit_kills_the_worker():
    kind, seconds = _timed(run_with_deadline, _stubborn, (), 0.3)
    assert kind == "budget" and seconds < 2.0
