"""Strict mode for the whole test suite: a strategy's unexpected exception fails the test.

``Config.strict`` defaults to ``SYMFISHER_STRICT=1`` in the environment (read when a ``Config`` is
built, so setting it here, before any test module imports symfisher, is enough). The derivation's
workers are forked, so they inherit it. A test that needs the lenient behaviour passes
``Config(strict=False)`` explicitly.
"""

from __future__ import annotations

import os

os.environ["SYMFISHER_STRICT"] = "1"
