"""Prevention-campaign units of work."""
