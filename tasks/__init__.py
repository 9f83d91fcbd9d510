"""Prefect tasks: one unit of work each, each writing its own status."""
