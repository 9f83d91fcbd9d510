"""Duty: cross-border cooperation requests under their legal clocks."""
