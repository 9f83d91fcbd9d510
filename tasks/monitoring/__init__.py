"""Duty: the monitoring round's units of work."""
