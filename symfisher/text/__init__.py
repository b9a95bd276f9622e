"""Safe parsing of untrusted text into core objects, one grammar per module, never ``eval``.

- :mod:`~symfisher.text.lexer`: characters, brackets, positions and the ``MAX_*`` limits;
- :mod:`~symfisher.text.vocabulary`: the allow-listed functions and constants;
- :mod:`~symfisher.text.expressions`: expressions → SymPy (``_syntax``, ``_validate``, ``_build``);
- :mod:`~symfisher.text.symbols`: symbol declarations with assumptions (``"mu:real sigma:positive"``);
- :mod:`~symfisher.text.sets`: sets and supports (``"(0, oo)"``, ``"Naturals0"``, ``"x: (0, oo); y: (0, 1)"``);
- :mod:`~symfisher.text.parse`: the public facade re-exporting the parsers;
- :mod:`~symfisher.text.untrusted`: :func:`~symfisher.text.untrusted.model_from_string`, the
  time-limited entry point from text to a validated :class:`~symfisher.core.model.Model`.
"""
