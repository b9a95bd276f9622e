"""Hard time limits: forked workers at the top, an interval timer for limits nested inside a worker."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from symfisher.core.deadline import WORK_SLACK, Background, now, run_with_deadline, stream_with_deadline
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


def _big() -> bytes:
    return b"x" * (1 << 22)


def test_a_result_larger_than_a_pipe_buffer_comes_back():
    assert run_with_deadline(_big, (), 20) == _big()


def _slow_count(n: int):
    for i in range(n):
        time.sleep(0.3)
        yield i


def test_a_stream_outlives_the_thread_that_started_it():
    """PR_SET_PDEATHSIG fires when the forking *thread* exits: a stream forked off the main thread must
    not use it, or the worker dies with that thread while the generator is still being read."""
    gen = stream_with_deadline(_slow_count, (3,), 30)
    first: list[int] = []
    starter = threading.Thread(target=lambda: first.append(next(gen)))
    starter.start()
    starter.join(30)
    assert first == [0]
    assert list(gen) == [1, 2]


def test_a_worker_inherits_the_heap_frozen_and_the_parent_keeps_its_own_unfrozen():
    """The worker's collections skip what it inherited (no walk writing to every object's header, no page copied
    for it); the parent's garbage stays collectable."""
    import gc

    assert gc.get_freeze_count() == 0
    assert run_with_deadline(gc.get_freeze_count, (), 10) > 1000
    assert gc.get_freeze_count() == 0


def test_every_function_handed_to_a_worker_can_be_imported_by_name():
    """A fork server's worker (where JAX or CUDA runs threads: see ``start_method``) unpickles the function it runs and
    its arguments, so neither may be a lambda or a function nested in another: each such call had failed there with
    "Can't pickle local object" (the symmetry, polylogarithm, Bessel-series, conditional, parametric and transform
    strategies). Checked on the source: every call of ``run_with_deadline``, ``stream_with_deadline``, ``Background``
    and ``Engine.hard`` in the package."""
    import ast
    from pathlib import Path

    import symfisher

    handed = {"hard", "run_with_deadline", "stream_with_deadline", "Background"}
    found = []
    for path in Path(symfisher.__file__).parent.rglob("*.py"):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            nested = {n.name for n in ast.walk(fn) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))} - {fn.name}
            for call in ast.walk(fn):
                called = getattr(call, "func", None)
                if isinstance(call, ast.Call) and getattr(called, "attr", getattr(called, "id", None)) in handed:
                    if any(isinstance(n, ast.Lambda) or isinstance(n, ast.Name) and n.id in nested
                           for a in call.args for n in ast.walk(a)):
                        found.append(f"{path.name}:{call.lineno}")
    assert not found, found


# ---- limits inside a worker count its work, not the wall clock (a loaded machine gives the same results)
needs_proc = pytest.mark.skipif(not (hasattr(os, "sched_setaffinity") and os.path.exists(f"/proc/{os.getpid()}/stat")),
                                reason="CPU affinity and /proc (Linux)")


def _burn(seconds: float) -> str:
    """``seconds`` of CPU time."""
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
    return "done"


def _burn_stream(seconds: float):
    yield _burn(seconds)


def _on_a_shared_core(fn, *args) -> tuple[object, float]:
    """``fn(*args)`` (its result or "budget") and its wall time, in this worker pinned to one core beside three
    processes that spin there: the worker gets about a quarter of the core."""
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    hogs = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the hog
            while True:
                pass
        hogs.append(pid)
    try:
        start = time.monotonic()
        try:
            return fn(*args), time.monotonic() - start
        except BudgetExceeded:
            return "budget", time.monotonic() - start
    finally:
        for pid in hogs:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _in_the_background(seconds: float, limit: float) -> list:
    with Background(_burn_stream, (seconds,), limit) as items:
        return list(items)


@needs_proc
def test_a_nested_limit_counts_the_work_done_not_the_time_the_machine_was_shared():
    result, wall = run_with_deadline(_on_a_shared_core, (run_with_deadline, _burn, (0.4,), 1.0), 60)
    assert result == "done" and wall > 1.0  # 0.4 s of work took longer than the 1 s limit on the wall clock


@needs_proc
def test_a_nested_limit_still_stops_work_that_runs_past_it_on_a_shared_core():
    result, wall = run_with_deadline(_on_a_shared_core, (run_with_deadline, _burn, (30.0,), 0.4), 60)
    assert result == "budget" and 0.4 <= wall < 0.4 * WORK_SLACK + 2.0


@needs_proc
def test_a_worker_started_by_a_worker_is_given_its_time_in_work():
    result, wall = run_with_deadline(_on_a_shared_core, (_in_the_background, 0.4, 1.0), 60)
    assert result == ["done"] and wall > 1.0
    result, wall = run_with_deadline(_on_a_shared_core, (_in_the_background, 30.0, 0.4), 60)
    assert result == [] and wall < 0.4 * WORK_SLACK + 2.0


def test_the_clock_of_a_worker_goes_on_from_its_callers():
    assert run_with_deadline(now, (), 10) - time.monotonic() < 1.0
    assert abs(run_with_deadline(now, (), 10) - now()) < 1.0
