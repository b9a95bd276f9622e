"""Derivations of catalog families, derived once per test session (symfisher.derive takes seconds): every test of
the catalog (literature, soundness, numeric, backends, uses) shares them."""

from __future__ import annotations

import os
from functools import lru_cache

import symfisher.catalog as derivations
import symfisher as sf


# generous per-step limits: these tests check results, not speed (a loaded machine must not flip them)
CONFIG = sf.Config.defaults().merge(atom_timeout=20.0, simplify_timeout=15.0)


def derive(model: sf.Model, cache: bool | str = False) -> sf.Derivation:
    """``symfisher.derive`` under :data:`CONFIG`; ``cache``: a folder to answer from and store in (False: none)."""
    return sf.cache.derive_cached(model, timeout=180.0, config=CONFIG, cache=cache)


@lru_cache(maxsize=None)
def derived(name: str) -> sf.Derivation:
    """The family's derivation, from the run's shared cache when another test process derived it already."""
    return derive(derivations.get(name).model(), os.environ.get("SYMFISHER_TEST_SHARED_CACHE") or False)
