"""Hard time limits around symbolic work: run it in a forked worker that is killed at the deadline.

SymPy ignores signals inside C-level loops and can recurse for minutes, so a soft check is not
enough. ``run_with_deadline`` forks (cheap, copy-on-write), runs the call in the child and waits on
a pipe; at the deadline the child is killed. ``stream_with_deadline`` does the same for a generator,
handing back every item produced before the deadline.

Inside a worker, nested limits (one ``simplify`` per matrix entry, one ``integrate`` per atom) use
an interval timer instead of another fork: the alarm raises :class:`_Alarm` (a ``BaseException``,
so SymPy's ``except Exception`` clauses cannot swallow it) and re-fires every 50 ms until the call
returns. Should a C-level loop ignore it, the enclosing worker is still killed at its own deadline.
A fork and a pickled round trip cost ~50 ms each; the timer costs microseconds.
``SYMFISHER_NESTED_FORK=1`` in the environment makes nested limits fork as well.

Limits inside a worker count work, not wall time (:func:`now`): a worker's clock is its caller's clock at the fork
plus the CPU time the worker has used since, so a step limited to 4 s gets 4 s of computing whether the machine is
idle or shared with three other jobs, and the same model gives the same verdict on a loaded machine. Its in-process
limits use the CPU-time interval timer; a worker waiting on its own worker reads that worker's CPU time (Linux
``/proc``; wall time elsewhere), behind a wall-clock backstop of :data:`WORK_SLACK` times the limit. The caller's
own limits (``derive(timeout=…)``, the top of every chain of workers) stay wall-clock: nothing outlives them.

:class:`Background` starts a worker at once and reads it later: independent work (simplifying the score while
the expectations are taken) then runs on a second core, under the same guards.

A worker never outlives its parent, even one killed by SIGKILL (which runs no clean-up): the kernel's
parent-death signal (Linux ``PR_SET_PDEATHSIG``) kills it at once, a watchdog thread that sees
``getppid()`` change kills it (and the process group it leads) within 0.2 s on any POSIX system, and
the worker holds no copy of the pipe's read end, so a write to a parent that is gone fails instead of
blocking forever.

Start method (:func:`start_method`): ``fork`` where it is safe, ``forkserver`` where the process runs threads
that do not survive a fork — JAX's runtime (XLA thread pools; JAX warns on every fork), an initialized CUDA
context, or on Python ≥ 3.12 any second thread (the interpreter itself warns then). The fork server is started
once (a fresh interpreter that imports symfisher, ~2 s), and forks each worker from its own single thread;
the function and its arguments travel pickled, so they must be importable (all of symfisher's are). The
worker's parent is then the server, which exits when the caller dies, so both guards still apply.
``SYMFISHER_START_METHOD`` (``fork``, ``forkserver``, ``spawn``) forces one. Measured (2 cores, loaded):
see :data:`START_COSTS`.
"""

from __future__ import annotations

import _thread
import contextlib
import gc
import math
import multiprocessing as mp
import os
import pickle
import signal
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from symfisher.errors import BudgetExceeded

_CAN_FORK = sys.platform != "win32" and "fork" in mp.get_all_start_methods()
_START_METHODS = ("fork", "forkserver", "spawn")
#: Modules the fork server imports once, so that its workers start warm.
FORKSERVER_PRELOAD = ("symfisher.core.derivation", "symfisher.core.validation", "symfisher.core.simplify",
                      "sympy.physics.units", "sympy.codegen.ast", "scipy.integrate", "scipy.optimize", "scipy.special")
#: What one worker start costs per start method (measured in this repository; see the module docstring).
START_COSTS = ("fork 11 ms, forkserver 25 ms per worker start (after a one-time 2.1 s server start); derive: normal "
               "1.09 s (fork) vs 1.31 s (forkserver), gamma-rate 0.33 s vs 0.44 s (2 shared cores, Python 3.11)")
