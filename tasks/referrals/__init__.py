"""Referral units of work."""
