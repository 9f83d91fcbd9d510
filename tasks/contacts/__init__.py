"""The contacts duty's units of work."""