_CAN_ALARM = hasattr(signal, "setitimer")
_IN_WORKER = False
_REFIRE = 0.05
#: A worker's limits count its CPU time (see the module docstring); waiting on its own worker it still gives up after
#: this many times the limit in wall time (a step that sleeps, or a machine loaded more than this many times over).
WORK_SLACK = 4.0
_origin = [0.0, 0.0]  # in a worker: [its clock at the start, its CPU time then] (see :func:`now`)
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") and "SC_CLK_TCK" in os.sysconf_names else 100


def now() -> float:
    """The clock of every time limit, in seconds: ``time.monotonic()`` in the caller's process; in a worker, the
    caller's clock when the worker started plus the CPU time the worker has used since (its work, whatever the
    machine's load).

    >>> abs(now() - time.monotonic()) < 1e-3
    True
    """
    if not _IN_WORKER:
        return time.monotonic()
    return _origin[0] + time.process_time() - _origin[1]


def _start_clock(origin: float) -> None:
    """In a new worker: its clock goes on from ``origin`` (its caller's :func:`now` at the start)."""
    _origin[:] = [origin, time.process_time()]


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time (user + system) process ``pid`` has used, from ``/proc`` (Linux); None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime: fields 14 and 15 of stat(5)
    except (OSError, IndexError, ValueError):
        return None


_PROC_CPU = _cpu_seconds(os.getpid()) is not None  # whether a process's CPU time can be read (Linux)


class _Alarm(BaseException):
    """Raised by the timer at an in-process deadline (not an ``Exception``: nothing may catch it by accident)."""


_deadlines: list[float] = []  # active in-process deadlines, innermost last
_shield = [0]  # > 0 while the deadline stack is being changed: the alarm waits


def _on_alarm(signum: int, frame: Any) -> None:
    if not _shield[0] and _deadlines and now() >= min(_deadlines):
        raise _Alarm()


def _rearm() -> None:
    """The CPU-time interval timer (a worker's limits count its work: :func:`now`) set for the nearest deadline."""
    if _deadlines:
        signal.setitimer(signal.ITIMER_PROF, max(1e-3, min(_deadlines) - now()), _REFIRE)
    else:
        signal.setitimer(signal.ITIMER_PROF, 0)


def _run_in_process(fn: Callable[..., Any], args: tuple, seconds: float) -> Any:
    """``fn(*args)`` in this worker, interrupted by the CPU-time interval timer at the deadline."""
    deadline = now() + seconds
    alarmed, result = False, None
    _shield[0] += 1
    try:
        if signal.getsignal(signal.SIGPROF) is not _on_alarm:
            signal.signal(signal.SIGPROF, _on_alarm)
        _deadlines.append(deadline)
        _rearm()
        _shield[0] -= 1
        try:
            result = fn(*args)
        finally:
            _shield[0] += 1
    except _Alarm:
        alarmed = True
    finally:
        _deadlines.remove(deadline)
        _rearm()
        _shield[0] -= 1
    if alarmed:
        if now() >= deadline:
            raise BudgetExceeded(f"gave up after {seconds:.3g} s")
        raise _Alarm()  # an enclosing deadline: pass it on
    return result


@dataclass(frozen=True)
class Budget:
    """A deadline shared by the stages of one derivation (on the clock of :func:`now`)."""

    deadline: float

    @classmethod
    def of(cls, seconds: float) -> Budget:
        return cls(now() + float(seconds))

    def left(self) -> float:
        return max(0.0, self.deadline - now())

    def slice(self, seconds: float) -> float:
        """``min(seconds, time left)``."""
        return min(float(seconds), self.left())

    def expired(self) -> bool:
        return self.left() <= 0.0


