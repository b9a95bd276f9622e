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
# One folder for the whole run, shared by pytest-xdist's workers (they inherit it from the process that starts them,
# which removes it at the end): the catalog derivations of tests/support/_uses_cache.py, derived once for both halves
# of CI's parallel part instead of once in each (the unit half's derivations came to about 50 s).
if "SYMFISHER_TEST_SHARED_CACHE" not in os.environ:
    os.environ["SYMFISHER_TEST_SHARED_CACHE"] = tempfile.mkdtemp(prefix="symfisher-test-shared-")
    atexit.register(shutil.rmtree, os.environ["SYMFISHER_TEST_SHARED_CACHE"], True)


#: Tests that run after the parallel part of CI, two at a time among themselves (``-m serial`` in ``.ci/run``): each
#: decides what a time-limited route of the engine finishes, and beside the other process of the parallel part (a
#: derive there has no second core for its simplification and residual route) they took longer than by themselves
#: (dealt into it: 1486 s for the first part, against about 1250 s + 297 s). The engine's limits count work (a
#: worker's CPU time), so they give the same results two at a time; before they did, 7 of 19 generality probes failed
#: on time beside the other process. Here: the generality probes, the fuzzing that bounds derive's lateness, the
#: negative multinomial's box quadrature (two 3.6 s sums over N^3), the Birnbaum–Saunders law's I_ββ (3 s of its 4 s
#: entry time alone), sympy.stats' Benini law (11 s alone), and two limits that take 1 of their 2 s alone.
ALONE = ("tests/integration/test_generality_probes.py::", "tests/integration/test_hypothesis.py::",
         "tests/integration/test_sympy_stats.py::test_open_joint_laws_get_numeric_evidence",
         "tests/integration/test_sympy_stats.py::test_closed_forms_match_quadrature_and_the_verdict_matches_the_numbers"
         "[Benini]",
         "tests/integration/test_textbook_families.py::test_derivation_closes_and_matches_literature[birnbaum-"
         "saunders]",
         "tests/unit/core/test_antiderivative.py::test_limits_in_an_inner_variable",
         "tests/unit/core/expectation/test_strategy_dirac.py::test_a_root_inside_a_bounded_support")


#: Test files that run numeric code through JAX or PyTorch. Once JAX has started in a process, each later derivation
#: worker of that process starts from a fork server (symfisher.core.deadline.start_method), cold: these files come
#: last in the collection, so that a process of a parallel run that takes one takes nothing else after it.
STARTS_JAX = ("tests/unit/numeric/", "tests/unit/export/test_export_code.py")


#: The backends' own tests (JAX, PyTorch), the longest of :data:`STARTS_JAX`: last of all, so that the files before
#: them derive in processes where no backend has started yet (first in that part, they made the code-generation tests'
#: derivations cold: 15 s → 82 s).
BACKENDS_LAST = "tests/unit/numeric/test_backends.py"


def _group(item: pytest.Item) -> str:
    """The test file, and in a :data:`STARTS_JAX` file the ``backend`` parameter too: the backends' tests (112 s on a
    clean clone with PyTorch, handed out last) split into the JAX tests, the PyTorch tests and the rest, which the two
    processes share instead of one taking them all at the end of the run."""
    file = item.nodeid.split("::")[0]
    callspec = getattr(item, "callspec", None)
    backend = callspec.params.get("backend") if callspec is not None else None
    return f"{file}[{backend}]" if backend and file.startswith(STARTS_JAX) else file


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which reads the groups (its plugin is registered later)
def pytest_collection_modifyitems(items):
    """CI's parallel part (pytest-xdist ``-n 2 --dist loadgroup --no-loadscope-reorder -m "not serial"``,
    ``.ci/run``) hands out whole test files, in the collection's order, to whichever of its two processes is free
    (a file's tests stay in one process, in order, with its module's caches). The order: the integration tests (the
    longest files) first, then the unit tests and doctests, then :data:`STARTS_JAX`, and last :data:`BACKENDS_LAST`
    in three groups (:func:`_group`). The groups are set before
    pytest-xdist reads them (``tryfirst``); until 2026-12-07 they were set after, and tests were dealt one by one, so
    a module's cached derivations were made in both processes (part 1 on a clean clone: 1154 s, whole files 968 s;
    test time summed 2144 s, 1751 s). Then the tests in :data:`ALONE` run among themselves (``-m serial``).
    A plain ``pytest`` runs everything in one process, in the same order."""
    for item in items:
        if item.nodeid.startswith(ALONE):
            item.add_marker(pytest.mark.serial)
        item.add_marker(pytest.mark.xdist_group(_group(item)))
    items.sort(key=lambda item: (item.nodeid.startswith(STARTS_JAX),
                                 not item.nodeid.startswith("tests/integration/"),
                                 item.nodeid.startswith(BACKENDS_LAST)))
