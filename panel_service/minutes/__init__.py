"""Minutes: what was recorded for each listing, and the approved versions."""
