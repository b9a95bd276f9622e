"""Workers die with their parent: SIGKILL a process that waits on a worker, and the worker goes too.

Each case starts a fresh interpreter that runs :func:`run_with_deadline` / :func:`stream_with_deadline`
on a function that records its pid in a file and then never returns; the test SIGKILLs that
interpreter (no clean-up runs) and checks that every recorded worker is gone within two seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import symfisher.core.deadline as sf_deadline

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="needs fork")

GONE_WITHIN = 2.0
STARTUP = 60.0  # a fresh interpreter on a loaded machine

SCRIPT = r"""
import os, sys, time, types

out, mode, package = sys.argv[1:4]
stub = types.ModuleType("symfisher")  # load symfisher/core/deadline.py (and errors.py) without the package's
stub.__path__ = [package]             # heavy __init__ (SymPy, SciPy): seconds per interpreter saved
sys.modules["symfisher"] = stub
import symfisher.core.deadline as d

if mode.endswith(("-watchdog", "pipe")):
    d._PDEATHSIG = False             # no parent-death signal: only the portable watchdog...
if mode.endswith(("-kernel", "pipe")):
    d._WATCH_PERIOD = 0              # ...no watchdog: only the parent-death signal (pipe: neither)


def record(tag):
    tmp = os.path.join(out, tag + ".tmp")
    with open(tmp, "w") as f:
        f.write(str(os.getpid()))
    os.replace(tmp, os.path.join(out, tag))


def spin(tag):
    record(tag)
    while True:
        sum(range(1000))


def stream(tag):
    yield 1
    spin(tag)


def nested():
    record("outer")
    return d.run_with_deadline(spin, ("inner",), 300)


def big_after_parent_dies(tag):
    parent = os.getppid()
    record(tag)
    while os.getppid() == parent:
        time.sleep(0.01)
    return b"x" * (1 << 22)          # more than a pipe holds: the write must fail, not block


if mode.startswith("stream"):
    for _ in d.stream_with_deadline(stream, ("worker",), 300):
        pass
elif mode.startswith("thread"):      # a stream forked off the main thread: the watchdog's job
    import threading
    threading.Thread(target=lambda: list(d.stream_with_deadline(stream, ("worker",), 300))).start()
elif mode.startswith("nested"):
    os.environ["SYMFISHER_NESTED_FORK"] = "1"
    d.run_with_deadline(nested, (), 300)
elif mode.startswith("pipe"):
    d.run_with_deadline(big_after_parent_dies, ("worker",), 300)
else:
    d.run_with_deadline(spin, ("worker",), 300)
time.sleep(300)
"""


def _dead(pid: int) -> bool:
    """Gone, or a zombie (reparented to a PID 1 that may never reap it in a container)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # pragma: no cover - the pid was reused by someone else's process
        return True
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    state = next((line.split()[1] for line in status.splitlines() if line.startswith("State:")), "")
    return state in ("Z", "X")


def _wait_for(paths: list[Path], proc: subprocess.Popen) -> list[int]:
    deadline = time.monotonic() + STARTUP
    while not all(p.exists() for p in paths):
        if proc.poll() is not None:
            pytest.fail(f"the parent exited early: {proc.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail("the workers never started")
        time.sleep(0.05)
    return [int(p.read_text()) for p in paths]


LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")
CASES = [
    *[pytest.param(f"{kind}{guard}", tags, marks=[LINUX_ONLY] if guard == "-kernel" else [])
      for kind, tags in (("run", ["worker"]), ("stream", ["worker"]), ("nested", ["outer", "inner"]))
      for guard in ("", "-kernel", "-watchdog")],
    pytest.param("thread", ["worker"]),
    pytest.param("pipe", ["worker"]),
]


@pytest.mark.parametrize("mode, tags", CASES)
def test_workers_die_when_the_parent_is_killed(tmp_path, mode, tags):
    """Default guards; ``-kernel``: PR_SET_PDEATHSIG alone; ``-watchdog``: the watchdog thread alone;
    ``thread``: a stream forked off the main thread; ``pipe``: neither guard, the worker's write of
    its result must fail once the reader is gone instead of blocking forever."""
    env = {k: v for k, v in os.environ.items() if k != "SYMFISHER_NESTED_FORK"}
    package = str(Path(sf_deadline.__file__).parents[1])  # the symfisher folder (core/deadline.py inside)
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path), mode, package], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    pids: list[int] = []
    try:
        pids = _wait_for([tmp_path / t for t in tags], proc)
        assert all(not _dead(pid) for pid in pids)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + GONE_WITHIN
        while not all(_dead(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.02)
        alive = [pid for pid in pids if not _dead(pid)]
        assert not alive, f"{mode}: workers {alive} outlived their killed parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for pid in pids:  # only the workers this test started
            if not _dead(pid):
                os.kill(pid, signal.SIGKILL)
        proc.stderr.close()
