"""Fictional data: the small demo set and the large synthetic load."""
