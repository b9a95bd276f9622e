"""Exporters: standalone numeric code (:mod:`symfisher.export.code`)."""
