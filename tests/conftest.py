"""Strict mode for the whole test suite: a strategy's unexpected exception fails the test.

``Config.strict`` defaults to ``SYMFISHER_STRICT=1`` in the environment (read when a ``Config`` is
built, so setting it here, before any test module imports symfisher, is enough). The derivation's
workers are forked, so they inherit it. A test that needs the lenient behaviour passes
``Config(strict=False)`` explicitly.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

os.environ["SYMFISHER_STRICT"] = "1"

# The derivation cache on disk (symfisher.cache) is off for the suite, so one test's result never
# answers another's and nothing is written to the user's cache; tests/unit/test_cache.py turns it on
# in a temporary directory. Should anything still turn it on, it writes to a throw-away folder.
os.environ["SYMFISHER_NO_CACHE"] = "1"
os.environ["SYMFISHER_CACHE_DIR"] = tempfile.mkdtemp(prefix="symfisher-test-cache-")
atexit.register(shutil.rmtree, os.environ["SYMFISHER_CACHE_DIR"], True)


#: Tests that run alone, after the parallel part of CI (``-m serial`` in ``.ci/run``): the fuzzing that bounds derive's
#: lateness on the wall clock, and the joint laws whose numeric evidence is box quadrature within wall-clock seconds
#: (the negative multinomial's two 3.6 s sums over N^3). The engine's own limits count work (a worker's CPU time,
#: ``symfisher.core.deadline.now``), so the tests that decide what a time-limited route finishes run in the parallel
#: part: the generality probes, 19 tests that took 330-420 s by themselves, passed 29 of 30 two at a time (the 30th,
#: the truncated Laplace law's regularity entry, was at its limit alone, and is fast now).
ALONE = ("tests/integration/test_hypothesis.py::",
         "tests/integration/test_sympy_stats.py::test_open_joint_laws_get_numeric_evidence")

#: Unit test files that run in the integration half, after the integration tests, so that the halves take about as
#: long: the durations in one parallel run summed to 1075 s (integration) and 1165 s (unit and doctests), with the
#: soundness files (108 s) in the integration half already; the open entries' tests (69 s) join them.
WITH_THE_INTEGRATION_TESTS = ("tests/unit/core/test_soundness.py::", "tests/unit/core/test_soundness_attacks.py::",
                              "tests/unit/core/test_open_entries.py::")

#: Tests dealt out to the two halves in turn (about 480 s of derivations that use both cores between them).
DEALT = "tests/integration/test_generality_probes.py::"


def pytest_collection_modifyitems(items):
    """CI's parallel part (pytest-xdist ``-n 2 --dist loadgroup -m "not serial"``, ``.ci/run``) runs two halves side
    by side, each in the serial order: the integration tests on one worker (and :data:`WITH_THE_INTEGRATION_TESTS`
    after them), the unit tests and doctests on the other, the tests in :data:`DEALT` dealt out to both. Not a free mix: a test that initializes JAX (the numeric
    backends' tests) makes every later worker in its process start from a fork server, and the core's tests after it
    would start cold. Then the tests in :data:`ALONE` run by themselves (``-m serial``). A plain ``pytest`` runs
    everything in one process, as before."""
    dealt = 0
    for item in items:
        if item.nodeid.startswith(ALONE):
            item.add_marker(pytest.mark.serial)
        if item.nodeid.startswith(DEALT):
            half, dealt = ("integration", "unit")[dealt % 2], dealt + 1
        else:
            half = "integration" if item.nodeid.startswith(("tests/integration/", *WITH_THE_INTEGRATION_TESTS)) \
                else "unit"
        item.add_marker(pytest.mark.xdist_group(half))
