"""Exporters: standalone numeric code (``code``), LaTeX / Markdown proofs (``latex``) and the catalog proofs (``proofs``)."""

from __future__ import annotations
