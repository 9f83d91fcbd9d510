"""Duty: victim referrals between institutions."""
