"""Panels domain."""
