"""Duty: monitoring rounds of a strategy's action plan and their consolidated report."""
