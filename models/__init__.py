"""Concord's tables, settings, database access and pure domain rules."""
