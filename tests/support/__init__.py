"""Builders for test data, one module per domain, all going through the real services."""
