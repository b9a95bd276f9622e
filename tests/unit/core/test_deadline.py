"""Hard time limits: forked workers at the top, an interval timer for limits nested inside a worker."""

from __future__ import annotations

import threading
import time

import pytest

from symfisher.core.deadline import run_with_deadline, stream_with_deadline
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
