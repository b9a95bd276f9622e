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

os.environ["SYMFISHER_STRICT"] = "1"

# The derivation cache on disk (symfisher.cache) is off for the suite, so one test's result never
# answers another's and nothing is written to the user's cache; tests/unit/test_cache.py turns it on
# in a temporary directory. Should anything still turn it on, it writes to a throw-away folder.
os.environ["SYMFISHER_NO_CACHE"] = "1"
os.environ["SYMFISHER_CACHE_DIR"] = tempfile.mkdtemp(prefix="symfisher-test-cache-")
atexit.register(shutil.rmtree, os.environ["SYMFISHER_CACHE_DIR"], True)
