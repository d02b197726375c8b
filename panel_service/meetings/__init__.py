"""Meetings domain."""