class _Failure:
    def __init__(self, exc: BaseException):
        self.exc = exc
        self.text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def _find_prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` (Linux), looked up once here so that a worker need not load ctypes itself."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - no prctl: the watchdog still applies
        return None


_PRCTL = _find_prctl()
_PDEATHSIG = _PRCTL is not None  # use the kernel's parent-death signal
_WATCH_PERIOD = 0.2  # seconds between the watchdog's looks at the parent; 0 turns the watchdog off


def _os_threads() -> int:
    """Threads of this process as the OS counts them (native ones included); Python's count elsewhere."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _threads_unsafe_for_fork() -> bool:
    """Whether this process runs threads that a forked child cannot live with (see the module docstring)."""
    xla = sys.modules.get("jax._src.xla_bridge")
    if xla is not None and (getattr(xla, "_backends", None) or getattr(xla, "_at_fork_handler_installed", False)):
        return True
    cuda = sys.modules.get("torch.cuda")
    if cuda is not None and getattr(cuda, "is_initialized", lambda: False)():
        return True
    return sys.version_info >= (3, 12) and _os_threads() > 1


def in_worker() -> bool:
    """Whether this process is a worker started by :func:`run_with_deadline` or :func:`stream_with_deadline` (it
    ends with the call it runs, so what it remembers cannot outlive that call).

    >>> in_worker()
    False
    """
    return _IN_WORKER


def start_method() -> str:
    """How the next worker starts: ``"fork"``, or ``"forkserver"`` when this process runs threads that make a
    fork unsafe; ``SYMFISHER_START_METHOD`` forces one (``fork``, ``forkserver``, ``spawn``).

    Nested workers (inside a worker) always fork: a worker's only other thread is its idle watchdog.

    >>> start_method() in ("fork", "forkserver", "spawn")
    True
    """
    forced = os.environ.get("SYMFISHER_START_METHOD", "")
    if forced in _START_METHODS and forced in mp.get_all_start_methods():
        return forced
    if _IN_WORKER or "forkserver" not in mp.get_all_start_methods():
        return "fork"
    return "forkserver" if _threads_unsafe_for_fork() else "fork"


def _context(method: str) -> Any:
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(list(FORKSERVER_PRELOAD))  # read once, when the server starts
    return ctx


def _server_process(ctx: Any) -> Any:
    """The Process class of ``ctx``: for the fork server :class:`_ServerWorker`."""
    return _ServerWorker if ctx.get_start_method() == "forkserver" else ctx.Process


if "forkserver" in mp.get_all_start_methods():
    import io
    from multiprocessing import context as _mp_context, forkserver as _forkserver, popen_forkserver as _popen_fs
    from multiprocessing import reduction as _reduction, spawn as _spawn, util as _mp_util

    class _ServerPopen(_popen_fs.Popen):
        """``popen_forkserver.Popen`` whose workers do not re-run the caller's ``__main__``: multiprocessing
        would otherwise execute a user's unguarded script in every worker, and a worker runs one function of
        an importable module that needs nothing from ``__main__``."""

        def _launch(self, process_obj: Any) -> None:  # popen_forkserver.Popen._launch without __main__
            prep_data = _spawn.get_preparation_data(process_obj._name)
            prep_data.pop("init_main_from_path", None)
            prep_data.pop("init_main_from_name", None)
            buf = io.BytesIO()
            _mp_context.set_spawning_popen(self)
            try:
                _reduction.dump(prep_data, buf)
                _reduction.dump(process_obj, buf)
            finally:
                _mp_context.set_spawning_popen(None)
            self.sentinel, w = _forkserver.connect_to_new_process(self._fds)
            parent_w = os.dup(w)  # the worker's sentinel of its parent, as multiprocessing keeps it
            self.finalizer = _mp_util.Finalize(self, _mp_util.close_fds, (parent_w, self.sentinel))
            with open(w, "wb", closefd=True) as f:
                f.write(buf.getbuffer())
            self.pid = _forkserver.read_signed(self.sentinel)

    class _ServerWorker(_mp_context.ForkServerProcess):
        @staticmethod
        def _Popen(process_obj: Any) -> Any:
            return _ServerPopen(process_obj)


def _set_pdeathsig() -> None:
    """Linux: the kernel sends this process SIGKILL when the thread that forked it exits."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def _orphaned(parent_pid: int) -> None:
    """The parent is gone: kill this worker's process group when it leads one (its nested workers with
    it), then exit. Never a group led by someone else: that would be the caller's own."""
    try:
        if os.getpgid(0) == os.getpid():
            os.killpg(os.getpid(), signal.SIGKILL)
    except OSError:  # pragma: no cover
        pass
    os._exit(1)


def _watch(parent_pid: int, period: float) -> None:
    """Watchdog thread: poll ``getppid()``; a new parent (init or a subreaper) means ours died."""
    if hasattr(signal, "pthread_sigmask"):  # signals (the SIGPROF of nested limits) go to the main thread
        signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    while os.getppid() == parent_pid:
        time.sleep(period)
    _orphaned(parent_pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process: not ours, so ours is gone
        return False
    return True


def _die_with_parent(parent_pid: int, pdeathsig: bool, watch_period: float = _WATCH_PERIOD,
                     caller: int | None = None) -> None:
    """Make sure this worker does not outlive its parent (a SIGKILLed parent runs no clean-up).

    Two guards: the kernel's parent-death signal (Linux), and a portable watchdog thread that sees
    ``getppid()`` change. PR_SET_PDEATHSIG fires when the *thread* that forked exits, so the caller
    passes ``pdeathsig=False`` where that thread might end before the worker (a stream forked off the
    main thread); the watchdog then does the job within :data:`_WATCH_PERIOD`.

    ``caller``: the process that asked for the worker when it is not the parent (a fork server's worker):
    it must still be alive once the guards are in place; the server exits when it dies.
    """
    if pdeathsig:
        _set_pdeathsig()
    if os.getppid() != parent_pid or (caller is not None and not _alive(caller)):  # died before the guards
        _orphaned(parent_pid)
    if watch_period > 0:
        _thread.start_new_thread(_watch, (parent_pid, watch_period))  # unlike Thread.start, no wait


def _child(conn: Any, reader: Any, fn: Callable[..., Any], args: tuple, stream: bool, top: bool,
           parent_pid: int, pdeathsig: bool, watch_period: float = _WATCH_PERIOD, origin: float = 0.0) -> None:
    global _IN_WORKER
    _start_clock(origin)
    reader.close()  # the parent's end: once the parent is gone a write fails (EPIPE) instead of blocking
    if top:  # a process group of its own: the caller kills the whole group (nested workers too)
        try:
            os.setpgid(0, 0)
        except OSError:  # pragma: no cover
            pass
    caller = None
    if os.getppid() != parent_pid and _alive(parent_pid):  # started by a fork server: watch the server
        caller, parent_pid = parent_pid, os.getppid()
    _die_with_parent(parent_pid, pdeathsig, watch_period, caller)
    _IN_WORKER = True
    try:
        if stream:
            for item in fn(*args):
                conn.send_bytes(pickle.dumps(("item", item)))
            conn.send_bytes(pickle.dumps(("done", None)))
        else:
            conn.send_bytes(pickle.dumps(("done", fn(*args))))
    except BaseException as exc:  # noqa: BLE001 - forwarded to the parent
        try:
            conn.send_bytes(pickle.dumps(("error", _Failure(exc))))
        except Exception:  # unpicklable exception, or the parent is gone (broken pipe)
            try:
                conn.send_bytes(pickle.dumps(("error", _Failure(RuntimeError(repr(exc))))))
            except Exception:  # noqa: BLE001 - nobody left to tell
                pass
    finally:
        try:
            conn.close()
        finally:
            os._exit(0)


def _start(ctx: Any, child: Any, parent: Any, fn: Callable[..., Any], args: tuple, stream: bool, top: bool,
           origin: float) -> Any:
    """Fork the worker. The parent-death signal is tied to the forking thread, so a stream forked off
    the main thread (its generator may be resumed from another thread) relies on the watchdog."""
    server = ctx.get_start_method() != "fork"  # the server's single thread forks: the signal always applies
    pdeathsig = _PDEATHSIG and (server or not stream or threading.current_thread() is threading.main_thread())
    proc = _server_process(ctx)(target=_child, args=(child, parent, fn, args, stream, top, os.getpid(), pdeathsig,
                                            _WATCH_PERIOD, origin), daemon=False)
    with warnings.catch_warnings(), _frozen_heap():
        if _IN_WORKER:  # Python >= 3.12 warns on fork with threads; a worker's is the idle watchdog
            warnings.simplefilter("ignore", DeprecationWarning)
        proc.start()
    return proc


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """The objects the garbage collector tracks frozen while a worker forks (``gc.freeze``), unfrozen again here.

    The worker keeps them frozen: its collections then skip the heap it inherited instead of walking it, which would
    write to every object's header and copy every page of it. After deriving the other sympy.stats laws in one
    process, the reciprocal law took 0.44-0.51 s; with the parent's heap frozen, 0.34-0.37 s."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass
class _Worker:
    """A running worker as its caller sees it: the process, the read end of its pipe, whether it leads a process
    group of its own, and its deadline on the worker's own clock (:meth:`clock`) with a wall-clock backstop."""

    proc: Any
    pipe: Any
    top: bool
    deadline: float = math.inf
    backstop: float = math.inf  # time.monotonic() value
    origin: float = 0.0  # the caller's now() when the worker started: its clock's start
    cpu: float = 0.0  # the worker's CPU time as last read

    @classmethod
    def start(cls, fn: Callable[..., Any], args: tuple, stream: bool, seconds: float) -> _Worker:
        ctx = _context(start_method())
        pipe, child = ctx.Pipe(duplex=False)
        origin = now()  # the worker's clock starts here
        proc = _start(ctx, child, pipe, fn, args, stream, not _IN_WORKER, origin)
        worker = cls(proc, pipe, not _IN_WORKER, origin=origin)
        child.close()
        return worker.limited(max(0.0, seconds))

    @staticmethod
    def _counts_work() -> bool:
        """Whether its limit counts the worker's CPU time: inside a worker, where ``/proc`` tells it."""
        return _IN_WORKER and _PROC_CPU

    def clock(self) -> float:
        """The worker's clock (:func:`now` there) as read from here; the wall clock at the caller's top level."""
        if not self._counts_work():
            return time.monotonic()
        cpu = _cpu_seconds(self.proc.pid)
        self.cpu = self.cpu if cpu is None else cpu  # gone: its last reading
        return self.origin + self.cpu

    def limited(self, seconds: float) -> _Worker:
        """The same worker, given at most ``seconds`` more on its clock (and :data:`WORK_SLACK` times that in wall
        time where the clock counts work)."""
        slack = WORK_SLACK if self._counts_work() else 1.0
        self.deadline = min(self.deadline, self.clock() + seconds)
        self.backstop = min(self.backstop, time.monotonic() + slack * seconds)
        return self

    def left(self) -> float:
        return min(self.deadline - self.clock(), self.backstop - time.monotonic())

    def wait(self) -> bool:
        """Whether a message came before the deadline. The worker's clock moves at most as fast as the wall clock
        (one thread), so waiting for what is left never overshoots it."""
        while True:
            left = self.left()
            if left <= 0:
                return False
            if self.pipe.poll(max(left, 1.0 / _TICK)):
                return True

    def stop(self) -> None:
        """Kill the worker (and, when it leads one, its process group), reap it and close its pipe."""
        _stop(self.proc, self.pipe, self.top)


def _messages(fn: Callable[..., Any], args: tuple, seconds: float, stream: bool,
              started: _Worker | None = None) -> Iterator[tuple[str, Any]]:
    """The worker's messages until "done" or "error"; ``started``: a worker already running (see
    :class:`Background`), with its deadline. A worker run in turn inside a worker (not beside it) charges its work
    to the caller's clock, as if the caller had done it."""
    worker = started or _Worker.start(fn, args, stream, seconds)
    begun = worker.clock()
    try:
        while True:
            if not worker.wait():
                raise BudgetExceeded(f"gave up after {seconds:.3g} s")
            try:
                kind, payload = pickle.loads(worker.pipe.recv_bytes())
            except EOFError:
                raise BudgetExceeded("the worker process died (out of memory or killed)") from None
            yield kind, payload
            if kind in ("done", "error"):
                return
    finally:
        if started is None and _IN_WORKER:
            _origin[0] += max(0.0, worker.clock() - begun)
        worker.stop()


def _stop(proc: Any, parent: Any, top: bool) -> None:
    """Kill the worker (and, when it leads one, its process group), reap it and close its pipe."""
    if top and proc.pid is not None:  # the worker and everything it started (not yet reaped: pid is ours)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
    if proc.is_alive():
        proc.kill()
    proc.join(1.0)
    parent.close()


def _raise(failure: _Failure) -> None:
    raise failure.exc


def run_with_deadline(fn: Callable[..., Any], args: tuple = (), seconds: float = 10.0) -> Any:
    """``fn(*args)`` under a hard limit: wall-clock at the caller's top level, the work done inside a worker
    (:func:`now`).

    Raises:
        BudgetExceeded: The call did not finish in ``seconds`` (the worker was killed).
        Exception: Whatever ``fn`` raised, re-raised here.
    """
    if seconds <= 0:
        raise BudgetExceeded("no time left")
    if not _CAN_FORK:
        return fn(*args)
    if _IN_WORKER and _CAN_ALARM and threading.current_thread() is threading.main_thread() \
            and os.environ.get("SYMFISHER_NESTED_FORK") != "1":
        return _run_in_process(fn, args, seconds)
    for kind, payload in _messages(fn, args, seconds, stream=False):
        if kind == "error":
            _raise(payload)
        return payload
    raise AssertionError("unreachable")


def stream_with_deadline(gen_fn: Callable[..., Iterator[Any]], args: tuple, seconds: float) -> Iterator[Any]:
    """Items of ``gen_fn(*args)`` produced within ``seconds``; stops quietly at the deadline.

    Raises:
        Exception: Whatever the generator raised, re-raised here.
    """
    if not _CAN_FORK:
        yield from gen_fn(*args)
        return
    yield from _items(_messages(gen_fn, args, seconds, stream=True))


def _items(messages: Iterator[tuple[str, Any]]) -> Iterator[Any]:
    """The items of a streaming worker's messages; stops quietly at the deadline (or when the worker died) and
    passes on an exception the generator itself raised (a BudgetExceeded included)."""
    failure = None
    try:
        for kind, payload in messages:
            if kind == "item":
                yield payload
            elif kind == "error":
                failure = payload
    except BudgetExceeded:
        return
    if failure is not None:
        _raise(failure)


class Background:
    """A generator's items computed in a worker started *now*, read later: independent work that overlaps with
    what the caller does meanwhile (the simplified score and Hessian while the expectations are taken).

    Iterating yields the items produced by the deadline (``seconds`` from the start) and stops quietly there;
    :meth:`close` (also on leaving a ``with`` block) kills the worker if it is still running. Without fork
    (Windows) the generator runs when iterated, in this process.

    >>> with Background(range, (3,), 10.0) as items:
    ...     list(items)
    [0, 1, 2]
    """

    def __init__(self, gen_fn: Callable[..., Iterator[Any]], args: tuple, seconds: float):
        self._gen_fn, self._args = gen_fn, args
        self._started = None
        if _CAN_FORK and seconds > 0:
            self._started = _Worker.start(gen_fn, args, True, seconds)
        self._seconds = seconds

    def __iter__(self) -> Iterator[Any]:
        if self._started is None:
            if self._seconds > 0:
                yield from self._gen_fn(*self._args)
            return
        started, self._started = self._started, None
        yield from _items(_messages(self._gen_fn, self._args, self._seconds, True, started))

    def within(self, seconds: float) -> Background:
        """The same worker, read for at most ``seconds`` from now (never past its own deadline).

        >>> with Background(range, (3,), 10.0) as items:
        ...     list(items.within(5.0))
        [0, 1, 2]
        """
        if self._started is not None:
            self._started.limited(max(0.0, seconds))
        return self

    def close(self) -> None:
        """Kill the worker when nobody read it to the end."""
        if self._started is not None:
            started, self._started = self._started, None
            started.stop()

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
