"""Exporters: standalone numeric code (``code``) and the LaTeX / Markdown proofs (``latex``, a package with one
concern per module). The catalog's proofs are written by ``scripts/regenerate_proofs.py``."""

from __future__ import annotations
