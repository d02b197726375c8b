"""Actions domain."""
