"""Exporters: LaTeX / Markdown proofs of a derivation (``latex``) and the catalog proofs (``proofs``)."""

from __future__ import annotations
