"""Delivering the outbox over SMTP and webhooks."""
