"""Duty: committee meeting cycles (agenda proposals, attendance, action items)."""
