"""Cooperation-request units of work."""
