"""NGBoost distributions from symfisher derivations (being built; see issue #15)."""
