"""Numeric code from closed forms: the one compiler (:mod:`.compiler`: ``compile_function``, ``module_source``,
``NumericModel``) with its NumPy backend and the optional JAX and PyTorch backends, sums over data sets
(:mod:`.sample`), cross-checks and empirical/observed information."""
