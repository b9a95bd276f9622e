r"""LaTeX and Markdown proofs of a :class:`~symfisher.core.derivation.Derivation`, one concern per module.

- :mod:`.text`: plain text and symbol names as safe ASCII LaTeX (``escape_text``, ``latex_name``);
- :mod:`.printer`: SymPy objects as math (``math_latex``);
- :mod:`.layout`: width estimates, line breaking and shrinking of displayed math;
- :mod:`.blocks`: the document model shared by both renderers, and the typesetting of a
  :class:`~symfisher.core.note.Note` from its parts (``note_segments``) — prose as text, SymPy
  objects as math; engine text is never parsed;
- :mod:`.proof`: the proof's blocks from :attr:`Derivation.steps`;
- :mod:`.appendix`: the numeric implementation read back as math by latexify-py;
- :mod:`.document`: the LaTeX renderer (standalone document, notebook display);
- :mod:`.markdown`: the Markdown renderer (MathJax).
"""

from __future__ import annotations

from symfisher.export.latex.appendix import numeric_functions, numeric_latex
from symfisher.export.latex.document import (PREAMBLE, derivation_repr_latex, derivation_to_latex, detail_to_latex,
                                             verdict_to_latex)
from symfisher.export.latex.markdown import derivation_to_markdown
from symfisher.export.latex.printer import math_latex
from symfisher.export.latex.text import escape_text, latex_name

__all__ = [
    "derivation_to_latex",
    "derivation_to_markdown",
    "derivation_repr_latex",
    "verdict_to_latex",
    "latex_name",
    "math_latex",
    "escape_text",
    "detail_to_latex",
    "numeric_functions",
    "numeric_latex",
    "PREAMBLE",
]
