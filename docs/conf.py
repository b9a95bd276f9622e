"""Sphinx configuration of the symfisher documentation.

Sphinx rather than MkDocs: autodoc reads the Google-style docstrings the package already carries
(with their formulas and doctests), and myst-nb executes the tutorial and the user guide's code cells
during the build, so every number and figure on the site is what the current code computes.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` from the repository root.
The catalog pages are generated at build time from ``derivations/proofs/*.md`` (see ``_catalog.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))   # the checkout's symfisher (and its catalog in derivations/)
sys.path.insert(0, str(DOCS))

import _catalog  # noqa: E402  (needs sys.path above)

import symfisher  # noqa: E402

_catalog.write_pages(ROOT / "derivations", DOCS / "catalog")

project = "symfisher"
author = "the symfisher authors"
copyright = "2026, the symfisher authors"
release = version = symfisher.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
templates_path = ["_templates"]

html_theme = "furo"
html_title = f"symfisher {release}"

# MyST: $…$ and $$…$$ math (the proofs use \tag), definition lists, ::: fences.
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "substitution"]
myst_dmath_double_inline = True

# myst-nb: execute every notebook page (tutorial and guide) in the build; cached between local builds
# in docs/_build/.jupyter_cache, so a CI checkout always executes from scratch.
nb_execution_mode = "cache"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_output_stderr = "warn"      # a warning printed by the code fails the -W build
nb_merge_streams = True
nb_render_markdown_format = "myst"   # Markdown outputs (the proofs) with $…$ math

# autodoc / autosummary: the API reference from the docstrings (Google style).
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "show-inheritance": True, "member-order": "bysource"}
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True

