"""Operational alerts to the coordinator's secretariat."""
