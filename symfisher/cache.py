"""Derivation cache on disk (being built; see issue #16)."""
