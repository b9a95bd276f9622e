"""symfisher."""
