"""Reference data: institutions, bodies, strategies and measures, and their loader."""
