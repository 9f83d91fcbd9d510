"""Prefect flows: one business process per file."""
